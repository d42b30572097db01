#!/usr/bin/env bash
# Tests of myipc-bench-c itself: the self-test, the options, the JSON
# document, that a corrupted byte makes the run fail (correctness pass and
# the timed run's checksum), and that no row beats the ceiling.
# usage: test.sh [path/to/myipc-bench-c]     (make -C myipc-bench/native check)
set -u
bin=${1:-$(dirname "$0")/build/myipc-bench-c}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

tiny=(--sizes 4K,64K --bytes 1M --verify-bytes 256K --rtt-count 500 --warmup 50
      --rates 1000,max --rate-seconds 0.05 --repeats 3)

# 1. the self-test
"$bin" --self-test >"$tmp/self.out" 2>"$tmp/self.err"
rc=$?
# its checks become lines of this stream (numbered on), the rest comments
while IFS= read -r l; do
	case $l in
	"ok "*) ok "self-test: ${l#ok * - }" ;;
	"not ok "*) notok "self-test: ${l#not ok * - }" ;;
	*) echo "# $l" ;;
	esac
done <"$tmp/self.out"
check "self-test exits 0" [ $rc -eq 0 ]
check "self-test ends with 'bench-c: N passed, 0 failed'" \
	sh -c 'tail -n 1 "$1" | grep -Eq "^bench-c: [1-9][0-9]* passed, 0 failed$"' _ "$tmp/self.out"

# 2. a tiny run writes a valid document with every record expected
"$bin" --transports pipe,shm,ceiling,cacheline "${tiny[@]}" --out "$tmp/r.json" >"$tmp/r.out" 2>"$tmp/r.err"
check "tiny run exits 0" [ $? -eq 0 ]
check "tiny run prints the RTT, throughput and ratio tables" \
	sh -c 'grep -q "Throughput, MB/s" "$1" && grep -q "Throughput ratios: to the ceiling / to the pipe" "$1"' _ "$tmp/r.out"
check "progress lines go to stderr" grep -Eq '^bench-c: \[ *[0-9.]+s\] pipe: rtt sleep' "$tmp/r.err"
check "document is valid JSON" sh -c 'python3 -m json.tool "$1" >/dev/null' _ "$tmp/r.json"
check "document has every record, with sane figures, repeats and the work label" python3 - "$tmp/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e, res, cfg = d["environment"], d["results"], d["config"]
assert e["frontend"] == "c" and e["cores"] >= 1 and e["kernel"] and "emulated" in e, e
assert e["placement"] == "cross-core"
assert cfg["repeats"] == 3 and cfg["warmup_pass"] is True and cfg["hybrid_spins"] == 200, cfg
def recs(**kw):
    return [r for r in res if all(r.get(k) == v for k, v in kw.items())]
def repeated(r, k):
    assert r["repeats"] == 3 and r[k + "_min"] <= r[k] <= r[k + "_max"], r
    sp = (r[k + "_max"] - r[k + "_min"]) / r[k] * 100
    # the document rounds min/median/max (to q): allow for that in the recomputed spread, whose
    # error grows with the spread itself when the median is rounded
    q = 0.1 if k == "mb_per_s" else 1
    assert abs(r["spread_pct"] - sp) < 0.2 + (150 + sp) * q / r[k], r
    assert r["noisy"] is (r["spread_pct"] > 10), r
for t, waits, tpwait in (("pipe", ("sleep", "spin"), "sleep"), ("shm", ("sleep", "spin", "hybrid"), "hybrid")):
    assert sorted(r["wait"] for r in recs(transport=t, metric="rtt")) == sorted(waits), t
    for w in waits:
        (r,) = recs(transport=t, metric="rtt", wait=w)
        assert r["count"] == 3 * 500 and r["verified"] is True, r
        assert 0 < r["min_ns"] <= r["p50_ns"] <= r["p90_ns"] <= r["p99_ns"] <= r["p999_ns"] <= r["max_ns"], r
        assert r["cpu_ns_per_msg_writer"] > 0 and r["cpu_ns_per_msg_reader"] > 0, r
        repeated(r, "p50_ns")
    for w in ("sleep", "spin"):
        rates = recs(transport=t, metric="rate", wait=w)
        assert sorted(x["rate_target_per_s"] for x in rates) == [0, 1000], rates
        assert all(x["cpu_pct_writer"] >= 0 and x["cpu_pct_reader"] >= 0 for x in rates)
        for x in rates:
            repeated(x, "p50_ns")
    tp = recs(transport=t, metric="throughput")
    assert sorted(x["chunk_bytes"] for x in tp) == [4096, 65536], tp
    for x in tp:
        assert x["bytes"] == 1 << 20 and x["mb_per_s"] > 0 and x["verified"] is True, x
        assert x["wait"] == tpwait and x["work"] == "every byte written and read", x
        assert abs(x["mb_per_s"] - x["bytes"] / x["seconds"] / 1e6) < 0.1 * x["mb_per_s"] + 1, x
        repeated(x, "mb_per_s")
ceil = recs(transport="ceiling", metric="throughput")
assert sorted(x["chunk_bytes"] for x in ceil) == [4096, 65536], ceil
for x in ceil:
    assert x["wait"] == "hybrid" and x["work"] == "every byte written and read" and x["verified"] is True, x
    assert x["capacity_bytes"] >= 1 << 20 and x["capacity_bytes"] >= 2 * x["chunk_bytes"], x
    repeated(x, "mb_per_s")
assert not recs(transport="memcpy") and "memcpy" not in cfg["transports"]
(cl,) = recs(transport="cacheline", metric="rtt", wait="spin")
repeated(cl, "p50_ns")
assert all(r["frontend"] == "c" and r["placement"] == "cross-core" for r in res)
assert not recs(transport="unix"), "a transport that was not asked for was run"
assert "vm_mode" not in e, "vm_mode without MYIPC_VM_MODE"
PY

# 3. a corrupted byte fails the run loudly: the correctness pass names the byte, the timed run's checksum
#    fails with both sums and the transport's name, no throughput record is written
"$bin" --transports pipe --metrics throughput,rtt "${tiny[@]}" --inject-corruption --out "$tmp/c.json" \
	>"$tmp/c.out" 2>"$tmp/c.err"
check "--inject-corruption: run exits 1" [ $? -eq 1 ]
check "--inject-corruption: stderr names the corrupted byte" grep -q 'FAILED correctness: pipe, chunk 4K: CORRUPTED byte at offset' "$tmp/c.err"
check "--inject-corruption: the timed run's checksum fails, naming the transport and both sums" \
	grep -Eq 'FAILED pipe throughput 4K: pipe: CHECKSUM MISMATCH in timed pass 1: the reader.s sum of every word is [0-9]+, the writer.s words sum to [0-9]+' "$tmp/c.err"
check "--inject-corruption: no throughput record, the others say verified false" python3 -c '
import json, sys
res = json.load(open(sys.argv[1]))["results"]
assert res and all(r["verified"] is False for r in res), res
assert not [r for r in res if r["metric"] == "throughput"], res' "$tmp/c.json"

# 3b. --check-ceiling compares every row but the indices-only ones with the ceiling of the same run.
#     Whether a row stays under it is a timing outcome: on this shared host it is not asserted (a
#     zero-copy ring has beaten the ceiling under load); the deterministic VM mode asserts it
#     (test-deterministic). Here: the comparison happens, and its verdict is the exit status.
"$bin" --transports pipe,unix,vmsplice,vmsplice-null,ceiling --metrics throughput --sizes 64K \
	--bytes 4M --verify-bytes 256K --check-ceiling --out "$tmp/ceil.json" >"$tmp/ceil.out" 2>"$tmp/ceil.err"
rc=$?
check "--check-ceiling: 3 rows compared (vmsplice-null is indices only), exit status says the verdict" \
	sh -c '{ [ $1 -eq 0 ] || { [ $1 -eq 1 ] && grep -q "above the ceiling" "$2"; }; } &&
	       grep -q "ceiling check: 3 throughput rows compared with the ceiling (+1% allowed)" "$2"' _ $rc "$tmp/ceil.err"
check "the indices-only row is labelled so in the document" python3 -c '
import json, sys
res = [r for r in json.load(open(sys.argv[1]))["results"] if r["metric"] == "throughput"]
idx = [r["transport"] for r in res if r["work"] == "indices only, no payload touched"]
assert idx == ["vmsplice-null"], idx' "$tmp/ceil.json"
"$bin" --transports pipe --metrics throughput --sizes 64K --bytes 1M --check-ceiling=0 >/dev/null 2>"$tmp/nc.err"
check "--check-ceiling without the ceiling in the run fails" \
	sh -c '[ $1 -eq 1 ] && grep -q "no ceiling measured at this chunk size" "$2"' _ $? "$tmp/nc.err"

# 3c. the VM's mode is recorded; under icount no spinning row is measured (the vCPUs take turns)
MYIPC_VM_MODE=icount "$bin" --transports pipe,cacheline --metrics rtt,rate --rtt-count 100 --warmup 10 --repeats 1 \
	--rates 1000 --rate-seconds 0.05 --out "$tmp/vm.json" >/dev/null 2>"$tmp/vm.err"
check "MYIPC_VM_MODE=icount: vm_mode recorded, no spin rows, a note on stderr" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["environment"]["vm_mode"] == "icount", d["environment"]
assert not [r for r in d["results"] if r.get("wait") == "spin"], d["results"]
(z,) = [r for r in d["results"] if r["metric"] == "rtt" and r["wait"] == "sleep"]
assert "icount" not in z.get("note", ""), z
assert [r for r in d["results"] if r["metric"] == "rate" and r["wait"] == "sleep"], d["results"]
assert "spinning rows are not measured" in open(sys.argv[2]).read()' "$tmp/vm.json" "$tmp/vm.err"

# 4. placement is applied and reported
"$bin" --transports pipe --metrics rtt --rtt-count 200 --warmup 10 --placement same-core \
	--repeats 2 --out "$tmp/s.json" >/dev/null 2>&1
check "--placement same-core is reported" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["environment"]["placement"] == "same-core"
assert len(d["environment"]["cpus"]) == 2 and d["environment"]["cpus"][0] == d["environment"]["cpus"][1]
assert all(r["placement"] == "same-core" for r in d["results"]) and len(d["results"]) == 2' "$tmp/s.json"

# 5. the driver transport without a device is skipped with a message, not failed
"$bin" --transports kmod-spsc,kmod-mmap --dev /nonexistent/myipc0 --metrics rtt --rtt-count 10 >/dev/null 2>"$tmp/d.err"
check "dev without a device: exit 0" [ $? -eq 0 ]
check "kmod-spsc, kmod-mmap without a device: say what to do" sh -c 'grep -q "kmod-spsc: skipped: /nonexistent/myipc0 is not there.*load myipc.ko" "$1" && grep -q "kmod-mmap: skipped: /nonexistent/myipc0 is not there" "$1"' _ "$tmp/d.err"

# 6. a stuck peer is stopped by the watchdog and the run goes on
for tr in pipe shm; do
	"$bin" --transports $tr,ceiling --metrics rtt,throughput --sizes 4K --bytes 64K --rtt-count 100 \
		--repeats 1 --timeout 1 --inject-stall >"$tmp/w.out" 2>"$tmp/w.err"
	rc=$?
	check "--inject-stall ($tr): exit 1, the watchdog is named, later transports still run" \
		sh -c '[ $1 -eq 1 ] && grep -q "FAILED $2 rtt sleep: no result after 1 s: stopped by the watchdog" "$3" &&
		       grep -q "^ceiling" "$4"' _ $rc $tr "$tmp/w.err" "$tmp/w.out"
done

# 7. bad options are refused with exit 2 and a message
for bad in "--transports nosuch" "--placement diagonal" "--sizes 0" "--sizes 100" "--rates fast" \
	   "--metrics latency" "--rtt-count -5" "--cpus 0" "--repeats 0" "--transports dev-spsc" \
	   "--transports memcpy" "--check-ceiling=x" "--bogus"; do
	# shellcheck disable=SC2086
	"$bin" $bad >/dev/null 2>"$tmp/b.err"
	rc=$?
	check "refuses '$bad' (exit 2, message)" [ $rc -eq 2 -a -s "$tmp/b.err" ]
done

# 8. the driver's transports, where the driver is loaded (inside the VM): a tiny run of each, every record
#    there and verified; a transport the driver cannot offer here (a sync mode) is skipped with its reason
if [ -c /dev/myipc0 ] && [ -c /dev/myipc1 ]; then
	devs=kmod-spsc,kmod-mutex,kmod-1m,kmod-mmap,kmod-mmap-1m
	"$bin" --transports $devs,ceiling --dev /dev/myipc0,/dev/myipc1 --sizes 64,64K,1M --bytes 2M --verify-bytes 256K \
		--rtt-count 300 --warmup 30 --rates 1000,max --rate-seconds 0.05 --repeats 2 --out "$tmp/dev.json" \
		>"$tmp/dev.out" 2>"$tmp/dev.err"
	check "driver transports: tiny run exits 0" [ $? -eq 0 ]
	check "driver transports: every record of each transport that ran, verified; skips give a reason" \
		python3 - "$tmp/dev.json" "$tmp/dev.err" "$devs" <<'PY'
import json, re, sys
res = json.load(open(sys.argv[1]))["results"]
err = open(sys.argv[2]).read()
ran = 0
for t in sys.argv[3].split(","):
    recs = [r for r in res if r["transport"] == t]
    if not recs:
        assert re.search(r"%s: skipped: .*(sync=|sysfs|/sys/)" % re.escape(t), err), (t, err)
        continue
    ran += 1
    assert all(r["verified"] is True for r in recs), recs
    ring = t.startswith("kmod-mmap")
    waits = ("sleep", "spin", "hybrid") if ring else ("sleep", "spin")
    assert sorted(x["wait"] for x in recs if x["metric"] == "rtt") == sorted(waits), recs
    for w in waits:
        (r,) = [x for x in recs if x["metric"] == "rtt" and x["wait"] == w]
        assert r["count"] == 2 * 300 and r["repeats"] == 2 and 0 < r["p50_ns"] <= r["max_ns"], r
    for w in ("sleep", "spin"):
        assert len([x for x in recs if x["metric"] == "rate" and x["wait"] == w]) == 2
    tp = sorted((x["chunk_bytes"], x) for x in recs if x["metric"] == "throughput")
    assert [c for c, _ in tp] == [64, 65536, 1 << 20], tp
    for c, x in tp:
        assert x["mb_per_s"] > 0 and x["bytes"] >= 2 << 20 and x["repeats"] == 2, x
        assert x["work"] == "every byte written and read" and x["wait"] == ("hybrid" if ring else "sleep"), x
        if ring and c > x["capacity_bytes"]:
            assert "ring-sized" in x.get("note", ""), x
    if t in ("kmod-spsc", "kmod-mutex", "kmod-1m"):
        assert "sync=" + ("mutex" if t == "kmod-mutex" else "spsc") in recs[0].get("note", ""), recs[0]
assert ran >= 3, "fewer than 3 driver transports ran: %s" % err
PY
else
	n=$((n + 1))
	echo "ok $n - driver transports # SKIP no /dev/myipc0 and /dev/myipc1 here (run inside tools/vm/vm)"
fi

echo "bench-c-check: $pass passed, $fail failed"
[ $fail -eq 0 ]

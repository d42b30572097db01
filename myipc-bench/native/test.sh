#!/usr/bin/env bash
# Tests of myipc-bench-c itself: the self-test, the options, the JSON
# document, and that a corrupted byte makes the run fail.
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
      --rates 1000,max --rate-seconds 0.05)

# 1. the self-test
"$bin" --self-test >"$tmp/self.out" 2>"$tmp/self.err"
rc=$?
sed 's/^/  # /' "$tmp/self.out"
check "self-test exits 0" [ $rc -eq 0 ]
check "self-test ends with 'bench-c: N passed, 0 failed'" \
	sh -c 'tail -n 1 "$1" | grep -Eq "^bench-c: [1-9][0-9]* passed, 0 failed$"' _ "$tmp/self.out"

# 2. a tiny run writes a valid document with every record expected
"$bin" --transports pipe,shm,memcpy,cacheline "${tiny[@]}" --out "$tmp/r.json" >"$tmp/r.out" 2>"$tmp/r.err"
check "tiny run exits 0" [ $? -eq 0 ]
check "tiny run prints the RTT and throughput tables" grep -q 'Throughput, MB/s' "$tmp/r.out"
check "progress lines go to stderr" grep -Eq '^bench-c: \[ *[0-9.]+s\] pipe: rtt sleep' "$tmp/r.err"
check "document is valid JSON" sh -c 'python3 -m json.tool "$1" >/dev/null' _ "$tmp/r.json"
check "document has every record, with sane figures" python3 - "$tmp/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e, res = d["environment"], d["results"]
assert e["frontend"] == "c" and e["cores"] >= 1 and e["kernel"] and "emulated" in e, e
assert e["placement"] == "cross-core"
def recs(**kw):
    return [r for r in res if all(r.get(k) == v for k, v in kw.items())]
for t in ("pipe", "shm"):
    for w in ("sleep", "spin"):
        (r,) = recs(transport=t, metric="rtt", wait=w)
        assert r["count"] == 500 and r["verified"] is True, r
        assert 0 < r["min_ns"] <= r["p50_ns"] <= r["p90_ns"] <= r["p99_ns"] <= r["p999_ns"] <= r["max_ns"], r
        assert r["cpu_ns_per_msg_writer"] > 0 and r["cpu_ns_per_msg_reader"] > 0, r
        rates = recs(transport=t, metric="rate", wait=w)
        assert sorted(x["rate_target_per_s"] for x in rates) == [0, 1000], rates
        assert all(x["cpu_pct_writer"] >= 0 and x["cpu_pct_reader"] >= 0 for x in rates)
    tp = recs(transport=t, metric="throughput")
    assert sorted(x["chunk_bytes"] for x in tp) == [4096, 65536], tp
    for x in tp:
        assert x["bytes"] == 1 << 20 and x["mb_per_s"] > 0 and x["verified"] is True, x
        assert abs(x["mb_per_s"] - x["bytes"] / x["seconds"] / 1e6) < 0.1 * x["mb_per_s"] + 1, x
assert len(recs(transport="memcpy", metric="throughput")) == 2
assert len(recs(transport="cacheline", metric="rtt", wait="spin")) == 1
assert all(r["frontend"] == "c" and r["placement"] == "cross-core" for r in res)
assert not recs(transport="unix"), "a transport that was not asked for was run"
PY

# 3. a corrupted byte fails the run loudly and marks the records
"$bin" --transports pipe --metrics throughput "${tiny[@]}" --inject-corruption --out "$tmp/c.json" \
	>"$tmp/c.out" 2>"$tmp/c.err"
check "--inject-corruption: run exits 1" [ $? -eq 1 ]
check "--inject-corruption: stderr names the corrupted byte" grep -q 'FAILED correctness: pipe, chunk 4K: CORRUPTED byte at offset' "$tmp/c.err"
check "--inject-corruption: records say verified false" python3 -c '
import json, sys
res = json.load(open(sys.argv[1]))["results"]
assert res and all(r["verified"] is False for r in res), res' "$tmp/c.json"

# 4. placement is applied and reported
"$bin" --transports pipe --metrics rtt --rtt-count 200 --warmup 10 --placement same-core \
	--out "$tmp/s.json" >/dev/null 2>&1
check "--placement same-core is reported" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["environment"]["placement"] == "same-core"
assert len(d["environment"]["cpus"]) == 2 and d["environment"]["cpus"][0] == d["environment"]["cpus"][1]
assert all(r["placement"] == "same-core" for r in d["results"]) and len(d["results"]) == 2' "$tmp/s.json"

# 5. the driver transport without a device is skipped with a message, not failed
"$bin" --transports dev-spsc,dev-mmap --dev /nonexistent/myipc0 --metrics rtt --rtt-count 10 >/dev/null 2>"$tmp/d.err"
check "dev without a device: exit 0" [ $? -eq 0 ]
check "dev-spsc, dev-mmap without a device: say what to do" sh -c 'grep -q "dev-spsc: skipped: /nonexistent/myipc0 is not there.*load myipc.ko" "$1" && grep -q "dev-mmap: skipped: /nonexistent/myipc0 is not there" "$1"' _ "$tmp/d.err"

# 6. a stuck peer is stopped by the watchdog and the run goes on
for tr in pipe shm; do
	"$bin" --transports $tr,memcpy --metrics rtt,throughput --sizes 4K --bytes 64K --rtt-count 100 \
		--timeout 1 --inject-stall >"$tmp/w.out" 2>"$tmp/w.err"
	rc=$?
	check "--inject-stall ($tr): exit 1, the watchdog is named, later transports still run" \
		[ $rc -eq 1 ] && grep -q "FAILED $tr rtt sleep: no result after 1 s: stopped by the watchdog" "$tmp/w.err" &&
		grep -q '^memcpy' "$tmp/w.out"
done

# 7. bad options are refused with exit 2 and a message
for bad in "--transports nosuch" "--placement diagonal" "--sizes 0" "--rates fast" \
	   "--metrics latency" "--rtt-count -5" "--cpus 0" "--bogus"; do
	# shellcheck disable=SC2086
	"$bin" $bad >/dev/null 2>"$tmp/b.err"
	rc=$?
	check "refuses '$bad' (exit 2, message)" [ $rc -eq 2 -a -s "$tmp/b.err" ]
done

# 8. the driver's transports, where the driver is loaded (inside the VM): a tiny run of each, every record
#    there and verified; a transport the driver cannot offer here (a sync mode) is skipped with its reason
if [ -c /dev/myipc0 ] && [ -c /dev/myipc1 ]; then
	devs=dev-spsc,dev-mutex,dev-1m,dev-mmap,dev-mmap-1m
	"$bin" --transports $devs --dev /dev/myipc0,/dev/myipc1 --sizes 64,64K,1M --bytes 2M --verify-bytes 256K \
		--rtt-count 300 --warmup 30 --rates 1000,max --rate-seconds 0.05 --out "$tmp/dev.json" \
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
    for w in ("sleep", "spin"):
        (r,) = [x for x in recs if x["metric"] == "rtt" and x["wait"] == w]
        assert r["count"] == 300 and 0 < r["p50_ns"] <= r["max_ns"], r
        assert len([x for x in recs if x["metric"] == "rate" and x["wait"] == w]) == 2
    tp = sorted((x["chunk_bytes"], x) for x in recs if x["metric"] == "throughput")
    assert [c for c, _ in tp] == [64, 65536, 1 << 20], tp
    for c, x in tp:
        assert x["mb_per_s"] > 0 and x["bytes"] >= 2 << 20, x
        if t.startswith("dev-mmap") and c > x["capacity_bytes"]:
            assert "ring-sized" in x.get("note", ""), x
    if t in ("dev-spsc", "dev-mutex", "dev-1m"):
        assert "sync=" + ("mutex" if t == "dev-mutex" else "spsc") in recs[0].get("note", ""), recs[0]
assert ran >= 3, "fewer than 3 driver transports ran: %s" % err
PY
else
	n=$((n + 1))
	echo "ok $n - driver transports # SKIP no /dev/myipc0 and /dev/myipc1 here (run inside tools/vm/vm)"
fi

echo "bench-c-options: $pass passed, $fail failed"
[ $fail -eq 0 ]

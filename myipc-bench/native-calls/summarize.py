"""Table from a results directory: ns/call median [min-max] over every measured iteration of every round."""
import glob, json, os, re, statistics, sys

d = sys.argv[1]
vals = {}  # (call, variant) -> {col: [ns]}
for f in sorted(glob.glob(os.path.join(d, "r*-jdk*.json"))):
    jdk = re.search(r"-jdk(\d+)\.json$", f).group(1)
    for b in json.load(open(f)):
        call, variant = b["benchmark"].rsplit(".", 1)[1].split("_", 1)
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        vals.setdefault((call, variant), {}).setdefault("JDK " + jdk, []).extend(raw)
for f in sorted(glob.glob(os.path.join(d, "r*-c.txt"))):
    for line in open(f):
        name, med, lo, hi = line.split()
        call = name[:-2]
        vals.setdefault((call, "C (floor.c)"), {}).setdefault("JDK 25", []).append(float(med))

def cell(xs):
    if not xs:
        return "–"
    return "%.1f [%.1f–%.1f]" % (statistics.median(xs), min(xs), max(xs))

order = ["noop", "getpid", "futexWake", "pipeWriteRead", "clock"]
print("| call | variant | JDK 25 | JDK 17 |")
print("|---|---|---|---|")
for call in order:
    for (c, v) in sorted(k for k in vals if k[0] == call):
        cols = vals[(c, v)]
        if v.startswith("C "):
            print("| %s | %s | %s (C, no JVM) | |" % (c, v, cell(cols["JDK 25"])))
        else:
            print("| %s | %s | %s | %s |" % (c, v, cell(cols.get("JDK 25", [])), cell(cols.get("JDK 17", []))))

#!/usr/bin/env bash
# bench-report.sh - `make bench-report`: benchcmp --report on DOCS results documents of the study's
# shape (three environments, tags baremetal / kvm / esxi, made from the study fixtures by varying
# every figure a little per document), timed by /usr/bin/time -v: prints the wall time and the
# peak resident memory against the targets (< 10 s, < 1 GiB) with their ratios (and the CPU time:
# on a busy box the wall time is mostly waiting), and ends with "ratio X" = the larger of the
# two (above 1: a target missed; exit 1).
#   tools/bench/bench-report.sh       (env: BUILD=build DOCS=1000 KEEP=DIR keeps the documents)
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$top/build}
BC=${BC:-$BUILD/host/benchcmp}
DOCS=${DOCS:-1000}
TARGET_S=10 TARGET_KB=$((1024 * 1024))
case $DOCS in ''|*[!0-9]*|0) echo "bench-report: DOCS must be a positive number, not '$DOCS'" >&2; exit 2 ;; esac
[ -x "$BC" ] || { echo "bench-report: no $BC (make tools)" >&2; exit 2; }
# the templates: one document per environment (the study fixtures when present)
FX=$top/tests/fixtures
templates=("$FX"/study/baremetal-1.json "$FX"/study/kvm-1.json "$FX"/study/esxi-1.json)
[ -f "${templates[0]}" ] || templates=("$FX"/baremetal.json "$FX"/kvm.json "$FX"/esxi.json)
D=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/bench-report.XXXXXX")}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$D"' EXIT
mkdir -p "$D/docs"

bench_load start
python3 - "$D/docs" "$DOCS" "${templates[@]}" <<'EOF'
# DOCS documents, environment i % 3, tag = that environment's; every median, min, max and sample
# times one factor per entry (0.9..1.1, seeded: the same documents every run)
import json, random, sys
out, n, tpl = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
envs = [json.load(open(t)) for t in tpl]
tags = ["baremetal", "kvm", "esxi"]
rnd = random.Random(27)
for i in range(n):
    d = json.loads(json.dumps(envs[i % 3]))
    d.setdefault("tool", {})["tag"] = tags[i % 3]
    d["tool"]["run_id"] = "%032x" % (i + 1)  # each a run of its own (benchcmp warns of repeats)
    for e in d.get("results", []):
        f = rnd.uniform(0.9, 1.1)
        for k in ("min", "median", "max"):
            if isinstance(e.get(k), (int, float)):
                e[k] = e[k] * f
        if isinstance(e.get("samples"), list):
            e["samples"] = [s * f for s in e["samples"]]
    json.dump(d, open("%s/%s-%04d.json" % (out, tags[i % 3], i // 3 + 1), "w"))
EOF
mb=$(du -sm "$D/docs" | cut -f1)
echo "documents: $DOCS of the study's shape (3 environments), $mb MB, from ${templates[*]#$top/}"
rm -rf "$D/report"
set +e
# the baseline named by a file: its environment's pool is the baseline
/usr/bin/time -v "$BC" --report "$D/report" --baseline "$D/docs/baremetal-0001.json" "$D"/docs/*.json \
    >"$D/table.txt" 2>"$D/time.txt"
rc=$?
set -e
if [ $rc != 0 ] || [ ! -s "$D/report/index.html" ]; then
    echo "bench-report: benchcmp --report failed (exit $rc):" >&2; grep -v '^[[:space:]]' "$D/time.txt" | head -5 >&2; exit 1
fi
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/time.txt" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/time.txt")
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$D/time.txt")
charts=$(grep -c '<figure class="chart"' "$D/report/index.html" || true)
html=$(du -k "$D/report/index.html" | cut -f1)
bench_load end
awk -v w="$wall" -v cpu="$cpu" -v ts="$TARGET_S" -v kb="$kb" -v tk="$TARGET_KB" -v c="$charts" -v h="$html" 'BEGIN {
    printf "report: %d charts, index.html %d KiB\n", c, h
    printf "time   %8.2f s    target < %d s      ratio %.3f  (cpu %.2f s, gnuplot included)\n", w, ts, w / ts, cpu
    printf "memory %8.1f MiB  target < %d MiB  ratio %.3f\n", kb / 1024, tk / 1024, kb / tk
    r = w / ts > kb / tk ? w / ts : kb / tk
    printf "ratio %.3f\n", r
    exit r >= 1
}'

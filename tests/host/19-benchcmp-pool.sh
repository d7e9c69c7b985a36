#!/usr/bin/env bash
# 19-benchcmp-pool.sh - benchcmp on the study's fixtures (tests/fixtures/study: baremetal, kvm,
# esxi x 3 runs): documents with one tag are one column with n = 3 and the header lists their
# files; the pooled figure is the median of the documents' medians (recomputed here with jq); the
# entry missing from kvm-3 is counted and named, not dropped; --baseline TAG takes a pool; the
# summary comes first and its numbers (median overhead, tests outside noise, worst three) equal
# what this script recomputes from the full table's CSV; the block-size crossover is visible.
. "$(dirname "$0")/../boot/lib.sh"
BC=$BUILD/host/benchcmp
S=$top/tests/fixtures/study
D=$(mktemp -d "$T/pool.XXXXXX")
docs=("$S"/baremetal-?.json "$S"/kvm-?.json "$S"/esxi-?.json)

"$BC" --baseline baremetal "${docs[@]}" >"$D/text.txt" 2>&1
check "text: exit 0" test $? = 0
check "header: three environments with n=3, each file listed under its environment" \
    bash -c "test \$(grep -c '^baremetal (n=3, baseline) ' '$D/text.txt') = 3 && test \$(grep -c '^kvm (n=3) .*/kvm-[123].json' '$D/text.txt') = 3 && test \$(grep -c '^esxi (n=3) .*/esxi-[123].json' '$D/text.txt') = 3"
check "the entry missing from kvm-3 is counted and named" \
    grep -q "^warning: kvm: 1 entry is missing from some of its 3 documents (.*kvm-3.json: 1)" "$D/text.txt"
check "table: a column per environment, with n and the range across documents" \
    grep -Eq "^suite +test +params .* baremetal +baremetal n +baremetal range +kvm +kvm % +kvm overhead +kvm n +kvm range +esxi " "$D/text.txt"
check "table: the missing entry shows n = 2/3" grep -Eq "^disk +rand_write +block_size=4096 op=write pattern=rand qd=32 .* 2/3 " "$D/text.txt"
check "summary first, then the full table" \
    bash -c "s=\$(grep -n '^summary ' '$D/text.txt' | head -1 | cut -d: -f1); t=\$(grep -n '^suite ' '$D/text.txt' | cut -d: -f1); test -n \"\$s\" && test \"\$s\" -lt \"\$t\""

"$BC" --baseline baremetal --format csv "${docs[@]}" >"$D/table.csv" 2>/dev/null
check "csv: <tag>_median per pool, then n/missing/spread/api columns" \
    bash -c "head -1 '$D/table.csv' | grep -q '^suite,test,params,unit,better,baremetal_median,baremetal_min,baremetal_max,kvm_median,.*,esxi_noise_test,baremetal_n,baremetal_missing,baremetal_spread_min,baremetal_spread_max,baremetal_q1,baremetal_q3,baremetal_api,kvm_n,.*,esxi_api$'"
check "pooled medians equal the median of the documents' medians (every seq_read of every pool)" \
    python3 - "$D/table.csv" "$S" <<'PY'
import csv, json, sys, statistics, glob
rows = {r["params"]: r for r in csv.DictReader(open(sys.argv[1])) if r["suite"] == "disk" and r["test"] == "seq_read"}
ok = len(rows) >= 9
for env in ("baremetal", "kvm", "esxi"):
    meds = {}
    for f in sorted(glob.glob(f"{sys.argv[2]}/{env}-?.json")):
        for e in json.load(open(f))["results"]:
            p = e.get("params", {})
            if e["suite"] == "disk" and e["test"] == "seq_read":
                key = f"block_size={p['block_size']} op=read pattern=seq qd={p['qd']}"
                meds.setdefault(key, []).append(e["median"])
    for key, m in meds.items():
        got = float(rows[key][f"{env}_median"])
        ok &= len(m) == 3 and abs(got - statistics.median(m)) <= 1e-5 * abs(got) and rows[key][f"{env}_n"] == "3"
        ok &= abs(float(rows[key][f"{env}_spread_min"]) - min(m)) <= 1e-5 * min(m)
sys.exit(not ok)
PY
check "csv: the missing entry: kvm_n 2, kvm_missing 1, on exactly one row" \
    python3 -c 'import csv,sys
r=[x for x in csv.DictReader(open(sys.argv[1])) if x["kvm_missing"]!="0"]
sys.exit(not(len(r)==1 and r[0]["test"]=="rand_write" and r[0]["kvm_n"]=="2" and r[0]["kvm_missing"]=="1"))' "$D/table.csv"
check "crossover: esxi behind kvm at 4 KiB, ahead at 64 MiB (sequential reads)" \
    python3 -c 'import csv,sys
r={x["params"]:x for x in csv.DictReader(open(sys.argv[1])) if x["test"]=="seq_read"}
a=r["block_size=4096 op=read pattern=seq qd=1"]; b=r["block_size=67108864 op=read pattern=seq qd=1"]
sys.exit(not(float(a["esxi_median"])<float(a["kvm_median"]) and float(b["esxi_median"])>float(b["kvm_median"])))' "$D/table.csv"

# the summary, recomputed independently from the full table's CSV
"$BC" --baseline baremetal --only summary --format csv "${docs[@]}" >"$D/summary.csv" 2>/dev/null
check "summary recomputed from the CSV: groups, median overhead, outside noise, worst three" \
    python3 - "$D/table.csv" "$D/summary.csv" <<'PY'
import csv, sys, statistics
table = list(csv.DictReader(open(sys.argv[1])))
summary = list(csv.DictReader(open(sys.argv[2])))
want = {}
for r in table:
    p = dict(kv.split("=", 1) for kv in r["params"].split() if "=" in kv)
    if "op" in p and "block_size" in p:
        bs = int(p["block_size"])
        cls = "small" if bs < 65536 else "medium" if bs < 1048576 else "large"
        g = (r["suite"], p["op"], cls)
    else:
        g = (r["suite"], "", "")
    for env in ("kvm", "esxi"):
        if r[f"{env}_overhead_pct"] == "":
            continue
        w = want.setdefault(g + (env,), {"o": [], "out": 0})
        w["o"].append((float(r[f"{env}_overhead_pct"]), r["test"] + (" " + r["params"] if r["params"] else "")))
        w["out"] += r[f"{env}_within_noise"] == "no"
ok = len(summary) == len(want) and len(want) >= 18
for s in summary:
    w = want.get((s["suite"], s["op"], s["block_class"], s["env"]))
    if not w:
        ok = False; continue
    med = statistics.median(o for o, _ in w["o"])
    ok &= int(s["tests"]) == len(w["o"]) and int(s["outside_noise"]) == w["out"]
    ok &= abs(float(s["median_overhead_pct"]) - med) <= 1e-4 * max(1, abs(med))
    top = [x for x in sorted(w["o"], key=lambda x: -x[0]) if x[0] > 0][:3]  # only rows worse
    ok &= all(s[f"worst{i}"] == "" for i in range(len(top) + 1, 4))
    for i, (o, name) in enumerate(top, 1):
        ok &= abs(float(s[f"worst{i}_overhead_pct"]) - o) <= 1e-4 * max(1, abs(o))
        ok &= s[f"worst{i}"] in {n for v, n in w["o"] if abs(v - o) <= 1e-4 * max(1, abs(o))}  # ties: any
sys.exit(not ok)
PY
check "summary (text): the disk groups by op and block size, per environment" \
    bash -c "grep -Eq '^disk read <64K +kvm +10 +\+[0-9.]+% ' '$D/text.txt' && grep -Eq '^disk write >=1M +esxi +4 ' '$D/text.txt'"

# an environment better than the baseline in every alu test but one: that one is the only "worst"
jq 'def x($f): .median *= $f | .min *= $f | .max *= $f | .mean *= $f | .stddev *= $f | .samples = [.samples[] * $f];
    .tool.tag = "fast" | (.results[] | select(.suite == "alu")) |= (if .test == "int_add" and .params.kind == "latency" then x(0.5) else x(2) end)' \
    "$S/kvm-1.json" >"$D/fast.json"
"$BC" --suite alu,timer --only summary "$S/kvm-1.json" "$D/fast.json" >"$D/fast.txt" 2>&1
check "summary: the worst three list only rows worse than the baseline (one here), else 'none worse'" \
    bash -c "grep -Eq '^alu +fast +[0-9]+ +-[0-9.]+% +[0-9]+ +int_add [^;]*\+[0-9.]+%$' '$D/fast.txt' &&
             grep -Eq '^timer +fast +[0-9]+ .* none worse$' '$D/fast.txt'"

"$BC" --baseline kvm --format csv "${docs[@]}" >"$D/kvm.csv" 2>"$D/kvm.err"
check "--baseline TAG of a pool: kvm first, no error" \
    bash -c "head -1 '$D/kvm.csv' | grep -q '^suite,test,params,unit,better,kvm_median,' && grep -q '^kvm (n=3, baseline)' '$D/kvm.err'"

# an environment with no figure in a whole chart (kvm ran without alu and without seq_read):
# the others keep their own colour and key entry, kvm gets its "n/a" marks and a key entry only
for k in 1 2 3; do
    jq '.results |= map(select(.suite != "alu" and .test != "seq_read"))' "$S/kvm-$k.json" >"$D/kvm-$k.json"
done
"$BC" --baseline baremetal --plot "$D/plots" "$S"/baremetal-?.json "$D"/kvm-?.json "$S"/esxi-?.json \
    >/dev/null 2>"$D/plots.err"
check "charts with an environment absent: exit 0, no gnuplot warning" \
    bash -c "test $? = 0 && ! grep -q 'Skipping data file' '$D/plots.err'"
check "charts with an environment absent: esxi's bars and line drawn under esxi, none under kvm" \
    python3 - "$D/plots" <<'PY'
import re, sys
def groups(f):  # gnuplot's SVG: one <g id="gnuplot_plot_N"><title>KEY</title> per plot clause
    svg = open(f"{sys.argv[1]}/{f}").read()
    return {m.group(1): m.group(2) for m in
            re.finditer(r'<g id="gnuplot_plot_\d+" ><title>([^<]*)</title>(.*?)(?=<g id="gnuplot_plot_|\Z)', svg, re.S)}
bars = groups("alu-Gop-s-p1.svg")
ok = bars["esxi"].count("<polygon") > 1 and bars["kvm"].count("<polygon") == 1  # the key's box only
for f in ("disk-seq_read-MB-s.svg", "disk-seq_read-MB-s-pct.svg"):
    g = groups(f)  # esxi's line: a path through the nine block sizes
    ok &= "esxi" in g and max((p.count(" L") for p in re.findall(r"<path[^>]*d='([^']*)'", g["esxi"])), default=0) >= 8
    ok &= "kvm" in g and not re.search(r"<path[^>]*d='M[^']*( L[^']*){8}", g["kvm"])
sys.exit(not ok)
PY

# a pool whose documents disagree on a unit: no ratio, and the warning names the odd file
jq '(.results[] | select(.test == "cpuid")) |= (.unit = "us" | .median /= 1000 | .min /= 1000 | .max /= 1000 | .samples = [.samples[] / 1000])' \
    "$S/kvm-2.json" >"$D/kvm-2-us.json"
"$BC" --baseline baremetal --suite vmcost "$S"/baremetal-?.json "$S/kvm-1.json" "$D/kvm-2-us.json" "$S/kvm-3.json" >"$D/units.txt" 2>&1
check "units differ inside a pool: no ratio, and the warning names the file and its unit" \
    bash -c "grep -q \"^warning: vmcost/cpuid leaf=0x0: units or direction differ between files (.*baremetal-1.json: ns lower; $D/kvm-2-us.json: us lower)\" '$D/units.txt' && grep -Eq '^vmcost +cpuid +leaf=0x0 .* - +- ' '$D/units.txt'"

# no test in common (the baseline ran disk only, kvm alu only): the summary says so, in the
# text and in the report, instead of an empty table
jq '.results |= map(select(.suite == "disk"))' "$S/baremetal-1.json" >"$D/only-disk.json"
jq '.results |= map(select(.suite == "alu"))' "$S/kvm-1.json" >"$D/only-alu.json"
"$BC" --report "$D/none" "$D/only-disk.json" "$D/only-alu.json" >"$D/none.txt" 2>&1
check "nothing in common: the summary says so (text and report), no empty summary table" \
    bash -c "grep -q '^summary: no test has a figure both in the baseline and in another environment' '$D/none.txt' && ! grep -q '^summary  *env ' '$D/none.txt' && grep -q '<p>No summary: no test has a figure both in the baseline' '$D/none/index.html' && ! grep -q 'class=\"summary\"' '$D/none/index.html'"

# the same run twice in a pool (a file given twice, or a copy): said, since it would count twice
cp "$S/kvm-1.json" "$D/kvm-1-copy.json"
"$BC" --baseline baremetal --suite vmcost "$S"/baremetal-?.json "$S"/kvm-?.json "$D/kvm-1-copy.json" >"$D/twice.txt" 2>&1
check "one run twice in a pool: a warning names both files and the run id" \
    grep -q "^warning: kvm: $S/kvm-1.json and $D/kvm-1-copy.json are one run (tool.run_id $(jq -r .tool.run_id "$S/kvm-1.json")): it counts twice" "$D/twice.txt"
check "distinct runs: no such warning (the fixtures' three runs per tag)" \
    bash -c "! grep -q 'are one run' '$D/text.txt'"

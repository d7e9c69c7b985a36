#!/usr/bin/env bash
# 31-benchcmp-filters.sh - benchcmp's reading order and selections: disk rows by op, pattern,
# test, block size, qd; --suite and --test (globs) keep only what they name, in the table and the
# summary; --only table / --only summary; Markdown has the summary before the results; bad values
# of the new options are refused by name; compare-os (image/linux/os-compare.sh) lines up two
# documents' disks through benchcmp.  No boot.
. "$(dirname "$0")/../boot/lib.sh"
BC=$BUILD/host/benchcmp
S=$top/tests/fixtures/study
D=$(mktemp -d "$T/filters.XXXXXX")
docs=("$S"/baremetal-1.json "$S"/kvm-1.json "$S"/esxi-1.json)

"$BC" --format csv "${docs[@]}" >"$D/all.csv" 2>/dev/null
check "order: suites as first seen, disk rows by op, pattern (seq first), test, block size, qd" \
    python3 - "$D/all.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
suites = [r["suite"] for r in rows]
ok = suites == sorted(suites, key=suites.index)  # each suite contiguous
disk = [r for r in rows if r["suite"] == "disk"]
def key(r):
    p = dict(kv.split("=", 1) for kv in r["params"].split())
    return (p["op"], {"seq": 0, "rand": 1}[p["pattern"]], r["test"], int(p["block_size"]), int(p["qd"]))
ok &= len(disk) > 40 and [key(r) for r in disk] == sorted(key(r) for r in disk)
sys.exit(not ok)
PY

"$BC" --suite disk --test 'seq_read,rand_*' --format csv "${docs[@]}" >"$D/sel.csv" 2>/dev/null
check "--suite disk --test 'seq_read,rand_*': only those rows, all of them" \
    python3 - "$D/all.csv" "$D/sel.csv" <<'PY'
import csv, sys, fnmatch
a = [r for r in csv.DictReader(open(sys.argv[1])) if r["suite"] == "disk" and (r["test"] == "seq_read" or fnmatch.fnmatch(r["test"], "rand_*"))]
b = list(csv.DictReader(open(sys.argv[2])))
sys.exit(not(len(b) > 10 and [(r["test"], r["params"]) for r in a] == [(r["test"], r["params"]) for r in b]))
PY
"$BC" --suite alu,vmcost --only summary --format csv "${docs[@]}" >"$D/sum.csv" 2>/dev/null
check "--suite alu,vmcost --only summary: the summary of those suites only" \
    python3 -c 'import csv,sys
r=list(csv.DictReader(open(sys.argv[1])))
sys.exit(not(len(r)==4 and {x["suite"] for x in r}=={"alu","vmcost"} and {x["env"] for x in r}=={"kvm","esxi"}))' "$D/sum.csv"
"$BC" --only table "${docs[@]}" >"$D/table.txt" 2>/dev/null
check "--only table: no summary" bash -c "! grep -q '^summary' '$D/table.txt' && grep -q '^suite ' '$D/table.txt'"
"$BC" --suite nosuch "${docs[@]}" >/dev/null 2>"$D/none.err"
check "a filter that matches nothing is said" grep -q "no entry matches --suite/--test" "$D/none.err"
"$BC" --format markdown "${docs[@]}" >"$D/t.md" 2>/dev/null
check "markdown: summary before results, both tables well formed" \
    bash -c "s=\$(grep -n '^### Summary' '$D/t.md' | cut -d: -f1); r=\$(grep -n '^### Results' '$D/t.md' | cut -d: -f1); test -n \"\$s\" && test \"\$s\" -lt \"\$r\" && grep -q '^| summary ' '$D/t.md'"
for bad in "--match fuzzy" "--only charts" "--suite ,"; do
    "$BC" $bad "${docs[@]}" >/dev/null 2>"$D/bad.err"; rc=$?
    check "bad option value refused by name: $bad" bash -c "test $rc = 2 && grep -q \"'${bad#* }'\" '$D/bad.err'"
done

# compare-os: a UEFI-like and a Linux-like document whose disks differ in index, kind and api
jq '.results += [.results[] | select(.suite == "disk" and .params.block_size == 1048576) | .suite = "fio" | .params.api = "fio-libaio"]' \
    "$S/kvm-1.json" >"$D/guest.json"
"$top/image/linux/os-compare.sh" "$S/esxi-1.json" "$D/guest.json" "$D/os" "$BC" >"$D/os.log" 2>&1
check "compare-os: table with uefi, linux and fio; a 1 MiB seq_read row has all three figures" \
    bash -c "grep -q '^uefi (baseline)' '$D/os/table.txt' && grep -q '^fio .* fio$' '$D/os/table.txt' && grep -E '^disk +seq_read +block_size=1048576 op=read pattern=seq qd=1 ' '$D/os/table.txt' | grep -q 'pvscsi / virtio-blk / fio-libaio'"
check "compare-os: CSV and charts written" bash -c "test -s '$D/os/table.csv' && ls '$D/os'/*.gp >/dev/null 2>&1"

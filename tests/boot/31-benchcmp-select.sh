#!/usr/bin/env bash
# 31-benchcmp-select.sh - benchcmp's reading order and selections: disk rows by op, pattern,
# test, block size, qd; --suite and --test (globs) keep only what they name, in the table and the
# summary; --only table / --only summary; Markdown has the summary before the results; bad values
# of the new options are refused by name; compare-os (image/linux/os-compare.sh) lines up two
# documents' disks through benchcmp.  One quick boot: the image and the Linux build measure the
# same scratch file, both with disk_label=, and benchcmp pairs them (own virtio-blk driver vs
# the OS: warned as different kinds of driver).
. "$(dirname "$0")/lib.sh"
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
check "a filter that matches nothing is an error naming it" grep -q "^benchcmp: error: --suite 'nosuch' matches no entry" "$D/none.err"
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

# the image (own virtio-blk driver) and the Linux build on one scratch file, both labelled
"$BUILD/host/mkscratch" --size 32M --label lbl "$D/s.img" >/dev/null 2>&1
boot bc-label 1 256M "suite=disk profile=quick reps=3 disk_budget=1M disk_blocks=64K disk_qd=1 disk_tests=seq_read min_time_ms=20 disk_label=scratch tag=image" \
    -drive if=none,id=v1,format=raw,file="$D/s.img" -device virtio-blk-pci,drive=v1,disable-legacy=on >/dev/null 2>&1
I=$T/bc-label/latest.json
jqcheck "image: disk_label= recorded in env.disks[].label" "$I" '[.env.disks[] | select(.label == "scratch")] | length >= 1'
S2=$(mktemp -d /tmp/bbs.XXXXXX); trap 'rm -rf "$S2"' EXIT   # disk= holds at most 127 characters
cp "$D/s.img" "$S2/s.img"
"$BUILD/host/barebench" --suite disk --disk "$S2/s.img" --profile quick --reps 3 --disk_blocks 64K --disk_qd 1 \
    --disk_tests seq_read --disk_label scratch --tag linux --json "$D/linux.json" >/dev/null 2>&1
"$BC" --baseline image "$I" "$D/linux.json" >"$D/il.txt" 2>&1
check "image vs Linux build: the labelled disk pairs (64 KiB seq_read has both figures, disk=scratch)" \
    grep -Eq "^disk +seq_read +disk=scratch block_size=65536 op=read pattern=seq qd=1 +MB/s +higher +virtio-blk / psync \(!\) +[0-9.]+ +[0-9.]+ " "$D/il.txt"
check "image vs Linux build: own driver vs the OS warned" \
    grep -q "went through different kinds of driver.*image virtio-blk native, linux psync OS" "$D/il.txt"

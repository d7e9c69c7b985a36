#!/usr/bin/env bash
# 18-benchcmp-match.sh - benchcmp matches disks as a reader means them (issue 27): copies of the
# fixtures whose disks differ only in index, kind and api (nvme / virtio-blk / pvscsi) line up
# and show each environment's api; two disks per document pair by size; disk_label= (Linux build,
# two scratch files given in opposite orders) pairs them explicitly and is recorded; a native vs
# firmware row is warned about; --match exact gives the table benchcmp gave before pooling
# (tests/fixtures/study/exact-pre-pooling.csv: benchcmp of commit 8c268f4, `--format csv` on the
# same three copies); memory of a VM showing another cache layout lines up by level (a sweep by
# size) with each side's other value shown; a typo in --suite/--test is an error; more disks in a
# document than barebench lists are capped and said; ISA levels pair by role (issue 30): real x86
# and aarch64 documents (tests/fixtures/arch/) line up on every alu/mem/vmcost entry aarch64 has,
# base with base, best with best, the architectures warned about; an x86 VM without avx512 pairs
# its avx2 with bare metal's avx512.  No boot.
. "$(dirname "$0")/../boot/lib.sh"
BC=$BUILD/host/benchcmp
FX=$top/tests/fixtures
D=$(mktemp -d "$T/match.XXXXXX")
disk_as() { # FILE INDEX KIND API -> the fixture with every disk entry on that disk
    jq --argjson i "$2" --arg k "$3" --arg a "$4" \
        '(.results[] | select(.suite == "disk") | .params) |= (.disk = $i | .disk_kind = $k | .api = $a)
         | .env.disks[0].index = $i' "$FX/$1.json" >"$D/$1.json"
}
disk_as baremetal 0 nvme nvme; disk_as kvm 1 virtio virtio-blk; disk_as esxi 2 scsi pvscsi
three=("$D/baremetal.json" "$D/kvm.json" "$D/esxi.json")

"$BC" "${three[@]}" >"$D/role.txt" 2>&1
check "role: disks differing only in index/kind/api line up (5 of 123 unmatched, as the originals)" \
    grep -q "warning: 5 of 123 entries are not in every file" "$D/role.txt"
check "role: a disk row has every environment's figures and the api each took" \
    grep -Eq "^disk +seq_read +block_size=4096 op=read pattern=seq qd=1 +MB/s +higher +nvme / virtio-blk / pvscsi +95 +66\.5 +70\.0% +\+30\.0% +104\.5 +110\.0% +-10\.0%$" "$D/role.txt"
check "role: no driver-kind warning (all three native)" bash -c "! grep -q '^warning: .*went through different kinds of driver' '$D/role.txt'"
"$BC" --format csv "${three[@]}" >"$D/role.csv" 2>/dev/null
check "role csv: api columns per environment" \
    python3 -c 'import csv,sys
r=[x for x in csv.DictReader(open(sys.argv[1])) if x["suite"]=="disk" and x["baremetal_median"] and x["kvm_median"]]
sys.exit(not r or any((x["baremetal_api"],x["kvm_api"])!=("nvme","virtio-blk") for x in r if x["params"].endswith("qd=1")))' "$D/role.csv"

"$BC" --match exact --format csv "${three[@]}" >"$D/exact.csv" 2>"$D/exact.err"
check "exact: the rule before pooling (29 of 140 unmatched)" grep -q "29 of 140 entries are not in every file" "$D/exact.err"
check "exact: the same rows and numbers as benchcmp before pooling (its columns, any order)" \
    python3 -c 'import csv,sys
old=list(csv.reader(open(sys.argv[1]))); new=list(csv.reader(open(sys.argv[2]))); w=len(old[0])
sys.exit(not(old[0]==new[0][:w] and sorted(old[1:])==sorted(r[:w] for r in new[1:]) and len(old)==141))' \
    "$FX/study/exact-pre-pooling.csv" "$D/exact.csv"

# two disks per document: a second, 100 GiB disk; the other document lists them the other way
ten='def ten: .median *= 10 | .min *= 10 | .max *= 10 | .mean *= 10 | .stddev *= 10 | .samples = [.samples[] * 10];'
jq "$ten"' .env.disks = [.env.disks[0] + {index: 0, bytes: 107374182400, model: "big"}, .env.disks[0] + {index: 1, model: "small"}]
    | .results += [.results[] | select(.suite == "disk") | .params.disk = 1 | ten]' \
    "$FX/baremetal.json" >"$D/two-a.json"
jq "$ten"' .env.disks = [.env.disks[0] + {index: 0, model: "small2"}, .env.disks[0] + {index: 1, bytes: 107800000000, model: "big2"}]
    | .results |= (map(if .suite == "disk" then .params.disk = 1 else . end)
                   + [.[] | select(.suite == "disk") | .params.disk = 0 | ten])' \
    "$FX/kvm.json" >"$D/two-b.json"
"$BC" --format csv "$D/two-a.json" "$D/two-b.json" >"$D/two.csv" 2>"$D/two.err"
# (the 16 MiB disks carry 10x the figures: a pairing by index would give 10% and 1000%)
check "two disks per document pair by size (100 GiB with 100.4 GiB, 16 MiB with 16 MiB)" \
    python3 -c 'import csv,sys
r=[x for x in csv.DictReader(open(sys.argv[1])) if x["suite"]=="disk" and x["test"]=="seq_read" and "block_size=65536 " in x["params"]]
big=[x for x in r if x["params"].startswith("disk=100 GiB ")]; small=[x for x in r if x["params"].startswith("disk=16 MiB ")]
sys.exit(not(len(big)==1 and len(small)==1 and float(big[0]["kvm_median"])<1000 and float(small[0]["kvm_median"])>2000
             and abs(float(big[0]["kvm_ratio_pct"])-100)<1 and abs(float(small[0]["kvm_ratio_pct"])-100)<1))' "$D/two.csv"
check "two disks per document: every entry matched" bash -c "grep -q '^disk,' '$D/two.csv' && ! grep -q 'not in every' '$D/two.err'"
"$BC" --only summary "$D/two-a.json" "$D/two-b.json" >"$D/two-sum.txt" 2>&1
check "two disks: the summary's worst three name the disk role whole (disk=100 GiB, not disk=100)" \
    bash -c "grep -Eq '^disk read .* qd1 disk=(100 GiB|16 MiB) [+-]' '$D/two-sum.txt' && ! grep -Eq 'qd1 disk=(100|16) [+-]' '$D/two-sum.txt'"
"$BC" --plot "$D/two-plots" "$D/two-a.json" "$D/two-b.json" >/dev/null 2>&1
check "two disks: each disk's sweep is a line of its own in the charts (not one disk's drawn over the other's)" \
    python3 - "$D/two-plots" <<'PY'
import glob, re, sys
files = glob.glob(f"{sys.argv[1]}/disk-seq_read-*.gp")  # the sweep charts, absolute and %
ok = len(files) == 2
for f in files:
    keys = set(re.findall(r"title '([^']*)'", open(f).read()))
    envs = ["kvm"] if f.endswith("-pct.gp") else ["baremetal", "kvm"]
    for env in envs:  # a line per environment and disk
        ok &= any(k.startswith(env + " ") and "disk=100GiB" in k.split() for k in keys)
        ok &= any(k.startswith(env + " ") and "disk=16MiB" in k.split() for k in keys)
sys.exit(not ok)
PY
check "two disks: bar tick labels name the role as one token (no 'all with GiB' subtitle)" \
    bash -c "grep -q \"'disk=16MiB'\" '$D/two-plots/disk-overhead-higher.gp' && ! grep -Eq \"all with (GiB|MiB)\" '$D/two-plots'/*.gp"
check "two disks of different sizes: no warning about pairing by order" \
    bash -c "! grep -q 'paired by order' '$D/two-sum.txt'"
# two disks of one size per document, no model or serial in common: paired by order, said
jq '.env.disks[0].bytes = .env.disks[1].bytes' "$D/two-a.json" >"$D/same-a.json"
jq '.env.disks[1].bytes = .env.disks[0].bytes' "$D/two-b.json" >"$D/same-b.json"
"$BC" "$D/same-a.json" "$D/same-b.json" >"$D/same.txt" 2>&1
check "two disks of one size: a warning names the document and asks for disk_label=" \
    grep -q "^warning: $D/same-b.json: its disk 0 (16 MiB) fits 2 disks of the other documents equally .*paired by order.*disk_label=" "$D/same.txt"

# a physical disk against virtual ones of another size, once one run measured two disks: the
# one-disk rule no longer applies and no size pairs; the reader is told why and what to do
jq '.env.disks[0].bytes = 1920383410176' "$D/baremetal.json" >"$D/big-bm.json"
jq '.env.disks[0].bytes = 107374182400' "$D/kvm.json" >"$D/big-kvm.json"
jq '.env.disks = [.env.disks[0] + {index: 2, bytes: 107374182400}, .env.disks[0] + {index: 3, bytes: 17179869184}]
    | .results += [.results[] | select(.suite == "disk") | .params.disk = 3]' "$D/esxi.json" >"$D/big-esxi.json"
"$BC" "$D/big-bm.json" "$D/big-kvm.json" "$D/big-esxi.json" >"$D/alone.txt" 2>&1
check "a disk pairing with no other environment's: a warning says why (the run with two disks) and asks for disk_label=" \
    grep -q "^warning: $D/big-bm.json: no disk it measured pairs with a disk of another environment (.*the one-disk rule does not apply, since $D/big-esxi.json measured 2 disks), .*disk_label=" "$D/alone.txt"
check "kvm's and esxi's 100 GiB disks still pair (no such warning for them)" \
    bash -c "! grep -q 'big-kvm.json: no disk' '$D/alone.txt' && grep -Eq '^disk +seq_read +disk=100 GiB block_size=4096 .* virtio-blk / pvscsi +- +[0-9.]+ +- +- +[0-9.]+ ' '$D/alone.txt'"

# disk_label= end to end: two scratch files of one size, named in opposite orders (in a short
# directory: disk= holds at most 127 characters)
S=$(mktemp -d /tmp/bbm.XXXXXX)
trap 'rm -rf "$S"' EXIT
"$BUILD/host/mkscratch" --size 16M --label m1 "$S/a.img" >/dev/null 2>&1
"$BUILD/host/mkscratch" --size 16M --label m2 "$S/b.img" >/dev/null 2>&1
run_disk() { "$BUILD/host/barebench" --suite disk --profile quick --reps 3 --disk_blocks 64K --disk_qd 1 \
    --disk_tests seq_read "$@" >/dev/null 2>&1; }
run_disk --disk "$S/a.img,$S/b.img" --disk_label "0=fast,1=slow" --tag one --json "$D/l1.json"
run_disk --disk "$S/b.img,$S/a.img" --disk_label "0=slow,$S/a.img=fast" --tag two --json "$D/l2.json"
check "disk_label: recorded in env.disks[].label (by index and by path)" \
    bash -c "jq -e '[.env.disks[].label] == [\"fast\",\"slow\"]' '$D/l1.json' && jq -e '[.env.disks[].label] == [\"slow\",\"fast\"]' '$D/l2.json'" 
"$BC" --format csv "$D/l1.json" "$D/l2.json" >"$D/label.csv" 2>/dev/null
check "disk_label: disks pair by label, not by index (disk=fast / disk=slow rows, both figures)" \
    python3 -c 'import csv,sys
r=[x for x in csv.DictReader(open(sys.argv[1])) if x["test"]=="seq_read"]
sys.exit(not(len(r)==4 and {x["params"].split()[0] for x in r}=={"disk=fast","disk=slow"} and all(x["one_median"] and x["two_median"] for x in r)))' "$D/label.csv"
jq 'del(.env.disks[].label) | .tool.tag = "three"' "$D/l1.json" >"$D/l1-bare.json"
"$BC" "$D/l1.json" "$D/l1-bare.json" >"$D/half.txt" 2>&1
check "disk_label on one side only: a warning says its rows do not line up, naming the other file" \
    bash -c "grep -q \"^warning: disk_label 'fast' is in 1 of the 2 documents that measured disks (not in $D/l1-bare.json\" '$D/half.txt' && grep -q \"^warning: disk_label 'slow' is in 1 of the 2\" '$D/half.txt'"
check "disk_label on both sides: no such warning" bash -c "! '$BC' '$D/l1.json' '$D/l2.json' 2>&1 | grep -q 'pairs only with the same label'"
run_disk --disk "$S/a.img" --disk_label "x,0=y" --tag bad --json "$D/l3.json"
check "disk_label: a malformed value is an error naming it" \
    jq -e '.errors[] | select(.what | test("disk_label=x,0=y: a bare NAME labels every disk"))' "$D/l3.json"

# a row measured through the firmware on one side and an own driver on the other
jq '(.results[] | select(.suite == "disk") | .params.api) = "blockio"' "$D/kvm.json" >"$D/kvm-fw.json"
"$BC" "$D/baremetal.json" "$D/kvm-fw.json" >"$D/fw.txt" 2>&1
check "native vs firmware: rows warned about with both paths named, marked (!)" \
    bash -c "grep -q 'rows went through different kinds of driver.*baremetal nvme native, kvm blockio firmware' '$D/fw.txt' && grep -Eq '^disk .*nvme / blockio \(!\)' '$D/fw.txt'"

# memory on a VM showing another cache layout: the DRAM working sets are half as large (they
# follow the last-level cache) and the 1 MiB point is L3 instead of L2; the 4 MiB point is 3 MiB
jq '.tool.tag = "bm"' "$FX/baremetal.json" >"$D/mem-bm.json"
jq '.tool.tag = "vm"
    | (.results[] | select(.suite == "mem" and .params.level == "DRAM" and .test != "sweep" and .test != "latency")
       | .params.bytes) |= . / 2
    | (.results[] | select(.suite == "mem" and .test == "latency" and .params.bytes == 1048576) | .params.level) = "L3"
    | (.results[] | select(.suite == "mem" and .test == "latency" and .params.bytes == 4194304) | .params.bytes) = 3145728' \
    "$FX/baremetal.json" >"$D/mem-vm.json"
"$BC" --suite mem "$D/mem-bm.json" "$D/mem-vm.json" >"$D/mem.txt" 2>&1
check "mem: a test measured once per level is one row per level, each environment's bytes beside it" \
    grep -Eq '^mem +copy +isa=sse2 level=DRAM nt=no threads=1 +GB/s +higher +1\.32 GiB / 677 MiB +2\.787 +2\.787 ' "$D/mem.txt"
check "mem: a sweep is matched by size, each environment's level beside it" \
    grep -Eq '^mem +latency +bytes=1048576 +ns +lower +L2 / L3 +40\.13 +40\.13 ' "$D/mem.txt"
check "mem: the rows that do not line up are named, and why" \
    bash -c "grep -q '^warning: the environments show different cache layouts: 1 memory row .* e.g. latency bytes=1048576 (L2 bm, L3 vm)' '$D/mem.txt' &&
             grep -q '^warning: 2 memory rows .* have a size only some environments measured .*latency bytes=4194304 (L3 bm, - vm); latency bytes=3145728 (- bm, L3 vm)' '$D/mem.txt' &&
             grep -q '^warning: 2 of 73 entries are not in every file' '$D/mem.txt'"
"$BC" --suite mem --format csv "$D/mem-bm.json" "$D/mem-vm.json" >"$D/mem.csv" 2>/dev/null
check "mem csv: an _at column per environment" \
    python3 -c 'import csv,sys
r={(x["test"],x["params"]):x for x in csv.DictReader(open(sys.argv[1]))}
c=r[("add","isa=avx2 level=DRAM nt=yes threads=1")]
sys.exit(not((c["bm_at"],c["vm_at"])==("1.98 GiB","1016 MiB") and c["vm_ratio_pct"]=="100"))' "$D/mem.csv"
"$BC" --suite mem --match exact "$D/mem-bm.json" "$D/mem-vm.json" >"$D/mem-exact.txt" 2>&1
check "mem, --match exact: level and bytes both matched (the rule before: 82 of 113 unmatched)" \
    bash -c "grep -q '^warning: 82 of 113 entries are not in every file' '$D/mem-exact.txt' && ! grep -q ' at ' '$D/mem-exact.txt'"

# --suite / --test: a typo among several names is an error naming it, not a smaller table
"$BC" --suite mem,disk,alus "$D/mem-bm.json" "$D/mem-vm.json" >"$D/typo.out" 2>"$D/typo.err"; rc=$?
check "--suite mem,disk,alus: exit 2, the typo named with the suites there, no table" \
    bash -c "test $rc = 2 && grep -q \"^benchcmp: error: --suite 'alus' matches no entry of the documents (their suites: .*alu\" '$D/typo.err' && ! test -s '$D/typo.out'"
"$BC" --suite mem --test 'copy,traid' "$D/mem-bm.json" "$D/mem-vm.json" >/dev/null 2>"$D/typo2.err"; rc=$?
check "--test copy,traid: exit 2, the pattern named with the tests of the suites selected" \
    bash -c "test $rc = 2 && grep -q \"^benchcmp: error: --test 'traid' matches no test of the suites selected (tests there: copy, .*triad\" '$D/typo2.err'"

# more disks in a document than barebench lists (a crafted document): the first 64 by role, the
# rest by every param, said once; the pairing stays linear (no disks x roles scan)
python3 - "$FX/study/kvm-1.json" "$D" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); tpl = next(r for r in d["results"] if r["suite"] == "disk")
for j in range(3):
    d["tool"]["tag"] = f"many{j}"; d["tool"].pop("run_id", None)
    d["env"]["disks"] = [dict(index=i, kind="virtio", bytes=2**30 * (i + 1) + j, model="", serial="") for i in range(100)]
    d["results"] = [dict(tpl, params=dict(tpl["params"], disk=i)) for i in range(100)]
    json.dump(d, open(f"{sys.argv[2]}/many{j}.json", "w"))
PY
"$BC" "$D"/many?.json >"$D/many.txt" 2>&1
check "100 disks per document: a warning names the cap; 64 disks by role, the other 36 by index, all lined up" \
    bash -c "grep -q '^warning: $D/many0.json and other documents: measured 100 disks, more than barebench lists (64): only the 64 of lowest index are matched by role, the other 36 by every param' '$D/many.txt' &&
             test \$(grep -c '^disk .* disk=[0-9]* GiB ' '$D/many.txt') = 64 && test \$(grep -c '^disk .* disk=[0-9]* disk_kind=virtio ' '$D/many.txt') = 36 &&
             ! grep -q 'not in every' '$D/many.txt'"

# ISA levels by role (issue 30): real documents of the Linux build on x86 (this machine) and on
# aarch64 (make linux-cross ARCH=aarch64 under qemu-aarch64 -cpu max), tests/fixtures/arch/
A=$FX/arch/x86-linux.json; B=$FX/arch/aarch64-linux.json
"$BC" "$A" "$B" >"$D/arch.txt" 2>&1
"$BC" --format csv "$A" "$B" >"$D/arch.csv" 2>/dev/null
"$BC" --format csv --match exact "$A" "$B" >"$D/arch-exact.csv" 2>/dev/null
both() { # CSV SUITE -> rows of that suite with a figure on both sides
    python3 -c 'import csv,sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["suite"]==sys.argv[2] and r["x86_median"] and r["a64_median"]))' "$1" "$2"
}
for s in alu mem vmcost; do
    n=$(jq --arg s "$s" '[.results[] | select(.suite == $s)] | length' "$B")
    check "x86 vs aarch64: each of the aarch64 document's $n $s entries lines up with an x86 one ($(both "$D/arch.csv" $s); --match exact: $(both "$D/arch-exact.csv" $s))" \
        test "$(both "$D/arch.csv" $s)" = "$n" -a "$n" -gt 0
done
check "x86 vs aarch64, --match exact: the old rule, only what has the same params (fp_fma, DRAM latency: 6)" \
    test $(( $(both "$D/arch-exact.csv" alu) + $(both "$D/arch-exact.csv" mem) + $(both "$D/arch-exact.csv" vmcost) )) = 6
check "x86 vs aarch64: the warnings name both architectures and the ISA levels paired" \
    bash -c "grep -q '^warning: architectures differ: x86 ($A) is x86-64, a64 ($B) is aarch64' '$D/arch.txt' &&
             grep -Eq '^warning: the machines. ISA levels differ: [0-9]+ rows pair different instruction sets .*simd_fma isa=base kind=throughput threads=1 \(sse2 x86, asimd a64\)' '$D/arch.txt'"
check "x86 vs aarch64: simd_fma best with best (avx512 / sve), the base ISA's int_add (x86-64 / aarch64), each side's isa shown" \
    bash -c "grep -Eq '^alu +simd_fma +isa=best kind=throughput threads=1 +GFLOP/s +higher +avx512 / sve ' '$D/arch.txt' &&
             grep -Eq '^alu +int_add +isa=base kind=throughput threads=1 +Gop/s +higher +x86-64 / aarch64 ' '$D/arch.txt' &&
             grep -Eq '^mem +copy +isa=best level=DRAM nt=no threads=1 +GB/s +higher +256 MiB +avx512 / sve ' '$D/arch.txt'"
check "x86 vs aarch64: vmcost cpuid/rdtsc pair, what each touched in column at" \
    bash -c "grep -Eq '^vmcost +cpuid +- +ns +lower +leaf=0x0 / register=id_aa64pfr0_el1 ' '$D/arch.txt' &&
             grep -Eq '^vmcost +rdtsc +- +ns +lower +- / counter=cntvct_el0 ' '$D/arch.txt'"
check "x86 vs aarch64 csv: every column of before in its place, the isa columns appended last" \
    python3 -c 'import csv,sys
h=next(csv.reader(open(sys.argv[1]))); x=next(csv.reader(open(sys.argv[2])))
sys.exit(not(h[:len(x)]==x and h[len(x):]==["x86_at","a64_at","x86_isa","a64_isa"]))' "$D/arch.csv" "$D/arch-exact.csv"
# within x86: a VM without avx512 (derived: its avx512 entries dropped, the sweep and cores at avx2)
jq '.tool.tag = "vm" | .results |= [.[] | select(.params.isa != "avx512" or .test == "sweep" or .test == "cores")
    | if .params.isa == "avx512" then .params.isa = "avx2" else . end]' "$A" >"$D/vm.json"
"$BC" "$A" "$D/vm.json" >"$D/isa.txt" 2>&1
check "x86 bare vs a VM without avx512: best with best (avx512 / avx2), sse2 as before, the sweep lines up; no architecture warning" \
    bash -c "grep -Eq '^alu +simd_fma +isa=best kind=throughput threads=1 .* avx512 / avx2 ' '$D/isa.txt' &&
             grep -Eq '^alu +simd_fma +isa=sse2 kind=throughput threads=1 ' '$D/isa.txt' &&
             grep -Eq '^mem +sweep +isa=best bytes=4096 kernel=sum nt=no threads=1 .* avx512 / avx2 ' '$D/isa.txt' &&
             ! grep -q 'architectures differ' '$D/isa.txt'"

#!/usr/bin/env bash
# 20-benchcmp.sh - the comparer from the outside: text/Markdown/CSV tables on the hand-written
# fixtures, real Linux and UEFI documents (CPU warning), charts (files exist, split parts complete,
# every SVG names every environment, overhead charts their baseline, y axes their units), and
# bad input (clear message with file and position, exit 1, no crash).
. "$(dirname "$0")/lib.sh"
BC=$BUILD/host/benchcmp
FX=$top/tests/fixtures
D=$T/benchcmp
rm -rf "$D"; mkdir -p "$D"
fx=("$FX/baremetal.json" "$FX/kvm.json" "$FX/esxi.json")

"$BC" "${fx[@]}" >"$D/text.txt" 2>"$D/text.err"
check "text: exit 0" test $? = 0
check "text: identity of each file (cpu, hypervisor, system, tag)" \
    grep -q "^kvm .*Oxide Virtual Turin-like Processor.*  kvm .*QEMU Standard PC" "$D/text.txt"
check "text: baseline named" grep -q "^baremetal (baseline)" "$D/text.txt"
check "text: esxi int_add 90.2%, overhead +9.8%, not noise" \
    grep -Eq "^alu +int_add .* 100\.0% ~ +\+0\.0% +9\.2 +90\.2% +\+9\.8%$" "$D/text.txt"
check "text: lower-is-better overhead (vmcost cpuid +2400%)" grep -Eq "^vmcost +cpuid .*2500\.0% +\+2400\.0%" "$D/text.txt"
check "text: unmatched entries shown with '-'" \
    grep -Eq "^disk +seq_read +block_size=262144 op=read pattern=seq qd=1 .* - +- +- +- +[0-9.]+ +- +- *$" "$D/text.txt"
check "text: unmatched count warned" grep -q "5 of 123 entries are not in every file" "$D/text.txt"
jq '.errors=[{"suite":"mem","test":"x","what":"out of memory"}]' "${fx[1]}" >"$D/kvm-errors.json"
check "text: errors recorded in a document are warned about" \
    bash -c "'$BC' '${fx[0]}' '$D/kvm-errors.json' | grep -q '^warning: kvm (.*kvm-errors.json) records 1 error, first: out of memory'"
# a document whose core clock moved during its run (env.clock.moved, as barebench writes it)
jq '.env.clock = {core_hz: 3.4e9, moved: true, moved_threshold: 0.02, spread: 0.0616, compared_from: "start", compared: 3,
    spread_of: {series: "alone", low: {when: "alu", hz: 3.41e9}, high: {when: "timer", hz: 3.62e9}}}' \
    "${fx[1]}" >"$D/kvm-clock-moved.json"
"$BC" "${fx[0]}" "$D/kvm-clock-moved.json" >"$D/clock-moved.txt" 2>&1
check "text: a core clock that moved during a run is warned about, spread and ends named" \
    grep -q '^warning: kvm: core clock moved 6.2% during its run (3.410 GHz at alu, 3.620 GHz at timer; env.clock.moved)' \
    "$D/clock-moved.txt"
jq '.env.clock.moved = false | .env.clock.spread = 0.01' "$D/kvm-clock-moved.json" >"$D/kvm-clock-still.json"
check "text: ...and not when it held still" \
    bash -c "'$BC' '${fx[0]}' '$D/kvm-clock-still.json' | grep -q '^kvm ' && ! '$BC' '${fx[0]}' '$D/kvm-clock-still.json' | grep -q 'clock moved'"
check "text: columns aligned (every row as wide as the header)" \
    bash -c "sed -n '/^suite /,/^\$/p' '$D/text.txt' | sed '/^\$/d' | awk '{print length}' | sort -u | wc -l | grep -qx 1"

"$BC" --format markdown "${fx[@]}" >"$D/table.md"
check "markdown: header and alignment rows" bash -c "grep -q '^| suite ' '$D/table.md' && grep -q '^|:-' '$D/table.md'"
check "markdown: every table row has the same number of cells" \
    bash -c "grep '^| [a-z]' '$D/table.md' | sed -n '/suite/,\$p' | awk -F'|' '{print NF}' | sort -u | wc -l | grep -qx 1"

"$BC" --format csv "${fx[@]}" >"$D/table.csv" 2>"$D/csv.err"
check "csv: header names every environment's columns" \
    grep -q "^suite,test,params,unit,better,baremetal_median,baremetal_min,baremetal_max,kvm_median,.*,esxi_noise_test,baremetal_n,.*,esxi_api,baremetal_at,kvm_at,esxi_at$" "$D/table.csv"
check "csv: 123 rows + header, same column count" \
    bash -c "test \$(wc -l <'$D/table.csv') = 124 && python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); sys.exit(len({len(x) for x in r})!=1)' '$D/table.csv'"
check "csv: raw ratio for esxi int_add" grep -q "^alu,int_add,isa=x86-64 kind=throughput threads=1,Gop/s,higher,.*,90.1961,9.80392,no,mann-whitney p=0.00794,1,0," "$D/table.csv"
check "csv: identity goes to stderr" grep -q "PowerEdge R650" "$D/csv.err"

# real documents: Linux build twice, and the UEFI image (its CPU is QEMU's, so a warning)
"$BUILD/host/barebench" --suite timer --reps 5 --tag linux-a --json "$D/linux-a.json" >/dev/null 2>&1
"$BUILD/host/barebench" --suite timer --reps 5 --tag linux-b --json "$D/linux-b.json" >/dev/null 2>&1
"$BC" "$D/linux-a.json" "$D/linux-b.json" >"$D/real.txt"
check "real linux documents: compared, every entry matched" \
    bash -c "grep -q '^linux-b ' '$D/real.txt' && ! grep -q 'not in every file' '$D/real.txt' && grep -Eq '^timer +tsc_read .*%' '$D/real.txt'"
U=$T/good/latest.json
if [ ! -f "$U" ]; then boot bc-uefi 1 256M "suite=timer reps=3 profile=quick tag=ci" >/dev/null 2>&1; U=$T/bc-uefi/latest.json; fi
"$BC" "$D/linux-a.json" "$U" >"$D/mixed.txt" 2>&1
check "linux vs uefi document: CPUs differ warning" grep -q "warning: CPUs differ: linux-a has" "$D/mixed.txt"
check "linux vs uefi document: uefi build and hypervisor shown" grep -Eq "^ci +.* uefi +QEMU .*(tcg|kvm)" "$D/mixed.txt"

# charts
"$BC" --plot "$D/plots" "${fx[@]}" >/dev/null 2>"$D/plot.err"
check "plot: exit 0" test $? = 0
# a chart with too many bars for one page is split in parts NAME-p1..pM, titled "(part N of M)"
for c in disk-seq_read-MB-s disk-seq_write-MB-s mem-DRAM-avx512-GB-s-p1 mem-sweep-isa-avx512-kernel-triad-nt-no-threads-1-GB-s alu-Gop-s-p1 alu-GFLOP-s-p1 vmcost-ns \
         disk-seq_read-MB-s-pct alu-overhead-higher-p1 vmcost-overhead-lower; do
    check "plot: $c.svg and $c.png made" bash -c "test -s '$D/plots/$c.svg' && file '$D/plots/$c.png' 2>/dev/null | grep -q 'PNG image' || head -c 4 '$D/plots/$c.png' | grep -q PNG"
done
check "plot: split charts have every part their titles count" bash -c "
    n=0; for s in '$D'/plots/*-p1.svg; do
        m=\$(grep -o '(part 1 of [0-9]*)' \"\$s\" | grep -o '[0-9]*)' | tr -d ')'); test -n \"\$m\" || exit 1
        for k in \$(seq 1 \$m); do test -s \"\${s%-p1.svg}-p\$k.svg\" || exit 1; done
        test ! -e \"\${s%-p1.svg}-p\$((m + 1)).svg\" || exit 1; n=\$((n + 1))
    done; test \$n -ge 3"
# names_envs DIR BASELINE OTHER...: every SVG has a legend entry per environment; a chart of
# % of the baseline (*-overhead-*, *-pct) names its baseline on the y axis and as the 100% line
names_envs() {
    local dir=$1 base=$2 s e ok=1; shift 2
    for s in "$dir"/*.svg; do
        case $s in
        *-overhead-*|*-pct.svg)
            grep -q ">% of $base[ <]" "$s" && grep -q ">$base = 100%<" "$s" ||
                { ok=0; echo "# $s does not name its baseline $base (y axis '% of $base', line '$base = 100%')"; } ;;
        *) grep -q ">$base<" "$s" || { ok=0; echo "# $s does not name $base"; } ;;
        esac
        for e in "$@"; do grep -q ">$e<" "$s" || { ok=0; echo "# $s does not name $e"; }; done
    done
    test $ok = 1
}
names_envs "$D/plots" baremetal kvm esxi
check "plot: every SVG names every environment" test $? = 0
# every chart's y axis carries its unit: "(UNIT)" or "% of BASELINE"; the label reaches the SVG
axes_units() {
    local g y ok=1
    for g in "$1"/*.gp; do
        y=$(sed -n "s/^set ylabel '\(.*\)' noenhanced$/\1/p" "$g")
        case $g in
        *-overhead-*|*-pct.gp) [[ $y == "% of "* ]] ;;
        *) [[ $y =~ \([A-Za-z/%]+\) ]] ;;
        esac && grep -qF ">$y<" "${g%.gp}.svg" || { ok=0; echo "# $g: y axis '$y' has no unit"; }
    done
    test $ok = 1
}
check "plot: axes labelled with units" bash -c "grep -q 'throughput (MB/s)' '$D/plots/disk-seq_read-MB-s.svg' && grep -q 'bandwidth (GB/s)' '$D/plots/mem-DRAM-avx512-GB-s-p1.svg' && grep -q 'block size (bytes' '$D/plots/disk-seq_read-MB-s.svg' && grep -q '>% of baremetal<' '$D/plots/disk-seq_read-MB-s-pct.svg'"
axes_units "$D/plots"
check "plot: every chart's y axis has its unit (% of the baseline for overhead charts)" test $? = 0
# real documents of the suites that have charts (Linux build, quick, small buffers)
for r in ra rb; do
    "$BUILD/host/barebench" --suite alu,vmcost,mem --profile quick --reps 3 --mem_max 64M --tag "$r" \
        --json "$D/suites-$r.json" >/dev/null 2>&1
done
"$BC" --plot "$D/plots-real" "$D/suites-ra.json" "$D/suites-rb.json" >/dev/null 2>"$D/plot-real.err"
check "plot, real documents: mem per-level, alu and vmcost charts" \
    bash -c "ls '$D/plots-real' | grep -q '^mem-sweep-.*\.png$' && ls '$D/plots-real' | grep -q '^alu-.*\.svg$' && test -s '$D/plots-real/vmcost-ns.svg'"
names_envs "$D/plots-real" ra rb
check "plot, real documents: every SVG names both environments" test $? = 0
# real disk documents (a scratch file): the block-size sweep as lines, 4K random tests as bars
"$BUILD/host/mkscratch" --size 64M --label benchcmp "$D/scratch.img" >/dev/null 2>&1
for r in da db; do
    "$BUILD/host/barebench" --suite disk --disk "$D/scratch.img" --profile quick --reps 3 \
        --disk_blocks 4K,64K,1M --disk_qd 1,4 --tag "$r" --json "$D/disk-$r.json" >/dev/null 2>&1
done
"$BC" --plot "$D/plots-disk" "$D/disk-da.json" "$D/disk-db.json" >/dev/null 2>"$D/plot-disk.err"
check "plot, real disk documents: sweep lines and single-size bars, both environments named" \
    bash -c "grep -q '>db<' '$D/plots-disk/disk-seq_read-MB-s.svg' && grep -q '>da<' '$D/plots-disk/disk-IOPS.svg' && test -s '$D/plots-disk/disk-seq_write-MB-s.png'"
"$BC" --plot "$D/plots-timer" "$D/linux-a.json" "$D/linux-b.json" >/dev/null 2>"$D/plot2.err"
check "plot: kinds without data are skipped (timer only: no charts)" \
    bash -c "grep -q '0 charts' '$D/plot2.err' && ! ls '$D/plots-timer'/*.svg >/dev/null 2>&1"

# bad input
printf '{"schema": "barebench/1",\n "results": [ {"suite": "a"' >"$D/bad-trunc.json"
"$BC" "${fx[0]}" "$D/bad-trunc.json" >"$D/out" 2>"$D/err"; rc=$?
check "truncated: exit 1, message with file:line:column" bash -c "test $rc = 1 && grep -q 'trunc.json:2:[0-9]*: not valid JSON' '$D/err'"
printf 'hello world\n' >"$D/bad-nonjson.json"
"$BC" "$D/bad-nonjson.json" >/dev/null 2>"$D/err"; rc=$?
check "non-JSON: exit 1 and position" bash -c "test $rc = 1 && grep -q 'nonjson.json:1:[0-9]*: not valid JSON' '$D/err'"
jq '.schema="barebench/2"' "${fx[1]}" >"$D/bad-v2.json"
"$BC" "${fx[0]}" "$D/bad-v2.json" >/dev/null 2>"$D/err"; rc=$?
check "wrong schema version: named" bash -c "test $rc = 1 && grep -q 'v2.json: unsupported schema \"barebench/2\"' '$D/err'"
head -c 3000000 /dev/zero | tr '\0' ' ' >"$D/bad-huge.json"
"$BC" --max-bytes 1000000 "$D/bad-huge.json" >/dev/null 2>"$D/err"; rc=$?
check "huge file: refused before parsing" bash -c "test $rc = 1 && grep -q 'huge.json: file too large' '$D/err'"
jq '.results[3].median="fast"' "${fx[1]}" >"$D/bad-badentry.json"
"$BC" "$D/bad-badentry.json" >/dev/null 2>"$D/err"; rc=$?
check "bad entry: index and field named" bash -c "test $rc = 1 && grep -q 'results\[3\] (timer/ref_read): \"median\" is missing or not a number' '$D/err'"
"$BC" /nonexistent.json >/dev/null 2>"$D/err"; rc=$?
check "missing file: exit 1, named" bash -c "test $rc = 1 && grep -q '/nonexistent.json: cannot open' '$D/err'"
"$BC" --format xml "${fx[0]}" >/dev/null 2>&1; rc=$?
check "unknown format: usage error (exit 2)" test $rc = 2

# choosing the baseline
"$BC" --baseline kvm "${fx[@]}" >"$D/out" 2>"$D/err"
check "--baseline TAG: that document is the baseline, the others keep their order" \
    bash -c "awk 'NR >= 3 && NR <= 5 {print \$1}' '$D/out' | tr '\n' ' ' | grep -qx 'kvm baremetal esxi '"
check "--baseline TAG: no positional warning" bash -c "! grep -q 'only because it was named first' '$D/err'"
"$BC" --baseline "${fx[2]}" "${fx[0]}" "${fx[1]}" >"$D/out" 2>&1
check "--baseline FILE not among the others: compared too, as the baseline" \
    bash -c "grep -q '^esxi (baseline)' '$D/out' && grep -q '^kvm ' '$D/out'"
"$BC" "${fx[@]}" >/dev/null 2>"$D/err"
check "three files, no --baseline: warning names the file taken by position" \
    bash -c "grep -q 'baseline is .*baremetal.json only because it was named first of 3 files' '$D/err'"
"$BC" --baseline nope "${fx[@]}" >/dev/null 2>"$D/err"; rc=$?
check "--baseline naming nothing: exit 2 and said" \
    bash -c "test $rc = 2 && grep -q \"baseline 'nope' is neither a file given nor the tag\" '$D/err'"

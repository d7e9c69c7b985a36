#!/usr/bin/env bash
# 15-linux-cli.sh - the Linux program's command line: flags equal to load options, --json,
# --config with the same precedence as on the image (defaults < file < flags), and bad input
# (unknown flag, bad value, bad config line, missing file) refused with exit 2, nothing run.
. "$(dirname "$0")/lib.sh"
BB=$BUILD/host/barebench
D=$T/linux-cli
rm -rf "$D"; mkdir -p "$D"

"$BB" --suite timer --reps 2 --profile quick --tag cli --json "$D/a.json" >"$D/a.out" 2>&1
check "flags run the timer suite and exit 0" test $? = 0
jqcheck "document written with --json, build linux" "$D/a.json" '.schema == "barebench/1" and .tool.build == "linux" and .tool.tag == "cli"'
jqcheck "same identity fields as the image" "$D/a.json" '(.env.cpu.vendor|length) == 12 and .env.processors.logical >= 1 and .env.memory.total_bytes > 0 and .env.timer.calibrated_by == "clock_monotonic_raw"'
jqcheck "timer entries with 2 reps" "$D/a.json" '[.results[] | select(.suite == "timer" and .reps == 2)] | length >= 3'

"$BB" suite=timer reps=2 profile=quick --json "$D/b.json" >/dev/null 2>&1
jqcheck "key=value words work as flags do" "$D/b.json" '.tool.suites == "timer" and .tool.reps == 2'

printf '# test config\nsuite = timer\nreps=4   # four\ntag=fromcfg\n' >"$D/ok.cfg"
"$BB" --config "$D/ok.cfg" --reps 2 --profile quick --json "$D/c.json" >/dev/null 2>&1
jqcheck "--config applies, flags override it" "$D/c.json" '.tool.suites == "timer" and .tool.reps == 2 and .tool.tag == "fromcfg"'

"$BB" --suite timer --rpes 2 >"$D/bad.out" 2>&1
rc=$?
check "unknown flag: exit 2" test "$rc" = 2
check "unknown flag: the message names it" grep -q "unknown option 'rpes'" "$D/bad.out"
check "unknown flag: nothing ran" bash -c "! grep -q '^suite timer' '$D/bad.out'"

"$BB" --reps 0 >"$D/badval.out" 2>&1
check "bad value: exit 2 and the range named" bash -c "test $? = 2 && grep -q \"bad value '0' for 'reps': expected 1..1000\" '$D/badval.out'"

printf 'suite=timer\nreps=x\n' >"$D/bad.cfg"
"$BB" --config "$D/bad.cfg" >"$D/badcfg.out" 2>&1
rc=$?
check "bad config: exit 2" test "$rc" = 2
check "bad config: file, line and key named" grep -q "bad.cfg line 2: bad value 'x' for 'reps'" "$D/badcfg.out"
"$BB" --config "$D/missing.cfg" >"$D/nocfg.out" 2>&1
check "missing config file: exit 2 with the reason" bash -c "test $? = 2 && grep -q 'cannot read config file' '$D/nocfg.out'"

# disk: a mkscratch'd file reads at the speed of a file filled with data (within 2x; before,
# mkscratch left unwritten extents that read 48x faster); a --no-fill one is flagged for its
# holes, and preconditioned before the read sweep when it may be written
MK=$BUILD/host/mkscratch
"$MK" --size 128M --label cli "$D/scratch.img" >"$D/mk.out" 2>&1
check "mkscratch: created, filled and marked" grep -q "filled with pseudo-random data" "$D/mk.out"
check "mkscratch: the data is incompressible (gzip saves < 1%)" \
    bash -c "test \$(tail -c 8M '$D/scratch.img' | gzip -1 | wc -c) -gt $((8 * 1024 * 1024 * 99 / 100))"
head -c 128M /dev/urandom >"$D/filled.img" && sync -f "$D/filled.img"
"$MK" --no-fill --size 128M --label cli "$D/sparse.img" >/dev/null 2>&1
# best median of three runs each, interleaved: the machine is shared
seqread() {
    "$BB" --suite disk --disk "$1" --disk_write "$2" --disk_blocks 1M --disk_tests seq_read \
        --reps 3 --profile quick --json "$3" >"$3.out" 2>&1
    jq '[.results[] | select(.test=="seq_read") | .median][0] // 0' "$3"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
s=0 f=0
for i in 1 2 3; do
    s=$(best "$s" "$(seqread "$D/scratch.img" no "$D/s$i.json")")
    f=$(best "$f" "$(seqread "$D/filled.img" no "$D/f$i.json")")
done
echo "# seq_read 1M: mkscratch'd $s MB/s, filled $f MB/s"
check "mkscratch'd file reads within 2x of a filled one ($s vs $f MB/s)" \
    awk -v s="$s" -v f="$f" 'BEGIN { exit !(s > 0 && f > 0 && s < 2 * f && f < 2 * s) }'
jqcheck "mkscratch'd file: no holes, reads not preconditioned (disk_write=no)" "$D/s1.json" \
    '.env.disks[0].hole_bytes == 0 and (.env.disks[0].holes | not) and
     all(.results[] | select(.test=="seq_read"); .extra.preconditioned == false)'
n=$(seqread "$D/sparse.img" no "$D/n.json")
echo "# seq_read 1M: --no-fill file, read as it is: $n MB/s"
check "--no-fill file read as it is: over 5x a filled one (the effect this guards against)" \
    awk -v n="$n" -v f="$f" 'BEGIN { exit !(n > 5 * f) }'
jqcheck "--no-fill file: holes flagged in env.disks" "$D/n.json" \
    '.env.disks[0].holes and .env.disks[0].hole_bytes > 100000000'
check "--no-fill file: holes flagged on the console" grep -q "WARNING: .*sparse.img has .* MiB of holes" "$D/n.json.out"
p=0
for i in 1 2 3; do p=$(best "$p" "$(seqread "$D/sparse.img" yes "$D/p$i.json")"); done
echo "# seq_read 1M: --no-fill file after preconditioning: $p MB/s"
jqcheck "scratch target preconditioned before the read sweep" "$D/p1.json" \
    '.env.disks[0].preconditioned and all(.results[] | select(.test=="seq_read"); .extra.preconditioned)'
check "preconditioned file reads within 2x of a filled one ($p vs $f MB/s)" \
    awk -v s="$p" -v f="$f" 'BEGIN { exit !(s > 0 && f > 0 && s < 2 * f && f < 2 * s) }'
rm -f "$D"/*.img

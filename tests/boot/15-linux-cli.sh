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

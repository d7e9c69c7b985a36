#!/usr/bin/env bash
# 36-linux-clock.sh - the Linux build on this machine: env.clock.core_hz present; whether the
# core clock moved during the run is said by the document itself, consistently with the
# measurements it holds (env.clock.moved true exactly when two measurements of one series are
# more than 2% apart, the env.degraded note with it; see clock-moved.jq): whether this shared
# host's clock held still is not asserted.  env.topology agrees with lscpu, cpus=1 runs no
# parallel entry, and stolen time is read from /proc/stat.
. "$(dirname "$0")/../boot/lib.sh"
BB=$BUILD/host/barebench
D=$T/linux-clock
rm -rf "$D"; mkdir -p "$D"
moved=$(cat "$top/tests/boot/clock-moved.jq")

"$BB" --suite timer,alu --profile quick --reps 3 --json "$D/a.json" >"$D/a.out" 2>&1
check "Linux run exits 0" test $? = 0
echo "# core clock: $(jq -c '.env.clock | {moved, spread, measurements: [.measurements[] | [.when, .hz, .all_core_hz]]}' "$D/a.json")"
jqcheck "env.clock.core_hz present and positive" "$D/a.json" '.env.clock.core_hz > 0 and (.env.clock.all_core_hz|length) >= 1'
jqcheck "core clock: moved iff two measurements of a series are over 2% apart; spread, spread_of, note agree" \
    "$D/a.json" "$moved"
jqcheck "every measurement of a 2+ processor run carries all processors' clocks, the start too" "$D/a.json" \
    '.env.topology.selected as $s | .env.clock.measurements | length >= 3 and (($s | length) < 2 or all(.all_core_hz | length == ($s | length)))'
check "a moved clock is said on the terminal too, and only then" bash -c \
    "test \"\$(jq .env.clock.moved '$D/a.json')\" = \"\$(grep -q '^core clock: moved ' '$D/a.out' && echo true || echo false)\""
jqcheck "alu entries carry extra.core_ghz and cycles in core cycles" "$D/a.json" \
    '[.results[] | select(.suite=="alu")] | length > 10 and all(.extra.core_ghz > 0 and .cycles_per_op.clock == "core")'

# lscpu: CPU,CORE,SOCKET per line
lscpu -p=CPU,CORE,SOCKET | grep -v '^#' >"$D/lscpu.txt"
sockets=$(cut -d, -f3 "$D/lscpu.txt" | sort -u | wc -l)
cores=$(cut -d, -f2,3 "$D/lscpu.txt" | sort -u | wc -l)
tpc=$(cut -d, -f2,3 "$D/lscpu.txt" | sort | uniq -c | awk '{print $1}' | sort -n | tail -1)
ncpu=$(wc -l <"$D/lscpu.txt")
jqcheck "env.topology matches lscpu ($sockets socket(s), $cores core(s), $tpc thread(s) per core, $ncpu CPUs)" "$D/a.json" \
    ".env.topology | .source == \"sysfs\" and .packages == $sockets and .cores == $cores and .threads_per_core == $tpc and .processors == $ncpu"
jqcheck "stolen time read from /proc/stat, per entry" "$D/a.json" \
    '(.env.steal.interface | test("proc/stat")) and ([.results[] | select(.suite=="alu")] | all(.extra.steal_ns >= 0 and .extra.stolen_samples >= 0))'
jqcheck "frequency policy: MSRs unreadable in user space, said so" "$D/a.json" \
    '.env.power.pstate.asked == "keep" and (.env.power.registers | all(.[]; .unreadable | test("ring 0")))'

"$BB" --suite alu --profile quick --reps 2 --cpus 1 --pstate max --json "$D/b.json" >/dev/null 2>&1
jqcheck "cpus=1: no parallel entry; pstate=max refused in user space" "$D/b.json" \
    '([.results[] | select(.params.threads > 1)] | length) == 0 and .env.topology.selected == [0] and .env.power.pstate.refused == true and (.env.power.pstate.why | test("ring 0"))'
jqcheck "cpus=1, pstate=max refused (nothing written): moved judged from the start, consistently" "$D/b.json" \
    ".env.clock.compared_from == \"start\" and ($moved)"

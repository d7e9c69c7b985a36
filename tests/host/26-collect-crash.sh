#!/usr/bin/env bash
# 26-collect-crash.sh - barebench-collect killed (SIGKILL) at random points of 200 uploads, then
# restarted, every upload whose answer was lost retried: each run is stored exactly once (one
# file, one index entry pointing at it, never a second 201), no temporary or unfinished claim is
# left, and a last clean round answers every run 200 "already stored".  The collector is the
# crash-seam build (build/tests/barebench-collect-crash: BAREBENCH_COLLECT_CRASH_AT=STEP:N kills
# it at a named step of a store, the narrow windows included); a third of the rounds are killed
# from outside after a random delay instead.
. "$(dirname "$0")/../boot/lib.sh"
COL=${COLLECTOR:-$BUILD/tests/barebench-collect-crash}
[ -x "$COL" ] || { echo "not ok - $COL missing (make $BUILD/tests/barebench-collect-crash)"; exit 1; }
D=$(mktemp -d "$T/crash.XXXXXX")
mkdir -p "$D/store"
N=200
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# seed $seed (SEED=$seed reruns the same crash points)"
jq -c . "$top/tests/fixtures/kvm.json" >"$D/doc.json"
timeout 300 python3 "$top/tests/host/collect_crash.py" "$COL" "$D/store" "$D/doc.json" $N "$seed" >"$D/crash.log" 2>&1
rc=$?
grep '^round\|^summary' "$D/crash.log" | sed 's/^/# /'
check "crash driver ran to its end" test "$rc" = 0
check "the collector was killed in at least 15 rounds, at every named step and from outside" \
    python3 -c "
import json, re, sys
s = open('$D/crash.log').read()
kills = json.loads(re.search(r'kills by step (\{.*?\})', s).group(1))
steps = ['writing', 'written', 'claimed', 'linked', 'indexed', 'stored', 'external']
sys.exit(not (sum(kills.values()) >= 15 and all(kills.get(k, 0) > 0 for k in steps)))"
check "every run answered 201 or 200 before the clean round" grep -q "answered 201/200 before the clean round" "$D/crash.log"
check "...all $N of them" grep -q "summary: .* $N of $N answered 201/200 before" "$D/crash.log"
check "clean round: every run answered 200 already stored" grep -q " $N of $N answered 200 in it" "$D/crash.log"
check "no run answered 201 twice" grep -q " 0 stored twice" "$D/crash.log"
check "$N files, one per run id" \
    bash -c "test \$(ls '$D/store' | grep -c '\.json$') = $N &&
             test \$(jq -r .tool.run_id '$D/store'/*.json | sort -u | wc -l) = $N"
check "$N index entries, each pointing at the file holding its run" \
    bash -c "cd '$D/store/.runs' && test \$(ls | wc -l) = $N &&
             for r in *; do test \"\$(jq -r .tool.run_id \"\$r\")\" = \"\$r\" || exit 1; done"
check "no temporary (.incoming-*) and no unfinished claim (.runs/*.pending) left" \
    bash -c "! ls -A '$D/store' | grep -q '^\.incoming-' && ! ls -A '$D/store/.runs' | grep -q pending"

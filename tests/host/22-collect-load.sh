#!/usr/bin/env bash
# 22-collect-load.sh - a rack's burst on loopback: 200 concurrent uploads of an 80 KB document
# (each its own run id, the image's budgets: connect 5 s, exchange 20 s) while 2 clients stall
# in the middle of their request.  All 200 are stored, each exactly once; the stalled ones are
# cut off at --timeout; a repeated upload of one run answers 200 and stores nothing new.
# run.sh: lock=alone (the image's budgets are wall-clock times on this machine)
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
D=$(mktemp -d "$T/load.XXXXXX")
mkdir -p "$D/store"
BAREBENCH_TOKEN=s3cret start_collector "$D/collector.log" --dir "$D/store" --timeout 3
check "collector started" test -n "$PORT"
# an 80 KB document: the fixture's entries eleven times over
jq '.results = [range(11) as $k | .results[]]' "$top/tests/fixtures/kvm.json" >"$D/big.json"
timeout 120 python3 "$top/tests/host/collect_load.py" 127.0.0.1 "$PORT" "$D/big.json" 200 2 s3cret >"$D/load.log" 2>&1
check "load client ran to its end" test $? = 0
grep '^summary\|^stalled' "$D/load.log" | sed 's/^/# /'
check "all 200 uploads answered 201 within the image's budgets" \
    bash -c "test \$(grep -c '^client .*: 201 stored' '$D/load.log') = 200 && grep -q '^summary: 200 of 200 stored' '$D/load.log'"
check "200 files, one per run id" \
    bash -c "test \$(ls '$D/store' | grep -c '\.json$') = 200 && test \$(ls '$D/store/.runs' | wc -l) = 200"
check "each stored file is one client's run, none twice" \
    bash -c "jq -r .tool.run_id '$D/store'/*.json | sort | uniq -d | wc -l | grep -qx 0 &&
             diff <(jq -r .tool.run_id '$D/store'/*.json | sort) <(sed -n 's/^client [0-9]* run \([0-9a-f]*\): 201.*/\1/p' '$D/load.log' | sort)"
check "stalled clients cut off at --timeout 3 s" \
    bash -c "test \$(grep -Ec '^stalled client [01]: closed after (2\.[5-9]|3\.[0-9]|4\.[0-9]) s' '$D/load.log') = 2"
f=$(ls "$D/store"/*.json | head -1)
st=$(curl -s -m 10 -o "$D/answer" -w '%{http_code}' -X POST --data-binary @"$f" -H "X-Barebench-Token: s3cret" "http://127.0.0.1:$PORT/")
check "repeated upload of one run: 200 already stored, nothing new" \
    bash -c "test '$st' = 200 && grep -q '^already stored as $(basename "$f")' '$D/answer' && test \$(ls '$D/store' | grep -c '\.json$') = 200"
check "collector still up" kill -0 "$COLLECTOR_PID"

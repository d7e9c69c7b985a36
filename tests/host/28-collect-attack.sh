#!/usr/bin/env bash
# 28-collect-attack.sh - barebench-collect at its defaults under attack on loopback: from one
# address 500 slowloris connections (a head trickled one byte every 3 s, reconnecting) and 4
# connections sending 16 MiB nested-array bombs over and over, while 50 legitimate uploads from
# 50 other addresses must all land (201) within the image's budgets (connect 5 s, exchange 20 s)
# and the collector's peak RSS (VmHWM) stay under its memory budget (256 MiB); then, while 4
# addresses send documents the collector does parse (700,000 arrays each), small uploads must
# not wait behind them.
# run.sh: lock=alone (the image's budgets are wall-clock times on this machine)
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
D=$(mktemp -d "$T/attack.XXXXXX")
mkdir -p "$D/store" "$D/store2"
hwm() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }   # kB

start_collector "$D/collector.log" --dir "$D/store"
check "collector started with its defaults" test -n "$PORT"
timeout 120 python3 "$top/tests/host/collect_attack.py" 127.0.0.1 "$PORT" "$top/tests/fixtures/kvm.json" \
    500 4 50 >"$D/attack.log" 2>&1
check "attack drill ran to its end" test $? = 0
peak=$(hwm "$COLLECTOR_PID")
grep -v '^legit' "$D/attack.log" | sed 's/^/# /'
echo "# collector peak RSS (VmHWM): $((peak / 1024)) MiB"
check "all 50 legitimate uploads from other addresses landed (201) within the image's budgets" \
    bash -c "test \$(grep -c '^legit .*: 201 stored' '$D/attack.log') = 50"
check "50 runs stored, one file each" \
    bash -c "test \$(ls '$D/store' | grep -c '\.json$') = 50 && test \$(ls '$D/store/.runs' | wc -l) = 50"
check "peak RSS under the 256 MiB budget ($((peak / 1024)) MiB)" test "$peak" -lt $((256 * 1024))
check "the slowloris were cut at the head deadline and the rest refused at accept" \
    bash -c "grep -q '^barebench-collect: 127.0.0.2: cut off: no complete request head within 5 s' '$D/collector.log' &&
             grep -q 'refused [0-9]* connections at accept: over the per-address connection limit (the last from 127.0.0.2)' '$D/collector.log'"
check "the bombs got 413 (too many JSON values), not parsed" \
    grep -q '^bombs from 127.0.0.2: [0-9]* answered 413, the first: 5592406 JSON values' "$D/attack.log"
check "collector still serving: 201" \
    test "$(curl -s -m 10 -o /dev/null -w '%{http_code}' --data-binary @"$top/tests/fixtures/esxi.json" "http://127.0.0.1:$PORT/")" = 201

# documents it must parse, from 4 addresses, and small uploads beside them
start_collector "$D/collector2.log" --dir "$D/store2"
timeout 90 python3 "$top/tests/host/collect_parse_wait.py" 127.0.0.1 "$PORT" "$top/tests/fixtures/kvm.json" 15 \
    >"$D/parse.log" 2>&1
check "parse drill ran to its end" test $? = 0
peak=$(hwm "$COLLECTOR_PID")
tail -2 "$D/parse.log" | sed 's/^/# /'
echo "# collector peak RSS (VmHWM): $((peak / 1024)) MiB"
check "big documents were parsed (400: not a results document), the rest told to retry (503)" \
    grep -q '^big documents: [0-9]* answered 400' "$D/parse.log"
check "every small upload landed beside them, none slower than 2 s" \
    bash -c "! grep '^small upload' '$D/parse.log' | grep -v ': 201 in [01]\.'"
check "peak RSS under the 256 MiB budget while parsing ($((peak / 1024)) MiB)" test "$peak" -lt $((256 * 1024))

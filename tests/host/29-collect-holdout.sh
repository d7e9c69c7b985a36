#!/usr/bin/env bash
# 29-collect-holdout.sh - a client without the fleet key holds nothing up (the review of issue 25's
# fixes): 16 connections from 2 addresses that announce 16 MiB bodies under a made-up signature
# and send one byte take none of the memory budget (signed uploads beside them get 201, not 503);
# on an HTTPS port, connections that finish the TLS handshake and then trickle their request head
# are cut at --head-timeout like plain ones, and signed uploads beside them land.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
D=$(mktemp -d "$T/holdout.XXXXXX")
openssl rand -hex 32 >"$D/key"
jq '.results |= .[:20]' "$top/tests/fixtures/kvm.json" >"$D/doc.json"

start_collector "$D/budget.log" --dir "$D/store" --key-file "$D/key"
check "collector started (fleet key)" test -n "$PORT"
timeout 60 python3 "$top/tests/host/collect_holdout.py" budget "$PORT" "$D/key" "$D/doc.json" >"$D/budget.json" 2>"$D/budget.err"
echo "# budget drill: $(cat "$D/budget.json") $(tail -1 "$D/budget.err")"
check "budget: signed uploads land while unsigned heads announce 16 MiB bodies from 2 addresses" \
    jq -e '.legit == [201, 201, 201]' "$D/budget.json"
kill "$COLLECTOR_PID" 2>/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=holdout -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$D/srv.key" -out "$D/srv.pem" 2>/dev/null
start_collector "$D/tls.log" --dir "$D/store2" --key-file "$D/key" --tls-cert "$D/srv.pem" \
    --tls-key "$D/srv.key" --head-timeout 2 --timeout 10
check "collector started (HTTPS)" test -n "$PORT"
timeout 60 python3 "$top/tests/host/collect_holdout.py" tls "$PORT" "$D/key" "$D/doc.json" >"$D/tls.json" 2>"$D/tls.err"
echo "# TLS drill: $(cat "$D/tls.json") $(tail -1 "$D/tls.err")"
check "HTTPS: signed uploads land while 8 handshaken connections trickle their heads" \
    jq -e '.legit == [201, 201, 201]' "$D/tls.json"
check "HTTPS: the trickling connections are cut at --head-timeout" jq -e '.open_after == 0' "$D/tls.json"
check "HTTPS: the cut is logged as the head deadline" grep -q "no complete request head within --head-timeout" "$D/tls.log"

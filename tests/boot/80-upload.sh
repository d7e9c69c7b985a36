#!/usr/bin/env bash
# 80-upload.sh - upload=http://10.0.2.2:PORT/ from the UEFI image (firmware TCP4 over virtio-net,
# QEMU user networking) to barebench-collect on the host's 127.0.0.1:PORT: the stored file equals
# the document on serial; a wrong token is refused; a closed port costs a bounded wait and the
# run still ends normally; DHCP works too; with the collector down at first, a retry lands the
# document once it is up.  Also the Linux build's upload over plain sockets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector.bash"
D=$T/upload
rm -rf "$D"; mkdir -p "$D/store"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
export QEMU_NET=1   # qemu_base_args leaves out -net none; the NIC comes from NET below
NET=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=)
STATIC="net=10.0.2.15/24,10.0.2.2"

start_collector "$D/collector.log" --dir "$D/store" --token s3cret
check "collector started" test -n "$PORT"

boot up-ok 1 256M "suite=timer reps=3 profile=quick tag=upload $STATIC upload=http://10.0.2.2:$PORT/ upload_token=s3cret" "${NET[@]}"
rc=$?
L=$T/up-ok/console.log
check "upload boot powers off normally" test "$rc" = 0
check "console says uploaded with HTTP 201" grep -q "^results uploaded to http://10.0.2.2:$PORT/: HTTP 201: stored upload_tcg_" "$L"
f=$(ls "$D/store"/upload_*.json 2>/dev/null | head -1)
check "collector stored one document" test -n "$f"
# the copy taken from serial ends with the newline that follows the document
check "stored file equals the serial document (byte for byte)" cmp -s <(head -c -1 "$T/up-ok/latest.json") "$f"
jqcheck "stored document is the UEFI run" "$f" '.tool.build == "uefi" and .tool.tag == "upload"'

n=$(ls "$D/store" | wc -l)
boot up-badtoken 1 256M "suite=timer reps=3 profile=quick tag=bad $STATIC upload=http://10.0.2.2:$PORT/ upload_token=wrong" "${NET[@]}"
rc=$?
check "wrong token: run still ends normally" test "$rc" = 0
check "wrong token: refused with 401, said on the console" grep -q "^results not uploaded to .*: HTTP 401: missing or wrong token" "$T/up-badtoken/console.log"
check "wrong token: a 4xx is not retried" \
    bash -c "grep -q '^upload attempt 1 of 4 refused: HTTP 401' '$T/up-badtoken/console.log' && ! grep -q '^upload attempt 2' '$T/up-badtoken/console.log'"
check "wrong token: nothing stored" test "$(ls "$D/store" | wc -l)" = "$n"
check "wrong token: results still on serial" test -s "$T/up-badtoken/latest.json"

# a port nobody listens on: QEMU's user network answers with a reset
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
start=$(date +%s)
boot up-closed 1 256M "suite=timer reps=3 profile=quick $STATIC upload=http://10.0.2.2:$closed/ upload_retries=0" "${NET[@]}"
rc=$?
secs=$(( $(date +%s) - start ))
check "closed port: run ends normally (QEMU exit 0, ${secs} s)" test "$rc" = 0
check "closed port: a bounded wait, reported" \
    bash -c "grep -Eq '^results not uploaded to http://10.0.2.2:$closed/: (cannot connect|timed out|connection).* \(([0-9]|10)\.[0-9] s\)$' '$T/up-closed/console.log'"
check "closed port: results still on serial" test -s "$T/up-closed/latest.json"

# a host that never answers (nothing routes 10.0.2.99): the connect deadline bounds the wait
boot up-silent 1 256M "suite=timer reps=3 profile=quick $STATIC upload=http://10.0.2.99:9/ upload_retries=0" "${NET[@]}"
rc=$?
check "silent host: run ends normally after a bounded wait" \
    bash -c "test $rc = 0 && grep -Eq '^results not uploaded to http://10.0.2.99:9/: .* \(([0-9])\.[0-9] s\)$' '$T/up-silent/console.log'"

boot up-dhcp 1 256M "suite=timer reps=3 profile=quick tag=dhcp upload=http://10.0.2.2:$PORT/ upload_token=s3cret" "${NET[@]}"
check "DHCP (default net=dhcp): lease from QEMU and 201" \
    bash -c "grep -q '^network: 10.0.2.15/24' '$T/up-dhcp/console.log' && grep -q 'HTTP 201: stored dhcp_tcg_' '$T/up-dhcp/console.log'"

# the collector is down when the run ends and comes up after the first attempt failed: a retry
# (backoff with jitter) lands the document, stored once
late=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$D/late"; rm -rf "$T/up-retry"
(
    for _ in $(seq 1200); do
        grep -q '^upload attempt 1 of 4 failed' "$T/up-retry/console.log" 2>/dev/null && break
        sleep 0.1
    done
    exec "$COL" --bind 127.0.0.1 --port "$late" --dir "$D/late" "${AS_ROOT[@]}" >"$D/late.log" 2>&1
) &
pids+=($!)
boot up-retry 1 256M "suite=timer reps=3 profile=quick tag=late $STATIC upload=http://10.0.2.2:$late/" "${NET[@]}"
rc=$?
L=$T/up-retry/console.log
grep '^upload attempt\|^results .*uploaded' "$L" | sed 's/^/# /'
check "collector down at first: run ends normally" test "$rc" = 0
check "collector down at first: attempt 1 failed, a later attempt landed with 201" \
    bash -c "grep -q '^upload attempt 1 of 4 failed: .*; next in [0-9.]* s$' '$L' && grep -Eq '^upload attempt [234] of 4 landed: HTTP 201' '$L' && grep -Eq '^results uploaded to .*: HTTP 201: stored late_.* \([234] attempts, [0-9.]+ s\)$' '$L'"
check "collector down at first: stored once, equal to the serial document" \
    bash -c "test \$(ls '$D/late' | grep -c '\.json$') = 1 && cmp -s <(head -c -1 '$T/up-retry/latest.json') '$D/late'/late_*.json"
jqcheck "the uploaded document carries its run id" "$T/up-retry/latest.json" '.tool.run_id | test("^[0-9a-f]{32}$")'

unset QEMU_NET
boot up-nonic 1 256M "suite=timer reps=3 profile=quick upload=http://10.0.2.2:$PORT/"
rc=$?
check "no NIC: run ends normally, upload says why, not retried" \
    bash -c "test $rc = 0 && grep -q '^results not uploaded to .*: no network interface' '$T/up-nonic/console.log' && ! grep -q '^upload attempt 2' '$T/up-nonic/console.log'"

# the Linux build uploads over plain sockets
"$BUILD/host/barebench" --suite timer --reps 3 --tag linux-up --upload "http://127.0.0.1:$PORT/" \
    --upload_token s3cret --json "$D/linux.json" >"$D/linux.log" 2>&1
lf=$(ls "$D/store"/linux-up_*.json 2>/dev/null | head -1)
check "Linux build: uploaded (201) and stored equal to its document" \
    bash -c "grep -q 'HTTP 201' '$D/linux.log' && test -n '$lf' && jq -e --slurpfile a '$D/linux.json' '. == \$a[0]' '$lf' >/dev/null"

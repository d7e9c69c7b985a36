#!/usr/bin/env bash
# 80-upload.sh - upload=http://10.0.2.2:PORT/ from the UEFI image (firmware TCP4 over virtio-net,
# QEMU user networking) to barebench-collect on the host's 127.0.0.1:PORT, signed with the fleet
# key (upload_key=, or upload_key_file= on the ESP of a disk image): the stored file equals the
# document on serial and the key is in neither; a wrong key is refused (401); a missing key file
# stops the run before it measures; a closed port costs a bounded wait and the run still ends
# normally; DHCP works too; with the collector down at first, a retry lands the document once it
# is up; the document names the machine (SMBIOS UUID, serial, asset tag; the NIC's MAC).  Also
# the Linux build's upload over plain sockets (signed, and the legacy token).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector.bash"
. "$(dirname "$0")/media.bash"
D=$T/upload
rm -rf "$D"; mkdir -p "$D/store"
export QEMU_NET=1   # qemu_base_args leaves out -net none; the NIC comes from NET below
NET=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=)
STATIC="net=10.0.2.15/24,10.0.2.2"

KEY=$(openssl rand -hex 32)
printf '%s\n' "$KEY" >"$D/key"
start_collector "$D/collector.log" --dir "$D/store" --key-file "$D/key"
check "collector started" test -n "$PORT"

# (the machine's identity as a rack server states it: SMBIOS UUID, serial, chassis asset tag)
UUID=4c4c4544-0037-5810-804b-b7c04f4d4c33
boot up-ok 1 256M "suite=timer reps=3 profile=quick tag=upload $STATIC upload=http://10.0.2.2:$PORT/ upload_key=$KEY" "${NET[@]}" \
    -smbios "type=1,serial=7XK2LM3,uuid=$UUID" -smbios type=3,asset=RACK7-U12
rc=$?
L=$T/up-ok/console.log
check "upload boot powers off normally" test "$rc" = 0
check "console says signed, then uploaded with HTTP 201" \
    bash -c "grep -q '^upload: signed with the fleet key' '$L' && grep -q '^results uploaded to http://10.0.2.2:$PORT/: HTTP 201: stored upload_tcg_' '$L'"
f=$(ls "$D/store"/upload_*.json 2>/dev/null | head -1)
check "collector stored one document" test -n "$f"
# the copy taken from serial ends with the newline that follows the document
check "stored file equals the serial document (byte for byte)" cmp -s <(head -c -1 "$T/up-ok/latest.json") "$f"
jqcheck "stored document is the UEFI run, its command line with the key REDACTED" "$f" \
    ".tool.build == \"uefi\" and .tool.tag == \"upload\" and (.tool.command_line | endswith(\"upload_key=REDACTED\"))"
check "the key is in neither the stored document nor the serial log" \
    bash -c "test -n '$f' && ! grep -q '$KEY' '$f' '$T/up-ok/serial.log' '$L'"
jqcheck "the document names the machine: SMBIOS UUID, serial, asset tag, and the NIC it uploaded from" "$f" \
    ".env.system.uuid == \"$UUID\" and .env.system.serial == \"7XK2LM3\" and .env.system.asset_tag == \"RACK7-U12\" and .env.network.mac == \"52:54:00:12:34:56\""

n=$(ls "$D/store" | grep -c '\.json$')
boot up-badkey 1 256M "suite=timer reps=3 profile=quick tag=bad $STATIC upload=http://10.0.2.2:$PORT/ upload_key=$(openssl rand -hex 16)" "${NET[@]}"
rc=$?
check "wrong key: run still ends normally" test "$rc" = 0
check "wrong key: refused with 401, said on the console" grep -q "^results not uploaded to .*: HTTP 401: wrong signature" "$T/up-badkey/console.log"
check "wrong key: a 4xx is not retried" \
    bash -c "grep -q '^upload attempt 1 of 4 refused: HTTP 401' '$T/up-badkey/console.log' && ! grep -q '^upload attempt 2' '$T/up-badkey/console.log'"
check "wrong key: nothing stored" test "$(ls "$D/store" | grep -c '\.json$')" = "$n"
check "wrong key: results still on serial" test -s "$T/up-badkey/latest.json"

# the key in a file on the ESP of a disk image (upload_key_file= in its barebench.cfg)
ARGS="suite=timer reps=3 profile=quick tag=keyfile $STATIC upload=http://10.0.2.2:$PORT/ upload_key_file=/barebench/upload.key" \
    "$top/image/mkimg.sh" "$EFI" "$D/keyfile.img" >"$D/mkimg.log" 2>&1
first=$(sed -n 's/.*ESP at sector \([0-9]*\).*/\1/p' "$D/mkimg.log")
MTOOLS_SKIP_CHECK=1 mcopy -i "$D/keyfile.img@@$((first * 512))" "$D/key" ::/barebench/upload.key
boot_media up-keyfile 1 256M -drive "if=none,id=boot,format=raw,file=$D/keyfile.img" \
    -device virtio-blk-pci,drive=boot,bootindex=0 "${NET[@]}"
check "key file on the ESP: signed upload stored (201)" \
    bash -c "grep -q '^upload: signed with the fleet key' '$T/up-keyfile/console.log' && grep -q 'HTTP 201: stored keyfile_tcg_' '$T/up-keyfile/console.log'"
check "key file on the ESP: the key is not in the serial log" bash -c "! grep -q '$KEY' '$T/up-keyfile/serial.log'"
boot up-nokeyfile 1 256M "suite=timer reps=3 profile=quick $STATIC upload=http://10.0.2.2:$PORT/ upload_key_file=/barebench/none.key" "${NET[@]}"
check "key file missing: the run stops before measuring, naming the option and the file" \
    bash -c "grep -q '^barebench: error in load options: upload_key_file=: /barebench/none.key: ' '$T/up-nokeyfile/console.log' && ! grep -q '^suite timer' '$T/up-nokeyfile/console.log'"

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

boot up-dhcp 1 256M "suite=timer reps=3 profile=quick tag=dhcp upload=http://10.0.2.2:$PORT/ upload_key=$KEY" "${NET[@]}"
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

# the Linux build uploads over plain sockets, signed with the key from a file
"$BUILD/host/barebench" --suite timer --reps 3 --tag linux-up --upload "http://127.0.0.1:$PORT/" \
    --upload_key_file "$D/key" --json "$D/linux.json" >"$D/linux.log" 2>&1
lf=$(ls "$D/store"/linux-up_*.json 2>/dev/null | head -1)
check "Linux build: signed upload (201) stored equal to its document" \
    bash -c "grep -q 'HTTP 201' '$D/linux.log' && test -n '$lf' && jq -e --slurpfile a '$D/linux.json' '. == \$a[0]' '$lf' >/dev/null"
# the legacy token still works where it is asked for, and says what it costs
mkdir -p "$D/legacy"
BAREBENCH_TOKEN=s3cret start_collector "$D/legacy.log" --dir "$D/legacy"
"$BUILD/host/barebench" --suite timer --reps 3 --tag legacy --upload "http://127.0.0.1:$PORT/" \
    --upload_token s3cret --json "$D/legacy.json" >"$D/legacy-run.log" 2>&1
check "Linux build, legacy token: 201, with a warning that the token crosses the network in clear" \
    bash -c "grep -q 'HTTP 201' '$D/legacy-run.log' && grep -q 'legacy mode: the token crosses the network in clear' '$D/legacy-run.log' && jq -e '.tool.command_line | test(\"upload_token=REDACTED\")' '$D/legacy.json' >/dev/null"

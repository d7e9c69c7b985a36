#!/usr/bin/env bash
# 21-collect.sh - barebench-collect on loopback: stores a document byte for byte under a name from
# its identity and time, never overwrites, refuses wrong tokens (401), oversize bodies (413) and
# bad documents (400), stores a run (tool.run_id) once (repeat: 200, changed: 409), cuts off
# silent clients after --timeout and keeps serving; --once exits after one.  The token here is the
# legacy mode (BAREBENCH_TOKEN); signed uploads are 24-collect-auth.sh.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
FX=$top/tests/fixtures
D=$T/collect
rm -rf "$D"; mkdir -p "$D/store"

# post FILE [curl args...]: prints the HTTP status; the answer body goes to $D/answer
post() {
    local f=$1; shift
    curl -s -m 10 -o "$D/answer" -w '%{http_code}' -X POST --data-binary @"$f" "$@" "http://127.0.0.1:$PORT/"
}
nfiles() { ls "$D/store" | grep -c '\.json$'; }

BAREBENCH_TOKEN=s3cret start_collector "$D/collector.log" --dir "$D/store" --max-bytes 200000 --timeout 2 --body-timeout 4
check "collector listens on an ephemeral loopback port" test -n "$PORT"

st=$(post "$FX/kvm.json" -H "X-Barebench-Token: s3cret")
check "good document with token: 201" test "$st" = 201
first=$(ls "$D/store"/*.json 2>/dev/null | head -1)
check "stored byte for byte" cmp -s "$FX/kvm.json" "$first"
check "name from identity and time (tag_hypervisor_system_UTC)" \
    bash -c "basename '$first' | grep -Eq '^kvm_kvm_Standard-PC-Q35-ICH9-2009_[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.json$'"
check "answer names the file" grep -q "^stored kvm_kvm_" "$D/answer"
sum=$(md5sum <"$first")
st=$(post "$FX/esxi.json" -H "X-Barebench-Token: s3cret")
st2=$(post "$FX/kvm.json" -H "Authorization: Bearer s3cret")
check "second document and Bearer token: 201" test "$st$st2" = 201201
check "same identity again: a new file, the first one untouched" \
    bash -c "test \$(ls '$D/store' | grep -c '^kvm_kvm_') = 2 && test \"\$(md5sum <'$first')\" = '$sum'"
n=$(nfiles)
st=$(post "$FX/kvm.json" -H "X-Barebench-Token: wrong")
check "wrong token: 401" test "$st" = 401
st=$(post "$FX/kvm.json")
check "no token: 401" test "$st" = 401
check "refused documents are not stored" test "$(nfiles)" = "$n"

head -c 300000 /dev/zero | tr '\0' ' ' >"$D/bad-big.json"
st=$(post "$D/bad-big.json" -H "X-Barebench-Token: s3cret")
check "over --max-bytes: 413" bash -c "test '$st' = 413 && grep -q 'too large' '$D/answer'"
printf 'not json' >"$D/bad.json"
st=$(post "$D/bad.json" -H "X-Barebench-Token: s3cret")
check "non-JSON: 400 with position" bash -c "test '$st' = 400 && grep -q 'document:1:[0-9]*: not valid JSON' '$D/answer'"
jq '.schema="barebench/9"' "$FX/kvm.json" >"$D/bad-v9.json"
st=$(post "$D/bad-v9.json" -H "X-Barebench-Token: s3cret")
check "wrong schema: 400" bash -c "test '$st' = 400 && grep -q 'unsupported schema' '$D/answer'"
head -c 500 "$FX/kvm.json" >"$D/bad-trunc.json"
st=$(post "$D/bad-trunc.json" -H "X-Barebench-Token: s3cret")
check "truncated document: 400" test "$st" = 400
printf '{"schema":"barebench/1","results":[{"suite":"x"}]}' >"$D/bad-entry.json"
st=$(post "$D/bad-entry.json" -H "X-Barebench-Token: s3cret")
check "malformed entry: 400 naming it" bash -c "test '$st' = 400 && grep -q 'results\[0\]' '$D/answer'"
st=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")
check "GET: 405" test "$st" = 405
check "bad documents are not stored" test "$(nfiles)" = "$n"

# a client that sends half a request and goes silent is cut off after --timeout (libmicrohttpd
# closes the connection without an answer); one that stops in the middle of its body too
start=$(date +%s%N)
ans=$(exec 3<>"/dev/tcp/127.0.0.1/$PORT"; printf 'POST / HTTP/1.1\r\nContent-Le' >&3; timeout 10 cat <&3)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "silent client: cut off after about --timeout 2 s (took $ms ms)" \
    bash -c "test -z '$ans' && test $ms -ge 1500 && test $ms -lt 5000"
start=$(date +%s%N)
ans=$(exec 3<>"/dev/tcp/127.0.0.1/$PORT"; printf 'POST / HTTP/1.1\r\nX-Barebench-Token: s3cret\r\nContent-Length: 5000\r\n\r\n{"sch' >&3; timeout 10 cat <&3)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "body cut short: cut off after about 2 s (took $ms ms)" bash -c "test $ms -ge 1500 && test $ms -lt 5000"
# one that trickles its body (never silent for --timeout) is cut at --body-timeout
secs=$(timeout 20 python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
t0 = time.monotonic()
s.sendall(b"POST / HTTP/1.1\r\nX-Barebench-Token: s3cret\r\nContent-Length: 5000\r\n\r\n")
try:
    for _ in range(30):  # at most 15 s
        s.sendall(b"x")
        time.sleep(0.5)
except OSError:
    pass
print(f"{time.monotonic() - t0:.1f}")
PY
)
check "trickling client: cut off at --body-timeout 4 s (took $secs s)" \
    bash -c "grep -q 'cut off: the body took longer than 4 s' '$D/collector.log' && awk 'BEGIN{exit !($secs >= 3.5 && $secs < 9)}'"
check "both cut-offs logged" bash -c "grep -q 'cut off: silent for 2 s before a complete request head' '$D/collector.log' && grep -q 'cut off: silent in the middle' '$D/collector.log'"

# a run id makes an upload idempotent: one file per run, a repeat answers 200, a change 409
rid=0123456789abcdef0123456789abcdef
jq -c ".tool.run_id=\"$rid\"" "$FX/kvm.json" >"$D/run.json"
n=$(nfiles)
st=$(post "$D/run.json" -H "X-Barebench-Token: s3cret")
check "document with run id: 201, name ends with the run id's first 8 digits" \
    bash -c "test '$st' = 201 && grep -Eq '^stored kvm_kvm_.*_01234567\.json' '$D/answer'"
stored=$(sed -n 's/^stored \([^ ]*\) .*/\1/p' "$D/answer")
st=$(post "$D/run.json" -H "X-Barebench-Token: s3cret")
check "same run again: 200 already stored as NAME, nothing new" \
    bash -c "test '$st' = 200 && grep -q '^already stored as $stored' '$D/answer' && test \$(ls '$D/store' | grep -c '\.json$') = $((n + 1))"
jq -c '.tool.tag="changed"' "$D/run.json" >"$D/run2.json"
st=$(post "$D/run2.json" -H "X-Barebench-Token: s3cret")
check "same run, other bytes: 409, nothing new, first copy untouched" \
    bash -c "test '$st' = 409 && grep -q 'different contents' '$D/answer' && test $(nfiles) = $((n + 1)) && cmp -s '$D/run.json' '$D/store/$stored'"
check "run index points at the stored file" test "$(readlink "$D/store/.runs/$rid")" = "../$stored"
jq -c '.tool.run_id="XYZ"' "$FX/kvm.json" >"$D/badrid.json"
st=$(post "$D/badrid.json" -H "X-Barebench-Token: s3cret")
check "malformed run id: 400 naming it" bash -c "test '$st' = 400 && grep -q 'tool.run_id' '$D/answer'"
st=$(post "$FX/baremetal.json" -H "X-Barebench-Token: s3cret")
check "still serving after bad clients: 201" test "$st" = 201
# (a request is logged when it completes, just after its answer went out: give the last a moment)
for _ in $(seq 20); do [ "$(grep -c ': 201 stored' "$D/collector.log")" -ge 5 ] && break; sleep 0.1; done
check "collector logged each request with its status" \
    bash -c "grep -c ': 201 stored' '$D/collector.log' | grep -qx 5 && grep -q ': 200 already stored' '$D/collector.log' && grep -q ': 401 ' '$D/collector.log' && grep -q ': 413 ' '$D/collector.log'"

# the collector fuzz corpus replayed over TCP: every input gets an answer or a close, no crash
main_pid=${pids[0]}
for f in "$top"/tests/fuzz/corpus-collect/*; do
    timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat '$f' >&3; cat <&3 >/dev/null" 2>/dev/null
done
check "collector fuzz corpus replayed: collector still up and serving" \
    bash -c "kill -0 $main_pid && test \$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST --data-binary @'$FX/kvm.json' -H 'X-Barebench-Token: s3cret' http://127.0.0.1:$PORT/) = 201"

# --once, no token: exits after the first stored document
mkdir -p "$D/once"
start_collector "$D/once.log" --dir "$D/once" --once
st=$(post "$FX/esxi.json")
sleep 0.5
check "--once without token: 201, then the collector exits" \
    bash -c "test '$st' = 201 && ! kill -0 ${pids[-1]} 2>/dev/null && ls '$D/once' | grep -q '^esxi_vmware_VMware7-1_'"
# --dir: a missing directory is created with its parents; a file in its place is refused
start_collector "$D/mkdir.log" --dir "$D/new/deeper/results/" --once
st=$(post "$FX/kvm.json")
check "--dir missing: created with its parents, document stored there" \
    bash -c "test '$st' = 201 && ls '$D/new/deeper/results' | grep -q '^kvm_kvm_'"
touch "$D/afile"
"$COL" --port 1 --dir "$D/afile" "${AS_ROOT[@]}" >/dev/null 2>"$D/err"; rc=$?
check "--dir names a file: refused at start" bash -c "test $rc = 1 && grep -q 'exists and is not a directory' '$D/err'"

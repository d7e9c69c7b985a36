#!/usr/bin/env bash
# 24-collect-auth.sh - barebench-collect's authentication on loopback: uploads signed with the
# fleet key (HMAC-SHA256, signed here with openssl) are stored (files 0640), a missing, malformed
# or wrong signature and a captured body replayed under another run id are refused; secrets come
# from a file or the environment only (--token and empty secrets are errors); listening beyond
# loopback needs a key or --insecure-open; the systemd unit scores under 2.5 in
# `systemd-analyze security` and reads the key as a credential.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
FX=$top/tests/fixtures
D=$(mktemp -d "$T/auth.XXXXXX")
mkdir -p "$D/store"
KEY=$(openssl rand -hex 32)
printf '%s\n' "$KEY" >"$D/key"; chmod 600 "$D/key"
: >"$D/empty"

# refuse NAME ARGS...: the collector must exit 2 at once, before listening; its stderr to $D/NAME.err
refuse() {
    local name=$1; shift
    timeout 5 "$COL" --port 0 --dir "$D/never" "$@" >"$D/$name.out" 2>"$D/$name.err"
    echo $?
}
check "--bind 0.0.0.0 without a key: exit 2, says why and what to do" \
    bash -c "test $(refuse wide --bind 0.0.0.0) = 2 && grep -q 'refusing to listen on 0.0.0.0 without a fleet key' '$D/wide.err' && grep -q -- '--insecure-open' '$D/wide.err' && ! grep -q listening '$D/wide.out'"
check "--bind :: without a key: exit 2" test "$(refuse wide6 --bind ::)" = 2
echo s3cret >"$D/token"
check "--bind 0.0.0.0 with only the legacy token: exit 2 (the token would cross the network)" \
    bash -c "test $(refuse widetok --bind 0.0.0.0 --legacy-token-file "$D/token") = 2 && grep -q 'clear text' '$D/widetok.err'"
check "--token s3cret: an error pointing at --legacy-token-file (never a secret on argv)" \
    bash -c "test $(refuse tok --token s3cret) = 2 && grep -q -- '--legacy-token-file' '$D/tok.err'"
check "--token '': an error, never authentication off" test "$(refuse tokempty --token '')" = 2
check "BAREBENCH_TOKEN empty: an error" \
    bash -c "test \$(BAREBENCH_TOKEN= bash -c '$(declare -f refuse); COL=$COL D=$D; refuse envtok') = 2 && grep -q 'token is empty' '$D/envtok.err'"
check "BAREBENCH_KEY empty: an error" \
    bash -c "test \$(BAREBENCH_KEY= bash -c '$(declare -f refuse); COL=$COL D=$D; refuse envkey') = 2 && grep -q 'key is empty' '$D/envkey.err'"
check "--key-file of an empty file: an error naming it" \
    bash -c "test $(refuse emptykey --key-file "$D/empty") = 2 && grep -q '$D/empty: the key is empty' '$D/emptykey.err'"
check "--key-file missing: an error" test "$(refuse nokey --key-file "$D/nope")" = 2
echo 0123abcd >"$D/short"
check "a key too short: an error" \
    bash -c "test $(refuse short --key-file "$D/short") = 2 && grep -q 'too short' '$D/short.err'"
check "nothing stored by the refusals" test ! -e "$D/never"

# --insecure-open: listens on all addresses, says so (reached here over loopback only)
start_wide() { # LOG ARGS...: like start_collector, on 0.0.0.0
    local log=$1; shift
    "$COL" --bind 0.0.0.0 --port 0 "${AS_ROOT[@]}" "$@" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
        WPORT=$(sed -n 's/.*listening on 0.0.0.0 port \([0-9]*\),.*/\1/p' "$log")
        [ -n "$WPORT" ] && return 0
        sleep 0.1
    done
    return 1
}
start_wide "$D/open.log" --dir "$D/open" --insecure-open
check "--bind 0.0.0.0 --insecure-open: runs, warns that anyone may store" \
    bash -c "test -n '$WPORT' && grep -q 'NO AUTHENTICATION' '$D/open.log'"
st=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST --data-binary @"$FX/kvm.json" "http://127.0.0.1:$WPORT/")
check "--insecure-open: an unsigned upload is stored" test "$st" = 201
kill "${pids[-1]}"
start_wide "$D/wkey.log" --dir "$D/wkey" --key-file "$D/key"
check "--bind 0.0.0.0 with a key file: runs, signed uploads only" \
    bash -c "test -n '$WPORT' && grep -q 'signed uploads only' '$D/wkey.log'"
kill "${pids[-1]}"

# signed uploads
start_collector "$D/collector.log" --dir "$D/store" --key-file "$D/key"
check "collector with a key listens on loopback" test -n "$PORT"
# sign KEY RUNID FILE: the v1 signature, "barebench-upload-v1\n" RUNID "\n" BODY under KEY
sign() {
    { printf 'barebench-upload-v1\n%s\n' "$2"; cat "$3"; } |
        openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" | sed 's/^.*= //'
}
# post FILE RUNID SIGNATURE [curl args...]: prints the status; the answer goes to $D/answer
post() {
    local f=$1 rid=$2 sig=$3; shift 3
    curl -s -m 10 -o "$D/answer" -w '%{http_code}' -X POST --data-binary @"$f" \
        ${rid:+-H "X-Barebench-Run-Id: $rid"} ${sig:+-H "X-Barebench-Signature: $sig"} "$@" \
        "http://127.0.0.1:$PORT/"
}
nfiles() { ls "$D/store" | grep -c '\.json$'; }
rid=0123456789abcdef0123456789abcdef
rid2=fedcba9876543210fedcba9876543210
jq -c --arg r "$rid" '.tool.run_id=$r' "$FX/kvm.json" >"$D/run.json"
st=$(post "$D/run.json" "$rid" "v1=$(sign "$KEY" "$rid" "$D/run.json")")
check "signed upload: 201" test "$st" = 201
f=$(ls "$D/store"/*.json 2>/dev/null | head -1)
check "stored byte for byte, mode 0640 (not world-readable)" \
    bash -c "cmp -s '$D/run.json' '$f' && test \$(stat -c %a '$f') = 640"
st=$(post "$D/run.json" "$rid" "v1=$(sign "$KEY" "$rid" "$D/run.json")")
check "the same signed upload again (a replay of it): 200 already stored, nothing new" \
    bash -c "test '$st' = 200 && grep -q '^already stored as' '$D/answer' && test $(nfiles) = 1"
st=$(post "$D/run.json" "" "")
check "no signature: 401" bash -c "test '$st' = 401 && grep -q 'missing signature' '$D/answer'"
st=$(post "$D/run.json" "" "" -H "X-Barebench-Token: $KEY")
check "a token header (even the key itself) is no signature: 401" test "$st" = 401
st=$(post "$D/run.json" "$rid" "v1=$(sign "$(openssl rand -hex 32)" "$rid" "$D/run.json")")
check "signed with another key: 401 wrong signature" \
    bash -c "test '$st' = 401 && grep -q 'wrong signature' '$D/answer'"
jq -c --arg r "$rid2" '.tool.run_id=$r' "$FX/kvm.json" >"$D/run2.json"
sig2=$(sign "$KEY" "$rid2" "$D/run2.json")
st=$(post "$D/run2.json" "$rid" "v1=$sig2")
check "a captured upload replayed under another run id: 401" test "$st" = 401
st=$(post "$D/run.json" "$rid2" "v1=$(sign "$KEY" "$rid2" "$D/run.json")")
check "signed for a run id the document does not carry: 401 naming it" \
    bash -c "test '$st' = 401 && grep -q \"tool.run_id is another run\" '$D/answer'"
st=$(post "$D/run2.json" "$rid2" "v1=${sig2:0:60}")
check "malformed signature header: 400" \
    bash -c "test '$st' = 400 && grep -q 'malformed X-Barebench-Signature' '$D/answer'"
st=$(post "$D/run2.json" "" "v1=$sig2")
check "signature without a run id: 401" test "$st" = 401
check "nothing stored by the refused uploads" test "$(nfiles)" = 1
st=$(post "$D/run2.json" "$rid2" "v1=$sig2")
check "the other run, signed right: 201" test "$st" = 201
check "the key never in the collector's output" bash -c "! grep -q '$KEY' '$D/collector.log'"
check "the collector logged the refusals" \
    bash -c "grep -c ': 401 ' '$D/collector.log' | grep -qx 6 && grep -q ': 400 malformed' '$D/collector.log'"

# the systemd unit
U=$top/tools/collect/barebench-collect.service
systemd-analyze security --offline=yes "$U" >"$D/analyze.txt" 2>&1
score=$(sed -n 's/.*Overall exposure level for barebench-collect.service: \([0-9.]*\).*/\1/p' "$D/analyze.txt")
echo "# systemd-analyze security: exposure $score"
check "systemd unit: exposure score under 2.5 (systemd-analyze security --offline)" \
    awk -v s="$score" 'BEGIN { exit !(s != "" && s < 2.5) }'
check "systemd unit: the key comes as a credential, --key-file points there, no secret on the command line" \
    bash -c "grep -q '^LoadCredential=key:' '$U' && grep -Eq '^ExecStart=.* --key-file %d/key( |$)' '$U' && ! grep -Eq -- '--token|BAREBENCH_TOKEN|EnvironmentFile' '$U'"
check "systemd unit: files it creates are not world-readable (UMask=0027), no capabilities" \
    bash -c "grep -qx 'UMask=0027' '$U' && grep -qx 'CapabilityBoundingSet=' '$U' && grep -qx 'DynamicUser=yes' '$U'"

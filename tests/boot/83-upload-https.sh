#!/usr/bin/env bash
# 83-upload-https.sh - upload=https:// from the UEFI image through the firmware's EFI HTTP + TLS
# (Debian 12's OVMF; trixie's too when installed) to barebench-collect --tls-cert/--tls-key on the
# host's loopback (10.0.2.2 in the guest), the CA in upload_ca_file= on the ESP of a disk image:
# stored (201) and equal to the serial document; a CA that did not sign the collector's
# certificate gets the upload refused (a TLS failure on the console, nothing stored) and the run
# still ends normally; the CA variable is gone afterwards and NVRAM is unchanged.  Then the Linux
# build's https upload to the same collector: trusted CA and IP address stored; another CA, or a
# name the certificate does not carry, refused.  A certificate for another address, and a silent
# host (bounded by the 5 s connect budget), on Debian 12's OVMF.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector.bash"
. "$(dirname "$0")/media.bash"
D=$(mktemp -d "$T/https.XXXXXX")
export QEMU_NET=1
NET=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=)
STATIC="net=10.0.2.15/24,10.0.2.2"
RUN="suite=timer reps=3 profile=quick save=no"

# a fleet CA, the collector's certificate for 10.0.2.2 (how the guest reaches the host) and
# 127.0.0.1 (the Linux build), and an unrelated CA
ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/$1.key" -out "$D/$1.pem" -days 2 \
           -subj "/CN=$1" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign >/dev/null 2>&1; }
ca fleet-ca; ca other-ca
openssl req -newkey rsa:2048 -nodes -keyout "$D/srv.key" -out "$D/srv.csr" -subj /CN=collector >/dev/null 2>&1
printf 'subjectAltName=IP:10.0.2.2,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$D/ext"
openssl x509 -req -in "$D/srv.csr" -CA "$D/fleet-ca.pem" -CAkey "$D/fleet-ca.key" -CAcreateserial \
    -days 2 -extfile "$D/ext" -out "$D/srv.pem" >/dev/null 2>&1
check "test CA and collector certificate made" openssl verify -CAfile "$D/fleet-ca.pem" "$D/srv.pem"
KEY=$(openssl rand -hex 32)
printf '%s\n' "$KEY" >"$D/key"
mkdir -p "$D/store"
start_collector "$D/collector.log" --dir "$D/store" --key-file "$D/key" --tls-cert "$D/srv.pem" --tls-key "$D/srv.key"
# the collector names a bad certificate/key at start (exit 2) instead of failing handshakes later
col_refuses() { # WHAT ARGS...
    local what=$1; shift
    "$COL" --port 0 --dir "$D/store" "$@" >"$D/refused.log" 2>&1
    local rc=$?
    test $rc = 2 && grep -q -e "$what" "$D/refused.log"
}
check "collector: --tls-cert without --tls-key refused" col_refuses "needs both --tls-cert FILE and --tls-key FILE" --tls-cert "$D/srv.pem"
check "collector: a key that is not the certificate's refused" col_refuses "is not the key of the certificate" --tls-cert "$D/srv.pem" --tls-key "$D/other-ca.key"
check "collector: a key file without a PEM key refused" col_refuses "no unencrypted PEM private key" --tls-cert "$D/srv.pem" --tls-key "$D/srv.pem"
check "collector: a missing certificate file named" col_refuses "--tls-cert $D/none.pem: No such file" --tls-cert "$D/none.pem" --tls-key "$D/srv.key"
check "collector serves HTTPS" grep -q "listening on 127.0.0.1 port $PORT, storing in .*, HTTPS" "$D/collector.log"
# the front door on an HTTPS port: a ClientHello trickled a byte every 2 s is cut off at
# --head-timeout (5 s); bytes that are no TLS handshake are dropped at once
printf '\x16\x03\x01\x01\x2c\x01\x00' | python3 "$top/tests/host/collect_raw.py" "$PORT" 127.0.0.9 --trickle 2 --wait 20 >"$D/tls-slow.json"
check "HTTPS: a trickled ClientHello is cut off at the head deadline" \
    jq -e '.closed and .secs >= 4 and .secs < 9' "$D/tls-slow.json"
printf 'POST / HTTP/1.1\r\nHost: x\r\n\r\n' | python3 "$top/tests/host/collect_raw.py" "$PORT" 127.0.0.10 --wait 10 >"$D/tls-plain.json"
check "HTTPS: plain HTTP bytes on the TLS port are dropped at once" \
    jq -e '.closed and .secs < 3 and .status == 0' "$D/tls-plain.json"

# disk images whose ESP holds the CA (PEM) and the other CA (DER)
openssl x509 -in "$D/other-ca.pem" -outform DER -out "$D/other-ca.der"
mkimg() { mkimg_with "$D/$1.img" "$2" "$D/fleet-ca.pem:/barebench/ca.pem" "$D/other-ca.der:/barebench/other.der"; }

code0=$OVMF_CODE vars0=$OVMF_VARS
for fw in bookworm trixie; do
    if [ $fw = trixie ]; then
        check "trixie's OVMF is installed (tools/fetch-ovmf-trixie.sh)" test -s "$OVMF_TRIXIE_DIR/OVMF_CODE_4M.fd"
        export OVMF_CODE=$OVMF_TRIXIE_DIR/OVMF_CODE_4M.fd OVMF_VARS=$OVMF_TRIXIE_DIR/OVMF_VARS_4M.fd
    fi
    n=$(ls "$D/store" | grep -c 'json$')
    mkimg "ok-$fw" "$RUN tag=https-$fw $STATIC upload=https://10.0.2.2:$PORT/ upload_key=$KEY upload_ca_file=/barebench/ca.pem"
    boot_img "ok-$fw" "$D/ok-$fw.img" "${NET[@]}"
    rc=$?
    L=$T/ok-$fw/console.log
    grep '^upload\|^network\|^results .*uploaded' "$L" | sed 's/^/# /'
    check "$fw: https upload boot powers off normally" test "$rc" = 0
    check "$fw: console says https with the CA, then 201" \
        bash -c "grep -q '^upload: https, trusting 1 CA certificate from /barebench/ca.pem' '$L' && grep -q '^results uploaded to https://10.0.2.2:$PORT/: HTTP 201: stored https-${fw}_' '$L'"
    f=$(ls "$D/store"/https-"$fw"_*.json 2>/dev/null | head -1)
    check "$fw: stored file equals the serial document" bash -c "test -n '$f' && cmp -s <(head -c -1 '$T/ok-$fw/latest.json') '$f'"
    check "$fw: the CA variable was removed again" grep -q '^upload: TlsCaCertificate removed again' "$L"

    mkimg "bad-$fw" "$RUN tag=badca-$fw $STATIC upload=https://10.0.2.2:$PORT/ upload_key=$KEY upload_ca_file=/barebench/other.der upload_retries=0"
    boot_img "bad-$fw" "$D/bad-$fw.img" "${NET[@]}"
    rc=$?
    L=$T/bad-$fw/console.log
    grep '^upload\|^results .*uploaded' "$L" | sed 's/^/# /'
    check "$fw: CA that did not sign the certificate: run ends normally, results on serial" \
        bash -c "test $rc = 0 && test -s '$T/bad-$fw/latest.json'"
    check "$fw: ... the upload is refused, naming TLS" grep -Eq "^results not uploaded to https://10.0.2.2:$PORT/: .*TLS" "$L"
    check "$fw: ... nothing stored" bash -c "! ls '$D/store' | grep -q '^badca-$fw'"
    check "$fw: ... the CA variable was removed again" grep -q '^upload: TlsCaCertificate removed again' "$L"
    OVMF_CODE=$code0 OVMF_VARS=$vars0
done

# a certificate from the fleet CA, but for another address: the firmware checks the URL's host
openssl req -newkey rsa:2048 -nodes -keyout "$D/other-ip.key" -out "$D/other-ip.csr" -subj /CN=elsewhere >/dev/null 2>&1
printf 'subjectAltName=DNS:collector.lan,IP:10.0.2.3\n' >"$D/ext2"
openssl x509 -req -in "$D/other-ip.csr" -CA "$D/fleet-ca.pem" -CAkey "$D/fleet-ca.key" -CAcreateserial \
    -days 2 -extfile "$D/ext2" -out "$D/other-ip.pem" >/dev/null 2>&1
MAINPORT=$PORT
mkdir -p "$D/store2"
start_collector "$D/collector2.log" --dir "$D/store2" --tls-cert "$D/other-ip.pem" --tls-key "$D/other-ip.key"
mkimg wrongip "$RUN $STATIC upload=https://10.0.2.2:$PORT/ upload_ca_file=/barebench/ca.pem upload_retries=0"
boot_img wrongip "$D/wrongip.img" "${NET[@]}"
rc=$?
check "certificate for another address: refused naming TLS, nothing stored, run ends normally" \
    bash -c "test $rc = 0 && grep -Eq '^results not uploaded to https://10.0.2.2:$PORT/: .*TLS' '$T/wrongip/console.log' && test -z \"\$(ls '$D/store2' | grep '\.json$')\""
PORT=$MAINPORT

# a host that never answers (nothing routes 10.0.2.99): HttpDxe alone would wait 60 s inside
# Request; our own connect budget (5 s) finds out first
mkimg silent "$RUN $STATIC upload=https://10.0.2.99:443/ upload_key=$KEY upload_ca_file=/barebench/ca.pem upload_retries=0"
boot_img silent "$D/silent.img" "${NET[@]}"
rc=$?
grep '^results .*uploaded' "$T/silent/console.log" | sed 's/^/# /'
check "silent host: run ends normally after a bounded wait (connect budget)" \
    bash -c "test $rc = 0 && grep -Eq '^results not uploaded to https://10.0.2.99:443/: cannot connect .* \(([0-9])\.[0-9] s\)$' '$T/silent/console.log'"

# firmware without EFI TLS (test-only fault: the TLS service binding is not seen): the run stops
# before measuring and says what to do instead
boot notls 1 256M "$RUN $STATIC upload=https://10.0.2.2:$PORT/ upload_key=$KEY fault=no-efi-tls" "${NET[@]}"
check "firmware without EFI TLS: stops before measuring: use http:// with upload_key=, or a TLS proxy" \
    bash -c "grep -q 'upload=https://: this firmware has no EFI HTTP/TLS (no TLS service binding): use http:// with upload_key=, or put a TLS proxy in front of the collector' '$T/notls/console.log' && ! grep -q '^suite timer' '$T/notls/console.log'"

# the refusal before measuring: https without a CA file
boot nocafile 1 256M "$RUN $STATIC upload=https://10.0.2.2:$PORT/ upload_key=$KEY" "${NET[@]}"
check "https without upload_ca_file=: stops before measuring, saying what is needed" \
    bash -c "grep -q 'upload=https:// needs upload_ca_file=PATH' '$T/nocafile/console.log' && ! grep -q '^suite timer' '$T/nocafile/console.log'"

# the Linux build over OpenSSL
"$BUILD/host/barebench" --suite timer --reps 3 --tag linux-https --upload "https://127.0.0.1:$PORT/" \
    --upload_key_file "$D/key" --upload_ca_file "$D/fleet-ca.pem" --json "$D/linux.json" >"$D/linux.log" 2>&1
lf=$(ls "$D/store"/linux-https_*.json 2>/dev/null | head -1)
check "Linux build: https upload (201) stored equal to its document" \
    bash -c "grep -q 'results uploaded to https://127.0.0.1:$PORT/: HTTP 201' '$D/linux.log' && test -n '$lf' && jq -e --slurpfile a '$D/linux.json' '. == \$a[0]' '$lf' >/dev/null"
"$BUILD/host/barebench" --suite timer --reps 3 --tag linux-other --upload "https://127.0.0.1:$PORT/" \
    --upload_key_file "$D/key" --upload_ca_file "$D/other-ca.der" --upload_retries 0 --json "$D/l2.json" >"$D/l2.log" 2>&1
check "Linux build: another CA (DER): refused as untrusted, nothing stored" \
    bash -c "grep -q 'results not uploaded to .*TLS handshake failed: the collector.s certificate is not trusted' '$D/l2.log' && ! ls '$D/store' | grep -q '^linux-other'"
"$BUILD/host/barebench" --suite timer --reps 3 --tag linux-name --upload "https://localhost:$PORT/" \
    --upload_key_file "$D/key" --upload_ca_file "$D/fleet-ca.pem" --upload_retries 0 --json "$D/l3.json" >"$D/l3.log" 2>&1
check "Linux build: a host name the certificate does not carry: refused (hostname mismatch)" \
    bash -c "grep -q 'results not uploaded to .*hostname mismatch' '$D/l3.log' && ! ls '$D/store' | grep -q '^linux-name'"

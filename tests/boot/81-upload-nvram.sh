#!/usr/bin/env bash
# 81-upload-nvram.sh - an upload with net=ADDR/PREFIX,GW leaves the firmware's NVRAM as it was:
# EDK2 keeps IP4Config2 settings per NIC in NVRAM, so the address is set on barebench's own TCP4
# child instead.  OVMF itself rewrites its store on every boot (the MTC boot counter, ConOut /
# ConIn / ErrOut records), so the proof is: from one warmed-up store, a run with net= and an
# upload ends with a store byte-identical to a run without network; and variable by variable
# the store before and after differs only in the firmware's boot counter.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector.bash"
D=$(mktemp -d "$T/nvram.XXXXXX")
mkdir -p "$D/store"
start_collector "$D/collector.log" --dir "$D/store"
check "collector started" test -n "$PORT"
export QEMU_NET=1
NET=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:12:34:56)
RUN="suite=timer reps=3 profile=quick save=no"
UP="net=10.0.2.15/24,10.0.2.2 upload=http://10.0.2.2:$PORT/ upload_retries=0"
vars() { python3 "$top/tests/boot/nvvars.py" "$1" | sort; }  # re-written records move to the end

# warm up a store: first boot and first start of the network stack write their own variables
boot nv-warm 1 256M "$RUN $UP" "${NET[@]}"
cp "$T/nv-warm/ovmf_vars.fd" "$D/before.fd"
OVMF_VARS=$D/before.fd boot nv-ctrl 1 256M "$RUN" "${NET[@]}"
check "control run (no network) powers off" test $? = 0
OVMF_VARS=$D/before.fd boot nv-net 1 256M "$RUN tag=nvram $UP" "${NET[@]}"
check "run with net= and upload powers off" test $? = 0
check "the upload landed (201)" grep -q "^results uploaded to .*HTTP 201: stored nvram_" "$T/nv-net/console.log"
check "static address kept on the connection" grep -q "^network: 10.0.2.15/24 (on the connection only)" "$T/nv-net/console.log"
check "NVRAM after net= + upload is byte-identical to NVRAM after a run without network" \
    cmp "$T/nv-ctrl/ovmf_vars.fd" "$T/nv-net/ovmf_vars.fd"
diff <(vars "$D/before.fd") <(vars "$T/nv-net/ovmf_vars.fd") >"$D/vars.diff"
sed 's/^/# /' "$D/vars.diff" | grep '^# [<>]'
check "variable by variable, before and after differ only in OVMF's boot counter (MTC)" \
    bash -c "test \$(grep -c '^[<>]' '$D/vars.diff') = 2 && test \$(grep '^[<>]' '$D/vars.diff' | grep -vc ' MTC ') = 0"
check "the NIC's IP4Config2 variable (GUID 5b446ed1) is the same before and after" \
    bash -c "diff <(python3 '$top/tests/boot/nvvars.py' '$D/before.fd' | grep ^5b446ed1) <(python3 '$top/tests/boot/nvvars.py' '$T/nv-net/ovmf_vars.fd' | grep ^5b446ed1) && python3 '$top/tests/boot/nvvars.py' '$D/before.fd' | grep -q ^5b446ed1"

# upload=https:// through the firmware's EFI HTTP + TLS: the CA goes to HttpDxe in the volatile
# TlsCaCertificate variable (GUID fd2340d0) and is deleted after the attempt; NVRAM stays as a run
# without network leaves it, and holds no TlsCaCertificate.  Boots from disk images (the CA file on
# the ESP), the control too, so that both boot the same way.
. "$(dirname "$0")/media.bash"
# RSA: the firmware's TLS fails the handshake with an ECDSA certificate (docs/FLEET.md)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/ca.key" \
    -out "$D/ca.pem" -days 2 -subj /CN=nvram-ca -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$D/srv.key" \
    -out "$D/srv.csr" -subj /CN=collector >/dev/null 2>&1
printf 'subjectAltName=IP:10.0.2.2\n' >"$D/ext"
openssl x509 -req -in "$D/srv.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial -days 2 \
    -extfile "$D/ext" -out "$D/srv.pem" >/dev/null 2>&1
mkdir -p "$D/tls-store"
start_collector "$D/tls.log" --dir "$D/tls-store" --tls-cert "$D/srv.pem" --tls-key "$D/srv.key"
UPS="net=10.0.2.15/24,10.0.2.2 upload=https://10.0.2.2:$PORT/ upload_ca_file=/barebench/ca.pem upload_retries=0"
nvimg() { mkimg_with "$D/$1.img" "$2" "$D/ca.pem:/barebench/ca.pem"; }
nvboot() { boot_img "$1" "$D/$1.img" "${NET[@]}"; }
nvimg nv-tls-warm "$RUN $UPS"; nvimg nv-tls-ctrl "$RUN"; nvimg nv-tls "$RUN tag=nvtls $UPS"
nvboot nv-tls-warm
cp "$T/nv-tls-warm/ovmf_vars.fd" "$D/tls-before.fd"
OVMF_VARS=$D/tls-before.fd nvboot nv-tls-ctrl
check "https: control run from a disk image (no network) powers off" test $? = 0
OVMF_VARS=$D/tls-before.fd nvboot nv-tls
check "https: run with an https upload powers off" test $? = 0
check "https: the upload landed (201) and the CA variable was removed again" \
    bash -c "grep -q '^results uploaded to https://.*HTTP 201: stored nvtls_' '$T/nv-tls/console.log' && grep -q '^upload: TlsCaCertificate removed again' '$T/nv-tls/console.log'"
check "https: NVRAM after the upload is byte-identical to NVRAM after a run without network" \
    cmp "$T/nv-tls-ctrl/ovmf_vars.fd" "$T/nv-tls/ovmf_vars.fd"
check "https: no TlsCaCertificate (GUID fd2340d0) in NVRAM before or after" \
    bash -c "! python3 '$top/tests/boot/nvvars.py' '$D/tls-before.fd' | grep -qi '^fd2340d0' && ! python3 '$top/tests/boot/nvvars.py' '$T/nv-tls/ovmf_vars.fd' | grep -qi '^fd2340d0'"

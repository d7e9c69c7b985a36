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
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
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

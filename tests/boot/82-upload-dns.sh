#!/usr/bin/env bash
# 82-upload-dns.sh - upload=http://NAME:PORT/ on the UEFI image through the firmware's DNS4: a
# network namespace with a bridge, dnsmasq handing out the address and itself as DNS server and
# answering the collector's name, the collector on the bridge (not loopback: so with the fleet key,
# and the image signs); the image boots on a tap in it.
# A name nobody knows fails with a reason.  Needs root, /dev/net/tun, dnsmasq, ip.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v dnsmasq >/dev/null || ! command -v ip >/dev/null; then
    echo "# skipped: needs root, /dev/net/tun, dnsmasq and ip (make deps installs dnsmasq-base)"
    exit 0
fi
D=$(mktemp -d "$T/dns.XXXXXX")
ns=bbdns$$
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$ns" && ip -n "$ns" link set lo up && ip -n "$ns" link add br0 type bridge &&
ip -n "$ns" addr add 192.168.78.1/24 dev br0 && ip -n "$ns" link set br0 up &&
ip netns exec "$ns" ip tuntap add dev tap0 mode tap && ip -n "$ns" link set tap0 master br0 &&
ip -n "$ns" link set tap0 up
if [ $? != 0 ]; then
    echo "# skipped: could not set up the test network (network namespace, bridge, tap)"
    exit 0
fi
ip netns exec "$ns" dnsmasq --no-daemon --interface=br0 --bind-interfaces --no-resolv --no-hosts \
    --dhcp-range=192.168.78.100,192.168.78.200,1h --dhcp-leasefile="$D/leases" \
    --address=/collector.bbtest/192.168.78.1 --log-queries >"$D/dnsmasq.log" 2>&1 &
pids+=($!)
mkdir -p "$D/store"
KEY=$(openssl rand -hex 32)
printf '%s\n' "$KEY" >"$D/key"
ip netns exec "$ns" "$BUILD/host/barebench-collect" --bind 192.168.78.1 --port 8080 --dir "$D/store" \
    --key-file "$D/key" --allow-root >"$D/collector.log" 2>&1 &
pids+=($!)
sleep 0.5

# dnsboot NAME OPTIONS: boots the image on the namespace's tap
dnsboot() {
    ip netns exec "$ns" bash -c ". '$top/tests/boot/lib.sh'; QEMU_NET=1 boot $1 1 256M '$2' \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=n0,romfile="
}
dnsboot up-dns "suite=timer reps=3 profile=quick tag=dns upload=http://collector.bbtest:8080/ upload_key=$KEY upload_retries=0"
check "name in upload=: run powers off" test $? = 0
L=$T/up-dns/console.log
grep -a '^upload\|^network\|^results .*upload' "$L" | sed 's/^/# /'
check "before measuring: says the name is looked up after the run" grep -q "^upload: collector.bbtest will be looked up through the firmware's DNS" "$L"
check "address from DHCP, name resolved by the firmware's DNS4" \
    bash -c "grep -q '^network: 192.168.78.1[0-9][0-9]/24' '$L' && grep -q '^network: collector.bbtest is 192.168.78.1 (firmware DNS)' '$L'"
check "dnsmasq answered the image's query" grep -q "query\[A\] collector.bbtest from 192.168.78.1[0-9][0-9]" "$D/dnsmasq.log"
check "uploaded: 201, stored equal to the serial document" \
    bash -c "grep -q '^results uploaded to http://collector.bbtest:8080/: HTTP 201: stored dns_' '$L' && cmp -s <(head -c -1 '$T/up-dns/latest.json') '$D/store'/dns_*.json"

dnsboot up-nodns "suite=timer reps=3 profile=quick upload=http://nosuch.bbtest:8080/ upload_retries=0"
check "unknown name: run powers off, the upload says why" \
    bash -c "test $? = 0 && grep -q '^results not uploaded to http://nosuch.bbtest:8080/: cannot resolve nosuch.bbtest' '$T/up-nodns/console.log'"

#!/usr/bin/env bash
# 75-pxe-rack.sh - the documented rack setup, end to end: a network namespace with a bridge, a
# plain DHCP server (dnsmasq, its own namespace), and build/pxe's dnsmasq.conf as proxy-DHCP +
# TFTP; OVMF PXE-boots iPXE from it, iPXE gets boot.ipxe over HTTP (as the example says) and
# then over TFTP with snponly.efi (the alternative lines).  Needs root, /dev/net/tun, dnsmasq.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v dnsmasq >/dev/null || ! command -v ip >/dev/null; then
    echo "# skipped: needs root, /dev/net/tun, dnsmasq and ip (make deps installs dnsmasq-base)"
    exit 0
fi
R=$T/pxe-rack
rm -rf "$R"; mkdir -p "$R"
ns=bbpxe$$ nsd=bbdhcp$$
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null; ip netns del "$nsd" 2>/dev/null
}
trap cleanup EXIT

# bridge 192.168.77.1 (boot server) + tap0 (the machine) + veth to the DHCP server (.2)
ip netns add "$ns" && ip netns add "$nsd" &&
ip -n "$ns" link set lo up && ip -n "$ns" link add br0 type bridge &&
ip -n "$ns" addr add 192.168.77.1/24 dev br0 && ip -n "$ns" link set br0 up &&
ip netns exec "$ns" ip tuntap add dev tap0 mode tap && ip -n "$ns" link set tap0 master br0 &&
ip -n "$ns" link set tap0 up && ip -n "$ns" link add vA type veth peer name vB netns "$nsd" &&
ip -n "$ns" link set vA master br0 && ip -n "$ns" link set vA up &&
ip -n "$nsd" addr add 192.168.77.2/24 dev vB && ip -n "$nsd" link set vB up
if [ $? != 0 ]; then
    echo "# skipped: could not set up the test network (network namespaces, bridge, tap)"
    exit 0
fi

ip netns exec "$nsd" dnsmasq --no-daemon --port=0 --interface=vB --bind-interfaces \
    --dhcp-range=192.168.77.100,192.168.77.200,1h --dhcp-leasefile="$R/leases" >"$R/dhcp.log" 2>&1 &
pids+=($!)

ARGS="$FAST_ARGS tag=rack" "$top/image/mkpxe.sh" "$EFI" "$R/srv" >/dev/null
ip netns exec "$ns" python3 -m http.server --bind 192.168.77.1 --directory "$R/srv" 8080 >"$R/http.log" 2>&1 &
pids+=($!)

# the shipped example with only the marked lines edited; $1 = extra sed edits
proxy_conf() {
    sed -e 's/^interface=eth0/interface=br0/' -e 's/^dhcp-range=192.168.1.0,/dhcp-range=192.168.77.0,/' \
        -e "s#^tftp-root=/srv/barebench#tftp-root=$R/srv#" -e 's#192.168.1.10:8080#192.168.77.1:8080#' \
        "${@}" "$R/srv/dnsmasq.conf"
}

# rack_boot NAME: runs proxy dnsmasq with $R/NAME.conf and PXE-boots one machine
rack_boot() {
    local name=$1 dpid rc
    ip netns exec "$ns" dnsmasq --no-daemon --conf-file="$R/$name.conf" --pid-file= >"$R/$name-dnsmasq.log" 2>&1 &
    dpid=$!
    sleep 0.5
    ip netns exec "$ns" bash -c ". '$top/tests/boot/lib.sh'; . '$top/tests/boot/media.bash'; QEMU_NET=1 boot_media $name 1 512M \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=n0,romfile=,bootindex=0"
    rc=$?
    # dnsmasq writes a transfer's "sent" line from its event loop once the last ACK is in, which
    # on a busy box came after a fixed 1 s: wait until its log has been still for 1 s (at most 10 s)
    local size=-1 still=0 i
    for i in $(seq 40); do
        local now; now=$(stat -c %s "$R/$name-dnsmasq.log" 2>/dev/null || echo 0)
        if [ "$now" = "$size" ]; then still=$((still + 1)); [ $still -ge 4 ] && break
        else still=0 size=$now; fi
        sleep 0.25
    done
    kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
    return $rc
}

proxy_conf -e '' >"$R/rack-http.conf"
check "rack: the example dnsmasq.conf passes dnsmasq --test" dnsmasq --test --conf-file="$R/rack-http.conf"
rack_boot rack-http
check "rack (proxy-DHCP, ipxe.efi over TFTP, script over HTTP): runs and powers off" test $? = 0
check "rack: firmware got ipxe.efi over TFTP from the proxy" grep -q "sent .*/ipxe.efi to 192.168.77" "$R/rack-http-dnsmasq.log"
check "rack: address came from the other DHCP server" grep -q "DHCPACK(vB) 192.168.77" "$R/dhcp.log"
check "rack: boot.ipxe and barebench.efi over HTTP" bash -c "grep -q 'GET /boot.ipxe' '$R/http.log' && grep -q 'GET /barebench.efi' '$R/http.log'"
jqcheck "rack: options of boot.ipxe reached the run" "$T/rack-http/latest.json" \
    ".tool.command_line == \"$FAST_ARGS tag=rack\" and (.results | length) > 0"

proxy_conf -e 's/^pxe-service=\(.*\),ipxe.efi$/# &/' -e 's/^# \(pxe-service=.*,snponly.efi\)$/\1/' \
    -e 's/^pxe-service=\(.*\)http:.*$/# &/' -e 's/^# \(pxe-service=.*,boot.ipxe\)$/\1/' >"$R/rack-tftp.conf"
rack_boot rack-tftp
check "rack (snponly.efi, everything over TFTP): runs and powers off" test $? = 0
check "rack: snponly.efi, boot.ipxe and barebench.efi sent over TFTP" bash -c \
    "grep -q 'sent .*/snponly.efi' '$R/rack-tftp-dnsmasq.log' && grep -q 'sent .*/boot.ipxe' '$R/rack-tftp-dnsmasq.log' && grep -q 'sent .*/barebench.efi' '$R/rack-tftp-dnsmasq.log'"
jqcheck "rack (TFTP): options reached the run" "$T/rack-tftp/latest.json" '.tool.tag == "rack" and (.results | length) > 0'

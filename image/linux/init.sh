#!/bin/busybox sh
# init.sh - /init of barebench's Linux guest: loads the block drivers, runs the barebench Linux
# build with the words given after "--" on the kernel command line (the same ARGS as the UEFI
# image), then fio on the same disks at the same block sizes and queue depths (writes only on
# scratch-marked disks), prints both between marker lines on the serial console, powers off.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
echo "barebench guest: Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) processors"
while read -r ko; do insmod "$ko" 2>/dev/null; done </etc/modules.load
[ -s /etc/modules.missing ] && echo "barebench guest: not in this kernel: $(tr '\n' ' ' </etc/modules.missing)"

# the disks: wait (at most 5 s) until the list stops changing for a second
list_disks() {
    for d in /sys/block/vd* /sys/block/nvme*n* /sys/block/sd*; do
        [ -e "$d" ] && [ "$(cat "$d/size")" != 0 ] && echo "/dev/${d##*/}"
    done
}
prev=x; same=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
    now=$(list_disks | tr '\n' ',')
    if [ "$now" = "$prev" ]; then same=$((same + 1)); [ $same -ge 2 ] && break; else same=0; fi
    prev=$now; sleep 0.5
done
disks=$(list_disks | tr '\n' ',' | sed 's/,$//')
echo "barebench guest: disks: ${disks:-none}"

# ARGS: everything after "--" on the command line; disk= is ours (the guest's device names)
args=""; profile=""; write=yes
for w in "$@"; do
    case $w in
    disk=*) ;;
    initrd=*) ;; # OVMF appends the initrd it loaded to the command line
    profile=*) profile=${w#profile=}; args="$args $w" ;;
    disk_write=no) write=no; args="$args $w" ;;
    *) args="$args $w" ;;
    esac
done
[ -n "$disks" ] && args="$args disk=$disks"

# shellcheck disable=SC2086 # one word per option
barebench $args --json /tmp/doc.json >/tmp/bb.log 2>&1
rc=$?
sed '/^-----BEGIN BAREBENCH RESULTS-----$/,/^-----END BAREBENCH RESULTS-----$/d' /tmp/bb.log
echo "barebench guest: barebench exited $rc"

# fio on every disk the disk suite measured, at the block sizes and depths it used
case $profile in quick) rt=1 ;; full) rt=15 ;; *) rt=5 ;; esac
if [ -s /tmp/doc.json ] && grep -q '"suite": *"disk"' /tmp/doc.json; then
    # from the disk suite's own entries (env.disks also has block_size: the logical block)
    sed -n '/"results"/,$p' /tmp/doc.json >/tmp/entries
    sizes=$(grep -o '"block_size": *[0-9]*' /tmp/entries | grep -o '[0-9]*$' | sort -un)
    qds=$(grep -o '"qd": *[0-9]*' /tmp/entries | grep -o '[0-9]*$' | sort -un)
    for dev in $(echo "$disks" | tr ',' ' '); do
        ops="read"
        if [ $write = yes ] && mkscratch --check "$dev" >/dev/null 2>&1; then ops="read write"; fi
        {
            printf '[global]\nfilename=%s\ndirect=1\nioengine=libaio\noffset=1m\nruntime=%s\ntime_based=1\nstonewall\n' "$dev" "$rt"
            for op in $ops; do
                for bs in $sizes; do printf '[seq_%s-%s-1]\nrw=%s\nbs=%s\niodepth=1\n' "$op" "$bs" "$op" "$bs"; done
                for qd in $qds; do printf '[rand_%s-4096-%s]\nrw=rand%s\nbs=4096\niodepth=%s\n' "$op" "$qd" "$op" "$qd"; done
            done
        } >/tmp/fio.job
        echo "barebench guest: fio on $dev ($ops; ${rt}s per job)"
        if fio --output-format=json --output=/tmp/fio.json /tmp/fio.job >/tmp/fio.err 2>&1; then
            echo "-----BEGIN FIO RESULTS $dev-----"
            cat /tmp/fio.json
            echo "-----END FIO RESULTS $dev-----"
        else
            echo "barebench guest: fio failed on $dev: $(tail -3 /tmp/fio.err | tr '\n' ' ')"
        fi
    done
fi
echo "-----BEGIN BAREBENCH RESULTS-----"
cat /tmp/doc.json 2>/dev/null
echo "-----END BAREBENCH RESULTS-----"
echo "barebench guest: kernel=$(uname -r) done"
sync
poweroff -f

# undrained_com1.bash - a COM1 nobody reads, for boot tests (source it after lib.sh):
#   undrained_com1_start DIR   after qemu_base_args: fills QEMU_COM1_ARGS (QEMU_ARGS, COM1 on a 4 KiB
#                              pipe DIR/com1.{in,out} held open and never read)
#   undrained_com1_stop DIR    ends the holder; DIR/holding.bytes = bytes left in the pipe (4096:
#                              full, the port really stopped draining), DIR/holding.head = them
undrained_com1_start() {
    local dir=$1 a
    QEMU_COM1_ARGS=()
    for a in "${QEMU_ARGS[@]}"; do
        [ "$a" = stdio ] && a="pipe:$dir/com1"
        QEMU_COM1_ARGS+=("$a")
    done
    mkfifo "$dir/com1.in" "$dir/com1.out"
    python3 -c '
import fcntl, os, signal, struct, sys, termios, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(fd, 1031, 4096)  # F_SETPIPE_SZ
fi = os.open(sys.argv[2], os.O_RDWR)
def stop(*_):
    n = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
    open(sys.argv[3] + ".bytes", "w").write("%d\n" % n)
    open(sys.argv[3] + ".head", "wb").write(os.read(fd, n) if n else b"")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
open(sys.argv[3], "w").close()
while True:
    time.sleep(1)' "$dir/com1.out" "$dir/com1.in" "$dir/holding" &
    UNDRAINED_HOLDER=$!
    for _ in $(seq 50); do [ -f "$dir/holding" ] && break; sleep 0.1; done
}

undrained_com1_stop() {
    kill "$UNDRAINED_HOLDER" 2>/dev/null; wait "$UNDRAINED_HOLDER" 2>/dev/null
}

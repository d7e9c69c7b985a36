# shellcheck shell=bash
# collector.bash - barebench-collect for the tests that upload to it (21, 22, 80, 81, 82): started
# on an ephemeral loopback port, PORT read from its first line.  Source it after lib.sh; what the
# test starts in the background goes into pids, and everything there is killed when it exits.
COL=$BUILD/host/barebench-collect
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
# the collector refuses to run as root unless told; the tests run as root in CI
AS_ROOT=(); [ "$(id -u)" = 0 ] && AS_ROOT=(--allow-root)

# start_collector LOG ARGS...: starts it in the background (its pid in COLLECTOR_PID and added
# to pids); sets PORT once it listens (at most ~5 s), else says why and returns 1.
start_collector() {
    local log=$1; shift
    "$COL" --bind 127.0.0.1 --port 0 "${AS_ROOT[@]}" "$@" >"$log" 2>&1 &
    COLLECTOR_PID=$!
    pids+=("$COLLECTOR_PID")
    for _ in $(seq 50); do
        PORT=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\),.*/\1/p' "$log")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "# collector did not start: $(cat "$log")"; return 1
}

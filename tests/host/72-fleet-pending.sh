#!/usr/bin/env bash
# 72-fleet-pending.sh - nothing is lost when the fleet database is not there, on SQLite and on a
# real PostgreSQL server, the same checks on both: the database goes away in the middle of a
# burst of 200 uploads (PostgreSQL: the server stopped; SQLite: another process holds its write
# lock past the busy timeout) -> every upload is still answered 201 and stored as a file, the
# runs wait as marks in DIR/.dbq, and every run is in the database once it is back; runs still
# pending when the collector stops are stored by the next one at start-up; runs the database
# lost (a crash between the file and the database) are found again from DIR/.runs at start-up.
# SQLite beside a full disk (root: a tmpfs): uploads still 201, the database keeps out of the
# reserve and catches up when there is room again.
# run.sh: lock=alone (timed: the outage is made in the middle of a paced burst)
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
. "$(dirname "$0")/fleet.bash"
D=$(mktemp -d "$T/fleet.XXXXXX")
small_doc "$D/doc.json"
SQLITE_OPTS='?timeout=1000' # a writer's lock wait: the outage shows after 1 s, not 5
fleet_engines

# db_down ENGINE DB / db_up ENGINE DB: the database goes away and comes back
db_down() {
    if [ "$1" = postgresql ]; then pg_stop; return; fi
    rm -f "$W/release"
    python3 -c 'import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1].split("?")[0], isolation_level=None, timeout=10)
c.execute("BEGIN EXCLUSIVE"); open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]): time.sleep(0.05)' "${2#sqlite:}" "$W/locked" "$W/release" &
    holder=$!
    for _ in $(seq 100); do [ -f "$W/locked" ] && break; sleep 0.05; done
}
db_up() {
    if [ "$1" = postgresql ]; then pg_up; return; fi
    touch "$W/release"; wait "$holder"; rm -f "$W/locked"
}
marks() { find "$W/c/.dbq" -type f | wc -l; }
# wait_log FILE PATTERN SECONDS
wait_log() { for _ in $(seq $(($3 * 10))); do grep -q "$2" "$1" && return 0; sleep 0.1; done; return 1; }

for E in "${ENGINES[@]}"; do
    W=$D/$E; mkdir -p "$W/c"
    DB=$(db_of "$E" "$W")
    start_collector "$W/c.log" --dir "$W/c" --db "$DB" --db-retry 1
    check "$E: collector started" test -n "$PORT"
    wait_log "$W/c.log" 'database: .* ready' 10
    # 200 uploads over 3 s; the database goes away once a quarter of them are stored
    timeout 120 python3 "$top/tests/host/fleet_burst.py" "$PORT" "$D/doc.json" 200 3 >"$W/burst.log" 2>&1 &
    burst=$!
    for _ in $(seq 300); do [ "$(ls "$W/c" | grep -c '\.json$')" -ge 50 ] && break; sleep 0.01; done
    db_down "$E" "$DB"
    wait "$burst"
    grep '^summary' "$W/burst.log" | sed "s/^/# $E: /"
    check "$E: database gone in the middle of the burst: all 200 uploads still answered 201" \
        test "$(grep -c '^client .*: 201 stored' "$W/burst.log")" = 200
    check "$E: ...and stored as 200 files" test "$(ls "$W/c" | grep -c '\.json$')" = 200
    wait_log "$W/c.log" 'database: .*runs are kept pending' 20
    check "$E: the collector says the database failed and the runs are kept pending" \
        grep -q 'database: .*runs are kept pending in .*\.dbq' "$W/c.log"
    for _ in $(seq 100); do [ "$(marks)" -gt 0 ] && break; sleep 0.1; done
    m=$(marks)
    check "$E: runs wait as marks in DIR/.dbq ($m)" test "$m" -gt 0 -a "$m" -le 200
    db_up "$E" "$DB"
    n=$(wait_runs "$DB" 200 30)
    check "$E: database back: all 200 runs in it ($n), once each" \
        test "$n $(dbq "$DB" 'SELECT count(DISTINCT run_id) FROM runs')" = "200 200"
    sed -n 's/^client [0-9]* run \([0-9a-f]*\): 201.*/\1/p' "$W/burst.log" | LC_ALL=C sort >"$W/sent"
    dbq "$DB" 'SELECT run_id FROM runs ORDER BY run_id' >"$W/indb"
    check "$E: ...exactly the runs uploaded, each with all its rows" \
        test "$(cmp -s "$W/sent" "$W/indb" && echo same) $(dbq "$DB" 'SELECT count(*) FROM results')" = "same $((200 * 20))"
    for _ in $(seq 50); do [ "$(marks)" = 0 ] && break; sleep 0.1; done
    check "$E: ...and no mark left ($(marks))" test "$(marks)" = 0
    check "$E: the pending runs' store is logged" grep -q 'database: [0-9]* pending runs stored' "$W/c.log"

    # still pending when the collector stops: the next one stores them at start-up
    db_down "$E" "$DB"
    for i in 1 2 3 4 5; do
        jq -c --arg r "$(printf '%031x%x' "$i" "${#E}")" '.tool.run_id = $r' "$D/doc.json" >"$W/late-$i.json"
        st=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST --data-binary @"$W/late-$i.json" "http://127.0.0.1:$PORT/")
        [ "$st" = 201 ] || break
    done
    kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
    check "$E: database down, 5 more uploads answered 201, still pending when the collector stops" \
        test "$st $(marks)" = "201 5"
    db_up "$E" "$DB"
    start_collector "$W/c2.log" --dir "$W/c" --db "$DB" --db-retry 1
    n=$(wait_runs "$DB" 205 20)
    check "$E: the next collector stores them at start-up ($n runs)" test "$n" = 205
    # a run the database lost: found again from DIR/.runs at start-up
    kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
    gone=$(dbq "$DB" 'SELECT run_id FROM runs ORDER BY run_id LIMIT 3' | sed "s/.*/'&'/" | paste -sd,)
    dbq "$DB" "DELETE FROM results WHERE run IN (SELECT id FROM runs WHERE run_id IN ($gone)); DELETE FROM runs WHERE run_id IN ($gone)"
    start_collector "$W/c3.log" --dir "$W/c" --db "$DB" --db-retry 1
    n=$(wait_runs "$DB" 205 20)
    check "$E: 3 runs the database lost are stored again at start-up, with their rows ($n runs)" \
        test "$n $(grep -c 'database: 3 stored runs were not in the database' "$W/c3.log") $(dbq "$DB" 'SELECT count(*) FROM results')" = "205 1 $((205 * 20))"
    kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
done

# SQLite on a nearly full file system (its own 2 MiB tmpfs): the uploads are answered as ever,
# the database stops short of the reserve, and catches up once there is room
if [ "$(id -u)" = 0 ]; then
    W=$D/full; mkdir -p "$W/c" "$W/fs"
    mount -t tmpfs -o size=2m tmpfs "$W/fs"
    trap 'umount "$W/fs" 2>/dev/null; cleanup; pg_stop; rm -rf "$PG_DIR"' EXIT
    start_collector "$W/c.log" --dir "$W/c" --db "sqlite:$W/fs/fleet.sqlite" --db-retry 1
    timeout 60 python3 "$top/tests/host/fleet_burst.py" "$PORT" "$top/tests/fixtures/kvm.json" 30 1 >"$W/burst.log" 2>&1
    wait_log "$W/c.log" 'file system nearly full' 20
    check "disk full: all 30 uploads answered 201" test "$(grep -c '^client .*: 201 stored' "$W/burst.log")" = 30
    check "disk full: the database says the file system is nearly full and keeps the runs pending" \
        grep -q 'database: .*file system nearly full.*runs are kept pending' "$W/c.log"
    free=$(df -B1 --output=avail "$W/fs" | tail -1)
    n=$(sqlite3 "$W/fs/fleet.sqlite" 'SELECT count(*) FROM runs')
    check "disk full: the database stopped short of the reserve (1% of 2 MiB free: $free bytes; $n runs in)" \
        test "$free" -ge 20971 -a "$n" -lt 30
    mount -o remount,size=32m "$W/fs"
    n=$(wait_runs "sqlite:$W/fs/fleet.sqlite" 30 20)
    check "disk full: room again: all 30 runs in the database ($n)" test "$n" = 30
    kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
else
    check "disk full test needs root (mount -t tmpfs)" false
fi

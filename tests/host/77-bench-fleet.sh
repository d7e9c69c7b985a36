#!/usr/bin/env bash
# 77-bench-fleet.sh - `make bench-fleet` (tools/bench/bench-fleet.sh) still runs to its "ratio X"
# line on a small fleet (N=30, SQLite and PostgreSQL of tests/host/pg.bash): the import rate and the
# outliers and summary times of each engine against issue 29's targets, each with its margin,
# the load average at start and end; a PostgreSQL database that already holds the runs is
# refused with a message rather than measured.
. "$(dirname "$0")/../boot/lib.sh"

. "$top/tests/host/pg.bash"
pg_start || echo "not ok - PostgreSQL server started"
N=30 FLEET_DIR=$T/fleet PG_URL=$PG_URL "$top/tools/bench/bench-fleet.sh" "$BUILD/host/barebench-db" >"$T/out" 2>&1
check "bench-fleet.sh (N=30, PG_URL a server of the test's) exits 0" test $? = 0
check "fleet_gen.py made 30 documents" test "$(ls "$T/fleet/docs" | wc -l)" = 30
for e in sqlite postgresql; do
    check "$e: import rate, outliers and summary times over 30 machines, each against its target" \
        bash -c "grep -qE '^$e import \(documents/s\) +[0-9]+ ' '$T/out' &&
                 grep -qE '^$e outliers over 30 machines \(s\) +[0-9.]+ +target < 2 +margin [0-9.]+' '$T/out' &&
                 grep -qE '^$e summary over 30 machines \(s\) +[0-9.]+ +target < 2 +margin [0-9.]+' '$T/out'"
done
check "SQLite's import rate against its target of 200 documents/s" \
    grep -qE '^sqlite import \(documents/s\) +[0-9]+ +target >= 200 +margin [0-9.]+' "$T/out"
check "outliers found the 5 slow machines' rows on both engines" \
    test "$(grep -c "^[a-z]*: outliers named [1-9][0-9]* rows; the first query after the import: [0-9.]* s" "$T/out")" = 2
check "ratio X: the smallest margin printed" bash -c "
    want=\$(grep -oE 'margin [0-9.]+' '$T/out' | awk '{print \$2}' | sort -g | head -1)
    grep -qx \"ratio \$want\" '$T/out'"
check "load average at start and end" bash -c "grep -q '^load average at start: ' '$T/out' && grep -q '^load average at end: ' '$T/out'"
grep -E '^(sqlite|postgresql) .*(margin|target)|^ratio' "$T/out" | sed 's/^/# /'

# the same server again: it already holds the runs, so the script refuses it instead of measuring
N=30 FLEET_DIR=$T/fleet ENGINES=postgresql PG_URL=$PG_URL "$top/tools/bench/bench-fleet.sh" \
    "$BUILD/host/barebench-db" >"$T/again" 2>&1
check "a PostgreSQL database already holding the runs: exit 1, 'not an empty database'" \
    bash -c "[ $? = 1 ] && grep -q 'not an empty database' '$T/again'"

# 99-schema validates every document left under build/tests: one of the 30 is enough
find "$T/fleet/docs" -name 'm*.json' ! -name 'm000000_r*' -delete

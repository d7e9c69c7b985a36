#!/usr/bin/env bash
# 71-fleet-store.sh - barebench-collect stores every run in the fleet database as well as its file,
# on SQLite and on a real PostgreSQL server (a throwaway cluster, tests/host/pg.bash), the same
# checks on both: two collectors writing into one database at once, 200 concurrent uploads ->
# 200 runs, no run twice, every result row there with the document's figures; an upload of a run
# another collector stored adds nothing; the default database is DIR/barebench.sqlite; a
# password in --db and a malformed --db are refused (exit 2).
# run.sh: lock=alone (200 concurrent uploads with the image's time budgets)
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
. "$(dirname "$0")/fleet.bash"
D=$(mktemp -d "$T/fleet.XXXXXX")
small_doc "$D/doc.json"
NRES=20
fleet_engines

for E in "${ENGINES[@]}"; do
    W=$D/$E; mkdir -p "$W/a" "$W/b"
    DB=$(db_of "$E" "$W")
    start_collector "$W/a.log" --dir "$W/a" --db "$DB"; PA=$PORT; CA=$COLLECTOR_PID
    start_collector "$W/b.log" --dir "$W/b" --db "$DB"; PB=$PORT; CB=$COLLECTOR_PID
    check "$E: two collectors started on one database" test -n "$PA" -a -n "$PB"
    # 100 uploads to each at once: 200 concurrent, each its own run and its own source address
    timeout 120 python3 "$top/tests/host/collect_load.py" 127.0.0.1 "$PA" "$W/../doc.json" 100 0 >"$W/load-a.log" 2>&1 &
    la=$!
    timeout 120 python3 "$top/tests/host/collect_load.py" 127.0.0.1 "$PB" "$W/../doc.json" 100 0 >"$W/load-b.log" 2>&1
    wait $la
    grep -h '^summary' "$W"/load-*.log | sed "s/^/# $E: /"
    check "$E: all 200 uploads answered 201" \
        test "$(cat "$W"/load-*.log | grep -c '^client .*: 201 stored')" = 200
    check "$E: 200 files, 100 in each collector's directory" \
        test "$(ls "$W/a" | grep -c '\.json$') $(ls "$W/b" | grep -c '\.json$')" = "100 100"
    n=$(wait_runs "$DB" 200 30)
    check "$E: 200 runs in the database ($n)" test "$n" = 200
    sed -n 's/^client [0-9]* run \([0-9a-f]*\): 201.*/\1/p' "$W"/load-*.log | LC_ALL=C sort >"$W/sent"
    dbq "$DB" 'SELECT run_id FROM runs ORDER BY run_id' >"$W/indb"
    check "$E: the runs in the database are exactly the 200 uploaded, none twice" \
        bash -c "test \$(wc -l <'$W/sent') = 200 && diff -q '$W/sent' '$W/indb' >/dev/null"
    check "$E: every run has all its $NRES result rows (200 x $NRES)" \
        test "$(dbq "$DB" "SELECT count(*) FROM results") $(dbq "$DB" "SELECT count(*) FROM (SELECT run FROM results GROUP BY run HAVING count(*) = $NRES) x")" = "$((200 * NRES)) 200"
    # one run's rows against its file: suite, test, canonical params, unit, median
    f=$(ls "$W/a"/*.json | head -1)
    rid=$(jq -r .tool.run_id "$f")
    jq -r '.results[] | [.suite, .test, (.params // {} | to_entries | sort_by(.key) | from_entries | tojson), .unit, .median] | @tsv' "$f" \
        | awk -F'\t' '{printf "%s|%s|%s|%s|%.6g\n", $1, $2, $3, $4, $5}' >"$W/want"
    dbq "$DB" "SELECT e.suite, e.test, e.params_key, e.unit, e.median FROM results e JOIN runs r ON r.id = e.run WHERE r.run_id = '$rid' ORDER BY e.idx" \
        | awk -F'|' '{printf "%s|%s|%s|%s|%.6g\n", $1, $2, $3, $4, $5}' >"$W/got"
    check "$E: a run's rows hold its document's entries (suite, test, params key, unit, median)" \
        bash -c "test -s '$W/want' && diff '$W/want' '$W/got'"
    check "$E: the run names its file, which holds that run" \
        test "$(dbq "$DB" "SELECT file FROM runs WHERE run_id = '$rid'")" = "$f"
    # a run collector a stored, uploaded to b as well: b stores a file (its own directory), the
    # database keeps one run
    st=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST --data-binary @"$f" "http://127.0.0.1:$PB/")
    st2=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST --data-binary @"$f" "http://127.0.0.1:$PA/")
    kill "$CA" "$CB"; wait "$CA" "$CB" 2>/dev/null  # a stopped collector has emptied its queue
    check "$E: the same run at the other collector (201) and again at the first (200): still 200 runs" \
        test "$st $st2 $(dbq "$DB" 'SELECT count(*) FROM runs') $(dbq "$DB" "SELECT count(*) FROM runs WHERE run_id = '$rid'")" = "201 200 200 1"
    check "$E: nothing left pending" test -z "$(find "$W/a/.dbq" "$W/b/.dbq" -type f)"
    check "$E: the schema version is recorded" test "$(dbq "$DB" 'SELECT max(version) FROM schema_version')" = 1
done

# the default database: DIR/barebench.sqlite
mkdir -p "$D/def"
start_collector "$D/def.log" --dir "$D/def"
curl -s -m 10 -o /dev/null -X POST --data-binary @"$D/doc.json" "http://127.0.0.1:$PORT/"
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
check "default database: DIR/barebench.sqlite holds the run, the log names it" \
    test "$(sqlite3 "$D/def/barebench.sqlite" 'SELECT count(*) FROM runs') $(grep -c "database: sqlite:$D/def/barebench.sqlite ready" "$D/def.log")" = "1 1"
start_collector "$D/def2.log" --dir "$D/def"
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
check "...and is not counted as a document (quota)" grep -q 'holds 1 documents' "$D/def2.log"
"$COL" --port 0 --dir "$D/def" "${AS_ROOT[@]}" --db 'postgresql://fleet:hunter2@localhost/x' >"$D/pw.log" 2>&1
check "--db with a password: refused (exit 2), naming where a password goes" \
    bash -c "test $? = 2 && grep -q 'PGPASSWORD' '$D/pw.log' && ! grep -q hunter2 '$D/pw.log'"
"$COL" --port 0 --dir "$D/def" "${AS_ROOT[@]}" --db 'mysql://x' >"$D/bad.log" 2>&1
check "--db of another kind: refused (exit 2) naming what it takes" \
    bash -c "test $? = 2 && grep -q 'not sqlite:PATH or postgresql://' '$D/bad.log'"

# credentials from the environment or a file, never on the command line (issue 29): the unit
# names none on any ExecStart=, and what its comments say to do (a password file handed over as
# PGPASSFILE) is what lets the collector into the password-protected server
U=$top/tools/collect/barebench-collect.service
check "systemd unit: no password or PGPASSWORD on an ExecStart= or Environment= line, PGPASSFILE from a credential" \
    bash -c "! grep -Ei '^#?(ExecStart|Environment)=.*(PGPASSWORD|password=|://[^@/ ]*:[^@/ ]*@)' '$U' &&
             grep -q '^#LoadCredential=pgpass:' '$U' && grep -q '^#Environment=PGPASSFILE=%d/pgpass' '$U'"
if [ -n "${PG_URL:-}" ]; then
    pw=$PGPASSWORD; unset PGPASSWORD
    mkdir -p "$D/pf"
    printf '*:*:*:fleet:%s\n' "$pw" >"$D/pgpass"; chmod 600 "$D/pgpass"
    "$DBTOOL" summary --db "$PG_URL" >"$D/nopw.out" 2>&1
    check "PostgreSQL without a password (none in the environment): refused by the server" \
        bash -c "test $? != 0 && grep -qi 'password' '$D/nopw.out'"
    PGPASSFILE=$D/pgpass start_collector "$D/pf.log" --dir "$D/pf" --db "$PG_URL"
    curl -s -m 10 -o /dev/null -X POST --data-binary @"$D/doc.json" "http://127.0.0.1:$PORT/"
    kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null
    check "PostgreSQL with the password in PGPASSFILE (the unit's way): the collector stored the run" \
        bash -c "grep -q 'database: .* ready' '$D/pf.log' && PGPASSWORD='$pw' '$PG_BIN/psql' -d '$PG_URL' -qAt -c 'SELECT count(*) FROM runs' | grep -qx 1"
    export PGPASSWORD=$pw
fi

# shellcheck shell=bash
# fleet.bash - shared by the fleet store's tests (71, 72, 73): the engines they run on, SQL on
# either, and small documents.  Source it after tests/boot/lib.sh (and collector.bash).
#   fleet_engines     sets ENGINES=(sqlite postgresql) after starting PostgreSQL (pg.bash);
#                     a server that does not start is a failed check, not a skip
#   db_of ENGINE DIR  the --db string of an engine for a test directory (SQLite: a file there,
#                     with $SQLITE_OPTS after it; PostgreSQL: a fresh database per directory, on
#                     the test's server)
#   dbq DB 'SQL'      rows of SQL on DB, '|' separated, one line each (sqlite3 or psql)
#   small_doc OUT     the kvm fixture cut to its first 20 entries (uploads stay quick)
#   wait_runs DB N S  wait up to S seconds until DB holds N runs; prints the count
. "$(dirname "${BASH_SOURCE[0]}")/pg.bash"
DBTOOL=$BUILD/host/barebench-db
ENGINES=()

fleet_engines() {
    ENGINES=(sqlite)
    if pg_start; then ENGINES+=(postgresql); else check "PostgreSQL server started for the test" false; fi
}

db_of() {
    local name
    case $1 in
    sqlite) echo "sqlite:$2/fleet.sqlite${SQLITE_OPTS:-}" ;;
    postgresql)
        name=bb_$(basename "$2" | tr -c 'a-zA-Z0-9\n' '_' | tr 'A-Z' 'a-z')
        pg_sql "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1
        "$PG_BIN/psql" -h "$PG_DIR/sock" -U fleet -d barebench -qAt -c "CREATE DATABASE $name" >/dev/null
        echo "postgresql:///$name?host=$PG_DIR/sock&user=fleet" ;;
    esac
}

dbq() {
    case $1 in
    sqlite:*) local f=${1#sqlite:}; sqlite3 -cmd '.timeout 5000' "${f%%\?*}" "$2" ;;
    *) "$PG_BIN/psql" -d "$1" -qAt -v ON_ERROR_STOP=1 -c "$2" ;;
    esac
}

small_doc() { jq '.results |= .[0:20]' "$top/tests/fixtures/kvm.json" >"$1"; }

wait_runs() {
    local n=0
    for _ in $(seq $(($3 * 5))); do
        n=$(dbq "$1" 'SELECT count(*) FROM runs' 2>/dev/null)
        [ "$n" = "$2" ] && break
        sleep 0.2
    done
    echo "${n:-0}"
}

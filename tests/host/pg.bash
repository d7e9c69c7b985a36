# shellcheck shell=bash
# pg.bash - a throwaway PostgreSQL server for the fleet store's tests (71, 72, 73, and the query
# tests): Debian's postgresql binaries, a cluster made by initdb in a mktemp directory, owned by
# an unprivileged user (the postgres or nobody account when the test runs as root), listening
# only on a unix socket in that directory (no TCP), password authentication.  Source it, then:
#   pg_start          initdb + start (about 2 s); sets PG_URL (postgresql:///barebench?host=DIR&
#                     user=fleet), exports PGPASSWORD (the test's clients read it from there), and
#                     arranges pg_stop + removal of the directory when the shell exits
#   pg_stop / pg_up   stop the server (fast: connections are cut) / start it again, same data
#   pg_sql 'SQL'      run SQL through psql as the fleet user; prints rows unaligned, '|' separated
# pg_start returns 1 with the reason when PostgreSQL is not installed or does not start.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PG_DIR=
PG_URL=

# run a server binary as the cluster's owner (initdb and postgres refuse root)
pg_as() {
    if [ "$(id -u)" = 0 ]; then
        local u=postgres
        getent passwd postgres >/dev/null || u=nobody
        runuser -u "$u" -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    [ -x "$PG_BIN/initdb" ] || { echo "# no PostgreSQL server (Debian's postgresql package: tools/install-deps.sh)"; return 1; }
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bb-pg.XXXXXX") || return 1
    chmod 755 "$PG_DIR"
    mkdir "$PG_DIR/data" "$PG_DIR/sock"
    export PGPASSWORD
    PGPASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$PGPASSWORD" >"$PG_DIR/pw"
    if [ "$(id -u)" = 0 ]; then
        local u=postgres
        getent passwd postgres >/dev/null || u=nobody
        chown -R "$u" "$PG_DIR"
    fi
    # after whatever the test already does on exit (collector.bash's cleanup)
    local prev
    prev=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT\$/\1/")
    trap "${prev:+$prev; }pg_stop; rm -rf '$PG_DIR'" EXIT
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U fleet --pwfile="$PG_DIR/pw" \
        --auth-local=scram-sha-256 --auth-host=reject -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
        || { echo "# initdb failed: $(tail -3 "$PG_DIR/initdb.log")"; return 1; }
    pg_up || return 1
    PG_URL="postgresql:///barebench?host=$PG_DIR/sock&user=fleet"
    pg_as "$PG_BIN/psql" -h "$PG_DIR/sock" -U fleet -d postgres -qAt -c 'CREATE DATABASE barebench' \
        >/dev/null 2>"$PG_DIR/createdb.log" \
        || { echo "# CREATE DATABASE failed: $(cat "$PG_DIR/createdb.log")"; return 1; }
}

pg_up() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
        -o "-c listen_addresses= -c unix_socket_directories=$PG_DIR/sock -c fsync=off -c max_connections=100" \
        start >/dev/null 2>&1 || { echo "# PostgreSQL did not start: $(tail -3 "$PG_DIR/server.log")"; return 1; }
}

pg_stop() {
    [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1
    return 0
}

pg_sql() {
    "$PG_BIN/psql" -h "$PG_DIR/sock" -U fleet -d barebench -qAt -v ON_ERROR_STOP=1 -c "$1"
}

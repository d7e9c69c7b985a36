#!/usr/bin/env bash
# bench-fleet.sh - the fleet store's speed against issue 29's targets: N documents of the study's
# shape (tools/bench/fleet_gen.py: N machines from one real document, a few slow) imported with
# `barebench-db import` into SQLite and into PostgreSQL, then `barebench-db outliers` (every test,
# the latest run of each of the N machines) and `summary` over each store (the first query after
# the import is shown apart: it may pay for what the engine does once after a bulk load; the
# timed ones follow it).  Prints, per engine,
# the import rate and the query times against the targets (import >= 200 documents/s into
# SQLite; a query over 10,000 machines < 2 s on both engines), each target's margin (>= 1: met),
# and ends with "ratio X" = the smallest margin.
#   tools/bench/bench-fleet.sh BUILD/host/barebench-db
#   env: N=10000 (machines)  TEMPLATE=the study's baremetal-1.json (else tests/fixtures/baremetal.json)
#        FLEET_DIR=build/bench-fleet (the documents, kept for the next run: made again only when
#        N or the template changed)  PG_URL=postgresql://... (a server of yours; default: a
#        throwaway cluster of tests/host/pg.bash on a unix socket, fsync off)  ENGINES="sqlite postgresql"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/bench-lib.sh"
db=${1:?usage: bench-fleet.sh BUILD/host/barebench-db}
N=${N:-10000}
TEMPLATE=${TEMPLATE:-$top/tests/fixtures/study/baremetal-1.json}
[ -f "$TEMPLATE" ] || TEMPLATE=$top/tests/fixtures/baremetal.json
FLEET_DIR=${FLEET_DIR:-$top/build/bench-fleet}
ENGINES=${ENGINES:-sqlite postgresql}
IMPORT_TARGET=200 QUERY_TARGET=2

bench_load start
mkdir -p "$FLEET_DIR"
stamp="$N $(sha256sum "$TEMPLATE" | cut -c1-16)"
if [ "$(cat "$FLEET_DIR/stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$FLEET_DIR/docs" "$FLEET_DIR/stamp"
    t0=$(date +%s.%N)
    python3 "$here/fleet_gen.py" --template "$TEMPLATE" --machines "$N" --out "$FLEET_DIR/docs" \
        --slow mem:0.5,0.6,0.7 --slow disk:0.5,0.7 --manifest "$FLEET_DIR/manifest.json"
    echo "$stamp" >"$FLEET_DIR/stamp"
    echo "generated $N documents in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
fi
echo "fleet: $N machines, documents of $(basename "$TEMPLATE")'s shape ($(jq '.results | length' "$TEMPLATE") entries, $(du -sh "$FLEET_DIR/docs" | cut -f1) in all), in $FLEET_DIR/docs"

# secs CMD...: runs CMD (output to $FLEET_DIR/last.out), prints its wall time in seconds
secs() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$FLEET_DIR/last.out" 2>&1 || { echo "bench-fleet: failed: $*" >&2; tail -5 "$FLEET_DIR/last.out" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
margins=()
# report WHAT MEASURED TARGET KIND: KIND rate (higher is better) or time (lower is better)
report() {
    local m
    m=$(awk -v x="$2" -v t="$3" -v k="$4" 'BEGIN { printf "%.2f", k == "rate" ? x / t : t / x }')
    margins+=("$m")
    printf '%-44s %12s   target %s %s   margin %s%s\n' "$1" "$2" "$([ "$4" = rate ] && echo '>=' || echo '<')" \
        "$3" "$m" "$(awk -v m="$m" 'BEGIN { exit !(m < 1) }' && echo '   MISSED' || true)"
}

for engine in $ENGINES; do
    case $engine in
    sqlite) url="sqlite:$FLEET_DIR/fleet.sqlite"; rm -f "$FLEET_DIR"/fleet.sqlite* ;;
    postgresql)
        if [ -z "${PG_URL:-}" ]; then
            . "$top/tests/host/pg.bash"
            pg_start >/dev/null || { echo "bench-fleet: no PostgreSQL server (set PG_URL)" >&2; exit 1; }
        fi
        url=$PG_URL ;; # (a server of yours: an empty database, or the import below says so)
    *) echo "bench-fleet: unknown engine $engine" >&2; exit 2 ;;
    esac
    t=$(secs "$db" import --db "$url" "$FLEET_DIR/docs")
    grep -q "imported $N runs" "$FLEET_DIR/last.out" ||
        { echo "bench-fleet: $engine import did not store $N new runs (not an empty database?): $(tail -1 "$FLEET_DIR/last.out")" >&2; exit 1; }
    rate=$(awk -v n="$N" -v t="$t" 'BEGIN { printf "%.0f", n / t }')
    echo "$engine: import of $N documents: $t s"
    [ "$engine" = sqlite ] && report "$engine import (documents/s)" "$rate" "$IMPORT_TARGET" rate ||
        printf '%-44s %12s   (no target)\n' "$engine import (documents/s)" "$rate"
    # the first query right after a bulk import may pay for what the engine does once (PostgreSQL:
    # heap visits until autovacuum has set the visibility map): shown, then each query timed again
    t=$(secs "$db" outliers --db "$url" --format csv)
    echo "$engine: outliers named $(($(wc -l <"$FLEET_DIR/last.out") - 1)) rows; the first query after the import: $t s"
    t=$(secs "$db" outliers --db "$url" --format csv)
    report "$engine outliers over $N machines (s)" "$t" "$QUERY_TARGET" time
    t=$(secs "$db" summary --db "$url" --format csv)
    report "$engine summary over $N machines (s)" "$t" "$QUERY_TARGET" time
done
bench_load end
printf 'ratio %s\n' "$(printf '%s\n' "${margins[@]}" | sort -g | head -1)"

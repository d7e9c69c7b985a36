#!/usr/bin/env bash
# 73-fleet-import.sh - `barebench-db import` and the machine key, on SQLite and on a real
# PostgreSQL server, the same checks on both: a directory imported twice gives the same counts
# (idempotent by run id, a document without one by its bytes); a document the schema refuses is
# refused with its file named and nothing of it stored, the others are; a run whose rows the
# database refuses half-way leaves no trace (one transaction); repeated runs of one machine are
# grouped by SMBIOS UUID, else serial, else MAC (latest_runs: the latest per machine).  The
# Linux build's upload names its host and the card it left through (env.hostname,
# env.network.mac), and the collector stores that machine's key.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
. "$(dirname "$0")/fleet.bash"
D=$(mktemp -d "$T/fleet.XXXXXX")
mkdir -p "$D/docs" "$D/more"
small_doc "$D/doc.json"
# 24 runs: 20 of machines known by UUID (10 machines, 2 runs each: the later one is the latest),
# 2 by serial (one machine), 1 by MAC only (its UUID all zeros, its serial a placeholder), 1
# without a run id (its key: its bytes)
python3 - "$D/doc.json" "$D/docs" <<'EOF'
import json, sys
base = json.load(open(sys.argv[1]))
def write(name, run_id, t, system, mac=None):
    d = json.loads(json.dumps(base))
    if run_id: d["tool"]["run_id"] = run_id
    d["time"] = t
    d["env"]["system"].update(system)
    if mac: d["env"]["network"] = {"mac": mac}
    json.dump(d, open(f"{sys.argv[2]}/{name}.json", "w"))
for m in range(10):
    for k in range(2):
        write(f"u{m}-{k}", f"{m:02x}{k:02x}" + "a" * 28, 1800000000 + 100 * k + m,
              {"uuid": f"4c4c4544-0037-5810-804b-{m:012x}".upper() if k else f"4c4c4544-0037-5810-804b-{m:012x}"})
for k in range(2):
    write(f"s-{k}", f"{k:02x}" + "b" * 30, 1800000000 + k, {"manufacturer": "Dell Inc.", "serial": "7XK2LM3"})
write("m", "c" * 32, 1800000000, {"uuid": "00000000-0000-0000-0000-000000000000",
                                  "serial": "To Be Filled By O.E.M."}, "52:54:00:12:34:56")
write("norid", None, 1800000000, {})
EOF
# a document the schema refuses (env.cpu without its family), and a good one beside it
jq 'del(.env.cpu.family) | .tool.run_id = "'"$(printf 'd%.0s' {1..32})"'"' "$D/doc.json" >"$D/more/refused.json"
jq '.tool.run_id = "'"$(printf 'e%.0s' {1..32})"'"' "$D/doc.json" >"$D/more/good.json"
# a run whose 15th row the database refuses (a trigger below): nothing of it may stay
jq '.tool.run_id = "'"$(printf 'f%.0s' {1..32})"'" | .results[14].suite = "boom"' "$D/doc.json" >"$D/boom.json"
# ...imported between two good ones: one transaction holds all three, each run all or nothing
jq '.tool.run_id = "'"$(printf '8%.0s' {1..32})"'"' "$D/doc.json" >"$D/good8.json"
jq '.tool.run_id = "'"$(printf '9%.0s' {1..32})"'"' "$D/doc.json" >"$D/good9.json"
fleet_engines

for E in "${ENGINES[@]}"; do
    W=$D/$E; mkdir -p "$W"
    DB=$(db_of "$E" "$W")
    counts() { echo "$(dbq "$DB" 'SELECT count(*) FROM runs') $(dbq "$DB" 'SELECT count(*) FROM results')"; }
    "$DBTOOL" import --db "$DB" "$D/docs" >"$W/i1.out" 2>&1
    check "$E: import of a directory: 24 runs, exit 0" \
        bash -c "test $? = 0 && grep -q 'imported 24 runs into $E (0 already stored, 0 refused, 0 failed)' '$W/i1.out'"
    first=$(counts)
    check "$E: ...24 runs, 24 x 20 rows ($first)" test "$first" = "24 480"
    "$DBTOOL" import "$D/docs" --db "$DB" >"$W/i2.out" 2>&1
    check "$E: the same directory again: nothing new, the same counts" \
        test "$? $(grep -c 'imported 0 runs into .* (24 already stored' "$W/i2.out") $(counts)" = "0 1 $first"
    "$DBTOOL" import --db "$DB" "$D/more/refused.json" "$D/more/good.json" >"$W/i3.out" 2>"$W/i3.err"
    check "$E: a document the schema refuses: exit 1, its file named with the reason" \
        bash -c "test $? = 1 && grep -q 'refused.json: refused: .*env.cpu.family' '$W/i3.err'"
    check "$E: ...nothing of it stored, the good one beside it is" \
        test "$(dbq "$DB" "SELECT count(*) FROM runs WHERE run_id = '$(printf 'd%.0s' {1..32})'") $(counts)" = "0 25 500"
    case $E in
    sqlite) dbq "$DB" "CREATE TRIGGER boom BEFORE INSERT ON results WHEN NEW.suite = 'boom'
                       BEGIN SELECT RAISE(ABORT, 'boom refused'); END" ;;
    *) dbq "$DB" "CREATE FUNCTION boom() RETURNS trigger AS \$\$ BEGIN IF NEW.suite = 'boom' THEN
                  RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END \$\$ LANGUAGE plpgsql;
                  CREATE TRIGGER boom BEFORE INSERT ON results FOR EACH ROW EXECUTE FUNCTION boom()" ;;
    esac
    "$DBTOOL" import --db "$DB" "$D/good8.json" "$D/boom.json" "$D/good9.json" >"$W/i4.out" 2>"$W/i4.err"
    check "$E: a run whose rows the database refuses half-way: exit 1, named, no run and no row left; the runs beside it stored" \
        test "$? $(grep -c 'boom.json: not stored: .*boom refused' "$W/i4.err") $(counts) $(dbq "$DB" "SELECT count(*) FROM runs WHERE run_id LIKE '8888%' OR run_id LIKE '9999%'")" = "1 1 27 540 2"
    # the machine key: one machine per UUID (its case aside), serial, MAC; the latest run of each
    check "$E: runs grouped by machine: 10 UUIDs, a serial, a MAC, and the run nobody names" \
        test "$(dbq "$DB" "SELECT count(DISTINCT machine) FROM runs WHERE machine LIKE 'uuid:%'") $(dbq "$DB" "SELECT DISTINCT machine FROM runs WHERE machine NOT LIKE 'uuid:%' AND machine NOT LIKE 'run:%' ORDER BY machine" | paste -sd,) $(dbq "$DB" "SELECT count(*) FROM runs WHERE machine LIKE 'run:doc-%'")" \
             = "10 mac:52:54:00:12:34:56,serial:Dell Inc./Standard PC (Q35 + ICH9, 2009)/7XK2LM3 1"
    check "$E: latest_runs: one per machine (10 + serial + MAC + 4 unnamed), each its latest" \
        test "$(dbq "$DB" 'SELECT count(*) FROM latest_runs') $(dbq "$DB" "SELECT count(*) FROM latest_runs WHERE machine LIKE 'uuid:%' AND run_time >= 1800000100") $(dbq "$DB" "SELECT run_id FROM latest_runs WHERE machine LIKE 'serial:%'")" \
             = "16 10 01$(printf 'b%.0s' {1..30})"
    check "$E: latest_results: one row per machine and entry" \
        test "$(dbq "$DB" 'SELECT count(*) FROM latest_results')" = $((16 * 20))
    # docs/FLEET.md's example queries (ad-hoc and Grafana panels) run as written; Grafana's
    # $__timeFilter(x) stands for a condition on x; to_timestamp is the PostgreSQL panel's
    # (they ask for mem/triad and disk/rand_read: a whole fixture has them; its machine for
    # the one machine the example names)
    "$DBTOOL" import --db "$DB" "$top/tests/fixtures/baremetal.json" >"$W/i5.out" 2>&1
    m=$(dbq "$DB" "SELECT machine FROM runs WHERE file LIKE '%/baremetal.json'")
    n=0 bad=
    while IFS= read -r -d '' q; do
        [ "$E" = sqlite ] && [[ $q == *to_timestamp* ]] && continue
        q=${q//"'uuid:4c4c4544-0037-5810-804b-b7c04f4d4c33'"/"'$m'"}
        q=$(sed -E 's/\$__timeFilter\(([^()]*(\([^()]*\))?)\)/\1 IS NOT NULL/g' <<<"$q")
        rows=$(dbq "$DB" "$q" 2>&1) && [ -n "$rows" ] || bad+="[$q: ${rows:-no rows}] "
        n=$((n + 1))
    done < <(python3 - "$top/docs/FLEET.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```\n(.*?)```", text, re.S) + re.findall(r"`(SELECT [^`]*)`", text)
for b in blocks:
    for q in b.split(";"):
        q = q.strip()
        if q.startswith("SELECT"):
            sys.stdout.write(q + "\0")
PY
)
    check "$E: docs/FLEET.md's $n example queries return rows${bad:+: $bad}" \
        test "$n" -ge "$([ "$E" = sqlite ] && echo 3 || echo 4)" -a -z "$bad"
done

# the store failing under the import (its SQLite file locked by another process past the
# timeout): each run named as not stored, exit 1, no hang, nothing of them stored
"$DBTOOL" import --db "sqlite:$D/locked.sqlite" "$D/docs/u0-0.json" >/dev/null 2>&1
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close(); time.sleep(8)' "$D/locked.sqlite" "$D/locked" &
holder=$!
for _ in $(seq 100); do [ -f "$D/locked" ] && break; sleep 0.05; done
timeout 20 "$DBTOOL" import --db "sqlite:$D/locked.sqlite?timeout=100" "$D/more" "$D/good8.json" >"$D/lk.out" 2>&1
check "the store locked under the import: exit 1, the refused file and both good ones named, no hang" \
    bash -c "test $? = 1 && grep -q 'refused.json: refused' '$D/lk.out' && grep -q 'good.json: not stored: .*locked' '$D/lk.out' && grep -q 'good8.json: not stored' '$D/lk.out' && grep -q 'imported 0 runs .* 1 refused, 2 failed' '$D/lk.out'"
kill "$holder"; wait "$holder" 2>/dev/null
check "...and nothing of them stored" test "$(sqlite3 "$D/locked.sqlite" 'SELECT count(*) FROM runs')" = 1

"$DBTOOL" import "$D/docs" >"$D/def.out" 2>&1
check "import DIR without --db: into DIR/barebench.sqlite" \
    test "$(sqlite3 "$D/docs/barebench.sqlite" 'SELECT count(*) FROM runs')" = 24
"$DBTOOL" import --db 'postgresql://fleet:hunter2@localhost/x' "$D/docs" >"$D/pw.out" 2>&1
check "barebench-db --db with a password: exit 2, naming where a password goes, not echoing it" \
    bash -c "test $? = 2 && grep -q PGPASSWORD '$D/pw.out' && ! grep -q hunter2 '$D/pw.out'"
"$DBTOOL" import --db "sqlite:$D/x.sqlite" "$D/nothere.json" >"$D/nf.out" 2>&1
check "a file that is not there: exit 1, named" \
    bash -c "test $? = 1 && grep -q 'nothere.json: refused: cannot open' '$D/nf.out'"
"$DBTOOL" frobnicate >"$D/sub.out" 2>&1
check "an unknown subcommand: exit 2 with the usage" bash -c "test $? = 2 && grep -q 'usage: barebench-db' '$D/sub.out'"

# the Linux build uploads to a collector on this machine's own network address: the document
# names the host and the card, and the database has that machine
addr=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub("/.*", "", $4); print $4; exit}')
if [ -n "$addr" ]; then
    dev=$(ip -4 -o addr show scope global | awk '{print $2; exit}')
    mkdir -p "$D/lin"
    "$COL" --bind "$addr" --port 0 --insecure-open "${AS_ROOT[@]}" --dir "$D/lin" \
        --db "${PG_URL:-sqlite:$D/lin.sqlite}" >"$D/lin.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do port=$(sed -n 's/.*listening on .* port \([0-9]*\),.*/\1/p' "$D/lin.log"); [ -n "$port" ] && break; sleep 0.1; done
    "$BUILD/host/barebench" --suite timer --reps 2 --profile quick --json "$T/linux-upload.json" \
        --upload "http://$addr:$port/" >"$D/lin.out" 2>&1
    mac=$(cat "/sys/class/net/$dev/address")
    check "Linux build: env.hostname and env.network.mac ($dev's $mac) in the document" \
        jq -e --arg h "$(uname -n)" --arg m "$mac" '.env.hostname == $h and .env.network.mac == $m' "$T/linux-upload.json"
    kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null
    lindb=${PG_URL:-sqlite:$D/lin.sqlite}
    check "Linux build: the collector stored the run with its host name and card" \
        test "$(dbq "$lindb" "SELECT hostname, mac FROM runs WHERE run_id = '$(jq -r .tool.run_id "$T/linux-upload.json")'")" = "$(uname -n)|$mac"
else
    check "this machine has a non-loopback IPv4 address for the Linux build's upload" false
fi

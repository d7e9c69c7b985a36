#!/usr/bin/env bash
# 74-fleet-queries.sh - barebench-db's questions on a synthetic fleet, the same list on SQLite and
# on a real PostgreSQL server (tests/host/pg.bash): 300 machines (tools/bench/fleet_gen.py, three
# tags), 3 made slow on memory and 2 on disk, 5 with an older run that is slow on everything.
# outliers names exactly those 5, worst first, with their latest run and file (the older runs
# only with --all-runs); summary and compare numbers are recomputed from the documents by
# tests/host/fleet_check.py on SQLite, and PostgreSQL's answers are the same bytes; filters (tag,
# time, suite/test) select what they say; bad input (options, --db strings, a server that is not there) gives a
# clear error and the right exit status.
. "$(dirname "$0")/../boot/lib.sh"
. "$top/tests/host/pg.bash"
DB=$BUILD/host/barebench-db
CHECK="python3 $top/tests/host/fleet_check.py"
BASE=1796000000 # fleet_gen.py's BASE_TIME: older runs at BASE+i, latest at BASE+86400+i

python3 "$top/tools/bench/fleet_gen.py" --template "$top/tests/fixtures/baremetal.json" --machines 300 \
    --out "$T/fleet" --slow mem:0.4,0.55,0.7 --slow disk:0.5,0.7 --older 5 --manifest "$T/manifest.json"
check "fleet_gen.py wrote 305 documents (300 machines, 5 with an older run)" \
    test "$(ls "$T/fleet" | wc -l)" = 305

gone_file=$(jq -r '.machines[1].runs[-1].file' "$T/manifest.json") # a rack2 machine
gone_run=$(jq -r '.machines[1].runs[-1].run_id' "$T/manifest.json")

# out NAME CMD...: runs CMD, its stdout in $T/NAME, stderr in $T/NAME.err, status in $T/NAME.rc
out() { local n=$1; shift; "$@" >"$T/$n" 2>"$T/$n.err"; echo $? >"$T/$n.rc"; }
rc() { cat "$T/$1.rc"; }

# same E NAME WHAT CHECK...: on SQLite, the check (numbers recomputed from the documents); on
# PostgreSQL, the same output as SQLite's (so the recomputation holds there too)
same() {
    local e=$1 n=$2 what=$3; shift 3
    if [ "$e" = sqlite ]; then check "$e: $what" "$@"
    else check "$e: $what (the same output as on SQLite)" cmp "$T/sqlite-$n" "$T/$e-$n"; fi
}

pg_start || echo "not ok - PostgreSQL server started for the test"
for db in "sqlite:$T/fleet.sqlite" "$PG_URL"; do
    e=${db%%:*}
    [ -n "$db" ] || continue
    out "$e-import" "$DB" import --db "$db" "$T/fleet"
    check "$e: import stores 305 runs" grep -q 'imported 305 runs' "$T/$e-import"

    out "$e-outliers.json" "$DB" outliers --db "$db" --format json
    check "$e: outliers exits 0" test "$(rc "$e-outliers.json")" = 0
    same $e outliers.json "outliers names exactly the 3 memory and 2 disk machines, worst first, latest run and file" \
        $CHECK outliers "$T/manifest.json" "$T/$e-outliers.json"
    [ $e = sqlite ] && $CHECK outliers "$T/manifest.json" "$T/$e-outliers.json" | head -1
    out "$e-outliers-all.json" "$DB" outliers --db "$db" --format json --all-runs
    same $e outliers-all.json "outliers --all-runs also names the 5 older runs (so the latest run per machine is what counts)" \
        $CHECK outliers "$T/manifest.json" "$T/$e-outliers-all.json" --all-runs
    out "$e-outliers.txt" "$DB" outliers --db "$db" --suite mem --test triad
    check "$e: outliers text: a title, aligned columns, only mem/triad rows, the worst machine first" \
        awk -v w="$(jq -r '.slow[] | select(.suite == "mem") | .serial' "$T/manifest.json" | head -1)" '
            NR == 1 { ok = /^outliers: 300 machines, grouped by tag/; next }
            NR == 2 { ok = ok && $1 == "suite" && $2 == "test"; next }
            NR == 3 { ok = ok && $0 ~ w }
            { ok = ok && $1 == "mem" && $2 == "triad" } END { exit !(ok && NR > 3) }' "$T/$e-outliers.txt"

    out "$e-summary.csv" "$DB" summary --db "$db" --format csv
    same $e summary.csv "summary: every test and tag's n, median, q1, q3, IQR, min, max as recomputed from the documents" \
        $CHECK summary "$T/manifest.json" "$T/fleet" "$T/$e-summary.csv"
    out "$e-summary-tag.csv" "$DB" summary --db "$db" --format csv --tag rack2
    same $e summary-tag.csv "summary --tag rack2: only rack2's 100 machines" \
        $CHECK summary "$T/manifest.json" "$T/fleet" "$T/$e-summary-tag.csv" --tag rack2
    out "$e-summary-old.json" "$DB" summary --db "$db" --format json --until $((BASE + 86399)) --suite mem --test triad
    jqcheck "$e: summary --until (before the latest runs) --suite mem --test triad: the 5 older runs, mem/triad only" \
        "$T/$e-summary-old.json" 'length > 0 and all(.[]; .suite == "mem" and .test == "triad") and
            all(group_by(.params)[]; (map(.n) | add) == 5)'
    out "$e-summary-hv.json" "$DB" summary --db "$db" --format json --by hypervisor --since $((BASE + 86400))
    jqcheck "$e: summary --by hypervisor --since: groups kvm and none, 150 machines each" \
        "$T/$e-summary-hv.json" '([.[].group] | unique) == ["kvm", "none"] and all(.[]; .n == 150)'

    out "$e-compare.csv" "$DB" compare --db "$db" --by tag --format csv --only table
    same $e compare.csv "compare --by tag: per tag n, median of medians and overhead against rack1 as recomputed" \
        $CHECK compare "$T/manifest.json" "$T/fleet" "$T/$e-compare.csv"
    # (the next two on one tag's 100 machines: compare reads every document)
    out "$e-compare.txt" "$DB" compare --db "$db" --by hypervisor --tag rack2 --only summary
    check "$e: compare --by hypervisor --tag rack2: benchcmp's summary, bare metal (none) the baseline" \
        grep -q '^summary: per suite.*against none' "$T/$e-compare.txt"
    out "$e-compare.json" "$DB" compare --db "$db" --by firmware --tag rack3 --format json --suite alu
    jqcheck "$e: compare --by firmware --format json: a pool per BIOS version, as many machines as have it, alu rows only" \
        "$T/$e-compare.json" "(.pools | map([.group, .n])) == $(jq -c '[.machines[] | select(.tag == "rack3")] |
            group_by(.firmware) | map(["Dell Inc. " + .[0].firmware, length])' "$T/manifest.json") and
            (.rows | length) > 0 and all(.rows[]; .suite == \"alu\")"
    # the HTML page of benchcmp (bc_report); on PostgreSQL one run's file is gone from this host:
    # its document comes from the store (written to a private directory under TMPDIR, removed
    # after) and the page still links its copy, DIR/docs/NNNN-RUN_ID.json
    [ $e = postgresql ] && mv "$T/fleet/$gone_file" "$T/gone.json"
    mkdir -p "$T/$e-tmp"
    TMPDIR="$T/$e-tmp" out "$e-report.txt" "$DB" compare --db "$db" --by hypervisor --tag rack2 --suite alu --report "$T/$e-report"
    [ $e = postgresql ] && mv "$T/gone.json" "$T/fleet/$gone_file"
    check "$e: compare --report: benchcmp's page with both groups, its charts inline and the 100 documents linked" \
        bash -c "grep -q '<svg' '$T/$e-report/index.html' && grep -q '>kvm' '$T/$e-report/index.html' &&
                 grep -q '>none' '$T/$e-report/index.html' && [ \$(ls '$T/$e-report/docs' | wc -l) = 100 ]"
done
check "postgresql: compare --report: a run whose file is not on this host is written from the store" \
    bash -c "cmp <(jq -S . '$T/fleet/$gone_file') <(jq -S . '$T/postgresql-report'/docs/*-'$gone_run.json')"
check "postgresql: compare --report: the store's copy was written in a private directory, removed after" \
    bash -c "[ -z \"\$(ls -A '$T/postgresql-tmp')\" ]"
# the report directory is checked before any work: a previous report is replaced, anything
# else refused with nothing written into it
"$DB" compare --db "sqlite:$T/fleet.sqlite" --by hypervisor --tag rack2 --suite alu --report "$T/sqlite-report" \
    >/dev/null 2>"$T/again.err"
check "compare --report into its previous report: replaced" grep -q "replacing the previous report" "$T/again.err"
mkdir -p "$T/notreport" && echo keep >"$T/notreport/mine.txt"
"$DB" compare --db "sqlite:$T/fleet.sqlite" --by hypervisor --tag rack2 --suite alu --report "$T/notreport" \
    >/dev/null 2>"$T/refused.err"; rc=$?
check "compare --report into a directory of other files: refused (exit 1), named, left as it was" \
    bash -c "[ $rc = 1 ] && grep -q 'not empty' '$T/refused.err' && [ \"\$(ls -A '$T/notreport')\" = mine.txt ]"

# bad input: a clear message and exit status 2 (usage) or 1 (the store), never a hang
bad() { # bad WHAT STATUS PATTERN ARGS...
    local what=$1 st=$2 pat=$3; shift 3
    timeout 30 "$DB" "$@" >"$T/bad.out" 2>"$T/bad.err"
    local r=$?
    if [ "$r" = "$st" ] && grep -q -- "$pat" "$T/bad.err"; then echo "ok - $what"
    else echo "not ok - $what"; echo "#   status $r, stderr: $(head -c 300 "$T/bad.err")"; fi
}
bad "a --db string of no known engine is refused, naming it" 1 'mysql://x' summary --db mysql://x
bad "no --db at all: 'no database given'" 1 'no database given' outliers
bad "a PostgreSQL server that is not there: a connection error, exit 1" 1 'postgresql' \
    outliers --db "postgresql:///barebench?host=$T/no-such-dir&user=fleet&connect_timeout=5"
bad "an SQLite file in a missing directory: refused, naming it" 1 "$T/no/such" summary --db "sqlite:$T/no/such/x.sqlite"
bad "--by rack: names the groups there are" 2 'want tag, hypervisor, system, cpu or firmware' \
    summary --db "sqlite:$T/fleet.sqlite" --by rack
bad "--since yesterday: names the time forms" 2 'YYYY-MM-DD' summary --db "sqlite:$T/fleet.sqlite" --since yesterday
bad "--format xml: refused" 2 "want text, csv or json" outliers --db "sqlite:$T/fleet.sqlite" --format xml
bad "--threshold 0: refused" 2 "--threshold" outliers --db "sqlite:$T/fleet.sqlite" --threshold 0
bad "compare --baseline of no group: named" 1 "no selected machine has that tag" \
    compare --db "sqlite:$T/fleet.sqlite" --baseline rack9

# 99-schema validates every document left under build/tests: keep one of the 305 (all are made
# the same way from one fixture) so it does not spend its time on the others
find "$T/fleet" -name 'm*.json' ! -name 'm000000_r*' -delete

#!/usr/bin/env bash
# 25-collect-store.sh - what one fleet member can make barebench-collect store (needs root: a
# small tmpfs): on a 2 MiB file system uploads are refused with 507 before it is full, never
# with ENOSPC, and a repeat of a stored run still answers 200; --quota-files and --quota-bytes
# refuse with 507 naming the limit, counted from what the directory already holds, and files
# removed by hand make room again; the minimum document (docs/schema.json's required members,
# the machine's identity, something said) refuses `{"schema":"barebench/1","results":[]}` with
# 400 naming what is missing while the Linux build's own document is stored; one collector per
# directory; temporaries a killed collector left are removed at start.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
COL=${COLLECTOR:-$COL}
BB=$BUILD/host/barebench
[ -x "$COL" ] && [ -x "$BB" ] || { echo "not ok - $COL or $BB missing (make host)"; exit 1; }
if [ "$(id -u)" != 0 ]; then echo "not ok - needs root (mount -t tmpfs)"; exit 1; fi
D=$(mktemp -d "$T/store.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    mountpoint -q "$D/small" && umount "$D/small"
}
trap cleanup EXIT

# post FILE: prints the HTTP status; the answer goes to $D/answer
post() { curl -s -m 10 -o "$D/answer" -w '%{http_code}' -X POST --data-binary @"$1" "http://127.0.0.1:$PORT/"; }
# doc N: the kvm fixture as run N (its own run id), in $D/doc-N.json
doc() {
    [ -f "$D/doc-$1.json" ] ||
        jq -c --arg r "$(printf '%032x' "$1")" --arg t "run$1" '.tool.run_id = $r | .tool.tag = $t' \
            "$top/tests/fixtures/kvm.json" >"$D/doc-$1.json"
    echo "$D/doc-$1.json"
}
stop_collector() { kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null; }

# ---- a 2 MiB file system: the reserve (1% of it) is kept, uploads get 507, not 500 ----
mkdir -p "$D/small"
mount -t tmpfs -o size=2m tmpfs "$D/small"
# (its database elsewhere: here the documents alone fill the file system; 72-fleet-pending.sh
# has the database beside them keeping out of the reserve)
start_collector "$D/small.log" --dir "$D/small" --db "sqlite:$D/small-db.sqlite"
check "collector started on a 2 MiB tmpfs" test -n "$PORT"
codes=()
for i in $(seq 1 40); do
    st=$(post "$(doc "$i")")
    codes+=("$st")
    [ "$st" = 201 ] || break
done
stored=$(ls "$D/small" | grep -c '\.json$')
echo "# answers: ${codes[*]}; $stored stored; $(df -B1 --output=avail "$D/small" | tail -1) bytes left free"
check "uploads stored until the file system is nearly full ($stored of them)" test "$stored" -ge 10
check "...then refused with 507 Insufficient Storage, never 500" test "${codes[-1]}" = 507
check "...naming the limit: the file system's reserve" grep -q "file system nearly full.*--reserve-bytes" "$D/answer"
check "...before the file system is full: 1% of it still free" \
    test "$(df -B1 --output=avail "$D/small" | tail -1)" -ge 20971
check "...nothing half-written left behind" bash -c "! ls -A '$D/small' | grep -q '^\.incoming-'"
st=$(post "$(doc 1)")
check "a repeat of a stored run still answers 200 already stored" \
    bash -c "test '$st' = 200 && grep -q '^already stored as run1_kvm_' '$D/answer'"
st=$(post "$(doc 3)")
check "...any stored run" test "$st" = 200
check "collector logged the 507 with its reason" grep -q ': 507 file system nearly full' "$D/small.log"
stop_collector

# ---- --quota-files: counted from what the directory holds at start ----
mkdir -p "$D/q"
start_collector "$D/q.log" --dir "$D/q" --quota-files 3
for i in 101 102; do post "$(doc $i)" >/dev/null; done
stop_collector
start_collector "$D/q.log" --dir "$D/q" --quota-files 3
check "restart: the start-up line counts the stored documents" grep -q "holds 2 documents" "$D/q.log"
st=$(post "$(doc 103)")
check "--quota-files 3: the third document is stored" test "$st" = 201
st=$(post "$(doc 104)")
check "...the fourth gets 507 naming --quota-files" \
    bash -c "test '$st' = 507 && grep -q 'quota reached: .* holds 3 documents (--quota-files 3)' '$D/answer'"
st=$(post "$(doc 101)")
check "...a repeat of a stored run: 200" test "$st" = 200
rm "$D/q"/run102_*.json
sleep 5.5 # a quota reached is counted again at most every 5 s
st=$(post "$(doc 104)")
check "a document removed by hand makes room again: 201" test "$st" = 201
stop_collector

# ---- --quota-files under 60 concurrent uploads: the count is kept under a lock ----
mkdir -p "$D/c"
start_collector "$D/c.log" --dir "$D/c" --quota-files 25 --threads 4 --rate-per-addr 0 --conns-per-addr 100
for i in $(seq 400 459); do doc "$i" >/dev/null; done
timeout 60 python3 - "$PORT" "$D" >"$D/c.out" 2>&1 <<'PY'
import sys, threading, urllib.request, urllib.error
port, d = int(sys.argv[1]), sys.argv[2]
codes, lock, go = [], threading.Lock(), threading.Event()
def up(i):
    body = open(f"{d}/doc-{i}.json", "rb").read()
    go.wait()
    try:
        st = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/", data=body,
                                                           method="POST"), timeout=30).status
    except urllib.error.HTTPError as e:
        st = e.code
    except Exception:
        st = 0
    with lock:
        codes.append(st)
ths = [threading.Thread(target=up, args=(i,)) for i in range(400, 460)]
for t in ths: t.start()
go.set()
for t in ths: t.join()
print(f"201: {codes.count(201)}, 507: {codes.count(507)}, other: {len(codes) - codes.count(201) - codes.count(507)}")
PY
echo "# 60 concurrent uploads, --quota-files 25: $(cat "$D/c.out")"
check "60 concurrent uploads under --quota-files 25: exactly 25 stored, 35 refused with 507" \
    bash -c "grep -qx '201: 25, 507: 35, other: 0' '$D/c.out' && test \$(ls '$D/c' | grep -c '\.json$') = 25"
stop_collector

# ---- --quota-bytes ----
mkdir -p "$D/b"
sz=$(stat -c %s "$(doc 201)")
start_collector "$D/b.log" --dir "$D/b" --quota-bytes $((2 * sz + sz / 2))
st=$(post "$(doc 201)")$(post "$(doc 202)")
check "--quota-bytes for two and a half documents: two stored" test "$st" = 201201
st=$(post "$(doc 203)")
check "...the third gets 507 naming --quota-bytes" \
    bash -c "test '$st' = 507 && grep -q 'would pass --quota-bytes' '$D/answer'"
check "bad --quota-bytes: refused at start" bash -c "! timeout 5 '$COL' --port 0 --dir '$D/b2' --quota-bytes 10X"

# ---- the minimum document ----
printf '{"schema":"barebench/1","results":[]}' >"$D/bad-empty.json"
st=$(post "$D/bad-empty.json")
check "{\"schema\":\"barebench/1\",\"results\":[]}: 400 naming what is missing" \
    bash -c "test '$st' = 400 && grep -q 'missing tool, time, skipped, errors, env' '$D/answer' &&
             grep -q 'no entry in results, skipped or errors' '$D/answer'"
jq -c 'del(.results[0].samples)' "$(doc 300)" >"$D/bad-entry.json"
st=$(post "$D/bad-entry.json")
check "an entry without samples: 400 naming it" \
    bash -c "test '$st' = 400 && grep -q 'missing results\[0\].samples' '$D/answer'"
jq -c '.results = [] | .skipped = [] | .errors = []' "$(doc 301)" >"$D/bad-nothing.json"
st=$(post "$D/bad-nothing.json")
check "a run that says nothing (no results, skipped or errors): 400" test "$st" = 400
jq -c '.results = [] | .skipped = [{"suite": "mem", "test": "", "why": "no calibrated clock"}]' \
    "$(doc 302)" >"$D/skipped.json"
stop_collector
start_collector "$D/b.log" --dir "$D/b" --quota-bytes 1G
st=$(post "$D/skipped.json")
check "a run that measured nothing but says why (skipped): stored" test "$st" = 201
"$BB" --suite timer --reps 3 --profile quick --json "$D/linux.json" >/dev/null 2>&1
st=$(post "$D/linux.json")
check "the Linux build's own document: stored" test "$st" = 201

# ---- one collector per directory; temporaries of a killed collector removed at start ----
timeout 5 "$COL" --bind 127.0.0.1 --port 0 --dir "$D/b" "${AS_ROOT[@]}" >"$D/second.log" 2>&1
rc=$?
check "a second collector on the same directory: refused at start, naming the first" \
    bash -c "test $rc = 1 && grep -q 'in use by another barebench-collect (pid $COLLECTOR_PID)' '$D/second.log'"
stop_collector
head -c 1000 "$(doc 1)" >"$D/b/.incoming-Xy12Zq"
echo keep >"$D/b/notes.incoming-Xy12Zq"
start_collector "$D/b.log" --dir "$D/b"
check "start: a temporary left by a killed collector is removed" \
    bash -c "test ! -e '$D/b/.incoming-Xy12Zq' && grep -q '1 temporary files removed' '$D/b.log'"
check "...and nothing else" test -e "$D/b/notes.incoming-Xy12Zq"

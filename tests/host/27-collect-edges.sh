#!/usr/bin/env bash
# 27-collect-edges.sh - barebench-collect against hostile clients on loopback (127.0.0.x source
# addresses): malformed and conflicting Content-Length answered once, cleanly; a newline in a
# document string cannot forge a log line; a trickled request head is cut at --head-timeout;
# per-address connection limit and request rate (429 Retry-After); the memory budget for bodies
# (503 Retry-After, one address at most half of it) and for parses (--max-values, the parse
# estimate); --trust-proxy takes the client from X-Forwarded-For; the collector refuses root.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/../boot/collector.bash"
FX=$top/tests/fixtures
D=$(mktemp -d "$T/edges.XXXXXX")
RAW=$top/tests/host/collect_raw.py
# raw SRC [collect_raw.py options]: the request on stdin, sent from SRC; the JSON line to stdout
raw() { local src=$1; shift; timeout 70 python3 "$RAW" "$PORT" "$src" "$@"; }
req() { printf 'POST / HTTP/1.1\r\nHost: x\r\n%s\r\n%s' "$1" "$2"; }   # req HEADERS BODY
field() { jq -r ".$1" <<<"$2"; }

# ---- defaults: only --dir ----
mkdir -p "$D/s1"
start_collector "$D/c1.log" --dir "$D/s1"
check "collector started with its defaults" test -n "$PORT"

for cl in abc -1 '5 ' '5, 5'; do
    a=$(req "Content-Length: $cl"$'\r\n' hello | raw 127.0.0.1)
    check "Content-Length '$cl': answered once (one status line), 400 naming it" \
        bash -c "test '$(field status_lines "$a")' = 1 && test '$(field status "$a")' = 400 &&
                 jq -e '.answer | test(\"bad Content-Length\")' <<<'$a'"
done
a=$(req $'Content-Length: 99999999999999999999999\r\n' hello | raw 127.0.0.1)
check "Content-Length beyond 64 bits: answered once, 413" \
    bash -c "test '$(field status_lines "$a")' = 1 && test '$(field status "$a")' = 413"
a=$(req $'Content-Length: 5\r\nContent-Length: 7\r\n' 'hello12' | raw 127.0.0.1)
check "two different Content-Length headers: 400 naming both" \
    bash -c "test '$(field status_lines "$a")' = 1 && test '$(field status "$a")' = 400 &&
             jq -e '.answer | test(\"two different Content-Length headers \\\\(5 and 7\\\\)\")' <<<'$a'"
a=$(req $'Content-Length: 5\r\n 7\r\n' 'hello' | raw 127.0.0.1)
check "a Content-Length continued on a folded line: 400" test "$(field status "$a")" = 400

# a document string with a newline, echoed in the 400's reason, forges no log line
jq '.results[0].suite = "x\nbarebench-collect: 127.0.0.1: 201 stored FORGED_kvm_x.json\n" |
    .results[0].better = "sideways"' "$FX/kvm.json" >"$D/forge.json"
st=$(curl -s -m 10 -o "$D/answer" -w '%{http_code}' --data-binary @"$D/forge.json" "http://127.0.0.1:$PORT/")
sleep 0.2
check "newline in results[].suite: 400, and no forged log line" \
    bash -c "test '$st' = 400 && ! grep -q '^barebench-collect: 127.0.0.1: 201 stored FORGED' '$D/c1.log' &&
             grep -q 'results\[0\] (x\\\\nbarebench-collect: 127.0.0.1: 201 stored FORGED_kvm_x.json\\\\n/' '$D/c1.log'"

# a head trickled one byte a second (never silent for --timeout, 10 s) is cut at --head-timeout 5 s
a=$(req $'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n' '' | raw 127.0.0.8 --trickle 1 --wait 15)
check "trickled head: cut off at --head-timeout 5 s, no answer (after $(field secs "$a") s)" \
    bash -c "test '$(field closed "$a")' = true && test -z '$(field answer "$a")' &&
             awk 'BEGIN{exit !($(field secs "$a") >= 4.5 && $(field secs "$a") < 8)}' &&
             grep -q '^barebench-collect: 127.0.0.8: cut off: no complete request head within 5 s' '$D/c1.log'"

# 32 connections per address: a 33rd from the same address is closed at once, others are served
out=$(timeout 30 python3 - "$PORT" "$FX/kvm.json" <<'PY'
import socket, sys, time
port, doc = int(sys.argv[1]), open(sys.argv[2], "rb").read()
held = [socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
        for _ in range(32)]
time.sleep(0.5)
s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
s.settimeout(2)
try:
    print("33rd:", "closed" if s.recv(100) == b"" else "answered")
except socket.timeout:
    print("33rd: held open")
o = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.3", 0))
o.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(doc) + doc)
o.settimeout(10)
print("other address:", o.recv(100)[9:12].decode())
PY
)
check "33rd connection from one address closed at once, another address served (201)" \
    bash -c "grep -qx '33rd: closed' <<<'$out' && grep -qx 'other address: 201' <<<'$out'"

# 10 requests per second per address, 50 at once: then 429 with Retry-After; others go on
out=$(timeout 60 python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
def ask(src):
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
    s.settimeout(10)
    a = b""
    while True:
        b = s.recv(4096)
        if not b:
            return a.decode(errors="replace")
        a += b
answers = [ask("127.0.0.4") for _ in range(70)]
print("429s:", sum(a.startswith("HTTP/1.1 429") for a in answers))
print("retry-after:", any("Retry-After: " in a for a in answers if a.startswith("HTTP/1.1 429")))
print("other:", ask("127.0.0.5")[9:12])
PY
)
check "over 50 requests at once from one address: 429 with Retry-After; another address: 400" \
    bash -c "grep -q '^429s: [1-9]' <<<'$out' && grep -qx 'retry-after: True' <<<'$out' && grep -qx 'other: 400' <<<'$out'"
check "collector with defaults still serving: 201" \
    test "$(curl -s -m 10 -o /dev/null -w '%{http_code}' --data-binary @"$FX/esxi.json" "http://127.0.0.1:$PORT/")" = 201

# ---- --trust-proxy: the client from X-Forwarded-For's last entry, for logs and limits ----
mkdir -p "$D/s2"
start_collector "$D/c2.log" --dir "$D/s2" --trust-proxy 127.0.0.1,::1 --rate-per-addr 1 --burst-per-addr 2
xpost() { curl -s -m 10 -o /dev/null -w '%{http_code}' --interface "$1" -H "X-Forwarded-For: $2" --data-binary @"$FX/kvm.json" "http://127.0.0.1:$PORT/"; }
st=$(xpost 127.0.0.1 "6.6.6.6, 10.9.8.7")
check "behind the proxy: the log names the client it appended (10.9.8.7 via 127.0.0.1)" \
    bash -c "test '$st' = 201 && grep -q '^barebench-collect: 10.9.8.7 (via 127.0.0.1): 201 stored' '$D/c2.log'"
st=$(xpost 127.0.0.6 "10.9.8.7")
check "X-Forwarded-For from an untrusted peer is ignored" \
    bash -c "test '$st' = 201 && grep -q '^barebench-collect: 127.0.0.6: 201 stored' '$D/c2.log'"
st1=$(xpost 127.0.0.1 "10.9.8.7"); st2=$(xpost 127.0.0.1 "10.9.8.7"); st3=$(xpost 127.0.0.1 "10.9.8.9")
check "rate limit per forwarded client: 10.9.8.7's third request 429, 10.9.8.9 201 ($st1 $st2 $st3)" \
    bash -c "test '$st2' = 429 && test '$st3' = 201"
st=$(xpost 127.0.0.1 "not-an-address")
check "proxy without a usable X-Forwarded-For: logged as such" \
    grep -q '^barebench-collect: 127.0.0.1 (proxy, no usable X-Forwarded-For): ' "$D/c2.log"

# ---- the memory budget: 4 MiB, one address at most 2 MiB ----
mkdir -p "$D/s3"
start_collector "$D/c3.log" --dir "$D/s3" --mem-budget 4M --max-bytes 2500000 --max-values 20000
out=$(timeout 30 python3 - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def open_(src, n, whole=False):
    """A request of n bytes of body, all sent (whole) or all but the last (held: the collector
    takes the budget for bytes that arrived, not for what the head declares)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % n)
    s.sendall(b"{" + b" " * (n - (1 if whole else 2)))
    time.sleep(0.3)
    return s
def promise(src, n):
    """A request that declares n bytes and sends one: holds nothing of the budget."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n{" % n)
    return s
def status(s):
    s.settimeout(2)
    try:
        a = s.recv(4096).decode(errors="replace")
        return a[9:12] + (" retry" if "Retry-After: " in a else "") if a else "closed"
    except socket.timeout:
        return "waiting"
promises = [promise("127.0.0.6", 2000000) for _ in range(4)]  # 8 MB declared, 4 bytes sent
h1 = open_("127.0.0.2", 1500000)
print("first of .2:", status(h1))
print("second of .2:", status(open_("127.0.0.2", 600000, True)))
h3 = open_("127.0.0.3", 1900000)
print("first of .3:", status(h3))
print(".4 with the budget taken:", status(open_("127.0.0.4", 1000000, True)))
print("over half the budget:", status(promise("127.0.0.5", 2200000)))  # refused on its head
h1.close(); h3.close()
for p in promises:
    p.close()
PY
)
sed 's/^/# /' <<<"$out"
check "declared but unsent bodies hold nothing; a body within an address's half: held (waiting for the rest)" grep -qx 'first of .2: waiting' <<<"$out"
check "the same address over its half: 503 with Retry-After" grep -qx 'second of .2: 503 retry' <<<"$out"
check "the budget taken by others: 503 with Retry-After" grep -qx '.4 with the budget taken: 503 retry' <<<"$out"
check "a body over half the budget: 413" grep -qx 'over half the budget: 413' <<<"$out"
sleep 0.5
st=$(curl -s -m 10 -o /dev/null -w '%{http_code}' --data-binary @"$FX/kvm.json" "http://127.0.0.1:$PORT/")
check "budget given back when the holders leave: 201" test "$st" = 201
python3 -c 'import sys; sys.stdout.write("[" + ",".join(["[]"] * 30000) + "]")' >"$D/values.json"
st=$(curl -s -m 10 -o "$D/answer" -w '%{http_code}' --data-binary @"$D/values.json" "http://127.0.0.1:$PORT/")
check "30001 JSON values over --max-values 20000: 413 naming it" \
    bash -c "test '$st' = 413 && grep -q '30001 JSON values: more than a results document has (--max-values 20000)' '$D/answer'"
python3 -c 'import sys; sys.stdout.write("[" + ",".join(["{}"] * 15000) + "]")' >"$D/objects.json"
st=$(curl -s -m 10 -o "$D/answer" -w '%{http_code}' --data-binary @"$D/objects.json" "http://127.0.0.1:$PORT/")
check "15000 empty objects (a parse of up to 4 MiB, over the 2 MiB half): 413 naming it" \
    bash -c "test '$st' = 413 && grep -q 'parsing it would take up to 4 MiB' '$D/answer'"

# ---- one line per event in every log ----
check "every log line is one event (starts with 'barebench-collect: ')" \
    bash -c "! grep -hv '^barebench-collect: ' '$D'/c[123].log"

# ---- root ----
rootrun() { if [ "$(id -u)" = 0 ]; then "$@"; else unshare --user --map-root-user "$@"; fi; }
rootrun timeout 5 "$COL" --bind 127.0.0.1 --port 0 --dir "$D/root" >"$D/root.out" 2>&1; rc=$?
check "as root without --allow-root: refused (exit 1), nothing created" \
    bash -c "test $rc = 1 && grep -q 'refusing to run as root' '$D/root.out' && test ! -e '$D/root'"
if [ "$(id -u)" = 0 ]; then
    U=$(mktemp -d); chown nobody:nogroup "$U"; chmod 755 "$U"
    (exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$COL" --bind 127.0.0.1 --port 0 --dir "$U/store" >"$D/nobody.log" 2>&1) &
else
    U=$(mktemp -d)
    (exec "$COL" --bind 127.0.0.1 --port 0 --dir "$U/store" >"$D/nobody.log" 2>&1) &
fi
pids+=($!)
for _ in $(seq 50); do grep -q 'listening on' "$D/nobody.log" && break; sleep 0.1; done
check "as a plain user, no --allow-root needed" grep -q 'listening on 127.0.0.1' "$D/nobody.log"
kill "${pids[-1]}" 2>/dev/null; wait "${pids[-1]}" 2>/dev/null; rm -rf "$U"

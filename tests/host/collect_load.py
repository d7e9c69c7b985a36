#!/usr/bin/env python3
"""collect_load.py - load test client for barebench-collect (loopback only): N concurrent uploads
with the image's budgets (connect 5 s, whole exchange 20 s), each with its own run id and from
its own address (127.0.1.1, 127.0.1.2, ...: a rack is many machines, and the collector limits
each address), while S clients stall in the middle of their request.  Prints one line per
client and a summary."""
import json, socket, sys, threading, time, uuid
sys.dont_write_bytecode = True  # importing collect_client leaves no __pycache__ behind
import collect_client
from collect_client import CONNECT_S

host, port, doc_path, n, stallers = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
token = sys.argv[6] if len(sys.argv) > 6 else ""
assert host == "127.0.0.1", "loopback only"
assert n <= 250 * 200, "one source address each"

def source(i):
    """The i-th client's own loopback address."""
    return f"127.0.{1 + i // 250}.{1 + i % 250}"
base = json.load(open(doc_path))

results, lock = [], threading.Lock()

def upload(i, go):
    doc = dict(base)
    doc["tool"] = dict(base["tool"], run_id=uuid.uuid4().hex, tag=f"load{i}")
    body = json.dumps(doc).encode()
    go.wait()
    st, why, secs = collect_client.upload(host, port, body, source(i), token)
    out = {"i": i, "run_id": doc["tool"]["run_id"], "status": st, "why": why, "secs": secs}
    with lock:
        results.append(out)

def stall(i, started):
    """Send the head and a little of a promised 80 KB body, then say nothing; time the cut-off."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=CONNECT_S)
        s.sendall(f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 80000\r\n".encode() +
                  (f"X-Barebench-Token: {token}\r\n" if token else "").encode() + b"\r\n{\"sch")
        started.set()
        s.settimeout(120)
        while s.recv(4096):
            pass
        how = "closed"
    except Exception as e:
        how = repr(e)
    with lock:  # two stalled clients end together: one line each, never interleaved
        print(f"stalled client {i}: {how} after {time.monotonic() - t0:.1f} s", flush=True)

sth = []
for i in range(stallers):
    ev = threading.Event()
    t = threading.Thread(target=stall, args=(i, ev)); t.start(); ev.wait(5); sth.append(t)
go = threading.Event()
ths = [threading.Thread(target=upload, args=(i, go)) for i in range(n)]
for t in ths: t.start()
t0 = time.monotonic()
go.set()
for t in ths: t.join()
wall = time.monotonic() - t0
for t in sth: t.join()
for r in sorted(results, key=lambda r: r["i"]):
    print(f"client {r['i']} run {r['run_id']}: {r['status']} {r['why'][:80]} ({r['secs']:.2f} s)")
ok = sum(1 for r in results if r["status"] == 201)
print(f"summary: {ok} of {n} stored (201) in {wall:.1f} s, slowest {max(r['secs'] for r in results):.2f} s, "
      f"size {len(json.dumps(base))} bytes")

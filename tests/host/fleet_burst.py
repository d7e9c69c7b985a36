#!/usr/bin/env python3
"""fleet_burst.py - a burst spread over time, for the fleet store's tests: N uploads of a document
(each its own run id and tag, from its own loopback address) by 20 concurrent clients, paced to
last about S seconds, so a test can stop the database in the middle of it.  Prints one line per
upload ("client I run RID: STATUS ...") and a summary."""
import json, sys, threading, time, uuid
sys.dont_write_bytecode = True
import collect_client

port, doc_path, n, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
base = json.load(open(doc_path))
lock, out, nxt = threading.Lock(), [], [0]
t0 = time.monotonic()


def client():
    while True:
        with lock:
            i = nxt[0]
            nxt[0] += 1
        if i >= n:
            return
        time.sleep(max(0.0, t0 + secs * i / n - time.monotonic()))  # the i-th starts at its time
        doc = dict(base)
        doc["tool"] = dict(base["tool"], run_id=uuid.uuid4().hex, tag=f"burst{i}")
        st, why, took = collect_client.upload("127.0.0.1", port, json.dumps(doc).encode(),
                                              f"127.0.{1 + i // 250}.{1 + i % 250}")
        with lock:
            out.append((i, doc["tool"]["run_id"], st, why, took))


ths = [threading.Thread(target=client) for _ in range(20)]
for t in ths:
    t.start()
for t in ths:
    t.join()
for i, rid, st, why, took in sorted(out):
    print(f"client {i} run {rid}: {st} {why[:80]} ({took:.2f} s)")
ok = sum(1 for r in out if r[2] == 201)
print(f"summary: {ok} of {n} stored (201) in {time.monotonic() - t0:.1f} s")

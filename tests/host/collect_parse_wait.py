#!/usr/bin/env python3
"""collect_parse_wait.py - does a small upload wait behind big parses?  For SECONDS (at most 30),
4 addresses (127.0.1.1-4) each send, one after the other, documents of 700,000 nested empty
arrays (2 MiB, under --max-values and the budget's half for one address, so the collector
parses them: about 110 MiB each), while small uploads of DOC (a real document, each with its
own run id) go out from other addresses (127.0.2.x) every 0.25 s.  Prints each small upload's
time to land and a summary.  Loopback only.
  collect_parse_wait.py HOST PORT DOC SECONDS"""
import json, sys, threading, time, uuid
sys.dont_write_bytecode = True  # importing collect_client leaves no __pycache__ behind
from collect_client import upload

host, port, doc_path, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
assert host == "127.0.0.1" and seconds <= 30, "loopback only, bounded"
BIG = b"[" + b",".join([b"[]"] * 700000) + b"]"
base = json.load(open(doc_path))
lock = threading.Lock()
big_answers, small = {}, []
t_end = time.monotonic() + seconds

def post(src, body):
    st, _, secs = upload(host, port, body, src)
    return st, secs

def bigs(k):
    while time.monotonic() < t_end:
        st, _ = post(f"127.0.1.{k + 1}", BIG)
        with lock:
            big_answers[st] = big_answers.get(st, 0) + 1
        if st in (0, 503):
            time.sleep(0.2)

ths = [threading.Thread(target=bigs, args=(k,)) for k in range(4)]
for t in ths: t.start()
time.sleep(0.5)
i = 0
while time.monotonic() < t_end - 0.5:
    doc = dict(base)
    doc["tool"] = dict(base["tool"], run_id=uuid.uuid4().hex, tag=f"small{i}")
    st, secs = post(f"127.0.2.{1 + i % 250}", json.dumps(doc).encode())
    small.append((st, secs))
    print(f"small upload {i}: {st} in {secs:.3f} s", flush=True)
    i += 1
    time.sleep(0.25)
for t in ths: t.join()
times = sorted(s for _, s in small)
print("big documents: " + ", ".join(f"{n} answered {st}" for st, n in sorted(big_answers.items())))
print(f"summary: {sum(1 for st, _ in small if st == 201)} of {len(small)} small uploads stored "
      f"(201), median {times[len(times) // 2]:.3f} s, slowest {times[-1]:.3f} s")

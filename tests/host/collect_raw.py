#!/usr/bin/env python3
"""collect_raw.py - one raw HTTP exchange with barebench-collect on loopback, for the tests that
need what curl cannot send or show: sends stdin's bytes from source address SRC (all at once,
or one byte every --trickle seconds), reads the answer until the collector closes or --wait
seconds pass, and prints a JSON line: {"answer": raw answer text, "status_lines": how many
"HTTP/1.x NNN" lines it holds, "status": the first one's code (0: none), "closed": whether the
collector closed, "secs": how long}.
  collect_raw.py PORT SRC [--trickle S] [--wait S] < request"""
import json, socket, sys, time

port, src = int(sys.argv[1]), sys.argv[2]
opts = dict(zip(sys.argv[3::2], sys.argv[4::2]))
trickle, wait = float(opts.get("--trickle", 0)), float(opts.get("--wait", 10))
assert src.startswith("127.") and wait <= 60 and trickle <= 5, "loopback only, bounded"
data = sys.stdin.buffer.read()
t0 = time.monotonic()
s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(src, 0))
answer, closed = b"", False
try:
    if trickle:
        s.setblocking(False)
        for i in range(len(data)):
            if time.monotonic() - t0 > wait:
                break
            s.send(data[i:i + 1])
            end = time.monotonic() + trickle
            while time.monotonic() < end:  # read meanwhile: the collector may answer or close
                try:
                    b = s.recv(65536)
                    if not b:
                        closed = True
                        break
                    answer += b
                except BlockingIOError:
                    time.sleep(0.05)
            if closed:
                break
    else:
        s.sendall(data)
    s.setblocking(True)
    while not closed and time.monotonic() - t0 < wait:
        s.settimeout(max(0.05, wait - (time.monotonic() - t0)))
        b = s.recv(65536)
        if not b:
            closed = True
        answer += b
except socket.timeout:
    pass
except OSError:                   # a reset or a broken pipe: the collector is gone
    closed = True
text = answer.decode("latin-1")
lines = [l for l in text.split("\r\n") if l.startswith("HTTP/1.")]
print(json.dumps({"answer": text, "status_lines": len(lines),
                  "status": int(lines[0][9:12]) if lines else 0, "closed": closed,
                  "secs": round(time.monotonic() - t0, 2)}))

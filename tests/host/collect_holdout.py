#!/usr/bin/env python3
"""collect_holdout.py - two ways a client without the fleet key could hold barebench-collect up
(loopback only, bounded), each while signed uploads from other addresses must still land:
  budget: 16 connections from 2 addresses announce 16 MiB bodies with a made-up signature and
          send one byte each (the memory budget must not be taken by what a head only declares);
  tls:    8 TLS connections complete the handshake, then trickle their request head a byte a
          second (the head deadline must hold after the ClientHello too).
Prints one JSON line: {"legit": [status codes of the signed uploads made during the attack],
"open_after": attack connections still open at the end, "secs": duration}.
  collect_holdout.py budget|tls PORT KEYFILE DOC.json"""
import hashlib, hmac, json, socket, ssl, sys, threading, time, uuid

mode, port, keyfile, doc_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
key = bytes.fromhex(open(keyfile).read().strip())
base = json.load(open(doc_path))
ctx = ssl.create_default_context()
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
t0 = time.monotonic()


def conn(src, timeout=10):
    assert src.startswith("127.")
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return ctx.wrap_socket(s) if mode == "tls" else s


def signed(body, rid):
    mac = hmac.new(key, b"barebench-upload-v1\n" + rid.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return (f"POST / HTTP/1.1\r\nHost: x\r\nX-Barebench-Signature: v1={mac}\r\nX-Barebench-Run-Id: {rid}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def legit(src):
    d = json.loads(json.dumps(base))
    rid = uuid.uuid4().hex
    d["tool"]["run_id"], d["tool"]["tag"] = rid, "holdout"
    try:
        s = conn(src, 20)
        s.sendall(signed(json.dumps(d).encode(), rid))
        out = b""
        while len(out) < 64:
            b = s.recv(4096)
            if not b:
                break
            out += b
        s.close()
        return int(out.split(b" ")[1]) if out.startswith(b"HTTP/1.") else 0
    except Exception:
        return 0


attack = []
if mode == "budget":
    fake = "v1=" + "0" * 64
    for src in ("127.0.0.2", "127.0.0.3"):
        for _ in range(8):
            s = conn(src)
            s.sendall((f"POST / HTTP/1.1\r\nHost: x\r\nX-Barebench-Signature: {fake}\r\n"
                       f"X-Barebench-Run-Id: {'a' * 32}\r\nContent-Length: {16 << 20}\r\n\r\n{{").encode())
            attack.append(s)
    time.sleep(1)
    codes = [legit("127.0.0.%d" % (10 + k)) for k in range(3)]
else:
    attack = [conn("127.0.0.2", 30) for _ in range(8)]
    head = b"POST / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"y" * 40
    stop = threading.Event()

    def trickle():
        for i in range(len(head)):
            if stop.is_set():
                return
            for s in attack:
                try:
                    s.send(head[i:i + 1])
                except Exception:
                    pass
            time.sleep(1)
    th = threading.Thread(target=trickle, daemon=True)
    th.start()
    time.sleep(3)
    codes = [legit("127.0.0.%d" % (10 + k)) for k in range(3)]
    time.sleep(6)  # well past --head-timeout
    stop.set()
    th.join()
open_after = 0
for s in attack:
    try:
        s.settimeout(0.5)
        s.send(b"X")
        b = s.recv(1)  # a cut connection answers EOF or an error
        open_after += b != b""
    except socket.timeout:
        open_after += 1
    except Exception:
        pass
    s.close()
print(json.dumps({"legit": codes, "open_after": open_after, "secs": round(time.monotonic() - t0, 1)}))

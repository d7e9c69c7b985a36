"""collect_client.py - one upload to barebench-collect as the image makes it (connect 5 s, whole
exchange 20 s by default), from a given loopback source address: shared by the collector's
load and attack scripts (tests/boot/collect_*.py)."""
import socket, time

CONNECT_S, TOTAL_S = 5, 20  # kernel/upload/upload.h: UPLOAD_CONNECT_S, UPLOAD_TOTAL_S


def upload(host, port, body, src="127.0.0.1", token="", total_s=TOTAL_S):
    """POST body from src: (HTTP status, or 0 when lost: refused, reset, timed out; the answer's
    text or the error; seconds taken), never longer than total_s."""
    head = (f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n" + (f"X-Barebench-Token: {token}\r\n" if token else "") +
            "Connection: close\r\n\r\n").encode()
    t0 = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=CONNECT_S, source_address=(src, 0))
        s.settimeout(max(0.1, total_s - (time.monotonic() - t0)))
        s.sendall(head + body)
        ans = b""
        while time.monotonic() - t0 < total_s:
            s.settimeout(max(0.1, total_s - (time.monotonic() - t0)))
            b = s.recv(65536)
            if not b:
                break
            ans += b
        s.close()
        st = int(ans[9:12]) if ans.startswith(b"HTTP/1.") else -1
        why = ans.split(b"\r\n\r\n", 1)[-1].decode(errors="replace").strip()
    except Exception as e:  # a lost upload: timeout, refused, reset
        st, why = 0, repr(e)
    return st, why, time.monotonic() - t0

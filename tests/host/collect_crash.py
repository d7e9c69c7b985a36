#!/usr/bin/env python3
"""collect_crash.py - SIGKILL barebench-collect at random points of N uploads (loopback only),
restart it and retry every upload whose answer was lost, until each run is answered 201 or 200.
The collector is the crash-seam build (tools/collect/collect_crash.h): two rounds in three it kills itself
at a named step of a store (each step in turn, moving on once it has killed, at a random one of
its first arrivals) (BAREBENCH_COLLECT_CRASH_AT=STEP:K), the others are killed from here
after a random delay.  Then one clean round uploads all N again: each must answer 200 (already
stored).  Prints one line per round, per run id the answers it got, and a summary.
  collect_crash.py COLLECTOR DIR DOC.json N SEED"""
import json, os, random, re, signal, subprocess, sys, threading, time, urllib.request, urllib.error

collector, store, doc_path, n, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
STEPS = ["writing", "written", "claimed", "linked", "indexed", "stored"]
WORKERS, MAX_ROUNDS, DEADLINE_S = 4, 400, 240
SEAM_ROUND, KILL_ROUND = 6, 20  # uploads a round tries at most (a step never reached still ends
                                # it): at least 18 rounds for 200 uploads, 12 of them seam rounds

base = json.load(open(doc_path))
bodies = {}
for i in range(n):
    d = json.loads(json.dumps(base))
    d["tool"]["run_id"] = "%032x" % (0xc0ffee00000000000000000000000000 + i)
    d["tool"]["tag"] = "crash%d" % i
    bodies[d["tool"]["run_id"]] = json.dumps(d, separators=(",", ":")).encode()
answers = {rid: [] for rid in bodies}   # every status each run got, in order


def start(crash_at):
    env = dict(os.environ)
    env.pop("BAREBENCH_COLLECT_CRASH_AT", None)
    if crash_at:
        env["BAREBENCH_COLLECT_CRASH_AT"] = crash_at
    log = open(os.path.join(store, "..", "collector.log"), "ab")
    p = subprocess.Popen([collector, "--bind", "127.0.0.1", "--port", "0", "--dir", store,
                          "--threads", "2", "--rate-per-addr", "0", "--conns-per-addr", "1000"]
                         + (["--allow-root"] if os.geteuid() == 0 else []), stdout=subprocess.PIPE, stderr=log, env=env)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10:
        line = p.stdout.readline().decode(errors="replace")
        if not line:
            break
        log.write(line.encode())
        m = re.search(r"listening on 127\.0\.0\.1 port (\d+),", line)
        if m:
            threading.Thread(target=lambda: [log.write(l) for l in p.stdout], daemon=True).start()
            return p, int(m.group(1))
    p.kill()
    p.wait()
    sys.exit("collector did not start")


def upload(port, rid):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=bodies[rid], method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:  # reset, refused, cut: the answer is lost
        return 0


def round_(port, proc, todo):
    """Upload todo with WORKERS threads until done or the collector is gone."""
    lock = threading.Lock()
    queue = list(todo)

    def work():
        while True:
            with lock:
                if not queue or proc.poll() is not None:
                    return
                rid = queue.pop()
            st = upload(port, rid)
            with lock:
                answers[rid].append(st)
    ths = [threading.Thread(target=work) for _ in range(WORKERS)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()


t_start = time.monotonic()
rounds, crashes, step_i = 0, {}, 0
done = lambda rid: any(s in (200, 201) for s in answers[rid])
while rounds < MAX_ROUNDS and time.monotonic() - t_start < DEADLINE_S:
    todo = [rid for rid in bodies if not done(rid)]
    if not todo:
        break
    rounds += 1
    killer = None
    if rounds % 3: # each step in turn (the next one once this one has killed), at a random one
                   # of the first arrivals there that this round's uploads can reach
        how = "%s:%d" % (STEPS[step_i % len(STEPS)], rng.randint(1, min(4, len(todo))))
        proc, port = start(how)
    else:
        delay = rng.uniform(0.005, 0.1)
        how = "external SIGKILL after %.2f s" % delay
        proc, port = start(None)
        killer = threading.Timer(delay, lambda p=proc: p.poll() is None and p.send_signal(signal.SIGKILL))
        killer.start()
    todo = todo[:SEAM_ROUND if killer is None else KILL_ROUND]
    round_(port, proc, todo)
    if killer:
        killer.cancel()
    alive = proc.poll() is None
    if alive:
        proc.kill()
    proc.wait()
    died = -proc.returncode == signal.SIGKILL and not alive
    step = how.split(":")[0] if killer is None else "external"
    crashes[step] = crashes.get(step, 0) + died
    if died and killer is None:
        step_i += 1
    print(f"round {rounds}: {how}: {len(todo)} to upload, "
          f"{'killed' if died else 'not killed'}, {sum(1 for r in todo if done(r))} answered",
          flush=True)

# the clean round: every run again, each must be answered "already stored"
proc, port = start(None)
final = {}
for rid in bodies:
    final[rid] = upload(port, rid)
proc.send_signal(signal.SIGTERM)
proc.wait()
for rid in sorted(bodies):
    print(f"run {rid}: {' '.join(map(str, answers[rid]))} | final {final[rid]}")
twice = sum(1 for rid in bodies if answers[rid].count(201) > 1)
print(f"summary: {rounds} rounds, kills by step {json.dumps(crashes, sort_keys=True)}, "
      f"{sum(1 for r in bodies if done(r))} of {n} answered 201/200 before the clean round, "
      f"{sum(1 for r in bodies if final[r] == 200)} of {n} answered 200 in it, "
      f"{twice} stored twice (201 twice), {time.monotonic() - t_start:.1f} s", flush=True)

#!/usr/bin/env python3
# fleet_gen.py - a synthetic fleet of barebench results documents for the fleet tests and
# `make bench-fleet`: N machines made from one real document (a template), each with its own
# identity (SMBIOS uuid/serial/asset tag, tag, hypervisor, system model, CPU, firmware) and its
# figures scaled by its groups' factors and a bounded per-machine noise; some machines of the first
# tag made slow on one suite; some machines given an older run (slow on everything) before their
# latest one.
#
#   fleet_gen.py --template DOC --machines N --out DIR [--seed S] [--slow SUITE:F1,F2,...]...
#                [--older K] [--manifest FILE]
#
# The manifest (JSON) lists every machine (uuid, serial, tag, hypervisor, product, cpu, firmware,
# its runs: file, run_id, time) and the slow ones with their suite and factor, worst first, so a
# test can assert on exactly those.  Deterministic for a given seed.
import argparse, copy, json, os, random, sys

TAGS = ["rack1", "rack2", "rack3"]
TAG_FACTOR = {"rack1": 1.00, "rack2": 0.96, "rack3": 1.05}
HYPERVISORS = [("none", ""), ("kvm", "KVMKVMKVM")]
HV_FACTOR = {"none": 1.00, "kvm": 0.98}
PRODUCTS = [("Dell Inc.", "PowerEdge R650"), ("Lenovo", "ThinkSystem SR630 V2")]
CPUS = ["Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "AMD EPYC 7543 32-Core Processor"]
FIRMWARE = [("Dell Inc.", "1.6.5"), ("Dell Inc.", "1.8.2")]
NOISE = 0.02        # each figure of a machine: x (1 +- up to 2%), uniform, so no accidental outlier
OLDER_FACTOR = 0.30  # an older run: everything 70% worse (must not count: the latest run does)
BASE_TIME = 1796000000


def fail(msg):
    sys.stderr.write("fleet_gen.py: " + msg + "\n")
    sys.exit(2)


def parse_slow(specs):
    """SUITE:F1,F2 -> [(suite, factor)], factors in (0,1): the figure is that much worse."""
    out = []
    for s in specs:
        suite, _, fs = s.partition(":")
        if not suite or not fs:
            fail("--slow %r: want SUITE:FACTOR[,FACTOR...]" % s)
        for f in fs.split(","):
            try:
                v = float(f)
            except ValueError:
                fail("--slow %r: %r is not a number" % (s, f))
            if not 0 < v < 1:
                fail("--slow %r: factor %s not in (0,1)" % (s, f))
            out.append((suite, v))
    return out


def worse(entry, factor):
    """Scale an entry's figures so it is `factor` as good (higher: x f, lower: / f)."""
    return factor if entry.get("better") == "higher" else 1.0 / factor


def scale(entry, k):
    for key in ("min", "median", "max", "mean", "stddev"):
        if isinstance(entry.get(key), (int, float)):
            entry[key] = entry[key] * k
    if isinstance(entry.get("samples"), list):
        entry["samples"] = [x * k if isinstance(x, (int, float)) else x for x in entry["samples"]]


def machine_doc(tpl, m, run, rng, slow_suite, slow_factor, everything):
    d = copy.deepcopy(tpl)
    d["tool"]["tag"] = m["tag"]
    d["tool"]["run_id"] = run["run_id"]
    d["time"] = run["time"]
    env = d.setdefault("env", {})
    man, prod = m["product"]
    fv, fr = m["firmware"]
    env["system"] = {"smbios": True, "manufacturer": man, "product": prod, "uuid": m["uuid"],
                     "serial": m["serial"], "asset_tag": m["asset_tag"],
                     "bios": {"vendor": fv, "version": fr, "date": "03/14/2026"}}
    hv, sig = m["hypervisor"]
    env["hypervisor"] = {"name": hv, "signature": sig, "cpuid_bit": hv != "none",
                         "max_leaf": "0x40000010" if hv != "none" else "0x0"}
    env.setdefault("cpu", {})["brand"] = m["cpu"]
    env["firmware"] = {"vendor": "EDK II", "revision": "0x10000"}
    base = TAG_FACTOR[m["tag"]] * HV_FACTOR[hv]
    for e in d["results"]:
        k = base * (1 + rng.uniform(-NOISE, NOISE))
        # group factors make a whole machine faster or slower: "higher" scales up, "lower" down
        k = k if e.get("better") == "higher" else 1.0 / k
        if slow_suite and e.get("suite") == slow_suite:
            k *= worse(e, slow_factor)
        if everything:
            k *= worse(e, OLDER_FACTOR)
        scale(e, k)
    return d


def main():
    ap = argparse.ArgumentParser(description="synthetic barebench fleet")
    ap.add_argument("--template", required=True)
    ap.add_argument("--machines", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow", action="append", default=[])
    ap.add_argument("--older", type=int, default=0)
    ap.add_argument("--manifest")
    a = ap.parse_args()
    if a.machines < 1:
        fail("--machines must be at least 1")
    slow = parse_slow(a.slow)
    if len(slow) + a.older > a.machines:
        fail("more slow/older machines than machines")
    with open(a.template) as f:
        tpl = json.load(f)
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    # which machines are slow: spread over the first tag's machines (one group, so one spread:
    # the worst factor has the largest robust z there), and which others have an older run
    first_tag = list(range(0, a.machines, len(TAGS)))
    if len(slow) > len(first_tag):
        fail("more slow machines than machines tagged %s" % TAGS[0])
    picks = rng.sample(first_tag, len(slow))
    slow_of = {picks[i]: slow[i] for i in range(len(slow))}
    older = set(rng.sample([i for i in range(a.machines) if i not in slow_of], a.older))
    machines, slow_list = [], []
    for i in range(a.machines):
        m = {"index": i,
             "uuid": "%08x-%04x-4%03x-8%03x-%012x" % (a.seed, i >> 16, i & 0xfff, a.seed & 0xfff, i),
             "serial": "SN%06d" % i, "asset_tag": "AT-%d-%06d" % (a.seed, i),
             "tag": TAGS[i % 3], "hypervisor": HYPERVISORS[(i // 3) % 2],
             "product": PRODUCTS[(i // 6) % 2], "cpu": CPUS[(i // 12) % 2],
             "firmware": FIRMWARE[(i // 24) % 2], "runs": []}
        times = [BASE_TIME + 86400 + i] if i not in older else [BASE_TIME + i, BASE_TIME + 86400 + i]
        for j, t in enumerate(times):
            run = {"run_id": "%08x%08x%016x" % (a.seed, j, i), "time": t}
            last = j == len(times) - 1
            s = slow_of.get(i) if last else None
            doc = machine_doc(tpl, m, run, rng, s[0] if s else None, s[1] if s else None, not last)
            run["file"] = "m%06d_r%d.json" % (i, j)
            with open(os.path.join(a.out, run["file"]), "w") as f:
                json.dump(doc, f, separators=(",", ":"))
            m["runs"].append(run)
        if i in slow_of:
            slow_list.append({"index": i, "serial": m["serial"], "uuid": m["uuid"], "tag": m["tag"],
                              "suite": slow_of[i][0], "factor": slow_of[i][1],
                              "file": m["runs"][-1]["file"], "run_id": m["runs"][-1]["run_id"]})
        m["hypervisor"] = m["hypervisor"][0]
        m["product"] = m["product"][1]
        m["firmware"] = m["firmware"][1]
        machines.append(m)
    slow_list.sort(key=lambda s: (s["suite"], s["factor"]))  # worst (smallest factor) first
    if a.manifest:
        with open(a.manifest, "w") as f:
            json.dump({"seed": a.seed, "machines": machines, "slow": slow_list,
                       "older": sorted(older)}, f, indent=1)


if __name__ == "__main__":
    main()

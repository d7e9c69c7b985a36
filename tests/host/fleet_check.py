#!/usr/bin/env python3
# fleet_check.py - recomputes barebench-db's answers from the synthetic fleet's documents, on its
# own (plain Python, not the tool's code), for tests/host/74-fleet-queries.sh:
#   fleet_check.py outliers MANIFEST OUT.json [--all-runs]   exactly the slow machines, worst first
#   fleet_check.py summary MANIFEST DIR OUT.csv [--tag T]    every row's n/median/q1/q3/iqr/min/max
#   fleet_check.py compare MANIFEST DIR OUT.csv              each tag's median of medians, overhead
# Prints what differs and exits 1, or prints a one-line "# ..." note and exits 0.
import csv, json, os, sys


def fail(msg):
    print("# " + msg)
    sys.exit(1)


def param_text(params):
    """benchcmp's params text: k=v, keys sorted; booleans yes/no, reals %g."""
    out = []
    for k in sorted(params):
        v = params[k]
        if isinstance(v, bool):
            v = "yes" if v else "no"
        elif isinstance(v, float):
            v = "%g" % v
        out.append("%s=%s" % (k, v))
    return " ".join(out)


def quantile(sorted_vals, p):
    """linear interpolation between closest ranks (R type 7)"""
    h = (len(sorted_vals) - 1) * p
    lo = int(h)
    if lo >= len(sorted_vals) - 1:
        return sorted_vals[-1]
    return sorted_vals[lo] + (h - lo) * (sorted_vals[lo + 1] - sorted_vals[lo])


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def latest_figures(man, d, tag=None, drop=()):
    """{(suite, test, params text): {tag: [median per machine]}} over each machine's latest run;
    the params in drop left out of the text"""
    figs = {}
    for m in man["machines"]:
        if tag and m["tag"] != tag:
            continue
        with open(os.path.join(d, m["runs"][-1]["file"])) as f:
            doc = json.load(f)
        for e in doc["results"]:
            params = {k: v for k, v in e.get("params", {}).items() if k not in drop}
            key = (e["suite"], e["test"], param_text(params))
            figs.setdefault(key, {}).setdefault(m["tag"], []).append(e["median"])
    return figs


def check_outliers(man, path, all_runs):
    with open(path) as f:
        rows = json.load(f)
    by_serial = {m["serial"]: m for m in man["machines"]}
    want = {}  # suite -> serials, worst (smallest factor) first
    for s in man["slow"]:
        want.setdefault(s["suite"], []).append(s["serial"])
    older = {man["machines"][i]["serial"] for i in man["older"]}
    tests = {}
    for r in rows:
        tests.setdefault((r["suite"], r["test"], r["params"]), []).append(r)
    ntests = 0
    for (suite, test, params), rs in tests.items():
        names = [r["machine"] for r in rs if r["machine"] not in older or not all_runs]
        if all_runs:  # the older runs are flagged too (slow on everything), besides the slow ones
            flagged_old = {r["machine"] for r in rs if r["machine"] in older}
            if flagged_old != older:
                fail("%s/%s %s with --all-runs: older runs flagged %s, want %s" % (suite, test, params, sorted(flagged_old), sorted(older)))
            names = [n for n in names if n not in older]
        exp = want.get(suite, [])
        if names != exp:
            fail("%s/%s %s: flagged %s, want %s (worst first)" % (suite, test, params, names, exp))
        for r in rs:
            m = by_serial[r["machine"]]
            run = m["runs"][-1] if not (all_runs and r["machine"] in older) else m["runs"][0]
            if r["run_id"] != run["run_id"] or os.path.basename(r["file"]) != run["file"]:
                fail("%s: run %s file %s, want %s %s" % (r["machine"], r["run_id"], r["file"], run["run_id"], run["file"]))
            if r["verdict"] != "slow":
                fail("%s/%s %s: %s is %s, want slow" % (suite, test, params, r["machine"], r["verdict"]))
        ntests += 1
    for suite in want:
        if not any(k[0] == suite for k in tests):
            fail("no %s test flagged at all" % suite)
    print("# %d flagged rows over %d tests: exactly the slow machines, worst first" % (len(rows), ntests))


def check_summary(man, d, path, tag):
    figs = latest_figures(man, d, tag)
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != sum(len(g) for g in figs.values()):
        fail("%d summary rows, want %d" % (len(rows), sum(len(g) for g in figs.values())))
    for r in rows:
        vals = sorted(figs.get((r["suite"], r["test"], r["params"]), {}).get(r["group"], []))
        if not vals:
            fail("row %s/%s %s %s not in the documents" % (r["suite"], r["test"], r["params"], r["group"]))
        exp = {"n": len(vals), "median": quantile(vals, 0.5), "q1": quantile(vals, 0.25),
               "q3": quantile(vals, 0.75), "min": vals[0], "max": vals[-1]}
        exp["iqr"] = exp["q3"] - exp["q1"]
        for k, v in exp.items():
            if not close(float(r[k]), v, 1e-9) and not (k == "iqr" and abs(float(r[k]) - v) < 1e-9 * abs(exp["median"])):
                fail("%s/%s %s %s: %s %s, want %r" % (r["suite"], r["test"], r["params"], r["group"], k, r[k], v))
    print("# %d summary rows recomputed from the documents" % len(rows))


def check_compare(man, d, path):
    figs = latest_figures(man, d)
    # mem rows are matched by cache level (bytes shown beside) or, for tests measured at several
    # sizes of one level, by size (the level shown beside): their params text leaves it out
    by_role = [latest_figures(man, d, drop=(p,)) for p in ("bytes", "level")]
    with open(path) as f:
        rows = list(csv.DictReader(f))
    base = "rack1"
    checked = 0
    for r in rows:
        if r["suite"] == "disk":  # role matching shows disk rows without disk/disk_kind/api
            continue
        g = figs.get((r["suite"], r["test"], r["params"]))
        for alt in by_role if not g and r["suite"] == "mem" else ():
            g = g or alt.get((r["suite"], r["test"], r["params"]))
        if not g:
            fail("compare row %s/%s %s not in the documents" % (r["suite"], r["test"], r["params"]))
        bmed = quantile(sorted(g[base]), 0.5)
        for tag, vals in g.items():
            med = quantile(sorted(vals), 0.5)
            if int(r[tag + "_n"]) != len(vals) or not close(float(r[tag + "_median"]), med, 1e-5):
                fail("%s/%s %s %s: n %s median %s, want %d %r" % (r["suite"], r["test"], r["params"], tag, r[tag + "_n"], r[tag + "_median"], len(vals), med))
            if tag != base:
                ov = (bmed - med) / bmed * 100 if r["better"] == "higher" else (med - bmed) / bmed * 100
                if abs(float(r[tag + "_overhead_pct"]) - ov) > 1e-4 * max(1, abs(ov)):
                    fail("%s/%s %s %s: overhead %s, want %r" % (r["suite"], r["test"], r["params"], tag, r[tag + "_overhead_pct"], ov))
        checked += 1
    if checked < 50:
        fail("only %d comparable rows" % checked)
    print("# %d compare rows: each tag's median of medians, n and overhead recomputed" % checked)


def main():
    if len(sys.argv) < 4:
        fail("usage: fleet_check.py outliers|summary|compare MANIFEST ...")
    with open(sys.argv[2]) as f:
        man = json.load(f)
    what = sys.argv[1]
    if what == "outliers":
        check_outliers(man, sys.argv[3], "--all-runs" in sys.argv[4:])
    elif what == "summary":
        tag = sys.argv[sys.argv.index("--tag") + 1] if "--tag" in sys.argv else None
        check_summary(man, sys.argv[3], sys.argv[4], tag)
    elif what == "compare":
        check_compare(man, sys.argv[3], sys.argv[4])
    else:
        fail("unknown check " + what)


if __name__ == "__main__":
    main()

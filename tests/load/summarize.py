#!/usr/bin/env python3
"""Summaries for run.sh. Every figure line is: rps p50_ms p99_ms distinct_prefixes bad_responses requests; run.sh appends the
service's CPU milliseconds per request (from /proc/PID/stat around the run).

  summarize.py node N < driver-json        -> the figure line of one driver.mjs run (N: distinct prefixes in its frames)
  summarize.py h2load LOGDIR PARALLEL N    -> the figure line of one h2round (h2load --log-file logs, PARALLEL per round,
                                             N distinct bodies)
  summarize.py table RESULTS CONCURRENCY   -> the Markdown table of every case against the no-op floor, and the targets
  summarize.py cache CSV LABEL             -> the response cache's hit ratio in one run (dotnet-counters CSV)
"""
import glob
import json
import os
import re
import sys


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


def node():
    d = json.loads(sys.stdin.read().strip().splitlines()[-1])
    bad = sum(v for k, v in d["statuses"].items() if k != "0") + d["failures"]
    distinct = d["distinct_bodies"] if d["distinct_bodies"] == 1 else int(sys.argv[2])
    print(d["rps"], d["p50_ms"], d["p99_ms"], distinct, bad, d["requests"])


def h2load(logdir, parallel, distinct):
    rounds = {}
    lat = []
    bad = 0
    files = glob.glob(os.path.join(logdir, "*.log"))
    for f in files:
        i = int(os.path.basename(f)[:-4])
        r = rounds.setdefault(i // parallel, [float("inf"), 0.0, 0])
        for line in open(f):
            parts = line.split()
            if len(parts) < 3:
                continue
            start, status, us = int(parts[0]), int(parts[1]), int(parts[2])
            r[0] = min(r[0], start)
            r[1] = max(r[1], start + us)
            r[2] += 1
            lat.append(us / 1000.0)
            if status != 200:
                bad += 1
    for f in glob.glob(os.path.join(logdir, "*.out")):
        m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", open(f).read())
        if not m:
            bad += 1
        else:
            bad += int(m.group(5)) + int(m.group(6))
    busy = sum((r[1] - r[0]) / 1e6 for r in rounds.values() if r[2])
    n = sum(r[2] for r in rounds.values())
    rps = n / busy if busy else 0
    print(round(rps), round(pct(lat, 0.5), 3), round(pct(lat, 0.99), 3), distinct, bad, n)


# Each case's target as a share of the no-op floor's calls/s (issue #26); None: measured, no target.
TARGETS = {
    "noop": None, "health": None, "report": None,
    "suggest": 0.75, "suggest-uncached": 0.75, "suggest-personal": 0.70,
    "discover-before": 0.60, "discover-browsing": 0.60, "shading": 0.60,
}
NAMES = {
    "noop": "no-op (bare Kestrel h2c, the floor)", "health": "Health/Check", "suggest": "Suggest, cache on",
    "suggest-uncached": "Suggest, cache off", "suggest-personal": "Suggest, signed-in user with history",
    "discover-before": "Discover, before search", "discover-browsing": "Discover, browsing (context query)",
    "shading": "GetShadingWords", "report": "ReportEvents, 20 events a call",
}


def table(results, concurrency):
    """One row per driver and case: peak calls/s and its share of the no-op's, latencies, and p99 at half of the
    case's own peak against the no-op's p99 at half of its peak."""
    rows = {}
    for line in open(results):
        d, load, case, rps, p50, p99, distinct, bad, n, cpu = line.split()
        rows[(d, load, case)] = (float(rps), float(p50), float(p99), int(distinct), int(bad), int(n), float(cpu))
    print(f"| driver | case | req/s at peak ({concurrency} concurrent) | × no-op | target | p50 ms | p99 ms | p99 ms at half peak | × no-op | requests | distinct bodies | bad | service CPU ms/call |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    verdicts = []
    for d in dict.fromkeys(k[0] for k in rows):
        floor, floor_half = rows.get((d, "peak", "noop")), rows.get((d, "half", "noop"))
        for case in dict.fromkeys(k[2] for k in rows if k[0] == d):
            peak, half = rows.get((d, "peak", case)), rows.get((d, "half", case))
            if not peak:
                continue
            rps, p50, p99, distinct, bad, n, cpu = peak
            share = rps / floor[0] if floor and floor[0] else float("nan")
            target = TARGETS.get(case)
            half_p99 = half[2] if half else float("nan")
            p99_share = half_p99 / floor_half[2] if half and floor_half and floor_half[2] else float("nan")
            shown = "–" if target is None else f"≥ {target:.2f}"
            print(f"| {d} | {NAMES.get(case, case)} | {rps:,.0f} | {share:.2f} | {shown} | {p50:.2f} | {p99:.2f} | {half_p99:.2f} | {p99_share:.2f} | {n:,} | {distinct:,} | {bad} | {cpu:.3f} |")
            if target is not None:
                verdicts.append(f"{d} {case}: {share:.2f} × no-op calls/s (target ≥ {target:.2f}: {'met' if share >= target else 'missed'}); "
                                f"p99 at half peak {p99_share:.2f} × no-op's (target ≤ 3: {'met' if p99_share <= 3 else 'missed'})")
    print()
    for v in verdicts:
        print(v)


def cache(csv_path, label):
    """Response cache hits and misses during one run, from a dotnet-counters CSV (--counters QueryRec)."""
    import csv
    hits = misses = 0.0
    try:
        with open(csv_path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                if len(row) < 5:
                    continue
                name, value = row[2], row[-1]
                try:
                    v = float(value)
                except ValueError:
                    continue
                if "queryrec.suggest.cache.hits" in name:
                    hits += v
                elif "queryrec.suggest.cache.misses" in name:
                    misses += v
    except FileNotFoundError:
        print(f"{label}: response cache: no dotnet-counters output")
        return
    total = hits + misses
    ratio = f"{hits / total:.3f}" if total else "n/a"
    print(f"{label}: response cache hit ratio {ratio} ({int(hits):,} hits, {int(misses):,} misses)")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "node":
        node()
    elif cmd == "h2load":
        h2load(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "cache":
        cache(sys.argv[2], sys.argv[3])
    elif cmd == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)

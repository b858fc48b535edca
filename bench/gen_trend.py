#!/usr/bin/env python3
"""bench/gen_trend.py SNAPSHOT SERIES SAMPLES [OUT]: a recording for the pstrend benchmark.

SERIES processes (the real snapshot's records as templates, each given its own pid and start,
cmdline cut to 120 characters), each seen in SAMPLES snapshots one second apart. Memory follows
one of five shapes by pid (a leak, a garbage collector's sawtooth, a warm-up then plateau, flat
noise, slow growth), seeded, so that the statistics have real work; counters advance as in
gen_records.py. Writes to OUT, or stdout.
"""
import json
import math
import random
import sys

MIB = 1048576


def rss_at(k, i, rnd):
    shape = k % 5
    base = (20 + k % 200) * MIB
    if shape == 0:
        return base + 20000 * i + rnd.gauss(0, MIB)
    if shape == 1:
        return base + 2 * MIB * ((i + k) % 37) + rnd.gauss(0, MIB / 4)
    if shape == 2:
        return base + 50 * MIB * (1 - math.exp(-i / 60)) + rnd.gauss(0, MIB / 2)
    if shape == 3:
        return base + rnd.gauss(0, 2 * MIB)
    return base + 512 * i + rnd.gauss(0, MIB / 8)


def main():
    snapshot, series, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    out = open(sys.argv[4], "w", encoding="utf-8") if len(sys.argv) > 4 else sys.stdout
    with open(snapshot, encoding="utf-8") as f:
        templates = [json.loads(line) for line in f if line.strip()]
    rnd = random.Random(20261130)
    t0 = 1_700_000_000
    procs = []
    for k in range(series):
        r = dict(templates[k % len(templates)])
        r["pid"], r["ppid"], r["depth"] = 100000 + k, 1, 1
        r["start"] = t0 - 1000 - k
        if isinstance(r.get("cmdline"), str):
            r["cmdline"] = r["cmdline"][:120]
        procs.append(r)
    for i in range(samples):
        chunk = []
        for k, r in enumerate(procs):
            rec = dict(r)
            rec["ts"] = t0 + i
            rec["age"] = 1000 + k + i
            rec["rss"] = int(rss_at(k, i, rnd))
            if rec.get("utime") is not None:
                rec["utime"] = round(r["utime"] + 0.01 * (k % 7 + 1) * i, 2)
            chunk.append(json.dumps(rec, separators=(",", ":"), ensure_ascii=False))
        out.write("\n".join(chunk))
        out.write("\n")
    out.close()


if __name__ == "__main__":
    main()

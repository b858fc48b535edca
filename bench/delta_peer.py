#!/usr/bin/env python3
"""bench/delta_peer.py: psdelta's pairing in Python with the json module, the benchmark's peer.

The same work as psdelta: key (pid, start, tid), dt from age, cpu, cpu_user, cpu_sys and a
_rate per counter, born-since from the previous snapshot's start + age, null for a counter that
went down or dt <= 0, the same fields null at a first sight, forget processes a snapshot lacked.
Reads stdin, writes stdout.
"""
import json
import sys

COUNTERS = ["utime", "stime", "cutime", "cstime", "iowait", "minflt", "majflt", "vctx", "nvctx",
            "rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes", "cancelled_write_bytes"]
RATED = [c for c in COUNTERS if c not in ("utime", "stime")]


def main():
    seen = {}       # (pid, start, tid) -> (age, counters, generation)
    generation = 0
    ts = None
    clock = prev_clock = None
    out = sys.stdout
    for line in sys.stdin:
        r = json.loads(line)
        if r["ts"] != ts:
            if ts is not None:
                generation += 1
                prev_clock = clock
                seen = {k: v for k, v in seen.items() if v[2] >= generation - 1}
            ts = r["ts"]
            clock = r["start"] + r["age"]
        key = (r["pid"], r["start"], r.get("tid"))
        counters = {c: r[c] for c in COUNTERS if c in r}
        prev = seen.get(key)
        if prev is None and prev_clock is not None and r["start"] + 0.01 > prev_clock:
            prev = (0.0, {c: 0 for c in counters}, generation)
        if prev is not None and "dt" not in r:
            dt = round(r["age"] - prev[0], 3)

            def delta(c):
                a, b = counters.get(c), prev[1].get(c)
                if a is None or b is None or a < b or dt <= 0:
                    return None
                return a - b
            r["dt"] = dt
            u, s = delta("utime"), delta("stime")
            r["cpu"] = round((u + s) / dt * 100, 2) if u is not None and s is not None else None
            r["cpu_user"] = round(u / dt * 100, 2) if u is not None else None
            r["cpu_sys"] = round(s / dt * 100, 2) if s is not None else None
            for c in RATED:
                if c in counters:
                    d = delta(c)
                    r[c + "_rate"] = round(d / dt, 3) if d is not None else None
        elif prev is None and "dt" not in r:
            # A first sight carries the same fields, null: every record has the same columns.
            r["dt"] = r["cpu"] = r["cpu_user"] = r["cpu_sys"] = None
            for c in RATED:
                if c in counters:
                    r[c + "_rate"] = None
        seen[key] = (r["age"], counters, generation)
        out.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bench/trend_peer.py [FILE]: pstrend's statistics in Python, the way a Python user would get
them: json per line, the series keyed by (pid, start), then per series and field numpy for
first/last/min/max/mean, scipy.stats.theilslopes for the slope (and on the later half, for the
persistence check), pymannkendall.hamed_rao_modification_test(lag=16) for p, the same leak rule.
One JSON line per series on stdout (not sorted: the work is what is timed).

PEER_CAP=N judges only every k-th sample of a series (k the least power of two leaving at most
N), the samples pstrend keeps with a store of N: the same arrays, for a like-for-like ratio."""
import os
import json
import sys
import warnings

import numpy as np
import pymannkendall as mk
from scipy import stats

warnings.simplefilter("ignore")
FIELDS = ["rss", "pss", "uss", "swap", "fds", "threads"]


def judge(t, y):
    r = {"first": y[0], "last": y[-1], "min": y.min(), "max": y.max(), "mean": y.mean()}
    if len(y) < 3 or t[-1] == t[0]:
        return r
    fit = stats.theilslopes(y, t - t[0])
    slope, start = fit.slope, fit.intercept
    h = mk.hamed_rao_modification_test(y, alpha=0.05, lag=min(16, len(y) - 1))
    half = len(y) // 2
    later = stats.theilslopes(y[half:], t[half:] - t[0]).slope
    growth = slope * (t[-1] - t[0])
    material = growth >= 0.05 * start if start > 0 else growth > 0
    r.update(slope=slope, p=h.p, leak=bool(h.p < 0.01 and h.s > 0 and slope > 0 and material and later >= 0.5 * slope))
    return r


def main():
    src = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    series = {}
    for line in src:
        rec = json.loads(line)
        s = series.setdefault((rec["pid"], rec["start"]), {"ts": [], **{f: [] for f in FIELDS if f in rec}})
        s["ts"].append(rec["ts"])
        for f in FIELDS:
            if f in s:
                s[f].append(np.nan if rec.get(f) is None else rec[f])
    out = sys.stdout
    cap = int(os.environ.get("PEER_CAP", "0"))
    for (pid, start), s in series.items():
        t = np.array(s["ts"], dtype=float)
        stride = 1
        while cap and (len(t) + stride - 1) // stride > cap:
            stride *= 2
        row = {"pid": pid, "start": start, "samples": len(t)}
        for f in FIELDS:
            if f not in s:
                continue
            y = np.array(s[f], dtype=float)
            keep = ~np.isnan(y)
            if keep.any():
                full = {"first": y[keep][0], "last": y[keep][-1], "min": y[keep].min(), "max": y[keep].max(), "mean": y[keep].mean()}
                tk, yk = t[::stride], y[::stride]
                kk = ~np.isnan(yk)
                for k, v in {**judge(tk[kk], yk[kk]), **full}.items():
                    row[f + "_" + k] = v if isinstance(v, bool) else float(v)
        out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()

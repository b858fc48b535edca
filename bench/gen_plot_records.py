#!/usr/bin/env python3
"""bench/gen_plot_records.py SNAPSHOT PROCESSES SNAPSHOTS OUT: a long recording for bench/plot.sh.

SNAPSHOT is one real `pssnap` snapshot (NDJSON). Its records are cycled to PROCESSES processes,
each with its own pid and start (so psplot and Procpath see PROCESSES series), and written as
SNAPSHOTS snapshots one second apart: `ts` and `age` advance by 1 s, and `rss` moves on a
deterministic walk per process (a slow wave, noise, a leak in every 50th process, a one-sample
spike in every 97th), so every line has something to draw.
"""
import json
import math
import sys


def main():
    snapshot_path, processes, snapshots, out_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(snapshot_path, encoding="utf-8") as f:
        base = [json.loads(line) for line in f if line.strip()]
    procs = []
    for i in range(processes):
        r = dict(base[i % len(base)])
        r["pid"] = 100000 + i
        r["ppid"] = 1 if i else 0
        r["depth"] = 1 if i else 0
        # Rounded after the offset, as pssnap writes it (ticks: 2 decimals), not 1796009283.1100001.
        r["start"] = round(round(r.get("start") or 1700000000, 2) + i * 0.01, 2)
        rss = r.get("rss") or 4096 * (100 + i)
        procs.append((r, max(rss, 1 << 20)))
    t0 = base[0]["ts"]
    with open(out_path, "w", encoding="utf-8") as out:
        for k in range(snapshots):
            lines = []
            for i, (r, rss) in enumerate(procs):
                rec = dict(r)
                rec["ts"] = round(t0 + k, 3)
                rec["age"] = round((r.get("age") or 0) + k, 3)
                wave = 1 + 0.2 * math.sin(k / 40 + i)
                noise = 1 + 0.02 * math.sin(k * 7.3 + i * 1.7)
                leak = 1 + (k / snapshots if i % 50 == 0 else 0)
                spike = 3 if i % 97 == 0 and k == (i * 13) % snapshots else 1
                rec["rss"] = int(rss * wave * noise * leak * spike) // 4096 * 4096
                lines.append(json.dumps(rec, separators=(",", ":"), ensure_ascii=False))
            out.write("\n".join(lines))
            out.write("\n")


if __name__ == "__main__":
    main()

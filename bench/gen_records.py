#!/usr/bin/env python3
"""bench/gen_records.py SNAPSHOT N OUT: N records for the stream benchmarks, from a real snapshot.

SNAPSHOT is one real `pssnap` snapshot (NDJSON). Its records are replayed as consecutive snapshots
one second apart, as many as N records take: `ts` and `age` advance by 1 s, every counter grows
(`utime` by a share of the second that differs per process, io and fault counters by amounts that
differ per process), so psdelta finds a real pair for every process after the first snapshot.
"""
import json
import sys

COUNTERS = ["utime", "stime", "cutime", "cstime", "iowait", "minflt", "majflt", "vctx", "nvctx",
            "rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes", "cancelled_write_bytes"]
TIMES = {"utime", "stime", "cutime", "cstime", "iowait"}


def main():
    snapshot_path, n, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(snapshot_path, encoding="utf-8") as f:
        base = [json.loads(line) for line in f if line.strip()]
    written = 0
    k = 0
    with open(out_path, "w", encoding="utf-8") as out:
        while written < n:
            for i, r in enumerate(base):
                if written == n:
                    break
                rec = dict(r)
                for t in ("ts", "age"):
                    x = round(r[t] + k, 3)
                    rec[t] = int(x) if x == int(x) else x
                for c in COUNTERS:
                    v = r.get(c)
                    if v is None:
                        continue
                    step = (i % 7 + 1) * (0.01 if c in TIMES else 4096 if "bytes" in c or c.endswith("char") else 3)
                    if c in TIMES:
                        x = round(v + step * k, 2)
                        rec[c] = int(x) if x == int(x) else x  # as pssnap writes it: 3, not 3.0
                    else:
                        rec[c] = v + int(step) * k
                out.write(json.dumps(rec, separators=(",", ":"), ensure_ascii=False))
                out.write("\n")
                written += 1
            k += 1


if __name__ == "__main__":
    main()

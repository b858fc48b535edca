#!/usr/bin/env python3
"""bench/export_peer.py: psexport's OpenMetrics output in Python with prometheus_client, the peer.

The same work as `psexport` (default options): read the records (stdin), cut them into snapshots
by ts, and write each snapshot as one OpenMetrics exposition ending in `# EOF`: every gauge,
counter and rate field of the record a metric family with HELP, TYPE and UNIT, named in base units
(`pstools_rss_bytes`, `pstools_utime_seconds_total`, `pstools_cpu_ratio` = cpu / 100), labelled
pid and comm, every sample with the record's ts. The idiomatic way: a custom collector yielding
GaugeMetricFamily / CounterMetricFamily per snapshot, rendered by
prometheus_client.openmetrics.exposition.generate_latest.
"""
import json
import sys

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.openmetrics.exposition import generate_latest

BYTES = {"vsize", "rss", "swap", "pss", "uss", "pss_anon", "pss_file", "pss_shmem",
         "rchar", "wchar", "read_bytes", "write_bytes", "cancelled_write_bytes"}
SECONDS = {"utime", "stime", "cutime", "cstime", "iowait"}
COUNTERS = SECONDS | {"minflt", "majflt", "vctx", "nvctx", "rchar", "wchar", "syscr", "syscw",
                      "read_bytes", "write_bytes", "cancelled_write_bytes"}
GAUGES = {"nice", "prio", "threads", "processor", "vsize", "rss", "swap", "fds", "pss", "uss",
          "pss_anon", "pss_file", "pss_shmem", "tcp", "udp", "unix"}
PERCENT = {"cpu", "cpu_user", "cpu_sys", "cpu_reaped"}
SKIP = {"ts", "pid", "ppid", "pgid", "sid", "tid", "depth", "start", "age", "dt", "uid"}


def naming(field):
    """(family name, unit, kind, scale) as psexport names the field."""
    if field in COUNTERS:
        unit = "bytes" if field in BYTES else "seconds" if field in SECONDS else ""
        return field, unit, "counter", 1.0
    if field in PERCENT:
        return field, "ratio", "gauge", 0.01
    if field.endswith("_rate"):
        base = field[:-5]
        if base in BYTES:
            return (base[:-6] if base.endswith("_bytes") else base), "bytes_per_second", "gauge", 1.0
        if base in SECONDS:
            return base, "ratio", "gauge", 1.0
        return base, "per_second", "gauge", 1.0
    return field, "bytes" if field in BYTES else "", "gauge", 1.0


class Snapshot:
    def __init__(self, records):
        self.records = records

    def collect(self):
        families = {}
        for r in self.records:
            labels = [str(r.get("pid")), r.get("comm") or ""]
            ts = r["ts"]
            for field, value in r.items():
                if field in SKIP or not isinstance(value, (int, float)) or isinstance(value, bool):
                    continue
                if field not in GAUGES and field not in COUNTERS and field not in PERCENT and not field.endswith("_rate"):
                    continue
                fam = families.get(field)
                if fam is None:
                    base, unit, kind, scale = naming(field)
                    name = "pstools_" + base
                    cls = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
                    fam = (cls(name, field, labels=["pid", "comm"], unit=unit), scale)
                    families[field] = fam
                fam[0].add_metric(labels, value * fam[1], timestamp=ts)
        for fam, _ in families.values():
            yield fam


def main():
    out = sys.stdout.buffer
    snapshot, ts = [], None
    for line in sys.stdin:
        r = json.loads(line)
        if r["ts"] != ts and snapshot:
            out.write(generate_latest(Snapshot(snapshot)))
            snapshot = []
        ts = r["ts"]
        snapshot.append(r)
    if snapshot:
        out.write(generate_latest(Snapshot(snapshot)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bench/plot_procpath_db.py NDJSON DB: a pstools record stream as a Procpath SQLite database.

Procpath's `record` writes table `record` (record_id, ts, then one column per /proc field,
named <procfile>_<field>: stat_pid, stat_ppid, stat_comm, stat_rss in pages, ...) and table
`meta` (page_size, clock_ticks, ...), as procpath/procrec.py creates them; `procpath plot -q rss`
reads ts, stat_pid and stat_rss * page_size. This writes those columns (and a few more stat
fields) for every record, so Procpath plots the very data psplot does.
"""
import json
import sqlite3
import sys

PAGE = 4096


def main():
    src, db = sys.argv[1], sys.argv[2]
    conn = sqlite3.connect(db)
    conn.executescript("""
        DROP TABLE IF EXISTS record;
        DROP TABLE IF EXISTS meta;
        CREATE TABLE record (
            record_id INTEGER PRIMARY KEY NOT NULL,
            ts        REAL NOT NULL,
            stat_pid INTEGER, stat_comm TEXT, stat_state TEXT, stat_ppid INTEGER,
            stat_utime INTEGER, stat_stime INTEGER, stat_num_threads INTEGER,
            stat_vsize INTEGER, stat_rss INTEGER, cmdline TEXT
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
    """)
    conn.executemany("INSERT INTO meta VALUES (?, ?)",
                     [("page_size", str(PAGE)), ("clock_ticks", "100"), ("physical_pages", "6000000"), ("cpu_count", "2")])
    rows = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.append((r["ts"], r["pid"], r.get("comm"), r.get("state"), r.get("ppid"),
                         int((r.get("utime") or 0) * 100), int((r.get("stime") or 0) * 100), r.get("threads"),
                         r.get("vsize"), None if r.get("rss") is None else r["rss"] // PAGE, r.get("cmdline")))
            if len(rows) == 50000:
                conn.executemany("INSERT INTO record (ts, stat_pid, stat_comm, stat_state, stat_ppid, stat_utime, stat_stime,"
                                 " stat_num_threads, stat_vsize, stat_rss, cmdline) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
                rows.clear()
    conn.executemany("INSERT INTO record (ts, stat_pid, stat_comm, stat_state, stat_ppid, stat_utime, stat_stime,"
                     " stat_num_threads, stat_vsize, stat_rss, cmdline) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main()

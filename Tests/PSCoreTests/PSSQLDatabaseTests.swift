import Foundation
import Testing
@testable import PSCore

/// The built pssql against the real consumers: sqlite3, a throwaway PostgreSQL cluster (made,
/// started and stopped by the test, on a unix socket in a temp dir only), and Procpath's plot.
/// Every value read back equals the record's.
@Suite(.serialized) struct PSSQLDatabaseTests {
    /// Records whose every value must come back: hostile strings and names, nulls, extreme
    /// integers, floats, arrays and objects, a field that appears later, a reserved word.
    static let hostile = #"""
    {"ts":1700000000.25,"seq":1,"pid":10,"comm":"it's","cmdline":"a\\b\\\\'c E'\\n'","user":"x'); DROP TABLE record; --","cpu":0,"argv":["a b","c'd","\u0000z"],"obj":{"k":"v\u0000","n":[1,2.5,null]},"flag":true,"big":9223372036854775807,"n":null}
    {"ts":1700000000.25,"seq":2,"pid":11,"comm":"cr\r\nlf\rend\r","cmdline":"nul\u0000here","user":"\n.quit\n\\q\n","cpu":12.5,"argv":[],"obj":null,"flag":false,"big":-9223372036854775808,"n":5}
    {"ts":1700000001.5,"seq":3,"pid":12,"comm":"\u001b[31mred\u0007","cmdline":"emoji \ud83d\ude00 \u2028 ;\nCOMMIT;\n\r\n","user":"$$ :v :'v' \\. \\gexec","cpu":33.333333333333336,"big":9223372036854775808,"n":1.5,"x\"); DROP TABLE record; --":"k","later":"new","select":"\t tab"}
    {"ts":1700000001.5,"seq":4,"pid":13,"cpu":1e-7,"big":1e300,"n":0.1,"huge":123456789012345678901234567890,"tiny":5e-324,"later":"\"quoted\""}
    """# + "\n"

    /// Compares every record's values with the rows read back (`rows.json`: one JSON object per
    /// line, in record order): integers exactly, floats to 1e-9, strings byte for byte (U+0000
    /// read back as U+FFFD), arrays and objects as JSON text, null as null.
    static let compare = #"""
    import json, math, sys
    records = [json.loads(l) for l in open(sys.argv[1])]
    rows = [json.loads(l) for l in open(sys.argv[2])]
    def nul(v):
        if isinstance(v, str): return v.replace('\x00', '\ufffd')
        if isinstance(v, list): return [nul(x) for x in v]
        if isinstance(v, dict): return {nul(k): nul(x) for k, x in v.items()}
        return v
    def same(e, g):
        if e is None: return g is None
        if isinstance(e, bool): return g in (e, int(e))
        if isinstance(e, int) and isinstance(g, int): return e == g
        if isinstance(e, (int, float)):
            return isinstance(g, (int, float)) and not isinstance(g, bool) and math.isclose(float(g), float(e), rel_tol=1e-9, abs_tol=0)
        if isinstance(e, str): return g == nul(e)
        return isinstance(g, str) and json.loads(g) == nul(e)
    bad = 0
    if len(rows) != len(records):
        print("rows", len(rows), "records", len(records)); sys.exit(1)
    for i, (r, row) in enumerate(zip(records, rows)):
        for k, v in r.items():
            if k not in row or not same(v, row[k]):
                bad += 1
                print("record", i + 1, repr(k), "wrote", repr(v), "read", repr(row.get(k, "<no column>")))
    print("checked", len(records), "records")
    sys.exit(1 if bad else 0)
    """#

    static func write(_ text: String, _ name: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pssql-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Rows of an SQLite table as JSON lines, by rowid (Python's sqlite3: exact ints, floats, text).
    static func sqliteRows(_ db: String, table: String = "record", order: String = "rowid") -> String {
        "python3 -c 'import sqlite3, json, sys; c = sqlite3.connect(sys.argv[1]); c.row_factory = sqlite3.Row; [print(json.dumps(dict(r))) for r in c.execute(\"SELECT * FROM \\\"\(table)\\\" ORDER BY \(order)\")]' \(db)"
    }

    @Test func sqliteRoundTripGivesBackEveryValue() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.write(Self.hostile, "in.ndjson", in: dir)
        let check = try Self.write(Self.compare, "compare.py", in: dir)
        let run = try TestSupport.shell("""
            set -e; cd \(dir)
            pssql in.ndjson | sqlite3 -bail t.db >/dev/null
            \(Self.sqliteRows("t.db")) > rows.json
            python3 \(check) in.ndjson rows.json
            sqlite3 t.db "SELECT json_extract(argv, '$[1]'), json_extract(obj, '$.n[1]') FROM record WHERE seq = 1"
            sqlite3 t.db "SELECT typeof(cpu), typeof(ts), typeof(pid) FROM record WHERE seq = 1"
            """)
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
        #expect(run.stdoutText.contains("checked 4 records\nc'd|2.5\nreal|real|integer\n"), "\(run.stdoutText)")
    }

    @Test func sqliteRoundTripOfARealRecording() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let check = try Self.write(Self.compare, "compare.py", in: dir)
        let run = try TestSupport.shell("""
            set -e; cd \(dir)
            pssnap -i0.1 -n3 -f +argv,+cgroup --host | psdelta > in.ndjson
            pssql in.ndjson | sqlite3 -bail t.db >/dev/null
            \(Self.sqliteRows("t.db")) > rows.json
            python3 \(check) in.ndjson rows.json
            test "$(sqlite3 t.db 'SELECT count(DISTINCT ts) FROM record')" = 3
            """)
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
    }

    /// The text cut anywhere (a pipeline killed mid-snapshot) leaves whole snapshots only.
    static let truncate = #"""
    import json, re, subprocess, sys, os, collections
    sql = open(sys.argv[1], 'rb').read()
    records = [json.loads(l) for l in open(sys.argv[2])]
    consumer = sys.argv[3]
    sizes = collections.OrderedDict()
    for r in records: sizes[r['ts']] = sizes.get(r['ts'], 0) + 1
    order = list(sizes)
    cuts = sorted(set([len(sql) * i // 29 for i in range(30)] + [m.end() + d for m in re.finditer(b'COMMIT;\n', sql) for d in (-2, -1, 0)]))
    if consumer == 'postgres': cuts = cuts[::3] + [len(sql)]
    seen = []
    for k in cuts:
        if consumer == 'sqlite':
            db = sys.argv[4] + '/cut.db'
            if os.path.exists(db): os.remove(db)
            subprocess.run(['sqlite3', db], input=sql[:k], capture_output=True)
            out = subprocess.run(['sqlite3', db, 'SELECT ts, count(*) FROM record GROUP BY ts ORDER BY min(rowid)'], capture_output=True, text=True).stdout
        else:
            psql = sys.argv[4].split()
            subprocess.run(psql + ['-c', 'DROP TABLE IF EXISTS record'], capture_output=True, check=True)
            subprocess.run(psql, input=sql[:k], capture_output=True)
            out = subprocess.run(psql + ['-At', '-c', 'SELECT ts, count(*) FROM record GROUP BY ts ORDER BY ts'], capture_output=True, text=True).stdout
        got = [(float(a), int(b)) for a, b in (l.split('|') for l in out.split())]
        want = [(float(t), sizes[t]) for t in order[:len(got)]]
        if got != want:
            print('cut at', k, 'of', len(sql), 'left', got, 'not whole snapshots', want); sys.exit(1)
        seen.append(len(got))
    if seen != sorted(seen) or seen[-1] != len(order):
        print('snapshots per cut', seen); sys.exit(1)
    print('cuts', len(cuts), 'snapshots', seen[-1])
    """#

    @Test func aKilledPipelineLeavesOnlyWholeSnapshotsInSQLite() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = try Self.write(Self.truncate, "truncate.py", in: dir)
        let run = try TestSupport.shell("""
            set -e; cd \(dir)
            pssnap -i0.02 -n15 > in.ndjson
            pssql in.ndjson > all.sql
            python3 \(script) all.sql in.ndjson sqlite \(dir)
            # A real kill: pssql dies mid-stream (SIGKILL), sqlite3 sees the text stop.
            { pssnap -i0.02 | tee live.ndjson | pssql & p=$!; sleep 1.5; kill -9 $p; wait; } | sqlite3 live.db >/dev/null || true
            python3 -c '
            import json, sqlite3, collections
            sizes = collections.Counter(json.loads(l)["ts"] for l in open("live.ndjson") if l.endswith("\\n"))
            rows = sqlite3.connect("live.db").execute("SELECT ts, count(*) FROM record GROUP BY ts").fetchall()
            assert rows, "nothing committed"
            bad = [(t, n, sizes[t]) for t, n in rows if sizes[t] != n]
            assert not bad, bad
            print("live snapshots", len(rows))'
            """)
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
        #expect(run.stdoutText.contains("snapshots 15"), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("live snapshots"), "\(run.stdoutText)")
    }

    @Test func sqliteAddsColumnsForAFieldThatAppearsLaterAndAcrossRuns() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TestSupport.shell("""
            cd \(dir)
            pssnap -f stat > a.ndjson; pssnap -i0.05 -n2 | psdelta > b.ndjson
            pssql a.ndjson | sqlite3 -bail t.db >/dev/null || echo "run 1 failed"
            # Without --alter, the older table lacks rchar and cpu: the INSERTs fail, nothing half-done.
            pssql b.ndjson | sqlite3 t.db >/dev/null 2> plain.err && echo "run 2 should fail"
            grep -q 'no column named' plain.err || echo "run 2: $(cat plain.err | head -2)"
            pssql --alter b.ndjson | sqlite3 t.db >/dev/null 2> alter.err; echo "sqlite3 status $?"
            grep -q 'duplicate column name: pid' alter.err || echo "run 3: no duplicate column report"
            test "$(sqlite3 t.db 'SELECT count(*) FROM record')" = "$(cat a.ndjson b.ndjson | wc -l)" || echo "row count differs"
            test "$(sqlite3 t.db 'SELECT count(*) FROM record WHERE rchar IS NOT NULL OR cpu IS NOT NULL')" -gt 0 || echo "no new column values"
            # The same recording again with --alter: every ALTER fails, every row still lands.
            pssql --alter b.ndjson | sqlite3 t.db >/dev/null 2>&1
            test "$(sqlite3 t.db 'SELECT count(*) FROM record')" = "$(cat a.ndjson b.ndjson b.ndjson | wc -l)" || echo "rows lost with --alter"
            # A field that appears later, when an earlier run already made its column.
            printf '{"ts":1,"pid":1}\\n{"ts":1,"pid":2,"extra":"x"}\\n' > c.ndjson
            pssql c.ndjson | sqlite3 -bail t.db >/dev/null
            pssql c.ndjson | sqlite3 t.db >/dev/null 2>&1
            test "$(sqlite3 t.db "SELECT count(*) FROM record WHERE extra = 'x'")" = 2 || echo "later field lost"
            echo done
            """)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText == "sqlite3 status 1\ndone\n", "\(run.stdoutText)")
    }

    @Test func procpathPlotsAProcpathRecording() throws {
        #expect(TestSupport.hasCommand("procpath"), "procpath is not installed (pip install Procpath)")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TestSupport.shell("""
            set -e; cd \(dir)
            pssnap -i0.2 -n4 | pssql --procpath | sqlite3 -bail pp.db >/dev/null
            procpath plot -d pp.db -q cpu -q rss -f cpu.svg >/dev/null 2>&1
            sqlite3 pp.db 'SELECT stat_pid FROM record GROUP BY stat_pid HAVING count(*) = 4 ORDER BY stat_pid LIMIT 5'
            echo ---
            sqlite3 pp.db "SELECT value FROM meta WHERE key = 'clock_ticks'"
            # Procpath's README query: total RSS in MiB (stat_rss in 4 KiB pages).
            sqlite3 pp.db "SELECT SUM(stat_rss) / 1024.0 * 4 > 0 FROM record"
            sqlite3 pp.db "SELECT count(*) FROM record WHERE stat_rss * (SELECT value FROM meta WHERE key = 'page_size') != rss_bytes_check" 2>/dev/null || true
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let parts = run.stdoutText.components(separatedBy: "---\n")
        let pids = parts[0].split(separator: "\n")
        #expect(!pids.isEmpty)
        let svg = (try? String(contentsOfFile: dir + "/cpu.svg", encoding: .utf8)) ?? ""
        for pid in pids { #expect(svg.contains("\"cpu \(pid)\""), "pid \(pid) not in the plot") }
        #expect(parts.count > 1 && parts[1].hasPrefix("100\n1\n") || parts.count > 1 && parts[1].contains("\n1\n"))
    }

    @Test func procpathCPUQueryMatchesPsdelta() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Procpath's cpu query on the ticks pssql wrote, against psdelta's cpu on the same records.
        let run = try TestSupport.shell("""
            set -e; cd \(dir)
            pssnap -i0.3 -n3 | psdelta > in.ndjson
            pssql --procpath in.ndjson | sqlite3 -bail pp.db >/dev/null
            python3 - <<'PY'
            import sqlite3, procpath.procret as r
            rows = r.query('pp.db', r.registry['cpu'])
            db = sqlite3.connect('pp.db')
            ours = {(ts, pid): cpu for ts, pid, cpu in db.execute('SELECT ts, stat_pid, cpu FROM record WHERE cpu IS NOT NULL')}
            far = [(x['ts'], x['pid'], x['value'], ours.get((x['ts'], x['pid']))) for x in rows
                   if ours.get((x['ts'], x['pid'])) is not None and abs(x['value'] - ours[(x['ts'], x['pid'])]) > 5]
            print('points', len(rows), 'far', len(far), far[:3])
            assert rows and len(far) <= len(rows) // 10
            PY
            """)
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
    }

    @Test func postgresRoundTripAlterAndKill() throws {
        let pg = try ThrowawayPostgres()
        defer { pg.stop() }
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.write(Self.hostile, "in.ndjson", in: dir)
        let check = try Self.write(Self.compare, "compare.py", in: dir)
        let truncate = try Self.write(Self.truncate, "truncate.py", in: dir)
        let psql = pg.psql
        let rows = "\(psql) -At -c 'SELECT row_to_json(r) FROM (SELECT * FROM \"user\" ORDER BY seq) r'"
        let run = try TestSupport.shell("""
            set -e; cd \(dir)
            pssql --dialect postgres -t user \(input) | \(psql) -q -v ON_ERROR_STOP=1
            \(rows) > rows.json
            python3 \(check) in.ndjson rows.json
            \(psql) -At -c "SELECT argv::jsonb->>1, (obj::jsonb->'n'->>1)::float8, pg_typeof(cpu), pg_typeof(pid), pg_typeof(flag) FROM \\"user\\" WHERE seq = 1"
            # A real recording, twice: the second run adds psdelta's columns to the first run's table.
            pssnap -f stat -i0.1 -n2 > a.ndjson; pssnap -i0.1 -n3 -f +argv | psdelta > b.ndjson
            pssql --dialect postgres a.ndjson | \(psql) -q -v ON_ERROR_STOP=1 2>&1
            pssql --dialect postgres b.ndjson | \(psql) -q -v ON_ERROR_STOP=1 2>&1
            amax=$(tail -n 1 a.ndjson | python3 -c 'import json, sys; print(json.load(sys.stdin)["ts"])')
            \(psql) -At -c "SELECT row_to_json(r) FROM (SELECT * FROM record WHERE ts > $amax ORDER BY ts, pid) r" > rows2.json
            python3 -c '
            import json
            recs = sorted((json.loads(l) for l in open("b.ndjson")), key=lambda r: (r["ts"], r["pid"]))
            open("b.sorted", "w").write("".join(json.dumps(r) + "\\n" for r in recs))'
            python3 \(check) b.sorted rows2.json
            test "$(\(psql) -At -c 'SELECT count(*) FROM record')" = "$(cat a.ndjson b.ndjson | wc -l)"
            # Cut anywhere: whole snapshots only.
            pssnap -i0.05 -n4 > k.ndjson
            pssql --dialect postgres k.ndjson > k.sql
            python3 \(truncate) k.sql k.ndjson postgres "\(psql)"
            """)
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
        #expect(run.stdoutText.contains("checked 4 records\nc'd|2.5|double precision|bigint|boolean\n"), "\(run.stdoutText)")
        #expect(run.stdoutText.contains("snapshots 4"), "\(run.stdoutText)")
        #expect(!run.stdoutText.contains("NOTICE"))
    }
}

/// A PostgreSQL cluster of the test's own: initdb in a temp dir (as the postgres user when the
/// tests run as root, which PostgreSQL refuses), listening on a unix socket in that dir only
/// (listen_addresses empty: no TCP port at all), stopped and removed by `stop()`.
final class ThrowawayPostgres {
    let dir: String
    let bin: String
    let asUser: String

    init() throws {
        let setup = try TestSupport.shell("""
            set -e
            bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
            test -x "$bin/initdb" || { echo "no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }
            d=$(mktemp -d /tmp/pssql-pg.XXXXXX)
            as=""
            if [ "$(id -u)" = 0 ]; then chown postgres "$d"; as="runuser -u postgres --"; fi
            $as "$bin/initdb" -D "$d/data" -A trust -U postgres --no-sync -E UTF8 --locale=C > "$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; exit 1; }
            # The server must not inherit the test's descriptors (Foundation's Process watches a
            # socket its child holds to learn that it ended: a server holding it would hang the test).
            closefds() { python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
            closefds $as "$bin/pg_ctl" -D "$d/data" -o "-c listen_addresses='' -k $d -c fsync=off" -w -t 60 -l "$d/server.log" start > "$d/pg_ctl.log" 2>&1 || { cat "$d/pg_ctl.log" "$d/server.log" >&2; exit 1; }
            echo "$d"; echo "$bin"; echo "$as"
            """)
        guard setup.status == 0 else { throw RuntimeError("cannot start PostgreSQL: \(setup.stderr)") }
        let lines = setup.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        dir = lines[0]
        bin = lines[1]
        asUser = lines.count > 2 ? lines[2] : ""
    }

    var psql: String { "psql -X -h \(dir) -U postgres -d postgres" }

    func stop() {
        _ = try? TestSupport.shell("\(asUser) \(bin)/pg_ctl -D \(dir)/data -m fast -w stop > /dev/null 2>&1 < /dev/null; rm -rf \(dir)")
    }
}

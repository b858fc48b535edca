import Foundation
import Testing
@testable import PSCore

/// The whole suite against a churning process table (bench/churn.c: hundreds of short-lived
/// processes a second, hostile names, 100 KB argument lists, threads, zombies, orphans), for 10 s.
/// The 10-minute version, with RSS and open descriptors over time, is bench/soak.sh.
@Suite(.serialized) struct ChurnTests {
    @Test(.enabled(if: TestSupport.hasCommand("cc"), "no C compiler for bench/churn.c"))
    func tenSecondsOfChurnThroughEveryTool() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-churn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = dir.path
        let run = try TestSupport.shell("""
            cc -O2 -pthread -o '\(t)/churn' '\(TestSupport.packageRoot.path)/bench/churn.c' || exit 90
            '\(t)/churn' 10 400 2>'\(t)/churn.log' & churn=$!
            { pssnap -i0.05 -T -f +smaps,+net,+cgroup,+argv & echo $! >'\(t)/p1'; wait $!; echo $? >'\(t)/rc1'; } \\
                | tee '\(t)/raw.ndjson' | psfilter 'pid==1..' | psdelta | psagg >'\(t)/agg.ndjson' 2>'\(t)/agg.err' &
            { pssnap -i0.05 -f +argv 'comm~"^(sleep|churn)$"..' & echo $! >'\(t)/p2'; wait $!; echo $? >'\(t)/rc2'; } \\
                | psdelta | pscsv >'\(t)/query.csv' 2>'\(t)/csv.err' &
            wait $churn
            kill -TERM $(cat '\(t)/p1') $(cat '\(t)/p2')
            wait
            cat '\(t)/churn.log' >&2
            echo "$(cat '\(t)/rc1') $(cat '\(t)/rc2')"
            """)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdoutText == "0 0\n", "pssnap's statuses on SIGTERM")
        #expect(run.stderr.hasPrefix("churn: "), "\(run.stderr)")

        // Every line a whole record, with its identity.
        let raw = try Data(contentsOf: dir.appendingPathComponent("raw.ndjson"))
        let parser = RecordParser()
        var records = 0
        for line in Array(raw).split(separator: 0x0A) {
            try line.withUnsafeBufferPointer { bytes in
                let record = try parser.parse(bytes)
                for key in ["pid", "comm", "start", "tid"] {
                    #expect(record[key] != nil && record[key]?.isNull == false, "\(key) in \(String(decoding: bytes, as: UTF8.self))")
                }
            }
            records += 1
        }
        #expect(records > 1000)
        #expect(raw.last == 0x0A)

        // No negative rate anywhere downstream, and the aggregate has a row per snapshot.
        let agg = try String(contentsOf: dir.appendingPathComponent("agg.ndjson"), encoding: .utf8)
        let rows = agg.split(separator: "\n")
        // One row per snapshot that reached psagg (how many depends on the machine's load, not on pstools).
        #expect(rows.count >= 2)
        for row in rows {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            for (key, value) in object where key.hasSuffix("_rate") || key.hasPrefix("cpu") {
                if let number = value as? Double { #expect(number >= 0, "\(key) in \(row)") }
            }
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("agg.err"), encoding: .utf8) == "")
        #expect(try String(contentsOf: dir.appendingPathComponent("csv.err"), encoding: .utf8) == "")

        // The CSV of the queried subtree reads back with Python's csv module, every row as wide as the header.
        if TestSupport.hasCommand("python3") {
            let check = try TestSupport.shell("""
                python3 -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1], newline=""))); \
                assert rows and all(len(r) == len(rows[0]) for r in rows), "ragged"; print(len(rows))' '\(t)/query.csv'
                """)
            #expect(check.status == 0, "\(check.stderr)")
        }
    }
}

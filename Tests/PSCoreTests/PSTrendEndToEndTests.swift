import Foundation
import Testing
@testable import PSCore

/// The built pstrend in real pipelines, on real processes the tests start.
@Suite(.serialized) struct PSTrendEndToEndTests {
    static func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstrend-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A process that allocates and keeps 2 MiB every 100 ms is found among steady ones (a
    /// python3 that allocated 20 MiB once, two sleeps and their shell) in a 4-second recording at
    /// 0.1 s. The verdict is what is checked, not timings: every child ends on its own after 5 s.
    @Test func liveLeakIsFoundAmongSteadyProcesses() throws {
        let dir = try Self.tempDir("live")
        defer { try? FileManager.default.removeItem(at: dir) }
        let leaker = dir.appendingPathComponent("leaker.py"), steady = dir.appendingPathComponent("steady.py")
        try """
        import time
        kept = []
        end = time.monotonic() + 5
        while time.monotonic() < end:
            kept.append(b"x" * (2 << 20))
            time.sleep(0.1)
        """.write(to: leaker, atomically: true, encoding: .utf8)
        try """
        import time
        kept = b"y" * (20 << 20)
        time.sleep(5)
        """.write(to: steady, atomically: true, encoding: .utf8)
        let run = try TestSupport.shell("""
            pssnap -i0.1 -d4 -- sh -c "python3 '\(leaker.path)' & python3 '\(steady.path)' & sleep 5 & sleep 5 & wait" > '\(dir.path)/rec.ndjson' && \
            pstrend '\(dir.path)/rec.ndjson'
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = jsonLines(run.stdoutText)
        #expect(rows.count >= 5, "\(run.stdoutText)")
        let leaks = rows.filter { $0["rss_leak"] as? Bool == true }
        #expect(leaks.count == 1, "\(leaks)")
        let first = try #require(rows.first)
        #expect((first["cmdline"] as? String ?? "").contains("leaker.py"), "\(first)")
        #expect(first["rss_leak"] as? Bool == true)
        // 2 MiB per 100 ms is at most 20 MiB/s: a busy machine may sleep longer, never allocate
        // faster (the bound leaves room for the snapshots' own jitter).
        let slope = first["rss_slope"] as? Double ?? 0
        #expect(slope > 0 && slope < 30 * 1_048_576, "\(slope)")
        let steadyRow = try #require(rows.first { ($0["cmdline"] as? String ?? "").contains("steady.py") })
        #expect(steadyRow["rss_leak"] as? Bool == false)
    }

    /// A run's summary: pssnap | psdelta | psagg | pstrend -y rss,cpu gives one record with the
    /// peak and mean memory and CPU of the whole command.
    @Test func runSummaryThroughTheWholePipeline() throws {
        let run = try TestSupport.shell("""
            pssnap -i0.2 -d2 -- sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done' | psdelta | psagg | pstrend -y rss,cpu
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = jsonLines(run.stdoutText)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect((row["samples"] as? Int ?? 0) >= 2)
        #expect((row["rss_max"] as? Double ?? 0) > 0)
        #expect(row["cpu_max"] is NSNumber && row["cpu_mean"] is NSNumber, "\(row)")
        #expect(row["rss_leak"] is Bool || row["rss_leak"] is NSNull)
    }

    /// Ctrl-C on a live pipeline reaches every stage: pssnap ends its recording, pstrend lets the
    /// first SIGINT pass, reads to the end and writes its records, with status 0.
    @Test func ctrlCOnALivePipelineStillWritesTheSummary() throws {
        let dir = try Self.tempDir("sigint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TestSupport.shell("""
            bash -c 'set -m
            (pssnap -i0.2 "pid==$$" | pstrend -y rss > "\(dir.path)/out"; echo "status ${PIPESTATUS[1]}" > "\(dir.path)/status") &
            job=$!
            for i in $(seq 300); do [ -s "\(dir.path)/out" ] && break; sleep 0.1; [ $i -eq 30 ] && kill -INT -- -$job; done
            wait $job'
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let status = try String(contentsOf: dir.appendingPathComponent("status"), encoding: .utf8)
        #expect(status == "status 0\n")
        let rows = jsonLines(try String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8))
        #expect(rows.count == 1 && (rows.first?["samples"] as? Int ?? 0) >= 2, "\(rows)")
    }

    /// Memory stays flat in the stream's length (256 samples kept per series), and a 200 MB line
    /// is reported and skipped without being held.
    @Test func memoryIsBoundedPerSeries() throws {
        func peak(_ samples: Int) throws -> Int {
            let run = try TestSupport.shell("""
                awk 'BEGIN { for (i = 0; i < \(samples); i++) for (p = 1; p <= 50; p++) printf "{\\"ts\\":%d,\\"pid\\":%d,\\"start\\":1,\\"rss\\":%d,\\"fds\\":%d}\\n", i, p, 1000000 + i * p + (i * 7919 % 1000), i % 17 }' \
                  | /usr/bin/time -f 'maxrss %M' pstrend > /dev/null
                """)
            #expect(run.status == 0, "\(run.stderr)")
            return run.stderr.split(separator: "\n").compactMap { $0.hasPrefix("maxrss ") ? Int($0.dropFirst(7)) : nil }.first ?? .max
        }
        let short = try peak(300), long = try peak(20_000)
        #expect(Double(long) <= Double(short) * 1.5 + 2048, "peak RSS \(short) KiB at 300 samples, \(long) KiB at 20000")
        let good = "{\"ts\":1,\"pid\":1,\"start\":1,\"rss\":5}"
        let huge = try TestSupport.shell("""
            { echo '\(good)'; head -c 200000000 /dev/zero | tr '\\0' x; echo; echo '\(good)'; } | /usr/bin/time -f 'maxrss %M' pstrend
            """)
        #expect(huge.status == 1)
        let lines = huge.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("pstrend: stdin:2: line longer than") == true, "\(huge.stderr)")
        let rss = lines.compactMap { $0.hasPrefix("maxrss ") ? Int($0.dropFirst(7)) : nil }.first ?? .max
        #expect(rss < 100_000, "peak RSS \(rss) KiB")
        #expect(jsonLines(huge.stdoutText).first?["samples"] as? Int == 1)
    }

    /// Strings from processes come out as valid JSON on one line; /dev/full is reported once;
    /// a reader that goes away ends pstrend silently with status 0.
    @Test func hostileStringsWriteErrorsAndClosedPipes() throws {
        let dir = try Self.tempDir("faults")
        defer { try? FileManager.default.removeItem(at: dir) }
        var input = ""
        for i in 0..<3 { input += "{\"ts\":\(i),\"pid\":7,\"start\":1,\"comm\":\"a\\nb\\u001b[2J\\\"\",\"cmdline\":\"x\\ty\",\"rss\":\(i)}\n" }
        for s in 0..<20_000 { input += "{\"ts\":1,\"pid\":\(100 + s),\"start\":1,\"comm\":\"w\",\"rss\":5}\n" }
        let file = dir.appendingPathComponent("in.ndjson")
        try input.write(to: file, atomically: true, encoding: .utf8)
        let ok = try TestSupport.shell("pstrend '\(file.path)'")
        #expect(ok.status == 0)
        let rows = jsonLines(ok.stdoutText)
        #expect(rows.count == 20_001 && ok.lines.count == 20_001)
        #expect(rows.contains { $0["comm"] as? String == "a\nb\u{1b}[2J\"" && $0["cmdline"] as? String == "x\ty" })
        let full = try TestSupport.shell("pstrend '\(file.path)' > /dev/full")
        #expect(full.status == 1)
        #expect(full.stderr == "pstrend: write error: No space left on device\n")
        let closed = try TestSupport.shell("bash -c \"set -o pipefail; pstrend '\(file.path)' | head -c 10 > /dev/null\"")
        #expect(closed.status == 0)
        #expect(closed.stderr == "")
    }
}

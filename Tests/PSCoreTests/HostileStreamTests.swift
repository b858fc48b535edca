import Foundation
import Testing
@testable import PSCore

/// Every tool that reads the stream, fed what a hostile world sends: each bad line gets one clear
/// `TOOL: FILE:LINE[:COL]: message`, the good records around it still come out, the exit status
/// is 1, and memory stays bounded however long a line is.
@Suite(.serialized) struct HostileStreamTests {
    static let tools: [(name: String, args: String)] = [
        ("psfilter", "'pid>0'"), ("psdelta", ""), ("psagg", ""), ("pscsv", "-f pid,comm"), ("pstsv", "-f pid,comm"),
    ]

    static let good1 = #"{"ts":1700000000,"pid":10,"ppid":1,"depth":1,"comm":"good","start":1699999000,"age":1000,"utime":1,"rss":4096}"#
    static let good2 = #"{"ts":1700000001,"pid":10,"ppid":1,"depth":1,"comm":"good","start":1699999000,"age":1001,"utime":2,"rss":4096}"#

    /// The bad lines, each with what its message must say.
    static let badLines: [(bytes: [UInt8], says: String)] = [
        (Array("\u{01}\u{02}garbage\u{7f}".utf8), "not a JSON object"),
        (Array(String(repeating: "[", count: 100_000).utf8), ""),
        ([0x7B, 0x22, 0x63, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D], "UTF-8"),
        ([0x7B, 0x22, 0x61, 0x22, 0x00, 0x3A, 0x31, 0x7D], ""),
        (Array(#"{"ts":1700000000,"pid":"#.utf8), ""),
    ]

    func writeInput(_ url: URL) throws {
        var data = Data((Self.good1 + "\n").utf8)
        for bad in Self.badLines { data.append(contentsOf: bad.bytes + [0x0A]) }
        // CRLF line ends and duplicate keys are valid JSON: they are records, not errors.
        data.append(contentsOf: Array((Self.good2 + "\r\n").utf8))
        // A truncated last line.
        data.append(contentsOf: Array(#"{"ts":1700000002,"pid":10,"co"#.utf8))
        try data.write(to: url)
    }

    @Test(arguments: tools.map(\.name))
    func badLinesAreReportedOnceAndGoodRecordsStillComeOut(tool: String) throws {
        let args = Self.tools.first { $0.name == tool }!.args
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-hostile-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.ndjson")
        try writeInput(input)
        let run = try TestSupport.shell("\(tool) \(args) '\(input.path)'")
        #expect(run.status == 1)
        let messages = run.stderr.split(separator: "\n").map(String.init)
        // Lines 2-7 are bad, line 9 is cut short; each is reported once, with where it is.
        #expect(messages.count == Self.badLines.count + 1, "\(messages)")
        for (i, message) in messages.enumerated() {
            let line = i < Self.badLines.count ? i + 2 : Self.badLines.count + 3
            #expect(message.hasPrefix("\(tool): \(input.path):\(line):"), "\(message)")
            if i < Self.badLines.count && !Self.badLines[i].says.isEmpty {
                #expect(message.contains(Self.badLines[i].says), "\(message)")
            }
        }
        // The good records (the first, and the CRLF one) came through.
        switch tool {
        case "psfilter":
            #expect(run.stdoutText == Self.good1 + "\n" + Self.good2 + "\n")
        case "psdelta":
            #expect(run.lines.count == 2)
            #expect(run.lines.last?.contains("\"dt\":1") == true)
        case "psagg":
            #expect(run.lines.count == 2)
        default:
            #expect(run.lines.count == 3, "\(run.lines)")
        }
        // --strict stops at the first bad line.
        let strict = try TestSupport.shell("\(tool) --strict \(args) '\(input.path)'")
        #expect(strict.status == 1)
        #expect(strict.stderr.split(separator: "\n").count == 1, "\(strict.stderr)")
    }

    /// 1e999999 and a 30-digit integer are valid JSON: a record carrying them is no error, and a
    /// tool that computes with them writes no exponent, no inf and no NaN (psagg: null, and says so).
    @Test func hugeNumbersPassThroughAndNeverBecomeInfinity() throws {
        let odd = #"{"ts":1700000000,"pid":10,"ppid":1,"comm":"odd","start":1699999000,"age":1000,"utime":123456789012345678901234567890,"rss":1e999999}"#
        let filtered = try TestSupport.shell("echo '\(odd)' | psfilter 'rss>1G'")
        #expect(filtered.status == 0 && filtered.stdoutText == odd + "\n")
        // psagg cannot sum 1e999999 in a double: its rss is null, said on stderr, status 1.
        let summed = try TestSupport.shell("echo '\(odd)' | psagg")
        #expect(summed.status == 1)
        #expect(summed.stdoutText.contains(#""rss":null"#) && summed.stderr.contains("the sum of 'rss' is beyond the range"))
        for bad in ["e+", "E+", "inf", "nan", "Infinity"] { #expect(!summed.stdoutText.contains(bad), "\(summed.stdoutText)") }
    }

    @Test(arguments: tools.map(\.name))
    func aHugeLineIsCappedAndMemoryStaysBounded(tool: String) throws {
        let args = Self.tools.first { $0.name == tool }!.args
        // 200 MB without a newline between two good records.
        let run = try TestSupport.shell("""
            { echo '\(Self.good1)'; head -c 200000000 /dev/zero | tr '\\0' x; echo; echo '\(Self.good2)'; } \
              | /usr/bin/time -f 'maxrss %M' \(tool) \(args) >/dev/null
            """)
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("\(tool): stdin:2: line longer than") == true, "\(run.stderr)")
        let rss = lines.compactMap { $0.hasPrefix("maxrss ") ? Int($0.dropFirst(7)) : nil }.first ?? .max
        #expect(rss < 100_000, "peak RSS \(rss) KiB")
    }

    /// /dev/full: one message in the tool's voice, exit 1. A reader that goes away: silence, exit 0.
    @Test(arguments: tools.map(\.name))
    func writeErrorsAndClosedPipes(tool: String) throws {
        let args = Self.tools.first { $0.name == tool }!.args
        let records = String(repeating: Self.good1 + "\n" + Self.good2 + "\n", count: 20_000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.ndjson")
        try records.write(to: input, atomically: true, encoding: .utf8)
        let full = try TestSupport.shell("\(tool) \(args) '\(input.path)' > /dev/full")
        #expect(full.status == 1)
        #expect(full.stderr == "\(tool): write error: No space left on device\n")
        // The tool's own status, through bash's pipefail.
        let closed = try TestSupport.shell("bash -c \"set -o pipefail; \(tool) \(args) '\(input.path)' | head -c 10 > /dev/null\"")
        #expect(closed.status == 0)
        #expect(closed.stderr == "")
    }

    /// Opening a FIFO operand blocks until its writer comes: what the earlier files gave is
    /// written first (pstools(7): output is never held back waiting for input).
    @Test(arguments: tools.map(\.name))
    func outputIsFlushedBeforeOpeningAFIFO(tool: String) throws {
        let args = Self.tools.first { $0.name == tool }!.args
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = dir.path
        // psagg writes a snapshot's row when the next one starts: give it two snapshots.
        let run = try TestSupport.shell("""
            printf '%s\\n%s\\n' '\(Self.good1)' '\(Self.good2)' > '\(t)/a.ndjson'; mkfifo '\(t)/fifo'
            \(tool) \(args) '\(t)/a.ndjson' '\(t)/fifo' > '\(t)/out' & p=$!
            # The tool now blocks opening the FIFO: what it had must already be out. (Waits as long
            # as a busy machine needs, up to a minute; a tool that holds its output back never gets there.)
            i=0; while [ ! -s '\(t)/out' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
            wc -l < '\(t)/out'; : > '\(t)/fifo'; wait $p
            """)
        #expect(run.status == 0, "\(run.stderr)")
        #expect((Int(run.lines.first ?? "") ?? 0) >= 1, "\(run.stdoutText)")
    }
}

/// Under a small address-space limit (`ulimit -v`, as a cautious cron job sets), a line too big
/// for the memory left is skipped and reported like an overlong line, and the good records
/// around it still come out: no abort, no good record lost.
@Suite(.serialized) struct LowMemoryStreamTests {
    @Test(arguments: [30_000, 45_000, 60_000])
    func aLineTooBigForMemoryIsSkippedAndTheGoodRecordsComeOut(limit: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-lowmem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.ndjson")
        var data = Data(Array(#"{"ts":1,"pid":1,"ppid":0,"comm":"a"}"#.utf8) + [0x0A])
        data.append(contentsOf: Array(#"{"ts":1,"pid":2,"ppid":0,"comm":"b","cmdline":""#.utf8))
        data.append(contentsOf: [UInt8](repeating: 0x78, count: 12 << 20))
        data.append(contentsOf: Array("\"}\n".utf8))
        data.append(contentsOf: Array(#"{"ts":1,"pid":3,"ppid":0,"comm":"c"}"#.utf8) + [0x0A])
        data.append(contentsOf: [UInt8](repeating: 0x20, count: 20 << 20))
        data.append(contentsOf: [0x0A] + Array(#"{"ts":1,"pid":5,"ppid":0,"comm":"e"}"#.utf8) + [0x0A])
        try data.write(to: input)
        for source in ["'\(input.path)'", "< '\(input.path)'", "- < '\(input.path)'"] {
            let run = try TestSupport.shell("ulimit -v \(limit); psfilter 'pid>0' \(source) | cut -c1-40")
            #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("crashed"), "\(run.stderr.prefix(300))")
            let written = run.lines.map { String($0) }
            #expect(written.first == #"{"ts":1,"pid":1,"ppid":0,"comm":"a"}"#, "limit \(limit) \(source): \(written)")
            #expect(written.contains(#"{"ts":1,"pid":3,"ppid":0,"comm":"c"}"#), "limit \(limit) \(source): \(written) \(run.stderr.prefix(300))")
            #expect(written.last == #"{"ts":1,"pid":5,"ppid":0,"comm":"e"}"#, "limit \(limit) \(source): \(written)")
            let messages = run.stderr.split(separator: "\n")
            #expect(messages.allSatisfy { $0.hasPrefix("psfilter: ") && $0.contains("skipped") }, "\(messages)")
        }
    }
}

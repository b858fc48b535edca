import Foundation
import Testing
@testable import PSCore

/// Throughput of the record reader, printed, not asserted (the figure depends on the machine).
/// Run in release, where it means something:
///
///     PSTOOLS_BENCH=1 swift test -c release --filter RecordThroughput
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PSTOOLS_BENCH"] == "1"))
struct RecordThroughputTests {
    static let lineCount = 200_000

    /// Lines shaped like pssnap's default output (stat, status, io, fd, cmdline), about 600
    /// bytes each, with varied numbers, names and command lines, and a few escapes.
    static func syntheticStream(_ count: Int) -> [UInt8] {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: UInt64) -> UInt64 {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return seed % bound
        }
        let comms = ["systemd", "kworker/0:1", "bash", "nginx", "postgres", "sshd", "containerd-shim", "python3"]
        let args = ["--config", "/etc/app/config.yaml", "-v", "--listen", "0.0.0.0:8080", "--workers=4",
                    "--log-level", "info", "--data-dir", "/var/lib/app/data", "run", "--name", "svc \"main\""]
        // Never flushed: the bytes stay in the buffer.
        let o = OutputBuffer(fd: -1)
        for i in 0..<count {
            let pid = 1 + next(4_000_000)
            let comm = comms[Int(next(UInt64(comms.count)))]
            o.append("{\"ts\":1700001000.25,\"pid\":"); o.appendDecimal(pid)
            o.append(",\"ppid\":"); o.appendDecimal(next(pid))
            o.append(",\"pgid\":"); o.appendDecimal(pid)
            o.append(",\"sid\":"); o.appendDecimal(next(pid))
            o.append(",\"depth\":"); o.appendDecimal(next(6))
            o.append(",\"comm\":"); o.appendJSONString(comm)
            o.append(",\"state\":\"S\",\"tty\":"); o.append(next(4) == 0 ? "\"pts/3\"" : "null")
            o.append(",\"uid\":1000,\"user\":\"alice\",\"start\":"); o.appendScaled(Int64(1_699_990_000_000 + next(10_000_000)), scale: 3)
            o.append(",\"age\":"); o.appendScaled(Int64(next(100_000_000)), scale: 3)
            o.append(",\"nice\":0,\"prio\":20,\"threads\":"); o.appendDecimal(1 + next(64))
            o.append(",\"processor\":"); o.appendDecimal(next(16))
            for name in ["utime", "stime", "cutime", "cstime", "iowait"] {
                o.append(",\""); o.appendText(name); o.append("\":"); o.appendScaled(Int64(next(10_000_000)), scale: 2)
            }
            for name in ["minflt", "majflt", "vsize", "rss", "swap", "vctx", "nvctx", "rchar", "wchar", "syscr", "syscw",
                         "read_bytes", "write_bytes", "cancelled_write_bytes"] {
                o.append(",\""); o.appendText(name); o.append("\":")
                if i % 7 == 0 && name.hasSuffix("bytes") { o.append("null") } else { o.appendDecimal(next(1 << 34)) }
            }
            o.append(",\"fds\":"); o.appendDecimal(next(300))
            var cmdline = "/usr/bin/" + comm
            while cmdline.utf8.count < 150 + Int(next(150)) { cmdline += " " + args[Int(next(UInt64(args.count)))] }
            o.append(",\"cmdline\":"); o.appendJSONString(cmdline)
            o.append("}\n")
        }
        return o.bytes
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The best of three runs of `body`, which handles `lines` lines of `bytes` bytes.
    static func measure(_ label: String, lines: Int, bytes: Int, _ body: () throws -> Int) rethrows {
        var best = Double.infinity
        var check = 0
        for _ in 0..<3 {
            let t0 = now()
            check = try body()
            best = min(best, now() - t0)
        }
        let rate = Double(lines) / best
        let mbps = Double(bytes) / best / 1e6
        print("RecordThroughput \(label): \(Int(rate / 1000)) k lines/s, \(Int(mbps)) MB/s (\(check))")
    }

    @Test func throughput() throws {
        let stream = Self.syntheticStream(Self.lineCount)
        let average = stream.count / Self.lineCount
        print("RecordThroughput: \(Self.lineCount) lines of \(average) bytes on average")

        // Line boundaries, found once, so the first figure is the parser alone.
        var starts: [Int] = [0]
        for (i, b) in stream.enumerated() where b == 0x0A { starts.append(i + 1) }

        let parser = RecordParser()
        try stream.withUnsafeBufferPointer { all in
            try Self.measure("parse (index only)", lines: Self.lineCount, bytes: stream.count) {
                var fields = 0
                for k in 0..<(starts.count - 1) {
                    let line = UnsafeBufferPointer(rebasing: all[starts[k]..<(starts[k + 1] - 1)])
                    fields += try parser.parse(line).count
                }
                return fields
            }
        }

        let files = try InputFiles()
        let path = try files.write("stream.ndjson", stream)

        try Self.measure("read lines only", lines: Self.lineCount, bytes: stream.count) {
            let reader = LineReader(arguments: [path])
            var n = 0
            while let event = try reader.next() { if case .line = event { n += 1 } }
            return n
        }

        try Self.measure("read + parse", lines: Self.lineCount, bytes: stream.count) {
            let reader = RecordReader(arguments: [path])
            var n = 0
            while let event = try reader.next() { if case .record = event { n += 1 } }
            return n
        }

        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        try Self.measure("read + parse + pid/start/rss/comm + write back", lines: Self.lineCount, bytes: stream.count) {
            let out = OutputBuffer(fd: devNull)
            let reader = RecordReader(arguments: [path], willBlock: { try out.flush() })
            let pid = RecordKey("pid"), start = RecordKey("start"), rss = RecordKey("rss"), comm = RecordKey("comm")
            var total = 0.0
            var commBytes = 0
            while let event = try reader.next() {
                guard case .record(let r) = event else { continue }
                guard let p = r[pid]?.int64, let s = r[start]?.double else { continue }
                total += r[rss]?.double ?? 0
                commBytes += r[comm]?.withStringBytes { $0.count } ?? 0
                if p & 1 == 0 || s > 0 {
                    out.append(r.object)
                    out.append(0x0A)
                    try out.flushIfFull()
                }
            }
            try out.flush()
            return Int(total) &+ commBytes
        }

        try Self.measure("read + parse + 25 numeric fields (psdelta-like)", lines: Self.lineCount, bytes: stream.count) {
            let reader = RecordReader(arguments: [path])
            let keys = ["ts", "pid", "ppid", "start", "age", "utime", "stime", "cutime", "cstime", "iowait", "minflt",
                        "majflt", "vsize", "rss", "swap", "vctx", "nvctx", "rchar", "wchar", "syscr", "syscw",
                        "read_bytes", "write_bytes", "cancelled_write_bytes", "fds"].map(RecordKey.init)
            var total = 0.0
            while let event = try reader.next() {
                guard case .record(let r) = event else { continue }
                for k in keys { total += r[k]?.double ?? 0 }
            }
            return Int(total / 1e6)
        }
    }
}

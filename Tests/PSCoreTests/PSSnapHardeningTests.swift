import Foundation
import Testing
@testable import PSCore

/// pssnap against hostile processes, hostile numbers and faults of its output: every record it
/// writes can be read back, no number read from /proc becomes another number, a command's output
/// never enters the stream, and a closed or full output never loses the command's status.
@Suite(.serialized) struct PSSnapHardeningTests {
    static let seam = "realtime=1700001000.25,boottime=1000.5,pagesize=4096,hz=100,host=h,passwd=/dev/null"
    typealias Object = [String: Any]

    func objects(_ text: String) -> [Object] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? Object }
    }

    func tempDir(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: - -- COMMAND: its output and ours

    @Test func theCommandsStdoutGoesToStderrNeverIntoTheRecords() throws {
        let run = try TestSupport.shell("pssnap -i0.1 -f stat -- sh -c 'echo hello; echo world; sleep 0.3' | psdelta")
        #expect(run.status == 0)
        #expect(run.stderr == "hello\nworld\n")
        #expect(!objects(run.stdoutText).isEmpty)
        #expect(run.lines.allSatisfy { $0.hasPrefix("{\"ts\":") })
    }

    @Test func withOutputTheRecordsGoToTheFileAndStdoutStaysTheCommands() throws {
        let dir = try tempDir("snap-o")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("records.ndjson").path
        try "old content that must go\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try TestSupport.shell("pssnap -i0.1 -f stat -o '\(file)' -- sh -c 'echo hello; sleep 0.3; exit 4'")
        #expect(run.status == 4)
        #expect(run.stdoutText == "hello\n")
        #expect(run.stderr == "")
        let records = objects(try String(contentsOfFile: file, encoding: .utf8))
        #expect(records.contains { $0["comm"] as? String == "sh" })
        #expect(!(try String(contentsOfFile: file, encoding: .utf8)).contains("old content"))
        // A planted symbolic link is not followed, and nothing is started.
        let link = dir.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir.appendingPathComponent("target").path)
        let refused = try TestSupport.shell("pssnap -o '\(link)' -- touch '\(dir.path)/started'")
        #expect(refused.status == 1)
        #expect(refused.stderr == "pssnap: '\(link)' is a symbolic link; not followed when writing (name its target)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("started").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("target").path))
    }

    /// `pssnap -i0.2 -- CMD | head -1`: at the closed pipe pssnap stops writing, still waits for
    /// the command, and exits with its status.
    @Test func aClosedPipeStillWaitsForTheCommandAndGivesItsStatus() throws {
        let dir = try tempDir("snap-epipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let done = dir.appendingPathComponent("done").path
        let run = try TestSupport.shell("""
            { pssnap -i0.1 -f stat -- sh -c 'sleep 1; touch "\(done)"; exit 7'; echo "status $?" >&2; } | head -n1
            """)
        #expect(run.lines.count == 1)
        #expect(run.stderr == "status 7\n")
        #expect(FileManager.default.fileExists(atPath: done))
    }

    /// An O_NONBLOCK stdout (set by whoever made the pipe) that fills is waited for, not an error.
    @Test func aFullNonBlockingStdoutIsWaitedFor() throws {
        let script = """
            import fcntl, os, subprocess, sys, time
            r, w = os.pipe()
            fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: a small pipe fills at once
            os.set_blocking(w, False)
            p = subprocess.Popen(["pssnap", "-n3", "-i0.01", "-f", "+argv,+cgroup"], stdout=w, stderr=subprocess.PIPE)
            os.close(w)
            time.sleep(0.5)
            data = b""
            while True:
                chunk = os.read(r, 65536)
                if not chunk: break
                data += chunk
            err = p.stderr.read()
            sys.stdout.write("status %d lines %d err %r\\n" % (p.wait(), data.count(b"\\n"), err))
            """
        let run = try TestSupport.shell("python3 -c '\(script.replacingOccurrences(of: "'", with: "'\\''"))'")
        let line = run.stdoutText
        #expect(line.hasPrefix("status 0 lines "), "\(line) \(run.stderr)")
        #expect(line.hasSuffix(" err b''\n"), "\(line)")
    }

    // MARK: - Hostile processes

    /// A 2 MB argv of control bytes (each written as a 6-byte escape) would make a record of
    /// 24 MB, which no tool reads: cmdline and argv are cut at 128 KiB and end with `…`.
    @Test func aHugeArgvIsCutSoEveryToolStillReadsTheRecord() throws {
        let run = try TestSupport.shell("""
            ulimit -s 65536 2>/dev/null
            big=$(head -c 100000 /dev/zero | tr '\\0' '\\001')
            set --; for i in $(seq 20); do set -- "$@" "$big"; done
            sh -c 'sleep 30; :' sh "$@" & p=$!
            for i in $(seq 100); do [ -n "$(cat /proc/$p/task/$p/children)" ] && break; sleep 0.05; done
            pssnap -f cmdline,argv | psfilter "pid==$p" | psdelta | psfilter "pid==$p"; echo "status $?" >&2
            kill -KILL $p $(cat /proc/$p/task/$p/children)
            """)
        #expect(run.stderr == "status 0\n")
        let lines = run.lines
        #expect(lines.count == 1)
        guard let line = lines.first else { return }
        #expect(line.utf8.count < LineReader.defaultMaxLineLength)
        let record = try #require(objects(String(line)).first)
        let cmdline = try #require(record["cmdline"] as? String)
        let argv = try #require(record["argv"] as? [String])
        #expect(cmdline.hasSuffix("…"))
        #expect(argv.last?.hasSuffix("…") == true)
        #expect(argv.joined(separator: " ") == cmdline)
        #expect(argv.prefix(4) == ["sh", "-c", "sleep 30; :", "sh"])
        #expect(cmdline.utf8.count == RecordWriter.cmdlineLimit + 3)
    }

    @Test func everyRecordFitsTheReadersLineLimit() {
        #expect(RecordWriter.maxRecordBytes < LineReader.defaultMaxLineLength)
    }

    /// argv ["a", "b", ""] is `a\0b\0\0`: cmdline keeps the trailing empty argument as argv does.
    @Test(arguments: [
        ("a\0b\0\0", "a b ", ["a", "b", ""]),
        ("a\0b\0", "a b", ["a", "b"]),
        ("a\0\0\0", "a  ", ["a", "", ""]),
        ("\0", "", [""]),
        ("", "", []),
        ("sshd: user@pts/0", "sshd: user@pts/0", ["sshd: user@pts/0"]),
        ("title\0\0", "title ", ["title", ""]),
    ] as [(String, String, [String])])
    func cmdlineIsArgvJoinedByOneSpace(_ raw: String, _ cmdline: String, _ argv: [String]) throws {
        let writer = RecordWriter(groups: [.stat, .cmdline, .argv], threads: false, host: nil,
                                  environment: SystemEnvironment(seam: Self.seam), btimeMs: 0)
        var s = ProcessSample()
        s.pid = 5
        s.cmdline = Array(raw.utf8)
        let out = OutputBuffer(fd: -1)
        writer.write(s, depth: 0, realtimeMs: 0, boottimeMs: 0, to: out)
        let record = try #require(objects(out.text).first)
        #expect(record["cmdline"] as? String == cmdline)
        #expect(record["argv"] as? [String] == argv)
    }

    @Test func aLiveTrailingEmptyArgumentShowsInCmdline() throws {
        let run = try TestSupport.shell("""
            sh -c 'sleep 30; :' sh a '' & p=$!
            for i in $(seq 100); do [ -n "$(cat /proc/$p/task/$p/children)" ] && break; sleep 0.05; done
            pssnap -p $p -f cmdline,argv; kill -KILL $p $(cat /proc/$p/task/$p/children)
            """)
        let record = try #require(objects(run.stdoutText).first)
        #expect(record["argv"] as? [String] == ["sh", "-c", "sleep 30; :", "sh", "a", ""])
        #expect(record["cmdline"] as? String == "sh -c sleep 30; : sh a ")
    }

    /// Each process's age is measured when its stat is read, not at the snapshot's start: the
    /// counters read with it never cover more life than the age says.
    @Test func ageIsTakenWhenEachStatIsRead() throws {
        let root = TestSupport.fixtures.appendingPathComponent("proc/hostile")
        let reader = try ProcfsReader(root: root.path, groups: .stat, threads: false, keepFilesOpen: false,
                                      environment: SystemEnvironment(seam: "realtime=1700001000.25,boottime=1000.5,pagesize=4096,hz=100"))
        var clock: Int64 = 1_000_500
        reader.boottimeClock = { clock += 1000; return clock }
        let snapshot = reader.snapshot()
        let writer = RecordWriter(groups: .stat, threads: false, host: nil,
                                  environment: SystemEnvironment(seam: Self.seam), btimeMs: reader.btimeMs)
        for t in snapshot.tasks {
            let out = OutputBuffer(fd: -1)
            writer.write(t.sample, depth: 0, realtimeMs: snapshot.realtimeMs, boottimeMs: snapshot.boottimeMs, to: out)
            let record = try #require(objects(out.text).first)
            let startTicks = Double(t.sample.startTicks)
            let expected = (Double(t.sample.statReadBoottimeMs!) - startTicks * 10) / 1000
            #expect(abs((record["age"] as! Double) - expected) < 1e-9)
            #expect(t.sample.statReadBoottimeMs! > 1_000_500)
        }
        // Every stat was read at its own time.
        #expect(Set(snapshot.tasks.map { $0.sample.statReadBoottimeMs! }).count == snapshot.tasks.count)
    }

    /// On the live system: a busy process's utime + stime never exceeds its age (it would when
    /// the age came from before the read).
    @Test func aBusyProcessNeverShowsMoreCPUThanItsAge() throws {
        let run = try TestSupport.shell("""
            sh -c 'while :; do :; done' & p=$!; sleep 0.3
            for i in 1 2 3 4 5 6 7 8 9 10; do pssnap -p $p -f stat; done; kill -KILL $p
            """)
        let records = objects(run.stdoutText)
        #expect(records.count == 10)
        for r in records {
            let cpu = (r["utime"] as! Double) + (r["stime"] as! Double)
            // age is in ms, truncated: allow that one ms of rounding, nothing of timing.
            #expect(cpu <= (r["age"] as! Double) + 0.001, "\(r)")
        }
    }

    // MARK: - Numbers out of range

    func makeTree(btime: String = "1700000000", status: String? = nil, smaps: String? = nil, stat: String? = nil) throws -> URL {
        let root = try tempDir("snap-numbers")
        try "btime \(btime)\n".write(to: root.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        let dir = root.appendingPathComponent("1")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try (stat ?? "1 (init) S 0 1 1 0 -1 4194560 10 0 2 0 150 320 0 0 20 0 1 0 5 10000000 500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 12 0 0 0 0 0 0 0 0 0 0\n")
            .write(to: dir.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        try (status ?? "Name:\tinit\nUid:\t0\t0\t0\t0\nVmRSS:\t 2000 kB\nVmSwap:\t 0 kB\nvoluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n")
            .write(to: dir.appendingPathComponent("status"), atomically: true, encoding: .utf8)
        if let smaps { try smaps.write(to: dir.appendingPathComponent("smaps_rollup"), atomically: true, encoding: .utf8) }
        return root
    }

    func pssnap(_ root: URL, _ args: String) throws -> (record: Object?, run: TestSupport.RunResult) {
        let run = try TestSupport.shell("pssnap --proc-root '\(root.path)' \(args)", environment: ["PSTOOLS_TEST_SEAM": Self.seam])
        return (objects(run.stdoutText).first, run)
    }

    @Test func aBootTimeOutOfRangeGivesNullStartsNotATrap() throws {
        let root = try makeTree(btime: "9223372036854775807")
        defer { try? FileManager.default.removeItem(at: root) }
        let (record, run) = try pssnap(root, "-f stat")
        #expect(run.status == 1)
        #expect(record?["start"] is NSNull)
        #expect(record?["age"] as? Double == 1000.45)
        #expect(run.stderr == "pssnap: \(root.path)/stat: btime 9223372036854775807 out of range: every start is null\n")
    }

    @Test func aUidTooLongIsNullNotTheDigitsAfterIt() throws {
        let root = try makeTree(status: "Name:\tx\nUid:\t99999999999999999999\t99999999999999999999\t9\t9\nVmSwap:\t18446744073709551615 kB\nvoluntary_ctxt_switches:\t99999999999999999999\nnonvoluntary_ctxt_switches:\t1\n")
        defer { try? FileManager.default.removeItem(at: root) }
        let (record, run) = try pssnap(root, "-f stat,status")
        let r = try #require(record)
        #expect(r["uid"] is NSNull)
        #expect(r["user"] is NSNull)
        #expect(r["swap"] is NSNull)
        #expect(r["vctx"] is NSNull)
        #expect(r["nvctx"] as? Int == 1)
        #expect(run.status == 1)
        let p = "pssnap: \(root.path)/1/status"
        #expect(run.stderr == """
            \(p): 'uid' out of range, written as null (reported once per field)
            \(p): 'swap' out of range, written as null (reported once per field)
            \(p): 'vctx' out of range, written as null (reported once per field)

            """)
    }

    @Test func aPssTooLargeForBytesIsNullNotZero() throws {
        let smaps = "Rss: 1 kB\nPss: 18014398509481984 kB\nPss_Anon: 1 kB\nPss_File: 0 kB\nPss_Shmem: 0 kB\nPrivate_Clean: 18446744073709551615 kB\nPrivate_Dirty: 1 kB\n"
        let root = try makeTree(smaps: smaps)
        defer { try? FileManager.default.removeItem(at: root) }
        let (record, run) = try pssnap(root, "-f stat,smaps")
        let r = try #require(record)
        #expect(r["pss"] is NSNull)
        #expect(r["uss"] is NSNull)
        #expect(r["pss_anon"] as? Int == 1024)
        #expect(run.stderr.contains("'pss' out of range"))
        #expect(run.stderr.contains("'uss' out of range"))
    }

    @Test func statCountersTooLargeForTheirUnitAreNull() throws {
        // utime of 2^63 ticks does not fit in ms; vsize of 2^64-1 does not fit a signed integer.
        let stat = "1 (init) S 0 1 1 0 -1 4194560 18446744073709551615 0 2 0 9223372036854775807 320 0 0 20 0 1 0 18446744073709551615 18446744073709551615 500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 12 0 0 0 0 0 0 0 0 0 0\n"
        let root = try makeTree(stat: stat)
        defer { try? FileManager.default.removeItem(at: root) }
        let (record, run) = try pssnap(root, "-i0.01 -n2 -f stat")
        let r = try #require(record)
        for key in ["utime", "minflt", "vsize", "start", "age"] { #expect(r[key] is NSNull, "\(key)") }
        #expect(r["stime"] as? Double == 3.2)
        #expect(run.status == 1)
        // Two snapshots, one report per field.
        #expect(run.stderr.split(separator: "\n").count == 5, "\(run.stderr)")
    }
}

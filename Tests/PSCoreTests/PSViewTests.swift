import Foundation
import Testing
@testable import PSCore

/// Runs psview in-process (stdout not a terminal: plain blocks) on `inputs` saved as files.
func runPSView(_ args: [String], _ inputs: [String], clock: ViewClock = MonotonicViewClock()) throws -> InProcessRun {
    try StreamToolRun.run(PSView.spec, { try PSView.run($0, output: $1, diagnostics: $2, terminal: false, clock: clock) },
                          args, inputs: inputs)
}

/// A process record for hand-made trees (values as raw JSON).
func viewRecord(ts: String = "1000", pid: Int, ppid: Int, comm: String, user: String = "root", cpu: String? = nil,
                rss: String = "0", fds: String = "null", cmdline: String? = nil, state: String = "S",
                extra: [(String, String)] = []) -> String {
    var fields: [(String, String)] = [("ts", ts), ("pid", "\(pid)"), ("ppid", "\(ppid)"), ("comm", "\"\(comm)\""),
                                      ("state", "\"\(state)\""), ("user", "\"\(user)\""), ("rss", rss), ("fds", fds)]
    fields += extra
    if let cpu { fields.append(("cpu", cpu)) }
    fields.append(("cmdline", cmdline.map { "\"\($0)\"" } ?? "\"\(comm)\""))
    return recordLine(fields)
}

/// The title line psview writes for a snapshot (local time, as HumanUnits writes it).
func viewTitle(_ ts: Double, _ rest: String) -> String { HumanUnits.clock(ts, withDate: true) + "  " + rest }

/// A small machine, records NOT in preorder: two roots, a shell with two children, kernel threads.
let handMadeTree = [
    viewRecord(pid: 12, ppid: 10, comm: "vim", user: "ann", cpu: "0.5", rss: "3145728", fds: "4", cmdline: "vim notes.txt"),
    viewRecord(pid: 1, ppid: 0, comm: "init", cpu: "0", rss: "10485760", fds: "20", cmdline: "/sbin/init"),
    viewRecord(pid: 3, ppid: 2, comm: "kworker/0:1", cpu: "0", cmdline: ""),
    viewRecord(pid: 10, ppid: 1, comm: "sshd", cpu: "null", rss: "2097152", fds: "5", cmdline: "sshd: ann"),
    viewRecord(pid: 11, ppid: 10, comm: "bash", user: "ann", cpu: "250", rss: "1048576", cmdline: "-bash", state: "R"),
    viewRecord(pid: 20, ppid: 1, comm: "cron", cpu: "0", rss: "524288", fds: "3", cmdline: "/usr/sbin/cron -f"),
    viewRecord(pid: 2, ppid: 0, comm: "kthreadd", cpu: "0", cmdline: ""),
].joined()

@Suite struct PSViewLayoutTests {
    @Test func treeIsDrawnFromPidAndPpidWithUnitsAndDashForNull() throws {
        let run = try runPSView([], [handMadeTree])
        #expect(run.status == 0)
        #expect(run.errors == [])
        #expect(run.output == """
            \(viewTitle(1000, "7 processes"))
            PID USER  CPU    RSS FDS CMDLINE
              1 root   0%  10MiB  20 /sbin/init
             10 root    -   2MiB   5 ├─ sshd: ann
             11 ann  250%   1MiB   - │  ├─ -bash
             12 ann  0.5%   3MiB   4 │  └─ vim notes.txt
             20 root   0% 512KiB   3 └─ /usr/sbin/cron -f
              2 root   0%     0B   - [kthreadd]
              3 root   0%     0B   - └─ [kworker/0:1]

            """)
    }

    @Test func asciiTreeUsesPipesDashesAndBackslashes() throws {
        let run = try runPSView(["--ascii", "-f", "pid,comm"], [handMadeTree])
        #expect(run.output == """
            \(viewTitle(1000, "7 processes"))
            PID COMM
              1 init
             10 |- sshd
             11 |  |- bash
             12 |  \\- vim
             20 \\- cron
              2 kthreadd
              3 \\- kworker/0:1

            """)
    }

    /// Totals by hand: sshd = 2 + 1 + 3 MiB = 6 MiB; init = 10 + 6 + 0.5 MiB = 16.5 MiB; fds skip
    /// bash's null (sshd 5 + 4 = 9, init 20 + 9 + 3 = 32) and are null for kthreadd's all-null
    /// subtree; cpu: sshd null + 250 + 0.5 = 250.5 (three digits: 251%). pid is never summed.
    @Test func sumShowsSubtreeTotalsCheckedByArithmetic() throws {
        let run = try runPSView(["--sum"], [handMadeTree])
        let mib = 1_048_576.0
        #expect(HumanUnits.format(10 * mib + 6 * mib + 0.5 * mib, unit: .bytes, compact: true) == "16.5MiB")
        #expect(run.output == """
            \(viewTitle(1000, "7 processes  Σ: subtree totals"))
            PID USER ΣCPU    ΣRSS ΣFDS CMDLINE
              1 root 251% 16.5MiB   32 /sbin/init
             10 root 251%    6MiB    9 ├─ sshd: ann
             11 ann  250%    1MiB    - │  ├─ -bash
             12 ann  0.5%    3MiB    4 │  └─ vim notes.txt
             20 root   0%  512KiB    3 └─ /usr/sbin/cron -f
              2 root   0%      0B    - [kthreadd]
              3 root   0%      0B    - └─ [kworker/0:1]

            """)
    }

    /// 300 processes in a random tree, shuffled; every row's fds total equals a recursive sum.
    @Test func sumsOfARandomTreeEqualRecursiveSums() throws {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return Int(seed % UInt64(bound))
        }
        var parent: [Int: Int] = [:], fds: [Int: Int?] = [:]
        var lines: [String] = []
        for pid in 1...300 {
            parent[pid] = pid == 1 || next(10) == 0 ? 0 : 1 + next(pid - 1)
            fds[pid] = next(5) == 0 ? nil : next(1000)
            lines.append(viewRecord(pid: pid, ppid: parent[pid]!, comm: "p\(pid)", fds: fds[pid]!.map { "\($0)" } ?? "null"))
        }
        for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, next(i + 1)) }
        func total(_ pid: Int) -> Int? {
            let parts = [fds[pid]!] + parent.filter { $0.value == pid }.map { total($0.key) }
            let present = parts.compactMap { $0 }
            return present.isEmpty ? nil : present.reduce(0, +)
        }
        let run = try runPSView(["--sum", "-f", "pid,fds,comm"], [lines.joined()])
        #expect(run.status == 0)
        let rows = run.output.split(separator: "\n").dropFirst(2)
        #expect(rows.count == 300)
        for row in rows {
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            let pid = try #require(Int(cells[0]))
            #expect(String(cells[1]) == (total(pid).map { "\($0)" } ?? "-"), "pid \(pid)")
        }
    }

    @Test func siblingsSortByFieldBiggestFirstForQuantities() throws {
        let byRss = try runPSView(["--sort", "rss", "-f", "pid,comm"], [handMadeTree])
        // Roots: init (10 MiB) before kthreadd (0); under init: sshd 2 MiB, cron 512 KiB; under sshd: vim 3 MiB, bash 1 MiB.
        #expect(byRss.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
            == ["1", "10", "12", "11", "20", "2", "3"])
        let ascending = try runPSView(["--sort", "+rss", "-f", "pid,comm"], [handMadeTree])
        #expect(ascending.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
            == ["2", "3", "1", "20", "10", "11", "12"])
        // Text ascends by default; -comm descends. Null cpu (sshd) sorts last either way.
        let byComm = try runPSView(["--sort=-comm", "-f", "pid,comm"], [handMadeTree])
        #expect(byComm.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
            == ["2", "3", "1", "10", "12", "11", "20"])
        let byCpu = try runPSView(["-s", "+cpu", "-f", "pid,comm"], [handMadeTree])
        #expect(byCpu.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").first.map(String.init) ?? "" }
            == ["1", "20", "10", "12", "11", "2", "3"])
    }

    /// With --sum, a summed field sorts by the totals shown: a small process with a big child
    /// (10 + 60 B) comes before a bigger one alone (50 B).
    @Test func sumSortsByTotals() throws {
        let input = [
            viewRecord(pid: 1, ppid: 0, comm: "a", rss: "100"),
            viewRecord(pid: 2, ppid: 1, comm: "small-alone", rss: "50"),
            viewRecord(pid: 3, ppid: 1, comm: "tiny-with-kids", rss: "10"),
            viewRecord(pid: 4, ppid: 3, comm: "kid", rss: "60"),
        ].joined()
        let own = try runPSView(["--sort", "rss", "-f", "pid,comm"], [input])
        #expect(own.output.contains("2 ├─ small-alone"))
        let sum = try runPSView(["--sum", "--sort", "rss", "-f", "pid,rss,comm"], [input])
        #expect(sum.output.contains("70B ├─ tiny-with-kids"))
        #expect(sum.output.contains("50B └─ small-alone"))
    }

    @Test func unitsAreCompactAndHuman() throws {
        let line = recordLine([("ts", "1000"), ("pid", "7"), ("ppid", "0"), ("age", "3725"), ("utime", "3.25"),
                               ("cpu", "0.125"), ("rss", "1536"), ("vsize", "5368709120"), ("minflt", "1234567"),
                               ("fds", "1234"), ("read_bytes_rate", "1572864"), ("nice", "-5"), ("uid", "1000"),
                               ("comm", "\"x\"")])
        let run = try runPSView(["-f", "pid,age,utime,cpu,rss,vsize,minflt,fds,read_bytes_rate,nice,uid,comm"], [line])
        #expect(run.output.split(separator: "\n")[2].split(separator: " ")
            == ["7", "1h02m", "3.25s", "0.125%", "1.5KiB", "5GiB", "1.23M", "1234", "1.5MiB/s", "-5", "1000", "x"])
    }

    @Test func widthIsFittedWithEllipsisAndWideCharacters() throws {
        let wide = String(repeating: "日本語", count: 10)    // 30 characters, 60 columns
        let input = [
            viewRecord(pid: 1, ppid: 0, comm: "init", rss: "1", fds: "1", cmdline: "/sbin/init " + String(repeating: "--flag ", count: 20)),
            viewRecord(pid: 2, ppid: 1, comm: "wide", rss: "1", fds: "1", cmdline: wide),
        ].joined()
        let run = try runPSView(["-w", "40"], [input])
        let lines = run.output.split(separator: "\n").map(String.init)
        for line in lines { #expect(TerminalText.width(line) <= 40, "\(line)") }
        #expect(lines[2].hasSuffix("…"))
        #expect(lines[3].contains("└─ 日本語"))
        #expect(lines[3].hasSuffix("…"))
        // A double-width character is never split: the line is 39 or 40 columns.
        #expect(TerminalText.width(lines[3]) >= 39)
        let ascii = try runPSView(["-w", "40", "--ascii"], [input])
        #expect(ascii.output.split(separator: "\n")[2].hasSuffix("..."))
        #expect(!ascii.output.contains("…"))
        // Piped without -w: nothing is cut.
        let whole = try runPSView([], [input])
        #expect(whole.output.contains(wide))
    }

    @Test func hostileNamesCannotReachTheTerminal() throws {
        let input = [
            viewRecord(pid: 1, ppid: 0, comm: "init"),
            recordLine([("ts", "1000"), ("pid", "66"), ("ppid", "1"), ("comm", "\"\\u001b[2J\\u001b]0;owned\\u0007\""),
                        ("user", "\"ev\\nil\""), ("rss", "0"), ("fds", "0"),
                        ("cmdline", "\"evil\\r\\nfake row\\u001b[31m\\u009b1m\\u007f\""), ("state", "\"S\"")]),
        ].joined()
        for args in [[String](), ["-w", "50"], ["-f", "pid,comm,user,cmdline"]] {
            let run = try runPSView(args, [input])
            #expect(!run.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x7F || $0.value == 0x9B || $0.value == 0x0D })
            // Title, header, two rows: the newline in the name broke no line.
            #expect(run.output.split(separator: "\n").count == 4, "\(args)")
        }
        let run = try runPSView(["-f", "pid,comm,cmdline"], [input])
        #expect(run.output.contains("?[2J?]0;owned?"))
        #expect(run.output.contains("evil??fake row?[31m?1m?"))
    }

    @Test func psaggRowsMakeAFlatTableWithTheirKey() throws {
        let input = [
            recordLine([("ts", "1000"), ("user", "\"root\""), ("count", "80"), ("cpus", "2"), ("rss", "104857600"), ("fds", "500")]),
            recordLine([("ts", "1000"), ("user", "\"ann\""), ("count", "5"), ("cpus", "1"), ("rss", "209715200"), ("fds", "50")]),
        ].joined()
        let run = try runPSView([], [input])
        #expect(run.output == """
            \(viewTitle(1000, "2 rows"))
            USER COUNT    RSS FDS
            root    80 100MiB 500
            ann      5 200MiB  50

            """)
        let sorted = try runPSView(["--sort", "rss", "--sum"], [input])
        #expect(sorted.output.split(separator: "\n")[2].hasPrefix("ann"))
        #expect(!sorted.output.contains("Σ"))
    }

    @Test func threadsHangUnderTheirProcess() throws {
        let input = [
            recordLine([("ts", "1"), ("pid", "1"), ("tid", "1"), ("ppid", "0"), ("comm", "\"init\"")]),
            recordLine([("ts", "1"), ("pid", "50"), ("tid", "50"), ("ppid", "1"), ("comm", "\"java\"")]),
            recordLine([("ts", "1"), ("pid", "50"), ("tid", "51"), ("ppid", "1"), ("comm", "\"GC\"")]),
            recordLine([("ts", "1"), ("pid", "50"), ("tid", "52"), ("ppid", "1"), ("comm", "\"C2\"")]),
        ].joined()
        let run = try runPSView([], [input])
        #expect(run.output.split(separator: "\n").dropFirst().joined(separator: "\n") == """
            PID TID COMM
              1   1 init
             50  50 └─ java
             50  51    ├─ GC
             50  52    └─ C2
            """)
    }

    /// On a --threads stream a process's rss (repeated by each thread record) counts once in its
    /// parent's total, its utime (each thread's own) once per thread.
    @Test func threadTotalsCountProcessWideFiguresOnce() throws {
        let input = [
            recordLine([("ts", "1"), ("pid", "1"), ("tid", "1"), ("ppid", "0"), ("rss", "100"), ("utime", "1"), ("comm", "\"init\"")]),
            recordLine([("ts", "1"), ("pid", "50"), ("tid", "50"), ("ppid", "1"), ("rss", "1000"), ("utime", "2"), ("comm", "\"java\"")]),
            recordLine([("ts", "1"), ("pid", "50"), ("tid", "51"), ("ppid", "1"), ("rss", "1000"), ("utime", "3"), ("comm", "\"GC\"")]),
        ].joined()
        let run = try runPSView(["--sum", "-f", "tid,rss,utime,comm"], [input])
        #expect(run.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
            == ["1 1.07KiB 6s", "50 1000B 5s", "51 1000B 3s"])
    }

    @Test func oneBlockPerSnapshotAndBadLinesReported() throws {
        let input = viewRecord(ts: "1000", pid: 1, ppid: 0, comm: "a") + "not json\n"
            + recordLine([("pid", "2"), ("comm", "\"no-ts\"")])
            + recordLine([("ts", "1001"), ("pid", "-4"), ("comm", "\"bad\"")])
            + viewRecord(ts: "1001", pid: 1, ppid: 0, comm: "b")
        let run = try runPSView(["-f", "pid,comm"], [input])
        #expect(run.status == 1)
        #expect(run.errors.count == 3)
        #expect(run.errors[0].hasPrefix("in1.ndjson:2:"))
        #expect(run.errors[1] == "in1.ndjson:3:24: missing number field 'ts'")
        #expect(run.errors[2].hasPrefix("in1.ndjson:4:18: field 'pid' is out of range"))
        #expect(run.output == """
            \(viewTitle(1000, "1 process"))
            PID COMM
              1 a

            \(viewTitle(1001, "1 process"))
            PID COMM
              1 b

            """)
        let strict = try runPSView(["--strict"], [input])
        #expect(strict.status == 1)
        #expect(strict.errors.count == 1)
    }

    @Test(arguments: [
        (["-f", "pid,rsss"], "no record has the field 'rsss' (did you mean 'rss'?)"),
        (["--sort", "commm"], "no record has the field 'commm' (did you mean 'comm'?)"),
        (["-f", "pid,+rss"], "option '-f': either name the columns (pid,rss) or add to the defaults (+pss,+swap), not both"),
        (["-f", "pid,,rss"], "option '-f' takes FIELD,FIELD,... with no empty name, not 'pid,,rss'"),
        (["--replay=0"], "option '--replay' takes a speed above 0 (10: ten times faster), not '0'"),
        (["-w", "x"], "option '-w' takes a number of columns (0 for no limit), not 'x'"),
        (["--sort", "-"], "option '--sort' takes [+|-]FIELD[,...], not '-'"),
    ])
    func usageErrors(args: [String], message: String) throws {
        let run = try runPSView(args, [handMadeTree])
        #expect(run.status == 2)
        #expect(run.errors.first == message)
    }

    @Test func knownFieldsNotYetInTheStreamShowDashes() throws {
        let run = try runPSView(["-f", "pid,cpu,pss,comm"], [handMadeTree])
        #expect(run.status == 0)
        #expect(run.output.split(separator: "\n")[2].split(separator: " ") == ["1", "0%", "-", "init"])
    }

    @Test func defaultsPlusAddsBeforeTheCommand() throws {
        let run = try runPSView(["-f", "+state,+ppid"], [handMadeTree])
        #expect(run.output.split(separator: "\n")[1].split(separator: " ") == ["PID", "USER", "CPU", "RSS", "FDS", "STATE", "PPID", "CMDLINE"])
    }
}

@Suite struct PSViewHeightAndColourTests {
    func records(_ text: String) throws -> [StoredRecord] {
        let parser = RecordParser()
        return try text.split(separator: "\n").map { line in
            let bytes = Array(line.utf8)
            return try bytes.withUnsafeBufferPointer { try parser.parse($0).copy() }
        }
    }

    @Test func heightCutSaysHowManyRowsWereLeftOut() throws {
        let stored = try records(handMadeTree)
        var options = TreeTable.Options()
        options.height = 6
        options.width = 60
        let frame = TreeTable(options).layout(stored.map(\.record), ts: 1000)
        #expect(frame.lines.count == 6)
        #expect(frame.rowsCut == 4)
        #expect(frame.lines.last?.plainText == "… 4 more processes below (of 7)")
        #expect(frame.lines.last?.pieces.first?.style == .note)
        withExtendedLifetime(stored) {}
    }

    @Test func hotCpuZombiesAndStuckProcessesAreStyled() throws {
        let stored = try records([
            viewRecord(pid: 1, ppid: 0, comm: "init", cpu: "100"),
            viewRecord(pid: 2, ppid: 1, comm: "defunct", cpu: "0", cmdline: "", state: "Z"),
            viewRecord(pid: 3, ppid: 1, comm: "nfs", cpu: "99.9", state: "D"),
        ].joined())
        let frame = TreeTable(TreeTable.Options()).layout(stored.map(\.record), ts: 1000)
        func style(_ line: Int, _ text: String) -> ViewStyle? {
            frame.lines[line].pieces.first { $0.text.contains(text) }?.style
        }
        #expect(style(2, "100%") == .hot)
        #expect(style(3, "[defunct]") == .zombie)
        #expect(style(4, "99.9%") == .plain)
        #expect(style(4, "nfs") == .blocked)
        #expect(frame.lines[1].pieces.allSatisfy { $0.style == .header || $0.text.allSatisfy { $0 == " " } })
        #expect(frame.lines[2].coloredText.contains("\u{1B}[1;31m100%\u{1B}[0m"))
        #expect(!frame.lines[2].plainText.contains("\u{1B}"))
        withExtendedLifetime(stored) {}
    }
}

/// A clock that only moves when psview sleeps: replay timing without waiting.
final class FakeViewClock: ViewClock {
    var time = 500.0
    var sleeps: [Double] = []
    func now() -> Double { time }
    func sleep(until deadline: Double) {
        sleeps.append(deadline)
        time = max(time, deadline)
    }
}

@Suite struct PSViewReplayTests {
    let recording = [
        viewRecord(ts: "1000", pid: 1, ppid: 0, comm: "first"),
        viewRecord(ts: "1001", pid: 1, ppid: 0, comm: "second"),
        viewRecord(ts: "1002", pid: 1, ppid: 0, comm: "third"),
    ].joined()

    @Test(arguments: [
        (["--replay", "10"], [500.0, 500.1, 500.2]),
        (["--replay=10"], [500.0, 500.1, 500.2]),
        (["--replay"], [500.0, 501.0, 502.0]),
        (["--replay", "0.5"], [500.0, 502.0, 504.0]),
    ])
    func snapshotsComeAtTheirPaceDividedBySpeed(args: [String], due: [Double]) throws {
        let clock = FakeViewClock()
        let run = try runPSView(args + ["-f", "pid,comm"], [recording], clock: clock)
        #expect(run.status == 0)
        #expect(clock.sleeps.count == 3)
        for (a, b) in zip(clock.sleeps, due) { #expect(abs(a - b) < 1e-9) }
        let names = run.output.split(separator: "\n").filter { $0.hasPrefix("  1 ") }.map { $0.dropFirst(4) }
        #expect(names == ["first", "second", "third"])
        #expect(run.output.contains("replay "))
    }

    @Test func aTimeThatGoesBackIsShownAtOnce() throws {
        let clock = FakeViewClock()
        let input = recording + viewRecord(ts: "900", pid: 1, ppid: 0, comm: "again") + viewRecord(ts: "905", pid: 1, ppid: 0, comm: "later")
        _ = try runPSView(["--replay", "5"], [input], clock: clock)
        #expect(clock.sleeps.count == 5)
        for (a, b) in zip(clock.sleeps, [500.0, 500.2, 500.4, 500.4, 501.4]) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func withoutReplayNothingWaits() throws {
        let clock = FakeViewClock()
        _ = try runPSView([], [recording], clock: clock)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func optionalValueParsing() throws {
        let parser = ArgumentParser(PSView.spec)
        #expect(try parser.parse(["--replay", "10", "f"]).value("replay") == "10")
        #expect(try parser.parse(["--replay", "10", "f"]).operands == ["f"])
        #expect(try parser.parse(["--replay", "f"]).value("replay") == nil)
        #expect(try parser.parse(["--replay", "f"]).has("replay"))
        #expect(try parser.parse(["--replay", "./10"]).operands == ["./10"])
        #expect(try parser.parse(["--replay=2.5", "10"]).value("replay") == "2.5")
        #expect(try parser.parse(["--replay=2.5", "10"]).operands == ["10"])
        #expect(HelpRenderer.help(PSView.spec).contains("--replay [SPEED]"))
    }
}

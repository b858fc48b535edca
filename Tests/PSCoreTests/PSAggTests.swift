import Foundation
import Testing
@testable import PSCore

/// A `-q` stand-in until the query language lands: selects the records `body` accepts.
struct ClosureSelector: SnapshotSelecting {
    let body: (Record) -> Bool
    func select(_ snapshot: [StoredRecord]) -> [Bool] { snapshot.map { body($0.record) } }
}

/// One record as a line, fields in the order given, values as raw JSON text.
func recordLine(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n"
}

/// Runs psagg in-process on `input` (saved as a file), with `arguments` before the file.
func runPSAgg(_ input: String, _ arguments: [String] = [], selector: (any SnapshotSelecting)? = nil) throws -> InProcessRun {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("psagg-\(UUID().uuidString).ndjson")
    try input.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    var errors: [String] = []
    let output = OutputBuffer(fd: -1)
    let diagnostics = Diagnostics(tool: "psagg", sink: { errors.append($0) })
    let status = ToolRunner.run(PSAgg.spec, arguments: arguments + [url.path], output: output, diagnostics: diagnostics) { args, out, diagnostics in
        try PSAgg.run(args, output: out, diagnostics: diagnostics, selector: selector)
    }
    let path = url.path
    return InProcessRun(status: status, output: output.text, errors: errors.map { $0.replacingOccurrences(of: path, with: "FILE") })
}

@Suite struct PSAggSumTests {
    /// Three snapshots of 40 records with random integers, two-decimal seconds and some nulls;
    /// the sums psagg writes equal the ones computed here (integers exactly, seconds in hundredths).
    @Test func sumsEqualSumsComputedOverAGeneratedStream() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: UInt64) -> UInt64 {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return seed % bound
        }
        var input = ""
        var expected: [(count: Int, rss: Int64, fds: Int64?, utimeHundredths: Int64, processors: Set<UInt64>)] = []
        for s in 0..<3 {
            var rss: Int64 = 0, fds: Int64 = 0, fdsSeen = false, utime: Int64 = 0
            var processors = Set<UInt64>()
            for i in 0..<40 {
                let r = Int64(next(1 << 40)), u = Int64(next(1_000_000)), p = next(8)
                // Every fds null in the last snapshot: its sum is null.
                let f: Int64? = s == 2 || next(3) == 0 ? nil : Int64(next(300))
                rss += r; utime += u; processors.insert(p)
                if let f { fds += f; fdsSeen = true }
                let utimeText = u % 100 == 0 ? "\(u / 100)" : String(format: "%lld.%02lld", u / 100, u % 100)
                input += recordLine([("ts", "\(1000 + s).5"), ("pid", "\(i + 1)"), ("processor", "\(p)"), ("utime", utimeText),
                                     ("rss", "\(r)"), ("fds", f.map { "\($0)" } ?? "null"), ("comm", "\"p\(i)\"")])
            }
            expected.append((40, rss, fdsSeen ? fds : nil, utime, processors))
        }

        let run = try runPSAgg(input)
        #expect(run.status == 0)
        #expect(run.errors == [])
        let rows = run.output.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rows.count == 3)
        for (row, e) in zip(rows, expected) {
            #expect(row["count"] as? Int == e.count)
            #expect((row["rss"] as? NSNumber)?.int64Value == e.rss)
            #expect((row["utime"] as? Double) == Double(e.utimeHundredths) / 100)
            #expect(row["cpus"] as? Int == e.processors.count)
            if let fds = e.fds { #expect((row["fds"] as? NSNumber)?.int64Value == fds) } else { #expect(row["fds"] is NSNull) }
            #expect(row["pid"] == nil && row["processor"] == nil && row["comm"] == nil)
        }
    }

    @Test func nullMembersAreSkippedAndASumIsNullOnlyWhenEveryMemberIsNull() throws {
        let input = recordLine([("ts", "1"), ("rss", "100"), ("swap", "null"), ("pss", "null")])
            + recordLine([("ts", "1"), ("rss", "null"), ("swap", "null"), ("pss", "7")])
            + recordLine([("ts", "1"), ("rss", "20"), ("swap", "null")])
        let run = try runPSAgg(input)
        #expect(run.output == #"{"ts":1,"count":3,"rss":120,"swap":null,"pss":7}"# + "\n")
    }

    /// ts, host, count, cpus, then the sums in the field table's order whatever the input's order, psdelta's
    /// fields after pssnap's, unknown rates last; identity and time fields and unknown numbers are
    /// not summed; cpu_reaped last once the records carry dt.
    @Test func fieldsComeInTheDocumentedOrder() throws {
        let input = recordLine([("weird_rate", "1.5"), ("dt", "1"), ("cpu_sys", "1"), ("cpu", "2.25"), ("minflt_rate", "3"),
                                ("rss", "10"), ("ts", "5.25"), ("host", "\"h1\""), ("threads", "2"), ("pid", "4"), ("start", "2"),
                                ("age", "3"), ("nice", "1"), ("mystery", "9"), ("utime", "0.5"), ("processor", "1")])
        let run = try runPSAgg(input)
        #expect(run.output == #"{"ts":5.25,"host":"h1","count":1,"cpus":1,"threads":2,"utime":0.5,"rss":10,"cpu":2.25,"cpu_sys":1,"minflt_rate":3,"weird_rate":1.5,"cpu_reaped":null}"# + "\n")
    }

    @Test func integerSumsStayExactAndFractionalSumsKeepTheirMembersDecimals() throws {
        let input = recordLine([("ts", "1"), ("rss", "9007199254740993"), ("utime", "0.1"), ("cpu", "1e-3"), ("vsize", "9223372036854775807")])
            + recordLine([("ts", "1"), ("rss", "2"), ("utime", "0.2"), ("cpu", "2"), ("vsize", "9223372036854775807")])
        let run = try runPSAgg(input)
        #expect(run.output == #"{"ts":1,"count":2,"utime":0.3,"vsize":18446744073709551614,"rss":9007199254740995,"cpu":2.001}"# + "\n")
    }

    @Test func groupByStringsNumbersAndNullsSortedByKey() throws {
        var input = ""
        for (user, rss) in [("\"bob\"", 1), ("\"alice\"", 2), ("null", 4), ("\"bob\"", 8), ("\"al\\u0069ce\"", 16)] {
            input += recordLine([("ts", "1"), ("user", user), ("rss", "\(rss)")])
        }
        input += recordLine([("ts", "1"), ("rss", "32")]) // absent: the null group
        input += recordLine([("ts", "2"), ("user", "\"bob\""), ("rss", "64")])
        let run = try runPSAgg(input, ["-g", "user"])
        #expect(run.output == """
            {"ts":1,"user":null,"count":2,"rss":36}
            {"ts":1,"user":"alice","count":2,"rss":18}
            {"ts":1,"user":"bob","count":2,"rss":9}
            {"ts":2,"user":"bob","count":1,"rss":64}

            """)
        var numbers = ""
        for (uid, rss) in [("1000", 1), ("0", 2), ("1000.0", 4), ("-0", 8), ("null", 16), ("\"0\"", 32)] {
            numbers += recordLine([("ts", "1"), ("uid", uid), ("rss", "\(rss)")])
        }
        #expect(try runPSAgg(numbers, ["--group-by", "uid"]).output == """
            {"ts":1,"uid":null,"count":1,"rss":16}
            {"ts":1,"uid":0,"count":2,"rss":10}
            {"ts":1,"uid":1000,"count":2,"rss":5}
            {"ts":1,"uid":"0","count":1,"rss":32}

            """)
    }

    @Test func theGroupFieldIsNotSummed() throws {
        let input = recordLine([("ts", "1"), ("threads", "2"), ("rss", "5")]) + recordLine([("ts", "1"), ("threads", "2"), ("rss", "6")])
        #expect(try runPSAgg(input, ["-g", "threads"]).output == #"{"ts":1,"threads":2,"count":2,"rss":11}"# + "\n")
    }

    @Test func queryFiltersAndASnapshotWithoutAMatchGivesACountZeroRow() throws {
        let input = recordLine([("ts", "1"), ("comm", "\"a\""), ("processor", "0"), ("rss", "1")])
            + recordLine([("ts", "1"), ("comm", "\"b\""), ("processor", "1"), ("rss", "2")])
            + recordLine([("ts", "2"), ("comm", "\"b\""), ("processor", "1"), ("rss", "4")])
            + recordLine([("ts", "3"), ("comm", "\"a\""), ("processor", "1"), ("rss", "8")])
        let onlyA = ClosureSelector { $0["comm"]?.string == "a" }
        #expect(try runPSAgg(input, ["-q", "comm==a"], selector: onlyA).output == """
            {"ts":1,"count":1,"cpus":1,"rss":1}
            {"ts":2,"count":0,"cpus":null,"rss":null}
            {"ts":3,"count":1,"cpus":1,"rss":8}

            """)
        #expect(try runPSAgg(input, ["-q", "comm==a", "-g", "comm"], selector: onlyA).output == """
            {"ts":1,"comm":"a","count":1,"cpus":1,"rss":1}
            {"ts":2,"comm":null,"count":0,"cpus":null,"rss":null}
            {"ts":3,"comm":"a","count":1,"cpus":1,"rss":8}

            """)
    }

    /// The tree:  1 ─ 2 ─ 4 ─ 5,  1 ─ 3,  and a second root 9 ─ 10, written out of preorder.
    static let forest = [(5, 4, "sh"), (3, 1, "nginx"), (10, 9, "nginx"), (1, 0, "init"), (4, 2, "cc"), (2, 1, "make"), (9, 0, "kthreadd")]
        .map { recordLine([("ts", "7"), ("pid", "\($0.0)"), ("ppid", "\($0.1)"), ("comm", "\"\($0.2)\""), ("start", "100.5"), ("rss", "\($0.0 * 10)")]) }
        .joined()

    @Test func byRootWithoutAQuerySumsEachRootsSubtreeOfATreeOutOfPreorder() throws {
        #expect(try runPSAgg(Self.forest, ["--by-root"]).output == """
            {"ts":7,"pid":1,"start":100.5,"comm":"init","count":5,"rss":150}
            {"ts":7,"pid":9,"start":100.5,"comm":"kthreadd","count":2,"rss":190}

            """)
    }

    @Test func byRootSumsTheWholeSubtreeOfEachTopMostMatch() throws {
        // make (2) and sh (5) match; sh is under make, so only make is a top-most match and its
        // subtree (make, cc, sh) is summed, cc included though it does not match.
        let selector = ClosureSelector { ["make", "sh", "nginx"].contains($0["comm"]?.string ?? "") }
        #expect(try runPSAgg(Self.forest, ["--by-root", "-q", "comm~make|sh|nginx"], selector: selector).output == """
            {"ts":7,"pid":2,"start":100.5,"comm":"make","count":3,"rss":110}
            {"ts":7,"pid":3,"start":100.5,"comm":"nginx","count":1,"rss":30}
            {"ts":7,"pid":10,"start":100.5,"comm":"nginx","count":1,"rss":100}

            """)
        let none = ClosureSelector { _ in false }
        #expect(try runPSAgg(Self.forest, ["--by-root", "-q", "pid==0"], selector: none).output
            == #"{"ts":7,"pid":null,"start":null,"comm":null,"count":0,"rss":null}"# + "\n")
    }

    @Test func aLineWithoutTsIsReportedAndSkippedAndStrictStops() throws {
        let input = recordLine([("ts", "1"), ("rss", "1")]) + recordLine([("pid", "3"), ("rss", "2")])
            + "not json\n" + recordLine([("ts", "1"), ("rss", "4")])
        let run = try runPSAgg(input)
        #expect(run.status == 1)
        #expect(run.output == #"{"ts":1,"count":2,"rss":5}"# + "\n")
        #expect(run.errors.count == 2)
        #expect(run.errors.first == "FILE:2:17: missing number field 'ts'")
        let strict = try runPSAgg(input, ["--strict"])
        #expect(strict.status == 1)
        #expect(strict.output == #"{"ts":1,"count":1,"rss":1}"# + "\n")
        #expect(strict.errors == ["FILE:2:17: missing number field 'ts'"])
    }

    @Test func byRootNeedsAPid() throws {
        let run = try runPSAgg(recordLine([("ts", "1"), ("rss", "1")]), ["--by-root"])
        #expect(run.status == 1)
        #expect(run.errors == ["FILE:1:16: missing field 'pid'"])
    }

    @Test(arguments: [
        (["-g", "user", "--by-root"], "'-g' and '--by-root' cannot be used together"),
        (["-g", "count"], "cannot group by 'count': psagg writes a field of that name"),
    ])
    func usageErrorsExitTwo(arguments: [String], message: String) throws {
        let run = try runPSAgg("", arguments)
        #expect(run.status == 2)
        #expect(run.errors.first == message)
    }

    /// `pssnap --threads`: one record per thread, each repeating its process's rss, threads and
    /// fds. A process counts once and so do those; per-thread CPU and faults add up.
    @Test func threadRecordsCountTheirProcessOnceAndSumOnlyPerThreadFigures() throws {
        let input = [
            recordLine([("ts", "1"), ("pid", "10"), ("tid", "10"), ("threads", "2"), ("utime", "1.5"), ("minflt", "7"), ("rss", "4096"), ("fds", "5")]),
            recordLine([("ts", "1"), ("pid", "10"), ("tid", "11"), ("threads", "2"), ("utime", "2.25"), ("minflt", "3"), ("rss", "4096"), ("fds", "5")]),
            recordLine([("ts", "1"), ("pid", "20"), ("tid", "20"), ("threads", "1"), ("utime", "1"), ("minflt", "1"), ("rss", "1024"), ("fds", "1")]),
        ].joined()
        let run = try runPSAgg(input)
        #expect(run.status == 0)
        #expect(run.output == "{\"ts\":1,\"count\":2,\"threads\":3,\"utime\":4.75,\"minflt\":11,\"rss\":5120,\"fds\":6}\n")
    }

    @Test func aBadQueryExitsTwoWithACaretBeforeReadingInput() throws {
        let run = try runPSAgg(recordLine([("ts", "1"), ("rss", "1")]), ["-q", "pid=="])
        #expect(run.status == 2)
        #expect(run.errors == ["psagg: query:1:6: expected a value after '=='\npid==\n     ^"])
        #expect(run.output == "")
    }

    @Test func theQueryLanguageSelectsWithTreeOperators() throws {
        let input = [
            recordLine([("ts", "1"), ("pid", "1"), ("ppid", "0"), ("comm", "\"init\""), ("rss", "100")]),
            recordLine([("ts", "1"), ("pid", "7"), ("ppid", "1"), ("comm", "\"sshd\""), ("rss", "10")]),
            recordLine([("ts", "1"), ("pid", "8"), ("ppid", "7"), ("comm", "\"bash\""), ("rss", "1")]),
            recordLine([("ts", "2"), ("pid", "1"), ("ppid", "0"), ("comm", "\"init\""), ("rss", "100")]),
        ].joined()
        let run = try runPSAgg(input, ["-q", "comm==sshd.."])
        #expect(run.status == 0)
        #expect(run.output == "{\"ts\":1,\"count\":2,\"rss\":11}\n{\"ts\":2,\"count\":0,\"rss\":null}\n")
    }
}

/// cpu_reaped on hand-made snapshots shaped like psdelta's output (dt, cpu, cpu_user, cpu_sys appended).
@Suite struct PSAggReapedTests {
    /// A process record with psdelta's fields when `dt` is given; the clock (start + age) is `now`.
    static func process(ts: Double, now: Double, pid: Int, ppid: Int, start: Double = 10, user: String = "u",
                        utime: Double, stime: Double = 0, cutime: Double = 0, cstime: Double = 0, dt: Double? = nil) -> String {
        var fields: [(String, String)] = [("ts", "\(ts)"), ("pid", "\(pid)"), ("ppid", "\(ppid)"), ("user", "\"\(user)\""),
                                          ("start", "\(start)"), ("age", "\(now - start)"),
                                          ("utime", "\(utime)"), ("stime", "\(stime)"), ("cutime", "\(cutime)"), ("cstime", "\(cstime)")]
        if let dt { fields += [("dt", "\(dt)"), ("cpu", "0"), ("cpu_user", "0"), ("cpu_sys", "0")] }
        return recordLine(fields)
    }

    static func reaped(_ input: String, _ arguments: [String] = []) throws -> [Double?] {
        let run = try runPSAgg(input, arguments)
        #expect(run.status == 0, "\(run.errors)")
        return run.output.split(separator: "\n").map { line in
            let row = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return row["cpu_reaped"] as? Double
        }
    }

    @Test func theArithmetic() {
        #expect(SnapshotAggregator.reapedPercent(childTimeRise: 0.5, vanishedTime: 0.2, interval: 2) == 15)
        #expect(SnapshotAggregator.reapedPercent(childTimeRise: 0.1, vanishedTime: 0.3, interval: 1) == 0)
    }

    @Test func aChildThatLivedAndDiedBetweenSnapshotsIsCountedFromItsParentsCutime() throws {
        // make's cutime+cstime rises by 0.5 s in 1 s: a child no snapshot saw used 50 % of a CPU.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1, cutime: 2)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1.01, cutime: 2.3, cstime: 0.2, dt: 1)
        #expect(try Self.reaped(input) == [nil, 50])
    }

    @Test func aVanishedMembersObservedTimeIsNotCountedTwice() throws {
        // cc was seen with 0.3 s; it ended with 0.5 s and make reaped it: only 0.2 s was unseen.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1, cutime: 2)
            + Self.process(ts: 1, now: 100, pid: 2, ppid: 1, start: 99.5, utime: 0.2, stime: 0.1)
            + Self.process(ts: 2, now: 102, pid: 1, ppid: 0, utime: 1, cutime: 2.5, dt: 2)
        #expect(try Self.reaped(input) == [nil, 10])
    }

    @Test func aGrandchildSeenBeforeTheChildThatReapedItDiedIsSubtractedToo() throws {
        // make → sh → cc; at t=1 sh (0.1 s, cutime 0) and cc (0.2 s) are seen; by t=2 cc ended
        // (0.3 s), sh reaped it and ended too (own 0.1 s + cutime 0.3), and make's cutime rose by 0.4.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 1, now: 100, pid: 2, ppid: 1, start: 99, utime: 0.1)
            + Self.process(ts: 1, now: 100, pid: 3, ppid: 2, start: 99.5, utime: 0.2)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1, cutime: 0.4, dt: 1)
        let values = try Self.reaped(input)
        #expect(values.count == 2)
        #expect(abs((values[1] ?? -1) - 10) < 1e-9) // 0.4 − (0.1 + 0.2) = 0.1 s over 1 s
    }

    @Test func reapedTimeIsFlooredAtZeroWhenVanishedMembersWereReapedElsewhere() throws {
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 1, now: 100, pid: 2, ppid: 1, start: 99, utime: 0.7)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1, cutime: 0.1, dt: 1)
        #expect(try Self.reaped(input) == [nil, 0])
    }

    @Test func aChildReapedBetweenItsParentsReadAndItsOwnIsNotCountedTwice() throws {
        // t=1: cc (pid 2) seen with 0.3 s. t=2: make's stat was read before it reaped cc, cc's
        // after: cc is gone but make's cutime is still 0, a shortfall of 0.3 s. t=3: make's cutime
        // shows cc's whole 0.5 s. cc's unseen time is 0.2 s: 0 % then 20 %, not 0 % then 50 %.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 1, now: 100, pid: 2, ppid: 1, start: 99, utime: 0.3)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1, dt: 1)
            + Self.process(ts: 3, now: 102, pid: 1, ppid: 0, utime: 1, cutime: 0.5, dt: 1)
        let values = try Self.reaped(input)
        #expect(values.count == 3)
        #expect(values[1] == 0)
        #expect(abs((values[2] ?? -1) - 20) < 1e-9)
    }

    @Test func aShortfallIsCarriedOneSnapshotOnly() throws {
        // cc vanished and was reaped outside the group (its time never shows in make's cutime):
        // the shortfall holds the next snapshot down, not every later one.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 1, now: 100, pid: 2, ppid: 1, start: 99, utime: 0.3)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1, dt: 1)
            + Self.process(ts: 3, now: 102, pid: 1, ppid: 0, utime: 1, cutime: 0.1, dt: 1)
            + Self.process(ts: 4, now: 103, pid: 1, ppid: 0, utime: 1, cutime: 0.2, dt: 1)
        let values = try Self.reaped(input)
        #expect(values.count == 4)
        #expect(values[1] == 0 && values[2] == 0)
        #expect(abs((values[3] ?? -1) - 10) < 1e-9)
    }

    @Test func theIntervalIsTheDifferenceOfStartPlusAgeBetweenSnapshots() throws {
        // A process born since (start 100.5) carries dt = its age; the interval is still 2.5 s.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 2, now: 102.5, pid: 1, ppid: 0, utime: 1, cutime: 1, dt: 2.5)
            + Self.process(ts: 2, now: 102.5, pid: 7, ppid: 1, start: 100.5, utime: 0, dt: 2)
        #expect(try Self.reaped(input) == [nil, 40])
    }

    @Test func aMemberBornSinceThePreviousSnapshotAddsItsRatesSpreadOverTheInterval() throws {
        // Over a 2 s interval: a survivor at 50 % and a child born 0.5 s ago at 100 % of its life
        // used 1.5 s of CPU: 75 % of the interval. Its minflt_rate (10/s over 0.5 s) adds 2.5/s.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + recordLine([("ts", "2"), ("pid", "1"), ("start", "10"), ("age", "92"), ("dt", "2"), ("cpu", "50"), ("minflt_rate", "1")])
            + recordLine([("ts", "2"), ("pid", "2"), ("start", "101.5"), ("age", "0.5"), ("dt", "0.5"), ("cpu", "100"), ("minflt_rate", "10")])
        let run = try runPSAgg(input)
        #expect(run.output.split(separator: "\n").last == #"{"ts":2,"count":2,"utime":null,"stime":null,"cutime":null,"cstime":null,"cpu":75,"minflt_rate":3.5,"cpu_reaped":0}"#)
    }

    @Test func aMemberBornSinceThePreviousSnapshotHadItsChildrensTimesRiseFromZero() throws {
        // The shell was born in the same 10 ms tick as the first snapshot (start 99.995 floors to
        // 99.99 < 100) but was not in it: its cutime of 0.6 s rose in the interval.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1, dt: 1)
            + Self.process(ts: 2, now: 101, pid: 2, ppid: 1, start: 99.99, utime: 0, cutime: 0.6, dt: 1.01)
        #expect(try Self.reaped(input) == [nil, 60])
    }

    @Test func aMemberThatMovedToAnotherGroupDidNotEnd() throws {
        // pid 2 leaves user a for user b (setuid): a's reaped time is not reduced by it.
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, user: "a", utime: 1)
            + Self.process(ts: 1, now: 100, pid: 2, ppid: 1, start: 99, user: "a", utime: 5)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, user: "a", utime: 1, cutime: 0.25, dt: 1)
            + Self.process(ts: 2, now: 101, pid: 2, ppid: 1, start: 99, user: "b", utime: 5, dt: 1)
        #expect(try Self.reaped(input, ["-g", "user"]) == [nil, 25, 0])
    }

    @Test func withoutPsdeltasFieldsThereIsNoCpuReaped() throws {
        let input = Self.process(ts: 1, now: 100, pid: 1, ppid: 0, utime: 1)
            + Self.process(ts: 2, now: 101, pid: 1, ppid: 0, utime: 1, cutime: 1)
        let run = try runPSAgg(input)
        #expect(!run.output.contains("cpu_reaped"))
    }
}

@Suite struct PSAggNumberTests {
    @Test(arguments: [
        (1.5, 3, "1.5"), (0.1 + 0.2, 2, "0.3"), (2.0, 3, "2"), (-0.0001, 3, "0"), (-2.5, 0, "-3"),
        (1795319014.713, 3, "1795319014.713"), (0.0004, 3, "0"), (0.0005, 3, "0.001"), (123.456789, 9, "123.456789"),
        (1e20, 3, "100000000000000000000"), (-1e19, 2, "-10000000000000000000"), (1e-7, 9, "0.0000001"),
        (9007199254740993, 0, "9007199254740992"), (.infinity, 3, "null"), (.nan, 3, "null"),
        (1.7976931348623157e308, 0, "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"),
    ] as [(Double, Int, String)])
    func writesFixedPointWithoutExponent(value: Double, decimals: Int, text: String) {
        let out = OutputBuffer(fd: -1)
        out.appendDouble(value, decimals: decimals)
        #expect(out.text == text)
    }

    @Test func fractionDigitsOfALiteral() {
        for (literal, places) in [("12", 0), ("1.25", 2), ("1.5e-3", 4), ("2.50E+1", 1), ("1e-12", 9), ("7.0", 1)] {
            let digits = Array(literal.utf8).withUnsafeBufferPointer { GroupSums.fractionDigits($0) }
            #expect(Int(digits) == places, "\(literal)")
        }
    }
}

import Foundation
import Testing
@testable import PSCore

/// The fixtures every leak detector must get right, as series of 600 one-second samples.
enum TrendFixtures {
    static let mib = 1_048_576.0
    static let n = 600

    /// name → (rss values, leak expected)
    static func make(seed: UInt64, sawtoothPhase: Double = 0) -> [(name: String, rss: [Double], leak: Bool)] {
        var noise = TrendNoise(seed: seed)
        let t = (0..<n).map(Double.init)
        var ar = 0.0
        return [
            // 50 KB/s under 2 MiB of noise: 28 % in ten minutes.
            ("leak", t.map { 100 * mib + 50_000 * $0 + noise.normal(2 * mib) }, true),
            // A garbage collector: 5 MiB/s for 37 s, then freed.
            ("sawtooth", t.map { 100 * mib + 5 * mib * ($0 + sawtoothPhase).truncatingRemainder(dividingBy: 37) + noise.normal(0.5 * mib) }, false),
            // Caches filling for the first few minutes, then full.
            ("warmup", t.map { 200 * mib - 180 * mib * exp(-$0 / 120) + noise.normal(1 * mib) }, false),
            // Noise, somewhat persistent (AR(1), 0.5), and a spike now and then.
            ("flat", t.map { i -> Double in
                ar = 0.5 * ar + noise.normal(3 * mib)
                return 100 * mib + ar + (Int(i) % 97 == 13 ? 40 * mib : 0)
            }, false),
            // Real growth, 1 KiB/s, but 0.6 % in ten minutes: below the 5 % that matters.
            ("slow", t.map { 100 * mib + 1024 * $0 + noise.normal(64 * 1024) }, false),
        ]
    }

    /// The fixtures as a pssnap-like stream, one process per fixture, one snapshot a second.
    static func stream(_ fixtures: [(name: String, rss: [Double], leak: Bool)], extra: (Int, Int) -> String = { _, _ in "" }) -> String {
        var s = ""
        for i in 0..<n {
            for (k, f) in fixtures.enumerated() {
                s += "{\"ts\":\(1_700_000_000 + i),\"pid\":\(100 + k),\"ppid\":1,\"comm\":\"\(f.name)\",\"start\":1699999999.5,\"rss\":\(Int64(f.rss[i]))\(extra(i, k))}\n"
            }
        }
        return s
    }

    /// PROFIT's rule as we read it: the least-squares line over the second half of the
    /// recording rises.
    static func profitFlags(_ y: [Double]) -> Bool {
        let h = y.count / 2
        let xs = (h..<y.count).map(Double.init), ys = Array(y[h...])
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for i in xs.indices { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx) }
        return sxy / sxx > 0
    }
}

func runPSTrend(_ args: [String], _ input: String) throws -> InProcessRun {
    try StreamToolRun.run(PSTrend.spec, PSTrend.run, args, inputs: [input])
}

func jsonLines(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
}

@Suite struct PSTrendVerdictTests {
    /// A steady leak under noise is a leak; a sawtooth, a warm-up then plateau, flat noise and
    /// growth below --min-growth are not: for twenty seeds and four sawtooth phases (80 seeds pass
    /// too; twenty keep the suite quick).
    @Test(arguments: 1...20)
    func fixturesGetTheRightVerdict(seed: Int) throws {
        let fixtures = TrendFixtures.make(seed: UInt64(seed), sawtoothPhase: Double(seed % 4) * 9)
        let run = try runPSTrend(["-y", "rss"], TrendFixtures.stream(fixtures))
        #expect(run.status == 0 && run.errors.isEmpty, "\(run.errors)")
        let rows = jsonLines(run.output)
        #expect(rows.count == fixtures.count)
        for f in fixtures {
            let row = try #require(rows.first { $0["comm"] as? String == f.name })
            #expect(row["rss_leak"] as? Bool == f.leak, "seed \(seed): \(f.name): \(row)")
        }
        // Leaks first.
        #expect(rows.first?["comm"] as? String == "leak")
    }

    /// PROFIT's rule on the same fixtures: it flags the leak, but also the warm-up (still
    /// rising a little in the second half), the slow growth (any rise counts), the sawtooth at
    /// some phases and not others (where the half cuts a tooth), and about half the flat ones.
    @Test func profitsRuleGetsTheFixturesWrong() {
        var warmup = 0, slow = 0, leak = 0
        var sawtoothVerdicts = Set<Bool>()
        for seed in 1...10 {
            for phase in stride(from: 0.0, to: 37, by: 4) {
                let fixtures = TrendFixtures.make(seed: UInt64(seed), sawtoothPhase: phase)
                for f in fixtures {
                    let flagged = TrendFixtures.profitFlags(f.rss)
                    switch f.name {
                    case "leak": leak += flagged ? 1 : 0
                    case "warmup": warmup += flagged ? 1 : 0
                    case "slow": slow += flagged ? 1 : 0
                    case "sawtooth": sawtoothVerdicts.insert(flagged)
                    default: break
                    }
                }
            }
        }
        #expect(leak == 100)
        #expect(warmup == 100)
        #expect(slow == 100)
        #expect(sawtoothVerdicts == [true, false])
        // Flat noise: whenever the second half happens to tilt up, about half the time.
        let flat = (1...40).filter { seed in
            TrendFixtures.profitFlags(TrendFixtures.make(seed: UInt64(1000 + seed)).first { $0.name == "flat" }!.rss)
        }.count
        #expect(flat >= 10 && flat <= 30, "\(flat) of 40")
    }

    @Test func warmUpLeakIsFoundWithWindow() throws {
        // Flat for 300 s, then 100 KB/s: the whole series is judged not steady (its first half
        // is flat), the last 300 s are a leak.
        var noise = TrendNoise(seed: 7)
        let rss = (0..<600).map { i in 100 * TrendFixtures.mib + (i < 300 ? 0 : 100_000 * Double(i - 300)) + noise.normal(TrendFixtures.mib) }
        let input = TrendFixtures.stream([("late", rss, true)])
        let whole = jsonLines(try runPSTrend(["-y", "rss"], input).output)
        let tail = jsonLines(try runPSTrend(["-y", "rss", "--window", "300"], input).output)
        #expect(tail.first?["rss_leak"] as? Bool == true)
        // The summary still covers the whole series.
        #expect(tail.first?["samples"] as? Int == 600)
        #expect(tail.first?["rss_first"] as? Double == whole.first?["rss_first"] as? Double)
    }

    @Test func minGrowthAsSizeOrPercent() throws {
        let fixtures = TrendFixtures.make(seed: 3).filter { $0.name == "slow" }
        let input = TrendFixtures.stream(fixtures)
        // 0.6 MB in ten minutes: a leak when 512K is enough, or 0.1 %.
        for args in [["--min-growth", "512K"], ["--min-growth", "0.1%"], ["--min-growth", "rss=512K"]] {
            let row = try #require(jsonLines(try runPSTrend(["-y", "rss"] + args, input).output).first)
            #expect(row["rss_leak"] as? Bool == true, "\(args)")
        }
        let row = try #require(jsonLines(try runPSTrend(["-y", "rss", "--min-growth", "1M"], input).output).first)
        #expect(row["rss_leak"] as? Bool == false)
    }
}

@Suite struct PSTrendRecordTests {
    static func line(_ ts: Double, pid: Int, start: Double = 1000, comm: String = "a", _ more: String) -> String {
        "{\"ts\":\(ts),\"pid\":\(pid),\"comm\":\"\(comm)\",\"start\":\(start)\(more.isEmpty ? "" : ",")\(more)}\n"
    }

    @Test func summaryFieldsAndNullsSkipped() throws {
        var input = ""
        let rss: [Int?] = [100, nil, 300, 200, nil, 400]
        for (i, v) in rss.enumerated() {
            input += Self.line(Double(2000 + i), pid: 7, "\"rss\":\(v.map(String.init) ?? "null"),\"swap\":null,\"fds\":\(i + 3)")
        }
        let run = try runPSTrend([], input)
        #expect(run.status == 0)
        let rows = jsonLines(run.output)
        let row = try #require(rows.first)
        #expect(row["pid"] as? Int == 7 && row["start"] as? Int == 1000 && row["comm"] as? String == "a")
        #expect(row["first_ts"] as? Int == 2000 && row["last_ts"] as? Int == 2005 && row["samples"] as? Int == 6)
        #expect(row["rss_first"] as? Int == 100 && row["rss_last"] as? Int == 400)
        #expect(row["rss_min"] as? Int == 100 && row["rss_max"] as? Int == 400 && row["rss_mean"] as? Int == 250)
        // Slopes over (2000,100) (2002,300) (2003,200) (2005,400): -100 33.3 33.3 60 100 100 → 46.67.
        #expect(abs((row["rss_slope"] as? Double ?? 0) - 46.6667) < 0.001)
        // swap: present, every value null: null statistics, never 0.
        for stat in ["first", "last", "min", "max", "mean", "slope", "p", "leak"] {
            #expect(row["swap_\(stat)"] is NSNull, "swap_\(stat)")
        }
        // fds grows 1 per second; pss, uss and threads are absent: not written.
        #expect(row["fds_slope"] as? Int == 1)
        #expect(row["pss_first"] == nil && row["threads_first"] == nil)
        // Field order: key, times, then each field's statistics.
        let keys = try NSRegularExpression(pattern: "\"(\\w+)\":").matches(in: run.output, range: NSRange(run.output.startIndex..., in: run.output))
            .map { String(run.output[Range($0.range(at: 1), in: run.output)!]) }
        #expect(Array(keys.prefix(6)) == ["pid", "start", "comm", "first_ts", "last_ts", "samples"])
    }

    @Test func reusedPidIsTwoSeries() throws {
        var input = ""
        for i in 0..<5 { input += Self.line(Double(10 + i), pid: 42, start: 5, "\"rss\":\(1000 + i)") }
        for i in 5..<10 { input += Self.line(Double(10 + i), pid: 42, start: 14.5, comm: "b", "\"rss\":9000") }
        let rows = jsonLines(try runPSTrend([], input).output)
        #expect(rows.count == 2)
        #expect(Set(rows.compactMap { $0["start"] as? Double }) == [5, 14.5])
        #expect(rows.allSatisfy { $0["samples"] as? Int == 5 })
    }

    @Test func aProcessThatExecsIsNamedByItsLastCommAndCmdline() throws {
        let input = "{\"ts\":1,\"pid\":9,\"start\":3,\"comm\":\"bash\",\"cmdline\":\"bash shim\",\"rss\":1}\n"
            + "{\"ts\":2,\"pid\":9,\"start\":3,\"comm\":\"python3\",\"cmdline\":\"python3 app.py\",\"rss\":2}\n"
        let rows = jsonLines(try runPSTrend([], input).output)
        #expect(rows.count == 1)
        #expect(rows.first?["comm"] as? String == "python3" && rows.first?["cmdline"] as? String == "python3 app.py")
    }

    @Test func seriesOptionAddsUpRecordsOfOneSnapshot() throws {
        var input = ""
        for i in 0..<4 {
            input += Self.line(Double(i), pid: 1, comm: "w", "\"rss\":100")
            input += Self.line(Double(i), pid: 2, comm: "w", "\"rss\":\(10 * i)")
            input += Self.line(Double(i), pid: 3, comm: "x", "\"rss\":5")
        }
        let rows = jsonLines(try runPSTrend(["-s", "comm", "-y", "rss"], input).output)
        let w = try #require(rows.first { $0["comm"] as? String == "w" })
        #expect(w.count == 4 + 8)
        #expect(w["samples"] as? Int == 4 && w["rss_first"] as? Int == 100 && w["rss_last"] as? Int == 130)
        #expect(w["pid"] == nil)
    }

    @Test func psaggRowsAreOneSeriesAndRatesWork() throws {
        var input = ""
        for i in 0..<10 { input += "{\"ts\":\(100 + i),\"count\":3,\"rss\":\(1_000_000 + 4096 * i),\"cpu\":\(i % 2 == 0 ? 50.5 : 49.5)}\n" }
        let run = try runPSTrend(["-y", "rss,cpu"], input)
        let rows = jsonLines(run.output)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["cpu_max"] as? Double == 50.5 && row["cpu_mean"] as? Int == 50)
        #expect(row["rss_max"] as? Int == 1_036_864 && row["rss_slope"] as? Int == 4096)
        #expect(run.output.hasPrefix("{\"first_ts\":100,"))
    }

    @Test func repeatedFieldOptionsAddUpAndNumericGroupKeysStayApart() throws {
        // `psagg -g uid` rows: uid 0 and uid 1000 are two series; `-y rss -y cpu` judges both.
        var input = ""
        for i in 0..<10 {
            input += "{\"ts\":\(100 + i),\"uid\":0,\"count\":3,\"rss\":\(1000 + i),\"cpu\":5}\n"
            input += "{\"ts\":\(100 + i),\"uid\":1000,\"count\":1,\"rss\":\(50 + i),\"cpu\":1}\n"
        }
        let rows = jsonLines(try runPSTrend(["-y", "rss", "-y", "cpu"], input).output)
        #expect(rows.count == 2)
        #expect(Set(rows.compactMap { $0["uid"] as? Int }) == [0, 1000])
        #expect(rows.allSatisfy { $0["rss_max"] != nil && $0["cpu_max"] != nil })
    }

    @Test func limitGivesSecondsUntilTheFittedLineReachesIt() throws {
        var input = ""
        for i in 0..<10 { input += Self.line(Double(i), pid: 1, "\"rss\":\(1000 + 100 * i),\"fds\":\(50 - i)") }
        let row = try #require(jsonLines(try runPSTrend(["--limit", "2000"], input).output).first)
        // rss: 1900 at the last sample, 100 per second → 1 s; fds falls: never.
        #expect(row["rss_eta"] as? Int == 1)
        #expect(row["fds_eta"] is NSNull)
        let perField = try #require(jsonLines(try runPSTrend(["--limit", "fds=10", "--limit", "rss=1K"], input).output).first)
        // Both lines are past their limits already.
        #expect(perField["rss_eta"] as? Int == 0)
        #expect(perField["fds_eta"] as? Int == 0)
        let onlyRss = try #require(jsonLines(try runPSTrend(["--limit", "rss=4K"], input).output).first)
        #expect(onlyRss["rss_eta"] as? Double == 21.96 && onlyRss["fds_eta"] == nil)
    }

    @Test func numbersAreNeverExponentsOrNaN() throws {
        var input = ""
        for i in 0..<20 { input += Self.line(1_700_000_000.125 + Double(i) * 0.1, pid: 1, "\"rss\":\(i % 3 == 0 ? "1e-7" : "123456789012345")") }
        let run = try runPSTrend(["-y", "rss"], input)
        #expect(run.status == 0)
        for row in run.output.split(separator: "\n") {
            let numbers = row.split(whereSeparator: { ",:{}".contains($0) }).filter { $0.first?.isNumber == true || $0.first == "-" }
            for n in numbers { #expect(!n.contains("e") && !n.contains("E") && !n.lowercased().contains("nan"), "\(n)") }
        }
    }

    @Test func mostSuspiciousFirst() throws {
        var input = ""
        var noise = TrendNoise(seed: 11)
        for i in 0..<300 {
            let t = Double(i)
            input += Self.line(t, pid: 1, comm: "flat", "\"rss\":\(Int(1e8 + noise.normal(1e6)))")
            input += Self.line(t, pid: 2, comm: "grows", "\"rss\":\(Int(1e8 + 1e3 * t + noise.normal(1e4)))")
            input += Self.line(t, pid: 3, comm: "leaks", "\"rss\":\(Int(1e8 + 1e5 * t + noise.normal(1e6)))")
            input += Self.line(t, pid: 4, comm: "shrinks", "\"rss\":\(Int(1e8 - 1e5 * t + noise.normal(1e6)))")
        }
        let rows = jsonLines(try runPSTrend([], input).output)
        #expect(rows.map { $0["comm"] as? String ?? "" } == ["leaks", "grows", "flat", "shrinks"])
    }
}

@Suite struct PSTrendInputTests {
    @Test func badLinesAreReportedAndSkipped() throws {
        let good = "{\"ts\":1,\"pid\":1,\"start\":1,\"rss\":5}\n{\"ts\":2,\"pid\":1,\"start\":1,\"rss\":6}\n"
        let input = good + "not json\n{\"pid\":1,\"start\":1,\"rss\":5}\n{\"ts\":3,\"pid\":1,\"start\":1,\"rss\":\"big\"}\n{\"ts\":3,\"pid\":-4,\"start\":1,\"rss\":5}\n"
        let run = try runPSTrend([], input)
        #expect(run.status == 1)
        #expect(run.errors.count == 4, "\(run.errors)")
        #expect(run.errors[0].hasPrefix("in1.ndjson:3:"))
        #expect(run.errors[1] == "in1.ndjson:4:27: missing number field 'ts'")
        #expect(run.errors[2] == "in1.ndjson:5:33: field 'rss' is not a number")
        // The core's identity rule words it: a pid out of range.
        #expect(run.errors[3].hasPrefix("in1.ndjson:6:") && run.errors[3].contains("'pid'") && run.errors[3].contains("-4"), "\(run.errors[3])")
        let rows = jsonLines(run.output)
        #expect(rows.count == 1 && rows[0]["samples"] as? Int == 2)
        let strict = try runPSTrend(["--strict"], input)
        #expect(strict.status == 1 && strict.errors.count == 1)
    }

    @Test(arguments: [
        (["-y", "comm"], "cannot judge 'comm': it is not a measurement (a label field)"),
        (["-y", "rss,,fds"], "option '-y' takes FIELD,FIELD,... with no empty name, not 'rss,,fds'"),
        (["-y", "rss", "-y", "rss"], "option '-y' names 'rss' twice"),
        (["-y", "rss,rss"], "option '-y' names 'rss' twice"),
        (["--alpha", "1.5"], "option '--alpha' takes a probability between 0 and 1, not '1.5'"),
        (["--min-growth", "lots"], "option '--min-growth' takes a size such as 1M or a percentage such as 5%, not 'lots'"),
        (["--limit", "5%"], "option '--limit' takes a size such as 2G (or FIELD=SIZE), not '5%'"),
        (["--window", "0"], "option '--window' needs more than 0 seconds"),
        (["--limit", "rsss=1G"], "option '--limit' names 'rsss', which is not judged (add it to '-y')"),
        (["-y", "rss", "--min-growth", "fds=3"], "option '--min-growth' names 'fds', which is not judged (add it to '-y')"),
    ])
    func usageErrors(args: [String], message: String) throws {
        let run = try runPSTrend(args, "")
        #expect(run.status == 2)
        #expect(run.errors.first == message)
    }

    @Test func aFieldNoRecordCarriesIsAnError() throws {
        let input = "{\"ts\":1,\"pid\":1,\"start\":1,\"rss\":5}\n"
        let run = try runPSTrend(["-y", "rsss,cpu,pss"], input)
        #expect(run.status == 2)
        #expect(run.output.isEmpty)
        #expect(run.errors == [
            "no record has field 'rsss' (did you mean 'rss'?)",
            "no record has field 'cpu' (it comes from psdelta: pipe the records through psdelta first)",
            "no record has field 'pss' (pssnap writes it with -f +smaps)",
        ])
    }
}

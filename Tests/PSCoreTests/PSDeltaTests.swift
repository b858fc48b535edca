import Testing
@testable import PSCore

/// psdelta in-process, on records built here, against rates computed by hand.
@Suite struct PSDeltaTests {
    func run(_ inputs: String..., args: [String] = []) throws -> InProcessRun {
        try StreamToolRun.run(PSDelta.spec, PSDelta.run, args, inputs: inputs)
    }

    /// The lines psdelta wrote.
    func lines(_ inputs: String..., args: [String] = []) throws -> [String] {
        let r = try StreamToolRun.run(PSDelta.spec, PSDelta.run, args, inputs: inputs)
        #expect(r.errors == [])
        #expect(r.status == 0)
        return r.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func ratesOverDtMatchHandComputedValues() throws {
        let a = #"{"ts":100,"pid":10,"start":50,"age":50,"utime":1,"stime":0.5,"rchar":1000,"rss":4096,"minflt":10}"#
        let b = #"{"ts":102,"pid":10,"start":50,"age":52,"utime":2.5,"stime":0.75,"rchar":5000,"rss":8192,"minflt":13}"#
        // dt = 52 - 50; cpu = (1.5 + 0.25) / 2 × 100; rchar (4000 / 2) before minflt (3 / 2): record order.
        #expect(try lines(a + "\n" + b + "\n") == [
            String(a.dropLast()) + #","dt":null,"cpu":null,"cpu_user":null,"cpu_sys":null,"rchar_rate":null,"minflt_rate":null}"#,
            String(b.dropLast()) + #","dt":2,"cpu":87.5,"cpu_user":75,"cpu_sys":12.5,"rchar_rate":2000,"minflt_rate":1.5}"#,
        ])
    }

    @Test func ratesAreRoundedToThreeDecimalsAndCPUToTwo() throws {
        let a = #"{"ts":1,"pid":10,"start":50,"age":50,"utime":0,"stime":0,"wchar":0}"#
        let b = #"{"ts":4,"pid":10,"start":50,"age":53.001,"utime":1,"stime":0,"wchar":1000}"#
        // dt 3.001: cpu 1/3.001 = 33.322...%, wchar 1000/3.001 = 333.222...
        #expect(try lines(a + "\n" + b + "\n")[1] == String(b.dropLast())
            + #","dt":3.001,"cpu":33.32,"cpu_user":33.32,"cpu_sys":0,"wchar_rate":333.222}"#)
    }

    @Test func recordsAreWrittenByteForByteWithFieldsBeforeTheClosingBrace() throws {
        let a = #"{ "ts": 1, "pid": 10, "start": 50, "age": 50, "majflt": 1 }"#
        let b = "  {\"ts\":2 ,\"pid\":10,\"start\":50,\"age\":51,\"majflt\":3}\r"
        #expect(try lines(a + "\n" + b + "\n") == [#"{ "ts": 1, "pid": 10, "start": 50, "age": 50, "majflt": 1 ,"dt":null,"majflt_rate":null}"#, #"{"ts":2 ,"pid":10,"start":50,"age":51,"majflt":3,"dt":1,"majflt_rate":2}"#])
    }

    @Test func aProcessBornBetweenSnapshotsIsMeasuredFromBirth() throws {
        let input = """
            {"ts":100,"pid":1,"start":10,"age":90,"utime":5,"stime":5,"rchar":100}
            {"ts":100,"pid":20,"start":99.99,"age":0.01,"utime":0,"stime":0,"rchar":0}
            {"ts":102,"pid":1,"start":10,"age":92,"utime":5,"stime":5,"rchar":100}
            {"ts":102,"pid":30,"start":101,"age":1,"utime":0.5,"stime":0.25,"rchar":300}
            {"ts":102,"pid":40,"start":99.99,"age":2.01,"utime":1,"stime":0,"rchar":5}
            {"ts":102,"pid":50,"start":99.995,"age":2.005,"utime":1,"stime":0,"rchar":5}
            {"ts":102,"pid":41,"start":99.98,"age":2.02,"utime":1,"stime":0,"rchar":5}

            """
        let out = try lines(input)
        // In the first snapshot nobody has a past, not even the young pid 20: its added fields are null.
        #expect(out[1] == #"{"ts":100,"pid":20,"start":99.99,"age":0.01,"utime":0,"stime":0,"rchar":0,"dt":null,"cpu":null,"cpu_user":null,"cpu_sys":null,"rchar_rate":null}"#)
        // The previous snapshot's start + age is 100: pid 30 (start 101) was born since, over its age of 1 s.
        #expect(out[3] == #"{"ts":102,"pid":30,"start":101,"age":1,"utime":0.5,"stime":0.25,"rchar":300,"dt":1,"cpu":75,"cpu_user":50,"cpu_sys":25,"rchar_rate":300}"#)
        // pid 40's start tick (99.99 to 100) ends as that snapshot was taken, which did not show
        // it: born since when in doubt, measured from its birth (true rates over its whole life).
        #expect(out[4].hasSuffix(#""dt":2.01,"cpu":49.75,"cpu_user":49.75,"cpu_sys":0,"rchar_rate":2.488}"#))
        // pid 41 started a tick before that: it was alive then, with no past to measure from.
        #expect(out[6] == #"{"ts":102,"pid":41,"start":99.98,"age":2.02,"utime":1,"stime":0,"rchar":5,"dt":null,"cpu":null,"cpu_user":null,"cpu_sys":null,"rchar_rate":null}"#)
        // start is rounded down to a 10 ms tick: less than one tick before the snapshot is born since.
        #expect(out[5].hasSuffix(#""dt":2.005,"cpu":49.88,"cpu_user":49.88,"cpu_sys":0,"rchar_rate":2.494}"#))
    }

    @Test func aReusedPidIsANewProcess() throws {
        let input = """
            {"ts":100,"pid":10,"start":50,"age":50,"utime":7,"stime":1}
            {"ts":101,"pid":10,"start":100.5,"age":0.5,"utime":0.1,"stime":0}
            {"ts":102,"pid":10,"start":100.5,"age":1.5,"utime":0.2,"stime":0.1}

            """
        let out = try lines(input)
        // Not against the old pid 10 (whose utime was 7): measured from its own birth.
        #expect(out[1].hasSuffix(#""dt":0.5,"cpu":20,"cpu_user":20,"cpu_sys":0}"#))
        #expect(out[2].hasSuffix(#""dt":1,"cpu":20,"cpu_user":10,"cpu_sys":10}"#))
    }

    @Test func aCounterThatWentDownRatesNullNeverNegative() throws {
        let input = """
            {"ts":1,"pid":10,"start":5,"age":5,"utime":3,"stime":1,"rchar":1000,"wchar":10,"read_bytes":null}
            {"ts":2,"pid":10,"start":5,"age":6,"utime":2,"stime":1.5,"rchar":500,"wchar":20,"read_bytes":null}

            """
        #expect(try lines(input)[1].hasSuffix(#""dt":1,"cpu":null,"cpu_user":null,"cpu_sys":50,"rchar_rate":null,"wchar_rate":10,"read_bytes_rate":null}"#))
    }

    @Test func dtOfZeroOrLessGivesNullForEveryRate() throws {
        let input = """
            {"ts":1,"pid":10,"start":5,"age":5,"utime":1,"stime":1,"rchar":10}
            {"ts":2,"pid":10,"start":5,"age":5,"utime":2,"stime":1,"rchar":20}
            {"ts":3,"pid":10,"start":5,"age":4.5,"utime":3,"stime":1,"rchar":30}

            """
        let out = try lines(input)
        #expect(out[1].hasSuffix(#""dt":0,"cpu":null,"cpu_user":null,"cpu_sys":null,"rchar_rate":null}"#))
        #expect(out[2].hasSuffix(#""dt":-0.5,"cpu":null,"cpu_user":null,"cpu_sys":null,"rchar_rate":null}"#))
    }

    @Test func threadsArePairedByTid() throws {
        let input = """
            {"ts":1,"pid":10,"tid":10,"start":5,"age":5,"utime":1,"stime":0}
            {"ts":1,"pid":10,"tid":11,"start":5,"age":5,"utime":2,"stime":0}
            {"ts":2,"pid":10,"tid":10,"start":5,"age":6,"utime":1.5,"stime":0}
            {"ts":2,"pid":10,"tid":11,"start":5,"age":6,"utime":2.1,"stime":0}

            """
        let out = try lines(input)
        #expect(out[2].hasSuffix(#""dt":1,"cpu":50,"cpu_user":50,"cpu_sys":0}"#))
        #expect(out[3].hasSuffix(#""dt":1,"cpu":10,"cpu_user":10,"cpu_sys":0}"#))
    }

    @Test func concatenatedFilesAreOneStreamAndDtCoversTheGap() throws {
        let monday = """
            {"ts":1000,"pid":10,"start":5,"age":995,"utime":1,"stime":0,"write_bytes":0}
            {"ts":1001,"pid":10,"start":5,"age":996,"utime":1,"stime":0,"write_bytes":4096}

            """
        let later = """
            {"ts":1061,"pid":10,"start":5,"age":1056,"utime":31,"stime":0,"write_bytes":249856}

            """
        let out = try lines(monday, later)
        #expect(out.count == 3)
        // 60 s between the last record of the first file and the first of the second.
        #expect(out[2].hasSuffix(#""dt":60,"cpu":50,"cpu_user":50,"cpu_sys":0,"write_bytes_rate":4096}"#))
    }

    @Test func aProcessMissingFromASnapshotIsForgotten() throws {
        let input = """
            {"ts":1,"pid":10,"start":5,"age":5,"utime":1,"stime":0}
            {"ts":2,"pid":11,"start":5,"age":6,"utime":1,"stime":0}
            {"ts":3,"pid":10,"start":5,"age":7,"utime":2,"stime":0}

            """
        #expect(try lines(input)[2] == #"{"ts":3,"pid":10,"start":5,"age":7,"utime":2,"stime":0,"dt":null,"cpu":null,"cpu_user":null,"cpu_sys":null}"#)
    }

    @Test func memoryHoldsOnlyTheProcessesOfTheLastSnapshot() throws {
        let tracker = DeltaTracker()
        let parser = RecordParser()
        let out = OutputBuffer(fd: -1)
        for snapshot in 0..<50 {
            for i in 0..<100 {
                let line = Array(#"{"ts":\#(snapshot),"pid":\#(snapshot * 100 + i),"start":1,"age":\#(snapshot)}"#.utf8)
                let problem = try line.withUnsafeBufferPointer { tracker.process(try parser.parse($0), to: out) }
                #expect(problem == nil)
            }
        }
        // The last snapshot's 100, and the previous one's until the next snapshot begins.
        #expect(tracker.observationCount == 200)
    }

    @Test func runningTwiceChangesNothing() throws {
        let input = """
            {"ts":1,"pid":10,"start":5,"age":5,"utime":1,"stime":0,"cutime":0}
            {"ts":2,"pid":10,"start":5,"age":6,"utime":1.5,"stime":0,"cutime":1}
            {"ts":2,"pid":12,"start":5.5,"age":0.5,"utime":0.1,"stime":0,"cutime":0}
            {"ts":3,"pid":10,"start":5,"age":7,"utime":1.5,"stime":0,"cutime":1}

            """
        let once = try run(input).output
        let twice = try run(once).output
        #expect(twice == once)
        #expect(!once.contains("_rate_rate") && !once.contains("\"dt\":1,\"dt\""))
    }

    @Test func fieldsAbsentFromARecordAreNotAdded() throws {
        // No utime or stime: no cpu fields; only the counters present are rated.
        let input = """
            {"ts":1,"pid":10,"start":5,"age":5,"rss":1,"nvctx":4}
            {"ts":2,"pid":10,"start":5,"age":7,"rss":2,"nvctx":10}

            """
        #expect(try lines(input)[1] == #"{"ts":2,"pid":10,"start":5,"age":7,"rss":2,"nvctx":10,"dt":2,"nvctx_rate":3}"#)
    }

    @Test func badLinesAreReportedSkippedAndGoodOnesStillComeOut() throws {
        let input = """
            {"ts":1,"pid":10,"start":5,"age":5,"utime":1,"stime":0}
            {"ts":1,"pid":11,"start":5
            {"ts":1,"pid":12,"age":5}
            {"ts":1,"pid":"13","start":5,"age":5}
            {"ts":2,"pid":10,"start":5,"age":6,"utime":2,"stime":0}

            """
        let r = try run(input)
        #expect(r.status == 1)
        #expect(r.errors == [
            "in1.ndjson:2:27: expected ',' or '}'",
            "in1.ndjson:3:25: missing field 'start'",
            "in1.ndjson:4:15: field 'pid' is not an integer",
        ])
        #expect(r.output == """
            {"ts":1,"pid":10,"start":5,"age":5,"utime":1,"stime":0,"dt":null,"cpu":null,"cpu_user":null,"cpu_sys":null}
            {"ts":2,"pid":10,"start":5,"age":6,"utime":2,"stime":0,"dt":1,"cpu":100,"cpu_user":100,"cpu_sys":0}

            """)
        let strict = try run(input, args: ["--strict"])
        #expect(strict.status == 1)
        #expect(strict.errors.count == 1)
        #expect(strict.output == #"{"ts":1,"pid":10,"start":5,"age":5,"utime":1,"stime":0,"dt":null,"cpu":null,"cpu_user":null,"cpu_sys":null}"# + "\n")
    }
}

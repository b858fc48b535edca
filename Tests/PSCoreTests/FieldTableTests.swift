import Foundation
import Testing
@testable import PSCore

/// The one table of fields, the one identity, the series rule and the tree helpers every tool uses.
@Suite struct FieldTableTests {
    @Test func pssnapWritesExactlyTheTablesFieldsInItsOrder() throws {
        let run = try TestSupport.shell("pssnap -f +smaps,+net,+cgroup,+argv --host -T 'pid==1'")
        #expect(run.status == 0, "\(run.stderr)")
        let line = try #require(run.lines.first)
        // Keys in order, read without a dictionary (which would lose the order).
        let parser = RecordParser()
        let bytes = Array(line.utf8)
        let keys = try bytes.withUnsafeBufferPointer { buffer in
            let record = try parser.parse(buffer)
            return (0..<record.count).map { record.keyString(at: $0) }
        }
        #expect(keys == FieldTable.pssnap.map(\.name))
    }

    @Test func everyListIsAViewOfTheTable() {
        #expect(DeltaTracker.counterNames == FieldTable.pssnap.filter { $0.kind == .counter }.map(\.name))
        #expect(FieldTable.psdelta.map(\.name).prefix(4) == ["dt", "cpu", "cpu_user", "cpu_sys"])
        #expect(FieldTable.psdelta.dropFirst(4).map(\.name) == FieldTable.ratedCounters.map { $0.name + "_rate" })
        // psagg sums gauges (not nice, prio, processor), counters and rates; never identity or time.
        #expect(AdditiveFields.knownOrder.contains("rss") && AdditiveFields.knownOrder.contains("cpu"))
        for name in ["pid", "ppid", "ts", "start", "age", "dt", "nice", "prio", "processor", "uid", "depth"] {
            #expect(!AdditiveFields.knownOrder.contains(name), "\(name)")
        }
        #expect(QueryFields.isNumeric("rss") && QueryFields.isNumeric("cpu") && QueryFields.isNumeric("my_rate"))
        #expect(!QueryFields.isNumeric("comm") && !QueryFields.isNumeric("user"))
    }

    @Test(arguments: [
        ("rss", FieldKind.gauge, FieldUnit.bytes), ("utime", .counter, .seconds), ("minflt", .counter, .none),
        ("cpu", .rate, .percent), ("rchar_rate", .rate, .bytesPerSecond), ("minflt_rate", .rate, .perSecond),
        ("cutime_rate", .rate, .secondsPerSecond), ("ts", .time, .epochSeconds), ("age", .time, .seconds),
        ("pid", .identity, .none), ("comm", .label, .none), ("cpu_reaped", .rate, .percent), ("count", .gauge, .none),
    ])
    func kindsAndUnits(name: String, kind: FieldKind, unit: FieldUnit) {
        #expect(FieldTable.kind(of: name) == kind)
        #expect(FieldTable.unit(of: name) == unit)
    }

    @Test func aFieldNoTableKnowsIsTreatedByItsJSONType() {
        #expect(FieldTable.kind(of: "image", json: .string) == .label)
        #expect(FieldTable.kind(of: "score", json: .number) == .gauge)
        #expect(FieldTable.kind(of: "gpu_rate", json: .number) == .rate)
        #expect(FieldTable.info("score") == nil)
    }

    @Test func theNearestKnownNameIsSuggested() {
        #expect(FieldTable.nearest(to: "rsss") == "rss")
        #expect(FieldTable.nearest(to: "cup") == "cpu")
        #expect(FieldTable.nearest(to: "comand") == nil || FieldTable.nearest(to: "comand") == "comm")
        #expect(FieldTable.nearest(to: "zzzzzzzz") == nil)
        #expect(FieldTable.editDistance("ab", "ba") == 1)
    }
}

@Suite struct IdentityAndSeriesTests {
    func withRecord<R>(_ json: String, _ body: (Record) throws -> R) throws -> R {
        let parser = RecordParser()
        let bytes = Array(json.utf8)
        return try bytes.withUnsafeBufferPointer { try body(try parser.parse($0)) }
    }

    @Test func aPidOutOfRangeIsAProblemNeverAnotherPid() throws {
        let reader = IdentityReader()
        _ = try withRecord(#"{"pid":4294967297,"start":1}"#) { r in
            #expect(throws: IdentityProblem.self) { try reader.identity(r).get() }
        }
        _ = try withRecord(#"{"pid":-1,"start":1}"#) { r in
            #expect(throws: IdentityProblem.self) { try reader.pid(r).get() }
        }
        let identity = try withRecord(#"{"pid":12,"tid":13,"start":1.5}"#) { try reader.identity($0).get() }
        #expect(identity == ProcessIdentity(pid: 12, tid: 13, startMs: 1500))
        let ppid = try withRecord(#"{"pid":12,"start":1.5}"#) { try reader.ppid($0).get() }
        #expect(ppid == 0)
    }

    @Test func bornSinceAllowsTheStartTick() {
        #expect(SnapshotClock.bornSince(startMs: 100_001, previousClockMs: 100_000))
        #expect(SnapshotClock.bornSince(startMs: 99_990, previousClockMs: 100_000))
        #expect(!SnapshotClock.bornSince(startMs: 99_980, previousClockMs: 100_000))
    }

    @Test func processRecordsAreSeriesByPidAndStartGroupsByTheirLabels() throws {
        let rule = SeriesRule()
        let a = try withRecord(#"{"ts":1,"pid":5,"start":10,"comm":"nginx","rss":1}"#) { try rule.key(of: $0).get() }
        let b = try withRecord(#"{"ts":2,"pid":5,"start":10,"comm":"nginx","rss":2}"#) { try rule.key(of: $0).get() }
        let reused = try withRecord(#"{"ts":3,"pid":5,"start":99,"comm":"sh"}"#) { try rule.key(of: $0).get() }
        #expect(a == b)
        #expect(a != reused)
        let label = try withRecord(#"{"ts":1,"pid":5,"start":10,"comm":"nginx","cmdline":"nginx -g x"}"#) { rule.describe($0) }
        #expect(label.label == "nginx 5")
        #expect(label.keyFields.map(\.name) == ["pid", "start", "comm", "cmdline"])
        let thread = try withRecord(#"{"ts":1,"pid":5,"tid":6,"start":10,"comm":"worker"}"#) { rule.describe($0) }
        #expect(thread.label == "worker 5/6")

        // psagg -g user rows: the key is the label field; a total row is "all".
        let root = try withRecord(#"{"ts":1,"user":"root","count":3,"rss":5}"#) { ($0, try rule.key(of: $0).get()) }
        let alice = try withRecord(#"{"ts":1,"user":"alice","count":3,"rss":5}"#) { try rule.key(of: $0).get() }
        #expect(root.1 != alice)
        let aliceLabel = try withRecord(#"{"ts":1,"user":"alice","count":3}"#) { rule.describe($0).label }
        #expect(aliceLabel == "alice")
        let total = try withRecord(#"{"ts":1,"count":3,"rss":5}"#) { rule.describe($0).label }
        #expect(total == "all")
        // A user's own numeric field is not a key; a user's own string field is.
        let imageKey = try withRecord(#"{"ts":1,"image":"web","score":3}"#) { rule.describe($0).keyFields.map(\.name) }
        #expect(imageKey == ["image"])

        let explicit = SeriesRule(fields: ["comm"])
        let x = try withRecord(#"{"pid":1,"start":1,"comm":"a"}"#) { try explicit.key(of: $0).get() }
        let y = try withRecord(#"{"pid":2,"start":2,"comm":"a"}"#) { try explicit.key(of: $0).get() }
        #expect(x == y)
    }

    @Test func treeSubtreesAndTopmostMatches() {
        // 1 ─ 2 ─ 4
        //   └ 3
        // 5 ─ 6
        let tree = ProcessTree(pids: [4, 3, 2, 1, 6, 5], ppids: [2, 1, 1, 0, 5, 0])
        let index = { (pid: Int32) in [4, 3, 2, 1, 6, 5].firstIndex(of: pid)! }
        #expect(tree.subtree(of: [index(2)]) == [index(2), index(4)])
        #expect(tree.subtree(of: [index(1)]) == [index(1), index(2), index(4), index(3)])
        var selected = [Bool](repeating: false, count: 6)
        selected[index(2)] = true
        selected[index(4)] = true
        selected[index(6)] = true
        #expect(tree.topmostSelected(selected) == [index(2), index(6)])
        let top = tree.topmostSelectedAncestor(selected)
        #expect(top[index(4)] == index(2) && top[index(2)] == index(2) && top[index(3)] == -1 && top[index(6)] == index(6))
    }
}

@Suite struct SharedRenderingTests {
    @Test(arguments: [
        (1536.0 * 1024 * 1024, FieldUnit.bytes, "1.5 GiB"), (250, .percent, "250 %"), (12 * 1048576, .bytesPerSecond, "12 MiB/s"),
        (3.2, .seconds, "3.2 s"), (3725, .seconds, "1h02m"), (65, .seconds, "1m05s"), (1234567, .none, "1.23M"), (0, .bytes, "0 B"),
        (512, .bytes, "512 B"), (0.125, .perSecond, "0.125 /s"),
    ])
    func humanUnits(value: Double, unit: FieldUnit, text: String) {
        #expect(HumanUnits.format(value, unit: unit) == text)
    }

    @Test func textFromAProcessCannotControlTheTerminal() {
        #expect(TerminalText.sanitize("a\u{1B}]0;pwned\u{07}\u{1B}[2Jb\nc\u{9B}d") == "a?]0;pwned??[2Jb?c?d")
        #expect(TerminalText.width("日本") == 4)
        #expect(TerminalText.truncate("abcdef", to: 4) == "abc…")
        #expect(TerminalText.truncate("abc", to: 4) == "abc")
    }

    @Test func namedOutputFilesNeverFollowALinkNorWriteAFIFO() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/target"
        _ = FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: target)
        guard case .failure(let e) = OutputFile.open(dir + "/link", mode: .append) else { Issue.record("followed a link"); return }
        #expect(e.message.contains("symbolic link"))
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        guard case .failure(let f) = OutputFile.open(dir + "/fifo", mode: .truncate) else { Issue.record("opened a FIFO"); return }
        #expect(f.message.contains("a FIFO, not a regular file"))
        guard case .failure = OutputFile.replace(dir + "/link", with: UnsafeBufferPointer(start: nil, count: 0)) else {
            Issue.record("replaced through a link"); return
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
        let bytes = Array("new\n".utf8)
        let replaced = bytes.withUnsafeBufferPointer { OutputFile.replace(dir + "/metrics", with: $0) }
        #expect((try? replaced.get()) != nil)
        #expect(try String(contentsOfFile: dir + "/metrics", encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["fifo", "link", "metrics", "target"])
    }
}

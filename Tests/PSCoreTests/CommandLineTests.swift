import Testing
@testable import PSCore

@Suite struct CommandLineTests {
    let parser = ArgumentParser(PSSnap.spec)

    @Test(arguments: [["-i1"], ["-i", "1"], ["--interval", "1"], ["--interval=1"], ["--inter=1"]])
    func everyFormOfAValuedOption(_ args: [String]) throws {
        #expect(try parser.parse(args).value("interval") == "1")
    }

    @Test func bundledShortFlagsAndAValueAtTheEnd() throws {
        let p = try parser.parse(["-Ti0.5"])
        #expect(p.has("threads") && p.value("interval") == "0.5")
    }

    @Test func doubleDashEndsOptions() throws {
        let p = try parser.parse(["-i1", "--", "sh", "-c", "exit 3", "--help"])
        #expect(p.afterDoubleDash == ["sh", "-c", "exit 3", "--help"])
        #expect(!p.has("help"))
    }

    @Test func aLoneDashIsAnOperand() throws {
        #expect(try parser.parse(["-"]).operands == ["-"])
    }

    @Test(arguments: [
        (["--intrval", "1"], "unknown option '--intrval' (did you mean '--interval'?)"),
        (["-x"], "unknown option '-x'"),
        (["-i"], "option '-i' needs a value (SECONDS)"),
        (["--interval"], "option '--interval' needs a value (SECONDS)"),
        (["--threads=yes"], "option '--threads' takes no value"),
        (["--h"], "option '--h' is ambiguous: '--host', '--help'"),
    ])
    func usageErrors(_ args: [String], _ message: String) {
        #expect(throws: UsageError(message)) { try parser.parse(args) }
    }

    @Test(arguments: [("1", Int64(1_000_000_000)), ("0.25", 250_000_000), (".5", 500_000_000), ("2.", 2_000_000_000),
                      ("0.000000001", 1)])
    func secondsAreExact(_ text: String, _ ns: Int64) throws {
        #expect(try ValueParsers.seconds(text, option: "-i") == ns)
    }

    @Test(arguments: ["", "abc", "-1", "1e3", "0", "0.0", "1.2.3", " 1"])
    func badSeconds(_ text: String) {
        #expect(throws: UsageError.self) { try ValueParsers.seconds(text, option: "-i") }
    }

    @Test(arguments: [
        ("stat,cmdline", FieldGroups([.stat, .cmdline])),
        ("cmdline", FieldGroups([.stat, .cmdline])),
        ("+smaps,+net", FieldGroups.defaults.union([.smaps, .net])),
        ("-io", FieldGroups.defaults.subtracting(.io)),
        ("-stat", FieldGroups.defaults),
    ])
    func fieldGroupLists(_ list: String, _ expected: FieldGroups) throws {
        #expect(try FieldGroups.parse(list) == expected)
    }

    @Test func unknownFieldGroup() {
        #expect(throws: UsageError.self) { try FieldGroups.parse("stat,bogus") }
    }

    @Test func helpListsEveryOption() {
        let help = HelpRenderer.help(PSSnap.spec)
        for option in PSSnap.spec.options { #expect(help.contains("--" + option.long)) }
        #expect(help.hasPrefix("Usage: pssnap [OPTIONS] [QUERY]\n"))
    }
}

@Suite struct TickScheduleTests {
    let s = 1_000_000_000 as Int64

    @Test func durationEndsExactlyAtItsEnd() {
        let schedule = TickSchedule(start: 0, interval: 5 * s, duration: 7 * s)
        var ticks: [Int64] = [0]
        while let next = schedule.next(after: ticks.last!, now: ticks.last! + s / 10) { ticks.append(next) }
        #expect(ticks == [0, 5 * s, 7 * s])
    }

    @Test func aMultipleDurationDoesNotRepeatTheLastTick() {
        let schedule = TickSchedule(start: 0, interval: s, duration: 3 * s)
        var ticks: [Int64] = [0]
        while let next = schedule.next(after: ticks.last!, now: ticks.last!) { ticks.append(next) }
        #expect(ticks == [0, s, 2 * s, 3 * s])
    }

    @Test func missedTicksAreSkippedNotBunched() {
        let schedule = TickSchedule(start: 100, interval: s, duration: nil)
        // The snapshot at t=0 overran to 3.4 s (or the process was stopped): next is 4 s, on the grid.
        #expect(schedule.next(after: 100, now: 100 + 3 * s + 4 * s / 10) == 100 + 4 * s)
    }

    @Test func zeroDurationIsOneSnapshot() {
        #expect(TickSchedule(start: 0, interval: s, duration: 0).next(after: 0, now: 0) == nil)
    }
}

@Suite struct ProcessTreeTests {
    @Test func preorderDepthAndOrphans() {
        let pids: [Int32] = [30, 1, 20, 10, 40, 50, 2]
        let ppids: [Int32] = [10, 0, 1, 1, 999, 40, 0]
        let tree = ProcessTree(pids: pids, ppids: ppids)
        #expect(tree.order.map { pids[$0] } == [1, 10, 30, 20, 2, 40, 50])
        #expect(tree.order.map { tree.depth[$0] } == [0, 1, 2, 1, 0, 0, 1])
    }

    @Test func aParentCycleStillComesOutWhole() {
        let tree = ProcessTree(pids: [5, 6, 7], ppids: [6, 5, 5])
        #expect(tree.order.count == 3)
        #expect(tree.order.map { [5, 6, 7][$0] } == [5, 6, 7])
    }

    @Test func descendantsAndAncestors() {
        let pids: [Int32] = [1, 2, 3, 4, 5]
        let ppids: [Int32] = [0, 1, 2, 1, 4]
        let tree = ProcessTree(pids: pids, ppids: ppids)
        #expect(tree.markDescendants(of: [false, true, false, false, false]) == [false, true, true, false, false])
        #expect(tree.markAncestors(of: [false, false, true, false, false]) == [true, true, true, false, false])
    }
}

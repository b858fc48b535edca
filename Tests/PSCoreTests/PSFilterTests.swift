import Foundation
import Testing
@testable import PSCore

/// psfilter in-process on hand-written streams: exact output, byte for byte.
@Suite struct PSFilterTests {
    static func run(_ args: [String], input: String) throws -> InProcessRun {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("psfilter-\(UUID().uuidString).ndjson").path
        try input.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = OutputBuffer(fd: -1)
        var errors: [String] = []
        let diagnostics = Diagnostics(tool: "psfilter") { errors.append($0.replacingOccurrences(of: path, with: "FILE")) }
        let status = ToolRunner.run(PSFilter.spec, arguments: args + [path], output: output, diagnostics: diagnostics) {
            try PSFilter.run($0, output: $1, diagnostics: $2)
        }
        return InProcessRun(status: status, output: output.text, errors: errors)
    }

    static func lines(_ l: [String]) -> String { l.map { $0 + "\n" }.joined() }

    static func rec(_ ts: Int, _ pid: Int, _ ppid: Int, _ extra: String = "") -> String {
        "{\"ts\":\(ts),\"pid\":\(pid),\"ppid\":\(ppid)\(extra.isEmpty ? "" : ",")\(extra)}"
    }

    @Test func nullAndAbsentFieldsAreFalseExceptForNotEqualAndNotMatch() throws {
        let a = #"{"pid":1,"rss":null}"#, b = #"{"pid":2}"#, c = #"{"pid":3,"rss":10}"#
        let input = Self.lines([a, b, c])
        #expect(try Self.run(["rss>5"], input: input).output == Self.lines([c]))
        #expect(try Self.run(["rss<5"], input: input).output == "")
        #expect(try Self.run(["rss==10"], input: input).output == Self.lines([c]))
        #expect(try Self.run(["rss!=10"], input: input).output == Self.lines([a, b]))
        #expect(try Self.run(["rss~1"], input: input).output == Self.lines([c]))
        #expect(try Self.run(["rss!~1"], input: input).output == Self.lines([a, b]))
        #expect(try Self.run(["rss in (1, 10)"], input: input).output == Self.lines([c]))
        #expect(try Self.run(["!(rss>5)"], input: input).output == Self.lines([a, b]))
    }

    @Test func unitSuffixesAreBinary() throws {
        let a = #"{"rss":1048576}"#, b = #"{"rss":1048577}"#, c = #"{"rss":1536}"#
        let input = Self.lines([a, b, c])
        #expect(try Self.run(["rss>1M"], input: input).output == Self.lines([b]))
        #expect(try Self.run(["rss==1M"], input: input).output == Self.lines([a]))
        #expect(try Self.run(["rss==1.5K"], input: input).output == Self.lines([c]))
        #expect(try Self.run(["rss<0.001G"], input: input).output == Self.lines([a, b, c]))
    }

    @Test func numbersCompareExactlyAsIntegersAndAsFractions() throws {
        let a = #"{"x":9007199254740993}"#, b = #"{"x":9007199254740992}"#, c = #"{"x":1.5}"#, d = #"{"x":-2}"#
        let input = Self.lines([a, b, c, d])
        #expect(try Self.run(["x==9007199254740993"], input: input).output == Self.lines([a]))
        #expect(try Self.run(["x>1.25 && x<2"], input: input).output == Self.lines([c]))
        #expect(try Self.run(["x<-1"], input: input).output == Self.lines([d]))
        #expect(try Self.run(["x~'^-'"], input: input).output == Self.lines([d]))
        #expect(try Self.run([#"x~'\.5$'"#], input: input).output == Self.lines([c]))
    }

    @Test func unknownFieldsCompareByTheirJSONKind() throws {
        let s = #"{"x":"5"}"#, n = #"{"x":5}"#, t = #"{"x":true}"#, arr = #"{"x":["a","b"]}"#
        let input = Self.lines([s, n, t, arr])
        #expect(try Self.run(["x==5"], input: input).output == Self.lines([s, n]))
        #expect(try Self.run(["x=='5'"], input: input).output == Self.lines([s]))
        #expect(try Self.run(["x!=5"], input: input).output == Self.lines([t, arr]))
        #expect(try Self.run(["x==true"], input: input).output == Self.lines([t]))
        #expect(try Self.run([#"x~'"b"'"#], input: input).output == Self.lines([arr]))
    }

    @Test func hostileStringsAreComparedDecodedAndWrittenAsRead() throws {
        let a = #"{"comm":"say \"hi\"\n"}"#, b = #"{"comm":"caf\u00e9"}"#, c = #"{"comm":"café"}"#, d = #"{"comm":"a\\b"}"#
        let input = Self.lines([a, b, c, d])
        #expect(try Self.run([#"comm~'^say "hi"'"#], input: input).output == Self.lines([a]))
        #expect(try Self.run(["comm=='café'"], input: input).output == Self.lines([b, c]))
        #expect(try Self.run([#"comm=='a\\b'"#], input: input).output == Self.lines([d]))
        #expect(try Self.run(["comm<b"], input: input).output == Self.lines([d]))
        #expect(try Self.run(["comm>='say'"], input: input).output == Self.lines([a]))
    }

    @Test func numericTextMatchesAsWritten() throws {
        let input = Self.lines([#"{"pid":1}"#, #"{"pid":10}"#, #"{"pid":21}"#])
        #expect(try Self.run(["pid~'^1'"], input: input).output == Self.lines([#"{"pid":1}"#, #"{"pid":10}"#]))
    }

    @Test func subtreeQueryKeepsDescendantsOfReusedPidOnlyInItsSnapshot() throws {
        let s1 = [Self.rec(1, 1, 0, #""comm":"init""#), Self.rec(1, 10, 1, #""comm":"a""#), Self.rec(1, 11, 10, #""comm":"x""#), Self.rec(1, 12, 1, #""comm":"y""#)]
        let s2 = [Self.rec(2, 1, 0, #""comm":"init""#), Self.rec(2, 10, 1, #""comm":"b""#), Self.rec(2, 13, 10, #""comm":"z""#), Self.rec(2, 11, 1, #""comm":"x""#)]
        let input = Self.lines(s1 + s2)
        #expect(try Self.run(["comm==a.."], input: input).output == Self.lines([s1[1], s1[2]]))
        #expect(try Self.run(["pid==10.."], input: input).output == Self.lines([s1[1], s1[2], s2[1], s2[2]]))
        #expect(try Self.run(["..pid==11"], input: input).output == Self.lines([s1[0], s1[1], s1[2], s2[0], s2[3]]))
        #expect(try Self.run(["..comm==z.."], input: input).output == Self.lines([s2[0], s2[1], s2[2]]))
        #expect(try Self.run(["(comm==init).. && !pid==1"], input: input).output == Self.lines([s1[1], s1[2], s1[3], s2[1], s2[2], s2[3]]))
        #expect(try Self.run(["!(pid==10..)"], input: input).output == Self.lines([s1[0], s1[3], s2[0], s2[3]]))
    }

    @Test func orphansAreRootsAndTheirParentsAbsent() throws {
        let s = [Self.rec(1, 1, 0), Self.rec(1, 50, 999), Self.rec(1, 51, 50), Self.rec(1, 52, 1)]
        let input = Self.lines(s)
        #expect(try Self.run(["pid==50.."], input: input).output == Self.lines([s[1], s[2]]))
        #expect(try Self.run(["pid==1.."], input: input).output == Self.lines([s[0], s[3]]))
        #expect(try Self.run(["..pid==51"], input: input).output == Self.lines([s[1], s[2]]))
        #expect(try Self.run(["ppid==999.."], input: input).output == Self.lines([s[1], s[2]]))
    }

    /// A pseudo-random forest per snapshot, written in preorder and shuffled: every query must
    /// select the same records (the output keeps input order, so compare as sets), and match the
    /// whole-snapshot evaluation.
    @Test func unsortedInputGivesTheSameRecordsAsPreorder() throws {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var preorder: [String] = []
        var shuffled: [String] = []
        for ts in 1...6 {
            let n = 40
            var pids: [Int] = []
            var parent: [Int: Int] = [:]
            for i in 0..<n {
                let pid = 100 + i * 3 + next(3)
                parent[pid] = pids.isEmpty || next(6) == 0 ? (next(2) == 0 ? 0 : 5000 + next(4)) : pids[next(pids.count)]
                pids.append(pid)
            }
            let records = Dictionary(uniqueKeysWithValues: pids.map { p in
                (p, Self.rec(ts, p, parent[p]!, "\"comm\":\"c\(p % 7)\",\"rss\":\(p * 1000 % 7777)"))
            })
            let tree = ProcessTree(pids: pids.map(Int32.init), ppids: pids.map { Int32(parent[$0]!) })
            preorder += tree.order.map { records[pids[$0]]! }
            var s = pids
            for i in stride(from: s.count - 1, to: 0, by: -1) { s.swapAt(i, next(i + 1)) }
            shuffled += s.map { records[$0]! }
        }
        let queries = ["comm==c3..", "(comm==c1 || rss>5000)..", "..comm==c2", "comm==c4.. && rss<3000",
                       "!(comm==c5..)", "(comm==c1..).. || ..pid==130", "ppid==5001..", "..(comm==c6..)"]
        for q in queries {
            let a = try Self.run([q], input: Self.lines(preorder))
            let b = try Self.run([q], input: Self.lines(shuffled))
            #expect(a.status == 0 && b.status == 0)
            #expect(Set(a.output.split(separator: "\n")) == Set(b.output.split(separator: "\n")), "\(q)")
            #expect(!a.output.isEmpty, "\(q) selects something")
            // The order within each snapshot is the input's.
            let inputOrder = Dictionary(uniqueKeysWithValues: shuffled.enumerated().map { ($1, $0) })
            let positions = b.output.split(separator: "\n").map { inputOrder[String($0)]! }
            #expect(positions == positions.sorted(), "\(q)")
        }
    }

    @Test func badLinesAreReportedSkippedAndExitOne() throws {
        let input = Self.lines([Self.rec(1, 1, 0), "{\"pid\":", "not json", Self.rec(1, 2, 1)])
        let run = try Self.run(["pid>0"], input: input)
        #expect(run.output == Self.lines([Self.rec(1, 1, 0), Self.rec(1, 2, 1)]))
        #expect(run.errors == ["FILE:2:8: expected a value", "FILE:3:1: not a JSON object"])
        #expect(run.status == 1)
        let strict = try Self.run(["--strict", "pid>0"], input: input)
        #expect(strict.output == Self.lines([Self.rec(1, 1, 0)]))
        #expect(strict.errors.count == 1)
        #expect(strict.status == 1)
    }

    @Test func treeQueriesNeedTsAndPidOthersNeedNothing() throws {
        // No ppid: a root. A pid that is no pid (out of range) is a bad record, never another pid:
        // 4294967297 once truncated to 1 and joined pid 1's subtree.
        let input = Self.lines([Self.rec(1, 1, 0), #"{"ts":1,"pid":2}"#, #"{"pid":3,"ppid":1}"#,
                                #"{"ts":1,"pid":4294967297,"ppid":0}"#, Self.rec(1, 4, 1)])
        let tree = try Self.run(["pid==1.."], input: input)
        #expect(tree.output == Self.lines([Self.rec(1, 1, 0), Self.rec(1, 4, 1)]))
        #expect(tree.errors == ["FILE:3:18: missing number field 'ts' (a tree query needs ts, pid and ppid)",
                                "FILE:4:15: field 'pid' is out of range (0 to 2147483647): 4294967297"])
        #expect(tree.status == 1)
        let ancestors = try Self.run(["..pid==4"], input: input)
        #expect(ancestors.output == Self.lines([Self.rec(1, 1, 0), Self.rec(1, 4, 1)]))
        #expect(ancestors.status == 1)
        let plain = try Self.run(["pid>0"], input: input)
        #expect(plain.errors == [])
        #expect(plain.status == 0)
    }

    @Test func aBadQueryExitsTwoBeforeReadingInput() throws {
        var errors: [String] = []
        let output = OutputBuffer(fd: -1)
        let status = ToolRunner.run(PSFilter.spec, arguments: ["pid==", "/nonexistent/file"], output: output,
                                    diagnostics: Diagnostics(tool: "psfilter") { errors.append($0) }) {
            try PSFilter.run($0, output: $1, diagnostics: $2)
        }
        #expect(status == 2)
        #expect(errors == ["psfilter: query:1:6: expected a value after '=='\npid==\n     ^"])
        let missing = ToolRunner.run(PSFilter.spec, arguments: [], output: output, diagnostics: Diagnostics(tool: "psfilter") { _ in }) {
            try PSFilter.run($0, output: $1, diagnostics: $2)
        }
        #expect(missing == 2)
    }
}

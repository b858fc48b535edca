import Foundation
import Testing
@testable import PSCore

/// Queries are typed by people but also built by scripts from what processes say: no query can
/// crash a tool or take time beyond what it holds. Run under a small stack (`ulimit -s 1024`),
/// in a subprocess, as root's cron might.
@Suite struct HostileQueryTests {
    static let record = #"{"ts":1,"pid":7,"ppid":0,"comm":"x","cmdline":"a b"}"#

    /// psfilter under a 1 MiB stack, the query from a file (too long for a command line of sh).
    func psfilter(_ query: String) throws -> TestSupport.RunResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-hostile-query-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("query")
        try query.write(to: file, atomically: true, encoding: .utf8)
        return try TestSupport.shell("ulimit -s 1024; psfilter \"$(cat '\(file.path)')\"", stdin: Data((Self.record + "\n").utf8))
    }

    @Test(arguments: [
        String(repeating: "(", count: 9000) + "pid>0" + String(repeating: ")", count: 9000),
        String(repeating: "(", count: 1500) + "pid>0" + String(repeating: ")", count: 1500),
        String(repeating: "!", count: 40_000) + "pid>0",
        String(repeating: "not ", count: 5000) + "pid>0",
        String(repeating: "!(", count: 3000) + "pid>0" + String(repeating: ")", count: 3000),
    ])
    func deepNestingIsAQueryErrorNotACrash(_ query: String) throws {
        let run = try psfilter(query)
        #expect(run.status == 2, "\(run.stderr.prefix(300))")
        #expect(run.stderr.hasPrefix("psfilter: query:1:"), "\(run.stderr.prefix(300))")
        #expect(run.stderr.contains("nested more than \(QueryParser.maxDepth) deep"), "\(run.stderr.prefix(300))")
    }

    /// The limit itself, parentheses and negations mixed, tree operators inside, parses and runs
    /// under the small stack.
    @Test func nestingUpToTheLimitRunsUnderASmallStack() throws {
        let half = QueryParser.maxDepth / 2
        let query = String(repeating: "(!", count: half) + "pid==7.." + String(repeating: ")", count: half)
        let run = try psfilter(query)
        #expect(run.status == 0, "\(run.stderr.prefix(300))")
        #expect(run.stdoutText == (half % 2 == 0 ? Self.record + "\n" : ""))
    }

    /// A long flat chain is not nesting: 10 000 terms joined by && or || parse into a balanced
    /// tree, and evaluate, under the small stack.
    @Test(arguments: ["&&", "||"])
    func longChainsAreNotNesting(_ op: String) throws {
        let query = (0..<10_000).map { _ in "pid==7" }.joined(separator: " \(op) ")
        let run = try psfilter(query)
        #expect(run.status == 0, "\(run.stderr.prefix(300))")
        #expect(run.stdoutText == Self.record + "\n")
        let tree = (0..<3_000).map { _ in "pid==7.." }.joined(separator: " \(op) ")
        let treeRun = try psfilter(tree)
        #expect(treeRun.status == 0, "\(treeRun.stderr.prefix(300))")
        #expect(treeRun.stdoutText == Self.record + "\n")
    }

    @Test func chainsKeepTheirMeaningAndOrder() throws {
        let parser = RecordParser()
        let snapshot = [Array(Self.record.utf8).withUnsafeBufferPointer { try! parser.parse($0).copy() }]
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 100] {
            let terms = (0..<n).map { "pid==\($0 == n - 1 ? 7 : 7)" }
            #expect(try Query(terms.joined(separator: " && ")).select(snapshot) == [true])
            let mixed = (0..<n).map { $0 == n / 2 ? "pid==7" : "pid==8" }
            #expect(try Query(mixed.joined(separator: " || ")).select(snapshot) == [true])
            #expect(try Query(mixed.joined(separator: " && ")).select(snapshot) == [n == 1])
        }
    }
}

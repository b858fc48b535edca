import Foundation
import Testing
@testable import PSCore

/// The subtree read (`-p`, a `pid==N..` query, `-- COMMAND`) against the full scan, on the
/// fixture tree with children files (Tests/Fixtures/proc/children) and on live process trees.
@Suite(.serialized) struct PSSnapSubtreeTests {
    static let seam = PSSnapGoldenTests.seam

    struct Run {
        var status: Int32
        var output: String
        var errors: [String]
        /// How many children files the run asked for (0: it scanned the whole tree).
        var childrenReads: Int
    }

    static func run(_ args: [String], scenario: String = "children", scan: PSSnap.Scan,
                    fault: ((Int32, TaskHandle.File) -> Errno?)? = nil) throws -> Run {
        let root = TestSupport.fixtures.appendingPathComponent("proc/\(scenario)")
        let output = OutputBuffer(fd: -1)
        var errors: [String] = []
        var childrenReads = 0
        let parsed = try ArgumentParser(PSSnap.spec).parse(args + ["--proc-root", root.path])
        let status = try PSSnap.run(parsed, output: output, diagnostics: Diagnostics(tool: "pssnap") { errors.append($0) },
                                    environment: SystemEnvironment(seam: seam),
                                    faultHook: { tid, file in
                                        if file == .children { childrenReads += 1 }
                                        return fault?(tid, file)
                                    }, scan: scan)
        return Run(status: status, output: output.text, errors: errors, childrenReads: childrenReads)
    }

    func pids(_ text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["pid"] as? Int
        }
    }

    static let equivalent: [[String]] = [
        ["-p", "10"],
        ["-p", "20"],
        ["-p", "16,10"],
        ["-p", "15", "-p", "1"],
        ["-p", "2", "-f", "+argv"],
        ["-p", "10", "-T"],
        ["-p", "10", "-f", "+smaps,+cgroup,+argv", "--host"],
        ["pid==10.."],
        ["pid==15"],
        ["(pid in (15, 20))..", "-f", "+argv"],
        ["pid==10.. && comm!=leaf"],
        ["pid==10.. && (comm==worker)..", "-T"],
        ["pid==20.. || pid==16.."],
        ["pid==99.."],
    ]

    /// Field for field and in the same order: the subtree read writes what the full scan writes.
    @Test(arguments: equivalent)
    func theSubtreeReadWritesWhatTheFullScanWrites(_ args: [String]) throws {
        let cheap = try Self.run(args, scan: .automatic)
        let full = try Self.run(args, scan: .full)
        // (A root that does not exist has no children to read.)
        #expect(cheap.childrenReads > 0 || args == ["pid==99.."], "the subtree read was not taken")
        #expect(full.childrenReads == 0)
        #expect(cheap.output == full.output)
        #expect(cheap.errors == full.errors)
        #expect(cheap.status == full.status)
    }

    @Test func membersAreTheChildrenWhoseStatNamesTheParentIncludingAThreadsChildren() throws {
        let run = try Self.run(["-p", "10", "-f", "stat"], scan: .automatic)
        // 30 was forked by thread 11; 40 is listed in 10's children file but its stat says 20.
        #expect(pids(run.output) == [10, 15, 16, 30])
        let depths = run.output.split(separator: "\n").map { $0.contains("\"depth\":1,") }
        #expect(depths == [true, false, false, false])
        #expect(run.status == 0 && run.errors == [])
    }

    @Test func queriesThatMustSeeEveryProcessScanTheWholeTree() throws {
        for query in ["..pid==16", "!(pid==10..)", "comm==leaf..", "pid==10.. || comm==other", "pid!=10.."] {
            let cheap = try Self.run([query], scan: .automatic)
            #expect(cheap.childrenReads == 0, "\(query)")
            #expect(cheap.output == (try Self.run([query], scan: .full)).output, "\(query)")
        }
    }

    @Test func aTreeWithoutChildrenFilesIsScannedWhole() throws {
        let cheap = try Self.run(["-p", "100"], scenario: "hostile", scan: .automatic)
        let full = try Self.run(["-p", "100"], scenario: "hostile", scan: .full)
        #expect(cheap.output == full.output)
        #expect(pids(cheap.output) == [100, 101, 102, 103])
    }

    /// A live task whose children file is missing means a kernel without them: the snapshot
    /// falls back to the full scan, with the same records.
    @Test func aMissingChildrenFileOfALiveTaskFallsBackToTheFullScan() throws {
        let fallback = try Self.run(["-p", "10"], scan: .automatic, fault: { tid, file in file == .children && tid == 15 ? .noSuchFile : nil })
        let full = try Self.run(["-p", "10"], scan: .full)
        #expect(fallback.output == full.output)
        #expect(pids(fallback.output) == [10, 15, 16, 30])
    }

    @Test func aPidWhoseStartIsNotTheRootsIsNotTheRoot() throws {
        let root = TestSupport.fixtures.appendingPathComponent("proc/children")
        let reader = try ProcfsReader(root: root.path, groups: .stat, threads: false, keepFilesOpen: false,
                                      environment: SystemEnvironment(seam: Self.seam))
        func members(_ roots: SubtreeRoots) -> [Int32] {
            reader.subtreeSnapshot(roots) { $0.isMember }!.tasks.map(\.pid)
        }
        #expect(members(SubtreeRoots(pids: [10], starts: [10: 100])) == [10, 15, 40, 30, 16].filter { $0 != 40 })
        #expect(members(SubtreeRoots(pids: [10], starts: [10: 99])) == [])
        #expect(members(SubtreeRoots(pids: [1], childrenOnly: true, ancestors: false)) == [10, 20, 50, 15, 30, 25, 40, 16])
    }

    @Test func pWithoutAProcessIsReported() throws {
        let run = try Self.run(["-p", "77,10", "-f", "stat"], scan: .automatic)
        #expect(run.status == 1)
        #expect(run.errors == ["no process 77"])
        #expect(pids(run.output) == [10, 15, 16, 30])
    }

    @Test(arguments: [
        (["-p", "x"], "'-p' takes process ids (PID[,PID...]), not 'x'"),
        (["-p", "0"], "'-p' takes process ids (PID[,PID...]), not '0'"),
        (["-p", "4294967297"], "'-p' takes process ids (PID[,PID...]), not '4294967297'"),
        (["-p", "5", "comm==x"], "'-p' takes no QUERY: write the subtree into the query ('pid==5.. && ...', with --stop-without-result)"),
        (["-p", "5", "--", "true"], "'-p' and '-- COMMAND' cannot be combined"),
        (["--stop-without-result"], "'--stop-without-result' needs a QUERY (with '-p', the run ends when the processes do)"),
    ])
    func usageErrors(_ args: [String], _ message: String) throws {
        #expect(throws: UsageError.self) { _ = try Self.run(args, scan: .automatic) }
        do { _ = try Self.run(args, scan: .automatic) } catch let e as UsageError { #expect(e.message == message) }
    }

    // MARK: - Live trees

    typealias Object = [String: Any]

    func objects(_ text: String) -> [Object] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? Object }
    }

    /// A tree that forks and reaps all the time while it is watched, with stable members: the
    /// subtree read and `pssnap | psfilter` agree on every stable member, field names, their order
    /// and the identity fields, snapshot after snapshot.
    @Test func aLiveTreeThatForksAndReapsGivesTheFullScansRecords() throws {
        let run = try TestSupport.shell("""
            sh -c 'sleep 60 & sleep 60 & (while :; do sleep 0.01 & wait; done) & wait' & root=$!
            sleep 0.3
            for i in 1 2 3 4 5; do
              pssnap -p $root -f +argv > cheap.$i &
              pssnap -f +argv | psfilter "pid==$root.." > full.$i
              wait $!
              echo "== $i"; cat cheap.$i; echo "-- $i"; cat full.$i
            done
            rm -f cheap.* full.*
            kill -KILL $(pssnap -p $root -f stat | sed 's/.*"pid":\\([0-9]*\\),.*/\\1/') 2>/dev/null; true
            """)
        #expect(run.status == 0)
        let text = run.stdoutText
        var rounds = 0
        for part in text.components(separatedBy: "== ").dropFirst() {
            let halves = part.components(separatedBy: "\n-- ")
            guard halves.count == 2 else { continue }
            let cheap = objects(halves[0]), full = objects(halves[1])
            // Stable members: the root sh and its children, the two sleep 60 and the loop's
            // subshell (the loop's own children come and go, as zombies or before their exec).
            let root = cheap.first?["pid"] as? Int
            func stable(_ records: [Object]) -> [String] {
                records.filter { $0["pid"] as? Int == root || $0["ppid"] as? Int == root }.map { r in
                    ["pid", "ppid", "depth", "comm", "start", "cmdline"].map { "\(r[$0] ?? "nil")" }.joined(separator: " ")
                }
            }
            #expect(!cheap.isEmpty)
            #expect(stable(cheap) == stable(full))
            #expect(stable(cheap).count >= 4)
            // Every record carries the same fields in the same order as the full scan's.
            let keys: (String) -> [String] = { line in
                line.split(separator: ",").compactMap { $0.split(separator: ":").first.map(String.init) }.filter { $0.hasPrefix("\"") || $0.hasPrefix("{\"") }
            }
            if let a = halves[0].split(separator: "\n").first, let b = halves[1].split(separator: "\n").first {
                #expect(Array(keys(String(a)).prefix(30)) == Array(keys(String(b)).prefix(30)))
            }
            rounds += 1
        }
        #expect(rounds == 5)
    }

    @Test func pEndsTheRunAfterTheFirstSnapshotWithoutTheProcess() throws {
        let run = try TestSupport.shell("""
            sleep 0.6 & p=$!
            pssnap -i0.1 -f stat -p $p; echo "status $?" >&2
            """)
        #expect(run.stderr == "status 0\n")
        let records = objects(run.stdoutText)
        #expect(records.count >= 1)
        #expect(records.allSatisfy { $0["comm"] as? String == "sleep" })
    }

    @Test func stopWithoutResultEndsAQueryRun() throws {
        let run = try TestSupport.shell("""
            sleep 0.6 & p=$!
            pssnap -i0.1 -f stat --stop-without-result "pid==$p.."; echo "status $?" >&2
            """)
        #expect(run.stderr == "status 0\n")
        #expect(objects(run.stdoutText).allSatisfy { $0["comm"] as? String == "sleep" })
    }
}

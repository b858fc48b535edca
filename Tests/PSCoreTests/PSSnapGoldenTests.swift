import Foundation
import Testing
@testable import PSCore

/// Whole pssnap output over fixture /proc trees, compared byte for byte with Tests/Golden/pssnap/.
/// Clock, page size, clock ticks, host and passwd come from the seam; boot time from the fixture.
@Suite struct PSSnapGoldenTests {
    static let seam = "realtime=1700001000.25,boottime=1000.5,pagesize=4096,hz=100,host=fixture-host,passwd="
        + TestSupport.fixtures.appendingPathComponent("passwd").path

    static let cases: [(name: String, args: [String])] = [
        ("hostile-default", []),
        ("hostile-all-groups", ["-f", "+smaps,+net,+cgroup,+argv", "--host"]),
        ("hostile-threads", ["-T", "-f", "stat,status"]),
        ("hostile-stat-only", ["-f", "stat"]),
        ("hostile-stat-cmdline", ["-f", "cmdline"]),
    ]

    /// The fixture's `faults` file as the reader's fault hook: `PID FILE ERRNO` or `PID * vanish-after-stat`.
    static func faultHook(scenario: URL) -> (Int32, TaskHandle.File) -> Errno? {
        let text = (try? String(contentsOf: scenario.appendingPathComponent("faults"), encoding: .utf8)) ?? ""
        var forced: [String: Errno] = [:]
        var vanishing: Set<Int32> = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: " ").map(String.init)
            guard f.count == 3, let pid = Int32(f[0]) else { continue }
            if f[2] == "vanish-after-stat" { vanishing.insert(pid); continue }
            let e: Errno = f[2] == "EACCES" ? .permissionDenied : f[2] == "ESRCH" ? .noSuchProcess : .noSuchFile
            forced["\(pid) \(f[1])"] = e
        }
        var statReads: [Int32: Int] = [:]
        return { pid, file in
            if vanishing.contains(pid) {
                if file == .stat {
                    statReads[pid, default: 0] += 1
                    return statReads[pid]! > 1 ? .noSuchFile : nil
                }
                return .noSuchFile
            }
            return forced["\(pid) \(file)"]
        }
    }

    static func runInProcess(_ args: [String], scenario: String) throws -> InProcessRun {
        let root = TestSupport.fixtures.appendingPathComponent("proc/\(scenario)")
        let output = OutputBuffer(fd: -1)
        var errors: [String] = []
        let parsed = try ArgumentParser(PSSnap.spec).parse(args + ["--proc-root", root.path])
        let diagnostics = Diagnostics(tool: "pssnap") { errors.append($0) }
        let status = try PSSnap.run(parsed, output: output, diagnostics: diagnostics,
                                    environment: SystemEnvironment(seam: seam), faultHook: faultHook(scenario: root))
        return InProcessRun(status: status, output: output.text, errors: errors)
    }

    @Test(arguments: cases.map(\.name))
    func goldenOutput(_ name: String) throws {
        let args = Self.cases.first { $0.name == name }!.args
        let run = try Self.runInProcess(args, scenario: "hostile")
        #expect(run.status == 0)
        #expect(run.errors == [])
        try TestSupport.expectMatchesFile(run.output, TestSupport.goldens.appendingPathComponent("pssnap/\(name).ndjson"))
    }

    /// smaps_rollup answers ESRCH for a task without a memory map (kernel thread, zombie): that
    /// is not the process ending, and its record stays, with null memory fields.
    @Test func esrchFromSmapsRollupOfALiveTaskGivesNullsNotADroppedRecord() throws {
        let root = TestSupport.fixtures.appendingPathComponent("proc/hostile")
        let output = OutputBuffer(fd: -1)
        let parsed = try ArgumentParser(PSSnap.spec).parse(["-f", "stat,smaps", "--proc-root", root.path])
        let status = try PSSnap.run(parsed, output: output, diagnostics: Diagnostics(tool: "pssnap") { _ in },
                                    environment: SystemEnvironment(seam: Self.seam),
                                    faultHook: { pid, file in pid == 1 && file == .smapsRollup ? .noSuchProcess : nil })
        #expect(status == 0)
        let first = try #require(output.text.split(separator: "\n").first)
        #expect(first.hasPrefix("{\"ts\":1700001000.25,\"pid\":1,"))
        #expect(first.hasSuffix(",\"pss\":null,\"uss\":null,\"pss_anon\":null,\"pss_file\":null,\"pss_shmem\":null}"))
    }

    /// hidepid=1: a process is listed but its files refuse us. It is left out, and that is no error.
    @Test func processesWhoseStatIsForbiddenAreLeftOutQuietly() throws {
        let root = TestSupport.fixtures.appendingPathComponent("proc/hostile")
        let output = OutputBuffer(fd: -1)
        var errors: [String] = []
        let parsed = try ArgumentParser(PSSnap.spec).parse(["-f", "stat", "--proc-root", root.path])
        let status = try PSSnap.run(parsed, output: output, diagnostics: Diagnostics(tool: "pssnap") { errors.append($0) },
                                    environment: SystemEnvironment(seam: Self.seam),
                                    faultHook: { pid, file in pid == 300 || pid == 101 ? .permissionDenied : nil })
        #expect(status == 0)
        #expect(errors == [])
        let pids = output.text.split(separator: "\n").map { line in
            line.split(separator: ",")[1].split(separator: ":")[1]
        }
        // 300 and 101 are hidden; 101's child 102 becomes a root (with 103 below it), roots by pid.
        #expect(pids == ["1", "100", "200", "400", "600", "700", "2", "10", "102", "103", "500"])
    }

    @Test func hostileTreeKeepsEveryLineWholeAndParseable() throws {
        let run = try Self.runInProcess(["-f", "+smaps,+net,+cgroup,+argv"], scenario: "hostile")
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        for line in lines.dropLast() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil)
        }
        let pids = lines.dropLast().compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["pid"] as? Int }
        // 400 vanished between stat and status; 800 has no files; the rest are all there, in preorder.
        #expect(pids == [1, 100, 101, 102, 103, 200, 300, 600, 700, 2, 10, 500])
    }

    @Test func theSameSnapshotTwiceThroughKeptFilesIsIdentical() throws {
        // Repeating mode keeps files open and re-reads them with pread: the records must not change.
        let run = try Self.runInProcess(["-i0.01", "-n2"], scenario: "hostile")
        let lines = run.output.split(separator: "\n")
        #expect(lines.count % 2 == 0)
        let half = lines.count / 2
        let strip: (Substring) -> String = { line in
            // ts differs by at least 1 ms between snapshots; everything else is the same.
            String(line.drop(while: { $0 != "," }))
        }
        #expect(lines[..<half].map(strip) == lines[half...].map(strip))
    }
}

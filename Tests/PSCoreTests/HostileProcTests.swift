import Foundation
import Testing
@testable import PSCore

/// pssnap over /proc trees no kernel would make, built in a temporary directory: it reports what
/// is wrong and goes on; it never hangs, never crashes, and the good processes still come out.
@Suite(.serialized) struct HostileProcTests {
    static let seam = "realtime=1700001000.25,boottime=1000.5,pagesize=4096,hz=100,host=h,passwd=/dev/null"

    /// A tree with one good process (pid 1, init) and whatever `build` adds.
    func makeTree(_ build: (URL) throws -> Void) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try "btime 1700000000\n".write(to: root.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        try addProcess(root, pid: 1, stat: "1 (init) S 0 1 1 0 -1 4194560 10 0 2 0 150 320 0 0 20 0 1 0 5 10000000 500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 12 0 0 0 0 0 0 0 0 0 0\n")
        try build(root)
        return root
    }

    func addProcess(_ root: URL, pid: Int, stat: String?) throws {
        let dir = root.appendingPathComponent("\(pid)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let stat { try stat.write(to: dir.appendingPathComponent("stat"), atomically: true, encoding: .utf8) }
    }

    func pssnap(_ root: URL, _ args: [String] = ["-f", "stat"]) throws -> TestSupport.RunResult {
        try TestSupport.shell("pssnap --proc-root '\(root.path)' " + args.joined(separator: " "),
                              environment: ["PSTOOLS_TEST_SEAM": Self.seam])
    }

    func pids(_ run: TestSupport.RunResult) -> [Int] {
        run.lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["pid"] as? Int
        }
    }

    @Test func aFIFOWhereStatShouldBeIsReportedNotWaitedOn() throws {
        let root = try makeTree { root in
            try addProcess(root, pid: 2, stat: nil)
            #expect(mkfifo(root.appendingPathComponent("2/stat").path, 0o644) == 0)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        // Waiting on the FIFO would hang until the test's watchdog: the status says it did not.
        let run = try pssnap(root)
        #expect(pids(run) == [1])
        #expect(run.status == 1)
        #expect(run.stderr == "pssnap: \(root.path)/2/stat: not a regular file\n")
    }

    @Test func anEnormousStatIsCutAtTheReadLimitAndReported() throws {
        let root = try makeTree { root in
            try addProcess(root, pid: 3, stat: nil)
            // Sparse: 64 MiB of NUL bytes cost no disk.
            let fd = open(root.appendingPathComponent("3/stat").path, O_CREAT | O_WRONLY, 0o644)
            #expect(ftruncate(fd, 64 << 20) == 0)
            close(fd)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try pssnap(root)
        #expect(pids(run) == [1])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(root.path)/3/stat"))
    }

    @Test(arguments: [
        ("4 (big) S 1 4 4 0 -1 0 99999999999999999999999 0 0 0 1 1 0 0 20 0 1 0 5 1 1 1\n", "malformed at field 10"),
        ("4 (garbage) S 1 4 4 0 -1 0 12x 0 0 0 1 1 0 0 20 0 1 0 5 1 1 1\n", "malformed at field 10"),
        ("4 (no close paren S 1 4 4\n", "malformed at field 2"),
        ("99999999999 (pid) S 1\n", "malformed at field 1"),
        ("4 (ppid) S 99999999999 4 4 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1 1 1\n", "malformed at field 4"),
    ])
    func garbageNumbersAreReportedWithTheirField(stat: String, message: String) throws {
        let root = try makeTree { root in try addProcess(root, pid: 4, stat: stat) }
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try pssnap(root)
        #expect(pids(run) == [1])
        #expect(run.status == 1)
        #expect(run.stderr == "pssnap: \(root.path)/4/stat: \(message)\n")
    }

    @Test func aPidDirectoryWithNoFilesIsAProcessThatEnded() throws {
        let root = try makeTree { root in try addProcess(root, pid: 5, stat: nil) }
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try pssnap(root, [])
        #expect(pids(run) == [1])
        #expect(run.status == 0)
        #expect(run.stderr == "")
    }

    @Test func aTreeWithoutItsTopLevelStatIsRefused() throws {
        let root = try makeTree { root in try FileManager.default.removeItem(at: root.appendingPathComponent("stat")) }
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try pssnap(root)
        #expect(run.status == 1)
        #expect(run.stderr == "pssnap: cannot read the boot time from '\(root.path)/stat'\n")
        let missing = try TestSupport.shell("pssnap --proc-root /nonexistent/proc")
        #expect(missing.status == 1)
        #expect(missing.stderr == "pssnap: cannot open '/nonexistent/proc': No such file or directory\n")
    }

    @Test func fdLinksToSensitiveFilesAreCountedNotFollowed() throws {
        let root = try makeTree { root in
            let fd = root.appendingPathComponent("1/fd")
            try FileManager.default.createDirectory(at: fd, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: fd.appendingPathComponent("0").path, withDestinationPath: "/etc/shadow")
            try FileManager.default.createSymbolicLink(atPath: fd.appendingPathComponent("1").path, withDestinationPath: "/dev/zero")
            // A stat that is a link to a file outside the tree is not read either.
            try FileManager.default.createDirectory(at: root.appendingPathComponent("6"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("6/stat").path,
                                                       withDestinationPath: root.appendingPathComponent("1/stat").path)
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try pssnap(root, ["-f", "stat,fd,net"])
        #expect(pids(run) == [1])
        #expect(run.lines.first?.contains("\"fds\":2,") == true)
        #expect(run.stderr == "pssnap: \(root.path)/6/stat: a symbolic link, not followed\n")
    }
}

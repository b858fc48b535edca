import Foundation
import Testing
@testable import PSCore

/// Paths and runners shared by the tests.
enum TestSupport {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var fixtures: URL { packageRoot.appendingPathComponent("Tests/Fixtures") }
    static var goldens: URL { packageRoot.appendingPathComponent("Tests/Golden") }
    static var updating: Bool { ProcessInfo.processInfo.environment["PSTOOLS_UPDATE_GENERATED"] == "1" }

    /// The directory holding the built executables: next to the test bundle, or PSTOOLS_BIN_DIR.
    static var binDir: URL {
        if let dir = ProcessInfo.processInfo.environment["PSTOOLS_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(url)
                url = url.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("pssnap").path) }
            ?? packageRoot.appendingPathComponent(".build/debug")
    }

    static func tool(_ name: String) -> String { binDir.appendingPathComponent(name).path }

    /// Compares `actual` with a committed file, or rewrites it when PSTOOLS_UPDATE_GENERATED=1.
    static func expectMatchesFile(_ actual: String, _ url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if updating {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing \(url.path)>"
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            var firstDiff = ""
            for i in 0..<max(a.count, e.count) {
                let al = i < a.count ? String(a[i]) : "<none>"
                let el = i < e.count ? String(e[i]) : "<none>"
                if al != el {
                    firstDiff = "line \(i + 1):\n  expected: \(el)\n  actual:   \(al)"
                    break
                }
            }
            Issue.record("\(url.lastPathComponent) differs (regenerate with PSTOOLS_UPDATE_GENERATED=1 swift test if the change is intended)\n\(firstDiff)",
                         sourceLocation: sourceLocation)
        }
    }

    struct RunResult {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var lines: [Substring] { stdoutText.split(separator: "\n") }
    }

    /// Runs a command line through /bin/sh (pipelines are what the end-to-end tests are about).
    static func shell(_ script: String, environment: [String: String] = [:], stdin: Data? = nil,
                      timeout: Int = 120) throws -> RunResult {
        let p = Process()
        // A watchdog: a hung tool fails its test instead of hanging the whole run (status 137).
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["-s", "KILL", "\(timeout)", "/bin/sh", "-c", script]
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { writeIgnoringEPIPE(input.fileHandleForWriting.fileDescriptor, stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let errThread = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errThread.isFinished { usleep(1000) }
        return RunResult(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Writes a child's stdin. A child may end before reading it (a usage error, a refused
    /// file): the write then fails with EPIPE, and the SIGPIPE that comes with it, which would
    /// kill the whole test run, is held blocked on this thread and taken back. (Ignoring SIGPIPE
    /// process-wide would be inherited by every command the tests start.)
    static func writeIgnoringEPIPE(_ fd: Int32, _ data: Data) {
        var pipeSignal = sigset_t(), old = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &old)
        var brokenPipe = false
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    brokenPipe = errno == EPIPE
                    break
                }
                off += n
            }
        }
        if brokenPipe {
            var now = timespec()
            _ = sigtimedwait(&pipeSignal, nil, &now)
        }
        pthread_sigmask(SIG_SETMASK, &old, nil)
    }

    static func hasCommand(_ name: String) -> Bool {
        (try? shell("command -v \(name) >/dev/null 2>&1").status) == 0
    }
}

/// Runs a tool's command in-process, with its output captured.
struct InProcessRun {
    var status: Int32
    var output: String
    var errors: [String]
}

extension OutputBuffer {
    var text: String { String(decoding: captured + bytes, as: UTF8.self) }
}

@Suite struct TestSupportTests {
    @Test func aCommandThatDoesNotReadItsStdinFailsItsTestNotTheRun() throws {
        // 1 MiB fills the pipe: the write blocks until the child is gone, then fails with EPIPE.
        let run = try TestSupport.shell("exit 3", stdin: Data(repeating: 0x61, count: 1 << 20))
        #expect(run.status == 3)
    }
}

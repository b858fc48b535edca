import Foundation
import Testing
@testable import PSCore
#if canImport(Glibc)
import Glibc
#endif

/// psfilter and `pssnap QUERY` as built executables, in real pipelines, and `pssnap QUERY`
/// against `pssnap | psfilter QUERY` over the fixture /proc trees.
@Suite struct PSFilterEndToEndTests {
    static func pids(_ text: String) -> [Int] {
        text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["pid"] as? Int
        }
    }

    /// A descendant query's records come out while the snapshot is still being written.
    @Test func descendantQueryWritesEachRecordBeforeTheSnapshotEnds() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.tool("psfilter"))
        p.arguments = ["pid==1.."]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        let first = #"{"ts":1,"pid":1,"ppid":0}"# + "\n" + #"{"ts":1,"pid":5,"ppid":1}"# + "\n" + #"{"ts":1,"pid":7,"ppid":0}"# + "\n"
        TestSupport.writeIgnoringEPIPE(input.fileHandleForWriting.fileDescriptor, Data(first.utf8))
        // Read with a deadline, the input still open: both selected records must be there.
        let fd = output.fileHandleForReading.fileDescriptor
        var got: [UInt8] = []
        let deadline = Date().addingTimeInterval(20)
        while got.filter({ $0 == 0x0A }).count < 2 && Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 200) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            got += buffer[0..<n]
        }
        #expect(String(decoding: got, as: UTF8.self) == #"{"ts":1,"pid":1,"ppid":0}"# + "\n" + #"{"ts":1,"pid":5,"ppid":1}"# + "\n")
        try input.fileHandleForWriting.close()
    }

    /// A real tree the test starts: a shell with two sleeping children.
    @Test func subtreeOfARealProcessIsExactlyItsThreeProcesses() throws {
        let run = try TestSupport.shell("""
            sh -c 'sleep 30 & sleep 30 & wait' >/dev/null 2>&1 & p=$!
            # Until both children have exec'd sleep (however long a busy machine takes), at most a minute.
            i=0; until [ "$(ps -o comm= --ppid $p | grep -c '^sleep$')" = 2 ]; do sleep 0.05; i=$((i+1)); [ $i -gt 1200 ] && break; done
            echo $p
            pssnap | psfilter "pid==$p.."
            echo ---
            pssnap "pid==$p.."
            for c in $(ps -o pid= --ppid $p); do kill -KILL $c; done; kill -KILL $p 2>/dev/null || true  # sh may end first
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let parts = run.stdoutText.components(separatedBy: "---\n")
        #expect(parts.count == 2)
        guard parts.count == 2, let p = Int(parts[0].split(separator: "\n").first ?? "") else { return }
        let piped = Self.pids(String(parts[0].drop { $0 != "\n" }))
        let direct = Self.pids(parts[1])
        #expect(piped.count == 3)
        #expect(piped.first == p)
        #expect(direct == piped)
        let comms = parts[1].split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["comm"] as? String
        }
        #expect(comms == ["sh", "sleep", "sleep"])
    }

    @Test func ancestorsOfTheCurrentShell() throws {
        let run = try TestSupport.shell("pssnap \"..pid==$$\" | psfilter 'pid==1 || ppid==0' | wc -l; pssnap \"..pid==$$\" | tail -n 1 | grep -c '\"pid\":'$$',' ")
        #expect(run.stdoutText == "1\n1\n")
    }

    @Test func badQueryExitsTwoWithACaret() throws {
        let run = try TestSupport.shell("psfilter 'rss>1Q' </dev/null; echo $?; pssnap 'pid=' ; echo $?")
        #expect(run.stdoutText == "2\n2\n")
        #expect(run.stderr == "psfilter: query:1:5: 'rss' is a number: expected a number, not '1Q'\nrss>1Q\n    ^^\n"
                + "pssnap: query:1:4: unexpected '=': expected an operator after 'pid' (== != < <= > >= ~ !~ in) (did you mean '=='?)\npid=\n   ^\n")
    }

    static let fixtureQueries = [
        "pid==100..", "..pid==103", "..pid==103..", "user==alice", "rss>1M", #"comm~'\)'"#, "fds>1 || depth>=3",
        "(comm==systemd).. && user!=root", "!(pid==100..)", "cmdline~init", "ppid==9999..", "age>997", "uid==1000..",
        "..(fds==2)", "comm==vanishing", "..comm==vanishing", "state==Z || tty=='pts/3'", "ts>1700001000 && nice<0",
        "swap!~''", "tty!~''", "threads>=1 && !(pss>0)", "(cmdline~splash)..",
    ]

    @Test(arguments: fixtureQueries)
    func pssnapQueryEqualsPssnapThroughPsfilter(_ query: String) throws {
        for args in [[], ["-f", "+smaps,+net,+cgroup,+argv", "--host"], ["-T", "-f", "stat,status"], ["-f", "stat"]] {
            let all = try PSSnapGoldenTests.runInProcess(args, scenario: "hostile")
            let filtered = try PSFilterTests.run([query], input: all.output)
            let direct = try PSSnapGoldenTests.runInProcess(args + [query], scenario: "hostile")
            #expect(direct.status == 0)
            #expect(direct.errors == [])
            #expect(direct.output == filtered.output, "\(args)")
        }
    }
}

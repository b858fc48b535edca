import Foundation
import Testing
@testable import PSCore

/// The built pssnap on the real /proc, in real pipelines.
@Suite(.serialized) struct PSSnapEndToEndTests {
    typealias Object = [String: Any]

    func objects(_ text: String) throws -> [Object] {
        try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? Object
            guard let o else { throw RuntimeError("not an object: \(line)") }
            return o
        }
    }

    @Test func everyLineIsAJSONObjectWithUniquePidsInPreorder() throws {
        let run = try TestSupport.shell("pssnap -f +smaps,+net,+cgroup,+argv --host")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdoutText.hasSuffix("\n"))
        let records = try objects(run.stdoutText)
        #expect(records.count > 3)
        let pids = records.map { $0["pid"] as! Int }
        #expect(Set(pids).count == pids.count)
        #expect(Set(records.map { $0["ts"] as! Double }).count == 1)
        // Preorder: a record's parent, when present, came earlier, at depth one less.
        var seen: [Int: Int] = [:]
        for r in records {
            let pid = r["pid"] as! Int, ppid = r["ppid"] as! Int, depth = r["depth"] as! Int
            if let parentDepth = seen[ppid] {
                #expect(depth == parentDepth + 1, "pid \(pid)")
            } else {
                #expect(depth == 0, "pid \(pid) with parent \(ppid) absent or later")
            }
            seen[pid] = depth
        }
        for r in records {
            for key in ["pid", "ppid", "comm", "start", "age", "utime", "rss", "state"] { #expect(r[key] != nil && !(r[key] is NSNull), "\(key)") }
        }
        if TestSupport.hasCommand("jq") {
            let jq = try TestSupport.shell("pssnap | jq -c 'select(.pid > 0) | {pid, comm}' | wc -l")
            #expect(jq.status == 0)
            #expect((Int(jq.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 3)
        }
    }

    @Test func rssOfASleepIsItsStatmResidentTimesThePageSize() throws {
        // statm is read before and after pssnap; a sleep still settling after exec is tried again.
        let run = try TestSupport.shell("""
            sleep 30 >/dev/null 2>&1 & p=$!; sleep 0.2
            for try in 1 2 3 4 5; do
              a=$(awk '{print $2}' /proc/$p/statm); r=$(pssnap -f stat | grep "\\"pid\\":$p,"); b=$(awk '{print $2}' /proc/$p/statm)
              [ "$a" = "$b" ] && break; sleep 0.2
            done
            echo "$r"; echo "$a"; getconf PAGESIZE; kill -KILL $p  # the test runner leaves SIGTERM blocked in its children
            """)
        let lines = run.lines
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        let record = try objects(String(lines[0]) + "\n")[0]
        #expect(record["comm"] as? String == "sleep")
        #expect(record["rss"] as? Int == Int(lines[1])! * Int(lines[2])!)
    }

    @Test func commandModeExitsWithTheCommandsStatus() throws {
        #expect(try TestSupport.shell("pssnap -- sh -c 'exit 3' > /dev/null").status == 3)
        #expect(try TestSupport.shell("pssnap -- sh -c 'kill -TERM $$' > /dev/null").status == 128 + 15)
        let missing = try TestSupport.shell("pssnap -- /nonexistent/command")
        #expect(missing.status == 127)
        #expect(missing.stderr == "pssnap: cannot run '/nonexistent/command': No such file or directory\n")
        // The words after '--' are an argument vector, never shell text: nothing here is run.
        let notShell = try TestSupport.shell("pssnap -- 'touch /tmp/pstools-injected; exit 3'")
        #expect(notShell.status == 127)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pstools-injected"))
        // PATH lookup still works, as for exec.
        #expect(try TestSupport.shell("pssnap -- true > /dev/null").status == 0)
    }

    @Test func commandModeKeepsOrphansInTheSubtree() throws {
        // The subshell starts a sleep and exits: the sleep is orphaned, and pssnap (a subreaper) adopts it.
        // The orphan outlives the command by far (a busy machine cannot make it end first), and is
        // ended by the test.
        let run = try TestSupport.shell("pssnap -i0.1 -- sh -c '(sleep 60.5 &); sleep 0.4'")
        #expect(run.status == 0)
        let records = try objects(run.stdoutText)
        let snapshots = Dictionary(grouping: records) { $0["ts"] as! Double }.sorted { $0.key < $1.key }
        #expect(snapshots.count >= 2)
        let last = snapshots.last!.value
        let sleeps = last.filter { $0["comm"] as? String == "sleep" && ($0["cmdline"] as? String) == "sleep 60.5" }
        for orphan in records where (orphan["cmdline"] as? String) == "sleep 60.5" { kill(Int32(orphan["pid"] as! Int), SIGKILL) }
        #expect(sleeps.count == 1)
        #expect(sleeps.first?["depth"] as? Int == 0)
        // The command itself is in its final snapshot as a zombie, with its final CPU times.
        #expect(last.contains { $0["comm"] as? String == "sh" && $0["state"] as? String == "Z" })
        // Nothing outside the subtree: every record descends from the command or was adopted by pssnap.
        #expect(!records.contains { $0["comm"] as? String == "pssnap" })
    }

    @Test func intervalAndDurationGiveTheExactFinalSample() throws {
        let run = try TestSupport.shell("pssnap -i0.2 -d0.5 -f stat")
        #expect(run.status == 0)
        let ts = try objects(run.stdoutText).map { $0["ts"] as! Double }
        var distinct: [Double] = []
        for t in ts where distinct.last != t { distinct.append(t) }
        // Ticks at 0, 0.2, 0.4 and the last exactly at the end, 0.5. A busy machine may make a
        // snapshot overrun and its next tick be skipped, or start late, never early; the last one
        // is always taken, at the end or (late) after it.
        #expect(distinct.count >= 2 && distinct.count <= 4, "\(distinct)")
        let offsets = distinct.map { $0 - distinct[0] }
        #expect(offsets == offsets.sorted())
        #expect((offsets.last ?? 0) >= 0.5 - 0.0015, "\(offsets)")
    }

    @Test func ticksMissedWhileStoppedAreSkippedNotBunched() throws {
        let run = try TestSupport.shell("""
            pssnap -i0.2 -d2 -f stat & p=$!; sleep 0.5; kill -STOP $p; sleep 0.9; kill -CONT $p; wait $p
            """)
        #expect(run.status == 0)
        var distinct: [Double] = []
        for t in try objects(run.stdoutText).map({ $0["ts"] as! Double }) where distinct.last != t { distinct.append(t) }
        let gaps = zip(distinct.dropFirst(), distinct).map { $0 - $1 }
        // One long gap for the stop. The tick that fell due while stopped is taken on waking (late,
        // so the next regular tick may follow it closely); the others are skipped, not bunched.
        // The last snapshot, at the exact end of -d, may follow its tick closely too.
        // (A busy machine makes any tick late, so a single short gap proves nothing; bunching is
        // several snapshots in a row right after waking.)
        let long = try #require(gaps.firstIndex { $0 > 0.8 }, "\(gaps)")
        let afterWaking = gaps.dropFirst(long + 1).dropLast()
        #expect(afterWaking.filter { $0 < 0.1 }.count <= 1, "bunched after waking: \(gaps)")
        #expect(distinct.count < 11, "\(distinct.count) snapshots")
    }

    @Test func headEndsTheRunQuietlyAndQuickly() throws {
        // pssnap -i runs until stopped: that the pipeline ends at all (and not at the test's
        // watchdog, status 137) shows it ended at the closed pipe.
        let run = try TestSupport.shell("pssnap -i0.1 | head -n1")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.lines.count == 1)
    }

    /// A query that matches nothing writes nothing, so no write can fail: pssnap still notices
    /// that its reader has gone, at its next tick, and ends quietly.
    @Test func aSilentQueryStillEndsWhenItsReaderGoes() throws {
        // That the pipeline ends at all (and not at the test's watchdog) shows pssnap noticed.
        let run = try TestSupport.shell("pssnap -i0.1 'comm==no-such-process-anywhere' | (sleep 0.3; exit 0)")
        #expect(run.status == 0)
        #expect(run.stderr == "")
    }

    @Test func sigintLeavesOnlyWholeLines() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pssnap-sigint-\(getpid()).ndjson")
        defer { try? FileManager.default.removeItem(at: out) }
        // Interrupted once it has written (however long a busy machine takes to get there).
        let run = try TestSupport.shell("""
            pssnap -i0.1 > '\(out.path)' & p=$!
            i=0; while [ ! -s '\(out.path)' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
            sleep 0.25; kill -INT $p; wait $p
            """)
        #expect(run.status == 0)
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let records = try objects(text)
        #expect(records.count > 0)
        // Every snapshot is whole: the same number of records... within the churn of a live system,
        // so check the weaker, exact property: the last snapshot has its root process.
        // The project's own reader takes every line too (it is what every downstream tool uses).
        let parser = RecordParser()
        for line in Array(run.stdout).split(separator: 0x0A) {
            try line.withUnsafeBufferPointer { _ = try parser.parse($0) }
        }
    }

    @Test func hostileArgumentsOnRealProcComeOutAsOneValidLine() throws {
        // argv[0] with a quote, a backslash, a newline, a control byte and an invalid UTF-8 byte.
        let run = try TestSupport.shell("""
            python3 -c 'import os; os.execvp(b"sleep", [b"a\\"b\\\\c\\nd\\x01e\\xff", b"5"])' >/dev/null 2>&1 & p=$!
            for i in $(seq 100); do [ "$(cat /proc/$p/comm)" = sleep ] && break; sleep 0.05; done
            pssnap -f cmdline,argv | grep "\\"pid\\":$p,"; kill -KILL $p
            """)
        let lines = run.lines
        #expect(lines.count == 1)
        guard let line = lines.first else { return }
        let record = try objects(String(line) + "\n")[0]
        #expect(record["cmdline"] as? String == "a\"b\\c\nd\u{01}e\u{FFFD} 5")
        #expect(record["argv"] as? [String] == ["a\"b\\c\nd\u{01}e\u{FFFD}", "5"])
        #expect(line.contains("\\u0001"))
    }

    @Test func writeErrorsAreReportedOnce() throws {
        let run = try TestSupport.shell("pssnap > /dev/full")
        #expect(run.status == 1)
        #expect(run.stderr == "pssnap: write error: No space left on device\n")
    }

    @Test func helpAndVersion() throws {
        let version = try TestSupport.shell("pssnap --version")
        #expect(version.stdoutText == "pssnap \(ToolSpec.version)\n" && version.status == 0)
        let help = try TestSupport.shell("pssnap -h")
        #expect(help.status == 0 && help.stdoutText == HelpRenderer.help(PSSnap.spec))
        let bad = try TestSupport.shell("pssnap --intrval 1")
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("pssnap: unknown option '--intrval' (did you mean '--interval'?)\n"))
    }

    @Test func threadsOfAProcessFollowOneAnother() throws {
        // pssnap itself is single-threaded; find any multi-threaded process, else skip.
        let run = try TestSupport.shell("pssnap -T -f stat")
        let records = try objects(run.stdoutText)
        #expect(records.allSatisfy { $0["tid"] is Int })
        var seenPids: [Int] = []
        for r in records {
            let pid = r["pid"] as! Int
            if seenPids.last != pid {
                #expect(!seenPids.contains(pid), "threads of \(pid) are not adjacent")
                seenPids.append(pid)
            }
        }
    }
}

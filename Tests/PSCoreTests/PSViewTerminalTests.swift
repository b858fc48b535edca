import Foundation
import Testing
@testable import PSCore

/// A tmux server of its own (its own socket), for watching psview on a real terminal.
final class TmuxSession {
    let socket = "pstools-view-\(UUID().uuidString.prefix(8))"
    let name = "v"

    init(columns: Int, rows: Int, command: String) throws {
        let env = "env -u NO_COLOR PATH='\(TestSupport.binDir.path):/usr/bin:/bin' PS1='$ ' TERM=xterm-256color"
        // The server this starts keeps the descriptors it was given: none of the test's pipes.
        _ = try tmux(["new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", "\(env) \(command)"], detached: true)
        _ = try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        // The server leaves its socket file behind when killed: remove it too.
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(directory)/tmux-\(getuid())/\(socket)")
    }

    /// One tmux command, through TestSupport.shell (its watchdog included).
    @discardableResult
    func tmux(_ args: [String], detached: Bool = false) throws -> String {
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let command = "tmux -L \(socket) -f /dev/null \(quoted)"
        if detached {
            // The server this starts would keep every descriptor the shell inherited (the test
            // runner's pipes among them, and a pipe held open never ends): close them all first.
            let script = "for f in /proc/$$/fd/*; do n=${f##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; exec " + command
            return try TestSupport.shell("bash -c '" + script.replacingOccurrences(of: "'", with: "'\\''") + "' </dev/null >/dev/null 2>&1").stdoutText
        }
        return try TestSupport.shell(command + " 2>/dev/null").stdoutText
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }
    func format(_ f: String) throws -> String {
        try tmux(["display-message", "-p", "-t", name, f]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var alternateOn: Bool { (try? format("#{alternate_on}")) == "1" }

    /// The screen once `condition` holds, polled for up to `seconds` (generous: a busy machine).
    func wait(for what: String, seconds: Double = 30, until condition: (String) -> Bool,
              sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let end = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < end {
            last = try screen()
            if condition(last) { return last }
            usleep(50_000)
        }
        Issue.record("timed out waiting for \(what); the screen:\n\(last)", sourceLocation: sourceLocation)
        return last
    }
}

/// A FIFO psview reads from, written by the test one snapshot at a time.
final class SnapshotFeed {
    let directory: URL
    let path: String
    private var handle: FileHandle?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("psview-tty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("stream").path
        #expect(mkfifo(path, 0o600) == 0)
    }

    deinit {
        try? handle?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` to the FIFO, opened read-write so that the open never waits for psview
    /// (a psview that failed to start fails the test instead of hanging it).
    func write(_ text: String) throws {
        if handle == nil {
            let fd = open(path, O_RDWR | O_CLOEXEC)
            #expect(fd >= 0)
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        }
        try handle?.write(contentsOf: Data(text.utf8))
    }

    func close() throws {
        try handle?.close()
        handle = nil
    }
}

/// `count` processes under init: long command lines, a wide name, hostile names, and a marker.
func terminalSnapshot(ts: Int, count: Int, marker: String) -> String {
    var text = viewRecord(ts: "\(ts)", pid: 1, ppid: 0, comm: "init", cpu: "0", rss: "10485760", fds: "20",
                          cmdline: "/sbin/init " + String(repeating: "--a-long-flag ", count: 12))
    text += viewRecord(ts: "\(ts)", pid: 2, ppid: 1, comm: marker, cpu: "150", rss: "1048576", fds: "3", cmdline: marker)
    text += recordLine([("ts", "\(ts)"), ("pid", "3"), ("ppid", "1"), ("comm", "\"evil\""),
                        ("user", "\"root\""), ("cpu", "0"), ("rss", "0"), ("fds", "0"),
                        ("cmdline", "\"\\u001b]2;owned\\u0007\\u001b[2J\\u001b[Hgotcha\\nrow\""), ("state", "\"S\"")])
    text += viewRecord(ts: "\(ts)", pid: 4, ppid: 1, comm: "wide", cpu: "0", rss: "0", fds: "0",
                       cmdline: String(repeating: "日本語", count: 20))
    for pid in 5..<(count + 1) {
        text += viewRecord(ts: "\(ts)", pid: pid, ppid: 2, comm: "w\(pid)", cpu: "0", rss: "4096", fds: "1")
    }
    return text
}

@Suite(.serialized) struct PSViewTerminalTests {
    init() { #expect(TestSupport.hasCommand("tmux"), "tmux is needed for the terminal tests (CI installs it)") }

    /// Live: the alternate screen is entered when the stream pauses, each snapshot redrawn in
    /// place, fitted to 80x12 (cmdlines cut with …, "N more processes below"), no escape sequence
    /// from a process obeyed; Ctrl-C restores the shell's screen and psview ends with status 0.
    @Test func liveViewRedrawsInPlaceAndCtrlCRestoresTheScreen() throws {
        let feed = try SnapshotFeed()
        let tmux = try TmuxSession(columns: 80, rows: 12, command: "sh")
        try tmux.send("echo previous-content", "Enter")
        _ = try tmux.wait(for: "the shell", until: { $0.contains("previous-content\n$") || $0.contains("previous-content\n") })
        try tmux.send("psview \(feed.path); echo \"exit-\"\"status=$?\"", "Enter")
        try feed.write(terminalSnapshot(ts: 1_800_000_000, count: 30, marker: "first-marker"))
        var screen = try tmux.wait(for: "the first snapshot", until: { $0.contains("first-marker") })
        #expect(tmux.alternateOn)
        print("psview live, first snapshot (80x12):\n\(screen)")
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].contains("30 processes"))
        #expect(lines[1].contains("PID USER"))
        #expect(lines[2].hasPrefix("  1 root") && lines[2].hasSuffix("…"))
        #expect(screen.contains("… 21 more processes below (of 30)"))
        #expect(!screen.contains("previous-content"))
        for line in lines { #expect(TerminalText.width(String(line)) <= 80) }

        try feed.write(terminalSnapshot(ts: 1_800_000_001, count: 5, marker: "second-marker"))
        screen = try tmux.wait(for: "the second snapshot", until: { $0.contains("second-marker") })
        print("psview live, second snapshot:\n\(screen)")
        #expect(!screen.contains("first-marker"))
        #expect(screen.contains("5 processes"))
        #expect(!screen.contains("more processes below"))
        // The hostile name shows as text, and the pane was not retitled or cleared by it.
        #expect(screen.contains("├─ ?]2;owned??[2J?[Hgotcha?row"))
        #expect(try tmux.format("#{pane_title}") != "owned")
        #expect(tmux.alternateOn)

        try tmux.send("C-c")
        screen = try tmux.wait(for: "the shell after Ctrl-C", until: { $0.contains("exit-status=") })
        print("after Ctrl-C:\n\(screen)")
        #expect(screen.contains("exit-status=0"))
        #expect(screen.contains("previous-content"))
        #expect(!screen.contains("second-marker"))
        #expect(!tmux.alternateOn)
    }

    /// The end of the input leaves the alternate screen and prints the last picture.
    @Test func endOfInputLeavesTheLastPictureOnTheNormalScreen() throws {
        let feed = try SnapshotFeed()
        let tmux = try TmuxSession(columns: 70, rows: 15, command: "sh")
        try tmux.send("echo previous-content; psview --ascii \(feed.path); echo \"exit-\"\"status=$?\"", "Enter")
        try feed.write(terminalSnapshot(ts: 1_800_000_000, count: 6, marker: "first-marker"))
        _ = try tmux.wait(for: "the first snapshot", until: { $0.contains("first-marker") })
        #expect(tmux.alternateOn)
        try feed.write(terminalSnapshot(ts: 1_800_000_001, count: 6, marker: "last-marker"))
        _ = try tmux.wait(for: "the second snapshot", until: { $0.contains("last-marker") })
        try feed.close()
        let screen = try tmux.wait(for: "the end", until: { $0.contains("exit-status=") })
        print("after the end of the input:\n\(screen)")
        #expect(!tmux.alternateOn)
        #expect(screen.contains("previous-content"))
        #expect(screen.contains("|- last-marker"))
        #expect(screen.contains("exit-status=0"))
        #expect(!screen.contains("first-marker"))
    }

    /// A bad line met on the live screen is counted in the title, then listed when the screen is left.
    @Test func badLinesOnTheLiveScreenAreCountedThenListed() throws {
        let feed = try SnapshotFeed()
        let tmux = try TmuxSession(columns: 90, rows: 10, command: "sh")
        try tmux.send("psview \(feed.path); echo \"exit-\"\"status=$?\"", "Enter")
        try feed.write(terminalSnapshot(ts: 1_800_000_000, count: 4, marker: "first-marker"))
        _ = try tmux.wait(for: "the first snapshot", until: { $0.contains("first-marker") })
        try feed.write("garbage\n" + terminalSnapshot(ts: 1_800_000_001, count: 4, marker: "second-marker"))
        let live = try tmux.wait(for: "the count", until: { $0.contains("second-marker") && $0.contains("1 bad input line") })
        #expect(!live.contains("psview: "))
        try feed.close()
        _ = try tmux.wait(for: "the end", until: { $0.contains("exit-status=") })
        let screen = try tmux.tmux(["capture-pane", "-p", "-J", "-t", tmux.name])   // the message may wrap
        print("bad line, after the end:\n\(screen)")
        #expect(screen.contains("psview: \(feed.path):5:1: "))
        #expect(screen.contains("exit-status=1"))
    }

    /// SIGTERM on the live screen: the screen is restored and the status is 0.
    @Test func sigtermRestoresTheScreen() throws {
        let feed = try SnapshotFeed()
        let pidFile = feed.directory.appendingPathComponent("pid").path
        let tmux = try TmuxSession(columns: 80, rows: 10, command: """
            sh -c 'echo previous-content; psview \(feed.path) & echo $! > \(pidFile); wait $!; echo "exit-status=$?"; sleep 60'
            """)
        try feed.write(terminalSnapshot(ts: 1_800_000_000, count: 8, marker: "the-marker"))
        _ = try tmux.wait(for: "the snapshot", until: { $0.contains("the-marker") })
        #expect(tmux.alternateOn)
        let text = try String(contentsOfFile: pidFile, encoding: .utf8)
        let pid = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        let screen = try tmux.wait(for: "the end", until: { $0.contains("exit-status=") })
        print("after SIGTERM:\n\(screen)")
        #expect(screen.contains("exit-status=0"))
        #expect(screen.contains("previous-content"))
        #expect(!screen.contains("the-marker"))
        #expect(!tmux.alternateOn)
    }

    /// A one-shot pipeline on a terminal is printed, not shown on the alternate screen.
    @Test func oneSnapshotOnATerminalIsPrintedInColourFittedToTheWidth() throws {
        let tmux = try TmuxSession(columns: 60, rows: 40, command: "sh")
        try tmux.send("pssnap | psview; echo \"exit-\"\"status=$?\"", "Enter")
        _ = try tmux.wait(for: "the table", until: { $0.contains("exit-status=") })
        let screen = try tmux.tmux(["capture-pane", "-p", "-S", "-", "-t", tmux.name])
        #expect(screen.contains("exit-status=0"))
        #expect(screen.contains("PID USER"))
        #expect(!tmux.alternateOn)
        let colored = try tmux.tmux(["capture-pane", "-p", "-e", "-S", "-", "-t", tmux.name])
        #expect(colored.contains("\u{1B}[1m"))
        try tmux.send("clear; NO_COLOR=1 pssnap | psview | head -c 0; NO_COLOR=1 pssnap | psview; echo \"second-\"\"status=$?\"", "Enter")
        _ = try tmux.wait(for: "the table without colour", until: { $0.contains("second-status=") })
        let plain = try tmux.tmux(["capture-pane", "-p", "-e", "-t", tmux.name])
        #expect(!plain.contains("\u{1B}[1"))
        for line in screen.split(separator: "\n") { #expect(TerminalText.width(String(line)) <= 60) }
    }
}

@Suite struct PSViewPipelineTests {
    @Test func pipedOutputIsPlainBlocksOneSnapshotEach() throws {
        let run = try TestSupport.shell("pssnap -i0.3 -n3 | psdelta | psview")
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(!run.stdout.contains(0x1B))
        let blocks = run.stdoutText.components(separatedBy: "\n\n")
        #expect(blocks.count == 3)
        let title = try Regex(#"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  \d+ processes$"#)
        for block in blocks {
            let lines = block.split(separator: "\n")
            #expect(lines[0].wholeMatch(of: title) != nil, "\(lines[0])")
            #expect(lines[1].hasSuffix("CMDLINE"))
            #expect(lines[2].hasPrefix("    1 "))
        }
        // cpu is there from psdelta's second observation on.
        #expect(blocks[2].split(separator: "\n")[1].contains("CPU"))
    }

    @Test func noColourWhenPipedEvenWithoutNoColor() throws {
        let run = try TestSupport.shell("pssnap | psview --sum | head -3", environment: ["NO_COLOR": ""])
        #expect(!run.stdout.contains(0x1B))
        #expect(run.lines[1].contains("ΣRSS"))
    }

    /// A 10x replay of three snapshots one second apart takes about 0.2 s: at least that, and
    /// well under the 2 s the recording lasted (the bound is generous for a busy machine).
    @Test func replayTenTimesFasterTakesAFifthOfASecond() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("psview-replay-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: url) }
        try (0..<3).map { viewRecord(ts: "\(1000 + $0)", pid: 1, ppid: 0, comm: "s\($0)") }.joined().write(to: url, atomically: true, encoding: .utf8)
        let start = Date()
        let run = try TestSupport.shell("psview --replay 10 -f comm '\(url.path)'")
        let took = Date().timeIntervalSince(start)
        #expect(run.status == 0)
        #expect(took >= 0.2)
        #expect(took < 10)
        #expect(run.lines.filter { $0.hasPrefix("s") } == ["s0", "s1", "s2"])
    }

    @Test func closedPipeEndsSilently() throws {
        let run = try TestSupport.shell("pssnap -i0.2 -n20 | psview > /dev/null; (pssnap -i0.1 | psview; echo \"psview=$?\" >&2) | head -1")
        #expect(run.stderr.contains("psview=0"))
        #expect(!run.stderr.contains("error"))
        let full = try TestSupport.shell("pssnap | psview > /dev/full")
        #expect(full.status == 1)
        #expect(full.stderr.hasPrefix("psview: write error: "))
        #expect(full.stderr.split(separator: "\n").count == 1)
    }
}

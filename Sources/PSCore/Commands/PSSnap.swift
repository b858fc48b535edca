#if canImport(Glibc)
import Glibc
#endif

/// pssnap: snapshot the process tree, once or every interval.
public enum PSSnap {
    public static let spec = ToolSpec(
        name: "pssnap",
        summary: "snapshot the process tree as NDJSON records, once or every interval",
        usage: ["[OPTIONS] [QUERY]", "[OPTIONS] [QUERY] -- COMMAND [ARGS...]"],
        description: [
            "\\fBpssnap\\fR reads /proc and writes one JSON object per process (one per thread with \\fB\\-\\-threads\\fR), one line each, in tree order: every process after its parent, siblings and roots by ascending pid. All records of one snapshot share its \\fBts\\fR. Memory is in bytes, times in seconds, timestamps in Unix epoch seconds.",
            "With no interval it takes one snapshot and exits. With \\fB\\-i\\fR it repeats on a drift-free schedule of the monotonic clock; a tick missed because a snapshot overran, or because pssnap was stopped, is skipped rather than bunched. Output is flushed after every snapshot, so a pipeline downstream sees each one at once.",
            "With \\fB\\-\\- COMMAND\\fR it starts COMMAND (found on PATH, never through a shell), snapshots its subtree every interval (1 second unless \\fB\\-i\\fR says otherwise) until it exits, takes a final snapshot while the command is still a zombie (so its final CPU times are seen), and exits with the command's status (128+N if a signal N killed it). pssnap makes itself a child subreaper, so orphaned descendants stay in the subtree; the command and any such orphans are the roots (depth 0). The command's standard output is pssnap's standard error, so that nothing it prints enters the record stream (\\fBpssnap \\-i1 \\-\\- make | psdelta\\fR shows make's output on the terminal and gives psdelta records only); with \\fB\\-o\\fR \\fIFILE\\fR the records go to the file and the command keeps stdout. A first SIGINT or SIGTERM is passed on to the command; a second ends pssnap at once. When the output is closed (\\fB| head\\fR) or fails, pssnap stops writing but still waits for the command and exits with its status (1 after a write error if the command succeeded).",
            "With a \\fIQUERY\\fR (the language of \\fBpsfilter\\fR(1) and \\fBpstools\\-query\\fR(7)) it writes only the records the query selects: the same records as \\fBpssnap | psfilter\\fR \\fIQUERY\\fR, with \\fBdepth\\fR still the depth in the whole tree, but cheaper: every process's stat file is read, and its other files only when the query can still hold for it. A query on stat fields alone (pid, ppid, comm, state, tty, start, utime, ...) reads little more than stat; one that needs another file for a tree operator's operand (\\fB(cmdline~java)..\\fR) reads every process. \\fB\\-\\-stop\\-without\\-result\\fR ends a repeating run after the first snapshot in which the query selects nothing.",
            "With \\fB\\-p\\fR, with \\fB\\-\\- COMMAND\\fR, and with a \\fIQUERY\\fR whose roots are given by pid (\\fBpid==\\fR\\fIN\\fR\\fB..\\fR, \\fBpid in (\\fR\\fIN\\fR\\fB,\\fR\\fIM\\fR\\fB)..\\fR, an \\fB||\\fR of such, or one of them \\fB&&\\fR another query, as in \\fBpid==2610.. && rss>100M\\fR, when every tree operator of the query is \\fIX\\fR\\fB..\\fR and none stands under \\fB!\\fR), pssnap does not list /proc. It reads the roots, then each member's children from /proc/PID/task/TID/children (every thread's: a child hangs off the thread that forked it), down the tree, and the stat of the members' ancestors only for the order and \\fBdepth\\fR. A listed child is a member only when its own stat names the member as its parent, as in a full scan, so a pid that was reused meanwhile by an unrelated process is never taken for one; with \\fB\\-p\\fR a root is also known by its start time. The records are the full scan's, field for field and in the same order. What differs is by nature a matter of timing: a child forked after its parent's children file was read shows one tick later, as one forked after a full scan listed /proc does. A tick then costs what the subtree costs, whatever the number of other processes: on a 2\\-core machine with 10\\ 700 processes (release build, CPU time, \\fBbench/subtree.sh\\fR), one tick of \\fBpssnap \\-i1 \\-p\\fR on a 10\\-process tree costs 0.73 ms (start\\-up included; 0.27 ms in a tight loop), 0.27 % of a full snapshot's 271 ms and 177 times less than the same watch cost when every stat was read to find the tree (129 ms). pssnap falls back to the full scan on a kernel without the children files (they need CONFIG_PROC_CHILDREN, which most distributions enable) and for any other query: one with \\fB..\\fR\\fIX\\fR, with \\fB!\\fR over a tree operator, or whose roots are not given by pid must see every process.",
            "Every record can be read back by every tool, whatever a process does to its /proc files: \\fBcmdline\\fR and \\fBargv\\fR hold at most the first 128 KiB (131072 bytes) of /proc/PID/cmdline, cut on a UTF\\-8 character boundary, and a cut value ends with \\(lq\\[u2026]\\(rq (U+2026; in \\fBargv\\fR, its last element); \\fBcomm\\fR and \\fBcgroup\\fR hold at most 4096 bytes, marked the same way. So a record is at most about 1.6 MB, far below the tools' 16 MiB line limit, and a process cannot hide from them with a long command line. \\fBcmdline\\fR is exactly \\fBargv\\fR joined by single spaces: each argument ends with a NUL in /proc/PID/cmdline, so a trailing empty argument stays (\\fBa b \\fR for [\\(dqa\\(dq, \\(dqb\\(dq, \\(dq\\(dq]); a process that rewrote its arguments without a final NUL gives its text as one argument.",
            "Every number read from /proc is checked: one that does not fit a signed 64\\-bit integer in the record's unit (bytes, milliseconds), or a uid beyond 32 bits, is written as null, never as another number, and reported on stderr once per field per run (\\fBpssnap: /proc/42/status: 'swap' out of range, written as null\\fR); the run then exits with status 1. A boot time (btime in /proc/stat) out of range makes every \\fBstart\\fR null.",
            "\\fBts\\fR is the clock when the snapshot starts, the same for all its records. \\fBage\\fR is measured when the process's own stat is read, so the counters read with it never cover more life than it says (a process started during a long snapshot cannot show more than 100 % CPU per thread); \\fBstart\\fR + \\fBage\\fR therefore grows, within one snapshot, by the time the snapshot takes to read.",
            "A process that ends while it is being read is left out of that snapshot; a file that cannot be read (permission, or absent on this kernel) gives null fields. Neither is an error.",
        ],
        options: [
            OptionSpec("i", "interval", value: "SECONDS", help: "take a snapshot every SECONDS (fractions allowed)",
                       doc: "Take a snapshot every \\fISECONDS\\fR (fractions allowed, e.g. 0.5) until interrupted, \\fB\\-n\\fR or \\fB\\-d\\fR. SIGINT and SIGTERM end the run after the snapshot in progress, with status 0."),
            OptionSpec("n", "count", value: "COUNT", help: "stop after COUNT snapshots",
                       doc: "Stop after \\fICOUNT\\fR snapshots. Without \\fB\\-i\\fR the interval is 1 second."),
            OptionSpec("d", "duration", value: "SECONDS", help: "stop after SECONDS, with a last snapshot exactly then",
                       doc: "Stop after \\fISECONDS\\fR; the last snapshot is taken exactly at the end (\\fB\\-i5 \\-d7\\fR gives snapshots at 0, 5 and 7 s). Without \\fB\\-i\\fR the interval is 1 second."),
            OptionSpec("f", "files", value: "LIST", help: "field groups to read: stat,status,io,fd,smaps,net,cgroup,cmdline,argv",
                       doc: "The field groups to read, named after the /proc files they come from. \\fB\\-f stat,cmdline\\fR gives exactly those; \\fB\\-f +smaps,+net\\fR adds to the defaults and \\fB\\-f \\-io\\fR takes from them. Defaults: stat, status, io, fd, cmdline. stat is always read.",
                       completion: .listOf(FieldGroups.names)),
            OptionSpec("T", "threads", help: "one record per thread, with its tid",
                       doc: "One record per thread: \\fBpid\\fR is the thread's process, \\fBtid\\fR its own id; the threads of a process follow one another in tid order where the process would stand."),
            OptionSpec(nil, "host", help: "add the host name to every record",
                       doc: "Add a \\fBhost\\fR field (the uname node name) to every record, for logs gathered from several machines."),
            OptionSpec("p", "pid", value: "PID[,PID...]", help: "the subtrees of these processes, until none is left",
                       doc: "Snapshot the subtrees of these processes (as the QUERY \\fBpid==\\fR\\fIPID\\fB..\\fR does, with \\fBdepth\\fR in the whole tree). A process is known by its pid and start time from the first snapshot on, so a pid reused by another process is not followed. With \\fB\\-i\\fR the run ends, with status 0, after the first snapshot in which none of them is left. A pid with no process at the start is reported (status 1). Repeatable; takes no QUERY."),
            OptionSpec(nil, "stop-without-result", help: "end a QUERY run after the first snapshot it selects nothing in",
                       doc: "End a repeating QUERY run, with status 0, after the first snapshot in which the query selects nothing: \\fBpssnap \\-i1 \\-\\-stop\\-without\\-result 'pid==2610..'\\fR watches process 2610's tree until it is gone."),
            OptionSpec("o", "output", value: "FILE", help: "write the records to FILE (with -- COMMAND, stdout stays the command's)",
                       doc: "Write the records to \\fIFILE\\fR (created or truncated; never through a symbolic link, never to anything but a regular file) instead of stdout. With \\fB\\-\\- COMMAND\\fR the command then keeps stdout; without \\fB\\-o\\fR its stdout goes to pssnap's stderr, so that its output never mixes with the records.",
                       completion: .file),
            OptionSpec(nil, "proc-root", value: "DIR", help: "read this procfs tree instead of /proc",
                       doc: "Read the procfs tree at \\fIDIR\\fR instead of /proc (the tests use fixture trees).",
                       completion: .directory),
        ],
        operandCompletion: .none,
        firstOperandCompletion: .query(FieldTable.pssnap.map(\.name)),
        afterDoubleDashCompletion: .command,
        examples: [
            ("pssnap | jq -c 'select(.rss > 100000000) | {pid, comm, rss}'", "processes over 100 MB, with jq"),
            ("pssnap -i1 -d60 -f +smaps > tree.ndjson", "a minute of one-second snapshots, with PSS and USS"),
            ("pssnap -i0.5 -- make -j8 | psdelta > build.ndjson", "profile a build every half second (make's output goes to the terminal)"),
            ("pssnap -i0.5 -o build.ndjson -- make -j8", "the same, make's output on stdout, the records in build.ndjson"),
            ("pssnap -i1 -p 2610 | psdelta", "process 2610 and its subtree every second until it ends, at the cost of the subtree alone"),
            ("pssnap 'pid==2610..'", "the same subtree once, as a query"),
            ("pssnap -i1 'user==postgres && rss>500M'", "every second, postgres's processes over 500 MiB"),
            ("pssnap -T -f stat | jq -r 'select(.pid == 1234) | [.tid, .comm, .utime] | @tsv'", "the threads of one process"),
        ],
        extraSections: [("FIELDS", FieldTable.roff)],
        seeAlso: ["psfilter(1)", "pstools-query(7)", "jq(1)", "ps(1)", "proc(5)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    /// The parsed options of one run.
    struct Options {
        var interval: Int64? = nil
        var count: Int? = nil
        var duration: Int64? = nil
        var groups: FieldGroups = .defaults
        var threads = false
        var host = false
        var procRoot = "/proc"
        var command: [String]? = nil
        var query: String? = nil
        var pids: [Int32]? = nil
        var stopWithoutResult = false
        var outputPath: String? = nil

        init(_ args: ParsedArguments) throws(UsageError) {
            if let v = args.value("interval") { interval = try ValueParsers.seconds(v, option: "-i") }
            if let v = args.value("count") { count = try ValueParsers.positiveInteger(v, option: "-n") }
            if let v = args.value("duration") { duration = try ValueParsers.seconds(v, option: "-d", allowZero: true) }
            for list in args.values["files"] ?? [] {
                let g = try FieldGroups.parse(list)
                // Repeated -f: relative lists build on what came before.
                groups = list.split(separator: ",").allSatisfy({ $0.hasPrefix("+") || $0.hasPrefix("-") })
                    ? groups.union(g.subtracting(.defaults)).subtracting(FieldGroups.defaults.subtracting(g)) : g
            }
            threads = args.has("threads")
            host = args.has("host")
            if let v = args.value("proc-root") { procRoot = v }
            if let v = args.value("output") {
                guard !v.isEmpty else { throw UsageError("'-o' needs a FILE name") }
                outputPath = v
            }
            query = args.operands.first
            if args.operands.count > 1 {
                throw UsageError("unexpected argument '\(args.operands[1])' (one QUERY, quoted; to run a command, put it after '--')")
            }
            if let c = args.afterDoubleDash {
                guard !c.isEmpty else { throw UsageError("'--' must be followed by a COMMAND to run") }
                command = c
            }
            if let lists = args.values["pid"] {
                var pids: [Int32] = []
                for list in lists {
                    for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let n = Int32(item), n > 0 else {
                            throw UsageError("'-p' takes process ids (PID[,PID...]), not '\(item)'")
                        }
                        if !pids.contains(n) { pids.append(n) }
                    }
                }
                if query != nil {
                    throw UsageError("'-p' takes no QUERY: write the subtree into the query ('pid==\(pids[0]).. && ...', with --stop-without-result)")
                }
                if command != nil { throw UsageError("'-p' and '-- COMMAND' cannot be combined") }
                self.pids = pids
            }
            stopWithoutResult = args.has("stop-without-result")
            if stopWithoutResult && query == nil {
                throw UsageError("'--stop-without-result' needs a QUERY (with '-p', the run ends when the processes do)")
            }
            if interval == nil && (count != nil || duration != nil || command != nil) { interval = 1_000_000_000 }
        }

        var repeating: Bool { interval != nil && count != 1 }
    }

    /// How a run finds the processes it writes.
    public enum Scan: Sendable {
        /// Follow a tree from its roots through the children files when the run allows it.
        case automatic
        /// Always list and read all of /proc (the tests compare the two).
        case full
    }

    static func run(_ args: ParsedArguments, output stdout: OutputBuffer, diagnostics: Diagnostics,
                           environment: SystemEnvironment = SystemEnvironment(),
                           faultHook: ((Int32, TaskHandle.File) -> Errno?)? = nil,
                           scan: Scan = .automatic) throws -> Int32 {
        let options = try Options(args)
        // A bad query stops the run before anything starts (exit 2, with a caret under the problem).
        let parsedQuery = try options.query.map { q throws(QueryError) in try Query(q) }
        // -o: the records go to FILE (opened before the command starts, so a bad name starts nothing).
        var output = stdout
        var outputFD: Int32 = -1
        if let path = options.outputPath {
            switch OutputFile.open(path, mode: .truncate) {
            case .success(let fd): outputFD = fd
            case .failure(let e): throw e
            }
            output = OutputBuffer(fd: outputFD)
        }
        defer { if outputFD >= 0 { SystemCall.close(outputFD) } }
        // The command starts first: it must not inherit our raised descriptor limit or signal handlers.
        // Its stdout is our stderr unless -o took the records elsewhere: stdout carries records.
        var child: ChildProcess? = nil
        if let command = options.command {
            ChildProcess.becomeSubreaper()
            switch ChildProcess.spawn(command, stdoutToStderr: options.outputPath == nil) {
            case .success(let c): child = c
            case .failure(let e):
                diagnostics.report("cannot run '\(command[0])': \(e.message)")
                return e == .noSuchFile ? 127 : 126
            }
            Signals.catchChildSignals()
        }
        let reader = try ProcfsReader(root: options.procRoot, groups: options.groups, threads: options.threads,
                                      keepFilesOpen: options.repeating, environment: environment)
        reader.faultHook = faultHook
        let host = options.host ? environment.hostname() : nil
        let writer = RecordWriter(groups: options.groups, threads: options.threads, host: host,
                                  environment: environment, btimeMs: reader.btimeMs)
        if options.repeating { Signals.catchStopSignals() }
        let snapshotQuery = try parsedQuery.map { q throws(QueryError) in
            try SnapshotQuery(q, writer: writer, environment: environment, btimeMs: reader.btimeMs, host: host)
        }
        let watch = SubtreeWatch(writer: writer, query: snapshotQuery)
        // The roots a cheap snapshot can start from: pssnap's own children (the command and the
        // orphans it adopts), the -p processes, or a query's `pid==N..` roots.
        var roots: SubtreeRoots? = nil
        if child != nil {
            roots = SubtreeRoots(pids: [getpid()], childrenOnly: true, ancestors: false)
        } else if let pids = options.pids {
            roots = SubtreeRoots(pids: pids)
        } else if let q = parsedQuery, q.isStreamable, let r = q.ast.subtreeRoots {
            roots = SubtreeRoots(pids: r.sorted())
        }
        let cheap = scan == .automatic

        var status: Int32 = 0
        var reportedWarnings = 0
        var reportedRanges: Set<String> = []
        var lastTs: Int64 = .min
        var taken = 0
        var forwarded = false
        // `-- COMMAND`: a closed output (EPIPE) or a write error stops the writing, not the wait.
        var outputClosed = false
        let schedule = TickSchedule(start: SystemEnvironment.monotonicNs(), interval: options.interval ?? 1,
                                    duration: options.duration)
        var tick = schedule.start
        var commandEnded = false
        while true {
            if let c = child, ChildProcess.peekEnded(P_PID, c.pid) != nil { commandEnded = true }
            var snapshot: Snapshot
            if cheap, let r = roots, let s = reader.subtreeSnapshot(r, select: { watch.select($0.tasks, members: $0.isMember) }) {
                snapshot = s
            } else {
                snapshot = reader.snapshot(select: watch.fullScanSelector(command: child != nil, pids: options.pids == nil ? nil : roots))
            }
            // Two snapshots never share a ts, even at sub-millisecond intervals.
            if snapshot.realtimeMs <= lastTs { snapshot.realtimeMs = lastTs + 1 }
            lastTs = snapshot.realtimeMs
            var written = 0
            do {
                written = try watch.write(snapshot, to: output)
                if !outputClosed { try output.flush() }
                // A snapshot may write nothing (a query that matches nothing): EPIPE would never come.
                if options.repeating && output.readerHasGone { throw OutputError(errno: .brokenPipe) }
            } catch let error as OutputError {
                // Without a command, ToolRunner ends the run (EPIPE silently, status 0).
                guard child != nil else { throw error }
                if error.errno != .brokenPipe { diagnostics.report("write error: \(error.errno.message)"); status = 1 }
                outputClosed = true
            }
            taken += 1
            while reportedWarnings < reader.warnings.count {
                let w = reader.warnings[reportedWarnings]
                diagnostics.report("\(w.path): \(w.message)")
                reportedWarnings += 1
                status = 1
            }
            for w in writer.outOfRange + (snapshotQuery?.statWriter.outOfRange ?? []) where reportedRanges.insert(w.field).inserted {
                var path = options.procRoot + "/\(w.pid)"
                if let tid = w.tid { path += "/task/\(tid)" }
                diagnostics.report("\(path)/\(w.file): '\(w.field)' out of range, written as null (reported once per field)")
                status = 1
            }
            writer.outOfRange.removeAll()
            snapshotQuery?.statWriter.outOfRange.removeAll()
            // -p: the roots are known by their start from the first snapshot on; the run ends
            // after the first snapshot without any of them.
            if let pids = options.pids, var r = roots {
                var starts = r.starts ?? [:]
                var present = false
                for t in snapshot.tasks where pids.contains(t.pid) && (t.tid == nil || t.tid == t.pid) {
                    if r.starts == nil { starts[t.pid] = t.sample.startTicks }
                    if starts[t.pid] == t.sample.startTicks { present = true }
                }
                if r.starts == nil {
                    for p in pids where starts[p] == nil {
                        diagnostics.report("no process \(p)")
                        status = 1
                    }
                    r.starts = starts
                    roots = r
                }
                if !present { break }
            }
            if options.stopWithoutResult && written == 0 { break }
            if let c = child { ChildProcess.reapOrphans(except: c.pid) }
            if outputClosed { break }
            if commandEnded || !options.repeating || options.count.map({ taken >= $0 }) == true { break }
            if child == nil && Signals.stopRequested != 0 { break }
            if child != nil && Signals.stopCount >= 2 { break }
            if let c = child, Signals.stopRequested != 0 && !forwarded {
                kill(c.pid, Signals.stopRequested)
                forwarded = true
            }
            guard let next = schedule.next(after: tick, now: SystemEnvironment.monotonicNs()) else { break }
            tick = next
            // Sleep until the tick; a signal wakes us early: a stop ends the run, a SIGCHLD means the
            // command may have ended and gets its final snapshot now.
            var wokenEarly = false
            while !TickSchedule.sleep(until: next) {
                if child == nil && Signals.stopRequested != 0 { break }
                if let c = child {
                    if Signals.stopRequested != 0 && !forwarded {
                        kill(c.pid, Signals.stopRequested)
                        forwarded = true
                    }
                    if Signals.stopCount >= 2 { break }
                    if ChildProcess.peekEnded(P_PID, c.pid) != nil { wokenEarly = true; break }
                    ChildProcess.reapOrphans(except: c.pid)
                }
            }
            if child == nil && Signals.stopRequested != 0 { break }
            if child != nil && Signals.stopCount >= 2 { break }
            if wokenEarly { continue }
        }
        if let c = child {
            if !outputClosed {
                do { try output.flush() } catch {
                    if error.errno != .brokenPipe { diagnostics.report("write error: \(error.errno.message)"); status = 1 }
                }
            }
            let sig = Signals.stopRequested
            if Signals.stopCount >= 2 { return 128 + sig }
            let commandStatus = c.wait(forwarding: {
                guard !forwarded, Signals.stopRequested != 0 else { return nil }
                forwarded = true
                return Signals.stopRequested
            })
            // A write error makes the run fail even when the command succeeded.
            return commandStatus == 0 && status == 1 && outputClosed ? 1 : commandStatus
        }
        try output.flush()
        return status
    }
}

/// Which tasks a snapshot keeps and in which order they are written, for the runs that write a
/// part of the tree (`-- COMMAND`, `-p`, a QUERY), whether the tasks came from a full scan or
/// from a subtree read (`ProcfsReader.subtreeSnapshot`). Order and depth are those of the tasks
/// it was given (the whole tree, or the subtree with its ancestors), so both reads write the
/// same records; the tree is the core's ProcessTree, through `RecordWriter.treeOrder`.
final class SubtreeWatch {
    let writer: RecordWriter
    let query: SnapshotQuery?
    /// Each kept task's place in the tree order and depth, by identity.
    private var place: [ObjectIdentifier: (rank: Int, depth: Int)] = [:]
    private var selecting = false

    init(writer: RecordWriter, query: SnapshotQuery?) {
        self.writer = writer
        self.query = query
    }

    /// Selects among `tasks` (stat read): with a query, what it can select; else the members.
    func select(_ tasks: [TaskHandle], members: [Bool]) -> [Bool] {
        selecting = true
        // A query sees every task given (a subtree read gives the ancestors too, for depth): its
        // roots imply membership, and its truth for a member depends on the member's ancestors only.
        if let query { return query.select(tasks, base: nil) }
        place.removeAll(keepingCapacity: true)
        for (rank, (i, depth)) in writer.treeOrder(tasks).enumerated() where members[i] {
            place[ObjectIdentifier(tasks[i])] = (rank, depth)
        }
        return members
    }

    /// The full scan's select: every task for a plain run; the command's subtree (without pssnap,
    /// depth from the command); the -p subtrees (depth in the whole tree); a query's own.
    func fullScanSelector(command: Bool, pids: SubtreeRoots?) -> (([TaskHandle]) -> [Bool])? {
        if !command && pids == nil {
            guard query != nil else { selecting = false; return nil }
            return { [unowned self] tasks in self.select(tasks, members: [Bool](repeating: true, count: tasks.count)) }
        }
        return { [unowned self] tasks in
            // One tree node per process: the first of its tasks (threads are adjacent).
            let first = tasks.indices.filter { i in i == 0 || tasks[i - 1].pid != tasks[i].pid }
            let tree = ProcessTree(pids: first.map { tasks[$0].sample.pid }, ppids: first.map { tasks[$0].sample.ppid })
            var rootIndices: [Int] = []
            let me = getpid()
            for (k, i) in first.enumerated() {
                if command {
                    if tasks[i].pid == me { rootIndices.append(k) }
                } else if let pids, pids.pids.contains(tasks[i].pid),
                          pids.starts?[tasks[i].pid].map({ $0 == tasks[i].sample.startTicks }) ?? true {
                    rootIndices.append(k)
                }
            }
            var inside = [Bool](repeating: false, count: first.count)
            for k in tree.subtree(of: rootIndices) { inside[k] = true }
            if command { for k in rootIndices { inside[k] = false } }
            // Back from processes to tasks (threads go with their process).
            var members = [Bool](repeating: false, count: tasks.count)
            for (k, i) in first.enumerated() {
                let end = k + 1 < first.count ? first[k + 1] : tasks.count
                for j in i..<end { members[j] = inside[k] }
            }
            if command {
                // Depth from the command: the tree of the members alone.
                let kept = tasks.indices.filter { members[$0] }
                let chosen = self.select(kept.map { tasks[$0] }, members: [Bool](repeating: true, count: kept.count))
                var keep = [Bool](repeating: false, count: tasks.count)
                for (n, i) in kept.enumerated() { keep[i] = chosen[n] }
                return keep
            }
            return self.select(tasks, members: members)
        }
    }

    /// Writes the snapshot's records; returns how many.
    func write(_ snapshot: Snapshot, to out: OutputBuffer) throws(OutputError) -> Int {
        defer { selecting = false }
        if let query { return try query.write(snapshot, to: out) }
        guard selecting else {
            try writer.write(snapshot, to: out)
            return snapshot.tasks.count
        }
        var ordered: [(rank: Int, depth: Int, task: TaskHandle)] = []
        ordered.reserveCapacity(snapshot.tasks.count)
        for t in snapshot.tasks {
            if let p = place[ObjectIdentifier(t)] { ordered.append((p.rank, p.depth, t)) }
        }
        ordered.sort { $0.rank < $1.rank }
        for o in ordered {
            writer.write(o.task.sample, depth: o.depth, realtimeMs: snapshot.realtimeMs, boottimeMs: snapshot.boottimeMs, to: out)
            try out.flushIfFull()
        }
        place.removeAll(keepingCapacity: true)
        return ordered.count
    }
}

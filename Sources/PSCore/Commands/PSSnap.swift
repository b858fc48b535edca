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
            "With \\fB\\-\\- COMMAND\\fR it starts COMMAND (found on PATH, never through a shell), snapshots its subtree every interval (1 second unless \\fB\\-i\\fR says otherwise) until it exits, takes a final snapshot while the command is still a zombie (so its final CPU times are seen), and exits with the command's status (128+N if a signal N killed it). pssnap makes itself a child subreaper, so orphaned descendants stay in the subtree; the command and any such orphans are the roots (depth 0). A first SIGINT or SIGTERM is passed on to the command; a second ends pssnap at once.",
            "With a \\fIQUERY\\fR (the language of \\fBpsfilter\\fR(1) and \\fBpstools\\-query\\fR(7)) it writes only the records the query selects: the same records as \\fBpssnap | psfilter\\fR \\fIQUERY\\fR, with \\fBdepth\\fR still the depth in the whole tree, but cheaper: every process's stat file is read, and its other files only when the query can still hold for it. A query on stat fields alone (pid, ppid, comm, state, tty, start, utime, ...) reads little more than stat; one that needs another file for a tree operator's operand (\\fB(cmdline~java)..\\fR) reads every process.",
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
            ("pssnap -i0.5 -- make -j8", "profile a build and its children every half second"),
            ("pssnap 'pid==2610..'", "process 2610 and its subtree, reading little more than stat for the rest"),
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
            query = args.operands.first
            if args.operands.count > 1 {
                throw UsageError("unexpected argument '\(args.operands[1])' (one QUERY, quoted; to run a command, put it after '--')")
            }
            if let c = args.afterDoubleDash {
                guard !c.isEmpty else { throw UsageError("'--' must be followed by a COMMAND to run") }
                command = c
            }
            if interval == nil && (count != nil || duration != nil || command != nil) { interval = 1_000_000_000 }
        }

        var repeating: Bool { interval != nil && count != 1 }
    }

    static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics,
                           environment: SystemEnvironment = SystemEnvironment(),
                           faultHook: ((Int32, TaskHandle.File) -> Errno?)? = nil) throws -> Int32 {
        let options = try Options(args)
        // A bad query stops the run before anything starts (exit 2, with a caret under the problem).
        if let q = options.query { _ = try Query(q) }
        // The command starts first: it must not inherit our raised descriptor limit or signal handlers.
        var child: ChildProcess? = nil
        if let command = options.command {
            ChildProcess.becomeSubreaper()
            switch ChildProcess.spawn(command) {
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
        let writer = RecordWriter(groups: options.groups, threads: options.threads,
                                  host: options.host ? environment.hostname() : nil,
                                  environment: environment, btimeMs: reader.btimeMs)
        if options.repeating { Signals.catchStopSignals() }
        var select: (([TaskHandle]) -> [Bool])? = child.map { _ in { tasks in subtree(of: getpid(), excludingRoot: true, in: tasks) } }
        let snapshotQuery = try options.query.map { q throws(QueryError) in
            try SnapshotQuery(q, writer: writer, environment: environment, btimeMs: reader.btimeMs,
                              host: options.host ? environment.hostname() : nil)
        }
        if let snapshotQuery {
            let base = select
            select = { tasks in snapshotQuery.select(tasks, base: base?(tasks)) }
        }

        var status: Int32 = 0
        var reported = 0
        var lastTs: Int64 = .min
        var taken = 0
        var forwarded = false
        let schedule = TickSchedule(start: SystemEnvironment.monotonicNs(), interval: options.interval ?? 1,
                                    duration: options.duration)
        var tick = schedule.start
        var commandEnded = false
        while true {
            if let c = child, ChildProcess.peekEnded(P_PID, c.pid) != nil { commandEnded = true }
            var snapshot = reader.snapshot(select: select)
            // Two snapshots never share a ts, even at sub-millisecond intervals.
            if snapshot.realtimeMs <= lastTs { snapshot.realtimeMs = lastTs + 1 }
            lastTs = snapshot.realtimeMs
            if let snapshotQuery { try snapshotQuery.write(snapshot, to: output) } else { try writer.write(snapshot, to: output) }
            try output.flush()
            // A snapshot may write nothing (a query that matches nothing): EPIPE would never come.
            if options.repeating && output.readerHasGone { throw OutputError(errno: .brokenPipe) }
            taken += 1
            while reported < reader.warnings.count {
                let w = reader.warnings[reported]
                diagnostics.report("\(w.path): \(w.message)")
                reported += 1
                status = 1
            }
            if let c = child { ChildProcess.reapOrphans(except: c.pid) }
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
            try output.flush()
            let sig = Signals.stopRequested
            if Signals.stopCount >= 2 { return 128 + sig }
            return c.wait(forwarding: {
                guard !forwarded, Signals.stopRequested != 0 else { return nil }
                forwarded = true
                return Signals.stopRequested
            })
        }
        return status
    }

    /// Keeps the tasks below `root` (and `root` itself unless excluded); threads go with their process.
    static func subtree(of root: Int32, excludingRoot: Bool, in tasks: [TaskHandle]) -> [Bool] {
        var parent: [Int32: Int32] = [:]
        for t in tasks where parent[t.pid] == nil { parent[t.pid] = t.sample.ppid }
        var inside: [Int32: Bool] = [root: true]
        func isInside(_ pid: Int32) -> Bool {
            var chain: [Int32] = []
            var p = pid
            var answer = false
            while true {
                if let known = inside[p] { answer = known; break }
                guard let pp = parent[p], pp != 0, chain.count < 1 << 16 else { answer = false; break }
                chain.append(p)
                p = pp
            }
            for c in chain { inside[c] = answer }
            return answer
        }
        return tasks.map { t in isInside(t.pid) && !(excludingRoot && t.pid == root) }
    }
}

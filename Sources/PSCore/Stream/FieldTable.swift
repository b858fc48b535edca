/// What every tool knows about a field: its kind, unit, JSON type, source and producer, in one
/// table. psdelta's rated counters, psagg's sums, the query's numeric fields, psexport's metric
/// types, pssql's column types, psplot's axis units, the shells' completions and the docs' field
/// tables are all views of it; a test compares pssnap's real output keys with its pssnap rows.

/// How a field behaves, and so how every tool treats it.
public enum FieldKind: String, Sendable, CaseIterable {
    /// A clock reading or a duration (ts, start, age, dt): the x axis, never summed.
    case time
    /// Names a process or its place (pid, tid, ppid, pgid, sid, depth): never summed.
    case identity
    /// A word that describes (comm, user, cgroup...), or any string field: a group key, a label.
    case label
    /// A level that goes up and down (rss, fds, threads...).
    case gauge
    /// A count that only grows while the process lives (utime, rchar...): psdelta rates it.
    case counter
    /// A per-second figure (cpu, every `*_rate`).
    case rate
}

/// The unit a field's numbers are in; it drives human formatting, axis labels and metric names.
public enum FieldUnit: String, Sendable {
    /// A plain count or a number without unit (pid, threads, minflt).
    case none
    case bytes
    case seconds
    /// Seconds since the Unix epoch.
    case epochSeconds
    /// Percent of one CPU (100 = one core busy).
    case percent
    case bytesPerSecond
    /// Events per second (minflt_rate, syscr_rate).
    case perSecond
    /// Seconds of CPU per second of time (cutime_rate): a fraction of one CPU.
    case secondsPerSecond

    /// The unit as the docs write it ("bytes", "s", "epoch s", "%", "bytes/s", "/s", "s/s", "").
    public var text: String {
        switch self {
        case .none: return ""
        case .bytes: return "bytes"
        case .seconds: return "s"
        case .epochSeconds: return "epoch s"
        case .percent: return "% of one CPU"
        case .bytesPerSecond: return "bytes/s"
        case .perSecond: return "/s"
        case .secondsPerSecond: return "s/s"
        }
    }

    /// The unit of this unit's rate (a counter's `_rate`).
    public var perSecondUnit: FieldUnit {
        switch self {
        case .bytes: return .bytesPerSecond
        case .seconds: return .secondsPerSecond
        default: return .perSecond
        }
    }
}

/// The JSON type a field's value has when it is not null.
public enum FieldType: String, Sendable {
    case number, string, array
}

/// Which tool writes a field.
public enum FieldProducer: String, Sendable {
    case pssnap, psdelta, psagg
}

public struct FieldInfo: Sendable {
    public var name: String
    public var type: FieldType
    public var kind: FieldKind
    public var unit: FieldUnit
    /// Where the value comes from, for the docs: "/proc/PID/stat field 14 / CLK_TCK".
    public var source: String
    /// pssnap's field group (`-f`), or the tool that adds the field.
    public var group: String
    public var producer: FieldProducer

    /// A counter only grows; psdelta turns it into a `<name>_rate` (utime and stime into cpu_user and cpu_sys).
    public var isCounter: Bool { kind == .counter }

    /// psagg adds it up over a group's members: gauges, counters and rates, but not a gauge whose
    /// sum means nothing (nice, prio, processor) nor psagg's own figures.
    public var isSummed: Bool {
        guard producer != .psagg else { return false }
        switch kind {
        case .counter, .rate: return true
        case .gauge: return !FieldTable.notSummedGauges.contains(name)
        default: return false
        }
    }

    /// A `--threads` record repeats it for its whole process (psagg sums it once per process).
    public var isProcessWide: Bool { FieldTable.processWide.contains(name) }
}

public enum FieldTable {
    static func f(_ name: String, _ type: FieldType, _ kind: FieldKind, _ unit: FieldUnit, _ source: String,
                  _ group: String, _ producer: FieldProducer = .pssnap) -> FieldInfo {
        FieldInfo(name: name, type: type, kind: kind, unit: unit, source: source, group: group, producer: producer)
    }

    /// pssnap's fields, in record order (a test compares this with pssnap's real output).
    public static let pssnap: [FieldInfo] = [
        f("ts", .number, .time, .epochSeconds, "clock at snapshot start, the same for the whole snapshot (ms precision)", "always"),
        f("host", .string, .label, .none, "uname node name", "--host"),
        f("pid", .number, .identity, .none, "/proc/PID/stat field 1 (the thread group id with --threads)", "stat"),
        f("ppid", .number, .identity, .none, "stat field 4", "stat"),
        f("pgid", .number, .identity, .none, "stat field 5", "stat"),
        f("sid", .number, .identity, .none, "stat field 6", "stat"),
        f("tid", .number, .identity, .none, "the task/TID directory (thread records only)", "--threads"),
        f("depth", .number, .identity, .none, "position in the tree, 0 for a root", "always"),
        f("comm", .string, .label, .none, "stat field 2, between the first '(' and the last ')'", "stat"),
        f("state", .string, .label, .none, "stat field 3 (R S D Z T t X I ...)", "stat"),
        f("tty", .string, .label, .none, "stat field 7 tty_nr as pts/N, ttyN, ttySN, console; MAJOR:MINOR for other drivers; null for none", "stat"),
        f("uid", .number, .label, .none, "/proc/PID/status Uid, the effective uid", "status"),
        f("user", .string, .label, .none, "the passwd name of uid (the decimal uid when passwd has none)", "status"),
        f("start", .number, .time, .epochSeconds, "btime (/proc/stat) + stat field 22 starttime / CLK_TCK; stable, part of the identity", "stat"),
        f("age", .number, .time, .seconds, "CLOCK_BOOTTIME when the process's stat is read − starttime / CLK_TCK", "stat"),
        f("nice", .number, .gauge, .none, "stat field 19", "stat"),
        f("prio", .number, .gauge, .none, "stat field 18, as the kernel gives it (20+nice for normal tasks, negative for real-time)", "stat"),
        f("threads", .number, .gauge, .none, "stat field 20 num_threads", "stat"),
        f("processor", .number, .gauge, .none, "stat field 39, the CPU it last ran on", "stat"),
        f("utime", .number, .counter, .seconds, "stat field 14 / CLK_TCK", "stat"),
        f("stime", .number, .counter, .seconds, "stat field 15 / CLK_TCK", "stat"),
        f("cutime", .number, .counter, .seconds, "stat field 16 / CLK_TCK: reaped children's user time", "stat"),
        f("cstime", .number, .counter, .seconds, "stat field 17 / CLK_TCK: reaped children's system time", "stat"),
        f("iowait", .number, .counter, .seconds, "stat field 42 delayacct_blkio_ticks / CLK_TCK (0 unless delay accounting is on)", "stat"),
        f("minflt", .number, .counter, .none, "stat field 10, minor page faults", "stat"),
        f("majflt", .number, .counter, .none, "stat field 12, major page faults", "stat"),
        f("vsize", .number, .gauge, .bytes, "stat field 23", "stat"),
        f("rss", .number, .gauge, .bytes, "status VmRSS, or statm resident × page size when status is not read (both exact; stat field 24, which Linux ≥ 6.2 reads from unsummed per-CPU counters, only for kernel threads and zombies, where it is 0)", "stat"),
        f("swap", .number, .gauge, .bytes, "status VmSwap", "status"),
        f("vctx", .number, .counter, .none, "status voluntary_ctxt_switches", "status"),
        f("nvctx", .number, .counter, .none, "status nonvoluntary_ctxt_switches", "status"),
        f("rchar", .number, .counter, .bytes, "/proc/PID/io rchar", "io"),
        f("wchar", .number, .counter, .bytes, "io wchar", "io"),
        f("syscr", .number, .counter, .none, "io syscr, read syscalls", "io"),
        f("syscw", .number, .counter, .none, "io syscw, write syscalls", "io"),
        f("read_bytes", .number, .counter, .bytes, "io read_bytes, from storage", "io"),
        f("write_bytes", .number, .counter, .bytes, "io write_bytes, to storage", "io"),
        f("cancelled_write_bytes", .number, .counter, .bytes, "io cancelled_write_bytes", "io"),
        f("fds", .number, .gauge, .none, "number of entries in /proc/PID/fd", "fd"),
        f("pss", .number, .gauge, .bytes, "smaps_rollup Pss", "smaps"),
        f("uss", .number, .gauge, .bytes, "smaps_rollup Private_Clean + Private_Dirty + Private_Hugetlb", "smaps"),
        f("pss_anon", .number, .gauge, .bytes, "smaps_rollup Pss_Anon", "smaps"),
        f("pss_file", .number, .gauge, .bytes, "smaps_rollup Pss_File", "smaps"),
        f("pss_shmem", .number, .gauge, .bytes, "smaps_rollup Pss_Shmem", "smaps"),
        f("tcp", .number, .gauge, .none, "fd/ socket inodes found in net/tcp and net/tcp6 of the process's own namespace, ESTABLISHED only", "net"),
        f("udp", .number, .gauge, .none, "fd/ socket inodes found in net/udp and net/udp6", "net"),
        f("unix", .number, .gauge, .none, "fd/ socket inodes found in net/unix", "net"),
        f("cgroup", .string, .label, .none, "/proc/PID/cgroup: the v2 path (0::), else the v1 memory or cpu line's path", "cgroup"),
        f("cmdline", .string, .label, .none, "/proc/PID/cmdline, arguments joined by one space (argv joined); \"\" for kernel threads and zombies; at most 128 KiB, a cut one ends with …", "cmdline"),
        f("argv", .array, .label, .none, "/proc/PID/cmdline split on NUL (each argument ends with one); at most 128 KiB, a cut one's last element ends with …", "argv"),
    ]

    /// The counters, in record order: psdelta rates them (utime and stime as cpu_user and cpu_sys).
    public static let counters: [FieldInfo] = pssnap.filter(\.isCounter)

    /// The counters that get a `<name>_rate` (all but utime and stime, which make cpu_user and cpu_sys).
    public static let ratedCounters: [FieldInfo] = counters.filter { $0.name != "utime" && $0.name != "stime" }

    /// psdelta's fields, in the order it appends them.
    public static let psdelta: [FieldInfo] = [
        f("dt", .number, .time, .seconds, "seconds between two observations of the process, from age (monotonic)", "psdelta", .psdelta),
        f("cpu", .number, .rate, .percent, "(utime + stime) rise over dt, percent of one CPU", "psdelta", .psdelta),
        f("cpu_user", .number, .rate, .percent, "utime rise over dt, percent of one CPU", "psdelta", .psdelta),
        f("cpu_sys", .number, .rate, .percent, "stime rise over dt, percent of one CPU", "psdelta", .psdelta),
    ] + ratedCounters.map {
        f($0.name + "_rate", .number, .rate, $0.unit.perSecondUnit, "\($0.name) rise over dt, per second", "psdelta", .psdelta)
    }

    /// psagg's own fields (besides the group key and the sums).
    public static let psagg: [FieldInfo] = [
        f("count", .number, .gauge, .none, "processes in the group (in the snapshot)", "psagg", .psagg),
        f("cpus", .number, .gauge, .none, "distinct processor values in the group", "psagg", .psagg),
        f("cpu_reaped", .number, .rate, .percent, "CPU of members that ended and were reaped since the previous snapshot, unseen by any snapshot", "psagg", .psagg),
    ]

    /// Every field a pstools tool writes.
    public static let all: [FieldInfo] = pssnap + psdelta + psagg

    static let notSummedGauges: Set<String> = ["nice", "prio", "processor"]

    /// What a `--threads` record carries for its whole process (/proc/PID/task/TID/stat's vsize,
    /// rss, num_threads and cutime/cstime, status's VmSwap, fd/, smaps_rollup, the sockets).
    static let processWide: Set<String> = [
        "threads", "vsize", "rss", "swap", "fds", "pss", "uss", "pss_anon", "pss_file", "pss_shmem",
        "tcp", "udp", "unix", "cutime", "cstime", "cutime_rate", "cstime_rate",
    ]

    private static let byName: [String: FieldInfo] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The field a tool knows by this name, nil for a field of the user's own.
    public static func info(_ name: String) -> FieldInfo? { byName[name] }

    /// A field's kind: the table's, else by its name (`*_rate` is a rate) and JSON type (a number
    /// is a gauge; a string, array or anything else is a label).
    public static func kind(of name: String, json: RecordValue.Kind? = nil) -> FieldKind {
        if let known = byName[name] { return known.kind }
        if name.hasSuffix("_rate") && name.utf8.count > 5 { return .rate }
        return json == .number ? .gauge : .label
    }

    /// A field's unit: the table's; a `*_rate` of a known counter is that counter's per second.
    public static func unit(of name: String) -> FieldUnit {
        if let known = byName[name] { return known.unit }
        if name.hasSuffix("_rate"), let base = byName[String(name.dropLast(5))] { return base.unit.perSecondUnit }
        return .none
    }

    /// True for a field the tools know as a number: comparing it with a word is a query error.
    public static func isNumeric(_ name: String) -> Bool {
        if let known = byName[name] { return known.type == .number }
        return name.hasSuffix("_rate")
    }

    /// Every name the shells offer where a field is expected.
    public static let names: [String] = all.map(\.name)
    /// The label fields (what `psagg -g` and series keys are made of).
    public static let labelNames: [String] = all.filter { $0.kind == .label }.map(\.name)

    /// The known field nearest to `name` by edit distance (at most a third of its length, at
    /// least 1 edit), among `candidates` (default: every known field), for "did you mean".
    public static func nearest(to name: String, among candidates: [String] = names) -> String? {
        let limit = max(1, name.count / 3)
        var best: (String, Int)? = nil
        for c in candidates where c != name {
            let d = editDistance(name, c)
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbours (`rsss` → `rss`, `cup` → `cpu`) each cost one.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], twoBack[j - 2] + 1)
                }
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }

    /// The field reference table of README.md (between its `fields` markers; a test keeps it current).
    public static var markdown: String {
        var s = "| field | kind | unit | source | group |\n|---|---|---|---|---|\n"
        for field in all {
            let cells = [field.name, field.kind.rawValue, field.unit.text, field.source, field.group].map { $0.replacingPipes() }
            s += "| `\(cells[0])` | \(cells[1]) | \(cells[2]) | \(cells[3]) | \(cells[4]) |\n"
        }
        return s
    }

    /// The FIELDS section of a man page: pssnap's fields.
    public static var roff: String {
        var s = "Fields appear in this order. A field of a group that was not asked for is absent; one that could not be read is \\fBnull\\fR, never 0. Each field's kind (time, identity, label, gauge, counter, rate) says how the other tools treat it; see \\fBpstools\\fR(7).\n"
        for field in pssnap {
            s += ".TP\n.B \(field.name)\n"
            var line = field.source
            if !field.unit.text.isEmpty { line = "(\(field.unit.text)) " + line }
            s += RoffText.plain.escape(line) + "; \(field.kind.rawValue), group \\fB" + RoffText.literal.escape(field.group) + "\\fR.\n"
        }
        return s
    }
}

private extension String {
    /// A Markdown table cell cannot hold a bare '|'.
    func replacingPipes() -> String { split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
}

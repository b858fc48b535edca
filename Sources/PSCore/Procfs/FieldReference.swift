/// Every field a pstools record can carry: its unit, where it comes from, and its group.
/// The man pages' FIELDS section is rendered from this table, and the query language uses it
/// to know which fields are numbers.
public struct FieldInfo: Sendable {
    public enum Kind: Sendable { case number, string, array }
    public var name: String
    public var kind: Kind
    public var unit: String
    public var source: String
    public var group: String
    /// A counter only grows; psdelta turns it into a `<name>_rate`.
    public var isCounter: Bool
}

public enum FieldReference {
    static func f(_ name: String, _ kind: FieldInfo.Kind, _ unit: String, _ source: String, _ group: String,
                  counter: Bool = false) -> FieldInfo {
        FieldInfo(name: name, kind: kind, unit: unit, source: source, group: group, isCounter: counter)
    }

    /// pssnap's fields, in record order.
    public static let pssnapFields: [FieldInfo] = [
        f("ts", .number, "epoch s", "clock at snapshot start, the same for the whole snapshot (ms precision)", "always"),
        f("host", .string, "", "uname node name", "--host"),
        f("pid", .number, "", "/proc/PID/stat field 1 (the thread group id with --threads)", "stat"),
        f("ppid", .number, "", "stat field 4", "stat"),
        f("pgid", .number, "", "stat field 5", "stat"),
        f("sid", .number, "", "stat field 6", "stat"),
        f("tid", .number, "", "the task/TID directory (thread records only)", "--threads"),
        f("depth", .number, "", "position in the tree, 0 for a root", "always"),
        f("comm", .string, "", "stat field 2, between the first '(' and the last ')'", "stat"),
        f("state", .string, "1 char", "stat field 3 (R S D Z T t X I ...)", "stat"),
        f("tty", .string, "", "stat field 7 tty_nr as pts/N, ttyN, ttySN, console; MAJOR:MINOR for other drivers; null for none", "stat"),
        f("uid", .number, "", "/proc/PID/status Uid, the effective uid", "status"),
        f("user", .string, "", "the passwd name of uid (the decimal uid when passwd has none)", "status"),
        f("start", .number, "epoch s", "btime (/proc/stat) + stat field 22 starttime / CLK_TCK; stable, part of the identity", "stat"),
        f("age", .number, "s", "CLOCK_BOOTTIME at snapshot start − starttime / CLK_TCK", "stat"),
        f("nice", .number, "", "stat field 19", "stat"),
        f("prio", .number, "", "stat field 18, as the kernel gives it (20+nice for normal tasks, negative for real-time)", "stat"),
        f("threads", .number, "", "stat field 20 num_threads", "stat"),
        f("processor", .number, "", "stat field 39, the CPU it last ran on", "stat"),
        f("utime", .number, "s", "stat field 14 / CLK_TCK", "stat", counter: true),
        f("stime", .number, "s", "stat field 15 / CLK_TCK", "stat", counter: true),
        f("cutime", .number, "s", "stat field 16 / CLK_TCK: reaped children's user time", "stat", counter: true),
        f("cstime", .number, "s", "stat field 17 / CLK_TCK: reaped children's system time", "stat", counter: true),
        f("iowait", .number, "s", "stat field 42 delayacct_blkio_ticks / CLK_TCK (0 unless delay accounting is on)", "stat", counter: true),
        f("minflt", .number, "", "stat field 10, minor page faults", "stat", counter: true),
        f("majflt", .number, "", "stat field 12, major page faults", "stat", counter: true),
        f("vsize", .number, "bytes", "stat field 23", "stat"),
        f("rss", .number, "bytes", "status VmRSS, or statm resident × page size when status is not read (both exact; stat field 24, which Linux ≥ 6.2 reads from unsummed per-CPU counters, only for kernel threads and zombies, where it is 0)", "stat"),
        f("swap", .number, "bytes", "status VmSwap", "status"),
        f("vctx", .number, "", "status voluntary_ctxt_switches", "status", counter: true),
        f("nvctx", .number, "", "status nonvoluntary_ctxt_switches", "status", counter: true),
        f("rchar", .number, "bytes", "/proc/PID/io rchar", "io", counter: true),
        f("wchar", .number, "bytes", "io wchar", "io", counter: true),
        f("syscr", .number, "", "io syscr, read syscalls", "io", counter: true),
        f("syscw", .number, "", "io syscw, write syscalls", "io", counter: true),
        f("read_bytes", .number, "bytes", "io read_bytes, from storage", "io", counter: true),
        f("write_bytes", .number, "bytes", "io write_bytes, to storage", "io", counter: true),
        f("cancelled_write_bytes", .number, "bytes", "io cancelled_write_bytes", "io", counter: true),
        f("fds", .number, "", "number of entries in /proc/PID/fd", "fd"),
        f("pss", .number, "bytes", "smaps_rollup Pss", "smaps"),
        f("uss", .number, "bytes", "smaps_rollup Private_Clean + Private_Dirty + Private_Hugetlb", "smaps"),
        f("pss_anon", .number, "bytes", "smaps_rollup Pss_Anon", "smaps"),
        f("pss_file", .number, "bytes", "smaps_rollup Pss_File", "smaps"),
        f("pss_shmem", .number, "bytes", "smaps_rollup Pss_Shmem", "smaps"),
        f("tcp", .number, "", "fd/ socket inodes found in net/tcp and net/tcp6 of the process's own namespace, ESTABLISHED only", "net"),
        f("udp", .number, "", "fd/ socket inodes found in net/udp and net/udp6", "net"),
        f("unix", .number, "", "fd/ socket inodes found in net/unix", "net"),
        f("cgroup", .string, "", "/proc/PID/cgroup: the v2 path (0::), else the v1 memory or cpu line's path", "cgroup"),
        f("cmdline", .string, "", "/proc/PID/cmdline, arguments joined by one space; \"\" for kernel threads and zombies", "cmdline"),
        f("argv", .array, "", "/proc/PID/cmdline split on NUL", "argv"),
    ]

    public static func info(_ name: String) -> FieldInfo? { pssnapFields.first { $0.name == name } }

    /// The field reference table of README.md (between its `fields` markers; a test keeps it current).
    public static var markdown: String {
        var s = "| field | unit | source | group |\n|---|---|---|---|\n"
        for field in pssnapFields {
            let cells = [field.name, field.unit, field.source, field.group].map { $0.replacingPipes() }
            s += "| `\(cells[0])` | \(cells[1]) | \(cells[2]) | \(cells[3]) |\n"
        }
        return s
    }

    /// The FIELDS section of a man page.
    public static var roff: String {
        var s = "Fields appear in this order. A field of a group that was not asked for is absent; one that could not be read is \\fBnull\\fR, never 0.\n"
        for field in pssnapFields {
            s += ".TP\n.B \(field.name)\n"
            var line = field.source
            if !field.unit.isEmpty { line = "(\(field.unit)) " + line }
            s += RoffText.plain.escape(line) + "; group \\fB" + RoffText.literal.escape(field.group) + "\\fR.\n"
        }
        return s
    }
}


private extension String {
    /// A Markdown table cell cannot hold a bare '|'.
    func replacingPipes() -> String { split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
}

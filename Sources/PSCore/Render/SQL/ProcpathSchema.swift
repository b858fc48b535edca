#if canImport(Glibc)
import Glibc
#endif

/// Procpath's recording schema (procpath record -f stat,cmdline,io,status,fd,smaps_rollup), so
/// that `procpath plot` and its SQL queries run on a pstools recording: the `record` table with
/// Procpath's column names and units (stat_rss in pages, stat_utime in clock ticks, status and
/// smaps_rollup sizes in KiB), and the `meta` table its queries read (page_size, clock_ticks,
/// procfile_list). Fields Procpath has no column for (start, age, user, cpu, the rates...) keep
/// their pstools names and units in columns of their own.
struct ProcpathSchema {
    struct Target {
        let column: String
        let transform: SQLWriter.Transform
    }

    let pageSize: Int64
    let clockTicks: Int64
    /// The first record's field names: which of Procpath's procfiles the recording fills.
    var fieldNames: Set<String> = []
    var host: String? = nil

    init(pageSize: Int64 = Int64(sysconf(Int32(_SC_PAGESIZE))), clockTicks: Int64 = Int64(sysconf(Int32(_SC_CLK_TCK)))) {
        self.pageSize = pageSize > 0 ? pageSize : 4096
        self.clockTicks = clockTicks > 0 ? clockTicks : 100
    }

    /// Procpath's columns, in its order (record_id and ts first, filled apart).
    static let columnText = """
        record_id INTEGER ts REAL cmdline TEXT
        fd_anon INTEGER fd_dir INTEGER fd_chr INTEGER fd_blk INTEGER fd_reg INTEGER fd_fifo INTEGER fd_lnk INTEGER fd_sock INTEGER
        io_rchar INTEGER io_wchar INTEGER io_syscr INTEGER io_syscw INTEGER io_read_bytes INTEGER io_write_bytes INTEGER io_cancelled_write_bytes INTEGER
        smaps_rollup_rss INTEGER smaps_rollup_pss INTEGER smaps_rollup_shared_clean INTEGER smaps_rollup_shared_dirty INTEGER
        smaps_rollup_private_clean INTEGER smaps_rollup_private_dirty INTEGER smaps_rollup_referenced INTEGER smaps_rollup_anonymous INTEGER
        smaps_rollup_lazyfree INTEGER smaps_rollup_anonhugepages INTEGER smaps_rollup_shmempmdmapped INTEGER smaps_rollup_shared_hugetlb INTEGER
        smaps_rollup_private_hugetlb INTEGER smaps_rollup_swap INTEGER smaps_rollup_swappss INTEGER smaps_rollup_locked INTEGER
        stat_pid INTEGER stat_comm TEXT stat_state TEXT stat_ppid INTEGER stat_pgrp INTEGER stat_session INTEGER stat_tty_nr INTEGER
        stat_tpgid INTEGER stat_flags INTEGER stat_minflt INTEGER stat_cminflt INTEGER stat_majflt INTEGER stat_cmajflt INTEGER
        stat_utime INTEGER stat_stime INTEGER stat_cutime INTEGER stat_cstime INTEGER stat_priority INTEGER stat_nice INTEGER
        stat_num_threads INTEGER stat_itrealvalue INTEGER stat_starttime INTEGER stat_vsize INTEGER stat_rss INTEGER
        stat_delayacct_blkio_ticks INTEGER stat_guest_time INTEGER stat_cguest_time INTEGER
        status_name TEXT status_umask INTEGER status_state TEXT status_tgid INTEGER status_ngid INTEGER status_pid INTEGER
        status_ppid INTEGER status_tracerpid INTEGER status_uid TEXT status_gid TEXT status_fdsize INTEGER status_groups TEXT
        status_nstgid TEXT status_nspid TEXT status_nspgid TEXT status_nssid TEXT status_vmpeak INTEGER status_vmsize INTEGER
        status_vmlck INTEGER status_vmpin INTEGER status_vmhwm INTEGER status_vmrss INTEGER status_rssanon INTEGER
        status_rssfile INTEGER status_rssshmem INTEGER status_vmdata INTEGER status_vmstk INTEGER status_vmexe INTEGER
        status_vmlib INTEGER status_vmpte INTEGER status_vmpmd INTEGER status_vmswap INTEGER status_hugetlbpages INTEGER
        status_coredumping INTEGER status_threads INTEGER status_sigq TEXT status_sigpnd INTEGER status_shdpnd INTEGER
        status_sigblk INTEGER status_sigign INTEGER status_sigcgt INTEGER status_capinh INTEGER status_capprm INTEGER
        status_capeff INTEGER status_capbnd INTEGER status_capamb INTEGER status_nonewprivs INTEGER status_seccomp INTEGER
        status_speculation_store_bypass TEXT status_cpus_allowed TEXT status_cpus_allowed_list TEXT status_mems_allowed TEXT
        status_mems_allowed_list TEXT status_voluntary_ctxt_switches INTEGER status_nonvoluntary_ctxt_switches INTEGER
        """

    /// (name, type, written by pssql): record_id is the database's.
    var columns: [(String, SQLType, Bool)] {
        let words: [String] = Self.columnText.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        var result: [(String, SQLType, Bool)] = []
        var i = 0
        while i + 1 < words.count {
            let type: SQLType
            switch words[i + 1] {
            case "TEXT": type = .text
            case "REAL": type = .real
            default: type = .integer
            }
            result.append((words[i], type, words[i] != "record_id"))
            i += 2
        }
        return result
    }

    /// Where a pstools field goes in Procpath's table; nil for a field Procpath has no column for
    /// (it keeps its own name). With --threads records (`tid`), stat_pid is the thread's id, as
    /// in Procpath's thread target.
    func targets(_ field: String, threads: Bool) -> [Target]? {
        let ticks = SQLWriter.Transform.ticks(Double(clockTicks))
        let kib = SQLWriter.Transform.divide(1024)
        func t(_ columns: String..., as transform: SQLWriter.Transform = .none) -> [Target] {
            columns.map { Target(column: $0, transform: transform) }
        }
        switch field {
        case "ts": return t("ts")
        case "pid": return threads ? t("status_tgid") : t("stat_pid", "status_pid", "status_tgid")
        case "tid": return threads ? t("stat_pid", "status_pid") : nil
        case "ppid": return t("stat_ppid", "status_ppid")
        case "pgid": return t("stat_pgrp")
        case "sid": return t("stat_session")
        case "comm": return t("stat_comm", "status_name")
        case "state": return t("stat_state", "status_state")
        case "tty": return t("stat_tty_nr", as: .ttyNumber)
        case "minflt": return t("stat_minflt")
        case "majflt": return t("stat_majflt")
        case "utime": return t("stat_utime", as: ticks)
        case "stime": return t("stat_stime", as: ticks)
        case "cutime": return t("stat_cutime", as: ticks)
        case "cstime": return t("stat_cstime", as: ticks)
        case "iowait": return t("stat_delayacct_blkio_ticks", as: ticks)
        case "prio": return t("stat_priority")
        case "nice": return t("stat_nice")
        case "threads": return t("stat_num_threads", "status_threads")
        case "vsize": return t("stat_vsize") + t("status_vmsize", as: kib)
        case "rss": return t("stat_rss", as: .divide(pageSize)) + t("status_vmrss", as: kib)
        case "swap": return t("status_vmswap", "smaps_rollup_swap", as: kib)
        case "pss": return t("smaps_rollup_pss", as: kib)
        case "vctx": return t("status_voluntary_ctxt_switches")
        case "nvctx": return t("status_nonvoluntary_ctxt_switches")
        case "rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes", "cancelled_write_bytes": return t("io_" + field)
        case "cmdline": return t("cmdline")
        default: return nil
        }
    }

    /// Procpath's procfiles the recording fills, for its queries' "requires" checks.
    var procfiles: [String] {
        var list = ["stat"]
        if fieldNames.contains("cmdline") { list.append("cmdline") }
        if fieldNames.contains("rchar") || fieldNames.contains("read_bytes") { list.append("io") }
        if fieldNames.contains("vctx") || fieldNames.contains("swap") { list.append("status") }
        if fieldNames.contains("pss") { list.append("smaps_rollup") }
        return list
    }

    func writeMeta(dialect: SQLDialect, to out: OutputBuffer) {
        out.append("CREATE TABLE IF NOT EXISTS \"meta\" (\n  \"key\" TEXT PRIMARY KEY NOT NULL,\n  \"value\" TEXT NOT NULL\n);\n")
        var rows: [(String, String)] = [
            ("page_size", String(pageSize)),
            ("clock_ticks", String(clockTicks)),
            ("procfile_list", "[" + procfiles.map { "\"\($0)\"" }.joined(separator: ", ") + "]"),
            ("procfs_path", "/proc"),
            ("procfs_target", fieldNames.contains("tid") ? "thread" : "process"),
            ("physical_pages", String(max(0, sysconf(Int32(_SC_PHYS_PAGES))))),
            ("cpu_count", String(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))),
            ("pstools_version", ToolSpec.version),
        ]
        if let host { rows.append(("platform_node", host)) }
        out.append("REPLACE INTO \"meta\" (\"key\", \"value\") VALUES\n")
        for (i, (key, value)) in rows.enumerated() {
            out.append(i == 0 ? "(" : ",\n(")
            SQLText.appendLiteral(key, dialect: dialect, to: out)
            out.append(", ")
            SQLText.appendLiteral(value, dialect: dialect, to: out)
            out.append(")")
        }
        out.append(";\n")
    }

    /// stat's tty_nr for pssnap's terminal name (the inverse of its naming), nil if unknown.
    static func ttyNumber(_ name: String) -> Int64? {
        func number(major: Int64, minor: Int64) -> Int64 { (minor & 0xFF) | (major << 8) | ((minor & ~0xFF) << 12) }
        if name.hasPrefix("pts/"), let n = Int64(name.dropFirst(4)), n >= 0, n < 8 * 256 { return number(major: 136 + n / 256, minor: n % 256) }
        if name.hasPrefix("ttyS"), let n = Int64(name.dropFirst(4)), n >= 0, n < 192 { return number(major: 4, minor: 64 + n) }
        if name.hasPrefix("tty"), let n = Int64(name.dropFirst(3)), n >= 0, n < 64 { return number(major: 4, minor: n) }
        switch name {
        case "tty": return number(major: 5, minor: 0)
        case "console": return number(major: 5, minor: 1)
        case "ptmx": return number(major: 5, minor: 2)
        default: break
        }
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, let major = Int64(parts[0]), let minor = Int64(parts[1]), major >= 0, major < 4096, minor >= 0, minor < 1 << 20 {
            return number(major: major, minor: minor)
        }
        return nil
    }
}

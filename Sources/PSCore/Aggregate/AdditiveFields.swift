/// Which numeric fields psagg sums, and in what order it writes them.
///
/// Additive: a quantity whose sum over processes means something. pssnap's memory sizes (rss,
/// vsize, swap, pss, uss, pss_*), counts (threads, fds, tcp, udp, unix) and counters (utime ...
/// cancelled_write_bytes), and psdelta's cpu, cpu_user, cpu_sys and `*_rate` fields. Not summed:
/// identity, position and time fields (pid, ppid, pgid, sid, tid, depth, uid, start, age, nice,
/// prio, processor, ts, dt), strings and arrays. A numeric field psagg does not know is not
/// summed unless its name ends in `_rate` (a rate added by a later tool adds up like the others).
public enum AdditiveFields {
    /// Numbers that identify, place or time a process: adding them up means nothing.
    /// What a `--threads` record carries for its whole process (/proc/PID/task/TID/stat's vsize,
    /// rss, num_threads and cutime/cstime, status's VmSwap, fd/, smaps_rollup, the sockets):
    /// summed once per process. Everything else a thread record holds is the thread's own.
    public static let processWide: Set<String> = [
        "threads", "vsize", "rss", "swap", "fds", "pss", "uss", "pss_anon", "pss_file", "pss_shmem",
        "tcp", "udp", "unix", "cutime", "cstime", "cutime_rate", "cstime_rate",
    ]

    public static let notSummed: Set<String> = [
        "ts", "pid", "ppid", "pgid", "sid", "tid", "depth", "uid", "start", "age", "nice", "prio", "processor", "dt",
    ]

    /// Every additive field psagg knows, in the order it writes their sums: pssnap's in record
    /// order (SPEC §1), then psdelta's (cpu, cpu_user, cpu_sys, then the rates in counter order).
    public static let knownOrder: [String] = {
        let pssnap = FieldReference.pssnapFields.filter { $0.kind == .number && !notSummed.contains($0.name) }.map(\.name)
        let rates = FieldReference.pssnapFields.filter { $0.isCounter && $0.name != "utime" && $0.name != "stime" }
            .map { $0.name + "_rate" }
        return pssnap + ["cpu", "cpu_user", "cpu_sys"] + rates
    }()

    static let rankOfKnown: [String: Int] = Dictionary(uniqueKeysWithValues: knownOrder.enumerated().map { ($1, $0) })

    /// The place of a field in the output, or nil when it is not summed. Unknown `_rate` fields
    /// come after every known one, in the order they were first seen (`firstSeen`).
    public static func rank(of name: String, firstSeen: Int) -> Int? {
        if let known = rankOfKnown[name] { return known }
        if name.hasSuffix("_rate") && name.utf8.count > 5 { return knownOrder.count + firstSeen }
        return nil
    }
}

/// Writes ProcessSamples as pssnap records: the stream's fields, in their order, in their units.
///
/// Every record it writes is bounded, so every tool can read it back (a process cannot hide by
/// making its record too long): cmdline and argv hold at most `cmdlineLimit` bytes of
/// /proc/PID/cmdline, comm and cgroup at most `stringLimit`; a cut value ends in `…`. Every number
/// must fit a signed 64-bit integer in the record's unit (bytes, ms): one that does not is written
/// as null and listed in `outOfRange`, never as another number.
public final class RecordWriter {
    public let groups: FieldGroups
    public let threads: Bool
    let host: [UInt8]?
    let pageSize: Int64
    let hz: Int64
    let btimeMs: Int64?
    let users: UserNames
    private var ttyNames: [Int64: [UInt8]] = [:]

    /// How much of /proc/PID/cmdline a record holds (cmdline and argv alike): 128 KiB, the
    /// kernel's limit for one argument (MAX_ARG_STRLEN).
    public static let cmdlineLimit = 128 * 1024
    /// How much of comm and cgroup a record holds (the kernel's are far shorter; a fake tree's need not be).
    public static let stringLimit = 4096
    /// What ends a value that was cut: U+2026 HORIZONTAL ELLIPSIS.
    static let cutMark: [UInt8] = [0xE2, 0x80, 0xA6]
    /// The longest record the writer can produce, escapes included (each byte of a string can take
    /// up to 6 as `\u00XX`): well under every tool's line limit.
    public static let maxRecordBytes = 2 * 6 * (cmdlineLimit + 8) + 2 * 6 * (stringLimit + 8) + 6 * 256 + 4096

    /// A field written as null because its number was out of range.
    public struct OutOfRangeField: Equatable {
        public var pid: Int32
        public var tid: Int32?
        public var field: String
        public var file: String
    }
    /// Fields written as null for being out of range since the caller last emptied this.
    public var outOfRange: [OutOfRangeField] = []

    public init(groups: FieldGroups, threads: Bool, host: String?, environment: SystemEnvironment, btimeMs: Int64?) {
        self.groups = groups
        self.threads = threads
        self.host = host.map { Array($0.utf8) }
        pageSize = environment.pageSize
        hz = max(1, environment.clockTicks)
        self.btimeMs = btimeMs
        users = UserNames(path: environment.passwdPath)
    }

    /// Clock ticks to milliseconds; nil when that does not fit.
    @inline(__always) func ms(_ ticks: UInt64) -> Int64? {
        guard ticks <= UInt64(Int64.max / 1000) else { return nil }
        return Int64(ticks) * 1000 / hz
    }

    @inline(__always) func ms(_ ticks: Int64) -> Int64? {
        let (t, overflow) = ticks.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : t / hz
    }

    /// The longest prefix of `bytes`, at most `limit` long, that does not end inside a UTF-8 sequence.
    static func utf8Boundary(_ bytes: UnsafeBufferPointer<UInt8>, atMost limit: Int) -> Int {
        guard bytes.count > limit else { return bytes.count }
        var n = limit
        // Back over continuation bytes (at most 3) to the start of the sequence the cut falls in.
        var back = 0
        while n > 0, back < 3, bytes[n] & 0xC0 == 0x80 { n -= 1; back += 1 }
        return bytes[n] & 0xC0 == 0x80 ? limit : n
    }

    private func report(_ s: ProcessSample, _ field: String, _ file: String) {
        outOfRange.append(OutOfRangeField(pid: s.pid, tid: s.tid, field: field, file: file))
    }

    public func write(_ s: ProcessSample, depth: Int, realtimeMs: Int64, boottimeMs: Int64, to out: OutputBuffer) {
        out.append("{\"ts\":")
        out.appendScaled(realtimeMs, scale: 3)
        if let host {
            out.append(",\"host\":")
            host.withUnsafeBufferPointer { out.appendJSONString($0) }
        }
        out.append(",\"pid\":"); out.appendDecimal(s.pid)
        out.append(",\"ppid\":"); out.appendDecimal(s.ppid)
        out.append(",\"pgid\":"); out.appendDecimal(s.pgid)
        out.append(",\"sid\":"); out.appendDecimal(s.sid)
        if threads {
            out.append(",\"tid\":"); out.appendDecimal(s.tid ?? s.pid)
        }
        out.append(",\"depth\":"); out.appendDecimal(depth)
        out.append(",\"comm\":"); appendBounded(s.comm, Self.stringLimit, out)
        out.append(",\"state\":")
        var state = s.state
        withUnsafeBytes(of: &state) { out.appendJSONString($0.bindMemory(to: UInt8.self)) }
        out.append(",\"tty\":")
        if s.ttyNr == 0 {
            out.append("null")
        } else {
            if ttyNames[s.ttyNr] == nil { ttyNames[s.ttyNr] = Array(TTYName.name(s.ttyNr)!.utf8) }
            ttyNames[s.ttyNr]!.withUnsafeBufferPointer { out.appendJSONString($0) }
        }
        if groups.contains(.status) {
            out.append(",\"uid\":")
            if let uid = s.uid {
                out.appendDecimal(UInt64(uid))
                out.append(",\"user\":")
                users.name(for: uid).withUnsafeBufferPointer { out.appendJSONString($0) }
            } else {
                if s.outOfRange.contains(.uid) { report(s, "uid", "status") }
                out.append("null,\"user\":null")
            }
        }
        // start is the identity: btime + starttime; age runs from starttime to the stat's reading.
        let startMs = ms(s.startTicks)
        out.append(",\"start\":")
        if let startMs, let b = btimeMs, case (let v, false) = b.addingReportingOverflow(startMs) {
            out.appendScaled(v, scale: 3)
        } else {
            if btimeMs != nil { report(s, "start", "stat") }
            out.append("null")
        }
        out.append(",\"age\":")
        if let startMs {
            out.appendScaled(max(0, (s.statReadBoottimeMs ?? boottimeMs) - startMs), scale: 3)
        } else {
            report(s, "age", "stat")
            out.append("null")
        }
        out.append(",\"nice\":"); out.appendDecimal(s.nice)
        out.append(",\"prio\":"); out.appendDecimal(s.priority)
        out.append(",\"threads\":"); out.appendDecimal(s.threads)
        out.append(",\"processor\":"); appendOptional(s.processor, out)
        out.append(",\"utime\":"); appendSeconds(ms(s.utime), s, "utime", out)
        out.append(",\"stime\":"); appendSeconds(ms(s.stime), s, "stime", out)
        out.append(",\"cutime\":"); appendSeconds(ms(s.cutime), s, "cutime", out)
        out.append(",\"cstime\":"); appendSeconds(ms(s.cstime), s, "cstime", out)
        out.append(",\"iowait\":")
        if let w = s.iowaitTicks { appendSeconds(ms(w), s, "iowait", out) } else { out.append("null") }
        out.append(",\"minflt\":"); appendCount(s.minflt, s, "minflt", "stat", out)
        out.append(",\"majflt\":"); appendCount(s.majflt, s, "majflt", "stat", out)
        out.append(",\"vsize\":"); appendCount(s.vsize, s, "vsize", "stat", out)
        out.append(",\"rss\":")
        if s.outOfRange.contains(.rss) {
            report(s, "rss", groups.contains(.status) ? "status" : "statm")
            out.append("null")
        } else if let bytes = s.residentBytes {
            out.appendDecimal(bytes)
        } else if case (let bytes, false) = s.rssPages.multipliedReportingOverflow(by: pageSize), bytes >= 0 {
            out.appendDecimal(bytes)
        } else {
            report(s, "rss", "stat")
            out.append("null")
        }
        if groups.contains(.status) {
            out.append(",\"swap\":"); appendKiB(s.swapKiB, .swap, s, "swap", "status", out)
            out.append(",\"vctx\":"); appendCount(s.voluntarySwitches, .vctx, s, "vctx", "status", out)
            out.append(",\"nvctx\":"); appendCount(s.involuntarySwitches, .nvctx, s, "nvctx", "status", out)
        }
        if groups.contains(.io) {
            if let io = s.io {
                out.append(",\"rchar\":"); appendCount(io.rchar, s, "rchar", "io", out)
                out.append(",\"wchar\":"); appendCount(io.wchar, s, "wchar", "io", out)
                out.append(",\"syscr\":"); appendCount(io.syscr, s, "syscr", "io", out)
                out.append(",\"syscw\":"); appendCount(io.syscw, s, "syscw", "io", out)
                out.append(",\"read_bytes\":"); appendCount(io.readBytes, s, "read_bytes", "io", out)
                out.append(",\"write_bytes\":"); appendCount(io.writeBytes, s, "write_bytes", "io", out)
                out.append(",\"cancelled_write_bytes\":"); appendCount(io.cancelledWriteBytes, s, "cancelled_write_bytes", "io", out)
            } else {
                if s.outOfRange.contains(.io) { report(s, "rchar..cancelled_write_bytes", "io") }
                out.append(",\"rchar\":null,\"wchar\":null,\"syscr\":null,\"syscw\":null,\"read_bytes\":null,\"write_bytes\":null,\"cancelled_write_bytes\":null")
            }
        }
        if groups.contains(.fd) {
            out.append(",\"fds\":"); appendOptional(s.fds, out)
        }
        if groups.contains(.smaps) {
            let m = s.smaps
            out.append(",\"pss\":"); appendKiB(m?.pss, .pss, s, "pss", "smaps_rollup", out)
            out.append(",\"uss\":"); appendKiB(m?.uss, .uss, s, "uss", "smaps_rollup", out)
            out.append(",\"pss_anon\":"); appendKiB(m?.pssAnon, .pssAnon, s, "pss_anon", "smaps_rollup", out)
            out.append(",\"pss_file\":"); appendKiB(m?.pssFile, .pssFile, s, "pss_file", "smaps_rollup", out)
            out.append(",\"pss_shmem\":"); appendKiB(m?.pssShmem, .pssShmem, s, "pss_shmem", "smaps_rollup", out)
        }
        if groups.contains(.net) {
            if let n = s.sockets {
                out.append(",\"tcp\":"); out.appendDecimal(n.tcp)
                out.append(",\"udp\":"); out.appendDecimal(n.udp)
                out.append(",\"unix\":"); out.appendDecimal(n.unix)
            } else {
                out.append(",\"tcp\":null,\"udp\":null,\"unix\":null")
            }
        }
        if groups.contains(.cgroup) {
            out.append(",\"cgroup\":")
            if let c = s.cgroup { appendBounded(c, Self.stringLimit, out) } else { out.append("null") }
        }
        if groups.contains(.cmdline) {
            out.append(",\"cmdline\":")
            if let c = s.cmdline { appendCmdline(c, cut: s.cmdlineCut, out) } else { out.append("null") }
        }
        if groups.contains(.argv) {
            out.append(",\"argv\":")
            if let c = s.cmdline { appendArgv(c, cut: s.cmdlineCut, out) } else { out.append("null") }
        }
        out.append("}\n")
    }

    @inline(__always) func appendOptional<T: BinaryInteger>(_ v: T?, _ out: OutputBuffer) {
        if let v { out.appendDecimal(Int64(truncatingIfNeeded: v)) } else { out.append("null") }
    }

    @inline(__always) func appendSeconds(_ ms: Int64?, _ s: ProcessSample, _ field: String, _ out: OutputBuffer) {
        if let ms { out.appendScaled(ms, scale: 3) } else { report(s, field, "stat"); out.append("null") }
    }

    /// A count or byte figure that must fit a signed 64-bit integer.
    @inline(__always) func appendCount(_ v: UInt64, _ s: ProcessSample, _ field: String, _ file: String, _ out: OutputBuffer) {
        if v <= UInt64(Int64.max) { out.appendDecimal(v) } else { report(s, field, file); out.append("null") }
    }

    @inline(__always) func appendCount(_ v: UInt64?, _ flag: OutOfRange, _ s: ProcessSample, _ field: String, _ file: String, _ out: OutputBuffer) {
        if let v { appendCount(v, s, field, file, out); return }
        if s.outOfRange.contains(flag) { report(s, field, file) }
        out.append("null")
    }

    @inline(__always) func appendKiB(_ v: UInt64?, _ flag: OutOfRange, _ s: ProcessSample, _ field: String, _ file: String, _ out: OutputBuffer) {
        if let v, v <= UInt64(Int64.max / 1024) { out.appendDecimal(v * 1024); return }
        if v != nil || s.outOfRange.contains(flag) { report(s, field, file) }
        out.append("null")
    }

    /// A string cut at `limit` bytes (on a UTF-8 boundary) and marked with `…` when longer.
    func appendBounded(_ raw: [UInt8], _ limit: Int, _ out: OutputBuffer) {
        raw.withUnsafeBufferPointer { b in
            guard b.count > limit else { out.appendJSONString(b); return }
            var cut = [UInt8](UnsafeBufferPointer(rebasing: b[0..<Self.utf8Boundary(b, atMost: limit)]))
            cut.append(contentsOf: Self.cutMark)
            cut.withUnsafeBufferPointer { out.appendJSONString($0) }
        }
    }

    /// The arguments of /proc/PID/cmdline. Each argument ends with a NUL (proc(5)): exactly one
    /// trailing NUL is the last argument's end, and any NUL before it ends an argument, empty ones
    /// included, so argv ["a", "b", ""] ("a\0b\0\0") stays three arguments. A process that
    /// overwrote its argument area may leave no final NUL: then the last argument simply runs to
    /// the end. `cut`: the bytes end where pssnap's limit cut them, not with an argument.
    @inline(__always) func argumentBytes(_ b: UnsafeBufferPointer<UInt8>, cut: Bool) -> Int {
        !cut && b.count > 0 && b[b.count - 1] == 0 ? b.count - 1 : b.count
    }

    /// The arguments joined by one space (argv's elements, exactly, so cmdline == argv.join(" ")),
    /// with `…` at the end when cut.
    func appendCmdline(_ raw: [UInt8], cut: Bool, _ out: OutputBuffer) {
        raw.withUnsafeBufferPointer { b in
            let n = argumentBytes(b, cut: cut)
            if !cut && memchrNUL(b, n) == nil {
                out.appendJSONString(UnsafeBufferPointer(rebasing: b[0..<n]))
                return
            }
            var joined = [UInt8](UnsafeBufferPointer(rebasing: b[0..<n]))
            for i in 0..<n where joined[i] == 0 { joined[i] = 0x20 }
            if cut { joined.append(contentsOf: Self.cutMark) }
            joined.withUnsafeBufferPointer { out.appendJSONString($0) }
        }
    }

    /// The arguments as an array; when cut, the last one ends with `…`.
    func appendArgv(_ raw: [UInt8], cut: Bool, _ out: OutputBuffer) {
        raw.withUnsafeBufferPointer { b in
            let n = argumentBytes(b, cut: cut)
            out.append(0x5B)
            if b.count > 0 {
                var start = 0
                var first = true
                for i in 0...n where i == n || b[i] == 0 {
                    if !first { out.append(0x2C) }
                    first = false
                    if i == n && cut {
                        var last = [UInt8](UnsafeBufferPointer(rebasing: b[start..<i]))
                        last.append(contentsOf: Self.cutMark)
                        last.withUnsafeBufferPointer { out.appendJSONString($0) }
                    } else {
                        out.appendJSONString(UnsafeBufferPointer(rebasing: b[start..<i]))
                    }
                    start = i + 1
                }
            }
            out.append(0x5D)
        }
    }

    @inline(__always) func memchrNUL(_ b: UnsafeBufferPointer<UInt8>, _ n: Int) -> Int? {
        for i in 0..<n where b[i] == 0 { return i }
        return nil
    }

    /// Writes a whole snapshot in tree order (threads of a process follow one another in tid order).
    public func write(_ snapshot: Snapshot, to out: OutputBuffer) throws(OutputError) {
        for (i, depth) in treeOrder(snapshot.tasks) {
            write(snapshot.tasks[i].sample, depth: depth, realtimeMs: snapshot.realtimeMs, boottimeMs: snapshot.boottimeMs, to: out)
            try out.flushIfFull()
        }
    }

    /// The order records are written in, with each one's depth: preorder of the process tree,
    /// and with threads, the tasks of one pid (adjacent and in tid order) where the process stands.
    public func treeOrder(_ tasks: [TaskHandle]) -> [(index: Int, depth: Int)] {
        guard !tasks.isEmpty else { return [] }
        if !threads {
            let tree = ProcessTree(pids: tasks.map(\.sample.pid), ppids: tasks.map(\.sample.ppid))
            return tree.order.map { ($0, tree.depth[$0]) }
        }
        // Threads: the tree is over processes.
        var groupStart: [Int] = []
        for i in tasks.indices where i == 0 || tasks[i].pid != tasks[i - 1].pid { groupStart.append(i) }
        let tree = ProcessTree(pids: groupStart.map { tasks[$0].pid }, ppids: groupStart.map { tasks[$0].sample.ppid })
        var order: [(index: Int, depth: Int)] = []
        order.reserveCapacity(tasks.count)
        for g in tree.order {
            let end = g + 1 < groupStart.count ? groupStart[g + 1] : tasks.count
            for i in groupStart[g]..<end { order.append((i, tree.depth[g])) }
        }
        return order
    }
}

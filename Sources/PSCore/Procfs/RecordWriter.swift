/// Writes ProcessSamples as pssnap records: the stream's fields (FieldTable), in its order, in its units.
public final class RecordWriter {
    public let groups: FieldGroups
    public let threads: Bool
    let host: [UInt8]?
    let pageSize: Int64
    let hz: Int64
    let btimeMs: Int64
    let users: UserNames
    private var ttyNames: [Int64: [UInt8]] = [:]

    public init(groups: FieldGroups, threads: Bool, host: String?, environment: SystemEnvironment, btimeMs: Int64) {
        self.groups = groups
        self.threads = threads
        self.host = host.map { Array($0.utf8) }
        pageSize = environment.pageSize
        hz = max(1, environment.clockTicks)
        self.btimeMs = btimeMs
        users = UserNames(path: environment.passwdPath)
    }

    /// Clock ticks to milliseconds.
    @inline(__always) func ms<T: BinaryInteger>(_ ticks: T) -> Int64 {
        let t = Int64(truncatingIfNeeded: ticks)
        return t.multipliedReportingOverflow(by: 1000).overflow ? Int64.max / 1000 : t * 1000 / hz
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
        out.append(",\"comm\":"); s.comm.withUnsafeBufferPointer { out.appendJSONString($0) }
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
                out.append("null,\"user\":null")
            }
        }
        let startMs = ms(s.startTicks)
        out.append(",\"start\":"); out.appendScaled(btimeMs + startMs, scale: 3)
        out.append(",\"age\":"); out.appendScaled(max(0, boottimeMs - startMs), scale: 3)
        out.append(",\"nice\":"); out.appendDecimal(s.nice)
        out.append(",\"prio\":"); out.appendDecimal(s.priority)
        out.append(",\"threads\":"); out.appendDecimal(s.threads)
        out.append(",\"processor\":"); appendOptional(s.processor, out)
        out.append(",\"utime\":"); out.appendScaled(ms(s.utime), scale: 3)
        out.append(",\"stime\":"); out.appendScaled(ms(s.stime), scale: 3)
        out.append(",\"cutime\":"); out.appendScaled(ms(s.cutime), scale: 3)
        out.append(",\"cstime\":"); out.appendScaled(ms(s.cstime), scale: 3)
        out.append(",\"iowait\":")
        if let w = s.iowaitTicks { out.appendScaled(ms(w), scale: 3) } else { out.append("null") }
        out.append(",\"minflt\":"); out.appendDecimal(s.minflt)
        out.append(",\"majflt\":"); out.appendDecimal(s.majflt)
        out.append(",\"vsize\":"); out.appendDecimal(s.vsize)
        out.append(",\"rss\":"); out.appendDecimal(s.residentBytes ?? s.rssPages.multipliedReportingOverflow(by: pageSize).partialValue)
        if groups.contains(.status) {
            out.append(",\"swap\":"); appendKiB(s.swapKiB, out)
            out.append(",\"vctx\":"); appendOptional(s.voluntarySwitches, out)
            out.append(",\"nvctx\":"); appendOptional(s.involuntarySwitches, out)
        }
        if groups.contains(.io) {
            if let io = s.io {
                out.append(",\"rchar\":"); out.appendDecimal(io.rchar)
                out.append(",\"wchar\":"); out.appendDecimal(io.wchar)
                out.append(",\"syscr\":"); out.appendDecimal(io.syscr)
                out.append(",\"syscw\":"); out.appendDecimal(io.syscw)
                out.append(",\"read_bytes\":"); out.appendDecimal(io.readBytes)
                out.append(",\"write_bytes\":"); out.appendDecimal(io.writeBytes)
                out.append(",\"cancelled_write_bytes\":"); out.appendDecimal(io.cancelledWriteBytes)
            } else {
                out.append(",\"rchar\":null,\"wchar\":null,\"syscr\":null,\"syscw\":null,\"read_bytes\":null,\"write_bytes\":null,\"cancelled_write_bytes\":null")
            }
        }
        if groups.contains(.fd) {
            out.append(",\"fds\":"); appendOptional(s.fds, out)
        }
        if groups.contains(.smaps) {
            let m = s.smaps
            out.append(",\"pss\":"); appendKiB(m?.pss, out)
            out.append(",\"uss\":"); appendKiB(m?.uss, out)
            out.append(",\"pss_anon\":"); appendKiB(m?.pssAnon, out)
            out.append(",\"pss_file\":"); appendKiB(m?.pssFile, out)
            out.append(",\"pss_shmem\":"); appendKiB(m?.pssShmem, out)
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
            if let c = s.cgroup { c.withUnsafeBufferPointer { out.appendJSONString($0) } } else { out.append("null") }
        }
        if groups.contains(.cmdline) {
            out.append(",\"cmdline\":")
            if let c = s.cmdline { appendCmdline(c, out) } else { out.append("null") }
        }
        if groups.contains(.argv) {
            out.append(",\"argv\":")
            if let c = s.cmdline { appendArgv(c, out) } else { out.append("null") }
        }
        out.append("}\n")
    }

    @inline(__always) func appendOptional<T: BinaryInteger>(_ v: T?, _ out: OutputBuffer) {
        if let v { out.appendDecimal(Int64(truncatingIfNeeded: v)) } else { out.append("null") }
    }

    @inline(__always) func appendOptional(_ v: UInt64?, _ out: OutputBuffer) {
        if let v { out.appendDecimal(v) } else { out.append("null") }
    }

    @inline(__always) func appendKiB(_ v: UInt64?, _ out: OutputBuffer) {
        if let v { out.appendDecimal(v.multipliedReportingOverflow(by: 1024).partialValue) } else { out.append("null") }
    }

    /// Arguments joined by one space: the NULs between them become spaces, a trailing NUL goes.
    func appendCmdline(_ raw: [UInt8], _ out: OutputBuffer) {
        raw.withUnsafeBufferPointer { b in
            var n = b.count
            while n > 0 && b[n - 1] == 0 { n -= 1 }
            if memchrNUL(b, n) == nil {
                out.appendJSONString(UnsafeBufferPointer(rebasing: b[0..<n]))
                return
            }
            var joined = [UInt8](UnsafeBufferPointer(rebasing: b[0..<n]))
            for i in 0..<n where joined[i] == 0 { joined[i] = 0x20 }
            joined.withUnsafeBufferPointer { out.appendJSONString($0) }
        }
    }

    func appendArgv(_ raw: [UInt8], _ out: OutputBuffer) {
        raw.withUnsafeBufferPointer { b in
            var n = b.count
            if n > 0 && b[n - 1] == 0 { n -= 1 }
            out.append(0x5B)
            if b.count > 0 {
                var start = 0
                var first = true
                for i in 0...n where i == n || b[i] == 0 {
                    if !first { out.append(0x2C) }
                    first = false
                    out.appendJSONString(UnsafeBufferPointer(rebasing: b[start..<i]))
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

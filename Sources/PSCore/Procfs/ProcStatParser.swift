/// Parses /proc/PID/stat (proc(5)). comm is whatever lies between the first '(' and the LAST ')':
/// a process may call itself `a) (b` or `:-) 1 2 3 4 5 6`.
public enum ProcStatParser {
    public enum Failure: Error, Equatable {
        /// Nothing to parse: the process is being torn down.
        case empty
        case malformed(field: Int)
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into s: inout ProcessSample) -> Failure? {
        guard bytes.count > 0 else { return .empty }
        var scan = ByteScanner(bytes)
        guard let pid = scan.signed(), pid > 0, pid <= Int64(Int32.max) else { return .malformed(field: 1) }
        // comm: from the first '(' to the last ')'.
        guard let open = firstIndex(of: 0x28, in: bytes, from: scan.position),
              let close = lastIndex(of: 0x29, in: bytes), close > open else { return .malformed(field: 2) }
        s.pid = Int32(pid)
        s.comm.removeAll(keepingCapacity: true)
        s.comm.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<close]))
        scan.position = close + 1
        scan.skipSpaces()
        guard !scan.atEnd else { return .malformed(field: 3) }
        s.state = bytes[scan.position]
        scan.position += 1
        // Fields 4.. in proc(5) numbering.
        guard let ppid = scan.signed(), let pgid = scan.signed(), let sid = scan.signed(),
              let tty = scan.signed() else { return .malformed(field: 4) }
        guard let ppid32 = Int32(exactly: ppid), let pgid32 = Int32(exactly: pgid), let sid32 = Int32(exactly: sid) else {
            return .malformed(field: 4)
        }
        s.ppid = ppid32; s.pgid = pgid32; s.sid = sid32; s.ttyNr = tty
        scan.skipField() // 8 tpgid
        scan.skipField() // 9 flags
        guard let minflt = scan.unsigned() else { return .malformed(field: 10) }
        scan.skipField() // 11 cminflt
        guard let majflt = scan.unsigned() else { return .malformed(field: 12) }
        scan.skipField() // 13 cmajflt
        guard let utime = scan.unsigned(), let stime = scan.unsigned() else { return .malformed(field: 14) }
        guard let cutime = scan.signed(), let cstime = scan.signed() else { return .malformed(field: 16) }
        guard let priority = scan.signed(), let nice = scan.signed(), let threads = scan.signed() else {
            return .malformed(field: 18)
        }
        scan.skipField() // 21 itrealvalue
        guard let start = scan.unsigned() else { return .malformed(field: 22) }
        guard let vsize = scan.unsigned(), let rss = scan.signed() else { return .malformed(field: 23) }
        s.minflt = minflt; s.majflt = majflt
        s.utime = utime; s.stime = stime; s.cutime = cutime; s.cstime = cstime
        s.priority = priority; s.nice = nice; s.threads = threads
        s.startTicks = start; s.vsize = vsize; s.rssPages = rss
        // 25..38 are not ours; 39 processor, 42 delayacct_blkio_ticks.
        for _ in 25...38 { scan.skipField() }
        s.processor = scan.signed()
        scan.skipField() // 40 rt_priority
        scan.skipField() // 41 policy
        s.iowaitTicks = s.processor == nil ? nil : scan.unsigned()
        return nil
    }

    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < bytes.count {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    @inline(__always)
    static func lastIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = bytes.count - 1
        while i >= 0 {
            if bytes[i] == byte { return i }
            i -= 1
        }
        return nil
    }
}

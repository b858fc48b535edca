/// Parsers for the "Key:   value" files: status, io, smaps_rollup.
/// Each key is looked for by name, so a kernel that adds or reorders lines changes nothing.
public enum ProcStatusParser {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into s: inout ProcessSample) {
        var scan = ByteScanner(bytes)
        repeat {
            guard !scan.atEnd else { break }
            switch bytes[scan.position] {
            case 0x55: // U
                if scan.consume("Uid:") {
                    // Uid: real effective saved fs; we want the effective one. A number that does not
                    // fit (or is no number) leaves the uid null, never the digits that came after it.
                    if scan.unsigned() != nil, let e = scan.unsigned(), let e32 = UInt32(exactly: e) { s.uid = e32 }
                    else { s.outOfRange.insert(.uid) }
                }
            case 0x56: // V
                if scan.consume("VmSwap:") {
                    s.swapKiB = scan.unsigned()
                    if s.swapKiB == nil { s.outOfRange.insert(.swap) }
                } else if scan.consume("VmRSS:") {
                    if let kib = scan.unsigned(), kib <= UInt64(Int64.max / 1024) { s.residentBytes = Int64(kib) * 1024 }
                    else { s.outOfRange.insert(.rss) }
                }
            case 0x76: // v
                if scan.consume("voluntary_ctxt_switches:") {
                    s.voluntarySwitches = scan.unsigned()
                    if s.voluntarySwitches == nil { s.outOfRange.insert(.vctx) }
                }
            case 0x6E: // n
                if scan.consume("nonvoluntary_ctxt_switches:") {
                    s.involuntarySwitches = scan.unsigned()
                    if s.involuntarySwitches == nil { s.outOfRange.insert(.nvctx) }
                }
            default:
                break
            }
        } while scan.nextLine()
    }
}

public enum ProcIOParser {
    /// nil when any of the seven counters is missing or garbage: io is all or nothing.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ProcIO? {
        var io = ProcIO()
        var seen = 0
        var scan = ByteScanner(bytes)
        repeat {
            guard !scan.atEnd else { break }
            if scan.consume("rchar:") { guard let v = scan.unsigned() else { return nil }; io.rchar = v; seen |= 1 }
            else if scan.consume("wchar:") { guard let v = scan.unsigned() else { return nil }; io.wchar = v; seen |= 2 }
            else if scan.consume("syscr:") { guard let v = scan.unsigned() else { return nil }; io.syscr = v; seen |= 4 }
            else if scan.consume("syscw:") { guard let v = scan.unsigned() else { return nil }; io.syscw = v; seen |= 8 }
            else if scan.consume("read_bytes:") { guard let v = scan.unsigned() else { return nil }; io.readBytes = v; seen |= 16 }
            else if scan.consume("write_bytes:") { guard let v = scan.unsigned() else { return nil }; io.writeBytes = v; seen |= 32 }
            else if scan.consume("cancelled_write_bytes:") {
                guard let v = scan.unsigned() else { return nil }
                io.cancelledWriteBytes = v; seen |= 64
            }
        } while scan.nextLine()
        return seen == 127 ? io : nil
    }
}

public enum SmapsRollupParser {
    /// nil for an empty file (kernel threads have no memory map).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> SmapsRollup? {
        var r = SmapsRollup()
        var any = false
        var scan = ByteScanner(bytes)
        repeat {
            guard !scan.atEnd else { break }
            switch bytes[scan.position] {
            case 0x50: // P
                if scan.consume("Pss:") { r.pss = number(&scan, &r, .pss); any = true }
                else if scan.consume("Pss_Anon:") { r.pssAnon = number(&scan, &r, .pssAnon) }
                else if scan.consume("Pss_File:") { r.pssFile = number(&scan, &r, .pssFile) }
                else if scan.consume("Pss_Shmem:") { r.pssShmem = number(&scan, &r, .pssShmem) }
                else if scan.consume("Private_Clean:") { r.privateClean = number(&scan, &r, .uss) }
                else if scan.consume("Private_Dirty:") { r.privateDirty = number(&scan, &r, .uss) }
                else if scan.consume("Private_Hugetlb:") { r.privateHugetlb = number(&scan, &r, .uss) }
            default:
                break
            }
        } while scan.nextLine()
        return any ? r : nil
    }

    /// A line's number; a line present without one in range flags its field.
    private static func number(_ scan: inout ByteScanner, _ r: inout SmapsRollup, _ field: OutOfRange) -> UInt64? {
        let v = scan.unsigned()
        if v == nil { r.outOfRange.insert(field) }
        return v
    }
}

/// /proc/PID/cgroup: the v2 line `0::PATH`, else the v1 line of the memory (then cpu) controller.
/// On a hybrid host whose v2 line is only "/", the v1 path says more, and wins.
public enum ProcCgroupParser {
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var unified: Range<Int>? = nil
        var memory: Range<Int>? = nil
        var cpu: Range<Int>? = nil
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            // hierarchy-ID:controller-list:path — the path may itself hold ':'.
            if let c1 = index(of: 0x3A, in: bytes, lineStart..<lineEnd),
               let c2 = index(of: 0x3A, in: bytes, (c1 + 1)..<lineEnd) {
                let controllers = (c1 + 1)..<c2
                let path = (c2 + 1)..<lineEnd
                if controllers.isEmpty && c1 - lineStart == 1 && bytes[lineStart] == 0x30 {
                    unified = path
                } else if hasController("memory", bytes, controllers) {
                    memory = path
                } else if hasController("cpu", bytes, controllers) {
                    cpu = path
                }
            }
            lineStart = lineEnd + 1
        }
        let v1 = memory ?? cpu
        let chosen: Range<Int>?
        if let u = unified, !(u.count == 1 && bytes[u.lowerBound] == 0x2F && v1 != nil) {
            chosen = u
        } else {
            chosen = v1 ?? unified
        }
        guard let r = chosen else { return nil }
        return Array(UnsafeBufferPointer(rebasing: bytes[r]))
    }

    static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        for i in range where bytes[i] == byte { return i }
        return nil
    }

    static func hasController(_ name: StaticString, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let n = name.utf8CodeUnitCount
        let p = name.utf8Start
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != 0x2C { end += 1 }
            if end - start == n {
                var same = true
                for i in 0..<n where bytes[start + i] != p[i] { same = false; break }
                if same { return true }
            }
            start = end + 1
        }
        return false
    }
}

/// /proc/PID/statm: `size resident shared text lib data dt`, in pages.
public enum ProcStatmParser {
    /// The resident pages; nil for an empty or garbled file. 0 for a kernel thread or zombie is
    /// left to stat (nil), so a missing map never reads as an exact 0.
    public static func residentPages(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scan = ByteScanner(bytes)
        guard let size = scan.unsigned(), let resident = scan.unsigned(), resident <= UInt64(Int64.max) else { return nil }
        if size == 0 && resident == 0 { return nil }
        return Int64(resident)
    }
}

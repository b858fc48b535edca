/// Everything pssnap read about one process (or thread) in one snapshot, in /proc's own units.
/// Converted to the record's units (bytes, seconds) only when written.
public struct ProcessSample {
    // stat: always present, or there is no record.
    public var pid: Int32 = 0
    public var tid: Int32? = nil
    public var comm: [UInt8] = []
    public var state: UInt8 = 0x3F
    public var ppid: Int32 = 0
    public var pgid: Int32 = 0
    public var sid: Int32 = 0
    public var ttyNr: Int64 = 0
    public var minflt: UInt64 = 0
    public var majflt: UInt64 = 0
    public var utime: UInt64 = 0
    public var stime: UInt64 = 0
    public var cutime: Int64 = 0
    public var cstime: Int64 = 0
    public var priority: Int64 = 0
    public var nice: Int64 = 0
    public var threads: Int64 = 0
    public var startTicks: UInt64 = 0
    public var vsize: UInt64 = 0
    /// stat field 24. On Linux ≥ 6.2 it is read from per-CPU counters without summing them and can
    /// be off by dozens of pages; `residentBytes` (status VmRSS or statm) is exact and wins.
    public var rssPages: Int64 = 0
    /// Fields 39 and 42 are missing on very old kernels.
    public var processor: Int64? = nil
    public var iowaitTicks: UInt64? = nil

    /// Exact resident memory in bytes, from status VmRSS (status group) or statm (otherwise);
    /// nil for kernel threads and zombies, which have no memory map (their stat rss is 0).
    public var residentBytes: Int64? = nil

    // status
    public var uid: UInt32? = nil
    public var swapKiB: UInt64? = nil
    public var voluntarySwitches: UInt64? = nil
    public var involuntarySwitches: UInt64? = nil

    // io: all seven or none.
    public var io: ProcIO? = nil

    // fd
    public var fds: Int? = nil

    // smaps_rollup, in KiB
    public var smaps: SmapsRollup? = nil

    // net
    public var sockets: SocketCounts? = nil

    // cgroup
    public var cgroup: [UInt8]? = nil

    /// Raw cmdline bytes (NUL-separated), at most `RecordWriter.cmdlineLimit` of them; nil when unreadable.
    public var cmdline: [UInt8]? = nil
    /// The process's cmdline was longer than what `cmdline` holds.
    public var cmdlineCut = false

    /// CLOCK_BOOTTIME (ms) right after stat was read: `age` is measured then, so that the counters
    /// read with it never cover more time than the age says.
    public var statReadBoottimeMs: Int64? = nil

    /// Fields whose number in /proc was out of range (see `OutOfRange`): written as null, reported.
    public var outOfRange: OutOfRange = []

    public init() {}

    /// Forgets the optional groups before a re-read, keeping array capacity.
    public mutating func resetOptionalFields() {
        tid = nil
        processor = nil
        iowaitTicks = nil
        residentBytes = nil
        uid = nil
        swapKiB = nil
        voluntarySwitches = nil
        involuntarySwitches = nil
        io = nil
        fds = nil
        smaps = nil
        sockets = nil
        cgroup = nil
        cmdline = nil
        cmdlineCut = false
        statReadBoottimeMs = nil
        outOfRange = []
    }
}

public struct ProcIO: Equatable {
    public var rchar: UInt64 = 0
    public var wchar: UInt64 = 0
    public var syscr: UInt64 = 0
    public var syscw: UInt64 = 0
    public var readBytes: UInt64 = 0
    public var writeBytes: UInt64 = 0
    public var cancelledWriteBytes: UInt64 = 0
    public init() {}
}

/// smaps_rollup figures in KiB; a line the kernel does not have stays nil.
public struct SmapsRollup: Equatable {
    public var pss: UInt64? = nil
    public var pssAnon: UInt64? = nil
    public var pssFile: UInt64? = nil
    public var pssShmem: UInt64? = nil
    public var privateClean: UInt64? = nil
    public var privateDirty: UInt64? = nil
    public var privateHugetlb: UInt64? = nil
    /// Lines present whose number was out of range or missing.
    public var outOfRange: OutOfRange = []
    public init() {}

    /// uss = Private_Clean + Private_Dirty + Private_Hugetlb (Hugetlb is absent before Linux 4.16:
    /// counted as 0); nil when the sum does not fit.
    public var uss: UInt64? {
        guard let c = privateClean, let d = privateDirty else { return nil }
        let (cd, o1) = c.addingReportingOverflow(d)
        let (sum, o2) = cd.addingReportingOverflow(privateHugetlb ?? 0)
        return o1 || o2 ? nil : sum
    }
}

public struct SocketCounts: Equatable {
    public var tcp = 0
    public var udp = 0
    public var unix = 0
    public init() {}
}

/// Fields a parser found present in /proc but out of range (a number too long for 64 bits, a uid
/// beyond 32 bits): written as null and reported, never as another number.
public struct OutOfRange: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let uid = OutOfRange(rawValue: 1 << 0)
    public static let swap = OutOfRange(rawValue: 1 << 1)
    public static let vctx = OutOfRange(rawValue: 1 << 2)
    public static let nvctx = OutOfRange(rawValue: 1 << 3)
    public static let rss = OutOfRange(rawValue: 1 << 4)
    public static let pss = OutOfRange(rawValue: 1 << 5)
    public static let uss = OutOfRange(rawValue: 1 << 6)
    public static let pssAnon = OutOfRange(rawValue: 1 << 7)
    public static let pssFile = OutOfRange(rawValue: 1 << 8)
    public static let pssShmem = OutOfRange(rawValue: 1 << 9)
    public static let io = OutOfRange(rawValue: 1 << 10)
}

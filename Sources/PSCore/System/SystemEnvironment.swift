#if canImport(Glibc)
import Glibc
#endif

/// The machine facts a snapshot depends on. Tests pin them (`realtime=1700000000.5,boottime=5000,
/// pagesize=4096,hz=100,host=box,passwd=FILE`) so goldens do not vary with the clock or the
/// machine: in-process through `init(seam:)`, and in debug builds (what `swift test` runs) through
/// the environment variable PSTOOLS_TEST_SEAM. A release binary never reads that variable: whoever
/// can set a logging job's environment must not be able to forge its host or clock.
public struct SystemEnvironment {
    public var pageSize: Int64
    public var clockTicks: Int64
    public var passwdPath: String
    var fixedRealtimeMs: Int64?
    var fixedBoottimeMs: Int64?
    var fixedHost: String?

    public init(seam: String? = SystemEnvironment.seamVariable()) {
        pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        clockTicks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        passwdPath = "/etc/passwd"
        guard let seam else { return }
        for item in seam.split(separator: ",") {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "realtime": fixedRealtimeMs = SystemEnvironment.milliseconds(kv[1])
            case "boottime": fixedBoottimeMs = SystemEnvironment.milliseconds(kv[1])
            case "pagesize": pageSize = Int64(kv[1]) ?? pageSize
            case "hz": clockTicks = Int64(kv[1]) ?? clockTicks
            case "host": fixedHost = kv[1]
            case "passwd": passwdPath = kv[1]
            default: break
            }
        }
    }

    public static func seamVariable() -> String? {
        #if DEBUG
        return getenv("PSTOOLS_TEST_SEAM").map { String(cString: $0) }
        #else
        return nil
        #endif
    }

    static func milliseconds(_ s: String) -> Int64? {
        let parts = s.split(separator: ".", maxSplits: 1)
        guard let whole = Int64(parts[0]) else { return nil }
        var frac: Int64 = 0
        if parts.count == 2 {
            let digits = String(parts[1].prefix(3))
            frac = (Int64(digits) ?? 0) * [100, 10, 1][digits.count - 1]
        }
        return whole * 1000 + frac
    }

    static func clockMs(_ id: clockid_t) -> Int64 {
        var t = timespec()
        clock_gettime(id, &t)
        return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
    }

    /// Wall clock, epoch milliseconds.
    public func realtimeMs() -> Int64 { fixedRealtimeMs ?? SystemEnvironment.clockMs(CLOCK_REALTIME) }
    /// CLOCK_BOOTTIME milliseconds: the clock /proc/PID/stat starttime counts on.
    public func boottimeMs() -> Int64 { fixedBoottimeMs ?? SystemEnvironment.clockMs(CLOCK_BOOTTIME) }

    public func hostname() -> String {
        if let h = fixedHost { return h }
        var u = utsname()
        uname(&u)
        return withUnsafePointer(to: &u.nodename) {
            $0.withMemoryRebound(to: CChar.self, capacity: 65) { String(cString: $0) }
        }
    }

    /// Monotonic nanoseconds, for the tick schedule (never the seam: schedules are real).
    public static func monotonicNs() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}

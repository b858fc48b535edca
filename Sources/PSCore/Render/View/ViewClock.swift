#if canImport(Glibc)
import Glibc
#endif

/// The time `--replay` paces itself by: the monotonic clock and a sleep, or a test's stand-in.
public protocol ViewClock: AnyObject {
    /// Seconds on a monotonic clock.
    func now() -> Double
    /// Returns once `now()` has reached `deadline`.
    func sleep(until deadline: Double)
}

public final class MonotonicViewClock: ViewClock {
    public init() {}

    public func now() -> Double { Double(SystemEnvironment.monotonicNs()) / 1e9 }

    public func sleep(until deadline: Double) {
        while true {
            let left = deadline - now()
            guard left > 0 else { return }
            var t = timespec(tv_sec: Int(left), tv_nsec: Int((left - Double(Int(left))) * 1e9))
            _ = nanosleep(&t, nil)   // EINTR: the loop sleeps the rest
        }
    }
}

/// When `--replay` shows each snapshot: the first at once, each next one after the gap between
/// their `ts`, divided by the speed. A snapshot whose `ts` goes back (two recordings one after
/// the other) is shown at once and starts the count again.
public struct ReplaySchedule {
    public let speed: Double
    private var origin: (ts: Double, at: Double)? = nil
    private var lastTs = -Double.infinity

    public init(speed: Double) { self.speed = speed }

    /// The clock reading at which to show the snapshot `ts`, given the clock `now`.
    public mutating func due(ts: Double, now: Double) -> Double {
        defer { lastTs = ts }
        guard let origin, ts >= lastTs, ts.isFinite else {
            origin = (ts, now)
            return now
        }
        return origin.at + (ts - origin.ts) / speed
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Ticks at start + k·interval on the monotonic clock: no drift, and a tick missed because a
/// snapshot overran (or the process was stopped) is skipped, not bunched. With a duration, the
/// last tick falls exactly at its end (`-i5 -d7`: 0, 5, 7).
public struct TickSchedule {
    public let start: Int64
    public let interval: Int64
    public let end: Int64?

    public init(start: Int64, interval: Int64, duration: Int64?) {
        self.start = start
        self.interval = interval
        end = duration.map { start + $0 }
    }

    /// The tick after `previous`, given the time is `now`; nil when the schedule is over.
    public func next(after previous: Int64, now: Int64) -> Int64? {
        if let end, previous >= end { return nil }
        let from = max(previous, now)
        let k = (from - start) / interval + 1
        let t = start + k * interval
        if let end, t >= end { return end }
        return t
    }

    /// Sleeps until `deadline` (monotonic ns); returns early, false, when a signal arrives.
    public static func sleep(until deadline: Int64) -> Bool {
        var t = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nil) == 0
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Axis ticks people read at a glance: 1-2-5 steps in the field's unit (binary steps for bytes,
/// so a memory axis reads 256 MiB, 512 MiB, 768 MiB), minute and hour steps for durations and
/// clock time.
public enum ChartTicks {
    /// A value axis: its domain (widened to whole steps) and its ticks.
    public struct Axis: Equatable, Sendable {
        public var low: Double
        public var high: Double
        public var ticks: [Double]
        public var log: Bool
    }

    static let timeSteps: [Double] = [
        0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
        86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
    ]

    /// The smallest nice step at least `raw` for values in `unit`.
    public static func step(atLeast raw: Double, unit: FieldUnit) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        switch unit {
        case .bytes, .bytesPerSecond:
            if raw >= 1 {
                var s = 1.0
                while s < raw { s *= 2 }
                return s
            }
            return decimalStep(raw)
        case .seconds where raw > 30:
            return timeSteps.first { $0 >= raw } ?? decimalStep(raw / 86400) * 86400
        default:
            return decimalStep(raw)
        }
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    public static func decimalStep(_ raw: Double) -> Double {
        let p = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * p >= raw * (1 - 1e-9) { return m * p }
        return 10 * p
    }

    /// A linear axis over [min, max] with about `count` ticks; 0 is kept in view for data that
    /// does not go below it (a level is read from 0).
    /// `count` is a target: with `slack` below 1 the step may be that much finer than
    /// span / count, so 0...83 % with 4 ticks reads 0, 20, ... 100 rather than 0, 50, 100.
    public static func linear(min: Double, max: Double, count: Int, unit: FieldUnit, slack: Double = 1) -> Axis {
        var lo = Swift.min(0, min), hi = max
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if hi <= lo { hi = lo + (lo == 0 ? defaultSpan(unit) : abs(lo) * 0.1) }
        let step = self.step(atLeast: (hi - lo) / Double(Swift.max(1, count)) * slack, unit: unit)
        lo = (lo / step).rounded(.down) * step
        hi = (hi / step - 1e-9).rounded(.up) * step
        if hi <= lo { hi = lo + step }
        var ticks: [Double] = []
        var k = (lo / step).rounded()
        while k * step <= hi + step * 1e-9 && ticks.count < 1000 {
            ticks.append(k * step == 0 ? 0 : k * step)
            k += 1
        }
        return Axis(low: lo, high: hi, ticks: ticks, log: false)
    }

    static func defaultSpan(_ unit: FieldUnit) -> Double {
        switch unit {
        case .bytes, .bytesPerSecond: return 1024
        case .percent: return 100
        default: return 1
        }
    }

    /// A log axis over the positive values [min, max]: powers of 2 for bytes (every 1, 2, 5 or
    /// 10 doublings), powers of 10 otherwise (with 2 and 5 between them over few decades).
    public static func log(min: Double, max: Double, count: Int, unit: FieldUnit) -> Axis {
        var lo = min, hi = max
        if !(lo > 0 && lo.isFinite) { lo = 1 }
        if !(hi > lo && hi.isFinite) { hi = lo * 10 }
        let binary = unit == .bytes || unit == .bytesPerSecond
        let base = binary ? 2.0 : 10.0
        let e0 = (Glibc.log(lo) / Glibc.log(base) + 1e-9).rounded(.down), e1 = (Glibc.log(hi) / Glibc.log(base) - 1e-9).rounded(.up)
        let span = Swift.max(1, e1 - e0)
        var ticks: [Double] = []
        if binary {
            let stride = [1.0, 2, 5, 10, 20].first { span / $0 <= Double(count) } ?? 20
            let start = (e0 / stride).rounded(.down) * stride, end = (e1 / stride).rounded(.up) * stride
            var e = start
            while e <= end { ticks.append(pow(2, e)); e += stride }
            return Axis(low: pow(2, start), high: pow(2, end), ticks: ticks, log: true)
        }
        let stride = Swift.max(1, (span / Double(count)).rounded(.up))
        let start = (e0 / stride).rounded(.down) * stride, end = (e1 / stride).rounded(.up) * stride
        var e = start
        while e <= end {
            ticks.append(pow(10, e))
            if stride == 1 && span * 3 <= Double(count) && e < end { ticks += [2 * pow(10, e), 5 * pow(10, e)] }
            e += stride
        }
        return Axis(low: pow(10, start), high: pow(10, end), ticks: ticks.sorted(), log: true)
    }

    /// A tick label: the value in its unit, humanly.
    public static func label(_ value: Double, unit: FieldUnit) -> String {
        if value == 0 {
            switch unit {
            case .bytes: return "0 B"
            case .bytesPerSecond: return "0 B/s"
            case .seconds: return "0 s"
            case .percent: return "0 %"
            default: return "0"
            }
        }
        if unit == .seconds && abs(value) >= 60 {
            let s = Int(abs(value).rounded())
            let sign = value < 0 ? "-" : ""
            if s % 86400 == 0 { return sign + "\(s / 86400)d" }
            if s % 3600 == 0 { return sign + "\(s / 3600)h" }
            if s % 60 == 0 && s < 3600 { return sign + "\(s / 60)m" }
        }
        return HumanUnits.format(value, unit: unit)
    }

    // MARK: time

    /// Ticks on a time axis from `start` to `end` (epoch seconds) with at least `minSpacing`
    /// seconds between them, at whole local steps (whole minutes, hours, local midnight).
    public static func time(start: Double, end: Double, minSpacing: Double, relative: Bool) -> (step: Double, ticks: [Double]) {
        let step = timeSteps.first { $0 >= minSpacing } ?? decimalStep(minSpacing / 86400) * 86400
        var ticks: [Double] = []
        let offset = relative ? start : -localOffset(start)
        var t = ((start - offset) / step - 1e-9).rounded(.up) * step + offset
        while t <= end + step * 1e-9 && ticks.count < 1000 {
            ticks.append(t)
            t += step
        }
        return (step, ticks)
    }

    /// Seconds east of UTC of local time at `epoch` (the local zone's offset).
    static func localOffset(_ epoch: Double) -> Double {
        var t = time_t(epoch.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        return Double(parts.tm_gmtoff)
    }

    /// The local date of `epoch`, `2026-11-30`.
    public static func date(_ epoch: Double) -> String {
        String(HumanUnits.clock(epoch, withDate: true).prefix(10))
    }

    /// A clock tick's label for a step: `14:05`, `14:05:30`, `14:05:30.5`.
    public static func clockLabel(_ t: Double, step: Double) -> String {
        if step >= 60 { return HumanUnits.clock(t, withDate: false, seconds: false) }
        var text = HumanUnits.clock(t)
        if step < 1 {
            let decimals = step < 0.01 ? 3 : step < 0.1 ? 2 : 1
            let frac = t - t.rounded(.down)
            let digits = HumanUnits.fixed(frac, decimals: decimals)
            text += digits == "0" ? "" : String(digits.dropFirst())
        }
        return text
    }

    /// A relative tick's label: time since the first sample, `0`, `30 s`, `1m30s`, `2h`.
    public static func relativeLabel(_ seconds: Double) -> String {
        if seconds == 0 { return "0" }
        return label(seconds, unit: .seconds)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Numbers for people, in a field's unit: `1.5 GiB`, `250 %`, `12 MiB/s`, `3.2 s`, `1h02m`.
/// psplot's axes and tooltips and psview's cells use it, so the same value reads the same way.
public enum HumanUnits {
    /// `value` in `unit`, with about three significant digits (`compact` drops the space before
    /// the unit, for narrow table cells).
    public static func format(_ value: Double, unit: FieldUnit, compact: Bool = false) -> String {
        guard value.isFinite else { return "-" }
        let gap = compact ? "" : " "
        switch unit {
        case .bytes, .bytesPerSecond:
            let e = binaryExponent(value)
            let text = decimal(value / pow(1024, Double(e))) + gap + binaryPrefixes[e] + "B"
            return unit == .bytes ? text : text + "/s"
        case .percent: return decimal(value) + gap + "%"
        case .seconds: return duration(value, compact: compact)
        case .secondsPerSecond: return decimal(value) + gap + "s/s"
        case .perSecond: return metric(value) + gap + "/s"
        case .epochSeconds: return clock(value, withDate: true)
        case .none: return metric(value)
        }
    }

    static let binaryPrefixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

    /// The power of 1024 a value is shown in.
    public static func binaryExponent(_ value: Double) -> Int {
        var e = 0, v = abs(value)
        while v >= 1024 && e < binaryPrefixes.count - 1 { v /= 1024; e += 1 }
        return e
    }

    /// 1 234 567 → `1.23M`; small numbers as they are (`12`, `0.5`).
    public static func metric(_ value: Double) -> String {
        let prefixes = ["", "k", "M", "G", "T", "P", "E"]
        var e = 0, v = value
        while abs(v) >= 1000 && e < prefixes.count - 1 { v /= 1000; e += 1 }
        return decimal(v) + prefixes[e]
    }

    /// Three significant digits, trailing zeros trimmed: 1.5, 12.3, 250, 0.125.
    public static func decimal(_ value: Double) -> String {
        let a = abs(value)
        let decimals = a == 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
        return fixed(value, decimals: decimals)
    }

    /// `value` with at most `decimals` decimals, trailing zeros and a trailing point trimmed.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let rounded = (value * scale).rounded() / scale
        var text = rounded == 0 ? "0" : String(format: decimals, rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    private static func String(format decimals: Int, _ v: Double) -> Swift.String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([decimals, v]) { vsnprintf(&buffer, 64, "%.*f", $0) }
        return Swift.String(cString: buffer)
    }

    /// Seconds as `0.25 s`, `3.2 s`, `59 s`, `1m05s`, `1h02m`, `3d04h` (`compact`: `3.2s`).
    public static func duration(_ seconds: Double, compact: Bool = false) -> String {
        let s = abs(seconds), sign = seconds < 0 ? "-" : ""
        if s < 60 { return sign + decimal(s) + (compact ? "s" : " s") }
        let whole = Int(s.rounded())
        if whole < 3600 { return sign + "\(whole / 60)m" + twoDigits(whole % 60) + "s" }
        if whole < 86400 { return sign + "\(whole / 3600)h" + twoDigits(whole / 60 % 60) + "m" }
        return sign + "\(whole / 86400)d" + twoDigits(whole / 3600 % 24) + "h"
    }

    static func twoDigits(_ n: Int) -> Swift.String { n < 10 ? "0\(n)" : "\(n)" }

    /// Epoch seconds as local clock time, `14:03:07`, with the date first when asked
    /// (`2026-11-30 14:03:07`).
    public static func clock(_ epoch: Double, withDate: Bool = false, seconds: Bool = true) -> Swift.String {
        var t = time_t(epoch.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        var text = twoDigits(Int(parts.tm_hour)) + ":" + twoDigits(Int(parts.tm_min))
        if seconds { text += ":" + twoDigits(Int(parts.tm_sec)) }
        if withDate {
            text = "\(parts.tm_year + 1900)-" + twoDigits(Int(parts.tm_mon) + 1) + "-" + twoDigits(Int(parts.tm_mday)) + " " + text
        }
        return text
    }
}

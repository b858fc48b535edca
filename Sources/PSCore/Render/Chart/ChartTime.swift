#if canImport(Glibc)
import Glibc
#endif

/// Times a user gives on the command line (`--after`, `--before`): epoch seconds (`1764510000`,
/// `1764510000.25`) or ISO 8601 (`2026-11-30`, `2026-11-30T14:03`, `2026-11-30 14:03:07.5`,
/// with `Z`, `+01:00`, `+0100` or `-05` for a zone; local time without one).
public enum ChartTime {
    public static func parse(_ text: String) -> Double? {
        if let v = Double(text), v.isFinite, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) { return v }
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func take(_ c: UInt8) -> Bool {
            if i < b.count && b[i] == c { i += 1; return true }
            return false
        }
        guard let year = digits(4), take(0x2D), let month = digits(2), take(0x2D), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, fraction = 0.0
        if i < b.count && (b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20) {
            i += 1
            guard let h = digits(2), take(0x3A), let m = digits(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if take(0x3A) {
                guard let s = digits(2), s < 61 else { return nil }
                second = s
                if take(0x2E) || take(0x2C) {
                    var scale = 0.1
                    let start = i
                    while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
                    guard i > start else { return nil }
                }
            }
        }
        var offset: Int? = nil
        if take(0x5A) || take(0x7A) {
            offset = 0
        } else if i < b.count && (b[i] == 0x2B || b[i] == 0x2D) {
            let sign = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let h = digits(2), h <= 23 else { return nil }
            var m = 0
            if take(0x3A) { guard let mm = digits(2) else { return nil }; m = mm } else if let mm = digits(2) { m = mm }
            guard m < 60 else { return nil }
            offset = sign * (h * 3600 + m * 60)
        }
        guard i == b.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        parts.tm_isdst = -1
        let t: time_t
        if let offset {
            t = timegm(&parts) - time_t(offset)
        } else {
            t = mktime(&parts)
            if t == -1 && !(year == 1969 || year == 1970) { return nil }
        }
        return Double(t) + fraction
    }
}

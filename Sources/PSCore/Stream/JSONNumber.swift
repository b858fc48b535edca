#if canImport(Glibc)
import Glibc
#endif

/// Values of JSON number literals the parser has already validated (RFC 8259 grammar).
enum JSONNumber {
    /// The exact value of an integer literal (no fraction, no exponent) that fits in Int64.
    static func int64(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = raw.count
        let negative = n > 0 && raw[0] == 0x2D
        if negative { i = 1 }
        guard i < n else { return nil }
        var magnitude: UInt64 = 0
        while i < n {
            let d = raw[i] &- 0x30
            guard d <= 9 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            magnitude = a
            i += 1
        }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The nearest Double, correctly rounded. Beyond Double's range: ±infinity, as strtod gives.
    static func double(_ raw: UnsafeBufferPointer<UInt8>) -> Double {
        if let exact = fastDouble(raw) { return exact }
        return slowDouble(raw)
    }

    /// Clinger's fast path: when the digits form an integer of at most 2^53 and the decimal
    /// exponent is within ±22, both it and the power of ten are exact Doubles, so one multiply
    /// or divide rounds correctly. Every number pssnap writes (`1700001000.25`, `12288000`) is one.
    @inline(__always)
    static func fastDouble(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = raw.count
        var i = 0
        let negative = n > 0 && raw[0] == 0x2D
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        while i < n {
            let d = raw[i] &- 0x30
            guard d <= 9 else { break }
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { digits += 1 }
            } else {
                return nil
            }
            i += 1
        }
        if i < n && raw[i] == 0x2E {
            i += 1
            while i < n {
                let d = raw[i] &- 0x30
                guard d <= 9 else { break }
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { digits += 1 }
                } else {
                    return nil
                }
                exponent -= 1
                i += 1
            }
        }
        if i < n && raw[i] | 0x20 == 0x65 {
            i += 1
            var exponentNegative = false
            if i < n && (raw[i] == 0x2B || raw[i] == 0x2D) {
                exponentNegative = raw[i] == 0x2D
                i += 1
            }
            var e = 0
            while i < n {
                let d = raw[i] &- 0x30
                guard d <= 9 else { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += exponentNegative ? -e : e
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 { value /= powersOfTen[-exponent] } else if exponent > 0 { value *= powersOfTen[exponent] }
        return negative ? -value : value
    }

    /// strtod on a NUL-terminated copy: correct rounding for the rest (long digit strings, big
    /// exponents). Swift programs run in the C locale, so the decimal point is '.'.
    static func slowDouble(_ raw: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: raw.count + 1) { buffer in
            for i in 0..<raw.count { buffer[i] = CChar(bitPattern: raw[i]) }
            buffer[raw.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}

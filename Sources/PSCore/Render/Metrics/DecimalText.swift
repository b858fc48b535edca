/// Moves the decimal point of a JSON number's text, exactly: psexport writes a `ts` of
/// `1764474000.123` as milliseconds (`1764474000123`), nanoseconds or whole seconds, and a `cpu`
/// of `12.5` percent as the ratio `0.125`, without a trip through binary floating point.
enum DecimalText {
    /// Appends `raw × 10^places`. With `whole`, the fraction is dropped (truncated toward zero,
    /// as a clock reading is); otherwise every digit is kept, trailing zeros trimmed. Returns
    /// false (appending nothing) when `raw` is not a plain JSON number of at most 60 digits.
    @discardableResult
    static func append(_ raw: UnsafeBufferPointer<UInt8>, times10 places: Int, whole: Bool, to out: OutputBuffer) -> Bool {
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { storage -> Bool in
            let d = storage.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let capacity = 60
            var count = 0
            var exponent = places
            var i = 0
            let n = raw.count
            var negative = false
            if i < n && raw[i] == 0x2D { negative = true; i += 1 }
            var sawDigit = false
            while i < n, raw[i] >= 0x30 && raw[i] <= 0x39 {
                // Leading zeros carry nothing.
                if count > 0 || raw[i] != 0x30 {
                    guard count < capacity else { return false }
                    d[count] = raw[i]; count += 1
                }
                sawDigit = true
                i += 1
            }
            guard sawDigit else { return false }
            if i < n && raw[i] == 0x2E {
                i += 1
                while i < n, raw[i] >= 0x30 && raw[i] <= 0x39 {
                    if count > 0 || raw[i] != 0x30 {
                        guard count < capacity else { return false }
                        d[count] = raw[i]; count += 1
                    }
                    exponent -= 1
                    i += 1
                }
            }
            if i < n && (raw[i] == 0x65 || raw[i] == 0x45) {
                i += 1
                var expNegative = false
                if i < n && (raw[i] == 0x2B || raw[i] == 0x2D) { expNegative = raw[i] == 0x2D; i += 1 }
                var e = 0
                while i < n, raw[i] >= 0x30 && raw[i] <= 0x39 {
                    e = e * 10 + Int(raw[i] - 0x30)
                    guard e < 1000 else { return false }
                    i += 1
                }
                exponent += expNegative ? -e : e
            }
            guard i == n else { return false }
            // The value is ±0.d[0..<count] × 10^(count + exponent): `intCount` digits before the point.
            let intCount = count + exponent
            guard intCount < capacity else { return false }
            var fracEnd = count
            if whole { fracEnd = min(count, max(0, intCount)) }
            while fracEnd > max(0, intCount) && d[fracEnd - 1] == 0x30 { fracEnd -= 1 }
            let isZero = (intCount <= 0 && fracEnd <= 0) || count == 0 || (whole && intCount <= 0)
            if isZero { out.append(0x30); return true }
            if negative { out.append(0x2D) }
            if intCount <= 0 {
                out.append(0x30)
                out.append(0x2E)
                for _ in 0 ..< -intCount { out.append(0x30) }
                out.append(d, count: fracEnd)
                return true
            }
            if intCount >= count {
                out.append(d, count: count)
                for _ in 0 ..< intCount - count { out.append(0x30) }
                return true
            }
            out.append(d, count: intCount)
            if fracEnd > intCount {
                out.append(0x2E)
                out.append(d + intCount, count: fracEnd - intCount)
            }
            return true
        }
    }

    /// True when `raw` can be copied as it is into any of the formats: digits, a sign and a point,
    /// no exponent, not `-0`-like oddities a strict reader might refuse.
    @inline(__always)
    static func isPlain(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in raw where b == 0x65 || b == 0x45 { return false }
        return true
    }
}

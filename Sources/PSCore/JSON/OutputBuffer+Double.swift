extension OutputBuffer {
    /// Writes `v` as a plain JSON number in fixed point: rounded to `decimals` fraction digits
    /// (half away from zero), trailing zeros and a bare point trimmed, never an exponent, never
    /// `-0`. `appendDouble(1.5, decimals: 3)` writes `1.5`; `(0.1 + 0.2, 2)` writes `0.3`;
    /// `(1e20, 3)` writes `100000000000000000000`.
    ///
    /// Where the value is too large for `decimals` fraction digits to fit in an Int64 once scaled
    /// (|v| × 10^decimals ≥ 2^63), fewer are written: such digits are below a Double's
    /// precision anyway. Integers beyond 2^63 are written exactly, digit for digit. NaN and
    /// ±infinity, which a JSON number cannot hold, are written as `null` (SPEC §1: never NaN or
    /// Infinity); a caller that can produce them should decide before calling.
    public func appendDouble(_ v: Double, decimals: Int) {
        guard v.isFinite else { append("null"); return }
        var d = max(0, min(decimals, 18))
        while true {
            let scaled = (v * Self.powersOfTen[d]).rounded()
            if scaled.magnitude < 9.2e18 {
                appendScaled(Int64(scaled), scale: d)
                return
            }
            if d == 0 { break }
            d -= 1
        }
        appendLargeInteger(v.rounded())
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    ]

    /// The exact decimal digits of an integral Double of magnitude ≥ 2^63: its significand shifted
    /// into 32-bit limbs, then divided by 10^9 until nothing is left.
    private func appendLargeInteger(_ v: Double) {
        if v < 0 { append(0x2D) }
        let m = v.magnitude
        let significand = m.significandBitPattern | (1 << 52)
        let shift = Int(m.exponent) - 52 // ≥ 11 here
        var limbs = [UInt32](repeating: 0, count: (53 + shift) / 32 + 2)
        let word = shift / 32, bit = shift % 32
        let wide = significand << UInt64(bit) // the top bits spill into `carry` below
        let carry = bit == 0 ? 0 : significand >> UInt64(64 - bit)
        limbs[word] = UInt32(truncatingIfNeeded: wide)
        limbs[word + 1] = UInt32(truncatingIfNeeded: wide >> 32)
        if word + 2 < limbs.count { limbs[word + 2] = UInt32(truncatingIfNeeded: carry) }
        var chunks: [UInt32] = [] // base 10^9, least significant first
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in stride(from: limbs.count - 1, through: 0, by: -1) {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        appendDecimal(UInt64(chunks.last!))
        for chunk in chunks.dropLast().reversed() {
            var div: UInt32 = 100_000_000
            while div > 0 {
                append(0x30 &+ UInt8(chunk / div % 10))
                div /= 10
            }
        }
    }
}

extension OutputBuffer {
    /// Writes `v` in fixed point, rounded to `decimals` places (half away from zero; fewer when
    /// `v` × 10^decimals passes 2^53, where a double has no digits left), with
    /// trailing zeros and a bare point trimmed: never an exponent, `-0` (and anything that rounds
    /// to it) as `0`. `2.5, 3` → `2.5`; `1e20, 0` → `100000000000000000000`; `-0.0004, 3` → `0`.
    ///
    /// NaN and infinities have no JSON form: they are written as `null`. A caller that wants
    /// something else (leave the field out, say) checks `v.isFinite` first.
    public func appendDouble(_ v: Double, decimals: Int) {
        guard v.isFinite else { append("null"); return }
        var d = max(0, min(decimals, 18))
        // Past 2^53 a double has no more digits to give: keep fewer decimals rather than write noise.
        while d > 0 && v.magnitude * Self.powersOfTen[d] >= 0x1p53 { d -= 1 }
        let scaled = (v * Self.powersOfTen[d]).rounded()
        // |scaled| < 2^63: exact as an Int64, and appendScaled trims the zeros.
        if scaled.magnitude < 9.2e18 {
            appendScaled(Int64(scaled), scale: d)
            return
        }
        // Beyond 2^63 (and so beyond 2^53) a double is a whole number with no fraction to keep.
        if v.magnitude < 9.2e18 {
            appendDecimal(Int64(v.rounded()))
        } else {
            appendLargeWholeDouble(v)
        }
    }

    static let powersOfTen: [Double] = (0...18).map { d in (0..<d).reduce(1.0) { r, _ in r * 10 } }

    /// Writes a finite whole double of magnitude ≥ 2^63 with all its digits: its significand
    /// doubled `exponent` times in base 10^9 limbs. Rare (a counter rate above 9.2e18/s), so simple.
    private func appendLargeWholeDouble(_ v: Double) {
        if v < 0 { append(0x2D) }
        var limbs: [UInt64] = [] // least significant first, each < 10^9
        var s = v.magnitude.significandBitPattern | (1 << 52)
        while s > 0 { limbs.append(s % 1_000_000_000); s /= 1_000_000_000 }
        let shifts = Int(v.magnitude.exponent) - 52
        for _ in 0..<max(0, shifts) {
            var carry: UInt64 = 0
            for i in limbs.indices {
                let x = limbs[i] * 2 + carry
                limbs[i] = x % 1_000_000_000
                carry = x / 1_000_000_000
            }
            if carry > 0 { limbs.append(carry) }
        }
        appendDecimal(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            var div: UInt64 = 100_000_000
            while div > 0 {
                append(0x30 &+ UInt8(limb / div % 10))
                div /= 10
            }
        }
    }
}

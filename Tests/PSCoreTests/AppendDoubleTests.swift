import Testing
@testable import PSCore

/// OutputBuffer.appendDouble: fixed point, trimmed, never an exponent, never NaN.
@Suite struct AppendDoubleTests {
    func text(_ v: Double, _ decimals: Int) -> String {
        let out = OutputBuffer(fd: -1)
        out.appendDouble(v, decimals: decimals)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        (0.0, 2, "0"), (-0.0, 2, "0"), (87.5, 2, "87.5"), (75, 2, "75"), (1.0 / 3, 3, "0.333"), (2.0 / 3, 3, "0.667"),
        (-0.0004, 3, "0"), (-1.25, 2, "-1.25"), (0.1 + 0.2, 3, "0.3"), (1999.0004997501248, 3, "1999"),
        (123456.789012, 0, "123457"), (5e-324, 3, "0"), (1e-7, 3, "0"), (9.99951, 3, "10"),
        (1e20, 3, "100000000000000000000"), (-1e19, 2, "-10000000000000000000"),
        (4503599627370497.5, 3, "4503599627370498"), (123456789012.345678, 3, "123456789012.346"), (0.125, 2, "0.13"),
    ] as [(Double, Int, String)])
    func fixedPointTrimmedWithoutExponent(_ value: Double, _ decimals: Int, _ expected: String) {
        #expect(text(value, decimals) == expected)
    }

    @Test func hugeValuesKeepEveryDigit() {
        let s = text(1e300, 3)
        #expect(s == "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160")
        #expect(Double(s) == 1e300)
        #expect(text(-Double.greatestFiniteMagnitude, 0).count == 310)
    }

    @Test func nonFiniteIsNull() {
        #expect(text(.nan, 2) == "null")
        #expect(text(.infinity, 2) == "null")
        #expect(text(-.infinity, 0) == "null")
    }
}

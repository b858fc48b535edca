import Testing
@testable import PSCore

@Suite struct JSONWriterTests {
    func json(_ bytes: [UInt8]) -> String {
        let out = OutputBuffer(fd: -1)
        out.appendJSONString(bytes)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ([UInt8]("plain".utf8), #""plain""#),
        ([0x22, 0x5C], #""\"\\""#),
        ([0x0A, 0x09, 0x0D, 0x08, 0x0C], #""\n\t\r\b\f""#),
        ([0x1B, 0x00, 0x7F], #""\u001b\u0000\u007f""#),
        ([0xC2, 0x9B], #""\u009b""#),                                  // C1 control
        ([0xFF], "\"\u{FFFD}\""),                                         // invalid byte
        ([0xC3, 0x28], "\"\u{FFFD}(\""),                                  // bad continuation
        ([0xE2, 0x82], "\"\u{FFFD}\""),                                   // truncated 3-byte: one U+FFFD
        ([0xED, 0xA0, 0x80], "\"\u{FFFD}\u{FFFD}\u{FFFD}\""),             // surrogate: invalid
        ([0xC0, 0xAF], "\"\u{FFFD}\u{FFFD}\""),                           // overlong
        ([0xF4, 0x90, 0x80, 0x80], "\"\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\""), // above U+10FFFF
        ([UInt8]("héllo €𝄞".utf8), "\"héllo €𝄞\""),
    ])
    func stringEscaping(_ input: [UInt8], _ expected: String) {
        #expect(json(input) == expected)
    }

    @Test(arguments: [
        (Int64(0), 3, "0"), (1500, 3, "1.5"), (1_700_000_000_250, 3, "1700000000.25"), (-1250, 3, "-1.25"),
        (5, 3, "0.005"), (120, 2, "1.2"), (7, 0, "7"), (1000, 3, "1"),
    ])
    func scaledNumbersHaveNoExponentAndNoTrailingZeros(_ value: Int64, _ scale: Int, _ expected: String) {
        let out = OutputBuffer(fd: -1)
        out.appendScaled(value, scale: scale)
        #expect(String(decoding: out.bytes, as: UTF8.self) == expected)
    }

    @Test func decimalExtremes() {
        let out = OutputBuffer(fd: -1)
        out.appendDecimal(UInt64.max); out.append(0x20)
        out.appendDecimal(Int64.min); out.append(0x20)
        out.appendDecimal(Int64(0))
        #expect(String(decoding: out.bytes, as: UTF8.self) == "18446744073709551615 -9223372036854775808 0")
    }
}

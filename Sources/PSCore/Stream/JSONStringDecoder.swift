/// Turns the inside of a JSON string (between its quotes, as written) into the UTF-8 bytes it means.
///
/// The parser has validated the text already; this still stays in bounds on anything. A lone
/// surrogate escape (`\ud800` with no low half) is valid JSON grammar but no character: it
/// becomes U+FFFD, as jq does, rather than failing the record.
enum JSONStringDecoder {
    static func decode(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = raw.count
        var i = 0
        var runStart = 0
        while i < n {
            guard raw[i] == 0x5C, i + 1 < n else {
                i += 1
                continue
            }
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[runStart..<i])) }
            let c = raw[i + 1]
            i += 2
            switch c {
            case 0x62: out.append(0x08) // \b
            case 0x66: out.append(0x0C) // \f
            case 0x6E: out.append(0x0A) // \n
            case 0x72: out.append(0x0D) // \r
            case 0x74: out.append(0x09) // \t
            case 0x75: // \uXXXX
                guard let unit = hex4(raw, i) else { appendScalar(0xFFFD, to: &out); break }
                i += 4
                var scalar = UInt32(unit)
                if unit >= 0xD800 && unit <= 0xDBFF {
                    if i + 6 <= n, raw[i] == 0x5C, raw[i + 1] == 0x75, let low = hex4(raw, i + 2), low >= 0xDC00 && low <= 0xDFFF {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if unit >= 0xDC00 && unit <= 0xDFFF {
                    scalar = 0xFFFD
                }
                appendScalar(scalar, to: &out)
            default: out.append(c) // \" \\ \/
            }
            runStart = i
        }
        if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[runStart..<n])) }
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt16? {
        switch c {
        case 0x30...0x39: return UInt16(c - 0x30)
        case 0x41...0x46: return UInt16(c - 0x41 + 10)
        case 0x61...0x66: return UInt16(c - 0x61 + 10)
        default: return nil
        }
    }

    /// Four hex digits at `i`, or nil.
    @inline(__always)
    static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt16? {
        guard i + 4 <= raw.count else { return nil }
        var v: UInt16 = 0
        for k in 0..<4 {
            guard let d = hexValue(raw[i + k]) else { return nil }
            v = v << 4 | d
        }
        return v
    }

    static func appendScalar(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(s >> 6))
            out.append(0x80 | UInt8(s & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(s >> 12))
            out.append(0x80 | UInt8((s >> 6) & 0x3F))
            out.append(0x80 | UInt8(s & 0x3F))
        default:
            out.append(0xF0 | UInt8(s >> 18))
            out.append(0x80 | UInt8((s >> 12) & 0x3F))
            out.append(0x80 | UInt8((s >> 6) & 0x3F))
            out.append(0x80 | UInt8(s & 0x3F))
        }
    }
}

extension OutputBuffer {
    /// Appends `raw` as a JSON string, quotes included. Invalid UTF-8 becomes U+FFFD (one per
    /// maximal invalid subpart, as Unicode recommends); C0, DEL and C1 controls are escaped so that
    /// nothing read from /proc can break a line or drive a terminal.
    public func appendJSONString(_ raw: UnsafeBufferPointer<UInt8>) {
        append(0x22)
        var i = 0
        let n = raw.count
        var runStart = 0
        @inline(__always) func flushRun(_ end: Int) {
            if end > runStart { append(UnsafeBufferPointer(rebasing: raw[runStart..<end])) }
        }
        while i < n {
            let b = raw[i]
            if b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C {
                i += 1
                continue
            }
            if b < 0x80 {
                flushRun(i)
                switch b {
                case 0x22: append("\\\"")
                case 0x5C: append("\\\\")
                case 0x0A: append("\\n")
                case 0x09: append("\\t")
                case 0x0D: append("\\r")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default: appendUnicodeEscape(UInt32(b))
                }
                i += 1
                runStart = i
                continue
            }
            // Multi-byte sequence: validate it.
            let length = UTF8Validation.sequenceLength(raw, at: i)
            if length > 0 {
                if length == 2 && b == 0xC2 && raw[i + 1] < 0xA0 {
                    // U+0080...U+009F: C1 controls.
                    flushRun(i)
                    appendUnicodeEscape(UInt32(raw[i + 1]))
                    i += 2
                    runStart = i
                } else {
                    i += length
                }
            } else {
                flushRun(i)
                append(0xEF); append(0xBF); append(0xBD)
                i += UTF8Validation.invalidSubpartLength(raw, at: i)
                runStart = i
            }
        }
        flushRun(n)
        append(0x22)
    }

    public func appendJSONString(_ raw: [UInt8]) {
        raw.withUnsafeBufferPointer { appendJSONString($0) }
    }

    public func appendJSONString(_ s: String) {
        var s = s
        s.withUTF8 { appendJSONString($0) }
    }

    func appendUnicodeEscape(_ v: UInt32) {
        let hex: StaticString = "0123456789abcdef"
        let h = hex.utf8Start
        append("\\u")
        append(h[Int((v >> 12) & 0xF)])
        append(h[Int((v >> 8) & 0xF)])
        append(h[Int((v >> 4) & 0xF)])
        append(h[Int(v & 0xF)])
    }
}

public enum UTF8Validation {
    /// Length of the valid UTF-8 sequence starting at `i`, or 0 if it is not one.
    @inline(__always)
    public static func sequenceLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = s[i]
        let n = s.count
        @inline(__always) func cont(_ j: Int) -> Bool { j < n && s[j] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(i + 1) ? 2 : 0
        case 0xE0...0xEF:
            guard i + 1 < n else { return 0 }
            let b1 = s[i + 1]
            let lo: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let hi: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            guard b1 >= lo && b1 <= hi && cont(i + 2) else { return 0 }
            return 3
        case 0xF0...0xF4:
            guard i + 1 < n else { return 0 }
            let b1 = s[i + 1]
            let lo: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let hi: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            guard b1 >= lo && b1 <= hi && cont(i + 2) && cont(i + 3) else { return 0 }
            return 4
        default:
            return 0
        }
    }

    /// How many bytes one U+FFFD replaces: the maximal prefix of a valid sequence, at least 1.
    public static func invalidSubpartLength(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = s[i]
        let n = s.count
        let expected: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: expected = 2
        case 0xE0...0xEF:
            expected = 3
            if b0 == 0xE0 { lo = 0xA0 }
            if b0 == 0xED { hi = 0x9F }
        case 0xF0...0xF4:
            expected = 4
            if b0 == 0xF0 { lo = 0x90 }
            if b0 == 0xF4 { hi = 0x8F }
        default: return 1
        }
        var j = i + 1
        if j < n && s[j] >= lo && s[j] <= hi { j += 1 } else { return 1 }
        while j < i + expected && j < n && s[j] & 0xC0 == 0x80 { j += 1 }
        return j - i
    }
}

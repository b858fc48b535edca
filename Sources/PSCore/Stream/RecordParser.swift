#if canImport(Glibc)
import Glibc
#endif

/// Parses one line as a JSON object, validating all of it (RFC 8259) but decoding nothing: it
/// records where each top-level key and value lies and what kind the value is. Values are
/// converted only when a tool asks (`RecordValue.double`, `.withStringBytes`), so a tool that
/// reads three fields of fifty pays for three.
///
/// Choices where JSON leaves room, or where the stream contract is stricter than JSON:
/// - The line must be exactly one object, with optional whitespace around it (a CRLF line's `\r`
///   is whitespace, as in jq). An empty or blank line is an error: pstools(7) has none.
/// - Duplicate keys are kept in the field table; lookups by name take the last, as jq does.
/// - Strings must be valid UTF-8 (an invalid byte is an error at its column): the stream is
///   UTF-8 by contract, and a tool passing a record through writes its bytes unchanged, so
///   accepting bad bytes here would hand them on to every later stage. Escaped lone surrogates
///   (`\ud800`) are valid grammar and are accepted; they decode to U+FFFD, as in jq.
/// - Nesting is followed with an explicit stack, not recursion, and capped (`maxDepth`, the
///   record itself counting 1): a hostile `[[[[...` fails with an error, not a crash.
public final class RecordParser {
    public static let defaultMaxDepth = 512

    public let maxDepth: Int
    /// The field table of the last record parsed, reused for the next.
    private var fields: UnsafeMutablePointer<RecordFieldSpan>
    private var fieldCapacity: Int
    /// One closing bracket per open container inside the record.
    private let stack: UnsafeMutablePointer<UInt8>
    /// The keys of the last good record: the next one is checked against them first.
    public private(set) var layout: RecordLayout

    public init(maxDepth: Int = RecordParser.defaultMaxDepth) {
        self.maxDepth = max(1, maxDepth)
        fieldCapacity = 64
        fields = .allocate(capacity: fieldCapacity)
        stack = .allocate(capacity: self.maxDepth)
        layout = RecordLayout()
    }

    deinit {
        fields.deallocate()
        stack.deallocate()
    }

    /// Parses `line` (without its `\n`). The record is valid until the next call.
    public func parse(_ line: UnsafeBufferPointer<UInt8>) throws(RecordSyntaxError) -> Record {
        let n = line.count
        guard n > 0, let b = line.baseAddress else { throw RecordSyntaxError(column: 1, "empty line") }
        // Offsets are stored in 32 bits; the line reader's cap (16 MiB) is far below.
        guard n < Int(UInt32.max) else { throw RecordSyntaxError(column: 1, "line too long") }
        let s = JSONCursor(b: b, n: n, stack: stack, maxDepth: maxDepth)

        var p = s.skipSpace(0)
        guard p < n else { throw RecordSyntaxError(column: 1, "blank line") }
        guard b[p] == 0x7B else { throw RecordSyntaxError(column: p + 1, "not a JSON object") }
        let openingBrace = p
        p = s.skipSpace(p + 1)

        // Locals, not properties, in the loop: no exclusivity checks per field.
        var fields = self.fields
        var count = 0
        let expected = layout
        var sameKeys = true
        if p < n && b[p] == 0x7D {
            // {}
        } else {
            while true {
                guard p < n, b[p] == 0x22 else {
                    throw RecordSyntaxError(column: p + 1, count == 0 ? "expected a key or '}'" : "expected a key")
                }
                let keyStart = p + 1
                var flags: UInt8 = 0
                let keyEnd: Int
                let probed = sameKeys && count < expected.count && keyStart &+ 16 <= n
                    ? expected.probe(b, keyAt: keyStart, index: count) : 0
                if probed > 0 {
                    // `key":` in one or two compares: the next byte starts the value (or space).
                    keyEnd = keyStart + probed - 2
                    if expected.escaped[count] { flags = RecordFieldSpan.keyEscaped }
                    p = keyEnd + 2
                } else {
                if sameKeys && count < expected.count && expected.matches(b, n, keyAt: keyStart, index: count) {
                    keyEnd = keyStart + Int(expected.offsets[count + 1] &- expected.offsets[count])
                    if expected.escaped[count] { flags = RecordFieldSpan.keyEscaped }
                } else {
                    sameKeys = false
                    let (end, escaped) = try s.scanString(p)
                    keyEnd = end
                    if escaped { flags = RecordFieldSpan.keyEscaped }
                }
                p = keyEnd + 1
                if p < n && b[p] == 0x3A {
                    p += 1
                } else {
                    p = s.skipSpace(p)
                    guard p < n, b[p] == 0x3A else { throw RecordSyntaxError(column: p + 1, "expected ':'") }
                    p += 1
                }
                }
                p = s.skipSpace(p)
                guard p < n else { throw RecordSyntaxError(column: p + 1, "expected a value") }
                let valueStart = p
                let kind: RecordValue.Kind
                switch b[p] {
                case 0x22:
                    let (end, escaped) = try s.scanString(p)
                    p = end + 1
                    kind = .string
                    if escaped { flags |= RecordFieldSpan.valueEscaped }
                case 0x2D, 0x30...0x39:
                    let (end, integer) = s.numberEnd(p)
                    if end < 0 { try s.throwNumberError(p) }
                    p = end
                    kind = .number
                    if integer { flags |= RecordFieldSpan.integerLiteral }
                case 0x74, 0x66:
                    p = try s.scanLiteral(p)
                    kind = .bool
                case 0x6E:
                    p = try s.scanLiteral(p)
                    kind = .null
                case 0x5B:
                    p = try s.skipContainer(p)
                    kind = .array
                case 0x7B:
                    p = try s.skipContainer(p)
                    kind = .object
                default:
                    throw RecordSyntaxError(column: p + 1, "expected a value")
                }
                if count == fieldCapacity { fields = growFields() }
                fields[count] = RecordFieldSpan(
                    keyStart: UInt32(truncatingIfNeeded: keyStart), keyLength: UInt32(truncatingIfNeeded: keyEnd - keyStart),
                    valueStart: UInt32(truncatingIfNeeded: valueStart), valueLength: UInt32(truncatingIfNeeded: p - valueStart),
                    kind: kind, flags: flags)
                count += 1

                if p < n && b[p] == 0x2C {
                    p += 1
                    if p < n && b[p] == 0x22 { continue }
                    p = s.skipSpace(p)
                    continue
                }
                p = s.skipSpace(p)
                guard p < n else { throw RecordSyntaxError(column: p + 1, "expected ',' or '}'") }
                if b[p] == 0x2C {
                    p = s.skipSpace(p + 1)
                    continue
                }
                if b[p] == 0x7D { break }
                throw RecordSyntaxError(column: p + 1, "expected ',' or '}'")
            }
        }
        let closingBrace = p
        p = s.skipSpace(p + 1)
        guard p == n else { throw RecordSyntaxError(column: p + 1, "trailing characters after the object") }

        if !(sameKeys && count == expected.count) {
            layout = RecordLayout(line: b, fields: fields, count: count)
        }
        return Record(line: line, fields: fields, count: count, layout: layout,
                      openingBrace: openingBrace, closingBrace: closingBrace)
    }

    @inline(never)
    private func growFields() -> UnsafeMutablePointer<RecordFieldSpan> {
        let newCapacity = fieldCapacity * 2
        let grown = UnsafeMutablePointer<RecordFieldSpan>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: fields, count: fieldCapacity)
        fields.deallocate()
        fields = grown
        fieldCapacity = newCapacity
        return grown
    }
}

/// The scanning steps of the parser over one line. Each takes the offset where its token starts
/// and returns where it ends, or throws an error pointing at the offending byte.
struct JSONCursor {
    let b: UnsafePointer<UInt8>
    let n: Int
    let stack: UnsafeMutablePointer<UInt8>
    let maxDepth: Int

    @inline(__always)
    func skipSpace(_ start: Int) -> Int {
        var p = start
        while p < n {
            let c = b[p]
            guard c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A else { break }
            p += 1
        }
        return p
    }

    /// For 8 bytes at once: a high bit set in each byte that is `"`, `\`, below 0x20 or above
    /// 0x7F. The lowest set bit marks the first such byte exactly (borrows only run upward).
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (w &- ones &* 0x20) & ~w
        return (isQuote | isBackslash | isControl | w) & (ones &* 0x80)
    }

    /// The string whose opening quote is at `open`: returns its closing quote's offset and
    /// whether it holds an escape.
    @inline(__always)
    func scanString(_ open: Int) throws(RecordSyntaxError) -> (Int, Bool) {
        var p = open + 1
        var escaped = false
        while true {
            while p &+ 8 <= n {
                let special = JSONCursor.specialBytes(UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self))
                if special != 0 {
                    p += special.trailingZeroBitCount >> 3
                    break
                }
                p += 8
            }
            guard p < n else { throw RecordSyntaxError(column: open + 1, "unterminated string") }
            let c = b[p]
            if c == 0x22 { return (p, escaped) }
            if c >= 0x20 && c < 0x7F && c != 0x5C {
                p += 1
                continue
            }
            p = try scanUnusual(p, open: open)
            if c == 0x5C { escaped = true }
        }
    }

    /// An escape, a non-ASCII sequence or a control character inside a string.
    @inline(never)
    func scanUnusual(_ p: Int, open: Int) throws(RecordSyntaxError) -> Int {
        let c = b[p]
        if c == 0x5C {
            guard p + 1 < n else { throw RecordSyntaxError(column: open + 1, "unterminated string") }
            let e = b[p + 1]
            switch e {
            case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                return p + 2
            case 0x75:
                guard p + 6 <= n,
                      JSONStringDecoder.hexValue(b[p + 2]) != nil, JSONStringDecoder.hexValue(b[p + 3]) != nil,
                      JSONStringDecoder.hexValue(b[p + 4]) != nil, JSONStringDecoder.hexValue(b[p + 5]) != nil
                else { throw RecordSyntaxError(column: p + 1, "invalid '\\u' escape: expected 4 hex digits") }
                return p + 6
            default:
                if e > 0x20 && e < 0x7F {
                    throw RecordSyntaxError(column: p + 1, "invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
                throw RecordSyntaxError(column: p + 1, "invalid escape")
            }
        }
        if c < 0x20 { throw RecordSyntaxError(column: p + 1, "control character in string (must be escaped)") }
        if c == 0x7F { return p + 1 }
        let length = UTF8Validation.sequenceLength(UnsafeBufferPointer(start: b, count: n), at: p)
        guard length > 0 else { throw RecordSyntaxError(column: p + 1, "invalid UTF-8 in string") }
        return p + length
    }

    /// For 8 bytes at once: a high bit set in each byte that is not an ASCII digit. The lowest
    /// set bit marks the first such byte exactly (a carry out of a byte, from adding 6 to a byte
    /// at or above 0xFA, can only disturb the bytes after that non-digit).
    @inline(__always)
    static func nonDigitBytes(_ w: UInt64) -> UInt64 {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let threes: UInt64 = 0x3030_3030_3030_3030
        // Zero where the byte is 0x30...0x3F, and where the byte plus 6 is (0x2A...0x39).
        let x = ((w & highNibbles) ^ threes) | (((w &+ 0x0606_0606_0606_0606) & highNibbles) ^ threes)
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return (((x & low7) &+ low7) | x) & 0x8080_8080_8080_8080
    }

    /// How many ASCII digits follow from `start`, 8 bytes at a time (the loop's exit is one branch
    /// per number, not one per digit).
    @inline(__always)
    func digitRun(_ start: Int) -> Int {
        var p = start
        while p &+ 8 <= n {
            let nonDigit = JSONCursor.nonDigitBytes(UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self))
            if nonDigit != 0 { return p - start + nonDigit.trailingZeroBitCount >> 3 }
            p += 8
        }
        while p < n && b[p] &- 0x30 <= 9 { p += 1 }
        return p - start
    }

    /// A number starting at `start`: returns its end and whether it is an integer literal.
    /// Errors point at the number's first byte.
    @inline(__always)
    func scanNumber(_ start: Int) throws(RecordSyntaxError) -> (Int, Bool) {
        let (end, integer) = numberEnd(start)
        if end < 0 { try throwNumberError(start) }
        return (end, integer)
    }

    @inline(never)
    func throwNumberError(_ start: Int) throws(RecordSyntaxError) {
        throw RecordSyntaxError(column: start + 1, "invalid number")
    }

    /// `scanNumber` without throwing (inlined in the parser's loop): the end is -1 when the
    /// number is invalid.
    @inline(__always)
    func numberEnd(_ start: Int) -> (Int, Bool) {
        var p = start
        if b[p] == 0x2D { p += 1 }
        let digits = digitRun(p)
        // `-`, `-x`, and a leading zero followed by digits (`01`).
        guard digits > 0, digits == 1 || b[p] != 0x30 else { return (-1, false) }
        p += digits
        var integer = true
        if p < n {
            var c = b[p]
            if c == 0x2E {
                integer = false
                p += 1
                let fraction = digitRun(p)
                guard fraction > 0 else { return (-1, false) }
                p += fraction
                c = p < n ? b[p] : 0
            }
            if c | 0x20 == 0x65 {
                integer = false
                p += 1
                if p < n && (b[p] == 0x2B || b[p] == 0x2D) { p += 1 }
                let exponent = digitRun(p)
                guard exponent > 0 else { return (-1, false) }
                p += exponent
            }
            // `1.2.3`, `1e5e3`, `1-2`: not a number followed by something else (a digit cannot
            // follow: every run above is whole).
            if p < n {
                let d = b[p]
                if d == 0x2E || d | 0x20 == 0x65 || d == 0x2B || d == 0x2D {
                    return (-1, false)
                }
            }
        }
        return (p, integer)
    }

    /// `true`, `false` or `null` at `start` (chosen by its first byte).
    @inline(__always)
    func scanLiteral(_ start: Int) throws(RecordSyntaxError) -> Int {
        let word: StaticString
        switch b[start] {
        case 0x74: word = "true"
        case 0x66: word = "false"
        default: word = "null"
        }
        let length = word.utf8CodeUnitCount
        guard start + length <= n, memcmp(b + start, word.utf8Start, length) == 0 else {
            throw RecordSyntaxError(column: start + 1, "invalid literal")
        }
        let end = start + length
        // `nullx`, `true1`: one bad word, not a literal followed by garbage.
        if end < n, (b[end] | 0x20) &- 0x61 < 26 || b[end] &- 0x30 <= 9 || b[end] == 0x5F {
            throw RecordSyntaxError(column: start + 1, "invalid literal")
        }
        return end
    }

    /// The array or object whose opening bracket is at `start`, with everything inside it,
    /// followed without recursion. Returns the offset just past its closing bracket.
    @inline(never)
    func skipContainer(_ start: Int) throws(RecordSyntaxError) -> Int {
        var p = start
        var depth = 0 // containers open inside the record
        var state = State.open
        var first = true
        while true {
            switch state {
            case .open:
                // The record is level 1, this container level depth + 2.
                guard depth + 2 <= maxDepth else { throw RecordSyntaxError(column: p + 1, "nesting too deep") }
                let closer: UInt8 = b[p] == 0x7B ? 0x7D : 0x5D
                stack[depth] = closer
                depth += 1
                p = skipSpace(p + 1)
                if p < n && b[p] == closer {
                    p += 1
                    depth -= 1
                    if depth == 0 { return p }
                    state = .after
                } else {
                    first = true
                    state = .element
                }
            case .element:
                let inObject = stack[depth - 1] == 0x7D
                if inObject {
                    guard p < n, b[p] == 0x22 else {
                        throw RecordSyntaxError(column: p + 1, first ? "expected a key or '}'" : "expected a key")
                    }
                    p = skipSpace(try scanString(p).0 + 1)
                    guard p < n, b[p] == 0x3A else { throw RecordSyntaxError(column: p + 1, "expected ':'") }
                    p = skipSpace(p + 1)
                }
                guard p < n else {
                    throw RecordSyntaxError(column: p + 1, first && !inObject ? "expected a value or ']'" : "expected a value")
                }
                state = .after
                switch b[p] {
                case 0x22: p = try scanString(p).0 + 1
                case 0x2D, 0x30...0x39: p = try scanNumber(p).0
                case 0x74, 0x66, 0x6E: p = try scanLiteral(p)
                case 0x5B, 0x7B: state = .open
                default:
                    throw RecordSyntaxError(column: p + 1, first && !inObject ? "expected a value or ']'" : "expected a value")
                }
            case .after:
                p = skipSpace(p)
                let closer = stack[depth - 1]
                let expected = closer == 0x7D ? "expected ',' or '}'" : "expected ',' or ']'"
                guard p < n else { throw RecordSyntaxError(column: p + 1, expected) }
                if b[p] == 0x2C {
                    p = skipSpace(p + 1)
                    first = false
                    state = .element
                } else if b[p] == closer {
                    p += 1
                    depth -= 1
                    if depth == 0 { return p }
                } else {
                    throw RecordSyntaxError(column: p + 1, expected)
                }
            }
        }
    }

    enum State { case open, element, after }
}

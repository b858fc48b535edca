/// Cuts a query into tokens, each with its byte range. Values are lexed on the parser's request
/// (`value()`), because a bare word may hold characters (`- . / : @ +`) that mean nothing elsewhere.
struct QueryLexer {
    enum Kind: Equatable {
        case end, leftParen, rightParen, comma, and, or, not, dots
        case op(QueryOperator)
        /// A name: a field, or `and` `or` `not` `in` where the grammar allows them.
        case name
        /// A character that starts no token.
        case unexpected
    }

    struct Token {
        var kind: Kind
        var start: Int
        var end: Int
    }

    let query: String
    let bytes: [UInt8]
    var position = 0

    init(_ query: String) {
        self.query = query
        bytes = Array(query.utf8)
    }

    func text(_ t: Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }

    func error(_ start: Int, _ end: Int, _ message: String) -> QueryError {
        QueryError(query: query, start: start, end: end, message: message)
    }

    mutating func skipSpace() {
        while position < bytes.count, bytes[position] == 0x20 || (bytes[position] >= 0x09 && bytes[position] <= 0x0D) {
            position += 1
        }
    }

    static func isNameStart(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 || c == 0x5F }
    static func isNameByte(_ c: UInt8) -> Bool { isNameStart(c) || c &- 0x30 <= 9 }
    /// pstools-query(7): a bare word is letters, digits and `_ - . / : @ +`.
    static func isBareByte(_ c: UInt8) -> Bool {
        isNameByte(c) || c == 0x2D || c == 0x2E || c == 0x2F || c == 0x3A || c == 0x40 || c == 0x2B
    }

    /// The next token outside a value.
    mutating func next() -> Token {
        skipSpace()
        let start = position
        guard position < bytes.count else { return Token(kind: .end, start: start, end: start) }
        let c = bytes[position]
        let d: UInt8 = position + 1 < bytes.count ? bytes[position + 1] : 0
        func take(_ n: Int, _ kind: Kind) -> Token {
            position += n
            return Token(kind: kind, start: start, end: position)
        }
        switch c {
        case 0x28: return take(1, .leftParen)
        case 0x29: return take(1, .rightParen)
        case 0x2C: return take(1, .comma)
        case 0x26: return d == 0x26 ? take(2, .and) : take(1, .unexpected)
        case 0x7C: return d == 0x7C ? take(2, .or) : take(1, .unexpected)
        case 0x21:
            if d == 0x3D { return take(2, .op(.notEqual)) }
            if d == 0x7E { return take(2, .op(.notMatches)) }
            return take(1, .not)
        case 0x3D: return d == 0x3D ? take(2, .op(.equal)) : take(1, .unexpected)
        case 0x3C: return d == 0x3D ? take(2, .op(.lessOrEqual)) : take(1, .op(.less))
        case 0x3E: return d == 0x3D ? take(2, .op(.greaterOrEqual)) : take(1, .op(.greater))
        case 0x7E: return take(1, .op(.matches))
        case 0x2E: return d == 0x2E ? take(2, .dots) : take(1, .unexpected)
        default:
            if QueryLexer.isNameStart(c) {
                while position < bytes.count && QueryLexer.isNameByte(bytes[position]) { position += 1 }
                return Token(kind: .name, start: start, end: position)
            }
            // One whole character (a UTF-8 sequence), for the message.
            position += 1
            while position < bytes.count && bytes[position] & 0xC0 == 0x80 { position += 1 }
            return Token(kind: .unexpected, start: start, end: position)
        }
    }

    /// A VALUE: a quoted string or a bare word (a number when it reads as one). nil when none
    /// starts here (the parser says what it expected).
    mutating func value() throws(QueryError) -> QueryValue? {
        skipSpace()
        let start = position
        guard position < bytes.count else { return nil }
        let quote = bytes[position]
        if quote == 0x22 || quote == 0x27 {
            // Inside quotes a backslash escapes the quote and itself; any other backslash stays
            // (so a regular expression's `\.` needs no doubling).
            var text: [UInt8] = []
            position += 1
            while true {
                guard position < bytes.count else { throw error(start, bytes.count, "unterminated string") }
                let c = bytes[position]
                if c == quote { position += 1; break }
                if c == 0x5C, position + 1 < bytes.count, bytes[position + 1] == quote || bytes[position + 1] == 0x5C {
                    text.append(bytes[position + 1])
                    position += 2
                    continue
                }
                text.append(c)
                position += 1
            }
            return QueryValue(text: text, quoted: true, number: nil, integer: nil, start: start, end: position)
        }
        // A bare word ends at the first byte outside the set, or before `..` (a tree operator).
        while position < bytes.count && QueryLexer.isBareByte(bytes[position]) {
            if bytes[position] == 0x2E && position + 1 < bytes.count && bytes[position + 1] == 0x2E { break }
            position += 1
        }
        guard position > start else { return nil }
        let text = Array(bytes[start..<position])
        let (number, integer) = QueryLexer.number(text)
        return QueryValue(text: text, quoted: false, number: number, integer: integer, start: start, end: position)
    }

    /// `-?DIGITS(.DIGITS)?[KMGT]?` or `-?.DIGITS[KMGT]?` (binary suffixes: K = 1024; `.5` as
    /// pssnap's `-i.5` takes it): its value, and its exact integer value when it has one that
    /// fits in Int64.
    static func number(_ t: [UInt8]) -> (Double?, Int64?) {
        var i = 0
        let negative = t.first == 0x2D
        if negative { i = 1 }
        let intStart = i
        while i < t.count && t[i] &- 0x30 <= 9 { i += 1 }
        let startsWithPoint = i == intStart && i + 1 < t.count && t[i] == 0x2E && t[i + 1] &- 0x30 <= 9
        guard i > intStart || startsWithPoint else { return (nil, nil) }
        let intEnd = i
        var fracEnd = i
        if i < t.count && t[i] == 0x2E {
            i += 1
            while i < t.count && t[i] &- 0x30 <= 9 { i += 1 }
            guard i > intEnd + 1 else { return (nil, nil) }
            fracEnd = i
        }
        var power = 0
        if i < t.count {
            switch t[i] {
            case 0x4B: power = 1
            case 0x4D: power = 2
            case 0x47: power = 3
            case 0x54: power = 4
            default: return (nil, nil)
            }
            i += 1
        }
        guard i == t.count else { return (nil, nil) }
        let scale = Double(1 << (10 * power))
        let digits = (intStart == intEnd ? "0" : "") + String(decoding: t[intStart..<fracEnd], as: UTF8.self)
        guard let magnitude = Double(digits) else { return (nil, nil) }
        let value = (negative ? -magnitude : magnitude) * scale
        var exact: Int64? = nil
        if fracEnd == intEnd, let whole = Int64(String(decoding: t[intStart..<intEnd], as: UTF8.self)) {
            let (m, overflow) = whole.multipliedReportingOverflow(by: Int64(1) << (10 * power))
            if !overflow { exact = negative ? -m : m }
        } else if value.rounded() == value, abs(value) < 9.0e18 {
            exact = Int64(value)
        }
        return (value, exact)
    }
}

/// Where one field of a parsed line lies: byte offsets only, nothing decoded.
struct RecordFieldSpan {
    /// The key's bytes between its quotes.
    var keyStart: UInt32 = 0
    var keyLength: UInt32 = 0
    /// The value's bytes exactly as written (quotes included for a string).
    var valueStart: UInt32 = 0
    var valueLength: UInt32 = 0
    var kind: RecordValue.Kind = .null
    var flags: UInt8 = 0

    static let keyEscaped: UInt8 = 1
    /// A string value with at least one backslash escape: it must be decoded to be read.
    static let valueEscaped: UInt8 = 2
    /// A number written without fraction or exponent.
    static let integerLiteral: UInt8 = 4
}

/// One value of a record, undecoded: a view into the line, valid as long as the line is.
///
/// Numbers and strings are converted only when asked, so a tool pays for the fields it reads.
public struct RecordValue {
    public enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    public let kind: Kind
    /// The value exactly as written in the line: `12288000`, `"nginx"` (with quotes), `[1,2]`.
    public let raw: UnsafeBufferPointer<UInt8>
    let flags: UInt8

    init(kind: Kind, raw: UnsafeBufferPointer<UInt8>, flags: UInt8) {
        self.kind = kind
        self.raw = raw
        self.flags = flags
    }

    public var isNull: Bool { kind == .null }

    /// true or false; nil for any other kind.
    public var bool: Bool? {
        kind == .bool ? raw[0] == 0x74 : nil
    }

    /// A number's value, correctly rounded (integers beyond 2^53 lose precision, as in jq);
    /// nil for any other kind.
    @inline(__always)
    public var double: Double? {
        kind == .number ? JSONNumber.double(raw) : nil
    }

    /// The exact value of a number written as an integer (`-0` is 0) that fits in Int64; nil for
    /// `1.0`, `1e3`, integers out of range and any other kind.
    @inline(__always)
    public var int64: Int64? {
        kind == .number && flags & RecordFieldSpan.integerLiteral != 0 ? JSONNumber.int64(raw) : nil
    }

    /// A number written without fraction or exponent.
    public var isIntegerLiteral: Bool { kind == .number && flags & RecordFieldSpan.integerLiteral != 0 }

    /// A string with backslash escapes: its decoded bytes differ from its raw ones.
    public var hasEscapes: Bool { flags & RecordFieldSpan.valueEscaped != 0 }

    /// The bytes between a string's quotes, escapes undecoded.
    public var rawString: UnsafeBufferPointer<UInt8>? {
        guard kind == .string else { return nil }
        return UnsafeBufferPointer(rebasing: raw[1..<(raw.count - 1)])
    }

    /// Calls `body` with a string's decoded UTF-8 bytes: straight from the line when it has no
    /// escapes (the common case, no copy), else from a temporary decoding. nil for other kinds.
    public func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard let inner = rawString else { return nil }
        if !hasEscapes { return try body(inner) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(inner.count)
        JSONStringDecoder.decode(inner, into: &decoded)
        return try decoded.withUnsafeBufferPointer(body)
    }

    /// Appends a string's decoded bytes to `out`; false (and nothing appended) for other kinds.
    @discardableResult
    public func appendDecodedString(to out: inout [UInt8]) -> Bool {
        guard let inner = rawString else { return false }
        if hasEscapes { JSONStringDecoder.decode(inner, into: &out) } else { out.append(contentsOf: inner) }
        return true
    }

    /// A string's decoded text; nil for other kinds. Allocates: prefer `withStringBytes` in loops.
    public var string: String? {
        withStringBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// True when this is a string whose decoded bytes are `bytes`.
    public func stringEquals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withStringBytes { bytesEqual($0, bytes) } ?? false
    }

    /// Calls `body` with each element of an array, in order; does nothing for other kinds.
    /// (`argv` is an array of strings: pscsv joins them with spaces.)
    public func forEachElement(_ body: (RecordValue) throws -> Void) rethrows {
        guard kind == .array else { return }
        var scanner = ValidJSONScanner(raw)
        scanner.position = 1
        while let element = scanner.nextElement() { try body(element) }
    }

    /// Calls `body` with each key (raw, escapes undecoded) and value of an object, in order.
    public func forEachMember(_ body: (UnsafeBufferPointer<UInt8>, RecordValue) throws -> Void) rethrows {
        guard kind == .object else { return }
        var scanner = ValidJSONScanner(raw)
        scanner.position = 1
        while let (key, value) = scanner.nextMember() { try body(key, value) }
    }
}

/// Walks JSON text already validated by the parser, so it checks nothing and cannot fail:
/// it only finds where values start and end, to hand out the elements of nested values.
struct ValidJSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipSpaceAndCommas() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x2C: position += 1
            default: return
            }
        }
    }

    /// The next element of the array being walked, nil at its `]`.
    mutating func nextElement() -> RecordValue? {
        skipSpaceAndCommas()
        guard position < bytes.count, bytes[position] != 0x5D else { return nil }
        return value()
    }

    /// The next key and value of the object being walked, nil at its `}`.
    mutating func nextMember() -> (UnsafeBufferPointer<UInt8>, RecordValue)? {
        skipSpaceAndCommas()
        guard position < bytes.count, bytes[position] == 0x22 else { return nil }
        let keyStart = position + 1
        skipString()
        let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<(position - 1)])
        while position < bytes.count, bytes[position] != 0x3A { position += 1 }
        position += 1
        while position < bytes.count, bytes[position] <= 0x20 { position += 1 }
        return (key, value())
    }

    /// The value at the cursor (after any whitespace); the cursor ends just past it.
    mutating func value() -> RecordValue {
        let start = position
        let kind: RecordValue.Kind
        var flags: UInt8 = 0
        switch bytes[position] {
        case 0x22:
            kind = .string
            if skipString() { flags |= RecordFieldSpan.valueEscaped }
        case 0x7B, 0x5B:
            kind = bytes[position] == 0x7B ? .object : .array
            skipContainer()
        case 0x74, 0x66:
            kind = .bool
            position += bytes[position] == 0x74 ? 4 : 5
        case 0x6E:
            kind = .null
            position += 4
        default:
            kind = .number
            flags |= RecordFieldSpan.integerLiteral
            while position < bytes.count {
                let c = bytes[position]
                if c == 0x2E || c | 0x20 == 0x65 { flags &= ~RecordFieldSpan.integerLiteral }
                guard c == 0x2D || c == 0x2B || c == 0x2E || c | 0x20 == 0x65 || (c >= 0x30 && c <= 0x39) else { break }
                position += 1
            }
        }
        return RecordValue(kind: kind, raw: UnsafeBufferPointer(rebasing: bytes[start..<position]), flags: flags)
    }

    /// Past the string at the cursor; true if it had an escape.
    @discardableResult
    mutating func skipString() -> Bool {
        var escaped = false
        position += 1
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x22 { position += 1; return escaped }
            if c == 0x5C { escaped = true; position += 2 } else { position += 1 }
        }
        return escaped
    }

    /// Past the array or object at the cursor, counting brackets outside strings.
    mutating func skipContainer() {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case 0x22:
                skipString()
                continue
            case 0x5B, 0x7B: depth += 1
            case 0x5D, 0x7D:
                depth -= 1
                if depth == 0 { position += 1; return }
            default: break
            }
            position += 1
        }
    }
}

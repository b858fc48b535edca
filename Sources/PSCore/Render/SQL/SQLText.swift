/// Escaping for SQL text, in one place: string literals, identifiers, JSON text, numbers.
///
/// Every string is written as a standard SQL literal: `'` doubled, everything else as is (a
/// backslash is an ordinary character: PostgreSQL gets `SET standard_conforming_strings = on`
/// first), except CR, written as `char(13)` (`chr(13)`), and U+0000, which neither database can
/// hold in text and which becomes U+FFFD. The stream is valid UTF-8 (the parser checks it), so
/// the literal is too.
enum SQLText {
    static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// `'...'` for a string's decoded bytes.
    @inline(__always)
    static func appendLiteral(_ bytes: UnsafeBufferPointer<UInt8>, dialect: SQLDialect, to out: OutputBuffer) {
        out.append(0x27)
        guard let base = bytes.baseAddress else { out.append(0x27); return }
        let n = bytes.count
        var runStart = 0
        var i = 0
        while i < n {
            let c = base[i]
            if c == 0x27 || c == 0x0D || c == 0 {
                if i > runStart { out.append(base + runStart, count: i - runStart) }
                switch c {
                case 0x27: out.append("''")
                case 0x0D: out.append(dialect.carriageReturn)
                default: out.append(replacementCharacter)
                }
                runStart = i + 1
            }
            i += 1
        }
        if n > runStart { out.append(base + runStart, count: n - runStart) }
        out.append(0x27)
    }

    static func appendLiteral(_ text: String, dialect: SQLDialect, to out: OutputBuffer) {
        Array(text.utf8).withUnsafeBufferPointer { appendLiteral($0, dialect: dialect, to: out) }
    }

    /// A string value as a literal: straight from the line when it has no escapes.
    @inline(__always)
    static func appendLiteral(_ value: RecordValue, dialect: SQLDialect, scratch: inout [UInt8], to out: OutputBuffer) {
        guard let inner = value.rawString else { return }
        if !value.hasEscapes {
            appendLiteral(inner, dialect: dialect, to: out)
            return
        }
        scratch.removeAll(keepingCapacity: true)
        JSONStringDecoder.decode(inner, into: &scratch)
        scratch.withUnsafeBufferPointer { appendLiteral($0, dialect: dialect, to: out) }
    }

    /// JSON text (an array or object as written) as a literal, with every `\u0000` escape made
    /// `\ufffd`: PostgreSQL's jsonb refuses U+0000, and the stream's NUL policy is one everywhere.
    static func appendJSONLiteral(_ raw: UnsafeBufferPointer<UInt8>, dialect: SQLDialect, scratch: inout [UInt8], to out: OutputBuffer) {
        scratch.removeAll(keepingCapacity: true)
        let n = raw.count
        var i = 0
        while i < n {
            let c = raw[i]
            if c == 0x5C, i + 1 < n {
                if raw[i + 1] == 0x75, i + 5 < n, raw[i + 2] == 0x30, raw[i + 3] == 0x30, raw[i + 4] == 0x30, raw[i + 5] == 0x30 {
                    scratch.append(contentsOf: [0x5C, 0x75, 0x66, 0x66, 0x66, 0x64]) // \ufffd
                } else {
                    scratch.append(c)
                    scratch.append(raw[i + 1])
                    i += 2
                    continue
                }
                i += 6
                continue
            }
            scratch.append(c)
            i += 1
        }
        scratch.withUnsafeBufferPointer { appendLiteral($0, dialect: dialect, to: out) }
    }

    /// `"name"` with `"` doubled and U+0000 made U+FFFD: any key is one identifier, never SQL.
    static func identifier(_ name: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for c in name {
            switch c {
            case 0x22: out += [0x22, 0x22]
            case 0: out += replacementCharacter
            default: out.append(c)
            }
        }
        out.append(0x22)
        return out
    }

    static func identifier(_ name: String) -> [UInt8] { identifier(Array(name.utf8)) }

    /// The name a database compares: SQLite folds ASCII case; PostgreSQL cuts a quoted name at
    /// 63 bytes (on a character boundary). Two keys with one folded name are one column.
    static func folded(_ name: [UInt8], dialect: SQLDialect) -> [UInt8] {
        var name = name
        switch dialect {
        case .sqlite:
            for i in name.indices where name[i] >= 0x41 && name[i] <= 0x5A { name[i] |= 0x20 }
        case .postgres:
            if name.count > SQLDialect.postgresIdentifierLimit {
                var end = SQLDialect.postgresIdentifierLimit
                while end > 0 && name[end] & 0xC0 == 0x80 { end -= 1 }
                name.removeSubrange(end...)
            }
        }
        return name
    }
}

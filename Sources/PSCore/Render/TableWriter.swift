/// The two table dialects pscsv and pstsv write (pscsv(1), pstsv(1)). They differ only in the separator and
/// in how a cell that holds a special byte is written.
public enum TableDialect: Sendable {
    /// RFC 4180: a cell holding `,` `"` CR or LF is quoted, with `"` doubled.
    case csv
    /// Tab-separated: `\t` `\n` `\r` `\\` are written as those two characters.
    case tsv

    var separator: UInt8 { self == .csv ? 0x2C : 0x09 }
}

/// Turns records into rows of a table: one formatter, two dialects.
///
/// - Columns are the fields named, or the first record's fields in its order; a record's other
///   fields are ignored and a field it lacks is an empty cell.
/// - null is an empty cell; strings are decoded (escapes resolved, UTF-8); numbers are written as
///   in the record; booleans as true/false; an array's elements are joined by one space (strings
///   decoded, other values as above); an object is its JSON text.
/// - The header is written once, before the first row (or at once when columns are named).
public final class TableWriter {
    public let dialect: TableDialect
    public private(set) var columns: [String]?
    private var keys: [RecordKey] = []
    private let writesHeader: Bool
    private let lineEnd: [UInt8]
    private var scratch: [UInt8] = []
    /// Called with the header line (without its line end) and its line end before the header is
    /// written; it may throw to refuse it (pscsv --append checks the file's existing header), and
    /// returns whether the writer still writes it (false: the hook dealt with it).
    public var willWriteHeader: ((_ line: UnsafeBufferPointer<UInt8>, _ lineEnd: [UInt8]) throws -> Bool)?

    /// `--spreadsheet`: no cell can be a formula or hold a control character (see `appendText`).
    public let spreadsheet: Bool
    private var cell: [UInt8] = []

    public init(dialect: TableDialect, columns: [String]?, header: Bool, crlf: Bool = false, spreadsheet: Bool = false) {
        self.dialect = dialect
        self.spreadsheet = spreadsheet
        self.writesHeader = header
        lineEnd = crlf ? [0x0D, 0x0A] : [0x0A]
        self.columns = nil
        if let columns { setColumns(columns) }
    }

    /// True once the columns are known: named, or taken from the first record.
    public var hasColumns: Bool { columns != nil }

    private func setColumns(_ names: [String]) {
        columns = names
        keys = names.map(RecordKey.init)
    }

    /// Writes the header now if the columns are known and it is wanted (pscsv -f writes it before
    /// any record arrives, so an empty input still gives a file with its header).
    public func start(to out: OutputBuffer) throws {
        guard let columns else { return }
        scratch.removeAll(keepingCapacity: true)
        let header = OutputBuffer(fd: -1, threshold: 0)
        for (i, name) in columns.enumerated() {
            if i > 0 { header.append(dialect.separator) }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: name.utf8)
            scratch.withUnsafeBufferPointer { appendText($0, to: header) }
        }
        try header.bytes.withUnsafeBufferPointer { line in
            let wanted = try willWriteHeader?(line, lineEnd) ?? true
            if writesHeader && wanted {
                out.append(line)
                out.append(lineEnd)
            }
        }
    }

    /// Writes one record as a row (after the header, for the first record when no columns were named).
    public func write(_ record: Record, to out: OutputBuffer) throws {
        if columns == nil {
            var names: [String] = []
            var seen = Set<String>()
            for i in 0..<record.count {
                let name = record.keyString(at: i)
                if seen.insert(name).inserted { names.append(name) }
            }
            setColumns(names)
            try start(to: out)
        }
        for (i, key) in keys.enumerated() {
            if i > 0 { out.append(dialect.separator) }
            if let value = record[key] { appendCell(value, to: out) }
        }
        out.append(lineEnd)
    }

    @inline(__always)
    private func appendCell(_ value: RecordValue, to out: OutputBuffer) {
        switch value.kind {
        case .null:
            break
        case .number, .bool:
            out.append(value.raw)
        case .string:
            if value.hasEscapes {
                scratch.removeAll(keepingCapacity: true)
                value.appendDecodedString(to: &scratch)
                scratch.withUnsafeBufferPointer { appendText($0, to: out) }
            } else {
                appendText(value.rawString!, to: out)
            }
        case .array:
            scratch.removeAll(keepingCapacity: true)
            var first = true
            value.forEachElement { element in
                if !first { scratch.append(0x20) }
                first = false
                switch element.kind {
                case .null: break
                case .string: element.appendDecodedString(to: &scratch)
                default: scratch.append(contentsOf: element.raw)
                }
            }
            scratch.withUnsafeBufferPointer { appendText($0, to: out) }
        case .object:
            appendText(value.raw, to: out)
        }
    }

    /// Appends decoded text as one cell of the dialect. With `--spreadsheet`, a cell that starts
    /// with `=` `+` `-` `@` TAB or CR (what a spreadsheet reads as a formula) gets a `'` in front,
    /// as OWASP advises, and every control character but TAB, LF and CR (C0, DEL, C1: a
    /// terminal's escape sequences) becomes U+FFFD. NUL becomes U+FFFD in every table.
    @inline(__always)
    func appendText(_ text: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        if spreadsheet {
            cell.removeAll(keepingCapacity: true)
            if let first = text.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D {
                cell.append(0x27)
            }
            var i = 0
            while i < text.count {
                let b = text[i]
                if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F {
                    cell.append(contentsOf: Self.replacement)
                } else if b == 0xC2, i + 1 < text.count, text[i + 1] >= 0x80 && text[i + 1] <= 0x9F {
                    cell.append(contentsOf: Self.replacement)
                    i += 1
                } else {
                    cell.append(b)
                }
                i += 1
            }
            cell.withUnsafeBufferPointer { appendCell($0, to: out) }
        } else {
            appendCell(text, to: out)
        }
    }

    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    @inline(__always)
    private func appendCell(_ text: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        switch dialect {
        case .csv: Self.appendCSV(text, to: out)
        case .tsv: Self.appendTSV(text, to: out)
        }
    }

    /// Text with every NUL replaced by U+FFFD, for `body`.
    static func withoutNUL(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var copy: [UInt8] = []
        copy.reserveCapacity(text.count + 8)
        for b in text { if b == 0 { copy.append(contentsOf: replacement) } else { copy.append(b) } }
        copy.withUnsafeBufferPointer(body)
    }

    static func appendCSV(_ text: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        var needsQuotes = false
        for b in text where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D || b == 0 {
            if b == 0 {
                withoutNUL(text) { appendCSV($0, to: out) }
                return
            }
            needsQuotes = true
        }
        guard needsQuotes else { out.append(text); return }
        out.append(0x22)
        var runStart = 0
        for i in 0..<text.count where text[i] == 0x22 {
            // Up to and including the quote, then the quote again.
            out.append(UnsafeBufferPointer(rebasing: text[runStart...i]))
            out.append(0x22)
            runStart = i + 1
        }
        out.append(UnsafeBufferPointer(rebasing: text[runStart...]))
        out.append(0x22)
    }

    static func appendTSV(_ text: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        var runStart = 0
        for i in 0..<text.count {
            let escaped: UInt8
            switch text[i] {
            case 0x09: escaped = 0x74 // t
            case 0x0A: escaped = 0x6E // n
            case 0x0D: escaped = 0x72 // r
            case 0x5C: escaped = 0x5C // backslash
            case 0x00:
                // Never a NUL in the output: U+FFFD.
                if i > runStart { out.append(UnsafeBufferPointer(rebasing: text[runStart..<i])) }
                out.append(replacement)
                runStart = i + 1
                continue
            default: continue
            }
            if i > runStart { out.append(UnsafeBufferPointer(rebasing: text[runStart..<i])) }
            out.append(0x5C)
            out.append(escaped)
            runStart = i + 1
        }
        if runStart < text.count { out.append(UnsafeBufferPointer(rebasing: text[runStart...])) }
    }
}

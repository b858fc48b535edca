/// A query that cannot be parsed or compiled, and where: a byte range of the query text, carried
/// from the lexer through the parser. Only `render` turns it into a line, a column and a caret.
public struct QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The whole query as the user wrote it.
    public var query: String
    /// Byte offsets into the query's UTF-8; `start == end` points between two bytes (the end).
    public var start: Int
    public var end: Int
    /// Lowercase, no period, names in single quotes: `expected a value after '=='`.
    public var message: String

    public init(query: String, start: Int, end: Int, message: String) {
        self.query = query
        self.start = start
        self.end = max(start, end)
        self.message = message
    }

    /// 1-based line and column (in bytes, as jq and compilers count) of `start`.
    public var line: Int { lineAndColumn.line }
    public var column: Int { lineAndColumn.column }

    private var lineAndColumn: (line: Int, column: Int, lineStart: Int) {
        let bytes = Array(query.utf8)
        var line = 1
        var lineStart = 0
        for i in 0..<min(start, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, start - lineStart + 1, lineStart)
    }

    /// `query:1:9: expected a value after '=='`.
    public var description: String { "query:\(line):\(column): \(message)" }

    /// The message jq-style: the position and message, then the query's line, then carets under
    /// the problem (as many as the range has characters, at least one).
    ///
    ///     psfilter: query:1:6: expected a value after '=='
    ///     pid==
    ///          ^
    public func render(toolName: String) -> String {
        let bytes = Array(query.utf8)
        let (_, _, lineStart) = lineAndColumn
        var lineEnd = lineStart
        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let text = Array(bytes[lineStart..<lineEnd])
        return "\(toolName): \(description)\n" + Self.caretLines(text, start: start - lineStart, end: end - lineStart)
    }

    /// One line of text as shown under a message (control characters as spaces), then a caret
    /// line under its bytes `start..<end`: tabs kept so it lines up, one space per character (not
    /// per byte) before the range, one `^` per character in it, at least one. pslabel's rule
    /// errors are drawn the same way.
    static func caretLines(_ text: [UInt8], start: Int, end: Int) -> String {
        var caret: [UInt8] = []
        var i = 0
        while i < min(start, text.count) {
            if text[i] == 0x09 { caret.append(0x09) } else if text[i] & 0xC0 != 0x80 { caret.append(0x20) }
            i += 1
        }
        var width = 0
        i = max(0, start)
        while i < min(end, text.count) {
            if text[i] & 0xC0 != 0x80 { width += 1 }
            i += 1
        }
        caret.append(contentsOf: [UInt8](repeating: 0x5E, count: max(1, width)))
        let shown = text.map { $0 < 0x20 && $0 != 0x09 ? 0x20 : $0 }
        return String(decoding: shown, as: UTF8.self) + "\n" + String(decoding: caret, as: UTF8.self)
    }
}

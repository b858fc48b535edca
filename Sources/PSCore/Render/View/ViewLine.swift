/// What a piece of a line means to the eye; the display turns it into colour, or nothing.
public enum ViewStyle: UInt8, Sendable {
    case plain
    /// The line above each table (time, process count).
    case title
    case header
    /// A process using at least one core (a percent cell of 100 or more).
    case hot
    /// Uninterruptible sleep (state D): stuck in I/O.
    case blocked
    /// A zombie (state Z): ended, not reaped by its parent.
    case zombie
    /// The "more rows" line under a cut table.
    case note

    /// The SGR sequence that starts the style ("" for plain).
    var sgr: String {
        switch self {
        case .plain: return ""
        case .title: return "\u{1B}[1m"
        case .header: return "\u{1B}[1;7m"
        case .hot: return "\u{1B}[1;31m"
        case .blocked: return "\u{1B}[1;33m"
        case .zombie: return "\u{1B}[35m"
        case .note: return "\u{1B}[2m"
        }
    }
}

/// One line of a table: styled pieces of sanitized text, with the columns they take.
public struct ViewLine: Equatable {
    public struct Piece: Equatable {
        public var text: String
        public var width: Int
        public var style: ViewStyle
    }

    public private(set) var pieces: [Piece] = []
    public private(set) var width = 0

    public init() {}

    public init(_ text: String, style: ViewStyle = .plain) {
        append(text, style: style)
    }

    /// Appends sanitized text (callers sanitize what came from a process).
    mutating func append(_ text: String, width: Int? = nil, style: ViewStyle = .plain) {
        guard !text.isEmpty else { return }
        let w = width ?? TerminalText.width(text)
        if let last = pieces.last, last.style == style {
            pieces[pieces.count - 1].text += text
            pieces[pieces.count - 1].width += w
        } else {
            pieces.append(Piece(text: text, width: w, style: style))
        }
        self.width += w
    }

    mutating func appendSpaces(_ n: Int) {
        guard n > 0 else { return }
        append(String(repeating: " ", count: n), width: n)
    }

    /// Cut to at most `columns` columns (the last piece that crosses ends in `…`, or `...` in ASCII).
    mutating func fit(_ columns: Int, ascii: Bool) {
        guard width > columns else { return }
        var kept: [Piece] = [], used = 0
        for piece in pieces {
            if used + piece.width <= columns {
                kept.append(piece)
                used += piece.width
                continue
            }
            let room = columns - used
            if room > 0 {
                let cut = ViewLine.truncate(piece.text, to: room, ascii: ascii)
                let w = TerminalText.width(cut)
                kept.append(Piece(text: cut, width: w, style: piece.style))
                used += w
            }
            break
        }
        pieces = kept
        width = used
    }

    /// Text cut to `columns` with `…` (TerminalText's rule), or `...` for an ASCII display.
    static func truncate(_ text: String, to columns: Int, ascii: Bool) -> String {
        guard ascii else { return TerminalText.truncate(text, to: columns) }
        if TerminalText.width(text) <= columns { return text }
        if columns <= 3 { return String(repeating: ".", count: max(0, columns)) }
        var cut = TerminalText.truncate(text, to: columns - 2)
        if cut.hasSuffix("…") { cut.removeLast() }
        return cut + "..."
    }

    /// The text alone, no escape code, trailing spaces trimmed.
    public var plainText: String {
        var text = pieces.map(\.text).joined()
        while text.last == " " { text.removeLast() }
        return text
    }

    /// The text with SGR colour codes around styled pieces.
    public var coloredText: String {
        var out = ""
        for (i, piece) in pieces.enumerated() {
            var text = piece.text
            if i == pieces.count - 1 { while text.last == " " { text.removeLast() } }
            if piece.style == .plain || text.isEmpty { out += text } else { out += piece.style.sgr + text + "\u{1B}[0m" }
        }
        return out
    }
}

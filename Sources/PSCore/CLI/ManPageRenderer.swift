/// A tool's man page (section 1, man(7) macros) from its option table, so that `--help`, the
/// page and the completions cannot drift apart. man/TOOL.1 is generated from this; a test fails
/// when the committed file is stale.
///
/// Text from the spec comes in three kinds (see `RoffText`): `help`, usage lines and example
/// commands are plain text and are escaped here; `description` and `OptionSpec.doc` may hold
/// inline font markup (`\fB..\fR`) that passes through; `extraSections` bodies are roff, verbatim.
public enum ManPageRenderer {
    public static func render(_ spec: ToolSpec, date: String = "2026-11-21") -> String {
        var page = RoffPage()
        page.comment("Generated from \(spec.name)'s option table by ManPageRenderer: do not edit.")
        page.comment("Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs")
        page.request(".TH", [spec.name.uppercased(), "1", date, "pstools \(ToolSpec.version)", "pstools manual"])
        // Field names, paths and options must not be hyphenated (`Private_Hugetlb`), and ragged
        // right reads better than stretched blanks in a terminal.
        page.line(".nh")
        page.line(".ad l")

        page.section("NAME")
        page.text(spec.name + " - " + spec.summary, as: .plain)

        page.section("SYNOPSIS")
        for (i, usage) in spec.usage.enumerated() {
            if i > 0 { page.line(".br") }
            page.line(synopsisLine(spec.name, usage))
        }

        if !spec.description.isEmpty {
            page.section("DESCRIPTION")
            for (i, paragraph) in spec.description.enumerated() {
                if i > 0 { page.line(".PP") }
                page.text(paragraph, as: .markup, paragraphBreak: ".PP")
            }
        }

        page.section("OPTIONS")
        for option in spec.options {
            page.line(".TP")
            page.line(optionHead(option))
            if let doc = option.doc {
                page.text(doc, as: .markup, paragraphBreak: ".IP")
            } else {
                page.text(sentence(option.help), as: .plain)
            }
        }

        // A tool adds to EXIT STATUS (pssnap's `-- COMMAND` mode) rather than replacing it.
        let exitStatusTitle = "EXIT STATUS"
        for extra in spec.extraSections where extra.title.uppercased() != exitStatusTitle {
            page.section(extra.title.uppercased())
            page.verbatim(extra.roff)
        }

        if !spec.examples.isEmpty {
            page.section("EXAMPLES")
            for example in spec.examples {
                page.line(".PP")
                page.line(".RS 4")
                page.line(".nf")
                page.text(example.command, as: .literal)
                page.line(".fi")
                page.line(".RE")
                page.line(".RS 8")
                page.text(sentence(example.explanation), as: .plain)
                page.line(".RE")
            }
        }

        // pstools(7): the same three statuses for every tool.
        page.section(exitStatusTitle)
        for (status, meaning) in [
            ("0", "Success."),
            ("1", "Runtime trouble: bad input lines, an input file that cannot be opened, "
                + "/proc itself unreadable, a write error."),
            ("2", "Usage error: an unknown option, a bad query."),
        ] {
            page.line(".TP")
            page.line(".B " + status)
            page.text(meaning, as: .plain)
        }
        page.line(".PP")
        page.text("An interrupt (SIGINT, SIGTERM) ends a repeating run after the record or snapshot in progress "
            + "is written whole, with status 0. A closed output pipe ends the tool at once, silently, "
            + "with status 0.", as: .plain)
        for extra in spec.extraSections where extra.title.uppercased() == exitStatusTitle {
            page.verbatim(extra.roff)
        }

        if !spec.seeAlso.isEmpty {
            page.section("SEE ALSO")
            page.line(spec.seeAlso.map(seeAlsoReference).joined(separator: ", "))
        }
        return page.output
    }

    /// `\fB\-i\fR, \fB\-\-interval\fR \fISECONDS\fR`.
    static func optionHead(_ option: OptionSpec) -> String {
        var head = ""
        if let short = option.short {
            head += bold(RoffText.literal.escape("-" + String(short))) + ", "
        }
        head += bold(RoffText.literal.escape("--" + option.long))
        if let value = option.value {
            head += " " + italic(RoffText.literal.escape(value))
        }
        return RoffText.guardLineStart(head)
    }

    /// The tool name in bold, option words in bold, placeholders (`QUERY`, `FILE...`) in italics,
    /// as man-pages(7) asks.
    static func synopsisLine(_ name: String, _ usage: String) -> String {
        var line = bold(RoffText.literal.escape(name))
        var word = ""
        func flushWord() {
            guard !word.isEmpty else { return }
            if word.first == "-" {
                line += bold(RoffText.literal.escape(word))
            } else if word.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) && word.contains(where: \.isUppercase) {
                line += italic(RoffText.literal.escape(word))
            } else {
                line += RoffText.literal.escape(word)
            }
            word = ""
        }
        if !usage.isEmpty { line += " " }
        // Brackets, bars, ellipses and spaces separate words and stay roman.
        for character in usage {
            if character.isLetter || character.isNumber || character == "_" || character == "-" {
                word.append(character)
            } else {
                flushWord()
                line += RoffText.literal.escape(String(character))
            }
        }
        flushWord()
        return line
    }

    /// `psfilter(1)` → `\fBpsfilter\fR(1)`; a bare name is only made bold.
    static func seeAlsoReference(_ reference: String) -> String {
        if reference.hasSuffix(")"), let open = reference.lastIndex(of: "("), open > reference.startIndex {
            let name = reference[..<open]
            let section = reference[reference.index(after: open)..<reference.index(before: reference.endIndex)]
            return bold(RoffText.literal.escape(String(name))) + "(" + RoffText.plain.escape(String(section)) + ")"
        }
        return bold(RoffText.literal.escape(reference))
    }

    /// `help` and example explanations are lowercase fragments for --help's columns; the page
    /// wants sentences.
    static func sentence(_ fragment: String) -> String {
        guard let first = fragment.first else { return fragment }
        let end = fragment.last.map { ".!?".contains($0) } == true ? "" : "."
        return first.uppercased() + fragment.dropFirst() + end
    }

    static func bold(_ roff: String) -> String { "\\fB" + roff + "\\fR" }
    static func italic(_ roff: String) -> String { "\\fI" + roff + "\\fR" }
}

/// How text from a spec becomes roff input.
enum RoffText {
    /// Prose: every character stands for itself. A '-' that starts a word (`-i`, `--strict`,
    /// `nice<-5`) is a minus sign so that it renders, and copies, as ASCII; one inside a word
    /// (`per-process`) stays a hyphen.
    case plain
    /// Something a user types (commands, option names): every '-' is a minus and quotes stay
    /// straight, whatever the output device.
    case literal
    /// Prose that may already hold roff escapes (`\fB..\fR`, `\-`): they pass through; dashes are
    /// treated as in `plain`.
    case markup

    /// Escapes one line's worth of text. Non-ASCII becomes `\[uXXXX]`: groff reads bytes as
    /// Latin-1 unless run through preconv, and rejects some of UTF-8's continuation bytes.
    func escape(_ text: String) -> String {
        let characters = Array(text.unicodeScalars)
        var out = ""
        var i = 0
        // Whether the previous source character was a letter or digit: decides hyphen or minus.
        var afterWordCharacter = false
        while i < characters.count {
            let c = characters[i]
            i += 1
            switch c {
            case "\\" where self == .markup:
                // Copy the escape whole; what it produced is not a word character.
                out.unicodeScalars.append(c)
                let start = i
                i = RoffText.endOfEscape(characters, from: i)
                out.unicodeScalars.append(contentsOf: characters[start..<i])
                afterWordCharacter = false
                continue
            case "\\":
                out += "\\e"
            case "-":
                let beforeWordCharacter = i < characters.count && RoffText.isWordCharacter(characters[i])
                out += self == .literal || !(afterWordCharacter && beforeWordCharacter) ? "\\-" : "-"
            case "'" where self == .literal:
                out += "\\(aq"
            case "`" where self == .literal:
                out += "\\(ga"
            case "~":
                out += "\\(ti"
            case "^":
                out += "\\(ha"
            default:
                if c.isASCII {
                    out.unicodeScalars.append(c)
                } else {
                    out += "\\[u" + RoffText.hex(c.value) + "]"
                }
            }
            afterWordCharacter = RoffText.isWordCharacter(c)
        }
        return out
    }

    /// A line starting with '.' or '\'' would be read as a request.
    static func guardLineStart(_ line: String) -> String {
        line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : line
    }

    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c)
    }

    /// Index after the escape whose backslash is just before `i`: `\x`, `\(xx`, `\[name]`, and the
    /// same forms after `\f` and `\*`.
    static func endOfEscape(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        guard i < s.count else { return i }
        if s[i] == "f" || s[i] == "*" {
            i += 1
            guard i < s.count else { return i }
        }
        switch s[i] {
        case "(":
            return min(i + 3, s.count)
        case "[":
            while i < s.count && s[i] != "]" { i += 1 }
            return min(i + 1, s.count)
        default:
            return i + 1
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Accumulates roff lines.
struct RoffPage {
    private(set) var output = ""

    mutating func line(_ roff: String) {
        output += roff + "\n"
    }

    mutating func comment(_ text: String) {
        line(".\\\" " + text)
    }

    /// A macro with quoted arguments.
    mutating func request(_ name: String, _ arguments: [String]) {
        let quoted = arguments.map { "\"" + RoffText.plain.escape($0).replacingAll("\"", with: "\\(dq") + "\"" }
        line(([name] + quoted).joined(separator: " "))
    }

    mutating func section(_ title: String) {
        let escaped = RoffText.plain.escape(title)
        line(escaped.contains(" ") ? ".SH \"\(escaped)\"" : ".SH \(escaped)")
    }

    /// Text lines, escaped. Blank lines (which roff would print as blank lines) become
    /// `paragraphBreak`, or are dropped when there is none.
    mutating func text(_ text: String, as kind: RoffText, paragraphBreak: String? = nil) {
        var pendingBreak = false
        var wroteLine = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let source = kind == .literal ? String(raw) : trimmed(raw)
            if source.isEmpty {
                pendingBreak = wroteLine
                continue
            }
            if pendingBreak, let paragraphBreak { line(paragraphBreak) }
            pendingBreak = false
            line(RoffText.guardLineStart(kind.escape(source)))
            wroteLine = true
        }
    }

    /// Roff written by hand, as is; only made to end with a newline.
    mutating func verbatim(_ roff: String) {
        var body = roff
        while body.hasSuffix("\n") { body.removeLast() }
        guard !body.isEmpty else { return }
        line(body)
    }

    /// Leading blanks would make roff break the line; trailing ones are invisible noise.
    private func trimmed(_ s: Substring) -> String {
        String(s.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

extension String {
    /// `replacingOccurrences(of:with:)` without Foundation.
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

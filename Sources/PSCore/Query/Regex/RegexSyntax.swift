/// POSIX extended regular expressions (regex(7)), as glibc's regcomp reads them with
/// REG_EXTENDED, parsed into a tree for `RegexProgram`. The query's `~` and `!~` only ask "does
/// it match anywhere", so nothing here records submatches, and backreferences (`\1`...`\9`), the
/// one ERE feature no automaton can decide in linear time, are refused.
///
/// The text is read as Unicode scalars: `.` and a bracket expression match one character (an
/// `é` is one character, as a user expects), never half of one. Differences from glibc, each a
/// decision:
/// - character classes (`[:alpha:]`, `\w`, word boundaries) are ASCII's, as in the C locale the
///   tools run in: `[[:alpha:]]` does not match `é`; `[^[:space:]]` and `.` do;
/// - `.` also matches NUL (a `\u0000` in a JSON string), which glibc's `.` does not;
/// - a repetition count is at most 255 (glibc: 32767), and the whole pattern, repetitions
///   expanded, at most `maxProgramSize` instructions: a pattern is a query, not a program.
indirect enum RegexNode: Equatable {
    case empty
    case scalar(UInt32)
    case set(ScalarSet)
    case assertion(RegexAssertion)
    case concat([RegexNode])
    case alternate([RegexNode])
    /// `x{min,max}`; max nil is unbounded (`*`, `+`, `{m,}`).
    case repetition(RegexNode, min: Int, max: Int?)
}

/// Zero-width tests, decided from the characters on either side of a position.
enum RegexAssertion: UInt8, Equatable {
    /// `^`, `` \` ``: the start of the text (there are no lines: SPEC's strings are one value).
    case textStart
    /// `$`, `\'`: the end of the text.
    case textEnd
    /// `\b`, `\B`, `\<`, `\>`.
    case wordBoundary, notWordBoundary, wordStart, wordEnd
}

/// A set of Unicode scalars as sorted, disjoint, non-adjacent closed ranges, with the ASCII part
/// also as a 128-bit map for the matcher's fast path.
struct ScalarSet: Equatable {
    private(set) var ranges: [ClosedRange<UInt32>] = []
    private(set) var asciiLow: UInt64 = 0
    private(set) var asciiHigh: UInt64 = 0

    static let maxScalar: UInt32 = 0x10FFFF

    init() {}

    init(_ ranges: [ClosedRange<UInt32>]) {
        for r in ranges { insert(r) }
    }

    static let any = ScalarSet([0...maxScalar])

    mutating func insert(_ r: ClosedRange<UInt32>) {
        var lo = r.lowerBound, hi = r.upperBound
        var kept: [ClosedRange<UInt32>] = []
        kept.reserveCapacity(ranges.count + 1)
        var placed = false
        for x in ranges {
            if x.upperBound &+ 1 < lo {
                kept.append(x)
            } else if hi &+ 1 < x.lowerBound {
                if !placed { kept.append(lo...hi); placed = true }
                kept.append(x)
            } else {
                lo = min(lo, x.lowerBound)
                hi = max(hi, x.upperBound)
            }
        }
        if !placed { kept.append(lo...hi) }
        ranges = kept
        guard r.lowerBound <= 127 else { return }
        for c in r.lowerBound...min(r.upperBound, 127) {
            if c < 64 { asciiLow |= 1 << UInt64(c) } else { asciiHigh |= 1 << UInt64(c - 64) }
        }
    }

    mutating func formUnion(_ other: ScalarSet) {
        for r in other.ranges { insert(r) }
    }

    /// Every scalar not in the set.
    var inverted: ScalarSet {
        var out = ScalarSet()
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.insert(next...(r.lowerBound - 1)) }
            next = r.upperBound &+ 1
        }
        if !ranges.isEmpty && ranges.last!.upperBound == ScalarSet.maxScalar { return out }
        if next <= ScalarSet.maxScalar { out.insert(next...ScalarSet.maxScalar) }
        return out
    }

    @inline(__always)
    func contains(_ c: UInt32) -> Bool {
        if c < 64 { return asciiLow & (1 << UInt64(c)) != 0 }
        if c < 128 { return asciiHigh & (1 << UInt64(c - 64)) != 0 }
        // Binary search over the ranges.
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < c { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].lowerBound <= c
    }

    /// The POSIX classes, ASCII only (the C locale's).
    static func named(_ name: String) -> ScalarSet? {
        func s(_ rs: ClosedRange<UInt8>...) -> ScalarSet { ScalarSet(rs.map { UInt32($0.lowerBound)...UInt32($0.upperBound) }) }
        switch name {
        case "alpha": return s(0x41...0x5A, 0x61...0x7A)
        case "upper": return s(0x41...0x5A)
        case "lower": return s(0x61...0x7A)
        case "digit": return s(0x30...0x39)
        case "xdigit": return s(0x30...0x39, 0x41...0x46, 0x61...0x66)
        case "alnum": return s(0x30...0x39, 0x41...0x5A, 0x61...0x7A)
        case "space": return s(0x09...0x0D, 0x20...0x20)
        case "blank": return s(0x09...0x09, 0x20...0x20)
        case "punct": return s(0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E)
        case "print": return s(0x20...0x7E)
        case "graph": return s(0x21...0x7E)
        case "cntrl": return s(0x00...0x1F, 0x7F...0x7F)
        default: return nil
        }
    }

    /// `\w`: ASCII letters, digits and `_`, the characters word boundaries look at.
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
}

/// Why a pattern is refused; the query reports it as `invalid regular expression: ...`.
struct RegexSyntaxError: Error, Equatable {
    var message: String
}

/// Recursive descent with a depth limit (groups and stacked repetitions), so no pattern can
/// exhaust the stack:
///
///     regex  := branch ("|" branch)*
///     branch := piece*
///     piece  := atom ("*" | "+" | "?" | "{m}" | "{m,}" | "{m,n}" | "{,n}")*
///     atom   := "(" regex ")" | "[" bracket "]" | "." | "^" | "$" | "\" char | char
struct RegexParser {
    /// Repetition counts above this are refused (glibc's RE_DUP_MAX is 32767; 255 is POSIX's
    /// minimum and plenty for a process name).
    static let maxCount = 255
    /// Nesting of groups, and the height of the tree (stacked repetitions each add a level).
    static let maxDepth = 100

    private let scalars: [UInt32]
    private var i = 0
    private var depth = 0

    private init(_ pattern: [UInt8]) {
        scalars = RegexParser.decode(pattern)
    }

    static func parse(_ pattern: [UInt8]) throws(RegexSyntaxError) -> RegexNode {
        var p = RegexParser(pattern)
        let (node, _) = try p.parseAlternation()
        if p.i < p.scalars.count {
            // Only an unmatched `(` stops parseAlternation early inside a group; at the top a `)` is
            // an ordinary character (glibc's RE_UNMATCHED_RIGHT_PAREN_ORD), handled in parseAtom.
            throw RegexSyntaxError(message: "unmatched ( or \\(")
        }
        return node
    }

    /// UTF-8 to scalars; an invalid byte is U+FFFD, as in the stream.
    static func decode(_ bytes: [UInt8]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let (c, n) = UTF8Scalar.decode(b, at: i)
                out.append(c)
                i += n
            }
        }
        return out
    }

    private var atEnd: Bool { i >= scalars.count }
    private var peek: UInt32? { i < scalars.count ? scalars[i] : nil }

    /// A node's height, checked as the tree grows, so that the compiler's recursion is bounded too.
    private static func checked(_ node: RegexNode, height: Int) throws(RegexSyntaxError) -> (RegexNode, Int) {
        if height > RegexParser.maxDepth {
            throw RegexSyntaxError(message: "groups and repetitions nested more than \(RegexParser.maxDepth) deep")
        }
        return (node, height)
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> (RegexNode, Int) {
        var (first, height) = try parseBranch()
        var branches = [first]
        while peek == 0x7C {
            i += 1
            let (b, h) = try parseBranch()
            branches.append(b)
            height = max(height, h)
        }
        if branches.count == 1 { first = branches[0]; return (first, height) }
        return try RegexParser.checked(.alternate(branches), height: height + 1)
    }

    private mutating func parseBranch() throws(RegexSyntaxError) -> (RegexNode, Int) {
        var pieces: [RegexNode] = []
        var height = 1
        while let c = peek, c != 0x7C, !(c == 0x29 && depth > 0) {
            let (p, h) = try parsePiece()
            pieces.append(p)
            height = max(height, h)
        }
        switch pieces.count {
        case 0: return (.empty, 1)
        case 1: return (pieces[0], height)
        default: return try RegexParser.checked(.concat(pieces), height: height + 1)
        }
    }

    private static func isRepetition(_ c: UInt32) -> Bool { c == 0x2A || c == 0x2B || c == 0x3F || c == 0x7B }

    private mutating func parsePiece() throws(RegexSyntaxError) -> (RegexNode, Int) {
        guard let c = peek else { return (.empty, 1) }
        if RegexParser.isRepetition(c) {
            throw RegexSyntaxError(message: "invalid preceding regular expression")
        }
        var (node, height) = try parseAtom()
        if case .assertion = node, let op = peek, RegexParser.isRepetition(op), scalars[i - 1] != 0x29 {
            // `^*`, `$+`, `\b?`: nothing to repeat (a group holding one, `(^)*`, is fine), as glibc says.
            throw RegexSyntaxError(message: "invalid preceding regular expression")
        }
        while let op = peek, RegexParser.isRepetition(op) {
            i += 1
            switch op {
            case 0x2A: node = .repetition(node, min: 0, max: nil)
            case 0x2B: node = .repetition(node, min: 1, max: nil)
            case 0x3F: node = .repetition(node, min: 0, max: 1)
            default:
                let (m, n) = try parseInterval()
                node = .repetition(node, min: m, max: n)
            }
            height += 1
            _ = try RegexParser.checked(node, height: height)
        }
        return (node, height)
    }

    /// After `{`: `m}`, `m,}`, `m,n}` or `,n}`.
    private mutating func parseInterval() throws(RegexSyntaxError) -> (Int, Int?) {
        func number() -> Int? {
            var value: Int? = nil
            while let c = peek, c &- 0x30 <= 9 {
                value = min(100_000, (value ?? 0) * 10 + Int(c - 0x30))
                i += 1
            }
            return value
        }
        let m = number()
        var n: Int? = m
        if peek == 0x2C {
            i += 1
            n = number()
        } else if m == nil {
            throw RegexSyntaxError(message: atEnd ? "unmatched \\{" : "invalid content of \\{\\}")
        }
        guard peek == 0x7D else {
            throw RegexSyntaxError(message: atEnd ? "unmatched \\{" : "invalid content of \\{\\}")
        }
        i += 1
        let low = m ?? 0
        if let n, n < low { throw RegexSyntaxError(message: "invalid content of \\{\\}") }
        if low > RegexParser.maxCount || (n ?? 0) > RegexParser.maxCount {
            throw RegexSyntaxError(message: "repetition count above \(RegexParser.maxCount)")
        }
        return (low, n)
    }

    private mutating func parseAtom() throws(RegexSyntaxError) -> (RegexNode, Int) {
        let c = scalars[i]
        i += 1
        if c == 0x28 { // (
            depth += 1
            if depth > RegexParser.maxDepth {
                throw RegexSyntaxError(message: "groups and repetitions nested more than \(RegexParser.maxDepth) deep")
            }
            let inner = try parseAlternation()
            guard peek == 0x29 else { throw RegexSyntaxError(message: "unmatched ( or \\(") }
            i += 1
            depth -= 1
            return inner
        }
        return (try parseSimpleAtom(c), 1)
    }

    private mutating func parseSimpleAtom(_ c: UInt32) throws(RegexSyntaxError) -> RegexNode {
        switch c {
        case 0x2E: return .set(.any)
        case 0x5E: return .assertion(.textStart)
        case 0x24: return .assertion(.textEnd)
        case 0x5B: return .set(try parseBracket())
        case 0x5C:
            guard let e = peek else { throw RegexSyntaxError(message: "trailing backslash") }
            i += 1
            switch e {
            case 0x31...0x39:
                throw RegexSyntaxError(message: "backreferences (\\\(e - 0x30)) are not supported: they cannot be matched in time linear in the text")
            case 0x77: return .set(.word)               // \w
            case 0x57: return .set(ScalarSet.word.inverted) // \W
            case 0x73: return .set(ScalarSet.named("space")!)            // \s
            case 0x53: return .set(ScalarSet.named("space")!.inverted)   // \S
            case 0x62: return .assertion(.wordBoundary)    // \b
            case 0x42: return .assertion(.notWordBoundary) // \B
            case 0x3C: return .assertion(.wordStart)       // \<
            case 0x3E: return .assertion(.wordEnd)         // \>
            case 0x60: return .assertion(.textStart)       // \`
            case 0x27: return .assertion(.textEnd)         // \'
            default: return .scalar(e)                     // \. \* \\ \n (an n), ...
            }
        default:
            return .scalar(c)
        }
    }

    /// After `[`: `^`? then elements up to a `]` (one right after `[` or `[^` is literal).
    private mutating func parseBracket() throws(RegexSyntaxError) -> ScalarSet {
        let unmatched = RegexSyntaxError(message: "unmatched [, [^, [:, [., or [=")
        var set = ScalarSet()
        var negated = false
        if peek == 0x5E { negated = true; i += 1 }
        var first = true
        var lastWasRange = false
        while true {
            guard let c = peek else { throw unmatched }
            if c == 0x5D && !first { i += 1; break }
            first = false
            // One element: a class, a collating element, an equivalence class or a character.
            var start: UInt32
            if c == 0x5B, i + 1 < scalars.count, scalars[i + 1] == 0x3A {
                let name = try bracketName(0x3A, unmatched)
                guard let named = ScalarSet.named(name) else { throw RegexSyntaxError(message: "invalid character class name") }
                if peek == 0x2D, i + 1 < scalars.count, scalars[i + 1] != 0x5D {
                    throw RegexSyntaxError(message: "invalid range end")
                }
                set.formUnion(named)
                lastWasRange = false
                continue
            } else if c == 0x5B, i + 1 < scalars.count, scalars[i + 1] == 0x2E || scalars[i + 1] == 0x3D {
                start = try bracketElement(scalars[i + 1], unmatched)
            } else {
                if c == 0x2D && lastWasRange, i + 1 < scalars.count, scalars[i + 1] != 0x5D {
                    throw RegexSyntaxError(message: "invalid range end")
                }
                start = c
                i += 1
            }
            // A range `a-z`; a `-` before the closing `]` is literal.
            if peek == 0x2D, i + 1 < scalars.count, scalars[i + 1] != 0x5D {
                i += 1
                let e = scalars[i]
                let end: UInt32
                if e == 0x5B, i + 1 < scalars.count, scalars[i + 1] == 0x2E || scalars[i + 1] == 0x3D {
                    end = try bracketElement(scalars[i + 1], unmatched)
                } else if e == 0x5B, i + 1 < scalars.count, scalars[i + 1] == 0x3A {
                    throw RegexSyntaxError(message: "invalid range end")
                } else {
                    end = e
                    i += 1
                }
                guard start <= end else { throw RegexSyntaxError(message: "invalid range end") }
                set.insert(start...end)
                lastWasRange = true
            } else {
                set.insert(start...start)
                lastWasRange = false
            }
        }
        return negated ? set.inverted : set
    }

    /// `[:name:]` (at `[`): the name.
    private mutating func bracketName(_ delimiter: UInt32, _ unmatched: RegexSyntaxError) throws(RegexSyntaxError) -> String {
        i += 2
        var name: [UInt8] = []
        while true {
            guard i + 1 < scalars.count else { throw unmatched }
            if scalars[i] == delimiter && scalars[i + 1] == 0x5D { i += 2; break }
            name.append(scalars[i] < 128 ? UInt8(scalars[i]) : 0x3F)
            i += 1
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// `[.c.]` or `[=c=]` (at `[`): the one character it names (no multi-character collating
    /// elements, as in the C locale).
    private mutating func bracketElement(_ delimiter: UInt32, _ unmatched: RegexSyntaxError) throws(RegexSyntaxError) -> UInt32 {
        i += 2
        let from = i
        while true {
            guard i + 1 < scalars.count else { throw unmatched }
            if scalars[i] == delimiter && scalars[i + 1] == 0x5D { break }
            i += 1
        }
        let count = i - from
        i += 2
        guard count == 1 else { throw RegexSyntaxError(message: "invalid collation character") }
        return scalars[from]
    }
}

/// UTF-8 decoding as the regex reads text: one scalar and its length; a byte that does not
/// start a valid sequence (bad lead, overlong, surrogate, cut short) is U+FFFD, one byte long.
enum UTF8Scalar {
    static let replacement: UInt32 = 0xFFFD

    @inline(__always)
    static func decode(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = b[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let n = b.count - i
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < n else { return nil }
            let x = b[i + k]
            return x & 0xC0 == 0x80 ? UInt32(x & 0x3F) : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            if let c1 = cont(1) { return ((UInt32(b0 & 0x1F) << 6) | c1, 2) }
        case 0xE0...0xEF:
            if let c1 = cont(1), let c2 = cont(2) {
                let c = (UInt32(b0 & 0x0F) << 12) | (c1 << 6) | c2
                if c >= 0x800 && !(0xD800...0xDFFF).contains(c) { return (c, 3) }
            }
        case 0xF0...0xF4:
            if let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
                let c = (UInt32(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
                if c >= 0x10000 && c <= 0x10FFFF { return (c, 4) }
            }
        default:
            break
        }
        return (replacement, 1)
    }
}

/// Recursive descent over the grammar of pstools-query(7):
///
///     query      := or
///     or         := and  ( ("||" | "or")  and )*
///     and        := unary ( ("&&" | "and") unary )*
///     unary      := ("!" | "not") unary | tree
///     tree       := ".."? primary ".."?
///     primary    := "(" query ")" | comparison
///     comparison := FIELD OP VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
///
/// `and`, `or`, `not` and `in` are words only where the grammar expects them, so a field may
/// still be called `in`. Type errors against known numeric fields are caught here.
struct QueryParser {
    /// How deep parentheses and negations may nest: far beyond what a person writes, and safe
    /// under a 1 MiB stack (the parser and the evaluator recurse once per level; a long chain of
    /// `&&` or `||` is not nesting: it becomes a balanced tree).
    static let maxDepth = 100

    var lexer: QueryLexer
    var current: QueryLexer.Token
    private var depth = 0

    init(_ query: String) {
        lexer = QueryLexer(query)
        current = lexer.next()
    }

    static func parse(_ query: String) throws(QueryError) -> QueryNode {
        var p = QueryParser(query)
        let node = try p.parseOr()
        guard p.current.kind == .end else {
            throw p.unexpected(p.current, expecting: p.current.kind == .rightParen ? "an operator or the end of the query" : "'&&', '||' or the end of the query")
        }
        return node
    }

    mutating func advance() { current = lexer.next() }

    func isWord(_ word: StaticString) -> Bool {
        guard current.kind == .name, current.end - current.start == word.utf8CodeUnitCount else { return false }
        for i in 0..<word.utf8CodeUnitCount where lexer.bytes[current.start + i] != word.utf8Start[i] { return false }
        return true
    }

    func unexpected(_ t: QueryLexer.Token, expecting what: String) -> QueryError {
        if t.kind == .end { return lexer.error(t.start, t.end, "expected \(what)") }
        var hint = ""
        let text = lexer.text(t)
        if text == "&" { hint = " (did you mean '&&'?)" } else if text == "|" { hint = " (did you mean '||'?)" }
        else if text == "=" { hint = " (did you mean '=='?)" }
        return lexer.error(t.start, t.end, "unexpected '\(text)': expected \(what)\(hint)")
    }

    mutating func parseOr() throws(QueryError) -> QueryNode {
        var chain = QueryChain(join: QueryNode.or)
        chain.add(try parseAnd())
        while current.kind == .or || isWord("or") {
            advance()
            chain.add(try parseAnd())
        }
        return chain.result
    }

    mutating func parseAnd() throws(QueryError) -> QueryNode {
        var chain = QueryChain(join: QueryNode.and)
        chain.add(try parseUnary())
        while current.kind == .and || isWord("and") {
            advance()
            chain.add(try parseUnary())
        }
        return chain.result
    }

    /// One more level of `(` or `!`; an error past `maxDepth`, pointing at the token that goes too deep.
    mutating func enter(_ token: QueryLexer.Token) throws(QueryError) {
        depth += 1
        if depth > QueryParser.maxDepth {
            throw lexer.error(token.start, token.end, "parentheses and negations nested more than \(QueryParser.maxDepth) deep")
        }
    }

    mutating func parseUnary() throws(QueryError) -> QueryNode {
        if current.kind == .not {
            try enter(current)
            advance()
            defer { depth -= 1 }
            return .not(try parseUnary())
        }
        if isWord("not") {
            // `not` negates unless it is a field being compared (`not==1`).
            var ahead = lexer
            let next = ahead.next()
            if case .op = next.kind {} else if !(next.kind == .name && ahead.text(next) == "in") {
                try enter(current)
                advance()
                defer { depth -= 1 }
                return .not(try parseUnary())
            }
        }
        return try parseTree()
    }

    mutating func parseTree() throws(QueryError) -> QueryNode {
        var ancestors = false
        if current.kind == .dots {
            ancestors = true
            advance()
        }
        let primary = try parsePrimary()
        var descendants = false
        if current.kind == .dots {
            descendants = true
            advance()
        }
        return ancestors || descendants ? .tree(primary, descendants: descendants, ancestors: ancestors) : primary
    }

    mutating func parsePrimary() throws(QueryError) -> QueryNode {
        if current.kind == .leftParen {
            let open = current
            try enter(open)
            advance()
            defer { depth -= 1 }
            let inner = try parseOr()
            guard current.kind == .rightParen else {
                if current.kind == .end {
                    throw lexer.error(open.start, open.end, "unclosed '(': expected ')'")
                }
                throw unexpected(current, expecting: "')'")
            }
            advance()
            return inner
        }
        return .comparison(try parseComparison())
    }

    mutating func parseComparison() throws(QueryError) -> QueryComparison {
        guard current.kind == .name else { throw unexpected(current, expecting: "a field name") }
        let field = lexer.text(current)
        let fieldToken = current
        advance()
        var c = QueryComparison(field: field, op: .equal, values: [], fieldStart: fieldToken.start, fieldEnd: fieldToken.end)
        if case .op(let op) = current.kind {
            c.op = op
            let opToken = current
            guard let v = try lexer.value() else {
                let at = lexer.position
                var end = at
                if at < lexer.bytes.count {
                    end += 1
                    while end < lexer.bytes.count && lexer.bytes[end] & 0xC0 == 0x80 { end += 1 }
                }
                throw lexer.error(at, end, "expected a value after '\(lexer.text(opToken))'")
            }
            c.values = [v]
            advance()
        } else if isWord("in") {
            c.op = .isIn
            advance()
            guard current.kind == .leftParen else { throw unexpected(current, expecting: "'(' after 'in'") }
            while true {
                guard let v = try lexer.value() else {
                    let t = lexer.next()
                    throw unexpected(t, expecting: "a value")
                }
                c.values.append(v)
                advance()
                if current.kind == .comma { continue }
                if current.kind == .rightParen { break }
                throw unexpected(current, expecting: "',' or ')'")
            }
            advance()
        } else {
            throw unexpected(current, expecting: "an operator after '\(field)' (== != < <= > >= ~ !~ in)")
        }
        try typeCheck(c)
        return c
    }

    /// A known numeric field compared with something that is not a number: an error now rather
    /// than a query that silently matches nothing.
    func typeCheck(_ c: QueryComparison) throws(QueryError) {
        guard c.op != .matches, c.op != .notMatches, QueryFields.isNumeric(c.field) else { return }
        for v in c.values where v.number == nil {
            let hint = v.quoted ? "" : Self.suffixHint(v.textString).map { " (did you mean '\($0)'?)" } ?? ""
            throw lexer.error(v.start, v.end, "'\(c.field)' is a number: expected a number, not \(v.quoted ? "a string" : "'\(v.textString)'")\(hint)")
        }
    }

    /// `100MB`, `1.5GiB`, `4kb`: the size a user meant, in the query's own suffixes (`100M`).
    static func suffixHint(_ word: String) -> String? {
        var text = Substring(word)
        for unit in ["iB", "ib", "B", "b"] where text.hasSuffix(unit) {
            text = text.dropLast(unit.count)
            break
        }
        guard let last = text.last, "kKmMgGtT".contains(last) else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, Double(digits) != nil, text != Substring(word) || last.isLowercase else { return nil }
        return String(digits) + last.uppercased()
    }
}

/// `a && b && c && ...` (or `||`) as a balanced tree, so that a chain of any length is only
/// log2(n) deep for the code that walks it (evaluation, field lists), while `a && b && c` is
/// still `(a && b) && c`, evaluated left to right: subtrees of equal height are joined as the
/// terms arrive, then the rest from the left.
struct QueryChain {
    let join: (QueryNode, QueryNode) -> QueryNode
    private var stack: [(node: QueryNode, height: Int)] = []

    init(join: @escaping (QueryNode, QueryNode) -> QueryNode) { self.join = join }

    mutating func add(_ node: QueryNode) {
        stack.append((node, 0))
        while stack.count >= 2 && stack[stack.count - 1].height == stack[stack.count - 2].height {
            let right = stack.removeLast(), left = stack.removeLast()
            stack.append((join(left.node, right.node), left.height + 1))
        }
    }

    var result: QueryNode {
        var node = stack[0].node
        for next in stack.dropFirst() { node = join(node, next.node) }
        return node
    }
}

/// What the query language knows about field names.
public enum QueryFields {
    /// True for the numeric fields the tools write (and any `*_rate`): comparing them with a word is an error.
    public static func isNumeric(_ name: String) -> Bool { FieldTable.isNumeric(name) }
}

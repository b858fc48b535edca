import Testing
@testable import PSCore

/// The grammar, its precedence and its error messages, as tables: query → tree, query → message.
@Suite struct QueryParserTests {
    /// A compact, fully parenthesized form of a parsed query.
    static func show(_ n: QueryNode) -> String {
        switch n {
        case .comparison(let c):
            let values = c.values.map { v in v.quoted ? "'\(v.textString)'" : (v.integer.map(String.init) ?? v.number.map { "\($0)" } ?? v.textString) }
            return c.op == .isIn ? "\(c.field) in [\(values.joined(separator: ","))]" : "\(c.field)\(c.op.rawValue)\(values[0])"
        case .not(let a): return "!\(show(a))"
        case .and(let a, let b): return "(\(show(a)) && \(show(b)))"
        case .or(let a, let b): return "(\(show(a)) || \(show(b)))"
        case .tree(let a, let d, let an): return "\(an ? ".." : "")[\(show(a))]\(d ? ".." : "")"
        }
    }

    static let grammar: [(String, String)] = [
        ("pid==1", "pid==1"),
        ("pid == 1", "pid==1"),
        ("a==1 && b==2 || c==3", "((a==1 && b==2) || c==3)"),
        ("a==1 || b==2 && c==3", "(a==1 || (b==2 && c==3))"),
        ("a==1 or b==2 and c==3", "(a==1 || (b==2 && c==3))"),
        ("!a==1 && b==2", "(!a==1 && b==2)"),
        ("not a==1 or b==2", "(!a==1 || b==2)"),
        ("!(a==1 || b==2)", "!(a==1 || b==2)"),
        ("!!a==1", "!!a==1"),
        ("a==1 && b==2 && c==3", "((a==1 && b==2) && c==3)"),
        ("pid==2610..", "[pid==2610].."),
        ("..pid==2610", "..[pid==2610]"),
        ("..pid==2610..", "..[pid==2610].."),
        ("(comm==sshd).. && user==root", "([comm==sshd].. && user==root)"),
        ("!pid==1..", "![pid==1].."),
        ("((pid==1..) || ppid==3)..", "[([pid==1].. || ppid==3)].."),
        ("rss>100M", "rss>104857600"),
        ("rss>=1.5K", "rss>=1536"),
        ("rss<2G", "rss<2147483648"),
        ("vsize<=1T", "vsize<=1099511627776"),
        ("nice<-5", "nice<-5"),
        ("cpu>0.5", "cpu>0.5"),
        ("comm==nginx", "comm==nginx"),
        ("comm==kworker/0:1-events", "comm==kworker/0:1-events"),
        ("user==a.b@c+d", "user==a.b@c+d"),
        ("comm=='a b'", "comm=='a b'"),
        (#"comm=="say \"hi\"""#, #"comm=='say "hi"'"#),
        (#"comm=='it\'s \\ ok'"#, #"comm=='it's \ ok'"#),
        (#"cmdline~'\.py$'"#, #"cmdline~'\.py$'"#),
        ("comm!~x", "comm!~x"),
        ("pid in (1, 2,3)", "pid in [1,2,3]"),
        ("comm in (bash, 'zsh', fish)", "comm in [bash,'zsh',fish]"),
        ("in==1", "in==1"),
        ("not==1", "not==1"),
        ("my_field!=x", "my_field!=x"),
        ("comm==123", "comm==123"),
        ("comm==12ab", "comm==12ab"),
    ]

    @Test(arguments: grammar)
    func parsesWithSpecPrecedence(_ query: String, _ expected: String) throws {
        #expect(Self.show(try QueryParser.parse(query)) == expected)
    }

    /// (query, first line of the message without the tool, caret line).
    static let errors: [(String, String, String)] = [
        ("pid==", "query:1:6: expected a value after '=='", "     ^"),
        ("comm == ", "query:1:9: expected a value after '=='", "        ^"),
        ("pid==)", "query:1:6: expected a value after '=='", "     ^"),
        ("", "query:1:1: expected a field name", "^"),
        ("pid", "query:1:4: expected an operator after 'pid' (== != < <= > >= ~ !~ in)", "   ^"),
        ("pid=1", "query:1:4: unexpected '=': expected an operator after 'pid' (== != < <= > >= ~ !~ in) (did you mean '=='?)", "   ^"),
        ("pid==1 & ppid==2", "query:1:8: unexpected '&': expected '&&', '||' or the end of the query (did you mean '&&'?)", "       ^"),
        ("(pid==1", "query:1:1: unclosed '(': expected ')'", "^"),
        ("pid==1)", "query:1:7: unexpected ')': expected an operator or the end of the query", "      ^"),
        ("rss>abc", "query:1:5: 'rss' is a number: expected a number, not 'abc'", "    ^^^"),
        ("pid=='1'", "query:1:6: 'pid' is a number: expected a number, not a string", "     ^^^"),
        ("cpu_rate>x", "query:1:10: 'cpu_rate' is a number: expected a number, not 'x'", "         ^"),
        ("pid in (1, x)", "query:1:12: 'pid' is a number: expected a number, not 'x'", "           ^"),
        ("pid in 1", "query:1:8: unexpected '1': expected '(' after 'in'", "       ^"),
        ("comm=='abc", "query:1:7: unterminated string", "      ^^^^"),
        ("comm~'('", "query:1:6: invalid regular expression: unmatched ( or \\(", "     ^^^"),
        ("comm==é..x", "query:1:7: expected a value after '=='", "      ^"),
        ("comm==x && é==1", "query:1:12: unexpected 'é': expected a field name", "           ^"),
        ("a==1 &&\n  b==", "query:2:6: expected a value after '=='", "     ^"),
        ("\tpid==", "query:1:7: expected a value after '=='", "\t     ^"),
        ("pid==1.", "query:1:6: 'pid' is a number: expected a number, not '1.'", "     ^^"),
    ]

    @Test(arguments: errors)
    func errorsPointAtTheProblem(_ query: String, _ message: String, _ caret: String) {
        do {
            _ = try Query(query)
            Issue.record("'\(query)' parsed")
        } catch {
            let lines = error.render(toolName: "psfilter").split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[0] == "psfilter: \(message)")
            #expect(lines.count == 3)
            if lines.count == 3 { #expect(lines[2] == caret) }
        }
    }

    @Test func renderShowsTheQueryLineAndCaret() throws {
        do {
            _ = try Query("comm==nginx && rss>")
        } catch {
            #expect(error.render(toolName: "psfilter") == "psfilter: query:1:20: expected a value after '>'\ncomm==nginx && rss>\n                   ^")
        }
    }

    @Test func treeOperatorKindsAreKnown() throws {
        #expect(try !Query("pid==1").hasTreeOperator)
        #expect(try Query("pid==1..").isStreamable)
        #expect(try Query("(pid==1.. || comm==x..) && user==root").isStreamable)
        #expect(try !Query("..pid==1").isStreamable)
        #expect(try !Query("!(pid==1..)").isStreamable)
        #expect(try Query("!!(pid==1..)").isStreamable)
    }
}

/// Patterns that made glibc's regcomp take exponential time compile at once now, or are refused
/// for their expanded size; ordinary ones compile.
@Suite struct QueryRegexLimitTests {
    @Test(arguments: ["a" + String(repeating: "+", count: 40), "Aio~naEEEEEEEEEEEEEEEEEEEEEEEE+++++++++++++++++++++++++++++++++++++++EEEEEl"])
    func stackedRepetitionsCompile(_ pattern: String) throws {
        _ = try Query("comm~'\(pattern)'")
    }

    @Test(arguments: ["((a{0,255}){0,255}){0,255}", "(a{1,1000}){1,1000}", "(a{1,100}){1,100}"])
    func explosiveRepetitionsAreRefused(_ pattern: String) throws {
        #expect(throws: QueryError.self) { try Query("comm~'\(pattern)'") }
    }

    @Test(arguments: ["^(ba|z)sh$", "a+b*c?", "(a{1,10}){1,100}", "[[:alpha:]]{2,8}[+*]+", "x{3}", #"\.py( |$)"#, "a+++++++++++"])
    func ordinaryPatternsCompile(_ pattern: String) throws {
        _ = try Query("comm~'\(pattern)'")
    }
}

/// `.6` is a number, as pssnap's `-i.5` is; `-.5` and `.5K` too; a lone `.` or `.a` stays a word.
@Suite struct QueryLeadingPointTests {
    @Test func aNumberMayStartWithItsPoint() throws {
        let parser = RecordParser()
        let line = #"{"ts":1,"pid":1,"ppid":0,"utime":0.5,"rss":100,"comm":".","x":".a"}"#
        let snapshot = [Array(line.utf8).withUnsafeBufferPointer { try! parser.parse($0).copy() }]
        for (query, selected) in [("utime<.6", true), ("utime<-.5", false), ("rss<.5K", true), ("comm==.", true), ("x==.a", true)] {
            #expect(try Query(query).select(snapshot) == [selected], "\(query)")
        }
    }
}

import Testing
@testable import PSCore

/// Parses `line` and hands the record to `body` while the bytes are alive.
func withRecord<R>(_ line: [UInt8], parser: RecordParser = RecordParser(), _ body: (Record) throws -> R) throws -> R {
    try line.withUnsafeBufferPointer { try body(try parser.parse($0)) }
}

func withRecord<R>(_ line: String, parser: RecordParser = RecordParser(), _ body: (Record) throws -> R) throws -> R {
    try withRecord(Array(line.utf8), parser: parser, body)
}

/// The syntax error for `line`, or nil if it parses.
func syntaxError(_ line: [UInt8], maxDepth: Int = RecordParser.defaultMaxDepth) -> RecordSyntaxError? {
    let parser = RecordParser(maxDepth: maxDepth)
    return line.withUnsafeBufferPointer { (bytes) -> RecordSyntaxError? in
        do throws(RecordSyntaxError) {
            _ = try parser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }
}

extension RecordValue {
    var text: String { String(decoding: raw, as: UTF8.self) }
}

@Suite struct RecordParserTests {
    // MARK: valid lines

    @Test(arguments: [
        ("{}", 0),
        (#"{"a":1}"#, 1),
        (" \t{\"a\":1}  ", 1),
        ("{\"a\":1}\r", 1),                                      // CRLF: \r is JSON whitespace, as in jq
        (#"{ "a" : 1 , "b" : [ 1 , 2 ] , "c" : { } , "d" : [ ] }"#, 4),
        (#"{"a":{"b":[1,{"c":null}],"e":{}},"d":true,"f":false,"g":null}"#, 4),
        (#"{"s":"héllo €𝄞","t":"\u0000\u001b"}"#, 2),
        ("{\"del\":\"\u{7F}\",\"c1\":\"\u{85}\"}", 2),            // DEL and C1 raw: valid JSON
        (#"{"n":[-0,0.5,1e5,1E+2,1.5e-3,12345678901234567890123]}"#, 1),
        (#"{"":""}"#, 1),
        (#"{"lone":"\ud800","low":"\udc00x"}"#, 2),              // grammar allows lone surrogates
    ])
    func validLinesParse(_ line: String, _ count: Int) throws {
        let n = try withRecord(line) { $0.count }
        #expect(n == count)
    }

    @Test func objectSpansExcludeSurroundingWhitespace() throws {
        try withRecord("  {\"a\":1,\"b\":\"}\"} \r") { r in
            #expect(String(decoding: r.object, as: UTF8.self) == #"{"a":1,"b":"}"}"#)
            #expect(String(decoding: r.objectWithoutClosingBrace, as: UTF8.self) == #"{"a":1,"b":"}""#)
            #expect(r.openingBrace == 2)
            #expect(r.closingBrace == 16)
            #expect(r.line.count == 19)
        }
        try withRecord("{}") { r in
            #expect(r.count == 0)
            #expect(String(decoding: r.objectWithoutClosingBrace, as: UTF8.self) == "{")
        }
    }

    @Test func valuesKeepTheirKindAndRawBytes() throws {
        let line = #"{"n":null,"t":true,"f":false,"i":-12,"x":1.5,"s":"a\"b","a":[1, "x"],"o":{"k":[]}}"#
        try withRecord(line) { r in
            let kinds = (0..<r.count).map { r.value(at: $0).kind }
            #expect(kinds == [.null, .bool, .bool, .number, .number, .string, .array, .object])
            #expect((0..<r.count).map { r.keyString(at: $0) } == ["n", "t", "f", "i", "x", "s", "a", "o"])
            #expect(r["n"]?.isNull == true)
            #expect(r["t"]?.bool == true)
            #expect(r["f"]?.bool == false)
            #expect(r["i"]?.int64 == -12)
            #expect(r["i"]?.double == -12)
            #expect(r["x"]?.int64 == nil)
            #expect(r["x"]?.double == 1.5)
            #expect(r["s"]?.text == #""a\"b""#)
            #expect(r["s"]?.string == #"a"b"#)
            #expect(r["s"]?.hasEscapes == true)
            #expect(r["a"]?.text == #"[1, "x"]"#)
            #expect(r["o"]?.text == #"{"k":[]}"#)
            #expect(r["missing"] == nil)
            #expect(r["s"]?.double == nil)
            #expect(r["i"]?.string == nil)
        }
    }

    // MARK: invalid lines: exact column and message

    @Test(arguments: [
        ("", 1, "empty line"),
        ("   ", 1, "blank line"),
        ("\r", 1, "blank line"),
        ("[1,2]", 1, "not a JSON object"),
        ("42", 1, "not a JSON object"),
        ("  x", 3, "not a JSON object"),
        ("{", 2, "expected a key or '}'"),
        ("{a:1}", 2, "expected a key or '}'"),
        (#"{"a""#, 5, "expected ':'"),
        (#"{"a" 1}"#, 6, "expected ':'"),
        (#"{"a":"#, 6, "expected a value"),
        (#"{"a":}"#, 6, "expected a value"),
        (#"{"a":1"#, 7, "expected ',' or '}'"),
        (#"{"a":1,}"#, 8, "expected a key"),
        (#"{"a":1 "b":2}"#, 8, "expected ',' or '}'"),
        (#"{"a":1]"#, 7, "expected ',' or '}'"),
        (#"{"a":1}x"#, 8, "trailing characters after the object"),
        (#"{"a":1} {"b":2}"#, 9, "trailing characters after the object"),
        (#"{"a":1}}"#, 8, "trailing characters after the object"),
        (#"{"a":"abc"#, 6, "unterminated string"),
        (#"{"abc"#, 2, "unterminated string"),
        (#"{"a":"abc\"#, 6, "unterminated string"),
        (#"{"a":"ab\q"}"#, 9, #"invalid escape '\q'"#),
        (#"{"a":"\u12"}"#, 7, #"invalid '\u' escape: expected 4 hex digits"#),
        (#"{"a":"\u12G4"}"#, 7, #"invalid '\u' escape: expected 4 hex digits"#),
        (#"{"a":"\U0041"}"#, 7, #"invalid escape '\U'"#),
        ("{\"a\":\"x\ty\"}", 8, "control character in string (must be escaped)"),
        ("{\"a\nb\":1}", 4, "control character in string (must be escaped)"),
        (#"{"a":01}"#, 6, "invalid number"),
        (#"{"a":-01}"#, 6, "invalid number"),
        (#"{"a":1.}"#, 6, "invalid number"),
        (#"{"a":1.e5}"#, 6, "invalid number"),
        (#"{"a":-}"#, 6, "invalid number"),
        (#"{"a":-x}"#, 6, "invalid number"),
        (#"{"a":1e}"#, 6, "invalid number"),
        (#"{"a":1e+}"#, 6, "invalid number"),
        (#"{"a":1.5.3}"#, 6, "invalid number"),
        (#"{"a":1e5e3}"#, 6, "invalid number"),
        (#"{"a":1-2}"#, 6, "invalid number"),
        (#"{"a":.5}"#, 6, "expected a value"),
        (#"{"a":+1}"#, 6, "expected a value"),
        (#"{"a":NaN}"#, 6, "expected a value"),
        (#"{"a":Infinity}"#, 6, "expected a value"),
        (#"{"a":'x'}"#, 6, "expected a value"),
        (#"{"a":tru}"#, 6, "invalid literal"),
        (#"{"a":True}"#, 6, "expected a value"),
        (#"{"a":nul"#, 6, "invalid literal"),
        (#"{"a":nullx}"#, 6, "invalid literal"),
        (#"{"a":false1}"#, 6, "invalid literal"),
        (#"{"a":[}"#, 7, "expected a value or ']'"),
        (#"{"a":[1,]}"#, 9, "expected a value"),
        (#"{"a":[1 2]}"#, 9, "expected ',' or ']'"),
        (#"{"a":[1}"#, 8, "expected ',' or ']'"),
        (#"{"a":[1"#, 8, "expected ',' or ']'"),
        (#"{"a":{"b"}}"#, 10, "expected ':'"),
        (#"{"a":{1:2}}"#, 7, "expected a key or '}'"),
        (#"{"a":{"b":1,}}"#, 13, "expected a key"),
        (#"{"a":{"b":1]}"#, 12, "expected ',' or '}'"),
        (#"{"a":[{"b":"\x"}]}"#, 13, #"invalid escape '\x'"#),
        (#"{"a":[[[1,2],[3,]]]}"#, 17, "expected a value"),
    ])
    func invalidLinesReportColumnAndMessage(_ line: String, _ column: Int, _ message: String) {
        let error = syntaxError(Array(line.utf8))
        #expect(error == RecordSyntaxError(column: column, message), "\(line)")
    }

    /// `prefix`, the raw bytes, `suffix`: a line with bytes no Swift string literal can hold.
    static func line(_ prefix: String, _ raw: [UInt8], _ suffix: String) -> [UInt8] {
        Array(prefix.utf8) + raw + Array(suffix.utf8)
    }

    static let invalidUTF8: [([UInt8], Int)] = [
        (line(#"{"a":""#, [0xFF], #""}"#), 7),                       // not UTF-8 at all
        (line(#"{"a":"x"#, [0xC3, 0x28], #""}"#), 8),                // bad continuation
        (line(#"{"a":""#, [0xC3], #""}"#), 7),                       // cut short by the quote
        (line(#"{"a":""#, [0xC0, 0xAF], #""}"#), 7),                 // overlong
        (line(#"{"a":""#, [0xED, 0xA0, 0x80], #""}"#), 7),           // surrogate encoded raw
        (line(#"{"a":""#, [0xF4, 0x90, 0x80, 0x80], #""}"#), 7),     // above U+10FFFF
        (line(#"{""#, [0xFE], #"":1}"#), 3),                         // in a key
        (line(#"{"a":["#, [0x22, 0x80, 0x22], "]}"), 8),             // nested
    ]

    @Test(arguments: invalidUTF8)
    func invalidUTF8IsAnErrorAtItsByte(_ line: [UInt8], _ column: Int) {
        #expect(syntaxError(line) == RecordSyntaxError(column: column, "invalid UTF-8 in string"))
    }

    @Test func syntaxErrorRendersWithFileLineAndColumn() {
        let error = syntaxError(Array(#"{"a":1 "b":2}"#.utf8))!
        #expect(error.description(input: "stdin", line: 1042) == "stdin:1042:8: expected ',' or '}'")
    }

    // MARK: nesting

    @Test func nestingUpToTheCapParsesAndOneMoreFails() {
        func nested(_ levels: Int) -> [UInt8] {
            // The record is level 1; `levels - 1` arrays inside it.
            Array(("{\"a\":" + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "}").utf8)
        }
        #expect(syntaxError(nested(512)) == nil)
        #expect(syntaxError(nested(513)) == RecordSyntaxError(column: 6 + 511, "nesting too deep"))
        #expect(syntaxError(Array(#"{"a":{"b":[1]}}"#.utf8), maxDepth: 3) == nil)
        #expect(syntaxError(Array(#"{"a":{"b":[1]}}"#.utf8), maxDepth: 2) == RecordSyntaxError(column: 11, "nesting too deep"))
        #expect(syntaxError(Array(#"{"a":1}"#.utf8), maxDepth: 1) == nil)
    }

    @Test func hostileDepthFailsWithoutRecursion() {
        // A million brackets: a recursive parser would overflow its stack.
        let line = Array("{\"a\":".utf8) + [UInt8](repeating: 0x5B, count: 1_000_000)
        #expect(syntaxError(line) == RecordSyntaxError(column: 6 + 511, "nesting too deep"))
        let unclosed = Array("{\"a\":".utf8) + [UInt8](repeating: 0x5B, count: 400)
        #expect(syntaxError(unclosed) == RecordSyntaxError(column: 406, "expected a value or ']'"))
    }

    // MARK: numbers

    @Test(arguments: [
        ("0", 0.0, Int64(0) as Int64?),
        ("-0", -0.0, 0),
        ("7", 7, 7),
        ("-12", -12, -12),
        ("12288000", 12_288_000, 12_288_000),
        ("1700001000.25", 1_700_001_000.25, nil),
        ("1.0", 1, nil),
        ("1e5", 100_000, nil),
        ("1E+2", 100, nil),
        ("1.5E-3", 0.0015, nil),
        ("0.1", 0.1, nil),
        ("0.005", 0.005, nil),
        ("0.30000000000000004", 0.30000000000000004, nil),
        ("9007199254740993", 9_007_199_254_740_992, 9_007_199_254_740_993),
        ("9223372036854775807", 9.223372036854775807e18, Int64.max),
        ("-9223372036854775808", -9.223372036854775808e18, Int64.min),
        ("9223372036854775808", 9.223372036854775808e18, nil),
        ("-9223372036854775809", -9.223372036854775809e18, nil),
        ("123456789012345678901234567890", 1.2345678901234568e29, nil),
        ("1.7976931348623157e308", 1.7976931348623157e308, nil),
        ("4.9e-324", .leastNonzeroMagnitude, nil),
        ("2.2250738585072014E-308", 2.2250738585072014e-308, nil),
        ("1e400", .infinity, nil),
        ("-1e400", -.infinity, nil),
        ("1e-400", 0, nil),
        ("0e10", 0, nil),
        ("0.000000000000000000000000000001", 1e-30, nil),
    ])
    func numbersConvertExactly(_ text: String, _ double: Double, _ integer: Int64?) throws {
        try withRecord("{\"n\":\(text)}") { r in
            let v = try #require(r["n"])
            #expect(v.kind == .number)
            #expect(v.text == text)
            let d = try #require(v.double)
            #expect(d == double && d.sign == double.sign, "\(text) gave \(d)")
            #expect(v.int64 == integer)
            #expect(v.isIntegerLiteral == !text.contains(where: { ".eE".contains($0) }))
        }
    }

    @Test func fastPathAgreesWithTheStandardLibrary() {
        // A deterministic pseudo-random walk over the shapes pssnap and users write.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return seed
        }
        for _ in 0..<20_000 {
            var text = next() % 2 == 0 ? "" : "-"
            text += String(next() % (next() % 2 == 0 ? 1_000 : 10_000_000_000_000_000))
            if next() % 2 == 0 { text += "." + String(next() % 1_000_000) }
            if next() % 4 == 0 { text += "e" + String(Int(next() % 60) - 30) }
            let bytes = Array(text.utf8)
            let ours = bytes.withUnsafeBufferPointer { JSONNumber.double($0) }
            let theirs = Double(text)!
            #expect(ours == theirs, "\(text): \(ours) vs \(theirs)")
            if ours != theirs { return }
        }
    }

    // MARK: strings

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""""#, ""),
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\u0000x""#, "\u{0}x"),
        (#""\ud834\udd1e""#, "𝄞"),                   // surrogate pair
        (#""\uD834\uDD1E!""#, "𝄞!"),
        (#""\ud800""#, "\u{FFFD}"),                   // lone high surrogate, as jq
        (#""\ud800x""#, "\u{FFFD}x"),
        (#""\udc00""#, "\u{FFFD}"),                   // lone low surrogate
        (#""\ud800\u0041""#, "\u{FFFD}A"),            // high surrogate then no low one
        (#""\ud800\ud800\udc00""#, "\u{FFFD}𐀀"),
        (#""héllo €𝄞""#, "héllo €𝄞"),
        (#""tab\there \u001b[31mred""#, "tab\there \u{1b}[31mred"),
    ])
    func stringsDecode(_ json: String, _ expected: String) throws {
        try withRecord("{\"s\":\(json)}") { r in
            let v = try #require(r["s"])
            #expect(v.string == expected)
            var out: [UInt8] = [0x3E]
            #expect(v.appendDecodedString(to: &out))
            #expect(out == [0x3E] + Array(expected.utf8))
            #expect(v.hasEscapes == json.contains("\\"))
            #expect(Array(expected.utf8).withUnsafeBufferPointer { v.stringEquals($0) })
        }
    }

    @Test func longStringsCrossingWordBoundariesScanCorrectly() throws {
        // Every special byte at every offset within an 8-byte word, both fast and tail paths.
        for length in 0..<40 {
            for special in [#"\""#, #"\\"#, "é", "\\u00e9"] {
                for at in 0...length {
                    let plain = String(repeating: "x", count: length)
                    let s = String(plain.prefix(at)) + special + String(plain.dropFirst(at))
                    let decoded = try withRecord("{\"k\":\"\(s)\",\"z\":1}") { r in (r["k"]?.string, r["z"]?.int64) }
                    let want = String(plain.prefix(at)) + ["\"", "\\", "é", "é"][[#"\""#, #"\\"#, "é", "\\u00e9"].firstIndex(of: special)!]
                        + String(plain.dropFirst(at))
                    #expect(decoded.0 == want)
                    #expect(decoded.1 == 1)
                }
            }
        }
    }

    // MARK: keys

    @Test func duplicateKeysTheLastOneWins() throws {
        let parser = RecordParser()
        let a = RecordKey("a")
        try withRecord(#"{"a":1,"b":2,"a":3}"#, parser: parser) { r in
            #expect(r.count == 3)
            #expect(r["a"]?.int64 == 3)
            #expect(r[a]?.int64 == 3)
            #expect(r.value(at: 0).int64 == 1)
        }
        try withRecord(#"{"a":1,"b":2,"a":3}"#, parser: parser) { r in #expect(r[a]?.int64 == 3) }
    }

    @Test func escapedKeysAreMatchedByTheirMeaning() throws {
        let rss = RecordKey("rss")
        try withRecord(#"{"\u0072ss":5}"#) { r in
            #expect(r["rss"]?.int64 == 5)
            #expect(r[rss]?.int64 == 5)
            #expect(r.keyString(at: 0) == "rss")
            #expect(String(decoding: r.layout.rawKey(at: 0), as: UTF8.self) == #"\u0072ss"#)
        }
        try withRecord(#"{"rss":1,"\u0072ss":2}"#) { r in #expect(r[rss]?.int64 == 2) }
        try withRecord(#"{"a\"b":1,"é":2}"#) { r in
            #expect(r["a\"b"]?.int64 == 1)
            #expect(r["é"]?.int64 == 2)
        }
    }

    @Test func sameKeysShareALayoutAndKeysFollowLayoutChanges() throws {
        let parser = RecordParser()
        let pid = RecordKey("pid"), rss = RecordKey("rss"), dt = RecordKey("dt")
        let first = try withRecord(#"{"pid":1,"comm":"a","rss":10}"#, parser: parser) { r in
            #expect(r[pid]?.int64 == 1)
            #expect(r[rss]?.int64 == 10)
            #expect(r[dt] == nil)
            return ObjectIdentifier(r.layout)
        }
        let second = try withRecord(#"{ "pid" : 2 , "comm":"b\"","rss":20}"#, parser: parser) { r in
            #expect(r[pid]?.int64 == 2)
            #expect(r[rss]?.int64 == 20)
            return ObjectIdentifier(r.layout)
        }
        #expect(first == second)
        // Other keys: a new layout, and every key finds its field again.
        try withRecord(#"{"rss":30,"pid":3,"dt":1.5}"#, parser: parser) { r in
            #expect(ObjectIdentifier(r.layout) != first)
            #expect(r[pid]?.int64 == 3)
            #expect(r[rss]?.int64 == 30)
            #expect(r[dt]?.double == 1.5)
        }
        // A key that is a prefix, or has a prefix, of the expected one is not taken for it.
        try withRecord(#"{"pi":4,"commx":"c","rs":40}"#, parser: parser) { r in
            #expect(r[pid] == nil)
            #expect(r[rss] == nil)
            #expect(r["pi"]?.int64 == 4)
        }
        try withRecord(#"{"pid":5,"comm":"d","rss":50}"#, parser: parser) { r in
            #expect(r[pid]?.int64 == 5)
            #expect(r[rss]?.int64 == 50)
        }
        // Fewer keys than the layout, same prefix.
        try withRecord(#"{"pid":6}"#, parser: parser) { r in
            #expect(r[pid]?.int64 == 6)
            #expect(r[rss] == nil)
        }
    }

    @Test func aFailedLineDoesNotChangeTheLayout() throws {
        let parser = RecordParser()
        let layout = try withRecord(#"{"a":1,"b":2}"#, parser: parser) { ObjectIdentifier($0.layout) }
        #expect(throws: RecordSyntaxError.self) { try withRecord(#"{"x":1,"#, parser: parser) { _ in } }
        let again = try withRecord(#"{"a":3,"b":4}"#, parser: parser) { ObjectIdentifier($0.layout) }
        #expect(layout == again)
    }

    @Test func manyFieldsGrowTheFieldTable() throws {
        let line = "{" + (0..<1000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        try withRecord(line) { r in
            #expect(r.count == 1000)
            #expect(r["k999"]?.int64 == 999)
            #expect(r["k0"]?.int64 == 0)
        }
    }

    // MARK: nested values

    @Test func arrayElementsAndObjectMembersAreWalked() throws {
        try withRecord(#"{"argv":["/bin/sh","-c","echo \"hi\"",1.5,[2,[3]],{"x":"}"},null,true],"o":{"k":1, "\u006c":"v"}}"#) { r in
            var seen: [String] = []
            r["argv"]?.forEachElement { v in seen.append("\(v.kind):\(v.string ?? v.text)") }
            #expect(seen == ["string:/bin/sh", "string:-c", "string:echo \"hi\"", "number:1.5", "array:[2,[3]]",
                             #"object:{"x":"}"}"#, "null:null", "bool:true"])
            var members: [String] = []
            r["o"]?.forEachMember { k, v in members.append("\(String(decoding: k, as: UTF8.self))=\(v.text)") }
            #expect(members == ["k=1", #"\u006c="v""#])
            var none = 0
            r["o"]?.forEachElement { _ in none += 1 }
            #expect(none == 0)
        }
        try withRecord(#"{"e":[ ]}"#) { r in
            var n = 0
            r["e"]?.forEachElement { _ in n += 1 }
            #expect(n == 0)
        }
    }

    // MARK: keeping records

    @Test func storedRecordsOutliveTheParsersNextLine() throws {
        let parser = RecordParser()
        let comm = RecordKey("comm")
        var line = Array(#" {"pid":1,"comm":"init"}"#.utf8)
        let stored = try line.withUnsafeBufferPointer { try parser.parse($0).copy() }
        for i in line.indices { line[i] = 0x20 } // the original bytes are gone
        _ = try withRecord(#"{"x":[1,2,3],"y":"zzzzzzzzzzzzzzzzzz"}"#, parser: parser) { $0.count }
        let r = stored.record
        #expect(r.count == 2)
        #expect(r["pid"]?.int64 == 1)
        #expect(r[comm]?.string == "init")
        #expect(String(decoding: r.object, as: UTF8.self) == #"{"pid":1,"comm":"init"}"#)
        #expect(stored.objectBytes == Array(#"{"pid":1,"comm":"init"}"#.utf8))
    }

    @Test func passThroughAndAppendWriteTheOriginalBytes() throws {
        let out = OutputBuffer(fd: -1)
        let line = "{\"pid\":1,\"cpu\":1.50,\"s\":\"\\u0041\"}\r"
        try withRecord(line) { r in
            out.append(r.object)
            out.append(0x0A)
            out.append(r.objectWithoutClosingBrace)
            if r.count > 0 { out.append(0x2C) }
            out.append("\"dt\":1}\n")
        }
        try withRecord("{}") { r in
            out.append(r.objectWithoutClosingBrace)
            if r.count > 0 { out.append(0x2C) }
            out.append("\"dt\":1}\n")
        }
        #expect(out.text == "{\"pid\":1,\"cpu\":1.50,\"s\":\"\\u0041\"}\n{\"pid\":1,\"cpu\":1.50,\"s\":\"\\u0041\",\"dt\":1}\n{\"dt\":1}\n")
    }
}

/// The parser's word-at-a-time paths (digit runs, `key":` probes against the last layout) checked
/// against plain definitions on many generated lines, long enough to take those paths and short
/// enough at the end of a line not to.
@Suite struct RecordParserWordPathTests {
    /// RFC 8259's number grammar, written out byte by byte.
    static func isJSONNumber(_ t: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let from = i
            while i < t.count && t[i] >= 0x30 && t[i] <= 0x39 { i += 1 }
            return i - from
        }
        if i < t.count && t[i] == 0x2D { i += 1 }
        guard i < t.count else { return false }
        if t[i] == 0x30 { i += 1 } else if t[i] >= 0x31 && t[i] <= 0x39 { _ = digits() } else { return false }
        if i < t.count && t[i] == 0x2E {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < t.count && (t[i] == 0x65 || t[i] == 0x45) {
            i += 1
            if i < t.count && (t[i] == 0x2B || t[i] == 0x2D) { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == t.count
    }

    @Test func numbersAreAcceptedExactlyWhenTheGrammarSaysSo() {
        // Digits, the grammar's other bytes, and the bytes around the digits (0x2F, 0x3A...0x3F)
        // and 0xFA...0xFF that a word-wide digit test could confuse.
        let alphabet: [UInt8] = Array("0123456789".utf8) + Array("0123456789-+.eE/:;?".utf8) + [0x3F, 0xFA, 0xFF]
        var random = SplitMix64(seed: 20261130)
        let parser = RecordParser()
        var accepted = 0
        for trial in 0..<40_000 {
            let length = 1 + Int(random.next(below: 24))
            var token = (0..<length).map { _ in alphabet[Int(random.next(below: UInt64(alphabet.count)))] }
            if trial % 3 == 0 { token = Array(String(random.next() >> (random.next() % 64)).utf8) + token.prefix(Int(random.next(below: 4))) }
            let expected = Self.isJSONNumber(token)
            // After the token: a comma and a long field (the word paths), or the closing brace at once.
            for tail in [Array(#","pad":"xxxxxxxxxxxxxxxxxxxxxxxx"}"#.utf8), [0x7D]] {
                let line = Array(#"{"n":"#.utf8) + token + tail
                let parsed: (RecordValue.Kind, [UInt8])? = line.withUnsafeBufferPointer { b in
                    guard let r = try? parser.parse(b) else { return nil }
                    return (r.value(at: 0).kind, Array(r.value(at: 0).raw))
                }
                if expected {
                    #expect(parsed?.0 == .number && parsed?.1 == token, "\(String(decoding: token, as: UTF8.self))")
                    accepted += 1
                } else {
                    #expect(parsed == nil, "\(String(decoding: token, as: UTF8.self)) was accepted")
                }
            }
        }
        #expect(accepted > 10_000)
    }

    @Test func keysMatchedAgainstTheLastLayoutAreTheKeysWritten() throws {
        // Keys of every length around the one- and two-word probes, lines that change one byte of a
        // key, put space before the colon or end within 16 bytes of a key: one parser reading them
        // in turn must see what a fresh parser sees in each.
        var random = SplitMix64(seed: 7)
        func key(_ length: Int) -> String {
            String((0..<length).map { _ in "abcpid_".randomElement(using: &random)! })
        }
        let keys = (0...20).map(key) + ["pid", "ppid", "cancelled_write_bytes"]
        let reused = RecordParser()
        var lines: [String] = []
        for _ in 0..<3000 {
            var fields = keys.shuffled(using: &random).prefix(1 + Int(random.next(below: 6))).map { $0 }
            if random.next(below: 3) == 0, let i = fields.indices.randomElement(using: &random), !fields[i].isEmpty {
                var bytes = Array(fields[i].utf8)
                bytes[Int(random.next(below: UInt64(bytes.count)))] = UInt8(ascii: "z")
                fields[i] = String(decoding: bytes, as: UTF8.self)
            }
            let colon = random.next(below: 8) == 0 ? " :" : ":"
            let body = fields.map { "\"\($0)\"\(colon)\(random.next(below: 1000))" }.joined(separator: ",")
            lines.append("{" + body + "}")
            if random.next(below: 2) == 0 { lines.append(lines.last!) } // the same layout again
        }
        for line in lines {
            let bytes = Array(line.utf8)
            let ours = try bytes.withUnsafeBufferPointer { b in
                let r = try reused.parse(b)
                return (0..<r.count).map { (r.keyString(at: $0), Array(r.value(at: $0).raw)) }
            }
            let freshParser = RecordParser() // a record lives no longer than its parser
            let fresh = try bytes.withUnsafeBufferPointer { b in
                let r = try freshParser.parse(b)
                return (0..<r.count).map { (r.keyString(at: $0), Array(r.value(at: $0).raw)) }
            }
            #expect(ours.map(\.0) == fresh.map(\.0), "\(line)")
            #expect(ours.map(\.1) == fresh.map(\.1), "\(line)")
        }
    }
}

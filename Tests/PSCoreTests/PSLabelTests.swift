import Foundation
import Testing
@testable import PSCore

/// pslabel in-process on hand-written streams: exact output, byte for byte.
@Suite struct PSLabelTests {
    static func run(_ args: [String], _ input: String) throws -> InProcessRun {
        try StreamToolRun.run(PSLabel.spec, { try PSLabel.run($0, output: $1, diagnostics: $2) }, args, inputs: [input])
    }

    static func lines(_ l: [String]) -> String { l.map { $0 + "\n" }.joined() }

    static func rec(_ ts: Int, _ pid: Int, _ ppid: Int, _ comm: String) -> String {
        "{\"ts\":\(ts),\"pid\":\(pid),\"ppid\":\(ppid),\"comm\":\"\(comm)\"}"
    }

    static func labelled(_ record: String, _ label: String?, name: String = "label") -> String {
        String(record.dropLast()) + ",\"\(name)\":" + (label.map { "\"\($0)\"" } ?? "null") + "}"
    }

    /// 1 init → 2 nginx → 3 nginx worker → 4 sh; 5 postgres; 6 cron.
    static let tree = [rec(1, 1, 0, "init"), rec(1, 2, 1, "nginx"), rec(1, 3, 2, "worker"), rec(1, 4, 3, "sh"),
                       rec(1, 5, 1, "postgres"), rec(1, 6, 1, "cron")]

    @Test func aRuleErrorsCaretSpansCharactersNotBytes() {
        // `é` is two bytes: a caret under `éé` is two characters wide, as psfilter draws it.
        let error = LabelRuleError(source: "rules", line: 1, column: 7, message: "bad", text: "web\tx éé y", width: 4)
        #expect(error.render(toolName: "pslabel") == "pslabel: rules:1:7: bad\nweb\tx éé y\n   \t  ^^")
    }

    @Test func firstMatchingRuleWinsAndTheRestAreNull() throws {
        let r = try Self.run(["-e", "web comm==nginx..", "-e", "db comm==postgres", "-e", "shell comm==sh"], Self.lines(Self.tree))
        #expect(r.status == 0)
        #expect(r.output == Self.lines([
            Self.labelled(Self.tree[0], nil), Self.labelled(Self.tree[1], "web"), Self.labelled(Self.tree[2], "web"),
            Self.labelled(Self.tree[3], "web"), Self.labelled(Self.tree[4], "db"), Self.labelled(Self.tree[5], nil),
        ]))
    }

    @Test func ancestorRulesWaitForTheSnapshotAndStillLabelInInputOrder() throws {
        let r = try Self.run(["-n", "role", "-e", "above ..comm==sh", "-e", "rest pid>0"], Self.lines(Self.tree + [Self.rec(2, 9, 0, "sh")]))
        #expect(r.output == Self.lines([
            Self.labelled(Self.tree[0], "above", name: "role"), Self.labelled(Self.tree[1], "above", name: "role"),
            Self.labelled(Self.tree[2], "above", name: "role"), Self.labelled(Self.tree[3], "above", name: "role"),
            Self.labelled(Self.tree[4], "rest", name: "role"), Self.labelled(Self.tree[5], "rest", name: "role"),
            Self.labelled(Self.rec(2, 9, 0, "sh"), "above", name: "role"),
        ]))
    }

    @Test func descendantRulesAreRightWhenTheInputIsNotInTreeOrder() throws {
        // The worker comes before its parent nginx: it is held until the snapshot ends.
        let shuffled = [Self.tree[0], Self.tree[3], Self.tree[2], Self.tree[1], Self.tree[4], Self.rec(2, 2, 1, "nginx")]
        let r = try Self.run(["-e", "web comm==nginx..", "-e", "other pid>0"], Self.lines(shuffled))
        #expect(r.output == Self.lines([
            Self.labelled(shuffled[0], "other"), Self.labelled(shuffled[1], "web"), Self.labelled(shuffled[2], "web"),
            Self.labelled(shuffled[3], "web"), Self.labelled(shuffled[4], "other"), Self.labelled(shuffled[5], "web"),
        ]))
    }

    @Test func quotedLabelsAndAnEmptyRecord() throws {
        let r = try Self.run(["-e", #""my app" pid==1"#, "-e", #"'it\'s' pid==2"#], Self.lines([Self.tree[0], Self.tree[1], "{}"]))
        #expect(r.output == Self.lines([Self.labelled(Self.tree[0], "my app"), Self.labelled(Self.tree[1], "it's"), #"{"label":null}"#]))
    }

    @Test func rulesComeInCommandLineOrderFilesInTheirPlace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pslabel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("r.conf").path
        try "# comment\n\n   # indented comment\nfromfile comm==nginx\r\nlater pid>0\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try Self.run(["-e", "first comm==postgres", "-r", rules, "-e", "last pid>0"], Self.lines(Array(Self.tree.prefix(2)) + [Self.tree[4]]))
        #expect(r.output == Self.lines([Self.labelled(Self.tree[0], "later"), Self.labelled(Self.tree[1], "fromfile"), Self.labelled(Self.tree[4], "first")]))
    }

    @Test(arguments: [
        ("web comm==", 11, "expected a value after '=='"),
        ("web", 4, "expected a query after the label"),
        ("web   ", 7, "expected a query after the label"),
        ("(web) pid==1", 1, "expected a label (a word of letters, digits and _ - . / : @ +, or a quoted string), not '('"),
        ("\"web pid==1", 1, "unterminated quoted label"),
        ("\"web\"pid==1", 6, "expected a space between the label and its query"),
        ("web pid==1 &&", 14, "expected a field name"),
    ])
    func badRulesPointAtTheirColumn(text: String, column: Int, message: String) {
        do {
            _ = try LabelRules.parse(text, source: "r.conf", line: 3, origin: "")
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.description == "r.conf:3:\(column): \(message)")
        }
    }

    @Test func aBadRuleInAFileIsFileLineColumnAndExitTwoBeforeAnyInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pslabel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("images.conf").path
        try "web comm==nginx..\n\n  db   comm=postgres\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try Self.run(["-r", rules], "not json\n")
        #expect(r.status == 2)
        #expect(r.output == "")
        #expect(r.errors.first?.hasPrefix("pslabel: \(rules):3:12: unexpected '='") == true, "\(r.errors)")
        #expect(r.errors.first?.hasSuffix("\n  db   comm=postgres\n           ^") == true, "\(r.errors)")
        let missing = try Self.run(["-r", dir.appendingPathComponent("none").path], "")
        #expect(missing.status == 2)
        #expect(missing.errors.first?.hasSuffix("none: cannot open rules file: No such file or directory") == true, "\(missing.errors)")
    }

    @Test func noRulesIsAUsageError() throws {
        let r = try Self.run([], "")
        #expect(r.status == 2)
        #expect(r.errors.first == "no rules: give -e 'LABEL QUERY' or -r RULES_FILE")
        let known = try Self.run(["-n", "ts", "-e", "x pid>0"], "")
        #expect(known.status == 2)
        #expect(known.errors.first == "option '-n': 'ts' is a field the tools write; choose another name")
    }

    @Test func treeRulesNeedTsAndAPid() throws {
        // No ppid: a root. A pid out of range: a bad record, never another pid.
        let r = try Self.run(["-e", "x pid==1.."], Self.lines([#"{"ts":1,"pid":4294967297,"ppid":0}"#, Self.tree[0]]))
        #expect(r.status == 1)
        #expect(r.output == Self.lines([Self.labelled(Self.tree[0], "x")]))
        #expect(r.errors == ["in1.ndjson:1:15: field 'pid' is out of range (0 to 2147483647): 4294967297 (a tree rule needs ts and pid)"])
    }
}

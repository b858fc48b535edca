import Foundation
import Testing
@testable import PSCore

/// pscsv and pstsv in-process: one formatter, two dialects.
@Suite struct TableWriterTests {
    func csv(_ inputs: String..., args: [String] = []) throws -> InProcessRun {
        try StreamToolRun.run(PSCSV.spec, PSCSV.run, args, inputs: inputs)
    }

    func tsv(_ inputs: String..., args: [String] = []) throws -> InProcessRun {
        try StreamToolRun.run(PSTSV.spec, PSTSV.run, args, inputs: inputs)
    }

    static let hostile = #"{"pid":1,"cmdline":"a,b \"q\" c\td\\e\nf\rg é","argv":["x y","z,\"w\"",null,3],"tty":null,"ok":true,"o":{"k":[1,"v"]},"n":-1.50}"#

    @Test func csvQuotesCellsWithCommasQuotesAndLineBreaks() throws {
        let r = try csv(Self.hostile + "\n")
        #expect(r.status == 0 && r.errors == [])
        #expect(r.output == "pid,cmdline,argv,tty,ok,o,n\n"
            + "1,\"a,b \"\"q\"\" c\td\\e\nf\rg é\",\"x y z,\"\"w\"\"  3\",,true,\"{\"\"k\"\":[1,\"\"v\"\"]}\",-1.50\n")
    }

    @Test func tsvEscapesTabsLineBreaksAndBackslashes() throws {
        let r = try tsv(Self.hostile + "\n")
        #expect(r.output == "pid\tcmdline\targv\ttty\tok\to\tn\n"
            + "1\ta,b \"q\" c\\td\\\\e\\nf\\rg é\tx y z,\"w\"  3\t\ttrue\t{\"k\":[1,\"v\"]}\t-1.50\n")
    }

    @Test func namedColumnsPickAndOrderFieldsAndMissingOnesAreEmpty() throws {
        let input = """
            {"ts":1,"pid":10,"comm":"a","rss":100}
            {"ts":1,"pid":11,"rss":200,"extra":"ignored"}

            """
        #expect(try csv(input, args: ["-f", "rss,pid,comm,nosuch"]).output == "rss,pid,comm,nosuch\n100,10,a,\n200,11,,\n")
        #expect(try csv(input, args: ["-f", "rss", "-f", "pid"]).output == "rss,pid\n100,10\n200,11\n")
    }

    @Test func defaultColumnsAreTheFirstRecordsFieldsAndLaterExtrasAreIgnored() throws {
        let input = """
            {"ts":1,"pid":10,"comm":"a"}
            {"pid":11,"ts":2,"new":1}

            """
        #expect(try tsv(input).output == "ts\tpid\tcomm\n1\t10\ta\n2\t11\t\n")
    }

    @Test func theHeaderIsWrittenOnceAcrossSnapshotsAndFiles() throws {
        let a = "{\"ts\":1,\"pid\":1}\n{\"ts\":2,\"pid\":1}\n"
        let b = "{\"ts\":3,\"pid\":1}\n"
        #expect(try csv(a, b).output == "ts,pid\n1,1\n2,1\n3,1\n")
        #expect(try csv(a, b, args: ["--no-header"]).output == "1,1\n2,1\n3,1\n")
        #expect(try csv(a, args: ["--crlf"]).output == "ts,pid\r\n1,1\r\n2,1\r\n")
    }

    @Test func namedColumnsGiveAHeaderEvenWithNoRecords() throws {
        #expect(try csv("", args: ["-f", "ts,pid"]).output == "ts,pid\n")
        #expect(try csv("").output == "")
    }

    @Test func escapedStringsAreDecoded() throws {
        let r = try csv(#"{"s":"\u00e9\u0041\"\/\ud83d\ude00\ud800"}"# + "\n")
        #expect(r.output == "s\n\"éA\"\"/😀\u{FFFD}\"\n")
    }

    @Test func badLinesAreReportedAndSkipped() throws {
        let r = try csv("{\"a\":1}\nnope\n{\"a\":2}\n")
        #expect(r.status == 1)
        #expect(r.errors == ["in1.ndjson:2:1: not a JSON object"])
        #expect(r.output == "a\n1\n2\n")
    }

    @Test func anEmptyFieldNameIsAUsageError() throws {
        let r = try csv("", args: ["-f", "pid,,rss"])
        #expect(r.status == 2)
        #expect(r.errors.first == "option '-f' takes FIELD,FIELD,... with no empty name, not 'pid,,rss'")
    }

    @Test func appendWritesTheHeaderOnlyToAnEmptyFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-append-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let one = "{\"ts\":1,\"pid\":10,\"rss\":5}\n"
        let two = "{\"ts\":2,\"pid\":10,\"rss\":6}\n"
        #expect(try csv(one, args: ["-a", path]).output == "")
        #expect(try csv(two, args: ["-a", path]).status == 0)
        #expect(try csv(two, args: ["-f", "ts,pid,rss", "--append", path]).status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "ts,pid,rss\n1,10,5\n2,10,6\n2,10,6\n")
        // Another table is refused, and the file is left as it was.
        let other = try csv(two, args: ["-f", "pid,rss", "-a", path])
        #expect(other.status == 1)
        #expect(other.errors == ["'\(path)' starts with another header; appending nothing (its header: ts,pid,rss)"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "ts,pid,rss\n1,10,5\n2,10,6\n2,10,6\n")
    }
}

import Foundation
import Testing
@testable import PSCore

/// pssql in-process: the SQL text, byte for byte where it matters.
struct PSSQLTests {
    func run(_ args: [String] = [], _ input: String) throws -> InProcessRun {
        try StreamToolRun.run(PSSQL.spec, PSSQL.run, args, inputs: [input])
    }

    func literal(_ s: String, _ dialect: SQLDialect = .sqlite) -> String {
        let out = OutputBuffer(fd: -1)
        Array(s.utf8).withUnsafeBufferPointer { SQLText.appendLiteral($0, dialect: dialect, to: out) }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("'); DROP TABLE record; --", "'''); DROP TABLE record; --'"),
        ("back\\slash\\'", "'back\\slash\\'''"),
        ("line\nbreak", "'line\nbreak'"),
        ("cr\r\nlf", "'cr'||char(13)||'\nlf'"),
        ("\r", "''||char(13)||''"),
        ("nul\u{0}x", "'nul\u{FFFD}x'"),
        ("", "''"),
    ])
    func stringLiteralsAreQuotedSafely(_ input: String, _ expected: String) {
        #expect(literal(input) == expected)
    }

    @Test func postgresWritesCarriageReturnWithChr() {
        #expect(literal("a\rb", .postgres) == "'a'||chr(13)||'b'")
    }

    @Test(arguments: [
        ("user", "\"user\""),
        ("a\"b", "\"a\"\"b\""),
        ("x\"); DROP TABLE record; --", "\"x\"\"); DROP TABLE record; --\""),
    ])
    func identifiersAreQuoted(_ name: String, _ expected: String) {
        #expect(String(decoding: SQLText.identifier(name), as: UTF8.self) == expected)
    }

    @Test func columnTypesComeFromKindsNotFromTheFirstValue() throws {
        let line = #"{"ts":1700000000,"pid":1,"comm":"init","utime":0,"rss":4096,"minflt":0,"cpu":0,"read_bytes_rate":0,"argv":["a"],"mine":3,"mine_rate":0,"ratio":0.5,"flag":true,"note":"x"}"#
        let sqlite = try run([], line + "\n").output
        for column in ["\"ts\" REAL", "\"pid\" INTEGER", "\"comm\" TEXT", "\"utime\" REAL", "\"rss\" INTEGER", "\"minflt\" INTEGER",
                       "\"cpu\" REAL", "\"read_bytes_rate\" REAL", "\"argv\" TEXT", "\"mine\" INTEGER", "\"mine_rate\" REAL",
                       "\"ratio\" REAL", "\"flag\" INTEGER", "\"note\" TEXT"] {
            #expect(sqlite.contains("  \(column)"), "\(column)")
        }
        let postgres = try run(["--dialect", "postgres"], line + "\n").output
        for column in ["\"ts\" DOUBLE PRECISION", "\"pid\" BIGINT", "\"utime\" DOUBLE PRECISION", "\"rss\" BIGINT", "\"cpu\" DOUBLE PRECISION",
                       "\"argv\" TEXT", "\"mine\" NUMERIC", "\"flag\" BOOLEAN"] {
            #expect(postgres.contains("  \(column)"), "\(column)")
        }
    }

    @Test func oneTransactionPerSnapshotAndTheTableOnce() throws {
        let input = (0..<7).map { #"{"ts":\#($0 / 3),"pid":\#($0)}"# }.joined(separator: "\n") + "\n"
        let run = try run([], input)
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n")
        #expect(lines.filter { $0 == "BEGIN;" }.count == 3)
        #expect(lines.filter { $0 == "COMMIT;" }.count == 3)
        #expect(lines.filter { $0.hasPrefix("CREATE TABLE") }.count == 1)
        #expect(lines.last == "COMMIT;")
        #expect(run.output.hasPrefix("PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nBEGIN;\nCREATE TABLE IF NOT EXISTS \"record\" (\n"))
        let plain = try self.run(["--no-wal"], input)
        #expect(plain.output.hasPrefix("BEGIN;\nCREATE TABLE IF NOT EXISTS \"record\" (\n"))
    }

    @Test func statementsAreBoundedInRows() throws {
        let input = (0..<2500).map { #"{"ts":1,"pid":\#($0)}"# }.joined(separator: "\n") + "\n"
        let run = try run([], input)
        #expect(run.output.components(separatedBy: "INSERT INTO").count - 1 == 3)
        #expect(run.output.split(separator: "\n").filter { $0.hasPrefix("(") }.count == 2500)
    }

    @Test func aFieldThatAppearsLaterAddsAColumnInsideTheTransaction() throws {
        let run = try run([], "{\"ts\":1,\"pid\":1}\n{\"ts\":1,\"pid\":2,\"note\":\"x\"}\n")
        #expect(run.output.contains("BEGIN;\nCREATE TABLE IF NOT EXISTS \"record\" (\n  \"ts\" REAL,\n  \"pid\" INTEGER\n);\nINSERT INTO \"record\" (\"ts\",\"pid\") VALUES\n(1,1);\nALTER TABLE \"record\" ADD COLUMN \"note\" TEXT;\nINSERT INTO \"record\" (\"ts\",\"pid\",\"note\") VALUES\n(1,2,'x');\nCOMMIT;\n"))
        let pg = try self.run(["--dialect", "postgres", "-t", "user"], "{\"ts\":1,\"pid\":1}\n{\"ts\":1,\"pid\":2,\"note\":\"x\"}\n")
        #expect(pg.output.contains("ALTER TABLE \"user\"\n  ADD COLUMN IF NOT EXISTS \"note\" TEXT;\n"))
        #expect(pg.output.contains("ALTER TABLE \"user\"\n  ADD COLUMN IF NOT EXISTS \"ts\" DOUBLE PRECISION,\n  ADD COLUMN IF NOT EXISTS \"pid\" BIGINT;\n"))
    }

    @Test func aNullFieldNoTableKnowsWaitsForAValue() throws {
        let run = try run([], "{\"ts\":1,\"mine\":null}\n{\"ts\":1,\"mine\":2.5}\n")
        #expect(run.output.contains("INSERT INTO \"record\" (\"ts\") VALUES\n(1);\nALTER TABLE \"record\" ADD COLUMN \"mine\" REAL;\n"))
    }

    @Test func nullIsNullNeverEmptyOrZero() throws {
        let run = try run([], #"{"ts":1,"pid":1,"tty":null,"rss":null,"cpu":null}"# + "\n")
        #expect(run.output.contains("(1,1,NULL,NULL,NULL)"))
    }

    @Test(arguments: [
        ("1e400", "NULL", true),
        ("-1e400", "NULL", true),
        ("1e-400", "0", false),
        ("9223372036854775807", "9223372036854775807", false),
        ("-9223372036854775808", "-9223372036854775808", false),
        ("9223372036854775808", "9.223372036854776e+18", false),
        ("1.5e3", "1500.0", false),
        ("0.1", "0.1", false),
        ("-0", "-0", false),
    ])
    func numbersAreReadableByTheDatabase(_ number: String, _ written: String, _ reported: Bool) throws {
        let run = try run([], #"{"ts":1,"x":"# + number + "}\n")
        #expect(run.output.contains("VALUES\n(1,\(written));"), "\(run.output)")
        #expect((run.status == 1) == reported)
        #expect(run.errors.isEmpty != reported)
    }

    @Test func postgresRefusesNothingAColumnCannotHold() throws {
        // rss is BIGINT: a string, or an integer beyond 64 bits, becomes NULL and is reported.
        let run = try run(["--dialect", "postgres"], #"{"ts":1,"rss":1}"# + "\n" + #"{"ts":1,"rss":"big"}"# + "\n" + #"{"ts":1,"rss":1e19}"# + "\n")
        #expect(run.output.contains("(1,1),\n(1,NULL),\n(1,NULL);"))
        #expect(run.status == 1)
        #expect(run.errors.count == 2)
        #expect(run.errors.first?.contains("in1.ndjson:2:") == true)
    }

    @Test func sqliteKeysThatDifferOnlyInCaseAreOneColumn() throws {
        let run = try run([], #"{"ts":1,"Name":"a","name":"b"}"# + "\n")
        #expect(run.output.contains("(\"ts\",\"Name\") VALUES\n(1,'a');"))
        #expect(run.status == 1)
        #expect(run.errors.first?.contains("'name' names the same column") == true)
    }

    @Test func aBadLineIsReportedAndTheSnapshotStillCommitted() throws {
        let run = try run([], "{\"ts\":1,\"pid\":1}\nnot json\n{\"ts\":1,\"pid\":2}\n")
        #expect(run.status == 1)
        #expect(run.output.hasSuffix("(1,1),\n(1,2);\nCOMMIT;\n"))
        #expect(run.errors.count == 1)
    }

    @Test func strictRollsBackTheSnapshotItStoppedIn() throws {
        let run = try run(["--strict"], "{\"ts\":1,\"pid\":1}\n{\"ts\":2,\"pid\":1}\nnot json\n{\"ts\":2,\"pid\":2}\n")
        #expect(run.status == 1)
        #expect(run.output.hasSuffix("COMMIT;\nBEGIN;\nINSERT INTO \"record\" (\"ts\",\"pid\") VALUES\n(2,1);\nROLLBACK;\n"))
    }

    @Test func columnsStopBeforeTheDatabasesLimit() throws {
        let fields = (0..<1600).map { "\"f\($0)\":1" }.joined(separator: ",")
        let run = try run([], "{\"ts\":1,\(fields)}\n")
        #expect(run.output.contains("\"f1498\" INTEGER\n);"))
        #expect(!run.output.contains("\"f1499\""))
        #expect(run.status == 1)
        #expect(run.errors.count == 1)
        #expect(run.errors.first?.contains("'f1499': the table has 1500 columns already") == true)
    }

    @Test func aRecordWithNothingToStoreIsReportedNotWrittenAsBrokenSQL() throws {
        let run = try run([], "{\"mine\":null}\n{\"\":1}\n{\"mine\":2}\n")
        #expect(run.status == 1)
        #expect(run.errors.count == 2)
        #expect(run.output == "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nBEGIN;\nCREATE TABLE IF NOT EXISTS \"record\" (\n  \"mine\" INTEGER\n);\nINSERT INTO \"record\" (\"mine\") VALUES\n(2);\nCOMMIT;\n")
    }

    @Test func noRecordsNoText() throws {
        let run = try run([], "")
        #expect(run.status == 0)
        #expect(run.output.isEmpty)
    }

    @Test(arguments: [
        (["--dialect", "mysql"], "option '--dialect' takes sqlite or postgres"),
        (["-t", "a..b"], "option '-t' takes TABLE or SCHEMA.TABLE"),
        (["-t", ""], "option '-t' takes TABLE or SCHEMA.TABLE"),
        (["-t", "a\tb"], "control character"),
        (["--dialect", "postgres", "-t", String(repeating: "x", count: 64)], "63 bytes"),
        (["--procpath", "--dialect", "postgres"], "'--procpath'"),
        (["--procpath", "-t", "x"], "'--procpath'"),
    ])
    func usageErrors(_ args: [String], _ message: String) throws {
        let run = try run(args, "")
        #expect(run.status == 2)
        #expect(run.errors.joined().contains(message), "\(run.errors)")
    }

    @Test func schemaQualifiedTableIsQuotedPartByPart() throws {
        let run = try run(["-t", "metrics.user"], "{\"ts\":1}\n")
        #expect(run.output.contains("CREATE TABLE IF NOT EXISTS \"metrics\".\"user\" ("))
    }

    @Test func procpathUnitsArePagesTicksAndKiB() throws {
        let line = #"{"ts":1700000000.5,"pid":42,"ppid":1,"comm":"x","tty":"pts/3","utime":1.25,"stime":0.5,"rss":8192000,"vsize":4096000,"start":1699999999.12,"cpu":null}"#
        let run = try StreamToolRun.run(PSSQL.spec, PSSQL.run, ["--procpath"], inputs: [line + "\n"])
        #expect(run.status == 0)
        let out = run.output
        #expect(out.contains("  \"record_id\" INTEGER PRIMARY KEY NOT NULL,\n  \"ts\" REAL NOT NULL,\n  \"cmdline\" TEXT,"))
        #expect(out.contains("  \"start\" REAL"))
        let page = Int(ProcpathSchema().pageSize)
        #expect(out.contains("INSERT INTO \"record\" (\"ts\",\"stat_pid\",\"status_pid\",\"status_tgid\",\"stat_ppid\",\"status_ppid\",\"stat_comm\",\"status_name\",\"stat_tty_nr\",\"stat_utime\",\"stat_stime\",\"stat_rss\",\"status_vmrss\",\"stat_vsize\",\"status_vmsize\",\"start\",\"cpu\") VALUES\n(1700000000.5,42,42,42,1,1,'x','x',34819,125,50,\(8192000 / page),8000,4096000,4000,1699999999.12,NULL);"), "\(out)")
        #expect(out.contains("('page_size', '\(page)')"))
        #expect(out.contains("('procfile_list', '[\"stat\"]')"))
    }

    @Test(arguments: ["pts/0", "pts/3", "pts/300", "tty1", "ttyS0", "console", "3:5", "200:70"])
    func ttyNumbersInvertPssnapsNames(_ name: String) {
        let number = ProcpathSchema.ttyNumber(name)
        #expect(number.flatMap { TTYName.name($0) } == name)
    }
}

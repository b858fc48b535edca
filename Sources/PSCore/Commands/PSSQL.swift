/// pssql: write process records as SQL for SQLite or PostgreSQL.
public enum PSSQL {
    public static let spec = ToolSpec(
        name: "pssql",
        summary: "write process records as SQL for SQLite or PostgreSQL",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpssql\\fR is being written.",
        ],
        options: [
            OptionSpec(nil, "dialect", value: "DIALECT", help: "sqlite (default) or postgres",
                       doc: "The database the text is for: \\fBsqlite\\fR (the default; for \\fBsqlite3\\fR(1)) or \\fBpostgres\\fR (for \\fBpsql\\fR(1)).",
                       completion: .oneOf(SQLDialect.allCases.map(\.rawValue))),
            OptionSpec("t", "table", value: "TABLE", help: "the table's name (default record)",
                       doc: "The table's name, default \\fBrecord\\fR. \\fISCHEMA\\fB.\\fITABLE\\fR names a table in a schema (PostgreSQL) or an attached database (SQLite). The name is quoted, so it may be a reserved word or hold any character but a dot or a control character; PostgreSQL's limit is 63 bytes."),
            OptionSpec(nil, "alter", help: "sqlite: also add the first record's columns to an older table",
                       doc: "SQLite only: after \\fBCREATE TABLE IF NOT EXISTS\\fR, try to add every column of the first record with \\fBALTER TABLE ... ADD COLUMN\\fR, for a table an earlier run made with fewer fields. SQLite has no \\fBADD COLUMN IF NOT EXISTS\\fR: each column that exists already makes \\fBsqlite3\\fR report \"duplicate column name\" and go on (it exits with status 1 at the end), and the rows are inserted all the same. Use it once, when the fields of a recording pipeline change, not in every run. With PostgreSQL every run does this silently (\\fBADD COLUMN IF NOT EXISTS\\fR)."),
            OptionSpec(nil, "procpath", help: "Procpath's schema: record and meta tables in its units",
                       doc: "Write Procpath's schema (SQLite only): the \\fBrecord\\fR table with \\fBrecord_id\\fR, \\fBts\\fR and Procpath's column names and units, and the \\fBmeta\\fR table, so that \\fBprocpath plot\\fR and Procpath's SQL queries run on the recording. See \\fBPROCPATH\\fR below."),
            .strict,
        ],
        operandCompletion: .file,
        examples: [],
        seeAlso: ["pssnap(1)", "psdelta(1)", "pscsv(1)", "pstools(7)", "sqlite3(1)", "psql(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        let dialect: SQLDialect
        switch args.value("dialect") ?? "sqlite" {
        case "sqlite", "sqlite3": dialect = .sqlite
        case "postgres", "postgresql", "pg": dialect = .postgres
        case let other: throw UsageError("option '--dialect' takes sqlite or postgres, not '\(other)'")
        }
        let procpath = args.has("procpath")
        if procpath && dialect == .postgres {
            throw UsageError("'--procpath' writes Procpath's SQLite schema; it cannot go with '--dialect postgres'")
        }
        if procpath && args.has("table") {
            throw UsageError("'--procpath' writes Procpath's tables 'record' and 'meta'; '-t' cannot rename them")
        }
        let table = try tableName(args.value("table") ?? "record", dialect: dialect)
        let writer = SQLWriter(dialect: dialect, table: table, alterExisting: args.has("alter") && dialect == .sqlite,
                               procpath: procpath ? ProcpathSchema() : nil)
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output, diagnostics: diagnostics)
        try loop.run { record in
            let problem = writer.write(record, to: output)
            try output.flushIfFull()
            return problem
        }
        // --strict stopped inside a snapshot: it is not whole, so it is not committed.
        writer.finish(commit: !loop.stopped, to: output)
        try output.flush()
        return loop.status
    }

    /// `TABLE` or `SCHEMA.TABLE`, each part quoted.
    static func tableName(_ text: String, dialect: SQLDialect) throws(UsageError) -> [UInt8] {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw UsageError("option '-t' takes TABLE or SCHEMA.TABLE, not '\(text)'")
        }
        var quoted: [UInt8] = []
        for part in parts {
            let bytes = Array(part.utf8)
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw UsageError("option '-t': a table name cannot hold a control character")
            }
            if dialect == .postgres && bytes.count > SQLDialect.postgresIdentifierLimit {
                throw UsageError("option '-t': '\(part)' is longer than PostgreSQL's 63 bytes")
            }
            if !quoted.isEmpty { quoted.append(0x2E) }
            quoted += SQLText.identifier(bytes)
        }
        return quoted
    }
}

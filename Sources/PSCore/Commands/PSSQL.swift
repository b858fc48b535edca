/// pssql: write process records as SQL for SQLite or PostgreSQL.
public enum PSSQL {
    public static let spec = ToolSpec(
        name: "pssql",
        summary: "write process records as SQL for SQLite or PostgreSQL",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpssql\\fR reads records (from the \\fIFILE\\fRs in order, or standard input; \\fB\\-\\fR is standard input) and writes SQL text for \\fBsqlite3\\fR(1) or \\fBpsql\\fR(1): the table, then the rows, typed, one transaction per snapshot. It never connects to a database; pipe it into one: \\fBpssnap \\-i1 | psdelta | pssql | sqlite3 procs.db\\fR.",
            "\\fBThe table.\\fR The first record makes \\fBCREATE TABLE IF NOT EXISTS\\fR (table \\fBrecord\\fR, or \\fB\\-t\\fR), one column per field. A field the tools know takes its type from its kind and unit (see \\fBpstools\\fR(7)): times, seconds, rates and percents are REAL (DOUBLE PRECISION), even when the first value is written \\fB0\\fR; pids, counts and bytes are INTEGER (BIGINT); strings are TEXT; \\fBargv\\fR and any array or object is TEXT holding its JSON, which \\fBjson_extract\\fR(argv, \\(aq$[0]\\(aq) and \\fBargv::jsonb\\fR read. A field no table knows takes its JSON type: a number is INTEGER if its first value is whole (PostgreSQL: NUMERIC, which keeps a later fraction exactly) and REAL otherwise, a \\fI*_rate\\fR is REAL, true and false are INTEGER 1 and 0 (BOOLEAN), a string is TEXT; while it is only null it has no column. A table gets at most 1500 columns (PostgreSQL's limit is 1600): later new fields are reported and left out. Every name is quoted as an identifier (\\fBuser\\fR is reserved in PostgreSQL), its double quotes doubled, so no key can end the statement. SQLite ignores the case of names: of two keys that differ only in case the first keeps the column and the other is reported and left out; so is a key that is empty.",
            "\\fBNew fields.\\fR A field that appears in a later record adds a column (\\fBALTER TABLE ... ADD COLUMN\\fR) inside that snapshot's transaction, before the first row that has it. PostgreSQL also gets \\fBADD COLUMN IF NOT EXISTS\\fR for every column of the first record, so a table an earlier run made with fewer fields grows silently. SQLite has no IF NOT EXISTS for columns: see \\fB\\-\\-alter\\fR.",
            "\\fBTransactions.\\fR Each snapshot (the records with one \\fBts\\fR) is one \\fBBEGIN\\fR ... \\fBCOMMIT\\fR, its rows in multi-row INSERTs of at most 1000 rows or about 1 MiB. A snapshot is committed when the next one begins or the input ends, so the database is one interval behind a live stream. If the pipeline is killed, the consumer sees the text stop inside a transaction it never commits, and rolls it back: the database holds whole snapshots only. \\fB\\-\\-strict\\fR stopping at a bad line rolls back the snapshot it stopped in. Ctrl-C on a live pipeline stops the database too, before the last snapshot is committed; to end a recording and keep it all, let \\fBpssnap\\fR end it (\\fB\\-n\\fR, \\fB\\-d\\fR, or \\fBkill \\-INT\\fR to pssnap alone): pssql then sees the input end and commits.",
            "\\fBValues.\\fR null is NULL, never \\(aq\\(aq or 0. Strings are standard SQL literals, quotes doubled, backslashes and newlines as they are (PostgreSQL scripts begin with \\fBSET standard_conforming_strings = on\\fR and \\fBSET client_encoding = \\(aqUTF8\\(aq\\fR, so a backslash is an ordinary character whatever the server\\(aqs default); a CR is written \\fBchar(13)\\fR (\\fBchr(13)\\fR), because the sqlite3 shell drops a CR that stands before a line end. U+0000 (a \\fB\\eu0000\\fR in a user\\(aqs stream; /proc strings never hold it) becomes U+FFFD, in strings and in JSON text: PostgreSQL text and jsonb cannot hold it. Numbers are written as in the record when both databases read them exactly; otherwise as the nearest double in its shortest form (\\fB9.223372036854776e+18\\fR), never inf or nan: a number beyond a double (\\fB1e400\\fR) is NULL and reported, and so is, in a PostgreSQL BIGINT column, an integer beyond 64 bits, a string, an array or an object (SQLite keeps any value in any column).",
            "A line that is not a JSON object is reported as \\fIpssql\\fB: \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fB: \\fImessage\\fR and skipped; a value written as NULL, a key left out, are reported with the record\\(aqs file and line. The exit status is then 1.",
        ],
        options: [
            OptionSpec(nil, "dialect", value: "DIALECT", help: "sqlite (default) or postgres",
                       doc: "The database the text is for: \\fBsqlite\\fR (the default; for \\fBsqlite3\\fR(1)) or \\fBpostgres\\fR (for \\fBpsql\\fR(1)).",
                       completion: .oneOf(SQLDialect.allCases.map(\.rawValue))),
            OptionSpec("t", "table", value: "TABLE", help: "the table's name (default record)",
                       doc: "The table's name, default \\fBrecord\\fR. \\fISCHEMA\\fB.\\fITABLE\\fR names a table in a schema (PostgreSQL) or an attached database (SQLite). The name is quoted, so it may be a reserved word or hold any character but a dot or a control character; PostgreSQL's limit is 63 bytes."),
            OptionSpec(nil, "alter", help: "sqlite: also add the first record's columns to an older table",
                       doc: "SQLite only: after \\fBCREATE TABLE IF NOT EXISTS\\fR, try to add every column of the first record with \\fBALTER TABLE ... ADD COLUMN\\fR, for a table an earlier run made with fewer fields. SQLite has no \\fBADD COLUMN IF NOT EXISTS\\fR: each column that exists already makes \\fBsqlite3\\fR report \"duplicate column name\" and go on (it exits with status 1 at the end), and the rows are inserted all the same. Use it once, when the fields of a recording pipeline change, not in every run. With PostgreSQL every run does this silently (\\fBADD COLUMN IF NOT EXISTS\\fR)."),
            OptionSpec(nil, "commit-every", value: "N", help: "commit every N snapshots (default 1), for bulk loads",
                       doc: "Put \\fIN\\fR whole snapshots in each transaction instead of one. A commit makes the database sync its file (an fsync per snapshot), which a live recording does not feel but a bulk load of a long recording does: \\fB\\-\\-commit\\-every 1000\\fR loads it many times faster. The text still stops only between whole snapshots."),
            OptionSpec(nil, "no-wal", help: "sqlite: keep the database's journal mode and sync setting",
                       doc: "SQLite only. By default the script begins with \\fBPRAGMA journal_mode = WAL\\fR and \\fBPRAGMA synchronous = NORMAL\\fR: in SQLite's default rollback journal every commit, one per snapshot, is an fsync, which made a bulk load of a long recording eleven times slower than one transaction; in WAL mode a commit syncs nothing until a checkpoint. A killed pipeline still keeps every committed snapshot and the file never corrupts; only a power loss or an operating-system crash may take back the last commits. The mode stays with the database file (it gains \\fB\\-wal\\fR and \\fB\\-shm\\fR files beside it while open), and \\fBsqlite3\\fR prints the mode it set, \\fBwal\\fR, once per run (send its output to /dev/null in a crontab). \\fB\\-\\-no\\-wal\\fR writes no pragma: each commit is synced as the database is set to."),
            OptionSpec(nil, "procpath", help: "Procpath's schema: record and meta tables in its units",
                       doc: "Write Procpath's schema (SQLite only): the \\fBrecord\\fR table with \\fBrecord_id\\fR, \\fBts\\fR and Procpath's column names and units, and the \\fBmeta\\fR table, so that \\fBprocpath plot\\fR and Procpath's SQL queries run on the recording. See \\fBPROCPATH\\fR below."),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap -i1 -d3600 'comm==postgres..' | psdelta | pssql | sqlite3 pg.db", "an hour of a postgres tree, typed, a snapshot per second"),
            ("sqlite3 pg.db 'SELECT comm, max(cpu), max(rss) / 1048576 FROM record GROUP BY comm ORDER BY 2 DESC LIMIT 5'", "then ask it: NULL rates of the first sight do not count"),
            ("pssnap -i10 | psagg -g user | pssql --dialect postgres -t users | psql -q metrics", "per-user sums into PostgreSQL every 10 seconds"),
            ("pssql --commit-every 1000 week.ndjson | sqlite3 week.db", "a long recording loaded in bulk"),
            ("pssnap -i1 -n600 | pssql --procpath | sqlite3 out.sqlite && procpath plot -d out.sqlite -q cpu -q rss -f out.svg", "a recording Procpath plots"),
        ],
        extraSections: [
            ("SQLITE AND ALTER", """
SQLite has no \\fBADD COLUMN IF NOT EXISTS\\fR, and an SQL script cannot ask which columns a table has. So pssql adds, by default, only the columns of fields that appear after the first record (they are new to the table it created or found); if an earlier run made such a column already, \\fBsqlite3\\fR reports \\(lqduplicate column name\\(rq and goes on. With \\fB\\-\\-alter\\fR it also tries every column of the first record, for a table an earlier run made with fewer fields (the pipeline gained \\fBpsdelta\\fR or \\fB\\-f +smaps\\fR): each column that exists is reported the same way. Without \\fB\\-\\-alter\\fR such a run fails loudly (\\(lqtable record has no column named cpu\\(rq) and inserts nothing.
.PP
Either way the failed ALTER does not harm the snapshot: SQLite refuses the statement before it runs, the transaction stays open and the rows that follow are inserted and committed. This relies on the \\fBsqlite3\\fR shell going on after an error, which it does unless \\fB\\-bail\\fR is given; its exit status is then 1. With \\fB\\-bail\\fR it stops at the first failed ALTER, and the uncommitted snapshot is rolled back: the database still holds whole snapshots. PostgreSQL needs none of this (\\fBADD COLUMN IF NOT EXISTS\\fR never fails), which matters, because there a failed statement aborts the whole transaction.
"""),
            ("PROCPATH", """
\\fB\\-\\-procpath\\fR writes what \\fBprocpath record\\fR writes, so that \\fBprocpath plot \\-d DB \\-q cpu\\fR (and rss, pss, swap, rbs, wbs, wait) and the SQL of Procpath\\(aqs documentation run on a pstools recording: the \\fBrecord\\fR table with \\fBrecord_id INTEGER PRIMARY KEY\\fR (rows in stream order, as Procpath\\(aqs queries order by it), \\fBts\\fR and Procpath\\(aqs columns in its units: \\fBstat_pid\\fR, \\fBstat_ppid\\fR, \\fBstat_comm\\fR, \\fBstat_rss\\fR in pages, \\fBstat_utime\\fR, \\fBstat_stime\\fR, \\fBstat_cutime\\fR, \\fBstat_cstime\\fR and \\fBstat_delayacct_blkio_ticks\\fR in clock ticks, \\fBstat_vsize\\fR in bytes, \\fBstat_tty_nr\\fR as the kernel\\(aqs number, \\fBio_*\\fR in bytes, \\fBstatus_vmrss\\fR, \\fBstatus_vmswap\\fR, \\fBsmaps_rollup_pss\\fR and \\fBsmaps_rollup_swap\\fR in KiB, \\fBcmdline\\fR; and the \\fBmeta\\fR table with \\fBpage_size\\fR and \\fBclock_ticks\\fR (this machine\\(aqs, as the conversions used), \\fBprocfile_list\\fR (the Procpath groups the records fill), \\fBcpu_count\\fR, \\fBphysical_pages\\fR, \\fBprocfs_target\\fR (thread for a \\fBpssnap \\-\\-threads\\fR stream, whose \\fBstat_pid\\fR is the thread id) and \\fBplatform_node\\fR (the \\fBhost\\fR field). Procpath columns pstools has no value for (stat_starttime, stat_flags, the fd_* kinds, status_uid ...) are NULL. Every other field keeps its pstools name and unit in a column of its own: \\fBstart\\fR, \\fBage\\fR, \\fBuser\\fR, \\fBfds\\fR, \\fBuss\\fR, \\fBcpu\\fR and the rates.
.PP
What a Procpath user gains: Procpath keys a process on its pid alone, so a reused pid becomes one line with a jump in it; the \\fBstart\\fR column gives the identity \\fB(stat_pid, start)\\fR (\\fBPARTITION BY stat_pid, start\\fR in a window query). And the sampling is cheaper: 100 snapshots of about 95 processes cost \\fBprocpath record\\fR 2.1 s of CPU and \\fBpssnap | pssql \\-\\-procpath | sqlite3\\fR 0.4 s, all three counted (pssnap alone 0.12 s), with psfilter\\(aqs tree queries in place of JSONPath and psdelta\\(aqs rates already computed.
"""),
        ],
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
        writer.writeAheadLog = dialect == .sqlite && !args.has("no-wal")
        if let text = args.value("commit-every") {
            guard let n = Int(text), n >= 1 else { throw UsageError("option '--commit-every' takes a whole number of snapshots of at least 1, not '\(text)'") }
            writer.snapshotsPerCommit = n
        }
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

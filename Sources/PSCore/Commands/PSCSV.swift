/// pscsv: records to CSV (RFC 4180), header once.
public enum PSCSV {
    public static let spec = ToolSpec(
        name: "pscsv",
        summary: "write process records as CSV, with one header line",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpscsv\\fR reads records (from the \\fIFILE\\fRs in order, or standard input; \\fB\\-\\fR is standard input) and writes one CSV row per record, as RFC 4180 has it: a cell holding a comma, a double quote, CR or LF is quoted, its quotes doubled. The header line is written once, however many snapshots and files the input holds. Each row is written as soon as its record is read, so a live pipeline shows it at once.",
            "Cells: null and absent fields are empty; strings are decoded (JSON escapes resolved, written as UTF-8; a NUL, \\fB\\(rsu0000\\fR, becomes U+FFFD, so no NUL is ever written); numbers are written exactly as in the record; true and false as such; an array's elements are joined by one space (\\fBargv\\fR); an object is its JSON text. Lines end with LF, or CRLF with \\fB\\-\\-crlf\\fR.",
            "Without \\fB\\-f\\fR the columns are the first record's fields in its order; later records' other fields are ignored, and a field a record lacks is an empty cell. A line that is not a JSON object is reported as \\fIpscsv\\fB: \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fB: \\fImessage\\fR and skipped; the exit status is then 1.",
        ],
        options: TableCommand.options("pscsv") + [
            OptionSpec(nil, "crlf", help: "end lines with CRLF, as RFC 4180 does",
                       doc: "End lines with CR LF, as RFC 4180 does, for consumers that want it. By default lines end with LF."),
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap -i1 | psfilter 'pid==2610..' | psdelta | pscsv -f ts,pid,comm,cpu,rss", "a subtree's CPU and memory, live, one row per process per second"),
            ("pssnap | pscsv -f pid,user,rss,cmdline > procs.csv", "the processes, for a spreadsheet"),
            ("* * * * * pssnap -i1 -n2 'comm==postgres..' | psdelta | pscsv -f ts,pid,cpu,rss,write_bytes_rate -a pg.csv", "a crontab line: a row per postgres process every minute, one header in the file"),
            ("pscsv -f ts,pid,rss log.ndjson | sqlite3 db '.import --csv /dev/stdin procs'", "into SQLite"),
        ],
        seeAlso: ["pstsv(1)", "pssnap(1)", "psdelta(1)", "pstools(7)", "sqlite3(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        try TableCommand.run(args, dialect: .csv, output: output, diagnostics: diagnostics)
    }
}

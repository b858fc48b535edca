/// pstsv: records to tab-separated values, header once.
public enum PSTSV {
    public static let spec = ToolSpec(
        name: "pstsv",
        summary: "write process records as tab-separated values, with one header line",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpstsv\\fR reads records (from the \\fIFILE\\fRs in order, or standard input; \\fB\\-\\fR is standard input) and writes one line of tab-separated cells per record. A tab, newline, carriage return or backslash in a cell is written as \\fB\\et\\fR, \\fB\\en\\fR, \\fB\\er\\fR or \\fB\\e\\e\\fR, so every row is one line with one tab between cells, for cut(1), awk(1) and sort(1). The header line is written once, however many snapshots and files the input holds. Each row is written as soon as its record is read.",
            "Cells: null and absent fields are empty; strings are decoded (JSON escapes resolved, written as UTF-8; a NUL, \\fB\\(rsu0000\\fR, becomes U+FFFD, so no NUL is ever written); numbers are written exactly as in the record; true and false as such; an array's elements are joined by one space (\\fBargv\\fR); an object is its JSON text. Lines end with LF.",
            "Without \\fB\\-f\\fR the columns are the first record's fields in its order; later records' other fields are ignored, and a field a record lacks is an empty cell. A line that is not a JSON object is reported as \\fIpstsv\\fB: \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fB: \\fImessage\\fR and skipped; the exit status is then 1.",
        ],
        options: TableCommand.options("pstsv"),
        operandCompletion: .file,
        examples: [
            ("pssnap | pstsv -f pid,rss,comm --no-header | sort -t\"$(printf '\\t')\" -k2,2nr | head", "the ten biggest processes by resident memory"),
            ("pssnap -i1 | psdelta | pstsv -f ts,pid,comm,cpu | awk -F'\\t' '$4 > 50'", "processes over half a core, live, with awk"),
            ("* * * * * pssnap -i1 -n2 | psdelta | pstsv -f ts,pid,comm,cpu,rss -a /var/log/procs.tsv", "a crontab line: one header in the file"),
        ],
        seeAlso: ["pscsv(1)", "pssnap(1)", "psdelta(1)", "pstools(7)", "cut(1)", "awk(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        try TableCommand.run(args, dialect: .tsv, output: output, diagnostics: diagnostics)
    }
}

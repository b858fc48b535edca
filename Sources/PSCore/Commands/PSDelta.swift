/// psdelta: add per-second rates between consecutive observations of each process.
public enum PSDelta {
    public static let spec = ToolSpec(
        name: "psdelta",
        summary: "add CPU percentages and per-second rates between observations of each process",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpsdelta\\fR reads pssnap records (from the \\fIFILE\\fRs in order, or standard input; \\fB\\-\\fR is standard input) and writes each one back, byte for byte, as soon as it is read. To a record with an earlier observation of the same process it appends, before the closing brace: \\fBdt\\fR, the seconds between the two observations, from \\fBage\\fR (the monotonic clock, so a wall-clock step changes nothing); \\fBcpu\\fR, \\fBcpu_user\\fR and \\fBcpu_sys\\fR, percent of one CPU over \\fBdt\\fR (100 is one core busy, as in top); and a \\fICOUNTER\\fB_rate\\fR per second for every other counter the record carries, in the record's own order: cutime, cstime, iowait, minflt, majflt, vctx, nvctx, rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes. The counters are the fields pssnap(1) lists as counters, so a counter pssnap gains later is rated too; other fields (and fields ending in _rate) are not.",
            "A process is \\fB(pid, start)\\fR, and \\fBtid\\fR too in a \\fBpssnap \\-\\-threads\\fR stream, so a reused pid is a new process. A process seen for the first time whose \\fBstart\\fR, plus 10 ms, is not earlier than the previous snapshot's clock, the \\fBstart + age\\fR of its first record (boot time plus the monotonic clock when that record was read, about when the snapshot began), was born since that snapshot: it is measured from its birth with every counter at 0, so \\fBdt\\fR is its \\fBage\\fR and its rates cover its whole life. (The 10 ms are one clock tick, the resolution of \\fBstart\\fR, which the kernel rounds down: a process born just after a snapshot can show a start just before it.) Any other first sight (the first snapshot, a process that was filtered out before) is written with every added field present and \\fBnull\\fR: \\fBdt\\fR, \\fBcpu\\fR, \\fBcpu_user\\fR, \\fBcpu_sys\\fR and a rate for each counter it carries. So every record of the stream has the same fields (a CSV header taken from the first record has the rate columns), and a reader sees why a figure is missing: null, never a made-up 0.",
            "A counter that went down, or is null or absent in either observation, gives a null rate, never a negative one; a \\fBdt\\fR of 0 or less gives null for all of them. \\fBdt\\fR is written with 3 decimals (milliseconds, the precision of \\fBage\\fR), \\fBcpu\\fR, \\fBcpu_user\\fR and \\fBcpu_sys\\fR with 2, rates with 3, trailing zeros trimmed, never with an exponent.",
            "Memory holds one observation per live process (its age and counters): when a new snapshot begins (a new \\fBts\\fR), every process the previous snapshot lacked is forgotten. Concatenated logs work as one stream: a cron job that appends two snapshots a minute gives each process a rate over the minute between runs. A record that already has a \\fBdt\\fR field (psdelta run twice) is written unchanged, so psdelta is idempotent.",
            "A line that is not a JSON object, or lacks an integer \\fBpid\\fR or a number \\fBts\\fR, \\fBstart\\fR or \\fBage\\fR, is reported as \\fITOOL\\fB: \\fIFILE\\fB:\\fILINE\\fB: \\fImessage\\fR and skipped; the exit status is then 1.",
        ],
        options: [
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap -i1 | psdelta | jq -c 'select(.cpu != null and .cpu > 50) | {pid, comm, cpu}'", "processes using more than half a core, live"),
            ("pssnap -i1 -n2 | psdelta | jq -s -c 'map(select(.write_bytes_rate != null)) | sort_by(-.write_bytes_rate)[:5][] | {pid, comm, write_bytes_rate}'", "the five biggest writers over one second (first sights carry null rates: select them out before sorting)"),
            ("pssnap -i5 -- make -j8 | psdelta | pscsv -f ts,pid,comm,cpu,rss > build.csv", "a build's CPU and memory, every 5 seconds"),
            ("cat monday.ndjson tuesday.ndjson | psdelta > rates.ndjson", "logs appended by cron, as one stream"),
        ],
        seeAlso: ["pssnap(1)", "psfilter(1)", "psagg(1)", "pscsv(1)", "pstools(7)", "jq(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output, diagnostics: diagnostics)
        let tracker = DeltaTracker()
        try loop.run { record in
            if let problem = tracker.process(record, to: output) { return problem }
            try output.flushIfFull()
            return nil
        }
        return loop.status
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// pstrend: summarise each process or group of a recording, with a trend and leak verdict.
public enum PSTrend {
    public static let spec = ToolSpec(
        name: "pstrend",
        summary: "summarise each process or group of a recording, with a trend and leak verdict",
        usage: ["[OPTIONS] [FILE...]"],
        description: PSTrendDocs.description,
        options: [
            OptionSpec("y", "fields", value: "FIELD,...", help: "judge these numeric fields (default: rss,pss,uss,swap,fds,threads present)",
                       doc: "Summarise and judge these numeric fields, in this order. Default: those of \\fBrss\\fR, \\fBpss\\fR, \\fBuss\\fR, \\fBswap\\fR, \\fBfds\\fR and \\fBthreads\\fR that the records carry. Any numeric field works: \\fBcpu\\fR (from \\fBpsdelta\\fR), a \\fB*_rate\\fR, a sum from \\fBpsagg\\fR, a field of your own. A field that no record carries is an error (status 2, nothing written).",
                       completion: .listOf(measuredFields)),
            OptionSpec("s", "series", value: "FIELD,...", help: "one series per distinct value of these fields",
                       doc: "One series per distinct combination of these fields' values, instead of one per process (\\fBpid\\fR, \\fBstart\\fR) or per psagg group. Records of one series with the same \\fBts\\fR are added up into one sample (as \\fBpsagg \\-g\\fR would), so \\fB\\-s comm\\fR follows the total of all processes of each name.",
                       completion: .listOf(keyFields)),
            OptionSpec(nil, "alpha", value: "P", help: "significance level of the trend test (default 0.01)",
                       doc: "The significance level of the trend test: a leak needs a p-value below \\fIP\\fR (default 0.01, between 0 and 1)."),
            OptionSpec(nil, "min-growth", value: "[FIELD=]AMOUNT", help: "least fitted growth that is a leak: 1M, 4096 or 5% (default 5%)",
                       doc: "The least rise of the fitted line over the judged span for a leak: an amount in the field's unit with an optional binary suffix (\\fB1M\\fR = 1048576 bytes; \\fB100\\fR descriptors), or a percentage of the fitted starting value (\\fB5%\\fR, the default). \\fIFIELD\\fB=\\fR sets it for one judged field only; the option may be repeated."),
            OptionSpec(nil, "limit", value: "[FIELD=]AMOUNT", help: "write F_eta: seconds until the fitted line reaches AMOUNT",
                       doc: "Write \\fIF\\fB_eta\\fR for each judged field: the seconds from the series' last sample until its fitted line reaches \\fIAMOUNT\\fR (same syntax as \\fB\\-\\-min\\-growth\\fR, without percentages): 0 when it already has, null when the line does not rise. \\fIFIELD\\fB=\\fR sets it for one judged field only (then only that field gets \\fB_eta\\fR); the option may be repeated."),
            OptionSpec(nil, "window", value: "SECONDS", help: "judge only the last SECONDS of each series",
                       doc: "Judge only the last \\fISECONDS\\fR of each series (a leak that begins after a warm-up): \\fB_slope\\fR, \\fB_p\\fR, \\fB_leak\\fR and \\fB_eta\\fR then describe that tail. The summary (\\fBfirst_ts\\fR, \\fBlast_ts\\fR, \\fBsamples\\fR and \\fB_first\\fR, \\fB_last\\fR, \\fB_min\\fR, \\fB_max\\fR, \\fB_mean\\fR) still covers the whole series."),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap -i1 -d600 > run.ndjson; pstrend run.ndjson", "which processes grew steadily during ten minutes, leaks first"),
            ("pssnap -i1 -- make -j8 | psdelta | psagg | pstrend -y rss,cpu", "a build's peak and mean memory and CPU"),
            ("pssnap -i5 -f +smaps | pstrend -y pss --window 3600 --limit 2G", "the last hour's trend of each process's pss, and the seconds until it reaches 2 GiB"),
            ("pstrend run.ndjson | jq -c 'select(.rss_leak)'", "only the leaks"),
            ("pssnap -i10 | pstrend -s comm -y rss,fds | pscsv -f comm,rss_max,rss_slope,rss_leak,fds_leak", "every program name's total, as a table"),
        ],
        extraSections: PSTrendDocs.sections,
        seeAlso: ["pssnap(1)", "psdelta(1)", "psagg(1)", "psplot(1)", "pscsv(1)", "pstools(7)", "jq(1)"]
    )

    /// What `-y` can judge: the gauges, counters and rates of the field table.
    static let measuredFields = FieldTable.all.filter { $0.type == .number && [.gauge, .counter, .rate].contains($0.kind) }.map(\.name)
    /// What `-s` keys on: the labels and identities.
    static let keyFields = FieldTable.all.filter { $0.kind == .label || $0.kind == .identity }.map(\.name)

    public static func main() -> Never {
        letFirstInterruptThrough()
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    /// Ctrl-C on `pssnap -i1 | pstrend` reaches both: pssnap ends its recording, and pstrend must
    /// live to read the end of it and write its records. So the first SIGINT only puts the
    /// default back (a second one ends pstrend at once); reads go on (SA_RESTART). An ignored
    /// SIGINT (a background job of a shell without job control) stays ignored.
    static func letFirstInterruptThrough() {
        var old = sigaction()
        sigaction(SIGINT, nil, &old)
        if let h = old.__sigaction_handler.sa_handler, unsafeBitCast(h, to: Int.self) == 1 { return } // SIG_IGN
        Signals.install(SIGINT, restart: true) { _ in signal(SIGINT, SIG_DFL) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        let options = try parseOptions(args)
        let engine = TrendEngine(options: options)
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"),
                                  output: output, diagnostics: diagnostics)
        try loop.run { record in engine.add(record) }
        let missing = engine.missingFields
        if !missing.isEmpty {
            for name in missing {
                var message = "no record has field '\(name)'"
                if let info = FieldTable.info(name) {
                    if info.producer == .psdelta { message += " (it comes from psdelta: pipe the records through psdelta first)" }
                    else if info.group != "stat" && info.group != "always" && info.producer == .pssnap {
                        message += " (pssnap writes it with -f +\(info.group))"
                    }
                } else if let near = FieldTable.nearest(to: name) {
                    message += " (did you mean '\(near)'?)"
                }
                diagnostics.report(message)
            }
            return 2
        }
        try engine.finish(output: output)
        return loop.status
    }

    static func parseOptions(_ args: ParsedArguments) throws(UsageError) -> TrendEngine.Options {
        var o = TrendEngine.Options()
        if let lists = args.values["fields"] {
            let names = try fieldList(lists, option: "-y")
            for name in names {
                if let info = FieldTable.info(name), info.type != .number || info.kind == .time || info.kind == .identity || info.kind == .label {
                    throw UsageError("cannot judge '\(name)': it is not a measurement (a \(info.kind.rawValue) field)")
                }
            }
            o.fields = names
        }
        if let lists = args.values["series"] { o.seriesFields = try fieldList(lists, option: "-s") }
        if let text = args.value("alpha") {
            guard let a = Double(text), a > 0, a < 1 else {
                throw UsageError("option '--alpha' takes a probability between 0 and 1, not '\(text)'")
            }
            o.alpha = a
        }
        for text in args.values["min-growth"] ?? [] {
            let (field, amount) = split(text)
            let g: TrendRule.MinGrowth
            if amount.hasSuffix("%") {
                guard let pct = Double(amount.dropLast()), pct >= 0, pct.isFinite, amount.first?.isNumber == true || amount.first == "." else {
                    throw UsageError("option '--min-growth' takes a size such as 1M or a percentage such as 5%, not '\(text)'")
                }
                g = .fraction(pct / 100)
            } else {
                guard let a = parseAmount(amount) else {
                    throw UsageError("option '--min-growth' takes a size such as 1M or a percentage such as 5%, not '\(text)'")
                }
                g = .absolute(a)
            }
            if let field { o.minGrowthByField[field] = g } else { o.minGrowth = g }
        }
        for text in args.values["limit"] ?? [] {
            let (field, amount) = split(text)
            guard let a = parseAmount(amount) else {
                throw UsageError("option '--limit' takes a size such as 2G (or FIELD=SIZE), not '\(text)'")
            }
            if let field { o.limitByField[field] = a } else { o.limit = a }
        }
        let judged = o.fields ?? TrendEngine.defaultFields
        for (option, fields) in [("--min-growth", Array(o.minGrowthByField.keys)), ("--limit", Array(o.limitByField.keys))] {
            for field in fields.sorted() where !judged.contains(field) {
                throw UsageError("option '\(option)' names '\(field)', which is not judged (add it to '-y')")
            }
        }
        if let text = args.value("window") {
            let ns = try ValueParsers.seconds(text, option: "--window")
            o.window = Double(ns) / 1e9
        }
        return o
    }

    /// Every `-y` (or `-s`) given, in order: a field named twice is an error, not a second row.
    static func fieldList(_ lists: [String], option: String) throws(UsageError) -> [String] {
        let names = try ValueParsers.fieldList(lists, option: option, unique: false)
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw UsageError("option '\(option)' names '\(n)' twice") }
        return names
    }

    /// `FIELD=AMOUNT` or `AMOUNT`.
    static func split(_ text: String) -> (field: String?, amount: String) {
        guard let eq = text.firstIndex(of: "=") else { return (nil, text) }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// A non-negative decimal with an optional binary suffix K, M, G or T (powers of 1024), as
    /// in the query language: `1.5G`, `4096`, `100M`.
    static func parseAmount(_ text: String) -> Double? {
        var body = Substring(text)
        var scale = 1.0
        if let last = body.last, let i = "KMGT".firstIndex(of: Character(last.uppercased())) {
            scale = [1024.0, 1048576, 1073741824, 1099511627776][ "KMGT".distance(from: "KMGT".startIndex, to: i)]
            body = body.dropLast()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              body.filter({ $0 == "." }).count <= 1, body != ".", let v = Double(body) else { return nil }
        return v * scale
    }
}

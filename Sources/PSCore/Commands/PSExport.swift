/// psexport: write process records as metrics for Prometheus, InfluxDB, OpenTSDB or Graphite.
public enum PSExport {
    public static let spec = ToolSpec(
        name: "psexport",
        summary: "write process records as metrics for Prometheus, InfluxDB, OpenTSDB or Graphite",
        usage: ["[-F FORMAT] [-f FIELD,...] [-l FIELD,...] [--host] [--prefix NAME] [FILE...]",
                "--textfile PATH [-f FIELD,...] [-l FIELD,...] [--host] [FILE...]"],
        description: [
            "\\fBpsexport\\fR reads process records (from \\fBpssnap\\fR(1), \\fBpsdelta\\fR(1), \\fBpsagg\\fR(1), \\fBpslabel\\fR(1), or files) and writes them as metrics for a time-series engine: OpenMetrics or Prometheus text, InfluxDB line protocol, OpenTSDB \\fBput\\fR lines or Graphite plaintext. It sends nothing itself: pipe it to \\fBcurl\\fR(1) or \\fBnc\\fR(1), or let node_exporter read \\fB\\-\\-textfile\\fR.",
            "Each numeric field becomes a metric, named by its kind and unit (see \\fBNAMES\\fR): gauges and rates become gauges, counters become counters. The type comes from the field, never from how one value was written: a \\fBcpu\\fR of \\fB0\\fR is as much a float as \\fB12.5\\fR. A \\fBnull\\fR value gives no sample. Every sample carries its record's \\fBts\\fR, in the format's unit: seconds with milliseconds in OpenMetrics, milliseconds in Prometheus text, nanoseconds in InfluxDB line protocol, whole seconds (the fraction dropped) in OpenTSDB and Graphite.",
            "\\fBWhen a snapshot is written.\\fR A snapshot is a run of records with the same \\fBts\\fR. Influx, OpenTSDB and Graphite lines stand alone and are written as each record is read. OpenMetrics and Prometheus text group a snapshot's samples by metric family, so each snapshot is written whole (in OpenMetrics as one exposition ending in \\fB# EOF\\fR) as soon as it ends: when a record with another \\fBts\\fR arrives, when the input ends, or when the input pauses, that is, when nothing more has arrived for \\fB\\-\\-pause\\fR seconds (0.2 by default) while psexport waits to read. pssnap writes each snapshot at once and then sleeps, so behind \\fBpssnap \\-i10\\fR a snapshot is written within a fraction of a second, not ten seconds later when the next one starts. Should more records with the same \\fBts\\fR come after such a pause (a producer that stalled mid-snapshot longer than the pause), they are written as a further exposition of the same timestamp, and a \\fB\\-\\-textfile\\fR is replaced again with the whole snapshot.",
            "\\fBLabels.\\fR A process record is labelled by \\fBpid\\fR and \\fBcomm\\fR (and \\fBtid\\fR in a \\fB\\-\\-threads\\fR stream); a \\fBpsagg\\fR row by its group key (the \\fB\\-g\\fR field, \\fBhost\\fR, a \\fBpslabel\\fR field), found without options. A label whose value is \\fBnull\\fR, absent or empty is left out (an empty label is no label to Prometheus, and InfluxDB and OpenTSDB refuse empty tags); in a Graphite path it is the node \\fB_\\fR. Label values are escaped for each format (see \\fBESCAPING\\fR). Two records of one snapshot with the same labels would be the same series twice, which every engine refuses or overwrites: only the first is exported, and psexport says so once.",
            "\\fBCardinality.\\fR Every distinct set of label values is a series the engine stores and indexes. The default \\fBpid,comm\\fR makes one series per process lifetime per metric: a build machine that starts a thousand compilers a minute creates a thousand new series a minute, and Prometheus and its kin slow down and fill up. For a fleet, label groups, not processes: \\fBpsagg \\-g user\\fR (one series per user), \\fBpslabel \\-r images.conf \\-n image | psagg \\-g image\\fR (one per named kind of process), or \\fB\\-l comm\\fR only where names are few and unique.",
            "Bad input lines are reported as \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fR and skipped, with exit status 1; so is a record without a numeric \\fBts\\fR, or with a string where an exported numeric field belongs.",
        ],
        options: [
            OptionSpec("F", "format", value: "FORMAT", help: "openmetrics (default), prometheus, influx, opentsdb or graphite",
                       doc: "The output format: \\fBopenmetrics\\fR (OpenMetrics 1.0 text, the default), \\fBprometheus\\fR (Prometheus text format 0.0.4, as \\fBpromtool check metrics\\fR, the pushgateway and VictoriaMetrics' \\fB/api/v1/import/prometheus\\fR read it), \\fBinflux\\fR (InfluxDB line protocol), \\fBopentsdb\\fR (OpenTSDB telnet \\fBput\\fR lines) or \\fBgraphite\\fR (Graphite plaintext).",
                       completion: .oneOf(MetricFormat.allCases.map(\.rawValue))),
            OptionSpec("f", "fields", value: "LIST", help: "the fields to export: FIELD,FIELD,... (default: every numeric one)",
                       doc: "The fields to export, in this order. By default every gauge, counter and rate field a record has (every numeric field but identity fields such as \\fBpid\\fR and time fields such as \\fBts\\fR and \\fBage\\fR), and any number field of the user's own (a gauge). A field named here is exported whatever its kind (\\fB\\-f age\\fR gives a gauge). Repeated \\fB\\-f\\fR options add fields.",
                       completion: .listOf(FieldTable.names)),
            OptionSpec("l", "labels", value: "LIST", help: "the label fields: FIELD,FIELD,... (default: pid,comm, or a psagg row's key)",
                       doc: "The fields that label each sample, in this order, instead of the default (\\fBpid,comm\\fR for process records, plus \\fBtid\\fR for threads; the group key for \\fBpsagg\\fR rows). Repeated \\fB\\-l\\fR options add labels.",
                       completion: .listOf(FieldTable.names)),
            OptionSpec(nil, "host", help: "add a host label: the record's host field, else this machine's node name",
                       doc: "Add the label \\fBhost\\fR: the record's \\fBhost\\fR field (from \\fBpssnap \\-\\-host\\fR) when it has one, else this machine's node name (\\fBuname \\-n\\fR)."),
            OptionSpec(nil, "prefix", value: "NAME", help: "metric name prefix (default pstools)",
                       doc: "The prefix of every metric name (\\fBpstools_rss_bytes\\fR), the InfluxDB measurement, the first part of OpenTSDB names and Graphite paths. Letters, digits and \\fB_\\fR, not starting with a digit; OpenTSDB and Graphite also take \\fB.\\fR and \\fB\\-\\fR (\\fB\\-\\-prefix servers.web1\\fR). Empty (\\fB\\-\\-prefix \\(dq\\(dq\\fR) leaves it out, except in Influx and Graphite, which need it."),
            OptionSpec(nil, "textfile", value: "PATH", help: "replace PATH with each snapshot, for node_exporter's textfile collector",
                       doc: "Write each snapshot to \\fIPATH\\fR instead of standard output, replacing the file atomically (a new file beside it, renamed over it: a reader sees the old snapshot or the new one, never half of one), in Prometheus text format 0.0.4 without timestamps, as node_exporter's textfile collector requires. Name the file \\fI*.prom\\fR in the directory given to node_exporter's \\fB\\-\\-collector.textfile.directory\\fR; the temporary file ends in \\fB.tmp\\fR, which the collector ignores. A symbolic link or anything but a regular file at \\fIPATH\\fR is refused. A failed replacement is reported (once per distinct message), the run goes on, and the exit status is 1.",
                       completion: .file),
            OptionSpec(nil, "no-timestamps", help: "write samples without timestamps (Prometheus, OpenMetrics, Influx)",
                       doc: "Write no timestamps, for a consumer that stamps samples itself or refuses stamped ones: the Prometheus pushgateway, a scrape. Only with \\fBopenmetrics\\fR, \\fBprometheus\\fR and \\fBinflux\\fR (InfluxDB then uses its own clock); OpenTSDB and Graphite lines need one."),
            OptionSpec(nil, "pause", value: "SECONDS", help: "end a snapshot when the input pauses this long (default 0.2)",
                       doc: "With OpenMetrics, Prometheus text or \\fB\\-\\-textfile\\fR: when psexport is about to wait for input and nothing arrives within \\fISECONDS\\fR (0.2 by default), the snapshot read so far is written. \\fB0\\fR writes it as soon as no more input is buffered. Raise it when a producer writes large snapshots in slow pieces."),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap -i15 | psagg -g user | psexport --textfile /var/lib/node_exporter/textfile/pstools.prom", "per-user figures for node_exporter's textfile collector, every 15 seconds"),
            ("pssnap -i10 | pslabel -r images.conf -n image | psagg -g image | psexport -F opentsdb | nc tsdb 4242", "named kinds of processes into OpenTSDB"),
            ("pssnap -i1 -n2 | psdelta | psagg -g user | psexport -F prometheus --host | curl --data-binary @- http://vm:8428/api/v1/import/prometheus", "into VictoriaMetrics, from cron (curl sends when its input ends)"),
            ("pssnap | psagg -g user | psexport -F prometheus --no-timestamps | curl --data-binary @- http://pushgateway:9091/metrics/job/pstools/instance/$(uname -n)", "one snapshot to a Prometheus pushgateway (which refuses timestamps), from cron"),
            ("pssnap -i1 -n2 | psdelta | psexport -F influx -f cpu,rss --host | curl --data-binary @- 'http://influx:8086/write?db=procs'", "CPU and memory per process into InfluxDB 1.x, from cron"),
            ("pssnap -i60 | psagg -g user | psexport -F graphite --prefix servers.$(uname -n).pstools | nc graphite 2003", "into Graphite"),
        ],
        extraSections: [("NAMES", namesRoff), ("ESCAPING", escapingRoff)],
        seeAlso: ["pssnap(1)", "psdelta(1)", "psagg(1)", "pslabel(1)", "pstools(7)", "promtool(1)", "prometheus-node-exporter(1)", "curl(1)", "nc(1)"]
    )

    static let namesRoff = """
    Names follow each engine's conventions, derived from the field's kind and unit (\\fBpstools\\fR(7) lists every field's).
    .TP
    .B OpenMetrics, Prometheus
    \\fIPREFIX\\fB_\\fIFIELD\\fR and the unit in base units: bytes \\(-> \\fB_bytes\\fR (\\fBpstools_rss_bytes\\fR); seconds \\(-> \\fB_seconds\\fR; percent of one CPU \\(-> \\fB_ratio\\fR, the value divided by 100 (\\fBcpu\\fR 250 is \\fBpstools_cpu_ratio\\fR 2.5); a \\fB*_rate\\fR field loses \\fB_rate\\fR and takes its unit per second: \\fB_bytes_per_second\\fR (\\fBpstools_rchar_bytes_per_second\\fR), \\fB_per_second\\fR (\\fBpstools_minflt_per_second\\fR), or \\fB_ratio\\fR for CPU seconds per second (\\fBpstools_cutime_ratio\\fR). A counter's samples end in \\fB_total\\fR (\\fBpstools_utime_seconds_total\\fR; its OpenMetrics family is \\fBpstools_utime_seconds\\fR). A gauge whose name would end in a suffix the formats keep for other types (\\fB_total\\fR, \\fB_count\\fR, \\fB_sum\\fR, \\fB_bucket\\fR, \\fB_created\\fR, \\fB_info\\fR) gets \\fB_value\\fR: psagg's \\fBcount\\fR is \\fBpstools_count_value\\fR. Any other character than letters, digits and \\fB_\\fR becomes \\fB_\\fR. Each family has HELP and TYPE lines (and UNIT in OpenMetrics), and its samples together.
    .TP
    .B InfluxDB
    One line per record: measurement \\fIPREFIX\\fR, the labels as tags, each field under its own name with its value as in the record, every one a float (InfluxDB fixes a field's type at its first write; integers up to 2^53 are exact).
    .TP
    .B OpenTSDB
    \\fBput \\fIPREFIX\\fB.\\fIFIELD\\fR \\fIseconds\\fR \\fIvalue\\fR \\fIlabel\\fB=\\fIvalue\\fR...: values as in the record. OpenTSDB itself wants at least one tag: a psagg row without \\fB\\-g\\fR has none unless \\fB\\-\\-host\\fR adds one.
    .TP
    .B Graphite
    \\fIPREFIX\\fB.\\fIVALUE\\fB.\\fIVALUE\\fB.\\fIFIELD\\fR \\fIvalue\\fR \\fIseconds\\fR: the label values, in \\fB\\-l\\fR order, are the path's nodes (\\fBpstools.1234.nginx.rss\\fR); values as in the record.
    """

    static let escapingRoff = """
    Label values come from processes and may hold anything; each format gets what it can carry, and nothing a value holds can end a line, a label or a field early. Everywhere a NUL becomes \\fB_\\fR, and invalid UTF-8 (which pssnap already writes as U+FFFD) becomes U+FFFD (in OpenTSDB and Graphite \\fB_\\fR).
    .TP
    .B OpenMetrics, Prometheus
    In double quotes, with \\fB\\e\\e\\fR, \\fB\\e"\\fR and \\fB\\en\\fR escaped; everything else (spaces, commas, CR, any UTF-8) is kept as it is and reads back unchanged.
    .TP
    .B InfluxDB
    Space, \\fB,\\fR and \\fB=\\fR are escaped with a backslash and read back unchanged. A control character (LF, CR, TAB, ESC...) becomes \\fB_\\fR: line protocol cannot carry it. A backslash that is a value's last character, or stands before a space, \\fB,\\fR or \\fB=\\fR, becomes \\fB_\\fR (InfluxDB would read it as an escape and refuse the line or misread the tag); other backslashes are kept.
    .TP
    .B OpenTSDB
    Letters (any script), digits and \\fB\\- _ . /\\fR are kept; every other character (space, \\fB=\\fR, quotes, backslash, control characters) becomes \\fB_\\fR, as OpenTSDB accepts nothing else.
    .TP
    .B Graphite
    Letters (any script), digits, \\fB\\-\\fR and \\fB_\\fR are kept; every other character, the node separator \\fB.\\fR included, becomes \\fB_\\fR. An empty or missing value is the node \\fB_\\fR.
    """

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    static func list(_ args: ParsedArguments, _ long: String, _ short: String) throws(UsageError) -> [String]? {
        guard let lists = args.values[long] else { return nil }
        return try ValueParsers.fieldList(lists, option: "-" + short, unique: true)
    }

    public static func options(_ args: ParsedArguments) throws(UsageError) -> MetricsOptions {
        var o = MetricsOptions()
        if let f = args.value("format") {
            guard let format = MetricFormat(rawValue: f) else {
                throw UsageError("option '-F' takes openmetrics, prometheus, influx, opentsdb or graphite, not '\(f)'")
            }
            o.format = format
        }
        if let path = args.value("textfile") {
            guard !path.isEmpty else { throw UsageError("option '--textfile' needs a path") }
            if let f = args.value("format"), f != "prometheus" {
                throw UsageError("option '--textfile' writes Prometheus text (what node_exporter reads), not \(f)")
            }
            o.textfile = path
            o.format = .prometheus
        }
        if let prefix = args.value("prefix") {
            let extra: Set<Character> = o.format == .opentsdb || o.format == .graphite ? [".", "-"] : []
            let valid = prefix.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || extra.contains($0) }
            guard valid, !(prefix.first?.isNumber ?? false), !prefix.hasPrefix("."), !prefix.hasSuffix(".") else {
                throw UsageError("option '--prefix' takes letters, digits and '_'\(extra.isEmpty ? "" : " (and '.', '-')"), not starting with a digit, not '\(prefix)'")
            }
            o.prefix = prefix
        }
        if o.prefix.isEmpty && (o.format == .influx || o.format == .graphite) {
            throw UsageError("option '--prefix' cannot be empty with -F \(o.format.rawValue) (it is the \(o.format == .influx ? "measurement" : "path's first node"))")
        }
        o.fields = try list(args, "fields", "f")
        o.labels = try list(args, "labels", "l")
        for name in o.fields ?? [] {
            if let info = FieldTable.info(name), info.type != .number {
                throw UsageError("field '\(name)' is a label, not a number: name it with -l")
            }
        }
        if args.has("no-timestamps") {
            guard o.format != .opentsdb && o.format != .graphite else {
                throw UsageError("option '--no-timestamps' does not go with -F \(o.format.rawValue), whose lines need a timestamp")
            }
            o.timestamps = false
        }
        if args.has("host") { o.host = SystemEnvironment().hostname() }
        if let pause = args.value("pause") {
            let ns = try ValueParsers.seconds(pause, option: "--pause", allowZero: true)
            guard ns <= 3_600_000_000_000 else { throw UsageError("option '--pause' takes at most 3600 seconds, not '\(pause)'") }
            o.pauseMilliseconds = Int32(ns / 1_000_000)
        }
        return o
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        let o = try options(args)
        let exporter = MetricsExporter(options: o, output: output, diagnostics: diagnostics)
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output,
                                  diagnostics: diagnostics, beforeBlocking: { lines in
            if exporter.holdsSnapshot && !lines.waitForInput(milliseconds: o.pauseMilliseconds) {
                try exporter.inputPaused()
            }
        })
        try loop.run { record in try exporter.add(record) }
        try exporter.finish()
        return loop.status == 0 && !exporter.sawTrouble ? 0 : 1
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// psplot: draw fields of process records over time, as SVG or in the terminal.
public enum PSPlot {
    public static let spec = ToolSpec(
        name: "psplot",
        summary: "draw fields of process records over time, as SVG or in the terminal",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpsplot\\fR reads process records (from \\fBpssnap\\fR, \\fBpsfilter\\fR, \\fBpsdelta\\fR, \\fBpsagg\\fR or \\fBpslabel\\fR, from the \\fIFILE\\fRs in order or standard input) and draws fields over time: one panel per \\fB\\-y\\fR field, stacked on one time axis, one line per series. It writes a self-contained SVG file to standard output (or \\fB\\-o\\fR \\fIFILE\\fR), or with \\fB\\-t\\fR the same chart in the terminal, in Unicode braille, redrawn after every snapshot with \\fB\\-\\-live\\fR.",
            "\\fBSeries.\\fR A record with a \\fBpid\\fR belongs to the series of its process, \\fB(pid, start)\\fR (and \\fBtid\\fR in a \\fBpssnap \\-\\-threads\\fR stream): a reused pid is a new line. A record without \\fBpid\\fR (a \\fBpsagg\\fR row) belongs to the series of its label fields' values: the \\fB\\-g\\fR field (\\fBpsagg \\-g user\\fR gives one line per user), \\fBhost\\fR, a \\fBpslabel\\fR field; a plain \\fBpsagg\\fR row is the one series \\fBall\\fR. \\fBpsagg \\-\\-by\\-root\\fR rows carry pid, start and comm and follow the process rule. \\fB\\-s\\fR names the key fields instead. A process series is labelled \\fIcomm pid\\fR, a group by its key values.",
            "\\fBTop series.\\fR In each panel the \\fB\\-\\-top\\fR \\fIN\\fR series (10 by default) with the highest peak are drawn, ranked by peak in the legend; every other series of the panel is summed, snapshot by snapshot, into one grey dotted line \\fBother (\\fIK\\fB)\\fR, \\fIK\\fR being how many series it holds. It is the panel's total less the lines drawn, so it shows each bucket's mean (its own one-sample spikes are smoothed to the bucket). So a machine's 1000 processes stay readable and nothing is lost from the sum. When only one series would be summed it is drawn itself.",
            "\\fBValues.\\fR A \\fBnull\\fR value (a counter psdelta could not rate, a field pssnap could not read) is a gap in the line, never a drop to 0. A record without the field is not in that panel at all (a psagg row in a stream of process records, say); a value that is not a number counts as null. Axes are in the field's unit, as pstools(7)'s field table gives it: bytes in binary units with ticks at binary steps (256 MiB, 512 MiB, 768 MiB), percent of one CPU, bytes/s, seconds; other numbers with 1, 2, 5 steps. A linear axis starts at 0 unless a value is negative. With \\fB\\-\\-log\\fR, values of 0 or less sit on the bottom edge. Time is local clock time (the date under the time when the span crosses midnight), or with \\fB\\-\\-relative\\fR time since the first sample.",
            "\\fBReduction.\\fR However long the stream, psplot keeps a fixed number of points per series: time is cut into buckets on one grid (about twice as many as the plot has pixel columns); when the stream outgrows the grid, neighbouring buckets are merged and the grid doubles its bucket width. A bucket keeps its samples' first, last, lowest and highest value, their sum and count. Without \\fB\\-e\\fR each pixel column of a line shows the column's lowest and highest value (a stroke down and up the column), so a one-sample spike never disappears and the SVG stays small (under 1 MB at the default size with the default \\fB\\-\\-top\\fR, whatever the stream's length). \\fB\\-w\\fR \\fIN\\fR replaces each sample by the mean of the \\fIN\\fR samples centred on it (fewer at the ends of a line and next to a gap) before anything is kept; \\fB\\-e\\fR \\fIEPSILON\\fR then draws each bucket's mean and simplifies the line with Ramer-Douglas-Peucker: no point left out is farther than \\fIEPSILON\\fR pixels from the line drawn (Procpath's \\fBplot \\-w \\-e\\fR).",
            "\\fBMemory.\\fR Per panel, at most 4 × \\fB\\-\\-top\\fR series (at least 40; 1000 with \\fB\\-\\-top 0\\fR) are kept in detail, the ones with the highest peaks so far; a series that rises above the lowest of them takes its place, and is drawn from then on (what it did before stays in \\fBother\\fR). Every series is counted in the panel's total whatever happens, so \\fBother\\fR is always the total less the lines drawn. Memory therefore does not grow with the stream's length: 1000 processes over 1000 snapshots take the same memory as over 10. Beyond 100 000 series seen (a long recording of a busy machine), the ones not in detail and not seen in the last two snapshots are forgotten: one that comes back is counted again in \\fIK\\fR.",
            "\\fBDefaults and errors.\\fR Without \\fB\\-y\\fR the panels are \\fBcpu,rss\\fR when some record carries \\fBcpu\\fR (psdelta's), else \\fBrss\\fR. Whether a record carries a \\fB\\-y\\fR field can only be known once the input has been read: when no record carried it, psplot reports it with the nearest field name it knows or saw (\\fBpsplot: no record carries field 'rsss' (did you mean 'rss'?)\\fR), or for a field pstools writes, what writes it (\\fBno record carries field 'pss' (pssnap writes it with '\\-f +smaps')\\fR), writes no chart and exits with status 2. (Under \\fB\\-\\-live\\fR the panel says so until then.) An input with no record at all gives a chart that says \\fBno records\\fR, status 0. A field that records carry but always as null gives an empty panel that says so. A line that is not a JSON object, or lacks a numeric \\fBts\\fR, is reported as \\fIpsplot\\fB: \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fB: \\fImessage\\fR and skipped, the chart is drawn from the good records, and the exit status is 1. SIGINT or SIGTERM (Ctrl-C on \\fBpssnap \\-i1 | psdelta | psplot > chart.svg\\fR) ends the reading at the next record; the chart is drawn from what came, status 0.",
            "\\fBThe SVG\\fR has no external resource (no font, stylesheet, image or script is fetched) and renders in browsers, \\fBrsvg\\-convert\\fR(1) and Inkscape. Each line and legend entry has a tooltip (\\fB<title>\\fR) with the series' name, lowest, highest and last value; in a browser, clicking a legend entry hides its line (in every panel) and clicking again shows it. Colours are the Okabe-Ito palette, which colour-blind readers can tell apart; past its eight colours lines are dashed. Process names are escaped for XML; characters XML cannot hold become U+FFFD.",
            "\\fBThe terminal chart\\fR (\\fB\\-t\\fR) is the same layout drawn with braille characters (2 × 4 dots per cell), sized to the terminal (one row less, for the prompt) or to \\fB\\-\\-size\\fR, in colour unless \\fBNO_COLOR\\fR is set or standard output is not a terminal. \\fB\\-\\-live\\fR (which implies \\fB\\-t\\fR) draws on the terminal's alternate screen and redraws whenever the input pauses (after each snapshot of a live \\fBpssnap \\-i\\fR), at least once a second while it does not; Ctrl-C ends it with status 0 and the terminal as it was. When the input ends, the final chart is printed on the normal screen. Labels from processes are sanitized: no control character reaches the terminal.",
        ],
        options: [
            OptionSpec("y", "fields", value: "FIELD,...", help: "one panel per field (default: cpu,rss, or rss without cpu)",
                       doc: "One panel per \\fIFIELD\\fR, stacked in this order on one time axis. Repeated \\fB\\-y\\fR options add panels. Default: \\fBcpu,rss\\fR when the records carry \\fBcpu\\fR, else \\fBrss\\fR. A field that is a string (comm, user, cmdline, ...) is refused.",
                       completion: .listOf(FieldTable.names)),
            OptionSpec("s", "series", value: "FIELD,...", help: "one line per distinct value of these fields",
                       doc: "One line per distinct combination of these fields' values, labelled by the values (\\fB\\-s comm\\fR: one line per command name, summing nothing: a line is the values of the records that have that name, so use \\fBpsagg \\-g comm\\fR first to sum). Default: a process per line, or psagg's group key.",
                       completion: .listOf(FieldTable.names)),
            OptionSpec(nil, "top", value: "N", help: "draw the N highest series per panel, sum the rest as 'other' (default 10; 0: all)",
                       doc: "Draw the \\fIN\\fR series with the highest peak in each panel and sum the others into one \\fBother (\\fIK\\fB)\\fR line (default 10). \\fB\\-\\-top 0\\fR draws every series (at most 1000 are kept in detail per panel)."),
            OptionSpec("w", "moving-average-window", value: "N", help: "centred moving average over N samples",
                       doc: "Replace each sample by the mean of the \\fIN\\fR samples centred on it, per series, before reduction (fewer samples at the ends of a line and next to a gap)."),
            OptionSpec("e", "rdp-epsilon", value: "PIXELS", help: "Ramer-Douglas-Peucker simplification, tolerance in pixels",
                       doc: "Draw each bucket's mean and simplify the line with Ramer-Douglas-Peucker, leaving out no point farther than \\fIPIXELS\\fR from it (after \\fB\\-w\\fR). Without \\fB\\-e\\fR each pixel column shows its lowest and highest value. In the terminal, a pixel is a braille dot."),
            OptionSpec(nil, "after", value: "TIME", help: "only samples at or after TIME (epoch seconds or ISO 8601)",
                       doc: "Only records whose \\fBts\\fR is at or after \\fITIME\\fR: epoch seconds (\\fB1764510000\\fR), or ISO 8601 (\\fB2026\\-11\\-30\\fR, \\fB2026\\-11\\-30T14:03\\fR, \\fB2026\\-11\\-30 14:03:07.5\\fR, with \\fBZ\\fR or \\fB+01:00\\fR for a zone; local time without one)."),
            OptionSpec(nil, "before", value: "TIME", help: "only samples at or before TIME",
                       doc: "Only records whose \\fBts\\fR is at or before \\fITIME\\fR (as \\fB\\-\\-after\\fR)."),
            OptionSpec(nil, "relative", help: "time axis as time since the first sample",
                       doc: "Label the time axis with the time since the first sample (0, 30 s, 1m00s, ...) instead of the clock."),
            OptionSpec(nil, "log", help: "logarithmic value axes",
                       doc: "Logarithmic value axes: powers of 2 for bytes, of 10 otherwise. Values of 0 or less sit on the bottom edge."),
            OptionSpec(nil, "title", value: "TEXT", help: "a title above the chart"),
            OptionSpec(nil, "width", value: "PIXELS", help: "SVG width (default 1000)",
                       doc: "The SVG's width in pixels (default 1000; 300 to 20000)."),
            OptionSpec(nil, "height", value: "PIXELS", help: "SVG height (default 90 + 250 per panel)",
                       doc: "The SVG's height in pixels (default 90 plus 250 per panel; 150 to 20000)."),
            OptionSpec("o", "output", value: "FILE", help: "write the chart to FILE instead of standard output",
                       doc: "Write the chart to \\fIFILE\\fR (created, or emptied, once the input has been read) instead of standard output. A symbolic link or anything but a regular file is refused.",
                       completion: .file),
            OptionSpec("t", "term", help: "draw the chart in the terminal",
                       doc: "Draw the chart as text, in braille, sized to the terminal (or \\fB\\-\\-size\\fR; 80x24 when standard output is not a terminal), in colour unless \\fBNO_COLOR\\fR is set or standard output is not a terminal."),
            OptionSpec(nil, "size", value: "COLSxROWS", help: "terminal chart size, as 100x30",
                       doc: "The terminal chart's size in character cells (\\fB100x30\\fR; at least 30x8): exactly that many rows, none wider."),
            OptionSpec(nil, "live", help: "redraw in the terminal after every snapshot (implies -t)",
                       doc: "Draw on the terminal's alternate screen and redraw whenever the input pauses (after each snapshot of a live stream), so that \\fBpssnap \\-i1 | psdelta | psplot \\-\\-live\\fR is a live chart. Ctrl-C ends it with status 0 and the terminal restored; at the end of the input the final chart is printed. Needs a terminal on standard output."),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap -i1 -n60 | psdelta | psplot > top.svg", "a minute of the machine: CPU and memory of the 10 busiest processes, the rest as 'other'"),
            ("pssnap -i1 -- make -j8 | psdelta | psagg | psplot -y cpu,rss,write_bytes_rate -o build.svg", "a build's CPU, memory and writes, summed over its whole tree"),
            ("pssnap -i5 | psagg -g user | psplot -y rss --title 'memory per user'", "one line per user"),
            ("pssnap -i1 'comm==postgres..' | psdelta | psagg | psplot --live -y cpu,rss", "a live chart in the terminal, over ssh"),
            ("psplot -y rss -w 5 -e 1 --after 2026-11-30T09:00 --before 2026-11-30T17:00 log.ndjson > day.svg", "a working day from a long log, smoothed as Procpath's plot does"),
        ],
        seeAlso: ["pssnap(1)", "psdelta(1)", "psagg(1)", "pstrend(1)", "pstools(7)", "rsvg-convert(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    /// What the command line asks for, checked.
    struct Options {
        var collector = ChartCollector.Options()
        var layout = ChartLayout.Options()
        var terminal = false
        var live = false
        var size: (columns: Int, rows: Int)?
        var width = 1000
        var height: Int?
        var output: String?
    }

    static func fieldList(_ args: ParsedArguments, _ long: String, _ flag: String) throws(UsageError) -> [String]? {
        guard let lists = args.values[long] else { return nil }
        return try ValueParsers.fieldList(lists, option: flag, unique: true)
    }

    static func integer(_ args: ParsedArguments, _ long: String, _ flag: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = args.value(long) else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw UsageError("option '\(flag)' takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return v
    }

    static func options(_ args: ParsedArguments) throws(UsageError) -> Options {
        var o = Options()
        if let fields = try fieldList(args, "fields", "-y") {
            for f in fields {
                if let info = FieldTable.info(f), info.type != .number {
                    throw UsageError("cannot plot '\(f)': it is a \(info.type == .string ? "string" : "list"), not a number")
                }
            }
            o.collector.fields = fields
        }
        o.collector.seriesFields = try fieldList(args, "series", "-s")
        if let top = try integer(args, "top", "--top", 0...1000) { o.collector.top = top; o.layout.top = top }
        o.collector.window = try integer(args, "moving-average-window", "-w", 1...100_000)
        if let text = args.value("rdp-epsilon") {
            guard let e = Double(text), e.isFinite, e >= 0 else { throw UsageError("option '-e' takes a number of pixels, not '\(text)'") }
            o.layout.epsilon = e
        }
        for (long, keyPath) in [("after", \ChartCollector.Options.after), ("before", \ChartCollector.Options.before)] {
            guard let text = args.value(long) else { continue }
            guard let t = ChartTime.parse(text) else {
                throw UsageError("option '--\(long)' takes epoch seconds or an ISO 8601 time (2026-11-30T14:03:07), not '\(text)'")
            }
            o.collector[keyPath: keyPath] = t
        }
        if let a = o.collector.after, let b = o.collector.before, a > b {
            throw UsageError("'--after' is later than '--before': nothing to draw")
        }
        o.layout.relative = args.has("relative")
        o.layout.log = args.has("log")
        o.layout.title = args.value("title")
        o.live = args.has("live")
        o.terminal = args.has("term") || o.live
        o.output = args.value("output")
        if let text = args.value("size") {
            let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2, let c = Int(parts[0]), let r = Int(parts[1]), (30...1000).contains(c), (8...1000).contains(r) else {
                throw UsageError("option '--size' takes COLSxROWS (at least 30x8, at most 1000x1000), not '\(text)'")
            }
            o.size = (c, r)
        }
        if o.terminal {
            for flag in ["width", "height"] where args.has(flag) {
                throw UsageError("'--\(flag)' sizes the SVG; with '-t' use '--size COLSxROWS'")
            }
        } else if o.size != nil {
            throw UsageError("'--size' sizes the terminal chart ('-t'); the SVG takes '--width' and '--height'")
        }
        if o.live && o.output != nil { throw UsageError("'--live' draws on the terminal; it cannot write to '-o'") }
        o.width = try integer(args, "width", "--width", 300...20000) ?? 1000
        o.height = try integer(args, "height", "--height", 150...20000)
        return o
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        var o = try options(args)
        if o.live && !Terminal.isTerminal(output.fd) {
            throw UsageError("'--live' needs a terminal on standard output")
        }
        // The terminal's size, or --size; a chart printed once leaves a row for the prompt.
        var terminalSize: (columns: Int, rows: Int) {
            if let s = o.size { return s }
            if let s = Terminal.size(output.fd) { return (max(30, s.columns), max(8, s.rows)) }
            return (80, 24)
        }
        let printedSize: (columns: Int, rows: Int) = o.size ?? {
            let s = terminalSize
            return Terminal.size(output.fd) != nil ? (s.columns, max(8, s.rows - 1)) : s
        }()
        o.collector.capacity = o.terminal ? max(256, 4 * printedSize.columns) : max(512, 2 * o.width)
        let collector = ChartCollector(options: o.collector)
        let color = o.output == nil && Terminal.colorWanted(output.fd)

        var lastDraw = 0.0
        var drawnRecords = -1
        func redraw() throws {
            guard collector.records != drawnRecords else { return }
            let size = terminalSize
            let layout = ChartLayout.make(collector, canvas: .terminal(columns: size.columns, rows: size.rows), options: o.layout)
            let lines = TerminalChart.render(layout, color: color)
            output.appendText(Terminal.home + lines.joined(separator: Terminal.clearLineToEnd + "\r\n") + Terminal.clearLineToEnd + Terminal.clearToEnd)
            try output.flush()
            drawnRecords = collector.records
            lastDraw = monotonicSeconds()
        }
        let beforeBlocking: (LineReader) throws -> Void = { lines in
            if Signals.stopRequested != 0 { throw Stopped() }
            guard o.live else { return }
            // Redraw when the input pauses (a snapshot is in), or at least once a second.
            if lines.waitForInput(milliseconds: 40) && monotonicSeconds() - lastDraw < 1 { return }
            try redraw()
        }

        // --live: Ctrl-C leaves the alternate screen and ends at once (Terminal.enter). Otherwise
        // SIGINT and SIGTERM end the reading at the next record, and the chart is drawn from
        // what came (Ctrl-C on `pssnap -i1 | psdelta | psplot > chart.svg` is how one stops it).
        if o.live { Terminal.enter(output.fd) } else { Signals.catchStopSignals() }
        defer { if o.live { Terminal.leave() } }
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output,
                                  diagnostics: diagnostics, beforeBlocking: beforeBlocking)
        do {
            try loop.run { record in
                if Signals.stopRequested != 0 { throw Stopped() }
                return collector.add(record)
            }
        } catch is Stopped {}
        collector.finish()
        if o.live { Terminal.leave() }

        // A -y field no record carried: most likely a typo (the field table does not know every field).
        if collector.records > 0 || !collector.seenFields.isEmpty {
            for panel in collector.visiblePanels where !panel.carried {
                throw UsageError("no record carries field '\(panel.field)'\(missingHint(panel.field, seen: collector.seenFields))")
            }
        }

        var out = output
        var fd: Int32 = -1
        defer { if fd >= 0 { SystemCall.close(fd) } }
        if let path = o.output {
            switch OutputFile.open(path, mode: .truncate) {
            case .failure(let e): throw e
            case .success(let f): fd = f
            }
            out = OutputBuffer(fd: fd)
        }
        if o.terminal {
            let layout = ChartLayout.make(collector, canvas: .terminal(columns: printedSize.columns, rows: printedSize.rows), options: o.layout)
            for line in TerminalChart.render(layout, color: color) {
                out.appendText(line)
                out.append(0x0A)
            }
        } else {
            let panels = max(1, collector.visiblePanels.count)
            let canvas = ChartCanvas.svg(width: o.width, height: o.height ?? (90 + 250 * panels))
            out.appendText(SVGChart.render(ChartLayout.make(collector, canvas: canvas, options: o.layout)))
        }
        try out.flush()
        return loop.status
    }

    /// Why a field may be missing: the tool or option that writes a field the table knows, else
    /// the nearest name known or seen in the stream.
    static func missingHint(_ field: String, seen: Set<String>) -> String {
        if let info = FieldTable.info(field) {
            switch info.producer {
            case .psdelta: return " (psdelta adds it: pssnap -i1 | psdelta | psplot)"
            case .psagg: return " (psagg writes it)"
            case .pssnap:
                if info.group == "always" || info.group == "stat" { return " (every pssnap record has it)" }
                if info.group.hasPrefix("--") { return " (pssnap writes it with '\(info.group)')" }
                if ["smaps", "net", "cgroup", "argv"].contains(info.group) { return " (pssnap writes it with '-f +\(info.group)')" }
                return " (pssnap writes it unless '-f' leaves out '\(info.group)')"
            }
        }
        let candidates = seen.sorted() + FieldTable.names
        return FieldTable.nearest(to: field, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// SIGINT or SIGTERM came: stop reading, draw what came.
    struct Stopped: Error {}

    static func monotonicSeconds() -> Double { Double(SystemEnvironment.monotonicNs()) / 1e9 }

}

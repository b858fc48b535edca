#if canImport(Glibc)
import Glibc
#endif

/// psview: show process records to people: a tree table per snapshot.
public enum PSView {
    public static let spec = ToolSpec(
        name: "psview",
        summary: "show process records to people: a tree table per snapshot",
        usage: ["[OPTIONS] [FILE...]", "--replay [SPEED] [OPTIONS] FILE..."],
        description: [
            "\\fBpsview\\fR reads process records (from \\fBpssnap\\fR, \\fBpsfilter\\fR, \\fBpsdelta\\fR, \\fBpslabel\\fR or \\fBpsagg\\fR; from the \\fIFILE\\fRs in order, or standard input; \\fB\\-\\fR is standard input) and shows each snapshot (a run of records with the same \\fBts\\fR) as a table for people: a title line with the snapshot's date and time and its number of processes, a header line, and one row per process in tree order, each child under its parent with the tree drawn in Unicode box-drawing lines (or \\fB|\\- \\e\\- |\\fR with \\fB\\-\\-ascii\\fR) in the command column, as \\fBps axf\\fR and \\fBpstree\\fR do. The tree is rebuilt from \\fBpid\\fR and \\fBppid\\fR, so the records need not be in preorder; a process whose parent is not in the snapshot is a root. In a \\fBpssnap \\-\\-threads\\fR stream each thread hangs under its process. Records without \\fBpid\\fR (psagg's rows) make a flat table, in input order.",
            "Columns: \\fB\\-f\\fR, or by default \\fBpid\\fR, \\fBuser\\fR, \\fBcpu\\fR (when the records carry psdelta's fields), \\fBrss\\fR, \\fBfds\\fR, and last the command: \\fBcmdline\\fR, or \\fBcomm\\fR when the records have no cmdline; each only when the records have it (psagg's rows get their group key and \\fBcount\\fR). The header names each field in capitals. Numbers are right-aligned, in the field's unit and compact: bytes as \\fB12MiB\\fR, percent of one CPU as \\fB250%\\fR, seconds as \\fB3.2s\\fR or \\fB1h02m\\fR, rates as \\fB1.5MiB/s\\fR or \\fB12/s\\fR, clock times as \\fB14:03:07\\fR, counts as they are below a million (\\fB1.23M\\fR above), and identities (pid, uid) exactly as written. Text is left-aligned. A null (or absent) value is \\fB\\-\\fR. A process with an empty command line (a kernel thread, a zombie) shows its comm in brackets, \\fB[kthreadd]\\fR, as ps does.",
            "Every string from the stream (a process chooses its own name and arguments) is shown with each control character (C0, DEL, C1: an escape sequence, a newline, a carriage return) replaced by \\fB?\\fR, so no process can move the cursor, retitle the window or break a line of the table.",
            "Piped, or reading regular files on a terminal, psview writes plain text: one block per snapshot, title line first, a blank line between blocks, no escape code, lines as wide as their content (\\fB\\-w\\fR to cut them). A block is written when the next snapshot begins, or at the end of the input: psview cannot know a snapshot is complete before.",
            "On a terminal, with a stream that goes on (the input is a pipe and a second snapshot began, or it paused a quarter of a second with a snapshot read, or \\fB\\-\\-replay\\fR), psview switches to the alternate screen and redraws each snapshot in place: once the input has been quiet for a tenth of a second (pssnap writes a snapshot at once, so this is when it has arrived), and again when the next snapshot begins if more records came. Each line is fitted to the terminal's width: other text columns are cut to 24 columns and the command column takes the rest, long command lines cut with \\fB…\\fR; rows that do not fit the terminal's height are left out, and the last line says how many. The size is read again at each snapshot. Ctrl-C, SIGTERM and SIGHUP restore the screen as it was and end the run, status 0 (129 on SIGHUP: the terminal is gone). At the end of the input the normal screen comes back with the last picture printed on it.",
            "Colour, on a terminal only and never when the environment variable \\fBNO_COLOR\\fR is set: a percent figure of 100 or more (a process using at least a whole core) in bold red; the command (and state) of a process in uninterruptible sleep (state \\fBD\\fR, stuck in I/O) in bold yellow, of a zombie (\\fBZ\\fR, ended and not reaped by its parent) in magenta; the header in reverse video.",
            "Memory is one snapshot's records. A line that is not a JSON object, lacks a numeric \\fBts\\fR, or has a \\fBpid\\fR or \\fBppid\\fR that is not a whole number from 0 to 2147483647, is reported as \\fIpsview\\fB: \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fB: \\fImessage\\fR and skipped; the exit status is then 1. While the live screen is shown on the terminal that is also standard error, the messages are held until the screen is left at the end of the input (the first 100 of them) and the title line counts them; Ctrl-C drops them and ends with status 0.",
        ],
        options: [
            OptionSpec("f", "fields", value: "LIST", help: "columns, in order: FIELD,FIELD,... (+FIELD adds to the defaults)",
                       doc: "The columns, in this order (\\fB\\-f pid,user,rss,cmdline\\fR); repeated \\fB\\-f\\fR options add columns. With every name prefixed by \\fB+\\fR (\\fB\\-f +pss,+swap\\fR) the fields are added to the default columns, before the command. The tree is drawn in the first of cmdline, comm and argv among the columns, or in the first column. A field the tools know but the records lack (cpu before psdelta has two observations, pss without pssnap \\fB\\-f +smaps\\fR) shows \\fB\\-\\fR; a name that neither the tools nor the first snapshot's records know is an error (status 2) naming the nearest field.",
                       completion: .listOf(FieldTable.names)),
            OptionSpec("s", "sort", value: "[+|-]FIELD[,...]", help: "order siblings by FIELD (quantities biggest first; +FIELD ascending, -FIELD descending)",
                       doc: "Order each set of siblings (the roots too, and psagg's rows) by \\fIFIELD\\fR, then by the next \\fIFIELD\\fR for ties, then by pid. Quantities (gauges, counters and rates: rss, cpu, fds, write_bytes_rate, ...) sort biggest first; identities, times and text (pid, start, user, comm) ascending. \\fB+\\fIFIELD\\fR sorts ascending, \\fB\\-\\fIFIELD\\fR descending (\\fB\\-\\-sort=\\-start\\fR: the youngest first). A null or absent value sorts last either way. With \\fB\\-\\-sum\\fR a summed field sorts by the subtree totals, as shown. Without \\fB\\-\\-sort\\fR siblings come by ascending pid, as pssnap writes them, and psagg's rows in input order.",
                       completion: .listOf(FieldTable.names)),
            OptionSpec(nil, "sum", help: "show each process's subtree totals in the summed columns",
                       doc: "Show in each column that adds up each process's total over its whole subtree (itself and every descendant), the figure htop and btop do not give: how much memory a service with all its workers uses, how much CPU a build takes. The columns that add up are those psagg sums: memory, counts (fds, threads, sockets), counters and rates (cpu, *_rate); not pid, nice, prio, processor, times or text. Their header is marked \\fBΣ\\fR (\\fB+\\fR with \\fB\\-\\-ascii\\fR). A total skips null members and is null only when every member is. Summed rss counts a page shared by several processes once per process; pss (pssnap \\fB\\-f +smaps\\fR) does not."),
            OptionSpec(nil, "ascii", help: "draw the tree with | - \\ and cut text with ...",
                       doc: "Draw the tree with \\fB|\\- \\e\\- |\\fR instead of box-drawing characters, mark totals with \\fB+\\fR and cut text with \\fB...\\fR, for terminals and files without UTF-8."),
            OptionSpec("w", "width", value: "COLS", help: "fit lines in COLS columns (0: no limit); default: the terminal's width",
                       doc: "Fit every line in \\fICOLS\\fR columns, as on a terminal: other text columns cut to 24, the command column taking the rest. \\fB0\\fR means no limit. By default lines are fitted to the terminal's width on a terminal and not cut when piped."),
            {
                var replay = OptionSpec(nil, "replay", value: "SPEED", help: "play a recording at its own pace, or SPEED times faster",
                    doc: "Play the snapshots at the pace they were taken: each one is shown after the gap between its \\fBts\\fR and the previous one's, divided by \\fISPEED\\fR (default 1; \\fB\\-\\-replay 10\\fR is ten times faster, \\fB\\-\\-replay 0.5\\fR half as fast), so a recording of last night's incident can be watched as it happened. \\fISPEED\\fR is the next argument when that is a number (\\fB\\-\\-replay 10 incident.ndjson\\fR; write \\fB./10\\fR for a file named 10), or attached: \\fB\\-\\-replay=10\\fR. A snapshot whose ts goes back (recordings one after another) is shown at once and the pacing starts again from it. On a terminal the replay is shown on the live screen, piped as blocks.")
                replay.valueIsOptional = true
                return replay
            }(),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap | psview", "the process tree now, with users, memory and file descriptors"),
            ("pssnap -i1 | psdelta | psview --sort cpu", "a live view, busiest siblings first, redrawn every second"),
            ("pssnap -i2 -f +smaps | psdelta | psview --sum -f pid,user,cpu,pss,uss,fds,cmdline", "each service with all its workers: subtree totals of CPU and memory"),
            ("psview --replay 10 incident.ndjson", "last night's recording, ten times faster"),
            ("pssnap -i1 | psagg -g user | psview --sort rss", "a table of users, refreshed every second"),
            ("pssnap 'comm==nginx..' | psview --ascii -w 100 | mail -s nginx ops", "an nginx subtree as plain ASCII text, 100 columns wide"),
        ],
        seeAlso: ["pssnap(1)", "psdelta(1)", "psfilter(1)", "psagg(1)", "pstools(7)", "ps(1)", "pstree(1)", "top(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    static func options(_ args: ParsedArguments, terminal: Bool, color: Bool) throws(UsageError) -> ViewSession.Settings {
        var s = ViewSession.Settings()
        s.table.columns = try ViewColumnChoice.parse(args.values["fields"] ?? [])
        if let sort = args.value("sort") { s.table.sort = try ViewSortKey.parse(sort) }
        s.table.sum = args.has("sum")
        s.table.ascii = args.has("ascii")
        if let w = args.value("width") {
            guard let n = Int(w), n >= 0 else { throw UsageError("option '-w' takes a number of columns (0 for no limit), not '\(w)'") }
            s.width = n
        }
        if args.has("replay") {
            s.replaySpeed = 1
            if let text = args.value("replay") {
                guard let v = Double(text), v.isFinite, v > 0 else {
                    throw UsageError("option '--replay' takes a speed above 0 (10: ten times faster), not '\(text)'")
                }
                s.replaySpeed = v
            }
        }
        s.terminal = terminal
        s.color = color
        switch s.table.columns {
        case .defaults: break
        case .exactly(let names), .defaultsPlus(let names): s.namedFields += names
        }
        s.namedFields += s.table.sort.map(\.field).filter { !s.namedFields.contains($0) }
        return s
    }

    /// Runs psview. `terminal` stands for "stdout is a terminal" (tests pass false; nil asks),
    /// `clock` paces `--replay` (tests pass a fake one).
    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics,
                           terminal: Bool? = nil, clock: ViewClock = MonotonicViewClock()) throws -> Int32 {
        let isTerminal = terminal ?? (output.fd >= 0 && Terminal.isTerminal(output.fd))
        let settings = try options(args, terminal: isTerminal, color: isTerminal && Terminal.colorWanted(output.fd))
        if output.fd >= 0 { ViewSignals.install() }
        let session = ViewSession(settings, output: output, clock: clock)
        let grouper = SnapshotGrouper()
        let identity = IdentityReader()
        let tsKey = RecordKey("ts"), pidKey = RecordKey("pid"), ppidKey = RecordKey("ppid")
        var loop: StreamToolLoop! = nil
        // A message written over the live screen would be erased by the next redraw: while it is
        // shown on the same terminal as stderr, messages are held (bounded) until it is left, and
        // the title line counts them. Another stderr (a file) gets them at once.
        var held: [String] = []
        let stderrShared = output.fd >= 0 && Terminal.isTerminal(2)
        let shown = Diagnostics(tool: diagnostics.tool, sink: { message in
            if session.live && stderrShared {
                session.heldMessages += 1
                if held.count < 100 { held.append(message) }
            } else {
                diagnostics.report(message)
            }
        })
        loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output, diagnostics: shown,
                              willBlock: {
            try session.idle(grouper.records, ts: grouper.ts, input: loop.reader.lines)
        })
        do {
            try loop.run { record in
                guard let ts = record[tsKey]?.double else { return "missing number field 'ts'" }
                if case .invalid(let message) = identity.pidValue(record, pidKey) { return message }
                if case .invalid(let message) = identity.pidValue(record, ppidKey) { return message }
                if grouper.isNewSnapshot(ts: ts) {
                    let previous = grouper.ts
                    try session.complete(grouper.take(), ts: previous, inputIsStream: loop.reader.lines.inputIsStream)
                }
                grouper.append(record, ts: ts)
                return nil
            }
            if !grouper.isEmpty {
                let ts = grouper.ts
                try session.complete(grouper.take(), ts: ts, inputIsStream: false)
            }
            try session.finish()
        } catch {
            session.abandon()
            for message in held { diagnostics.report(message) }
            throw error
        }
        for message in held { diagnostics.report(message) }
        if session.heldMessages > held.count { diagnostics.report("\(session.heldMessages - held.count) more bad lines not shown") }
        return loop.status
    }
}

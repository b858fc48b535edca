#if canImport(Glibc)
import Glibc
#endif

/// Where psview's tables go. Piped (or reading a regular file): plain text, one block per
/// snapshot under its title line. On a terminal with a stream that goes on (it paused with a
/// snapshot pending, or a second snapshot began, or `--replay`): the alternate screen, each
/// snapshot redrawn in place, fitted to the terminal's width and height; at the end of the input
/// the last picture is left on the normal screen. Colour only on a terminal without NO_COLOR.
final class ViewSession {
    struct Settings {
        var table = TreeTable.Options()
        /// `--width`: 0 for no limit; nil for the terminal's width (no limit when piped).
        var width: Int? = nil
        var replaySpeed: Double? = nil
        /// stdout is a terminal.
        var terminal = false
        var color = false
        /// `-f` and `--sort` names, checked against the first snapshot.
        var namedFields: [String] = []
    }

    let settings: Settings
    let output: OutputBuffer
    let clock: ViewClock
    private var schedule: ReplaySchedule?
    private(set) var live = false
    /// Bad lines held while the live screen is shown: the title line counts them.
    var heldMessages = 0
    private var checked = false
    private var blocks = 0
    /// The snapshot drawn last on the live screen (its ts and record count) and its lines.
    private var drawn: (ts: Double, count: Int)? = nil
    private var lastFrame: [ViewLine] = []

    /// How long the input must stay quiet before a pending snapshot is drawn: longer before the
    /// first live draw (a one-shot `pssnap | psview` must not be mistaken for a stream).
    static let firstPause = 0.25, livePause = 0.1

    init(_ settings: Settings, output: OutputBuffer, clock: ViewClock) {
        self.settings = settings
        self.output = output
        self.clock = clock
        schedule = settings.replaySpeed.map { ReplaySchedule(speed: $0) }
    }

    /// A snapshot is complete (the next one began, or the input ended).
    func complete(_ snapshot: [StoredRecord], ts: Double, inputIsStream: Bool) throws {
        let records = snapshot.map(\.record)
        defer { withExtendedLifetime(snapshot) {} }
        try check(records)
        if var schedule {
            let due = schedule.due(ts: ts, now: clock.now())
            self.schedule = schedule
            clock.sleep(until: due)
            if settings.terminal && !live { try goLive() }
        } else if settings.terminal && !live && inputIsStream {
            try goLive()
        }
        if live {
            if let drawn, drawn.ts == ts, drawn.count == records.count { return }
            try draw(records, ts: ts)
        } else {
            try writeBlock(records, ts: ts)
        }
    }

    /// The input is about to wait: on a terminal, once it has been quiet a moment, the snapshot
    /// read so far is drawn (pssnap flushes at the end of each snapshot, so that is usually all of it).
    func idle(_ pending: [StoredRecord], ts: Double, input: LineReader) throws {
        guard settings.terminal, schedule == nil, !pending.isEmpty, input.inputIsStream else { return }
        if let drawn, drawn.ts == ts, drawn.count == pending.count { return }
        let wait = live ? ViewSession.livePause : ViewSession.firstPause
        if input.waitForInput(milliseconds: Int32(wait * 1000)) { return }   // more is coming (or the end)
        let records = pending.map(\.record)
        defer { withExtendedLifetime(pending) {} }
        try check(records)
        if !live { try goLive() }
        try draw(records, ts: ts)
    }

    /// The input ended: leave the alternate screen, keeping the last picture on the normal screen.
    func finish() throws {
        try output.flush()
        guard live else { return }
        Terminal.leave()
        live = false
        for line in lastFrame { output.appendText((settings.color ? line.coloredText : line.plainText) + "\n") }
        try output.flush()
    }

    /// Leaves the alternate screen on an error (the message must be seen on the normal screen).
    func abandon() {
        if live { Terminal.leave(); live = false }
    }

    // MARK: -

    private func goLive() throws {
        try output.flush()
        Terminal.enter(output.fd)
        live = true
    }

    private func check(_ records: [Record]) throws {
        guard !checked, !records.isEmpty else { return }
        checked = true
        // A field the tools know may come later (psdelta's rates from the second snapshot): its
        // cells are `-` meanwhile. A name neither the table nor the records know is a typo.
        for name in settings.namedFields where FieldTable.info(name) == nil && !FieldTable.isNumeric(name)
            && !records.contains(where: { $0[name] != nil }) {
            throw UsageError("no record has the field '\(name)'" + ViewSession.hint(for: name, in: records[0]))
        }
    }

    /// The nearest field the records or the tools have.
    static func hint(for name: String, in record: Record) -> String {
        let present = (0..<record.count).map { record.keyString(at: $0) }
        if let near = FieldTable.nearest(to: name, among: present + FieldTable.names) { return " (did you mean '\(near)'?)" }
        return ""
    }

    private func tableOptions(width: Int?, height: Int?) -> TreeTable.Options {
        var options = settings.table
        options.width = width
        options.height = height
        if let speed = settings.replaySpeed {
            options.titleNote = "replay " + HumanUnits.decimal(speed) + (settings.table.ascii ? "x" : "×")
        }
        if heldMessages > 0 {
            let note = "\(heldMessages) bad input " + (heldMessages == 1 ? "line" : "lines") + " (listed at the end)"
            options.titleNote = options.titleNote.map { $0 + "  " + note } ?? note
        }
        return options
    }

    private func writeBlock(_ records: [Record], ts: Double) throws {
        var width = settings.width
        if width == nil, settings.terminal { width = Terminal.size(output.fd)?.columns }
        if width == 0 { width = nil }
        let frame = TreeTable(tableOptions(width: width, height: nil)).layout(records, ts: ts)
        if blocks > 0 { output.append(0x0A) }
        blocks += 1
        for line in frame.lines {
            output.appendText(settings.color ? line.coloredText : line.plainText)
            output.append(0x0A)
        }
        try ViewSignals.flushWhole(output)
    }

    private func draw(_ records: [Record], ts: Double) throws {
        let size = Terminal.size(output.fd) ?? (80, 24)
        var width = size.columns
        if let w = settings.width, w > 0 { width = min(width, w) }
        let frame = TreeTable(tableOptions(width: width, height: size.rows)).layout(records, ts: ts)
        output.append(ViewSession.home)
        for (i, line) in frame.lines.enumerated() {
            output.append(ViewSession.eraseLine)
            output.appendText(settings.color ? line.coloredText : line.plainText)
            if i < frame.lines.count - 1 { output.append(ViewSession.newline) }
        }
        if frame.lines.count < size.rows {
            output.append(ViewSession.newline)
            output.append(ViewSession.eraseBelow)
        }
        try output.flush()
        drawn = (ts, records.count)
        lastFrame = frame.lines
    }

    static let home: StaticString = "\u{1B}[H"
    static let eraseLine: StaticString = "\u{1B}[2K"
    static let eraseBelow: StaticString = "\u{1B}[J"
    static let newline: StaticString = "\r\n"
}

/// SIGINT and SIGTERM while psview writes plain text: the block being written is finished, then
/// the run ends with status 0; while it waits for input, it ends at once. (On the live screen,
/// Terminal.enter's handlers restore the screen and end the run instead.)
enum ViewSignals {
    // [0]: a block is being written; [1]: a stop arrived meanwhile. Raw memory for the handler.
    private static let state: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        p.initialize(repeating: 0, count: 2)
        return p
    }()

    static func install() {
        _ = state
        for sig in [SIGINT, SIGTERM] {
            Signals.install(sig, restart: true) { _ in
                if ViewSignals.state[0] == 0 { _exit(0) }
                ViewSignals.state[1] = 1
            }
        }
    }

    /// Flushes `output` whole, then ends the run if a stop arrived while it was written.
    static func flushWhole(_ output: OutputBuffer) throws {
        state[0] = 1
        defer {
            state[0] = 0
            if state[1] != 0 { exit(0) }
        }
        try output.flush()
    }
}

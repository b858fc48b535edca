/// The read loop every stream tool (psfilter, psdelta, psagg, pscsv, ...) shares: records from the
/// FILE operands (or stdin), each bad line reported once as `TOOL: FILE:LINE:COL: message` and
/// skipped, `--strict` stopping at the first, and the exit status pstools(7) asks for (1 when anything
/// was bad, 0 otherwise). Output is flushed before any read that could block.
///
///     let loop = StreamToolLoop(files: args.operands, strict: args.has("strict"),
///                               output: output, diagnostics: diagnostics)
///     try loop.run { record in ...; return nil }      // or return "missing field 'pid'"
///     return loop.status
public final class StreamToolLoop {
    public let reader: RecordReader
    public let strict: Bool
    let diagnostics: Diagnostics
    /// Set once a bad line or input was reported.
    public private(set) var sawTrouble = false
    /// Set when `--strict` stopped the run.
    public private(set) var stopped = false

    /// `beforeBlocking`, when given, is called before a read that could block, before the output
    /// is flushed, with the line reader (which can tell whether input is waiting): a tool that holds
    /// a snapshot back until it ends can end it there (psexport).
    public init(files: [String], strict: Bool, output: OutputBuffer, diagnostics: Diagnostics,
                maxLineLength: Int = LineReader.defaultMaxLineLength,
                beforeBlocking: ((LineReader) throws -> Void)? = nil) {
        final class ReaderReference { unowned(unsafe) var lines: LineReader? }
        let reference = ReaderReference()
        reader = RecordReader(arguments: files, maxLineLength: maxLineLength, willBlock: {
            if let beforeBlocking, let lines = reference.lines { try beforeBlocking(lines) }
            try output.flush()
        })
        reference.lines = reader.lines
        self.strict = strict
        self.diagnostics = diagnostics
    }

    /// 0, or 1 when a bad line or input was reported.
    public var status: Int32 { sawTrouble ? 1 : 0 }

    /// Reports a problem found outside `run`'s body (at the end of the input, say).
    public func report(_ error: InputError) {
        diagnostics.report(error.description)
        sawTrouble = true
        if strict { stopped = true }
    }

    private var fieldCheck: FieldNameCheck? = nil

    /// Warns once (not an error) about each of `names` that no record of the first snapshot has,
    /// with the nearest known name: a typo in a query or `-f` shows at once.
    public func checkFields(_ names: [String]) {
        fieldCheck = FieldNameCheck(names: names, diagnostics: diagnostics)
    }

    /// Calls `body` with each good record. `body` returns nil, or the message for a record that
    /// lacks what the tool needs (it is reported with the record's file and line, and skipped).
    /// Rethrows what `body` or the output throws (a write error, EPIPE).
    public func run(_ body: (Record) throws -> String?) throws {
        while !stopped, let event = try reader.next() {
            switch event {
            case .failure(let error):
                report(error)
            case .record(let record):
                fieldCheck?.observe(record)
                if let problem = try body(record) { report(reader.problem(problem)) }
            }
        }
        fieldCheck?.finish()
    }
}

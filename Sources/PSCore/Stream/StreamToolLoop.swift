/// The read loop every stream tool (psfilter, psdelta, psagg, pscsv, ...) shares: records from the
/// FILE operands (or stdin), each bad line reported once as `TOOL: FILE:LINE:COL: message` and
/// skipped, `--strict` stopping at the first, and the exit status SPEC §3 asks for (1 when anything
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

    /// `willBlock`, when given, runs after the output is flushed, before a read that could wait
    /// (psplot --live redraws there: the snapshot in hand is all there is for now).
    public init(files: [String], strict: Bool, output: OutputBuffer, diagnostics: Diagnostics,
                maxLineLength: Int = LineReader.defaultMaxLineLength, willBlock: (() throws -> Void)? = nil) {
        reader = RecordReader(arguments: files, maxLineLength: maxLineLength, willBlock: {
            try output.flush()
            try willBlock?()
        })
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

    /// Calls `body` with each good record. `body` returns nil, or the message for a record that
    /// lacks what the tool needs (it is reported with the record's file and line, and skipped).
    /// Rethrows what `body` or the output throws (a write error, EPIPE).
    public func run(_ body: (Record) throws -> String?) throws {
        while !stopped, let event = try reader.next() {
            switch event {
            case .failure(let error):
                report(error)
            case .record(let record):
                if let problem = try body(record) { report(reader.problem(problem)) }
            }
        }
    }
}

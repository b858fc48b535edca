/// The loop every stream tool runs: lines from the inputs, each parsed as a record, with every
/// bad line or input turned into an `InputError` that names the file, line and column.
///
///     let reader = RecordReader(arguments: files, willBlock: { try output.flush() })
///     while let event = try reader.next() {
///         switch event {
///         case .record(let record): ...
///         case .failure(let error): diagnostics.report(error.description)
///         }
///     }
public final class RecordReader {
    public let lines: LineReader
    public let parser: RecordParser

    public enum Event {
        /// Valid until the next call to `next()`; `copy()` it to keep it.
        case record(Record)
        /// A line that is not a record, a line too long, an input that cannot be opened or read.
        case failure(InputError)
    }

    public init(_ lines: LineReader, parser: RecordParser = RecordParser()) {
        self.lines = lines
        self.parser = parser
    }

    /// FILE operands as tools take them (none = stdin, `-` = stdin). `willBlock` is called before
    /// any read that could wait for input: flush the output there.
    public convenience init(arguments: [String], maxLineLength: Int = LineReader.defaultMaxLineLength,
                            willBlock: (() throws -> Void)? = nil) {
        self.init(LineReader(arguments: arguments, maxLineLength: maxLineLength, willBlock: willBlock))
    }

    /// "stdin" or the path of the input the last record came from.
    public var inputName: String { lines.inputName }
    /// The line number of the last record (or failure) in its input.
    public var lineNumber: Int { lines.lineNumber }

    /// The next record or problem; nil after the last input. Rethrows what `willBlock` throws.
    public func next() throws -> Event? {
        guard let event = try lines.next() else { return nil }
        switch event {
        case .failure(let error):
            return .failure(error)
        case .line(let line):
            do {
                return .record(try parser.parse(line.bytes))
            } catch {
                var located = error.located(input: lines.inputName, line: line.number)
                if !line.hasNewline {
                    located.message += " (the last line has no newline: the input may be cut short)"
                }
                return .failure(located)
            }
        }
    }

    /// An error about the current record (a field the tool needs is missing or has the wrong
    /// kind), located like a syntax error: `stdin:12: missing field 'pid'`.
    public func problem(_ message: String) -> InputError {
        InputError(input: lines.inputName, line: lines.lineNumber, message: message)
    }
}

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
        last = nil
        guard let event = try lines.next() else { return nil }
        switch event {
        case .failure(let error):
            return .failure(error)
        case .line(let line):
            do {
                let record = try parser.parse(line.bytes)
                last = record
                return .record(record)
            } catch {
                last = nil
                var located = error.located(input: lines.inputName, line: line.number)
                if !line.hasNewline {
                    located.message += " (the last line has no newline: the input may be cut short)"
                }
                return .failure(located)
            }
        }
    }

    /// The record `next()` returned last (a view, valid until the next call).
    private var last: Record?

    /// An error about the current record (a field the tool needs is missing or has the wrong
    /// kind), located like a syntax error, with a column: the first field the message names in
    /// single quotes points at its value when the record has it (`stdin:12:8: field 'pid' is not
    /// an integer`), and at the record's closing brace, where it is missing, when it has not
    /// (`stdin:12:40: missing field 'start'`); a message naming no field points at the record's
    /// opening brace.
    public func problem(_ message: String) -> InputError {
        InputError(input: lines.inputName, line: lines.lineNumber, column: last.map { RecordReader.column(of: message, in: $0) },
                   message: message)
    }

    /// The 1-based column `problem` gives `message` about `record`.
    static func column(of message: String, in record: Record) -> Int {
        let bytes = Array(message.utf8)
        var i = 0
        while let open = bytes[i...].firstIndex(of: 0x27) {
            guard let close = bytes[(open + 1)...].firstIndex(of: 0x27) else { break }
            let name = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
            if let value = record[name], let base = record.line.baseAddress, let at = value.raw.baseAddress {
                return base.distance(to: at) + 1
            }
            if i == 0 && !name.isEmpty {
                // The first name the message gives is the field it is about: missing, so the
                // closing brace is where it would have been.
                return record.closingBrace + 1
            }
            i = close + 1
        }
        return record.openingBrace + 1
    }
}

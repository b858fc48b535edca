/// Why a line is not a valid record, and where: the parser knows only the line, so the file and
/// line number are added by whoever renders it (`stdin:1042:77: expected ',' or '}'`).
public struct RecordSyntaxError: Error, Equatable, Sendable {
    /// 1-based byte offset into the line; one past its end when the line stops too early.
    public var column: Int
    /// Lowercase, no period, names quoted in single quotes: `expected ',' or '}'`.
    public var message: String

    public init(column: Int, _ message: String) {
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COL: message`, the whole text after `TOOL: `.
    public func description(input: String, line: Int) -> String {
        located(input: input, line: line).description
    }

    public func located(input: String, line: Int) -> InputError {
        InputError(input: input, line: line, column: column, message: message)
    }
}

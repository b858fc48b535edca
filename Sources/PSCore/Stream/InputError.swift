/// A problem with the input stream, reported as `TOOL: <description>` and then skipped: an input
/// that cannot be opened or read, a line that is too long, a line that is not a valid record.
///
/// It carries where it happened; only `description` turns that into text, once, at the edge.
public struct InputError: Error, Equatable, CustomStringConvertible, Sendable {
    /// "stdin" or the path as the user wrote it.
    public var input: String
    /// 1-based; nil when the problem is the input as a whole (it cannot be opened).
    public var line: Int?
    /// 1-based byte offset into the line; nil when the problem is the line as a whole.
    public var column: Int?
    public var message: String

    public init(input: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.input = input
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COL: message`, `FILE:LINE: message`, or the bare message for a whole input
    /// (`cannot open 'x': No such file or directory`, which already names it).
    public var description: String {
        guard let line else { return message }
        if let column { return "\(input):\(line):\(column): \(message)" }
        return "\(input):\(line): \(message)"
    }

    static func cannotOpen(_ input: String, _ errno: Errno) -> InputError {
        InputError(input: input, message: "cannot open '\(input)': \(errno.message)")
    }

    static func cannotRead(_ input: String, _ errno: Errno) -> InputError {
        InputError(input: input, message: "cannot read '\(input)': \(errno.message)")
    }
}

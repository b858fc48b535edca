#if canImport(Glibc)
import Glibc
#endif

/// One pslabel rule: `LABEL QUERY`.
///
/// LABEL is a bare word (letters, digits and `_ - . / : @ +`, as the query language's words) or
/// a quoted string (`'...'` or `"..."`, a backslash escaping the quote and itself), followed by
/// at least one space or tab, then the query: the rest of the line.
public struct LabelRule {
    /// The label as UTF-8.
    public let label: String
    /// The label written as a JSON string, quotes included: what pslabel appends.
    let json: [UInt8]
    public let query: Query
    /// Where it came from: `-e` or the rules file's path and line.
    public let origin: String
}

/// A rule that cannot be read, and where: `images.conf:3:12: expected a value after '=='`.
public struct LabelRuleError: Error, CustomStringConvertible {
    /// The rules file's path, or `-e`.
    public var source: String
    public var line: Int
    /// 1-based byte column in the line.
    public var column: Int
    public var message: String
    /// The line as written (for the caret), nil when there is none to show.
    public var text: String?
    /// How many bytes of `text` the caret spans (from `column`).
    public var width: Int = 1

    public var description: String { "\(source):\(line):\(column): \(message)" }

    /// The message, then the line and a caret under the problem (as psfilter shows a bad query).
    public func render(toolName: String) -> String {
        let s = "\(toolName): \(description)"
        guard let text else { return s }
        let start = max(0, column - 1)
        return s + "\n" + QueryError.caretLines(Array(text.utf8), start: start, end: start + max(1, width))
    }
}

public enum LabelRules {
    /// Parses one rule (no comment, no blank line). Errors carry the column in `text`.
    public static func parse(_ text: String, source: String, line: Int, origin: String) throws(LabelRuleError) -> LabelRule {
        let b = Array(text.utf8)
        func fail(_ at: Int, _ message: String, width: Int = 1) -> LabelRuleError {
            LabelRuleError(source: source, line: line, column: at + 1, message: message, text: text, width: width)
        }
        var i = 0
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        guard i < b.count else { throw fail(i, "expected a label") }
        var label: [UInt8] = []
        if b[i] == 0x22 || b[i] == 0x27 {
            let quote = b[i]
            let open = i
            i += 1
            var closed = false
            while i < b.count {
                if b[i] == 0x5C && i + 1 < b.count && (b[i + 1] == quote || b[i + 1] == 0x5C) {
                    label.append(b[i + 1]); i += 2; continue
                }
                if b[i] == quote { closed = true; i += 1; break }
                label.append(b[i]); i += 1
            }
            guard closed else { throw fail(open, "unterminated quoted label") }
        } else {
            let start = i
            while i < b.count && QueryLexer.isBareByte(b[i]) { label.append(b[i]); i += 1 }
            guard i > start else {
                throw fail(start, "expected a label (a word of letters, digits and _ - . / : @ +, or a quoted string), not '\(String(decoding: [b[start]], as: UTF8.self))'")
            }
        }
        guard i < b.count, b[i] == 0x20 || b[i] == 0x09 else {
            if i >= b.count { throw fail(i, "expected a query after the label") }
            throw fail(i, "expected a space between the label and its query")
        }
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        guard i < b.count else { throw fail(i, "expected a query after the label") }
        let queryStart = i
        let queryText = String(decoding: b[queryStart...], as: UTF8.self)
        let query: Query
        do {
            query = try Query(queryText)
        } catch {
            throw fail(queryStart + error.start, error.message, width: max(1, error.end - error.start))
        }
        let json = OutputBuffer(fd: -1, threshold: 0)
        json.appendJSONString(label)
        return LabelRule(label: String(decoding: label, as: UTF8.self), json: json.bytes, query: query, origin: origin)
    }

    /// Reads a rules file: one rule per line; blank lines and lines whose first non-blank
    /// character is `#` are skipped. The first bad line is the error.
    public static func load(path: String) throws(LabelRuleError) -> [LabelRule] {
        let bytes: [UInt8]
        switch readFile(path) {
        case .success(let b): bytes = b
        case .failure(let e):
            throw LabelRuleError(source: path, line: 0, column: 0, message: e.message, text: nil)
        }
        var rules: [LabelRule] = []
        var lineNumber = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Array(raw)
            if line.last == 0x0D { line.removeLast() }
            let buffer = line
            let valid = buffer.withUnsafeBufferPointer { p -> Int? in
                var i = 0
                while i < p.count {
                    if p[i] < 0x80 { if p[i] == 0 { return i }; i += 1; continue }
                    let n = UTF8Validation.sequenceLength(p, at: i)
                    if n == 0 { return i }
                    i += n
                }
                return nil
            }
            if let bad = valid {
                throw LabelRuleError(source: path, line: lineNumber, column: bad + 1,
                                     message: line[bad] == 0 ? "NUL byte in a rule" : "invalid UTF-8", text: nil)
            }
            let first = line.firstIndex { $0 != 0x20 && $0 != 0x09 }
            guard let first, line[first] != 0x23 else { continue }
            let text = String(decoding: line, as: UTF8.self)
            rules.append(try parse(text, source: path, line: lineNumber, origin: "\(path):\(lineNumber)"))
        }
        return rules
    }

    /// A rules file's bytes (at most 16 MiB), or why not.
    static func readFile(_ path: String) -> Result<[UInt8], RuntimeError> {
        let fd = SystemCall.retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(RuntimeError("cannot open rules file: \(Errno.current.message)")) }
        defer { SystemCall.close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { return .failure(RuntimeError("is a directory, not a rules file")) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(RuntimeError("cannot read rules file: \(Errno.current.message)"))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > 16 << 20 { return .failure(RuntimeError("rules file larger than 16 MiB")) }
        }
        return .success(out)
    }
}

/// What identifies a file's version for pslabel's re-read: device, inode, size and mtime.
struct FileVersion: Equatable {
    var device: UInt64 = 0, inode: UInt64 = 0, size: Int64 = 0, seconds: Int = 0, nanoseconds: Int = 0

    static func of(_ path: String) -> FileVersion? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileVersion(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                           seconds: st.st_mtim.tv_sec, nanoseconds: st.st_mtim.tv_nsec)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Reads the tools' inputs (files, `-` for stdin) in order as one stream of lines, through large
/// read(2) calls into one reused buffer, so a line costs a memchr and no allocation.
///
/// Lines are handed out as views into the buffer, valid until the next call to `next()`.
/// The `\n` is not part of a line; nothing else is removed. A CRLF line keeps its `\r`:
/// RFC 8259 counts CR as whitespace, so `{"a":1}\r` is a valid object, as jq agrees, and
/// `Record.object` (what a tool writes back) ends at the `}`, so CRLF input comes out as LF.
/// A line that is empty or blank is handed out like any other: it is not a record, and the
/// parser says so, with its line number, as pstools(7) allows no blank lines.
public final class LineReader {
    /// Where lines come from.
    public enum Input: Equatable {
        case stdin
        case path(String)
        /// An already open descriptor (tests, a pipe the caller made); closed at its end.
        case descriptor(Int32, name: String)

        /// FILE operands as every tool takes them: none means stdin, `-` is stdin.
        public static func fromArguments(_ arguments: [String]) -> [Input] {
            arguments.isEmpty ? [.stdin] : arguments.map { $0 == "-" ? .stdin : .path($0) }
        }

        public var name: String {
            switch self {
            case .stdin: return "stdin"
            case .path(let path): return path
            case .descriptor(_, let name): return name
            }
        }
    }

    /// One line, without its `\n`. `bytes` is valid until the next call to `next()`.
    public struct Line {
        public let bytes: UnsafeBufferPointer<UInt8>
        /// 1-based, counted per input.
        public let number: Int
        /// False for a last line that ended at the end of its input without a `\n`: if it does
        /// not parse, the input was probably cut short, and a tool can say so.
        public let hasNewline: Bool
    }

    public enum Event {
        case line(Line)
        /// The input cannot be opened or read, or a line was too long and skipped. The reader
        /// goes on with what follows.
        case failure(InputError)
    }

    public static let defaultBufferSize = 1 << 20
    public static let defaultMaxLineLength = 16 << 20

    private var inputs: [Input]
    private var nextInput = 0
    /// Called before a read(2) that could block (on anything but a regular file), so that the
    /// caller flushes its output first (pstools(7): output is never held back waiting for input).
    /// What it throws (a write error, EPIPE) ends `next()` with that error.
    private let willBlock: (() throws -> Void)?

    /// The line cap: a longer line is skipped (without ever being held whole) and reported.
    public let maxLineLength: Int

    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unconsumed bytes are `base[start..<end]`; `scanned` is where the search for `\n` resumes.
    private var start = 0
    private var end = 0
    private var scanned = 0

    private var fd: Int32 = -1
    private var ownsDescriptor = false
    private var mayBlock = true
    private var atEOF = false
    /// Inside a line that was too long: drop bytes up to its `\n`.
    private var skipping = false

    /// True when the input being read may go on (a pipe, a terminal, a socket), false for a
    /// regular file or between inputs (psview tells a live stream from a recording by it).
    public var inputIsStream: Bool { fd >= 0 && mayBlock }

    /// The input being read (or last read): "stdin" or its path.
    public private(set) var inputName = ""
    /// The number of the last line handed out (or skipped) in the current input.
    public private(set) var lineNumber = 0

    public init(_ inputs: [Input], bufferSize: Int = LineReader.defaultBufferSize,
                maxLineLength: Int = LineReader.defaultMaxLineLength, willBlock: (() throws -> Void)? = nil) {
        self.inputs = inputs
        self.maxLineLength = max(1, maxLineLength)
        // One spare byte past the cap tells "exactly the cap" from "longer" without seeing a `\n`.
        capacity = max(1, min(bufferSize, self.maxLineLength + 1))
        guard let base = Memory.allocate(UInt8.self, capacity: capacity) else { Memory.exhausted(capacity) }
        self.base = base
        self.willBlock = willBlock
    }

    /// FILE operands as tools take them (none = stdin, `-` = stdin).
    public convenience init(arguments: [String], bufferSize: Int = LineReader.defaultBufferSize,
                            maxLineLength: Int = LineReader.defaultMaxLineLength, willBlock: (() throws -> Void)? = nil) {
        self.init(Input.fromArguments(arguments), bufferSize: bufferSize, maxLineLength: maxLineLength,
                  willBlock: willBlock)
    }

    deinit {
        closeInput()
        Memory.release(base)
    }

    /// The next line or problem, nil at the end of the last input. Rethrows what `willBlock` throws.
    public func next() throws -> Event? {
        while true {
            if fd < 0 {
                guard nextInput < inputs.count else { return nil }
                if let failure = try openNext() { return .failure(failure) }
            }
            if let newline = findNewline() {
                let lineStart = start
                start = newline + 1
                scanned = start
                lineNumber += 1
                if skipping {
                    skipping = false
                    continue
                }
                if newline - lineStart > LineReader.defaultBufferSize && !Memory.available(3 * (newline - lineStart)) {
                    // Parsing and writing a record takes about twice its size again: with less
                    // memory left than that, skip it now rather than abort half-way through it.
                    return .failure(InputError(input: inputName, line: lineNumber,
                                               message: "line of \(newline - lineStart) bytes skipped: not enough memory to process it"))
                }
                return .line(Line(bytes: UnsafeBufferPointer(start: base + lineStart, count: newline - lineStart),
                                  number: lineNumber, hasNewline: true))
            }
            if atEOF {
                let rest = UnsafeBufferPointer(start: base + start, count: end - start)
                start = 0; end = 0; scanned = 0
                let wasSkipping = skipping
                skipping = false
                if rest.count > 0 && !wasSkipping {
                    lineNumber += 1
                    // The bytes stay in place until the next call, which opens the next input.
                    closeInput()
                    return .line(Line(bytes: rest, number: lineNumber, hasNewline: false))
                }
                closeInput()
                continue
            }
            if let failure = try fill() { return .failure(failure) }
        }
    }

    /// The offset of the next `\n` in the unconsumed bytes, remembering how far it looked.
    @inline(__always)
    private func findNewline() -> Int? {
        guard scanned < end else { return nil }
        if let hit = memchr(base + scanned, 0x0A, end - scanned) {
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        scanned = end
        return nil
    }

    /// Makes room and reads once. Returns a failure for a line that outgrew the cap or a read error.
    private func fill() throws -> InputError? {
        if skipping {
            // Everything buffered belongs to the overlong line: drop it.
            start = 0; end = 0; scanned = 0
        } else if start > 0 {
            // Move the partial line to the front: at most one line's bytes per read.
            let pending = end - start
            if pending > 0 { memmove(base, base + start, pending) }
            end = pending
            scanned -= start
            start = 0
        }
        if end == capacity {
            if capacity > maxLineLength {
                // A whole buffer without `\n` and longer than the cap: report now, drop the rest as it comes.
                skipping = true
                start = 0; end = 0; scanned = 0
                return InputError(input: inputName, line: lineNumber + 1,
                                  message: "line longer than \(maxLineLength) bytes, skipped")
            }
            // A long line (over 1 MiB): what is written so far goes out first (whole records), then
            // the buffer grows, or, when the memory is not there, the line is skipped like an
            // overlong one.
            if capacity >= LineReader.defaultBufferSize, let willBlock { try willBlock() }
            if !grow() {
                skipping = true
                let held = capacity
                start = 0; end = 0; scanned = 0
                return InputError(input: inputName, line: lineNumber + 1,
                                  message: "line longer than \(held) bytes skipped: not enough memory to hold it")
            }
        }
        if mayBlock, let willBlock { try willBlock() }
        while true {
            let n = read(fd, base + end, capacity - end)
            if n > 0 {
                end += n
                return nil
            }
            if n == 0 {
                atEOF = true
                return nil
            }
            let e = Errno.current
            if e.rawValue == EINTR { continue }
            if e.rawValue == EAGAIN || e.rawValue == EWOULDBLOCK {
                // Someone left the descriptor non-blocking (a shared tty or pipe): wait for it.
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, -1)
                continue
            }
            let name = inputName
            start = 0; end = 0; scanned = 0; skipping = false
            closeInput()
            return .cannotRead(name, e)
        }
    }

    /// Doubles the buffer (up to the cap); false when the memory is not there.
    private func grow() -> Bool {
        let newCapacity = min(capacity * 2, maxLineLength + 1)
        guard let newBase = Memory.allocate(UInt8.self, capacity: newCapacity) else { return false }
        newBase.update(from: base, count: end)
        Memory.release(base)
        base = newBase
        capacity = newCapacity
        return true
    }

    private func openNext() throws -> InputError? {
        let input = inputs[nextInput]
        nextInput += 1
        inputName = input.name
        lineNumber = 0
        atEOF = false
        skipping = false
        start = 0; end = 0; scanned = 0
        switch input {
        case .stdin:
            fd = 0
            ownsDescriptor = false
        case .descriptor(let descriptor, _):
            fd = descriptor
            ownsDescriptor = true
        case .path(let path):
            // Blocking open, as cat does: a FIFO waits for its writer, so what came before is
            // flushed first (pstools(7)). A regular file's open never blocks: no stat for the rest.
            var before = stat()
            if stat(path, &before) == 0 && before.st_mode & S_IFMT != S_IFREG { try willBlock?() }
            let opened = SystemCall.retrying { open(path, O_RDONLY | O_CLOEXEC) }
            guard opened >= 0 else { return .cannotOpen(path, .current) }
            fd = opened
            ownsDescriptor = true
        }
        // A regular file never blocks; anything else (pipe, tty, socket, FIFO) may.
        var st = stat()
        mayBlock = !(fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFREG)
        return nil
    }

    /// Waits up to `milliseconds` for the current input to have something to read (data, its end,
    /// an error): true when a read would not block, or when there is no input open. For a tool
    /// that wants to know whether its writer has paused (psexport ends a snapshot there).
    public func waitForInput(milliseconds: Int32) -> Bool {
        guard fd >= 0, mayBlock else { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&p, 1, milliseconds)
            if n < 0 && errno == EINTR { continue }
            return n != 0
        }
    }

    /// Closes the current input; the buffer's bytes stay as they are (a last line may point into them).
    private func closeInput() {
        if fd >= 0 && ownsDescriptor { SystemCall.close(fd) }
        fd = -1
        ownsDescriptor = false
        start = 0; end = 0; scanned = 0
    }
}

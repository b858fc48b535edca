#if canImport(Glibc)
import Glibc
#endif

/// What psview and psplot `-t` need of a terminal: whether output is one, its size, colour,
/// the alternate screen entered once and restored on every way out, and text from processes
/// made safe to print.
public enum Terminal {
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Columns and rows of the terminal on `fd`, nil when it is not one (or says 0).
    public static func size(_ fd: Int32) -> (columns: Int, rows: Int)? {
        var w = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 else { return nil }
        return (Int(w.ws_col), Int(w.ws_row))
    }

    /// Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org).
    public static func colorWanted(_ fd: Int32) -> Bool {
        guard isTerminal(fd) else { return false }
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        return true
    }

    public static let enterAlternateScreen = "\u{1B}[?1049h\u{1B}[?25l"
    public static let leaveAlternateScreen = "\u{1B}[?25h\u{1B}[?1049l"
    /// Cursor home and clear to the end of the screen: a redraw in place.
    public static let home = "\u{1B}[H"
    public static let clearToEnd = "\u{1B}[J"
    public static let clearLineToEnd = "\u{1B}[K"

    // The bytes to write when leaving, kept in raw memory so a signal handler can reach them.
    private static let restore: UnsafeMutablePointer<UInt8> = .allocate(capacity: 64)
    private static let restoreCount: UnsafeMutablePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
    private static let restoreFD: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: -1)
        return p
    }()

    /// Enters the alternate screen on `fd` and arranges that SIGINT, SIGTERM and SIGHUP leave it
    /// and end the tool with status 0 (SIGHUP 129: the terminal is gone). Call `leave` on every
    /// other way out (end of input, EPIPE, an error).
    public static func enter(_ fd: Int32) {
        let bytes = Array(leaveAlternateScreen.utf8)
        bytes.withUnsafeBufferPointer { restore.initialize(from: $0.baseAddress!, count: $0.count) }
        restoreCount.pointee = bytes.count
        restoreFD.pointee = fd
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            Signals.install(sig) { sig in
                Terminal.writeRestore()
                _exit(sig == SIGHUP ? 128 + SIGHUP : 0)
            }
        }
        var enter = enterAlternateScreen
        enter.withUTF8 { SystemCall.writeAll(fd, $0.baseAddress, $0.count) }
    }

    /// Leaves the alternate screen if `enter` was called (once; later calls do nothing).
    public static func leave() {
        writeRestore()
    }

    private static func writeRestore() {
        let fd = restoreFD.pointee
        guard fd >= 0 else { return }
        restoreFD.pointee = -1
        SystemCall.writeAll(fd, restore, restoreCount.pointee)
    }
}

/// Text that came from a process (comm, cmdline, a label), made safe for a terminal: every C0
/// control, DEL and C1 control (ESC sequences, BEL, CR, a newline in a name) becomes `?`, so no
/// process can move the cursor, retitle the window or break a line of the display.
public enum TerminalText {
    public static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            let v = s.value
            out.append(v < 0x20 || v == 0x7F || (v >= 0x80 && v < 0xA0) ? "?" : s)
        }
        return String(out)
    }

    /// Columns `text` takes on a terminal: wide (CJK, emoji) characters take two, combining
    /// marks none. Assumes sanitized text.
    public static func width(_ text: String) -> Int {
        var total = 0
        for s in text.unicodeScalars { total += scalarWidth(s) }
        return total
    }

    /// `text` cut to at most `columns` columns, ending in `…` when cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(text) <= columns { return text }
        var out = String.UnicodeScalarView()
        var used = 0
        for s in text.unicodeScalars {
            let w = scalarWidth(s)
            if used + w > columns - 1 { break }
            out.append(s)
            used += w
        }
        return String(out) + "…"
    }

    static func scalarWidth(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return 1 }
        if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v) { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }
}

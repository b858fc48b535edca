#if canImport(Glibc)
import Glibc
#endif

/// Large buffers whose size the input decides (a line, a record's output), allocated so that
/// running out of memory (`ulimit -v`, a small container) is an answer, not an abort: the line
/// reader skips and reports a line it cannot hold, and a tool that cannot hold its output ends
/// with `TOOL: out of memory ...`, status 1, after what it had finished was written.
enum Memory {
    /// The name `exhausted` reports under; ToolRunner sets it.
    nonisolated(unsafe) static var tool = "pstools"

    /// `capacity` elements, or nil when the memory is not there.
    static func allocate<T>(_ type: T.Type, capacity: Int) -> UnsafeMutablePointer<T>? {
        guard capacity >= 0, let raw = malloc(max(1, capacity * MemoryLayout<T>.stride)) else { return nil }
        return raw.bindMemory(to: T.self, capacity: capacity)
    }

    /// True when `bytes` more could be allocated now (a probe, freed at once).
    static func available(_ bytes: Int) -> Bool {
        guard let p = malloc(max(1, bytes)) else { return false }
        free(p)
        return true
    }

    static func release<T>(_ p: UnsafeMutablePointer<T>) { free(p) }

    /// A bigger home for the `count` bytes at `base` (freed): twice `capacity`, or just enough for
    /// `extra` more when that cannot be had; the run ends, reported, when neither can.
    static func grow(_ base: UnsafeMutablePointer<UInt8>, count: Int, capacity: Int,
                     toHold extra: Int) -> (base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        var newCapacity = max(capacity * 2, count + extra)
        var grown = allocate(UInt8.self, capacity: newCapacity)
        if grown == nil {
            newCapacity = count + extra
            grown = allocate(UInt8.self, capacity: newCapacity)
        }
        // A record too big for the memory left: the run ends here, cleanly (what was written stays).
        guard let newBase = grown else { exhausted(newCapacity) }
        newBase.update(from: base, count: count)
        release(base)
        return (newBase, newCapacity)
    }

    /// The end of a run that cannot go on: one line on stderr, status 1.
    static func exhausted(_ bytes: Int) -> Never {
        var line = "\(tool): out of memory: cannot allocate \(bytes) bytes\n"
        line.withUTF8 { SystemCall.writeAll(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}

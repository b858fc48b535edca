#if canImport(Glibc)
import Glibc
#endif

/// Why output stopped. EPIPE is a normal end (the reader went away); anything else is a write error.
public struct OutputError: Error {
    public var errno: Errno
}

/// A byte buffer that is written to a descriptor only when the caller says a whole record
/// (or snapshot) is in it, so nothing half-written ever reaches the reader.
public final class OutputBuffer {
    // Raw storage rather than [UInt8]: a record is ~80 small appends, and Array's generic
    // append(contentsOf:) with its uniqueness checks cost more than formatting the numbers.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    public private(set) var count: Int = 0
    public let fd: Int32
    /// With fd -1 (in-process tests), what was flushed.
    public private(set) var captured: [UInt8] = []
    /// Flush at the next record boundary once this much is buffered.
    public var threshold: Int

    public init(fd: Int32 = 1, threshold: Int = 256 * 1024) {
        self.fd = fd
        self.threshold = threshold
        capacity = threshold + 64 * 1024
        guard let base = Memory.allocate(UInt8.self, capacity: capacity) else { Memory.exhausted(capacity) }
        self.base = base
    }

    deinit { Memory.release(base) }

    /// What is buffered and not yet flushed, copied out (tests, one-off renderings).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// What is buffered and not yet flushed, in place: valid only inside `body`, no copy.
    public func withBufferedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    @inline(never)
    private func grow(toHold extra: Int) {
        (base, capacity) = Memory.grow(base, count: count, capacity: capacity, toHold: extra)
    }

    @inline(__always) public func append(_ b: UInt8) {
        if count == capacity { grow(toHold: 1) }
        base[count] = b
        count += 1
    }

    @inline(__always) public func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        if capacity - count < n { grow(toHold: n) }
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always) public func append(_ s: StaticString) {
        append(s.utf8Start, count: s.utf8CodeUnitCount)
    }

    @inline(__always) public func append(_ b: UnsafeBufferPointer<UInt8>) {
        guard let p = b.baseAddress else { return }
        append(p, count: b.count)
    }

    @inline(__always) public func append(_ b: [UInt8]) { b.withUnsafeBufferPointer { append($0) } }
    /// A dynamic string (help text). Not `append(_:)`: a literal would pick this overload over
    /// StaticString's and pay for a String on every field name of every record.
    public func appendText(_ s: String) { append(Array(s.utf8)) }

    public func appendDecimal(_ v: UInt64) {
        if v < 10 { append(0x30 &+ UInt8(v)); return }
        // Digits are written backwards straight into the buffer's spare room.
        if capacity - count < 20 { grow(toHold: 20) }
        var digits = 0
        var x = v
        while x > 0 { digits += 1; x /= 10 }
        x = v
        var i = count + digits
        while x > 0 {
            i -= 1
            base[i] = 0x30 &+ UInt8(truncatingIfNeeded: x % 10)
            x /= 10
        }
        count += digits
    }

    public func appendDecimal(_ v: Int64) {
        if v < 0 {
            append(0x2D)
            appendDecimal(UInt64(0) &- UInt64(bitPattern: v))
        } else {
            appendDecimal(UInt64(v))
        }
    }

    @inline(__always) public func appendDecimal(_ v: Int) { appendDecimal(Int64(v)) }
    @inline(__always) public func appendDecimal(_ v: Int32) { appendDecimal(Int64(v)) }

    /// Writes `value / 10^scale` exactly, with trailing zeros (and a bare point) trimmed: 1500,3 → 1.5.
    public func appendScaled(_ value: Int64, scale: Int) {
        if scale == 0 { appendDecimal(value); return }
        var p: UInt64 = 1
        for _ in 0..<scale { p *= 10 }
        if value < 0 { append(0x2D) }
        let magnitude = value < 0 ? UInt64(0) &- UInt64(bitPattern: value) : UInt64(value)
        appendDecimal(magnitude / p)
        var frac = magnitude % p
        guard frac != 0 else { return }
        var digits = scale
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        append(0x2E)
        var div = 1 as UInt64
        for _ in 1..<digits { div *= 10 }
        while div > 0 {
            append(0x30 &+ UInt8(frac / div % 10))
            div /= 10
        }
    }

    /// Writes everything buffered. Throws on a write error; the buffer is emptied either way.
    public func flush() throws(OutputError) {
        defer { count = 0 }
        if fd < 0 {
            captured.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
            return
        }
        if let e = SystemCall.writeAll(fd, base, count) { throw OutputError(errno: e) }
    }

    /// True when `fd` is a pipe or socket whose reader has gone (poll says POLLERR or POLLHUP).
    /// A repeating tool that writes nothing for a while (a query nothing matches) asks this
    /// between ticks, so `pssnap -i1 QUERY | head` still ends when head does.
    public var readerHasGone: Bool {
        guard fd >= 0 else { return false }
        var p = pollfd(fd: fd, events: 0, revents: 0)
        return poll(&p, 1, 0) == 1 && p.revents & Int16(POLLERR | POLLHUP) != 0
    }

    /// Flushes when the buffer has grown past its threshold; call only at a record boundary.
    @inline(__always)
    public func flushIfFull() throws(OutputError) {
        if count >= threshold { try flush() }
    }

    public func discard() { count = 0 }
}

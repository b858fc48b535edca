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
    /// Unchecked: every append is a modify access, and checking exclusivity at run time on each
    /// one cost psdelta an eighth of its time. The buffer is used by one thread, never re-entered.
    @exclusivity(unchecked) public private(set) var bytes: [UInt8] = []
    public let fd: Int32
    /// With fd -1 (in-process tests), what was flushed.
    public private(set) var captured: [UInt8] = []
    /// Flush at the next record boundary once this much is buffered.
    public var threshold: Int

    public init(fd: Int32 = 1, threshold: Int = 256 * 1024) {
        self.fd = fd
        self.threshold = threshold
        bytes.reserveCapacity(threshold + 64 * 1024)
    }

    public var count: Int { bytes.count }

    @inline(__always) public func append(_ b: UInt8) { bytes.append(b) }

    @inline(__always) public func append(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always) public func append(_ b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }
    @inline(__always) public func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    public func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    public func appendDecimal(_ v: UInt64) {
        if v < 10 { bytes.append(0x30 &+ UInt8(v)); return }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes, enough for 20 digits
        withUnsafeMutableBytes(of: &tmp) { raw in
            var i = 24
            var x = v
            while x > 0 {
                i -= 1
                raw[i] = 0x30 &+ UInt8(x % 10)
                x /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<24]))
        }
    }

    public func appendDecimal(_ v: Int64) {
        if v < 0 {
            bytes.append(0x2D)
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
        if value < 0 { bytes.append(0x2D) }
        let magnitude = value < 0 ? UInt64(0) &- UInt64(bitPattern: value) : UInt64(value)
        appendDecimal(magnitude / p)
        var frac = magnitude % p
        guard frac != 0 else { return }
        var digits = scale
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        bytes.append(0x2E)
        var div = 1 as UInt64
        for _ in 1..<digits { div *= 10 }
        while div > 0 {
            bytes.append(0x30 &+ UInt8(frac / div % 10))
            div /= 10
        }
    }

    /// Writes everything buffered. Throws on a write error; the buffer is emptied either way.
    public func flush() throws(OutputError) {
        defer { bytes.removeAll(keepingCapacity: true) }
        if fd < 0 {
            captured.append(contentsOf: bytes)
            return
        }
        var written = 0
        let total = bytes.count
        while written < total {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + written, total - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(errno: .current)
            }
            written += n
        }
    }

    /// Flushes when the buffer has grown past its threshold; call only at a record boundary.
    @inline(__always)
    public func flushIfFull() throws(OutputError) {
        if bytes.count >= threshold { try flush() }
    }

    public func discard() { bytes.removeAll(keepingCapacity: true) }
}

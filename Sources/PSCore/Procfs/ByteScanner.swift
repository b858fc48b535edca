#if canImport(Glibc)
import Glibc
#endif

/// A cursor over bytes read from /proc: numbers, words and lines, without Foundation.
public struct ByteScanner {
    public let bytes: UnsafeBufferPointer<UInt8>
    public var position: Int

    public init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var atEnd: Bool { position >= bytes.count }

    @inline(__always)
    public mutating func skipSpaces() {
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
    }

    /// Skips one space-separated field.
    @inline(__always)
    public mutating func skipField() {
        skipSpaces()
        while position < bytes.count, bytes[position] != 0x20 && bytes[position] != 0x0A { position += 1 }
    }

    /// An unsigned decimal; nil if there is none or it does not fit in 64 bits.
    @inline(__always)
    public mutating func unsigned() -> UInt64? {
        skipSpaces()
        var value: UInt64 = 0
        let start = position
        while position < bytes.count {
            let d = bytes[position] &- 0x30
            if d > 9 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            value = a
            position += 1
        }
        guard position > start else { return nil }
        // A number must end at a separator: "12x" is garbage, not 12.
        if position < bytes.count, bytes[position] != 0x20 && bytes[position] != 0x0A && bytes[position] != 0x09 { return nil }
        return value
    }

    /// A signed decimal that fits in Int64.
    @inline(__always)
    public mutating func signed() -> Int64? {
        skipSpaces()
        var negative = false
        if position < bytes.count, bytes[position] == 0x2D {
            negative = true
            position += 1
        }
        guard let magnitude = unsigned() else { return nil }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Moves past the next newline; false at the end.
    public mutating func nextLine() -> Bool {
        // memchr: status is ~55 lines of which a parser wants 5, so skipping lines is the hot loop.
        guard position < bytes.count, let base = bytes.baseAddress,
              let newline = memchr(base + position, 0x0A, bytes.count - position) else {
            position = bytes.count
            return false
        }
        position = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
        return position < bytes.count
    }

    /// True (and moves past it) when the bytes at the cursor are `prefix`.
    @inline(__always)
    public mutating func consume(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard bytes.count - position >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where bytes[position + i] != p[i] { return false }
        position += n
        return true
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A readdir(3) stream over an open directory descriptor, rewindable so /proc is re-listed each tick
/// without reopening it.
public final class DirectoryStream {
    private let dir: OpaquePointer

    /// Takes a duplicate of `fd`: the caller keeps its own descriptor.
    public init?(duplicating fd: Int32) {
        let copy = dup(fd)
        guard copy >= 0 else { return nil }
        guard let d = fdopendir(copy) else {
            SystemCall.close(copy)
            return nil
        }
        dir = d
    }

    deinit { closedir(dir) }

    public func rewind() { rewinddir(dir) }

    /// Calls `body` with each entry's name (NUL-terminated) and d_type, skipping every name that
    /// starts with '.' (procfs has none but "." and ".."; a fixture tree may hold a .keep).
    public func forEach(_ body: (UnsafePointer<CChar>, UInt8) -> Void) {
        while let entry = readdir(dir) {
            withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { name in
                    if name[0] == 0x2E { return }
                    body(name, entry.pointee.d_type)
                }
            }
        }
    }

    /// The entries whose names are positive decimal numbers (pids, tids), unsorted.
    public func numericEntries(into result: inout [Int32]) {
        result.removeAll(keepingCapacity: true)
        forEach { name, _ in
            if let n = DirectoryStream.parsePID(name) { result.append(n) }
        }
    }

    public func count() -> Int {
        var n = 0
        forEach { _, _ in n += 1 }
        return n
    }

    @inline(__always)
    public static func parsePID(_ name: UnsafePointer<CChar>) -> Int32? {
        var value: Int64 = 0
        var i = 0
        while name[i] != 0 {
            let d = Int64(name[i]) - 48
            if d < 0 || d > 9 || i >= 10 { return nil }
            value = value * 10 + d
            i += 1
        }
        guard i > 0, value > 0, value <= Int64(Int32.max) else { return nil }
        return Int32(value)
    }
}

/// A small NUL-terminated path built without allocating: "1234" or "1234/task/1240".
public struct ProcPath {
    public var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0) // 32 bytes

    public init(pid: Int32, tid: Int32? = nil) {
        withUnsafeMutableBytes(of: &bytes) { raw in
            var i = 0
            func put(_ v: Int32) {
                var digits: [UInt8] = []
                var x = v
                repeat { digits.append(UInt8(48 + x % 10)); x /= 10 } while x > 0
                for d in digits.reversed() { raw[i] = d; i += 1 }
            }
            put(pid)
            if let tid {
                for c in "/task/".utf8 { raw[i] = c; i += 1 }
                put(tid)
            }
            raw[i] = 0
        }
    }

    public func withCString<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        var copy = bytes
        return withUnsafeBytes(of: &copy) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
    }
}

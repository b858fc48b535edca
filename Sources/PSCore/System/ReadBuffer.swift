#if canImport(Glibc)
import Glibc
#endif

/// One growable byte buffer reused for every /proc file read, so the hot path allocates nothing.
public final class ReadBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var capacity: Int
    public private(set) var count: Int = 0
    /// Reads stop here: a hostile or runaway file (a stat that never ends) cannot eat memory.
    public let limit: Int

    public init(capacity: Int = 64 * 1024, limit: Int = 8 * 1024 * 1024) {
        self.capacity = capacity
        self.limit = max(limit, capacity)
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// True when the last read stopped at `limit` with more to come.
    public private(set) var truncated = false

    private func grow() -> Bool {
        guard capacity < limit else { return false }
        let newCapacity = min(capacity * 2, limit)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
        return true
    }

    /// Reads a whole file from offset 0 with pread, so a descriptor kept open re-reads fresh content.
    ///
    /// A procfs file comes back whole from one read when it fits, so a short read ends it
    /// unless `untilEOF` asks for the loop (seq_file tables such as net/tcp need it).
    /// `upTo` reads at most that many bytes (`truncated` then says there may be more).
    @discardableResult
    public func readWhole(_ fd: Int32, untilEOF: Bool = false, upTo: Int? = nil) -> Result<Int, Errno> {
        count = 0
        truncated = false
        let stop = min(upTo ?? limit, limit)
        while true {
            if count >= stop || (count == capacity && !grow()) {
                truncated = true
                return .success(count)
            }
            switch SystemCall.pread(fd, base + count, min(capacity, stop) - count, count) {
            case .failure(let e):
                // EAGAIN: a FIFO with no writer in a hostile tree; treat as the end.
                if e.rawValue == EAGAIN { return .success(count) }
                return .failure(e)
            case .success(let n):
                if n == 0 { return .success(count) }
                count += n
                if count < capacity && !untilEOF { return .success(count) }
            }
        }
    }

    /// Opens `name` below `dir`, reads it whole and closes it.
    public func readFile(_ dir: Int32, _ name: UnsafePointer<CChar>, untilEOF: Bool = false) -> Result<Int, Errno> {
        switch SystemCall.openAt(dir, name) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            defer { SystemCall.close(fd) }
            return readWhole(fd, untilEOF: untilEOF)
        }
    }

    public func copyBytes() -> [UInt8] { Array(bytes) }
}

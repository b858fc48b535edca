/// A growable byte buffer that is a plain value with a raw pointer: psexport keeps one per metric
/// family in a raw array, so appending a sample (≈24 per record at 500k records/s) costs a
/// memcpy and no reference counting. Freed explicitly by its owner.
struct ByteStore {
    var base: UnsafeMutablePointer<UInt8>
    var count = 0
    var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        guard let base = Memory.allocate(UInt8.self, capacity: self.capacity) else { Memory.exhausted(self.capacity) }
        self.base = base
    }

    func free() { Memory.release(base) }

    /// Grows as OutputBuffer does: a stream too big for memory ends the run with a message.
    @inline(never)
    mutating func grow(_ extra: Int) {
        (base, capacity) = Memory.grow(base, count: count, capacity: capacity, toHold: extra)
    }

    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if capacity - count < n { grow(n) }
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always)
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if let p = b.baseAddress { append(p, b.count) }
    }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        if count == capacity { grow(1) }
        base[count] = b
        count += 1
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}

/// The label sets seen in one snapshot, to find a second record with the same labels: an
/// open-addressing table of (hash, offset, length) over one arena of the label bytes.
struct LabelSetTable {
    private var arena = ByteStore(capacity: 64 * 1024)
    private var slots: UnsafeMutablePointer<(hash: UInt64, offset: Int32, length: Int32)>
    private var mask: Int
    private var used = 0

    init() {
        mask = 1023
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: (0, -1, 0), count: mask + 1)
    }

    func free() {
        arena.free()
        slots.deallocate()
    }

    mutating func removeAll() {
        if used > 0 { slots.update(repeating: (0, -1, 0), count: mask + 1) }
        used = 0
        arena.count = 0
    }

    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        var i = 0
        let n = b.count
        let p = b.baseAddress!
        while i + 8 <= n {
            h = (h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) &* 0x100000001b3
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(p[i])) &* 0x100000001b3
            i += 1
        }
        return h ^ (h >> 32)
    }

    /// Adds `labels`; false when the same bytes were added before (since `removeAll`).
    mutating func insert(_ labels: UnsafeBufferPointer<UInt8>) -> Bool {
        if labels.isEmpty || labels.baseAddress == nil {
            // One record without labels per snapshot.
            let empty = UnsafeBufferPointer<UInt8>(start: UnsafePointer(arena.base), count: 0)
            return insertBytes(empty, hash: 1)
        }
        return insertBytes(labels, hash: Self.hash(labels))
    }

    private mutating func insertBytes(_ labels: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Bool {
        if (used + 1) * 2 > mask + 1 { rehash() }
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s.offset < 0 { break }
            if s.hash == hash && Int(s.length) == labels.count
                && (labels.count == 0 || memcmp(arena.base + Int(s.offset), labels.baseAddress!, labels.count) == 0) {
                return false
            }
            i = (i + 1) & mask
        }
        slots[i] = (hash, Int32(truncatingIfNeeded: arena.count), Int32(truncatingIfNeeded: labels.count))
        arena.append(labels)
        used += 1
        return true
    }

    private mutating func rehash() {
        let oldSlots = slots, oldCount = mask + 1
        mask = mask * 2 + 1
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: (0, -1, 0), count: mask + 1)
        for j in 0..<oldCount where oldSlots[j].offset >= 0 {
            var i = Int(truncatingIfNeeded: oldSlots[j].hash) & mask
            while slots[i].offset >= 0 { i = (i + 1) & mask }
            slots[i] = oldSlots[j]
        }
        oldSlots.deallocate()
    }
}

#if canImport(Glibc)
import Glibc
#endif

#if canImport(Glibc)
import Glibc
#endif

/// The keys of a record, in order, as raw bytes: shared by every record with the same keys.
///
/// A stream's records nearly all have one layout (pssnap writes the same fields every time), so
/// the parser checks each key against the previous record's layout with one compare instead of
/// scanning it, and a `RecordKey` that found `rss` at index 25 in this layout knows where it is
/// in the next record without comparing anything. A layout never changes once made: a record
/// with other keys gets a new one, so "same object" means "same keys in the same order".
public final class RecordLayout {
    public let count: Int
    /// Raw key bytes (between the quotes, escapes as written), back to back, plus 8 zero bytes
    /// so a word-sized load at any key start stays inside.
    let keyBytes: UnsafeMutablePointer<UInt8>
    /// Key i is `keyBytes[offsets[i]..<offsets[i + 1]]`.
    let offsets: UnsafeMutablePointer<UInt32>
    /// Keys written with a backslash escape: they must be decoded to be compared by name.
    let escaped: UnsafeMutablePointer<Bool>
    /// Per key, `key":` as one or two little-endian words with the mask of the second (the bytes
    /// past its end zeroed), so the parser matches a key, its closing quote and the colon with
    /// one or two compares. A length of 0: the key is longer than 14 bytes (matched the slow way).
    let probes: UnsafeMutablePointer<KeyProbe>

    struct KeyProbe {
        var first: UInt64 = 0
        var second: UInt64 = 0
        var secondMask: UInt64 = 0
        /// The key's bytes plus `":`, 2 to 16; 0 when not probed.
        var length = 0
    }

    /// The layout of `{}`, and the one a parser starts with.
    convenience init() {
        var none = RecordFieldSpan()
        var byte: UInt8 = 0
        self.init(line: &byte, fields: &none, count: 0)
    }

    init(line: UnsafePointer<UInt8>, fields: UnsafePointer<RecordFieldSpan>, count: Int) {
        self.count = count
        var total = 0
        for i in 0..<count { total += Int(fields[i].keyLength) }
        keyBytes = .allocate(capacity: total + 8)
        offsets = .allocate(capacity: count + 1)
        escaped = .allocate(capacity: max(count, 1))
        probes = .allocate(capacity: max(count, 1))
        var at = 0
        for i in 0..<count {
            let f = fields[i]
            let length = Int(f.keyLength)
            offsets[i] = UInt32(at)
            if length > 0 { (keyBytes + at).initialize(from: line + Int(f.keyStart), count: length) }
            escaped[i] = f.flags & RecordFieldSpan.keyEscaped != 0
            probes[i] = Self.probe(UnsafeBufferPointer(start: line + Int(f.keyStart), count: length))
            at += length
        }
        offsets[count] = UInt32(at)
        (keyBytes + at).initialize(repeating: 0, count: 8)
    }

    deinit {
        keyBytes.deallocate()
        offsets.deallocate()
        escaped.deallocate()
        probes.deallocate()
    }

    private static func probe(_ key: UnsafeBufferPointer<UInt8>) -> KeyProbe {
        let bytes = Array(key) + [0x22, 0x3A]
        guard bytes.count <= 16 else { return KeyProbe() }
        var words: [UInt64] = [0, 0]
        for (i, byte) in bytes.enumerated() { words[i / 8] |= UInt64(byte) << UInt64(8 * (i % 8)) }
        let rest = bytes.count - 8
        let mask: UInt64 = rest <= 0 ? 0 : rest == 8 ? ~0 : (UInt64(1) << UInt64(8 * rest)) &- 1
        return KeyProbe(first: words[0], second: words[1], secondMask: mask, length: bytes.count)
    }

    /// True when the line holds key i, its closing quote and `:` at `start` (just after the key's
    /// opening quote). Needs 16 bytes readable from `start`.
    @inline(__always)
    func probe(_ line: UnsafePointer<UInt8>, keyAt start: Int, index i: Int) -> Int {
        let probe = probes[i]
        let a = UnsafeRawPointer(line + start)
        let first = a.loadUnaligned(as: UInt64.self) ^ probe.first
        if probe.length <= 8 {
            let mask = (UInt64(1) << UInt64(truncatingIfNeeded: 8 &* probe.length)) &- 1
            return first & mask == 0 && probe.length > 0 ? probe.length : 0
        }
        let second = a.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ probe.second
        return first == 0 && second & probe.secondMask == 0 ? probe.length : 0
    }

    /// Key i as written in the line, without its quotes (escapes undecoded).
    public func rawKey(at i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(offsets[i])
        return UnsafeBufferPointer(start: keyBytes + start, count: Int(offsets[i + 1]) - start)
    }

    /// Key i decoded (escapes resolved): what a user means by the field's name.
    public func key(at i: Int) -> [UInt8] {
        let raw = rawKey(at: i)
        guard escaped[i] else { return Array(raw) }
        var out: [UInt8] = []
        JSONStringDecoder.decode(raw, into: &out)
        return out
    }

    public func keyString(at i: Int) -> String { String(decoding: key(at: i), as: UTF8.self) }

    /// The index of the last key equal to `name` (the last one wins, as in jq), or -1.
    public func lastIndex(of name: UnsafeBufferPointer<UInt8>) -> Int {
        var i = count - 1
        var decoded: [UInt8] = []
        while i >= 0 {
            if escaped[i] {
                decoded.removeAll(keepingCapacity: true)
                JSONStringDecoder.decode(rawKey(at: i), into: &decoded)
                if decoded.elementsEqual(name) { return i }
            } else if bytesEqual(rawKey(at: i), name) {
                return i
            }
            i -= 1
        }
        return -1
    }

    public func lastIndex(of name: String) -> Int {
        var name = name
        return name.withUTF8 { lastIndex(of: $0) }
    }

    /// True when the line holds key i of this layout at `start` (just after its opening quote),
    /// followed by its closing quote. The line's bytes are then known valid: they equal a key
    /// that was validated when this layout was made.
    @inline(__always)
    func matches(_ line: UnsafePointer<UInt8>, _ n: Int, keyAt start: Int, index i: Int) -> Bool {
        let from = Int(offsets[i])
        let length = Int(offsets[i + 1]) - from
        guard start + length < n, line[start + length] == 0x22 else { return false }
        let a = UnsafeRawPointer(line + start)
        let b = UnsafeRawPointer(keyBytes + from)
        var k = 0
        while length - k >= 8 {
            if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                return false
            }
            k += 8
        }
        let rest = length - k
        if rest == 0 { return true }
        if start + k + 8 <= n {
            // One masked word compare for the tail (little-endian: the first bytes are the low ones).
            let mask = (UInt64(1) << UInt64(rest * 8)) &- 1
            let x = a.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            return x & mask == 0
        }
        while k < length {
            if a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
            k += 1
        }
        return true
    }
}

@inline(__always)
func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    if a.count == 0 { return true }
    return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
}

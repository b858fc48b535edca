/// The running sums of one group in one snapshot: one slot per additive field (numbered by
/// `SnapshotAggregator`), the member count and the distinct CPUs.
///
/// Integers add up exactly (in an Int128: no stream is long enough to overflow it); a sum with
/// a member written with a fraction or an exponent (or an integer beyond Int64) is a Double,
/// written with as many decimals as its most precise member (at most 9): the sum of 0.1 and 0.2
/// is written 0.3, and a sum of seconds with two decimals keeps two.
final class GroupSums {
    var key: GroupKey = .all
    /// The key's values as written in the records (`"alice"`; pid, start and comm for a root).
    var keyValues: [[UInt8]] = []
    var count = 0
    private(set) var ints: [Int128] = []
    private(set) var doubles: [Double] = []
    private(set) var decimals: [UInt8] = []
    private(set) var state: [UInt8] = []
    /// The largest `dt` among the members: the interval for `cpu_reaped` when the records lack
    /// `start` and `age`.
    var maxDt: Double? = nil
    /// For `cpu_reaped`: the rise of the surviving members' cutime+cstime, and the last observed
    /// CPU time of the members that vanished.
    var childTimeRise = 0.0
    var vanishedTime = 0.0
    /// The previous snapshot's cpu_reaped shortfall (seconds, ≤ 0), carried into this one.
    var carriedShortfall = 0.0
    /// The group's ordinal in the previous snapshot, -1 if it had none.
    var previousOrdinal = -1

    private var cpuWords: [UInt64] = []
    private var cpuOthers: Set<Int64> = []
    private(set) var cpus = 0

    static let hasValue: UInt8 = 1
    static let isDouble: UInt8 = 2
    /// A member or the sum is beyond a double's range (1e400, or two 1.79e308): the sum is not
    /// known, so it is written as null (with a warning), never as infinity or a made-up number.
    static let outOfRange: UInt8 = 4

    func reset(slots: Int) {
        count = 0
        keyValues.removeAll(keepingCapacity: true)
        ints = [Int128](repeating: 0, count: slots)
        doubles = [Double](repeating: 0, count: slots)
        decimals = [UInt8](repeating: 0, count: slots)
        state = [UInt8](repeating: 0, count: slots)
        for i in cpuWords.indices { cpuWords[i] = 0 }
        cpuOthers.removeAll(keepingCapacity: true)
        cpus = 0
        maxDt = nil
        childTimeRise = 0
        vanishedTime = 0
        carriedShortfall = 0
        previousOrdinal = -1
    }

    /// Makes room for slots added since the group was reset (a field first seen mid-snapshot).
    func grow(to slots: Int) {
        let extra = slots - state.count
        guard extra > 0 else { return }
        ints += repeatElement(0, count: extra)
        doubles += repeatElement(0, count: extra)
        decimals += repeatElement(0, count: extra)
        state += repeatElement(0, count: extra)
    }

    var slotCount: Int { state.count }

    /// Adds a number (a value of kind `.number`) to slot `s`.
    @inline(__always)
    func add(_ value: RecordValue, slot s: Int) {
        if value.isIntegerLiteral, let n = JSONNumber.int64(value.raw) {
            ints[s] &+= Int128(n)
        } else {
            let d = JSONNumber.double(value.raw)
            doubles[s] += d
            if !doubles[s].isFinite { state[s] |= Self.outOfRange }
            let places = Self.fractionDigits(value.raw)
            if places > decimals[s] { decimals[s] = places }
            state[s] |= Self.isDouble
        }
        state[s] |= Self.hasValue
    }

    /// Adds a computed value (a rate weighted by dt / interval) to slot `s`, kept to 3 decimals at least.
    func add(weighted d: Double, slot s: Int) {
        doubles[s] += d
        if !doubles[s].isFinite { state[s] |= Self.outOfRange }
        if decimals[s] < 3 { decimals[s] = 3 }
        state[s] |= Self.hasValue | Self.isDouble
    }

    func addProcessor(_ p: Int64) {
        if p >= 0 && p < 1 << 16 {
            let w = Int(p >> 6), bit = UInt64(1) << UInt64(p & 63)
            if w >= cpuWords.count { cpuWords += repeatElement(0, count: w + 1 - cpuWords.count) }
            if cpuWords[w] & bit == 0 { cpuWords[w] |= bit; cpus += 1 }
        } else if cpuOthers.insert(p).inserted {
            cpus += 1
        }
    }

    /// True when slot `s`'s sum is beyond a double's range (written as null).
    func isOutOfRange(slot s: Int) -> Bool {
        guard s < state.count, state[s] & Self.hasValue != 0 else { return false }
        if state[s] & Self.outOfRange != 0 { return true }
        return state[s] & Self.isDouble != 0 && !(Double(ints[s]) + doubles[s]).isFinite
    }

    /// Writes slot `s`'s sum: an integer, a fixed-point number, or null when no member had one
    /// or the sum is beyond a double's range.
    func appendSum(slot s: Int, to out: OutputBuffer) {
        guard s < state.count, state[s] & Self.hasValue != 0, !isOutOfRange(slot: s) else { out.append("null"); return }
        if state[s] & Self.isDouble == 0 {
            Self.appendInteger(ints[s], to: out)
        } else {
            out.appendDouble(Double(ints[s]) + doubles[s], decimals: Int(decimals[s]))
        }
    }

    static func appendInteger(_ v: Int128, to out: OutputBuffer) {
        if let small = Int64(exactly: v) { out.appendDecimal(small); return }
        if v < 0 { out.append(0x2D) }
        var m = v.magnitude
        var chunks: [UInt64] = [] // base 10^18, least significant first
        while m > 0 {
            chunks.append(UInt64(m % 1_000_000_000_000_000_000))
            m /= 1_000_000_000_000_000_000
        }
        out.appendDecimal(chunks.last!)
        for chunk in chunks.dropLast().reversed() {
            var div: UInt64 = 100_000_000_000_000_000
            while div > 0 {
                out.append(0x30 &+ UInt8(chunk / div % 10))
                div /= 10
            }
        }
    }

    /// How many decimals a number literal carries (`1.25` → 2, `1.5e-3` → 4, `12` → 0), at most 9.
    static func fractionDigits(_ raw: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var i = 0
        let n = raw.count
        while i < n && raw[i] != 0x2E && raw[i] | 0x20 != 0x65 { i += 1 }
        var places = 0
        if i < n && raw[i] == 0x2E {
            i += 1
            while i < n && raw[i] | 0x20 != 0x65 { places += 1; i += 1 }
        }
        if i < n {
            // An exponent: e-3 adds three places, e+2 takes two away.
            if let e = JSONNumber.int64(UnsafeBufferPointer(rebasing: raw[(i + 1)...].drop(while: { $0 == 0x2B }))) {
                places -= Int(max(-100, min(100, e)))
            }
        }
        return UInt8(max(0, min(9, places)))
    }
}

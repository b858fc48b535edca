/// psdelta's engine (pstools(7), "fields added by psdelta"): pairs each record with the last
/// observation of the same process and appends `dt`, `cpu`, `cpu_user`, `cpu_sys` and a
/// `<counter>_rate` for every counter the record carries.
///
/// It streams: a record is written as soon as it is read, since it needs only the previous
/// observation of its own process. Memory holds one observation per live process (its age and
/// its counters, not the record): when a new snapshot begins, every process the snapshot that
/// just ended lacked is forgotten.
///
/// - Identity is `(pid, start)`, and `tid` too when records carry it (`pssnap --threads`).
/// - A process first seen whose `start` is later than the previous snapshot's `start + age` (less
///   one 10 ms clock tick, the resolution of `start`) was born since then: it is measured from its birth, with every counter 0 (`dt` = its `age`).
///   Any other first sight adds nothing.
/// - A counter that went down, or is null or absent in either observation, rates `null`;
///   `dt` ≤ 0 makes every rate `null`.
/// - Counters are FieldTable's counter-kind fields, so a counter pssnap gains later is rated
///   with no change here; `utime` and `stime` give `cpu_user` and `cpu_sys`, not rates.
/// - A record that already has a `dt` (psdelta run twice) is written unchanged: psdelta is
///   idempotent and never writes a key twice.
public final class DeltaTracker {
    /// The counters, by slot: FieldTable's order.
    public static let counterNames: [String] = FieldTable.counters.map(\.name)
    static let utimeSlot = counterNames.firstIndex(of: "utime")!
    static let stimeSlot = counterNames.firstIndex(of: "stime")!
    /// Decimals written: dt in ms (age has ms precision), cpu in hundredths of a percent.
    public static let dtDecimals = 3
    public static let cpuDecimals = 2
    public static let rateDecimals = 3

    private let tsKey = RecordKey("ts")
    private let ageKey = RecordKey("age")
    private let identities = IdentityReader()
    typealias Identity = ProcessIdentity

    /// One process's last observation; its counters are `values[slot * counterCount...]`.
    struct Observation {
        var identity: Identity
        var ageMs: Int64
        /// The snapshot (generation) it is from; -1 for a free slot.
        var seenIn: Int
    }

    // The observation table. Raw storage, not arrays: the hot path then pays no exclusivity
    // checks (a class's array properties are checked at run time on every access).
    private var slotOf: [Identity: Int] = [:]
    private var observations: UnsafeMutablePointer<Observation>
    /// counterCount values per slot; NaN for a counter absent or null.
    private var values: UnsafeMutablePointer<Double>
    private var slotCount = 0
    private var slotCapacity = 0
    private var freeSlots: [Int] = []
    /// This record's counters, by slot.
    private let current: UnsafeMutablePointer<Double>
    static let counterCount = counterNames.count

    private var generation = 0
    private var currentTs: Double = .nan
    private var started = false
    /// `start + age` in ms of the current and previous snapshot (boot time + monotonic clock).
    private var currentClockMs: Int64 = 0
    private var previousClockMs: Int64? = nil

    private var plan: DeltaPlan? = nil
    private var plans: [ObjectIdentifier: DeltaPlan] = [:]

    public init() {
        current = .allocate(capacity: Self.counterCount)
        current.initialize(repeating: .nan, count: Self.counterCount)
        observations = .allocate(capacity: 0)
        values = .allocate(capacity: 0)
        slotOf.reserveCapacity(4096)
    }

    deinit {
        current.deallocate()
        observations.deallocate()
        values.deallocate()
    }

    /// Processes live in the table (for tests: memory stays bounded).
    public var observationCount: Int { slotOf.count }

    /// Writes `record` to `out`, with psdelta's fields when it has an earlier observation.
    /// Returns the problem (and writes nothing) when it lacks a field psdelta needs.
    public func process(_ record: Record, to out: OutputBuffer) -> String? {
        guard let ts = record[tsKey]?.double else { return missing(record, tsKey) }
        let identity: Identity
        switch identities.identity(record) {
        case .success(let i): identity = i
        case .failure(let problem): return problem.message
        }
        guard let age = record[ageKey]?.double, let ageMs = SnapshotClock.milliseconds(age) else { return missing(record, ageKey) }
        let startMs = identity.startMs

        if !started || ts != currentTs {
            if started { beginSnapshot() }
            started = true
            currentTs = ts
            currentClockMs = startMs &+ ageMs
        }

        let plan = self.plan(for: record.layout)
        for (field, slot) in plan.counters {
            current[slot] = record.value(at: field).double ?? .nan
        }
        let slot = slotOf[identity]

        if plan.hasDt {
            out.append(record.object)
        } else if let slot {
            appendFields(record, plan, dtMs: ageMs &- observations[slot].ageMs, previous: slot, to: out)
        } else if let previousClockMs, SnapshotClock.bornSince(startMs: startMs, previousClockMs: previousClockMs) {
            appendFields(record, plan, dtMs: ageMs, previous: nil, to: out)
        } else {
            // Any other first sight: every added field present and null, so every record of the
            // stream has the same fields (a CSV header taken from the first record has them).
            appendFields(record, plan, dtMs: nil, previous: nil, to: out)
        }
        out.append(0x0A)
        remember(identity, slot: slot, ageMs: ageMs, plan: plan)
        return nil
    }

    private func missing(_ record: Record, _ key: RecordKey) -> String {
        if record[key] == nil { return "missing field '\(key.nameString)'" }
        return "field '\(key.nameString)' is not a number"
    }

    /// A new snapshot begins: forget every process the one that just ended lacked.
    private func beginSnapshot() {
        previousClockMs = currentClockMs
        generation += 1
        let stale = generation - 1
        for slot in 0..<slotCount where observations[slot].seenIn >= 0 && observations[slot].seenIn < stale {
            slotOf.removeValue(forKey: observations[slot].identity)
            observations[slot].seenIn = -1
            freeSlots.append(slot)
        }
    }

    private func remember(_ identity: Identity, slot: Int?, ageMs: Int64, plan: DeltaPlan) {
        let n = Self.counterCount
        let s: Int
        if let slot {
            s = slot
        } else {
            if let free = freeSlots.popLast() {
                s = free
            } else {
                if slotCount == slotCapacity { grow() }
                s = slotCount
                slotCount += 1
            }
            slotOf[identity] = s
        }
        observations[s] = Observation(identity: identity, ageMs: ageMs, seenIn: generation)
        let v = values + s * n
        v.update(repeating: .nan, count: n)
        for (_, slot) in plan.counters { v[slot] = current[slot] }
    }

    private func grow() {
        let capacity = max(1024, slotCapacity * 2)
        let newObservations = UnsafeMutablePointer<Observation>.allocate(capacity: capacity)
        newObservations.moveInitialize(from: observations, count: slotCount)
        observations.deallocate()
        observations = newObservations
        let newValues = UnsafeMutablePointer<Double>.allocate(capacity: capacity * Self.counterCount)
        newValues.moveInitialize(from: values, count: slotCount * Self.counterCount)
        values.deallocate()
        values = newValues
        slotCapacity = capacity
    }

    /// Appends dt, cpu, cpu_user, cpu_sys and the rates, against the observation in slot
    /// `previous`, or against birth (every counter 0) when it is nil; all null when `dtMs` is nil
    /// (a first sight that is not a birth).
    private func appendFields(_ record: Record, _ plan: DeltaPlan, dtMs: Int64?, previous: Int?, to out: OutputBuffer) {
        let before = previous.map { values + $0 * Self.counterCount }
        let current = self.current
        let dt = dtMs.map { Double($0) / 1000 } ?? .nan
        @inline(__always) func delta(_ slot: Int) -> Double {
            let d = current[slot] - (before?[slot] ?? 0)
            // NaN (absent or null on either side) fails this test too.
            return d >= 0 && dt > 0 ? d : .nan
        }
        @inline(__always) func appendValue(_ v: Double, _ decimals: Int) {
            if v.isFinite { out.appendDouble(v, decimals: decimals) } else { out.append("null") }
        }

        out.append(record.objectWithoutClosingBrace)
        out.append(record.count > 0 ? ",\"dt\":" : "\"dt\":")
        if let dtMs { out.appendScaled(dtMs, scale: Self.dtDecimals) } else { out.append("null") }
        let user = plan.hasUtime ? delta(Self.utimeSlot) : .nan
        let system = plan.hasStime ? delta(Self.stimeSlot) : .nan
        if plan.hasUtime && plan.hasStime {
            out.append(",\"cpu\":")
            appendValue((user + system) / dt * 100, Self.cpuDecimals)
        }
        if plan.hasUtime {
            out.append(",\"cpu_user\":")
            appendValue(user / dt * 100, Self.cpuDecimals)
        }
        if plan.hasStime {
            out.append(",\"cpu_sys\":")
            appendValue(system / dt * 100, Self.cpuDecimals)
        }
        for (i, slot) in plan.rated.enumerated() {
            out.append(plan.rateKeys[i])
            appendValue(delta(slot) / dt, Self.rateDecimals)
        }
        out.append(0x7D)
    }

    private func plan(for layout: RecordLayout) -> DeltaPlan {
        if let plan, plan.layout === layout { return plan }
        let id = ObjectIdentifier(layout)
        if let known = plans[id], known.layout === layout {
            plan = known
            return known
        }
        let made = DeltaPlan(layout)
        // A stream has a layout or two; a stream of ever-new layouts must not grow memory.
        if plans.count >= 64 { plans.removeAll() }
        plans[id] = made
        plan = made
        return made
    }
}

/// What psdelta reads and writes for one record layout, worked out once per layout.
final class DeltaPlan {
    let layout: RecordLayout
    /// Every counter the layout carries: its field index and its slot, in record order.
    let counters: [(field: Int, slot: Int)]
    /// The slots that get a `_rate` (all but utime and stime), in record order, and their keys
    /// with a leading comma: `,"rchar_rate":`.
    let rated: [Int]
    let rateKeys: [[UInt8]]
    let hasUtime: Bool
    let hasStime: Bool
    /// The record already has psdelta's fields.
    let hasDt: Bool

    init(_ layout: RecordLayout) {
        self.layout = layout
        var counters: [(Int, Int)] = []
        var seen = Set<Int>()
        // The last occurrence of a repeated key is its value (as lookups see it), placed where
        // it first appears.
        for i in 0..<layout.count {
            guard let slot = DeltaTracker.counterNames.firstIndex(of: layout.keyString(at: i)), !seen.contains(slot) else { continue }
            seen.insert(slot)
            counters.append((layout.lastIndex(of: DeltaTracker.counterNames[slot]), slot))
        }
        self.counters = counters
        rated = counters.map(\.1).filter { $0 != DeltaTracker.utimeSlot && $0 != DeltaTracker.stimeSlot }
        rateKeys = rated.map { Array(",\"\(DeltaTracker.counterNames[$0])_rate\":".utf8) }
        hasUtime = seen.contains(DeltaTracker.utimeSlot)
        hasStime = seen.contains(DeltaTracker.stimeSlot)
        hasDt = layout.lastIndex(of: "dt") >= 0
    }
}

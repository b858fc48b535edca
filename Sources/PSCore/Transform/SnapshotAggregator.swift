/// psagg's engine: the records of one snapshot in, one row per group out.
///
///     let aggregator = SnapshotAggregator(grouping: .field("user"), output: output)
///     aggregator.begin(ts: ts, first: record)
///     aggregator.add(record, to: aggregator.group(for: record))   // each selected record
///     aggregator.track(record, group: g)                           // every record
///     try aggregator.finish()                                      // writes the rows
///
/// Memory: the groups of one snapshot, and for `cpu_reaped` the (pid, start) and CPU times of
/// the records of this snapshot and the previous one.
final class SnapshotAggregator {
    enum Grouping: Equatable {
        case all
        case field(String)
        case byRoot
    }

    let grouping: Grouping
    let output: OutputBuffer
    /// Told, once per row and field, of a sum written as null because it is beyond a double's range.
    var warn: ((String) -> Void)?

    private let tsKey = RecordKey("ts"), hostKey = RecordKey("host")
    private let pidKey = RecordKey("pid"), startKey = RecordKey("start"), ageKey = RecordKey("age")
    private let identities = IdentityReader()
    private let commKey = RecordKey("comm"), processorKey = RecordKey("processor"), dtKey = RecordKey("dt")
    private let utimeKey = RecordKey("utime"), stimeKey = RecordKey("stime")
    private let cutimeKey = RecordKey("cutime"), cstimeKey = RecordKey("cstime")
    private let groupFieldKey: RecordKey?
    private let groupFieldJSON: [UInt8]

    // MARK: the summed fields, numbered in the order first seen

    /// Each slot's name as a JSON string with its quotes.
    private var slotNames: [[UInt8]] = []
    private var slotRanks: [Int] = []
    /// cpu, cpu_user, cpu_sys and `*_rate`: per-second figures over each record's own `dt`.
    private var slotIsRate: [Bool] = []
    /// Fields a thread record (`pssnap --threads`) repeats for its whole process: summed once per
    /// process, from its main thread's record (tid == pid), while per-thread figures (utime,
    /// faults, switches, io) are summed over every thread.
    private var slotIsProcessWide: [Bool] = []
    private let tidKey = RecordKey("tid")
    private var slotOfName: [[UInt8]: Int] = [:]
    private var unknownRates = 0
    /// Slots in output order; rebuilt when a slot is added.
    private var outputOrder: [Int] = []
    /// For each record layout seen lately: (field index, slot) of its summed fields.
    private var layoutSlots: [ObjectIdentifier: (layout: RecordLayout, slots: [(index: Int, slot: Int)])] = [:]
    private var lastLayout: ObjectIdentifier? = nil
    private var lastSlots: [(index: Int, slot: Int)] = []

    /// Once a record has had `processor` (`dt`), every row has `cpus` (`cpu_reaped`).
    private(set) var sawProcessor = false
    private(set) var sawDt = false

    // MARK: the snapshot being aggregated

    private(set) var inSnapshot = false
    private(set) var ts = 0.0
    private var host: [UInt8]? = nil
    /// start + age of the snapshot's first record: boot time plus the monotonic clock when it was read,
    /// about when the snapshot began. The interval for `cpu_reaped` is the difference between two snapshots'.
    private var clock: Double? = nil
    /// The time since the previous snapshot, from the clocks; nil when unknown.
    private var interval: Double? = nil
    private var groups: [GroupSums] = []
    private var groupCount = 0
    private var groupIndex: [GroupKey: Int] = [:]
    /// The last `-g` value seen, as written, and its group: consecutive records often share one.
    private var lastKeyRaw: [UInt8] = []
    private var lastKeyGroup = -1

    struct Member {
        var key: MemberKey
        /// Its group's ordinal in its snapshot; -1 when it is in none (not selected by `-q`).
        var group: Int
        /// utime + stime + cutime + cstime, and cutime + cstime; nan when one is missing.
        var total: Double
        var children: Double
    }
    private var members: [Member] = []
    private var memberIndex: [MemberKey: Int] = [:]

    // MARK: the previous snapshot, for cpu_reaped

    private var hasPrevious = false
    private var previousMembers: [Member] = []
    private var previousMemberIndex: [MemberKey: Int] = [:]
    private var previousGroupIndex: [GroupKey: Int] = [:]
    private var previousClock: Double? = nil
    /// Each group's cpu_reaped shortfall of the previous snapshot (seconds, ≤ 0), carried into
    /// this one. A child reaped between the reading of its parent's stat and its own vanishes
    /// while the parent's cutime is still stale: the snapshot's difference is negative, and the
    /// child's time shows in the parent's cutime one snapshot later. Flooring at 0 would count
    /// it twice; carrying the shortfall cancels it.
    private var reapedShortfall: [GroupKey: Double] = [:]

    init(grouping: Grouping, output: OutputBuffer) {
        self.grouping = grouping
        self.output = output
        if case .field(let name) = grouping {
            groupFieldKey = RecordKey(name)
            let o = OutputBuffer(fd: -1, threshold: 0)
            o.appendJSONString(name)
            groupFieldJSON = o.bytes
        } else {
            groupFieldKey = nil
            groupFieldJSON = []
        }
    }

    // MARK: building a snapshot

    /// Starts a snapshot; `first` is its first record (before any `-q`), whose `host` it keeps.
    func begin(ts: Double, first: Record) {
        inSnapshot = true
        self.ts = ts
        host = nil
        if grouping != .field("host"), let h = first[hostKey] { host = Self.validJSON(h) }
        clock = nil
        interval = nil
        noteClock(first)
        groupCount = 0
        lastKeyGroup = -1
        if grouping == .all { _ = makeGroup(.all) }
    }

    /// The group of `record` under `-g FIELD` (made when new).
    @inline(__always)
    func fieldGroup(for record: Record) -> Int {
        let value = record[groupFieldKey!]
        let raw = value?.raw
        if lastKeyGroup >= 0 {
            let same = raw.map { bytesEqualArray($0, lastKeyRaw) } ?? (lastKeyRaw == Self.null)
            if same { return lastKeyGroup }
        }
        let key = GroupKey(value)
        lastKeyRaw = raw.map { Array($0) } ?? Self.null
        let g = groupIndex[key] ?? makeGroup(key, values: [value.map { $0.isNull ? Self.null : Self.validJSON($0) } ?? Self.null])
        lastKeyGroup = g
        return g
    }

    /// The single group of a run without `-g` or `--by-root`.
    var allGroup: Int { 0 }

    /// The group of a `--by-root` subtree whose root is `root` (made when new).
    func rootGroup(for root: Record) -> Int {
        let pid = Int64(root[pidKey]?.int64 ?? 0)
        let start = root[startKey]?.double ?? 0
        let key = GroupKey.root(pid, (start + 0).bitPattern)
        if let g = groupIndex[key] { return g }
        func raw(_ k: RecordKey) -> [UInt8] { root[k].map { Self.validJSON($0) } ?? Self.null }
        return makeGroup(key, values: [raw(pidKey), raw(startKey), raw(commKey)])
    }

    private func makeGroup(_ key: GroupKey, values: [[UInt8]] = []) -> Int {
        if groupCount == groups.count { groups.append(GroupSums()) }
        let g = groupCount
        groupCount += 1
        groups[g].reset(slots: slotNames.count)
        groups[g].key = key
        groups[g].keyValues = values
        groupIndex[key] = g
        return g
    }

    /// Adds `record` to group `g`: its count, its CPU, the sum of each additive field.
    @inline(__always)
    func add(_ record: Record, to g: Int) {
        let sums = groups[g]
        let slots = slots(for: record.layout)
        if sums.slotCount < slotNames.count { sums.grow(to: slotNames.count) }
        // A thread other than its process's main one: not another process, and not another copy
        // of the process's memory, descriptors and sockets.
        var otherThread = false
        if let tid = record[tidKey]?.int64, let pid = record[pidKey]?.int64, tid != pid { otherThread = true }
        if !otherThread { sums.count += 1 }
        // A member born since the previous snapshot has rates over its life (dt = its age), shorter
        // than the interval: it adds rate × dt / interval, its counters' rise spread over the
        // interval, so that the group's rate is the rise of all its counters over the interval.
        // (2 ms of slack: age is written to the millisecond at both ends.)
        var weight = 1.0
        if sawDt, let dt = record[dtKey]?.double, dt.isFinite {
            if dt > (sums.maxDt ?? 0) { sums.maxDt = dt }
            if let interval, dt >= 0, dt < interval - 0.002 { weight = dt / interval }
        }
        for (index, slot) in slots {
            if otherThread && slotIsProcessWide[slot] { continue }
            let value = record.value(at: index)
            guard value.kind == .number else { continue }
            if weight != 1 && slotIsRate[slot] {
                sums.add(weighted: JSONNumber.double(value.raw) * weight, slot: slot)
            } else {
                sums.add(value, slot: slot)
            }
        }
        if sawProcessor, let p = record[processorKey]?.int64 { sums.addProcessor(p) }
    }

    /// Notes a record of the snapshot, selected (`g` ≥ 0) or not (-1): its fields, and for
    /// `cpu_reaped` who is alive, in which group, with how much CPU time. Call it once for every
    /// record, after `add`.
    @inline(__always)
    func track(_ record: Record, group g: Int) {
        // Every record, selected or not, says which fields the rows have (so a row of count 0 has them).
        _ = slots(for: record.layout)
        guard case .success(let identity) = identities.identity(record) else { return }
        if clock == nil { noteClock(record) }
        let key = MemberKey(pid: identity.pid, startMs: identity.startMs)
        var total = Double.nan, children = Double.nan
        if let u = record[utimeKey]?.double, let s = record[stimeKey]?.double,
           let cu = record[cutimeKey]?.double, let cs = record[cstimeKey]?.double {
            children = cu + cs
            total = u + s + children
        }
        // A repeated (pid, start), as in thread records: the first one speaks for the process.
        if let first = memberIndex.updateValue(members.count, forKey: key) {
            memberIndex[key] = first
            return
        }
        members.append(Member(key: key, group: g, total: total, children: children))
    }

    private func noteClock(_ record: Record) {
        guard let start = record[startKey]?.double, let age = record[ageKey]?.double else { return }
        let now = start + age
        guard now.isFinite else { return }
        clock = now
        if let before = previousClock, now > before { interval = now - before } else { interval = nil }
    }

    // MARK: the summed fields

    private func slots(for layout: RecordLayout) -> [(index: Int, slot: Int)] {
        let id = ObjectIdentifier(layout)
        if id == lastLayout { return lastSlots }
        let slots: [(index: Int, slot: Int)]
        if let cached = layoutSlots[id] {
            slots = cached.slots
        } else {
            slots = buildSlots(layout)
            if layoutSlots.count >= 32 { layoutSlots.removeAll() }
            layoutSlots[id] = (layout, slots)
        }
        lastLayout = id
        lastSlots = slots
        return slots
    }

    private func buildSlots(_ layout: RecordLayout) -> [(index: Int, slot: Int)] {
        var result: [(index: Int, slot: Int)] = []
        for i in 0..<layout.count {
            let name = layout.key(at: i)
            guard name.withUnsafeBufferPointer({ layout.lastIndex(of: $0) }) == i else { continue } // the last one wins
            let text = String(decoding: name, as: UTF8.self)
            if text == "processor" { sawProcessor = true }
            if text == "dt" { sawDt = true }
            if case .field(let f) = grouping, f == text { continue }
            if let slot = slotOfName[name] {
                result.append((i, slot))
            } else if let rank = AdditiveFields.rank(of: text, firstSeen: unknownRates) {
                if rank >= AdditiveFields.knownOrder.count { unknownRates += 1 }
                let slot = slotNames.count
                let o = OutputBuffer(fd: -1, threshold: 0)
                o.appendJSONString(name)
                slotNames.append(o.bytes)
                slotRanks.append(rank)
                slotIsRate.append(text == "cpu" || text == "cpu_user" || text == "cpu_sys" || text.hasSuffix("_rate"))
                slotIsProcessWide.append(FieldTable.processWide.contains(text))
                slotOfName[name] = slot
                outputOrder = slotRanks.indices.sorted { slotRanks[$0] < slotRanks[$1] }
                result.append((i, slot))
            }
        }
        return result
    }

    // MARK: writing the rows

    /// Writes the snapshot's rows and keeps what `cpu_reaped` needs from it.
    func finish() throws(OutputError) {
        guard inSnapshot else { return }
        inSnapshot = false
        if sawDt { computeReaped() }
        var order = Array(0..<groupCount)
        if case .field = grouping { order.sort { GroupKey.ascending(groups[$0].key, groups[$1].key) } }
        if order.isEmpty {
            writeEmptyRow()
        } else {
            for g in order { writeRow(groups[g]) }
        }
        // This snapshot becomes the previous one.
        swap(&members, &previousMembers)
        swap(&memberIndex, &previousMemberIndex)
        members.removeAll(keepingCapacity: true)
        memberIndex.removeAll(keepingCapacity: true)
        previousGroupIndex.removeAll(keepingCapacity: true)
        swap(&groupIndex, &previousGroupIndex)
        previousClock = clock
        hasPrevious = true
        try output.flushIfFull()
    }

    /// cpu_reaped's two terms for each group: the rise of its surviving members' cutime+cstime
    /// (a member born since the previous snapshot rose from 0),
    /// and the last observed CPU time of its members that vanished (from the whole snapshot, not
    /// only from the group: a process that moved to another group did not end).
    private func computeReaped() {
        guard hasPrevious else { return }
        for g in 0..<groupCount { groups[g].previousOrdinal = previousGroupIndex[groups[g].key] ?? -1 }
        for m in members where m.group >= 0 && !m.children.isNaN {
            guard let p = previousMemberIndex[m.key] else {
                // Born since the previous snapshot (SnapshotClock's rule, as psdelta's): its
                // children's times were 0 at its birth, so all of them rose in the interval.
                if let before = previousClock, let beforeMs = SnapshotClock.milliseconds(before),
                   SnapshotClock.bornSince(startMs: m.key.startMs, previousClockMs: beforeMs) {
                    groups[m.group].childTimeRise += m.children
                }
                continue
            }
            let before = previousMembers[p]
            if before.group >= 0 && before.group == groups[m.group].previousOrdinal && !before.children.isNaN {
                groups[m.group].childTimeRise += m.children - before.children
            }
        }
        var vanished: [Int: Double] = [:]
        for m in previousMembers where m.group >= 0 && !m.total.isNaN && memberIndex[m.key] == nil {
            vanished[m.group, default: 0] += m.total
        }
        for g in 0..<groupCount where groups[g].previousOrdinal >= 0 {
            groups[g].vanishedTime = vanished[groups[g].previousOrdinal] ?? 0
        }
        var shortfall: [GroupKey: Double] = [:]
        for g in 0..<groupCount {
            let own = groups[g].childTimeRise - groups[g].vanishedTime
            groups[g].carriedShortfall = reapedShortfall[groups[g].key] ?? 0
            if own < 0 { shortfall[groups[g].key] = own }
        }
        reapedShortfall = shortfall
    }

    /// Percent of one CPU; nil on the first snapshot or without an interval.
    private func reapedPercent(_ sums: GroupSums) -> Double? {
        guard hasPrevious else { return nil }
        guard let dt = interval ?? sums.maxDt, dt > 0 else { return nil }
        return Self.reapedPercent(childTimeRise: sums.childTimeRise, vanishedTime: sums.vanishedTime,
                                  carriedShortfall: sums.carriedShortfall, interval: dt)
    }

    /// The rise of the surviving members' cutime+cstime, less the last observed
    /// utime+stime+cutime+cstime of the members that vanished, plus the previous snapshot's
    /// shortfall (≤ 0), floored at 0, over the interval, in percent of one CPU. The shortfall is
    /// carried one snapshot only: the stale cutime it stands for is always fresh by then, and a
    /// member reaped outside the group (an orphan adopted by a subreaper) cannot hold the
    /// group's figure down for longer.
    static func reapedPercent(childTimeRise: Double, vanishedTime: Double, carriedShortfall: Double = 0,
                              interval: Double) -> Double {
        max(0, childTimeRise - vanishedTime + carriedShortfall) / interval * 100
    }

    private static let null: [UInt8] = Array("null".utf8)

    /// A value copied into a row, as JSON that is valid UTF-8 whatever the record held: a string
    /// with escapes is decoded and written again, so a lone surrogate (`\ud800`, which decodes to
    /// no character) becomes U+FFFD. Other values are copied as they are.
    static func validJSON(_ v: RecordValue) -> [UInt8] {
        guard v.kind == .string, v.hasEscapes else { return Array(v.raw) }
        var decoded: [UInt8] = []
        v.appendDecodedString(to: &decoded)
        let o = OutputBuffer(fd: -1, threshold: 0)
        o.appendJSONString(decoded)
        return o.bytes
    }

    private func writeHead() {
        output.append("{\"ts\":")
        output.appendDouble(ts, decimals: 3)
        if let host {
            output.append(",\"host\":")
            output.append(host)
        }
    }

    private func writeKey(_ values: [[UInt8]]) {
        switch grouping {
        case .all: break
        case .field:
            output.append(0x2C)
            output.append(groupFieldJSON)
            output.append(0x3A)
            output.append(values.first ?? Self.null)
        case .byRoot:
            for (i, name) in ([",\"pid\":", ",\"start\":", ",\"comm\":"] as [StaticString]).enumerated() {
                output.append(name)
                output.append(i < values.count ? values[i] : Self.null)
            }
        }
    }

    private func writeRow(_ sums: GroupSums) {
        writeHead()
        writeKey(sums.keyValues)
        output.append(",\"count\":")
        output.appendDecimal(sums.count)
        if sawProcessor {
            output.append(",\"cpus\":")
            if sums.cpus > 0 { output.appendDecimal(sums.cpus) } else { output.append("null") }
        }
        for slot in outputOrder {
            output.append(0x2C)
            output.append(slotNames[slot])
            output.append(0x3A)
            sums.appendSum(slot: slot, to: output)
            if sums.isOutOfRange(slot: slot) { warnOutOfRange(slot, sums) }
        }
        if sawDt {
            output.append(",\"cpu_reaped\":")
            if let p = reapedPercent(sums) { output.appendDouble(p, decimals: 3) } else { output.append("null") }
        }
        output.append("}\n")
    }

    private func warnOutOfRange(_ slot: Int, _ sums: GroupSums) {
        let o = OutputBuffer(fd: -1, threshold: 0)
        o.appendDouble(ts, decimals: 3)
        var message = "snapshot ts \(String(decoding: o.bytes, as: UTF8.self))"
        if case .field(let name) = grouping, let key = sums.keyValues.first {
            message += ", \(name) \(String(decoding: key, as: UTF8.self))"
        } else if grouping == .byRoot, let pid = sums.keyValues.first {
            message += ", root pid \(String(decoding: pid, as: UTF8.self))"
        }
        let field = String(decoding: slotNames[slot].dropFirst().dropLast(), as: UTF8.self)
        warn?("\(message): the sum of '\(field)' is beyond the range of a double (1.8e308); written as null")
    }

    /// `-q` matched nothing under `-g` or `--by-root`: one row, key null, count 0, sums null.
    private func writeEmptyRow() {
        writeHead()
        writeKey([])
        output.append(",\"count\":0")
        if sawProcessor { output.append(",\"cpus\":null") }
        for slot in outputOrder {
            output.append(0x2C)
            output.append(slotNames[slot])
            output.append(":null")
        }
        if sawDt { output.append(",\"cpu_reaped\":null") }
        output.append("}\n")
    }
}

@inline(__always)
private func bytesEqualArray(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
    b.withUnsafeBufferPointer { bytesEqual(a, $0) }
}

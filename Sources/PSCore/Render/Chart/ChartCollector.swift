/// Reads records into per-panel, per-series buckets in bounded memory.
///
/// - A series is what `SeriesRule` says (a process, a psagg group, or the `-s` fields' values).
/// - Per panel at most `detailLimit` series are kept in detail (their buckets); when more
///   compete, the one with the lowest peak so far gives its place to a series that has just gone
///   above it. Only the ones finally in the top N are drawn; every other series is in the
///   panel's per-snapshot total, and `other (K)` is that total less the drawn series, so what is
///   summed never depends on which series were kept in detail.
/// - Memory: (detail series + 1) × grid capacity buckets per panel, a small record per series
///   seen (forgotten, when there are very many, once it has not been seen for two snapshots), and
///   the moving average's window.

/// One series kept in detail in one panel (or a panel's total).
public final class ChartSeries {
    /// The series' number, in order of first sight: its colour and its class in the SVG.
    public internal(set) var id: Int
    public internal(set) var label: String
    public internal(set) var buckets: [ChartBucket]
    /// Over every value stored (after the moving average).
    public internal(set) var min = Double.infinity
    public internal(set) var max = -Double.infinity
    public internal(set) var last: Double? = nil
    public internal(set) var lastTs = -Double.infinity
    var average: MovingAverage?

    init(id: Int, label: String, capacity: Int, window: Int?) {
        self.id = id
        self.label = label
        buckets = [ChartBucket](repeating: .empty, count: capacity)
        average = window.map { MovingAverage($0) }
    }

    func reset(id: Int, label: String) {
        self.id = id
        self.label = label
        for i in buckets.indices { buckets[i] = .empty }
        min = .infinity
        max = -.infinity
        last = nil
        lastTs = -.infinity
        if let w = average?.n { average = MovingAverage(w) }
    }

    public var hasValues: Bool { min <= max }
}

/// What the collector knows of every series it remembers, across panels: flat arrays indexed by
/// the series' row (no object per series, so the per-record path takes no reference counts).
struct SeriesTable {
    let panels: Int
    var keys: [SeriesKey] = []
    var ids: [Int] = []
    var lastSeen: [Int] = []
    /// Row × panels + panel: the series' place among the panel's detail series, -1 when not kept.
    var slots: [Int32] = []
    /// Row × panels + panel: the highest value seen; nan before its first record in that panel.
    var peaks: [Double] = []

    init(panels: Int) { self.panels = panels }

    var count: Int { keys.count }

    mutating func append(_ key: SeriesKey, id: Int, snapshot: Int) -> Int {
        keys.append(key)
        ids.append(id)
        lastSeen.append(snapshot)
        slots.append(contentsOf: repeatElement(-1, count: panels))
        peaks.append(contentsOf: repeatElement(.nan, count: panels))
        return keys.count - 1
    }

    /// Row `row` of `other` appended here.
    mutating func append(row: Int, of other: SeriesTable) -> Int {
        keys.append(other.keys[row])
        ids.append(other.ids[row])
        lastSeen.append(other.lastSeen[row])
        slots.append(contentsOf: other.slots[row * panels..<(row + 1) * panels])
        peaks.append(contentsOf: other.peaks[row * panels..<(row + 1) * panels])
        return keys.count - 1
    }
}

/// One panel's figures for the snapshot being read, and what the per-record path checks first.
struct PanelAccumulator {
    /// The field's index in the current record layout, -1 when absent.
    var fieldAt = -1
    var carried = false, sampled = false
    var snapshotSum = 0.0, snapshotValues = 0, snapshotRecords = 0
    var detailCount = 0
    /// A lower bound of the detail series' lowest peak (peaks only grow).
    var lowestPeakBound = -Double.infinity
}

/// One `-y` field's panel: its detail series and its total.
public final class ChartPanelData {
    public let field: String
    public let unit: FieldUnit
    public internal(set) var detail: [ChartSeries] = []
    /// The series table row of each detail series.
    var owners: [Int32] = []
    /// Per snapshot: the sum of every series' value (null when every value was null).
    public let total: ChartSeries
    /// Series seen in this panel.
    public internal(set) var seriesCount = 0
    /// Some record had the field (null or not).
    public internal(set) var carried = false
    /// Some record had a value for it.
    public internal(set) var sampled = false

    init(field: String, capacity: Int, window: Int?) {
        self.field = field
        unit = FieldTable.unit(of: field)
        total = ChartSeries(id: -1, label: "total", capacity: capacity, window: window)
    }
}

public final class ChartCollector {
    public struct Options: Sendable {
        /// The `-y` fields; nil: cpu,rss when records carry cpu, else rss.
        public var fields: [String]?
        /// `-s`; nil: the series rule's default.
        public var seriesFields: [String]?
        /// `--top`; 0 draws every series.
        public var top = 10
        /// `-w`.
        public var window: Int?
        public var after: Double?
        public var before: Double?
        /// Buckets per series (about twice the plot's columns).
        public var capacity = 2048

        public init() {}
    }

    public let options: Options
    public private(set) var panels: [ChartPanelData] = []
    public private(set) var grid: TimeGrid
    /// Records drawn (in the time range); snapshots seen.
    public private(set) var records = 0
    public private(set) var snapshots = 0
    /// First and last sample time stored.
    public private(set) var firstTs = Double.infinity
    public private(set) var lastTs = -Double.infinity
    /// Field names seen in the records, for "did you mean" (bounded).
    public private(set) var seenFields: Set<String> = []

    let rule: SeriesRule
    var series: SeriesTable
    var registry: [SeriesKey: Int32] = [:]
    var nextID = 0
    var snapshotTs = Double.nan
    /// Per panel, fixed once made: read and written by index on every record.
    let accumulators: UnsafeMutablePointer<PanelAccumulator>
    /// Per panel, scratch for one record: its value (nan for null or absent) and whether present.
    let values: UnsafeMutablePointer<Double>
    let present: UnsafeMutablePointer<Bool>
    /// The layout the field indices are for (kept alive: its identity is compared).
    var currentLayout: RecordLayout?
    var currentLayoutID: ObjectIdentifier?
    var tsAt = -1
    var layoutsSeen: Set<ObjectIdentifier> = []
    var layoutsKept: [RecordLayout] = []
    /// The series row of each record of the previous snapshot and of this one, by position: a
    /// stream lists its processes in the same order every snapshot, so the record at position i
    /// is nearly always the series the previous snapshot had there, found with one comparison
    /// instead of a hash.
    var previousRows: [Int32] = []
    var currentRows: [Int32] = []
    static let positionsKept = 1 << 18
    /// Most series kept in detail per panel.
    public let detailLimit: Int
    /// Beyond this many series remembered, the ones not seen for two snapshots are forgotten
    /// (the limit then grows with what had to be kept, so forgetting stays rare).
    let registryLimit: Int
    var forgetAt: Int

    public convenience init(options: Options) { self.init(options: options, registryLimit: 100_000) }

    init(options: Options, registryLimit: Int) {
        self.options = options
        self.registryLimit = registryLimit
        forgetAt = registryLimit
        rule = SeriesRule(fields: options.seriesFields)
        grid = TimeGrid(capacity: options.capacity)
        detailLimit = options.top == 0 ? 1000 : Swift.max(4 * options.top, 40)
        // Without -y: cpu (drawn only when some record carries it, psdelta's) and rss.
        implicit = options.fields == nil ? "cpu" : nil
        let fields = options.fields ?? ["cpu", "rss"]
        series = SeriesTable(panels: fields.count)
        accumulators = .allocate(capacity: fields.count)
        accumulators.initialize(repeating: PanelAccumulator(), count: fields.count)
        values = .allocate(capacity: fields.count)
        present = .allocate(capacity: fields.count)
        makePanels(fields)
    }

    deinit {
        accumulators.deallocate()
        values.deallocate()
        present.deallocate()
    }

    /// The default's cpu panel, left out when no record carries cpu.
    let implicit: String?

    /// The panels to draw.
    public var visiblePanels: [ChartPanelData] {
        panels.filter { $0.carried || $0.field != implicit }
    }

    private func makePanels(_ fields: [String]) {
        panels = fields.map { ChartPanelData(field: $0, capacity: grid.capacity, window: options.window) }
    }

    /// Takes one record; returns a problem to report (and the record is skipped), or nil.
    public func add(_ record: Record) -> String? {
        if record.layoutID != currentLayoutID { relocate(record) }
        guard tsAt >= 0 else { return "missing number field 'ts'" }
        guard let ts = record.value(at: tsAt).double, ts.isFinite else { return "field 'ts' is not a number" }
        if let after = options.after, ts < after { return nil }
        if let before = options.before, ts > before { return nil }
        let count = panels.count
        // Per panel: absent (nan with `present` false), null (nan), or the value.
        var any = false
        for p in 0..<count {
            let at = accumulators[p].fieldAt
            guard at >= 0 else { present[p] = false; values[p] = .nan; continue }
            if !accumulators[p].carried {
                accumulators[p].carried = true
                panels[p].carried = true
            }
            present[p] = true
            any = true
            let v = record.value(at: at)
            if v.kind == .number, let d = v.double, d.isFinite { values[p] = d } else { values[p] = .nan }
        }
        guard any else { return nil }
        let key: SeriesKey
        switch rule.key(of: record) {
        case .failure(let problem): return problem.message
        case .success(let k): key = k
        }
        if ts != snapshotTs {
            finishSnapshot()
            snapshotTs = ts
            snapshots += 1
            swap(&previousRows, &currentRows)
            currentRows.removeAll(keepingCapacity: true)
        }
        records += 1
        let row = self.row(of: key)
        series.lastSeen[row] = snapshots
        let base = row * count
        for p in 0..<count where present[p] {
            if series.peaks[base + p].isNaN {
                series.peaks[base + p] = -.infinity
                panels[p].seriesCount += 1
            }
            let value = values[p]
            accumulators[p].snapshotRecords += 1
            if !value.isNaN {
                if !accumulators[p].sampled {
                    accumulators[p].sampled = true
                    panels[p].sampled = true
                }
                accumulators[p].snapshotSum += value
                accumulators[p].snapshotValues += 1
                if value > series.peaks[base + p] { series.peaks[base + p] = value }
            }
            var slot = Int(series.slots[base + p])
            if slot < 0, !value.isNaN,
               accumulators[p].detailCount < detailLimit || series.peaks[base + p] > accumulators[p].lowestPeakBound {
                slot = admit(row, panel: p, record: record)
            }
            if slot >= 0 { push(panels[p].detail[slot], ts, value.isNaN ? nil : value) }
        }
        return nil
    }

    /// The series table row of `key`, made if new.
    @inline(__always)
    private func row(of key: SeriesKey) -> Int {
        let position = currentRows.count
        var row = -1
        if position < previousRows.count {
            let guess = Int(previousRows[position])
            if guess >= 0 && series.keys[guess] == key { row = guess }
        }
        if row < 0 { row = lookUp(key) }
        if position < Self.positionsKept { currentRows.append(Int32(truncatingIfNeeded: row)) }
        return row
    }

    @inline(never)
    private func lookUp(_ key: SeriesKey) -> Int {
        if let found = registry[key] { return Int(found) }
        if registry.count >= forgetAt { forgetOldSeries() }
        let row = series.append(key, id: nextID, snapshot: snapshots)
        nextID += 1
        registry[key] = Int32(truncatingIfNeeded: row)
        return row
    }

    /// The end of the stream: the last snapshot's totals, and every average still held.
    public func finish() {
        finishSnapshot()
        snapshotTs = .nan
        for panel in panels {
            for series in panel.detail + [panel.total] { flushAverage(series) }
        }
    }

    /// Records of the snapshot just ended are all in: its totals go into the grid.
    func finishSnapshot() {
        guard !snapshotTs.isNaN else { return }
        for p in panels.indices where accumulators[p].snapshotRecords > 0 {
            let a = accumulators[p]
            push(panels[p].total, snapshotTs, a.snapshotValues > 0 ? a.snapshotSum : nil)
            accumulators[p].snapshotSum = 0
            accumulators[p].snapshotValues = 0
            accumulators[p].snapshotRecords = 0
        }
    }

    /// The detail slot for a series not kept in detail yet, or -1 when it does not rank.
    @inline(never)
    private func admit(_ row: Int, panel p: Int, record: Record) -> Int {
        let panel = panels[p]
        let n = panels.count
        if panel.detail.count < detailLimit {
            let detail = ChartSeries(id: series.ids[row], label: rule.describe(record).label, capacity: grid.capacity, window: options.window)
            panel.detail.append(detail)
            panel.owners.append(Int32(truncatingIfNeeded: row))
            accumulators[p].detailCount = panel.detail.count
            series.slots[row * n + p] = Int32(panel.detail.count - 1)
            return panel.detail.count - 1
        }
        let peak = series.peaks[row * n + p]
        guard peak > accumulators[p].lowestPeakBound else { return -1 }
        func ownerPeak(_ i: Int) -> Double { series.peaks[Int(panel.owners[i]) * n + p] }
        var lowest = 0
        for i in panel.owners.indices where ownerPeak(i) < ownerPeak(lowest) { lowest = i }
        accumulators[p].lowestPeakBound = ownerPeak(lowest)
        guard peak > accumulators[p].lowestPeakBound else { return -1 }
        series.slots[Int(panel.owners[lowest]) * n + p] = -1
        panel.owners[lowest] = Int32(truncatingIfNeeded: row)
        panel.detail[lowest].reset(id: series.ids[row], label: rule.describe(record).label)
        series.slots[row * n + p] = Int32(lowest)
        return lowest
    }

    private func push(_ series: ChartSeries, _ ts: Double, _ value: Double?) {
        if series.average != nil {
            series.average!.push(ts, value) { store(series, $0, $1) }
        } else {
            store(series, ts, value)
        }
    }

    private func flushAverage(_ series: ChartSeries) {
        guard series.average != nil else { return }
        series.average!.flush { store(series, $0, $1) }
    }

    private func store(_ series: ChartSeries, _ ts: Double, _ value: Double?) {
        while true {
            switch grid.change(for: ts) {
            case .none:
                let i = grid.index(for: ts)
                if let value {
                    series.buckets[i].add(value)
                    if value < series.min { series.min = value }
                    if value > series.max { series.max = value }
                    if ts >= series.lastTs { series.last = value; series.lastTs = ts }
                } else {
                    series.buckets[i].addNull()
                    if ts >= series.lastTs { series.last = nil; series.lastTs = ts }
                }
                if ts < firstTs { firstTs = ts }
                if ts > lastTs { lastTs = ts }
                return
            case .coarsen:
                grid.coarsen()
                forEachSeries { TimeGrid.coarsen(&$0.buckets) }
            case .shift(let n):
                grid.shift(by: n)
                forEachSeries { TimeGrid.shift(&$0.buckets, by: n) }
            }
        }
    }

    private func forEachSeries(_ body: (ChartSeries) -> Void) {
        for panel in panels {
            for s in panel.detail { body(s) }
            body(panel.total)
        }
    }

    /// Keeps the series seen in the last two snapshots and those kept in detail; renumbers rows.
    private func forgetOldSeries() {
        let n = panels.count
        var kept = SeriesTable(panels: n)
        var newRow = [Int32](repeating: -1, count: series.count)
        for row in 0..<series.count
        where series.lastSeen[row] >= snapshots - 1 || series.slots[row * n..<(row + 1) * n].contains(where: { $0 >= 0 }) {
            newRow[row] = Int32(truncatingIfNeeded: kept.append(row: row, of: series))
        }
        series = kept
        registry = [:]
        registry.reserveCapacity(kept.count)
        for row in 0..<kept.count { registry[kept.keys[row]] = Int32(truncatingIfNeeded: row) }
        for panel in panels { panel.owners = panel.owners.map { newRow[Int($0)] } }
        previousRows = previousRows.map { $0 >= 0 ? newRow[Int($0)] : -1 }
        currentRows = currentRows.map { $0 >= 0 ? newRow[Int($0)] : -1 }
        forgetAt = Swift.max(registryLimit, 2 * kept.count)
    }

    /// A record with other keys than the last: where ts and the panels' fields are in it, and
    /// its field names for "did you mean".
    @inline(never)
    private func relocate(_ record: Record) {
        let layout = record.layout
        currentLayout = layout
        currentLayoutID = ObjectIdentifier(layout)
        tsAt = layout.lastIndex(of: "ts")
        for p in panels.indices { accumulators[p].fieldAt = layout.lastIndex(of: panels[p].field) }
        noteLayout(record)
    }

    private func noteLayout(_ record: Record) {
        let layout = record.layout
        let id = ObjectIdentifier(layout)
        guard !layoutsSeen.contains(id), seenFields.count < 4096 else { return }
        layoutsSeen.insert(id)
        layoutsKept.append(layout)  // keeps the identity from being reused
        for i in 0..<layout.count { seenFields.insert(layout.keyString(at: i)) }
        if layoutsKept.count > 256 {
            layoutsKept.removeAll()
            layoutsSeen.removeAll()
        }
    }
}

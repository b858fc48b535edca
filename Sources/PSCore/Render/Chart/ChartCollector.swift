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

/// What the collector knows of one series, across panels.
final class SeriesState {
    let id: Int
    /// Per panel: its place among the panel's detail series, -1 when not kept in detail.
    var slots: [Int32]
    /// Per panel: the highest value seen; nan before its first record in that panel.
    var peaks: [Double]
    var lastSeen: Int

    init(id: Int, panels: Int, snapshot: Int) {
        self.id = id
        slots = [Int32](repeating: -1, count: panels)
        peaks = [Double](repeating: .nan, count: panels)
        lastSeen = snapshot
    }
}

/// One `-y` field's panel: its detail series and its total.
public final class ChartPanelData {
    public let field: String
    public let unit: FieldUnit
    let key: RecordKey
    public internal(set) var detail: [ChartSeries] = []
    var owners: [SeriesState] = []
    /// Per snapshot: the sum of every series' value (null when every value was null).
    public let total: ChartSeries
    /// Series seen in this panel.
    public internal(set) var seriesCount = 0
    /// Some record had the field (null or not).
    public internal(set) var carried = false
    /// Some record had a value for it.
    public internal(set) var sampled = false
    var snapshotSum = 0.0, snapshotValues = 0, snapshotRecords = 0
    // A lower bound of the detail series' lowest peak (peaks only grow).
    var lowestPeakBound = -Double.infinity

    init(field: String, capacity: Int, window: Int?) {
        self.field = field
        unit = FieldTable.unit(of: field)
        key = RecordKey(field)
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
    let tsKey = RecordKey("ts")
    var registry: [SeriesKey: SeriesState] = [:]
    var nextID = 0
    var snapshotTs = Double.nan
    var layoutsSeen: Set<ObjectIdentifier> = []
    var layoutsKept: [RecordLayout] = []
    var lastLayout: ObjectIdentifier?
    /// Most series kept in detail per panel.
    public let detailLimit: Int
    /// Beyond this many series remembered, the ones not seen for two snapshots are forgotten.
    static let registryLimit = 100_000

    public init(options: Options) {
        self.options = options
        rule = SeriesRule(fields: options.seriesFields)
        grid = TimeGrid(capacity: options.capacity)
        detailLimit = options.top == 0 ? 1000 : Swift.max(4 * options.top, 40)
        // Without -y: cpu (drawn only when some record carries it, psdelta's) and rss.
        implicit = options.fields == nil ? "cpu" : nil
        makePanels(options.fields ?? ["cpu", "rss"])
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
        guard let tsValue = record[tsKey] else { return "missing number field 'ts'" }
        guard let ts = tsValue.double, ts.isFinite else { return "field 'ts' is not a number" }
        if ObjectIdentifier(record.layout) != lastLayout { noteLayout(record) }
        if let after = options.after, ts < after { return nil }
        if let before = options.before, ts > before { return nil }
        let count = panels.count
        // Per panel: absent (nan with `present` false), null (nan), or the value; on the stack.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { values in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: count) { present in
                var any = false
                for p in 0..<count {
                    let panel = panels[p]
                    guard let v = record[panel.key] else { present[p] = false; values[p] = .nan; continue }
                    panel.carried = true
                    present[p] = true
                    any = true
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
                }
                records += 1
                let state: SeriesState
                if let s = registry[key] {
                    state = s
                } else {
                    if registry.count >= Self.registryLimit { forgetOldSeries() }
                    state = SeriesState(id: nextID, panels: count, snapshot: snapshots)
                    nextID += 1
                    registry[key] = state
                }
                state.lastSeen = snapshots
                for p in 0..<count where present[p] {
                    let panel = panels[p]
                    if state.peaks[p].isNaN {
                        state.peaks[p] = -.infinity
                        panel.seriesCount += 1
                    }
                    let value: Double? = values[p].isNaN ? nil : values[p]
                    panel.snapshotRecords += 1
                    if let value {
                        panel.sampled = true
                        panel.snapshotSum += value
                        panel.snapshotValues += 1
                        if value > state.peaks[p] { state.peaks[p] = value }
                    }
                    var slot = Int(state.slots[p])
                    if slot < 0, let value { slot = admit(state, value: value, panel: p, record: record) }
                    if slot >= 0 { push(panel.detail[slot], ts, value) }
                }
                return nil
            }
        }
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
        for panel in panels where panel.snapshotRecords > 0 {
            push(panel.total, snapshotTs, panel.snapshotValues > 0 ? panel.snapshotSum : nil)
            panel.snapshotSum = 0
            panel.snapshotValues = 0
            panel.snapshotRecords = 0
        }
    }

    /// The detail slot for a series not kept in detail yet, or -1 when it does not rank.
    private func admit(_ state: SeriesState, value: Double, panel p: Int, record: Record) -> Int {
        let panel = panels[p]
        if panel.detail.count < detailLimit {
            let series = ChartSeries(id: state.id, label: rule.describe(record).label, capacity: grid.capacity, window: options.window)
            panel.detail.append(series)
            panel.owners.append(state)
            state.slots[p] = Int32(panel.detail.count - 1)
            return panel.detail.count - 1
        }
        guard state.peaks[p] > panel.lowestPeakBound else { return -1 }
        var lowest = 0
        for i in panel.owners.indices where panel.owners[i].peaks[p] < panel.owners[lowest].peaks[p] { lowest = i }
        panel.lowestPeakBound = panel.owners[lowest].peaks[p]
        guard state.peaks[p] > panel.lowestPeakBound else { return -1 }
        panel.owners[lowest].slots[p] = -1
        panel.owners[lowest] = state
        panel.detail[lowest].reset(id: state.id, label: rule.describe(record).label)
        state.slots[p] = Int32(lowest)
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

    private func forgetOldSeries() {
        registry = registry.filter { _, s in s.lastSeen >= snapshots - 1 || s.slots.contains { $0 >= 0 } }
    }

    private func noteLayout(_ record: Record) {
        let layout = record.layout
        let id = ObjectIdentifier(layout)
        lastLayout = id
        guard !layoutsSeen.contains(id), seenFields.count < 4096 else { return }
        layoutsSeen.insert(id)
        layoutsKept.append(layout)  // keeps the identity from being reused
        for i in 0..<layout.count { seenFields.insert(layout.keyString(at: i)) }
        if layoutsKept.count > 256 {
            layoutsKept.removeAll()
            layoutsSeen.removeAll()
            lastLayout = nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// pstrend's engine: follows each series of the stream (`SeriesRule`), keeps a running summary
/// and a bounded sample of its fields, and at the end judges and writes one record per series,
/// most suspicious first.
public final class TrendEngine {
    public struct Options {
        /// `-y`; nil for the memory gauges present among `defaultFields`.
        public var fields: [String]? = nil
        /// `-s`; nil for the core series rule.
        public var seriesFields: [String]? = nil
        public var alpha = 0.01
        /// `--min-growth`: for every field, and per field.
        public var minGrowth: TrendRule.MinGrowth = .fraction(0.05)
        public var minGrowthByField: [String: TrendRule.MinGrowth] = [:]
        /// `--limit`: for every field, and per field.
        public var limit: Double? = nil
        public var limitByField: [String: Double] = [:]
        public var window: Double? = nil
        public var capacity = SampleStore.defaultCapacity
        public init() {}
    }

    /// The fields judged without `-y`, when present: memory first, then descriptors and threads.
    public static let defaultFields = ["rss", "pss", "uss", "swap", "fds", "threads"]

    let options: Options
    let names: [String]
    private let keys: [RecordKey]
    private let tsKey = RecordKey("ts"), commKey = RecordKey("comm"), cmdlineKey = RecordKey("cmdline")
    private let rule: SeriesRule
    private var index: [SeriesKey: Int] = [:]
    private var series: [TrendSeries] = []
    /// One record's values (NaN for null or absent), and which fields any record carried.
    private let scratch: UnsafeMutablePointer<Double>
    private let presentFlags: UnsafeMutablePointer<Bool>

    public init(options: Options) {
        self.options = options
        names = options.fields ?? Self.defaultFields
        keys = names.map(RecordKey.init)
        rule = SeriesRule(fields: options.seriesFields)
        scratch = .allocate(capacity: max(names.count, 1))
        scratch.initialize(repeating: .nan, count: max(names.count, 1))
        presentFlags = .allocate(capacity: max(names.count, 1))
        presentFlags.initialize(repeating: false, count: max(names.count, 1))
    }

    deinit {
        scratch.deallocate()
        presentFlags.deallocate()
    }

    private func present(_ f: Int) -> Bool { presentFlags[f] }

    /// Takes one record; returns the problem when it cannot be used (it is then left out whole).
    public func add(_ record: Record) -> String? {
        guard let tv = record[tsKey], let ts = tv.double, ts.isFinite else { return "missing number field 'ts'" }
        let values = scratch, seen = presentFlags
        let problem: String? = keys.withUnsafeBufferPointer { keys in
            for f in 0..<keys.count {
                guard let v = record[keys[f]] else { values[f] = .nan; continue }
                seen[f] = true
                if v.isNull { values[f] = .nan; continue }
                guard let d = v.double else { return "field '\(names[f])' is not a number" }
                guard d.isFinite else { return "field '\(names[f])' is out of range" }
                values[f] = d
            }
            return nil
        }
        if let problem { return problem }
        let key: SeriesKey
        switch rule.key(of: record) {
        case .success(let k): key = k
        case .failure(let problem): return problem.message
        }
        let s: TrendSeries
        if let i = index[key] {
            s = series[i]
            // A process that execs changes its comm and cmdline: the series is named by the last.
            if case .process = key, !s.named(by: record[commKey], record[cmdlineKey]) {
                s.keyFields = rule.describe(record).keyFields
                s.remember(record[commKey], record[cmdlineKey])
            }
        } else {
            s = TrendSeries(description: rule.describe(record), order: series.count, fields: names.count, capacity: options.capacity, window: options.window)
            if case .process = key { s.remember(record[commKey], record[cmdlineKey]) }
            index[key] = series.count
            series.append(s)
        }
        s.offer(time: ts, values: UnsafeBufferPointer(start: values, count: keys.count))
        return nil
    }

    /// The `-y` fields no record carried (the run writes nothing then).
    public var missingFields: [String] {
        options.fields == nil ? [] : names.indices.filter { !present($0) }.map { names[$0] }
    }

    /// Judges every series and writes one record each, most suspicious first.
    public func finish(output: OutputBuffer) throws(OutputError) {
        let fieldIndices = names.indices.filter { options.fields != nil || present($0) }
        var judged: [(series: TrendSeries, verdicts: [TrendRule.Verdict], rank: Rank)] = []
        judged.reserveCapacity(series.count)
        for s in series {
            s.flush()
            var verdicts: [TrendRule.Verdict] = []
            for f in fieldIndices {
                let name = names[f]
                let rule = TrendRule(alpha: options.alpha,
                                     minGrowth: options.minGrowthByField[name] ?? options.minGrowth,
                                     limit: options.limitByField[name] ?? options.limit)
                var (times, values) = s.store.series(field: f)
                Self.sortByTime(&times, &values)
                verdicts.append(rule.judge(times: times, values: values))
            }
            judged.append((s, verdicts, Rank(verdicts)))
        }
        judged.sort { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.series.firstTs != b.series.firstTs { return a.series.firstTs < b.series.firstTs }
            return a.series.order < b.series.order
        }
        for (s, verdicts, _) in judged {
            write(s, verdicts, fieldIndices, output)
            try output.flushIfFull()
        }
    }

    static func sortByTime(_ times: inout [Double], _ values: inout [Double]) {
        var sorted = true
        for i in times.indices.dropFirst() where times[i] < times[i - 1] { sorted = false; break }
        if sorted { return }
        let order = times.indices.sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
        let (t, v) = (times, values)
        times = order.map { t[$0] }
        values = order.map { v[$0] }
    }

    /// Most suspicious first: a leak in any field; then the smallest p-value among the fields
    /// whose slope is positive; then the largest relative growth.
    struct Rank: Comparable {
        var leak: Bool
        var p: Double
        var growth: Double

        init(_ verdicts: [TrendRule.Verdict]) {
            leak = verdicts.contains { $0.leak == true }
            p = verdicts.compactMap { v in (v.slope ?? 0) > 0 ? v.p : nil }.min() ?? 2
            growth = verdicts.compactMap(\.relativeGrowth).max() ?? -.infinity
        }

        static func < (a: Rank, b: Rank) -> Bool {
            if a.leak != b.leak { return a.leak }
            if a.p != b.p { return a.p < b.p }
            return a.growth > b.growth
        }
    }

    private func write(_ s: TrendSeries, _ verdicts: [TrendRule.Verdict], _ fieldIndices: [Int], _ out: OutputBuffer) {
        out.append(0x7B)
        var first = true
        func key(_ name: String) {
            if !first { out.append(0x2C) }
            first = false
            out.appendJSONString(name)
            out.append(0x3A)
        }
        func number(_ v: Double?, significant: Int, maxDecimals: Int) {
            guard let v, v.isFinite else { out.append("null"); return }
            out.appendDouble(v, decimals: Self.decimals(v, significant: significant, max: maxDecimals))
        }
        for (name, json) in s.keyFields {
            key(name)
            out.append(json)
        }
        key("first_ts"); out.appendDouble(s.firstTs, decimals: 3)
        key("last_ts"); out.appendDouble(s.lastTs, decimals: 3)
        key("samples"); out.appendDecimal(s.samples)
        for (k, f) in fieldIndices.enumerated() {
            let name = names[f], sum = s.summaries[f], v = verdicts[k]
            let has = sum.count > 0
            key(name + "_first"); number(has ? sum.first : nil, significant: 17, maxDecimals: 6)
            key(name + "_last"); number(has ? sum.last : nil, significant: 17, maxDecimals: 6)
            key(name + "_min"); number(has ? sum.min : nil, significant: 17, maxDecimals: 6)
            key(name + "_max"); number(has ? sum.max : nil, significant: 17, maxDecimals: 6)
            key(name + "_mean"); number(has ? sum.sum / Double(sum.count) : nil, significant: 10, maxDecimals: 6)
            key(name + "_slope"); number(v.slope, significant: 6, maxDecimals: 12)
            key(name + "_p"); number(v.p, significant: 4, maxDecimals: 18)
            key(name + "_leak")
            if let leak = v.leak { out.append(leak ? "true" : "false") } else { out.append("null") }
            if (options.limitByField[name] ?? options.limit) != nil {
                key(name + "_eta"); number(v.eta, significant: 10, maxDecimals: 3)
            }
        }
        out.append("}\n")
    }

    /// Decimals that keep `significant` digits of `v`, at most `max`.
    static func decimals(_ v: Double, significant: Int, max: Int) -> Int {
        let m = v.magnitude
        guard m > 0 else { return 0 }
        var digits = 0 // digits before the point (negative: zeros after it)
        var x = m
        if x >= 1 { while x >= 1 { x /= 10; digits += 1 } } else { while x < 0.1 && digits > -30 { x *= 10; digits -= 1 } }
        return Swift.max(0, Swift.min(max, significant - digits))
    }
}

/// One series while the stream is read.
final class TrendSeries {
    struct Summary {
        var count = 0
        var first = 0.0, last = 0.0, min = 0.0, max = 0.0, sum = 0.0
    }

    var keyFields: [(name: String, json: [UInt8])]
    /// The raw comm and cmdline the key fields were made from.
    private var comm: [UInt8] = [], cmdline: [UInt8] = []
    /// When the series was first seen, for a stable order among equals.
    let order: Int
    var firstTs = Double.infinity, lastTs = -Double.infinity
    var samples = 0
    var summaries: [Summary]
    var store: SampleStore
    /// The sample being gathered: records of the series with the same ts add up.
    private var pendingTime: Double? = nil
    private var pending: [Double]

    init(description: SeriesDescription, order: Int, fields: Int, capacity: Int, window: Double?) {
        keyFields = description.keyFields
        self.order = order
        summaries = [Summary](repeating: Summary(), count: fields)
        store = SampleStore(fields: fields, capacity: capacity, window: window)
        pending = [Double](repeating: .nan, count: fields)
    }

    func named(by comm: RecordValue?, _ cmdline: RecordValue?) -> Bool {
        Self.same(comm, self.comm) && Self.same(cmdline, self.cmdline)
    }

    func remember(_ comm: RecordValue?, _ cmdline: RecordValue?) {
        self.comm = comm.map { Array($0.raw) } ?? []
        self.cmdline = cmdline.map { Array($0.raw) } ?? []
    }

    private static func same(_ v: RecordValue?, _ bytes: [UInt8]) -> Bool {
        guard let v else { return bytes.isEmpty }
        return v.raw.count == bytes.count && bytes.withUnsafeBufferPointer { b in
            b.count == 0 || memcmp(b.baseAddress!, v.raw.baseAddress!, b.count) == 0
        }
    }

    func offer(time: Double, values: UnsafeBufferPointer<Double>) {
        if time == pendingTime {
            pending.withUnsafeMutableBufferPointer { p in
                for f in 0..<values.count where !values[f].isNaN {
                    p[f] = p[f].isNaN ? values[f] : p[f] + values[f]
                }
            }
            return
        }
        flush()
        pendingTime = time
        pending.withUnsafeMutableBufferPointer { p in
            for f in 0..<values.count { p[f] = values[f] }
        }
    }

    /// Adds the sample being gathered to the summaries and the store.
    func flush() {
        guard let time = pendingTime else { return }
        pendingTime = nil
        samples += 1
        if time < firstTs { firstTs = time }
        if time > lastTs { lastTs = time }
        pending.withUnsafeBufferPointer { p in
            summaries.withUnsafeMutableBufferPointer { sums in
                for f in 0..<p.count {
                    let v = p[f]
                    if v.isNaN { continue }
                    if sums[f].count == 0 {
                        sums[f] = Summary(count: 1, first: v, last: v, min: v, max: v, sum: v)
                    } else {
                        sums[f].count += 1
                        sums[f].last = v
                        if v < sums[f].min { sums[f].min = v }
                        if v > sums[f].max { sums[f].max = v }
                        sums[f].sum += v
                    }
                }
            }
            store.add(time: time, values: p)
        }
    }
}

/// How pstrend judges one field of one series: the Theil-Sen line, the Mann-Kendall test
/// (Hamed-Rao), and the leak verdict. Pure: arrays in, numbers out.
public struct TrendRule: Sendable {
    /// How much the fitted line must rise over the series to matter.
    public enum MinGrowth: Equatable, Sendable {
        /// In the field's unit (bytes for memory).
        case absolute(Double)
        /// A fraction of the fitted starting value (0.05 for 5 %).
        case fraction(Double)
    }

    /// The significance level of the test.
    public var alpha: Double = 0.01
    public var minGrowth: MinGrowth = .fraction(0.05)
    /// The level whose time of arrival `eta` gives, if any.
    public var limit: Double? = nil
    /// The share of the whole slope the later half must keep for a leak.
    public static let persistence = 0.5

    public init(alpha: Double = 0.01, minGrowth: MinGrowth = .fraction(0.05), limit: Double? = nil) {
        self.alpha = alpha
        self.minGrowth = minGrowth
        self.limit = limit
    }

    public struct Verdict: Equatable, Sendable {
        /// Theil-Sen slope, units per second; nil with fewer than two distinct times.
        public var slope: Double?
        /// Mann-Kendall p-value (two-sided, Hamed-Rao); nil with fewer than three samples.
        public var p: Double?
        /// nil when p is nil.
        public var leak: Bool?
        /// Seconds until the fitted line reaches the limit (0 when it already has); nil when it
        /// never does, or when there is no line. Meaningful only with a limit.
        public var eta: Double?
        /// The fitted rise over the judged span, and the fitted value at its start.
        public var growth: Double?
        public var fittedStart: Double?
        /// growth / fittedStart (infinity for growth from 0 or below): for ordering.
        public var relativeGrowth: Double?
        /// The Theil-Sen slope of the later half of the samples.
        public var laterSlope: Double?
    }

    /// Judges `values` taken at `times` (seconds; same length, finite, in time order).
    public func judge(times: [Double], values: [Double]) -> Verdict {
        var v = Verdict()
        let n = values.count
        guard n >= 2, let t0 = times.first, let tn = times.last else { return v }
        let rel = times.map { $0 - t0 }
        // A constant series (descriptors, threads, a swap of 0) has every slope 0 and no trend:
        // the answer the estimators would reach, without their work.
        if let first = values.first, values.allSatisfy({ $0 == first }), tn > t0 {
            v.slope = 0
            v.growth = 0
            v.fittedStart = first
            v.relativeGrowth = 0
            v.laterSlope = 0
            if let limit { v.eta = first >= limit ? 0 : nil }
            if n >= 3 { v.p = 1; v.leak = false }
            return v
        }
        guard let line = TheilSen.line(x: rel, y: values) else { return v }
        v.slope = line.slope
        let growth = line.slope * (tn - t0)
        let start = line.value(at: 0)
        v.growth = growth
        v.fittedStart = start
        v.relativeGrowth = start > 0 ? growth / start : (growth > 0 ? .infinity : (growth < 0 ? -.infinity : 0))
        if let limit {
            let last = line.value(at: tn - t0)
            if last >= limit { v.eta = 0 } else if line.slope > 0 { v.eta = (limit - last) / line.slope }
        }
        guard let test = MannKendall.hamedRao(values: values, times: rel, slope: line.slope) else { return v }
        v.p = test.p
        let material: Bool
        switch minGrowth {
        case .absolute(let a): material = growth >= a
        case .fraction(let f): material = start > 0 ? growth >= f * start : growth > 0
        }
        let half = n / 2
        let later = TheilSen.medianSlope(x: Array(rel[half...]), y: Array(values[half...]))
        v.laterSlope = later
        let continuing = (later ?? 0) >= Self.persistence * line.slope
        v.leak = test.p < alpha && test.s > 0 && line.slope > 0 && material && continuing
        return v
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The Mann-Kendall trend test with Hamed and Rao's (1998) correction for autocorrelation.
///
/// S counts, over every pair of samples, +1 when the later one is larger and -1 when it is
/// smaller: a series that keeps growing has S near n(n-1)/2, one without trend near 0. S is
/// counted as n(n-1)/2 - ties - 2 × (pairs in descending order), the last by merge-sort
/// inversion counting: O(n log n) instead of the textbook's n²/2 comparisons. Its variance
/// under "no trend" carries the tie correction. Samples taken close together are not
/// independent (memory at t+1 s is memory at t plus a little), which makes S look significant
/// when it is not; Hamed and Rao inflate the variance by n/n* computed from the autocorrelation
/// of the ranks of the detrended series, at lags 1...`lags` that are themselves significant.
/// pymannkendall's `hamed_rao_modification_test(x, alpha=0.05, lag=lags)` computes the same.
public enum MannKendall {
    public struct Result: Equatable, Sendable {
        public var n: Int
        public var s: Int
        /// Var(S) with the tie correction, before the autocorrelation correction.
        public var varianceS: Double
        /// n/n*, the factor applied to the variance (1 when the autocorrelation gave a factor
        /// of 0 or below, where the correction no longer means anything).
        public var correction: Double
        public var z: Double
        /// Two-sided p-value of "no trend".
        public var p: Double
    }

    /// The number of autocorrelation lags the correction looks at.
    public static let defaultLags = 16

    /// Which autocorrelations count: those beyond ±z(0.975)/√n, Hamed and Rao's 5 % level.
    static let acfQuantile = 1.959963984540054

    /// S alone: the sum over pairs i < j of sign(y[j] - y[i]).
    public static func score(_ y: [Double]) -> Int { score(y, tieGroups: Order.tieGroups(y)) }

    /// S, given the sizes of `y`'s groups of equal values (the test needs them twice: one sort).
    static func score(_ y: [Double], tieGroups: [Int]) -> Int {
        let n = y.count
        guard n > 1 else { return 0 }
        let ties = tieGroups.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
        var copy = y
        let descending = Order.countInversions(&copy)
        return n * (n - 1) / 2 - ties - 2 * descending
    }

    /// The test on `values` in time order; `times` and `slope` (units per unit of time, the
    /// Theil-Sen slope) detrend the series for the correction, as values - slope × times (pass
    /// times relative to the first sample, where a product keeps its precision). nil for fewer
    /// than 3 values.
    public static func hamedRao(values y: [Double], times: [Double], slope: Double, lags: Int = defaultLags) -> Result? {
        let n = y.count
        guard n >= 3, times.count == n else { return nil }
        let tieGroups = Order.tieGroups(y)
        let s = score(y, tieGroups: tieGroups)
        let nd = Double(n)
        var variance = nd * (nd - 1) * (2 * nd + 5)
        for t in tieGroups {
            let td = Double(t)
            variance -= td * (td - 1) * (2 * td + 5)
        }
        variance /= 18

        // The autocorrelation of the detrended series' ranks, lags 1...L.
        let detrended = (0..<n).map { y[$0] - slope * times[$0] }
        let ranks = Order.averageRanks(detrended)
        let mean = ranks.reduce(0, +) / nd
        let r = ranks.map { $0 - mean }
        var acov0 = 0.0
        for v in r { acov0 += v * v }
        var factor = 1.0
        if acov0 > 0 {
            let bound = acfQuantile / nd.squareRoot()
            var sum = 0.0
            for k in stride(from: 1, through: min(lags, n - 1), by: 1) {
                var c = 0.0
                for i in 0..<(n - k) { c += r[i] * r[i + k] }
                let rho = c / acov0
                if rho > bound || rho < -bound {
                    let m = nd - Double(k)
                    sum += m * (m - 1) * (m - 2) * rho
                }
            }
            factor = 1 + 2 / (nd * (nd - 1) * (nd - 2)) * sum
            if !(factor > 0) { factor = 1 }
        }
        let corrected = variance * factor
        var z = 0.0
        if s != 0 && corrected > 0 {
            z = (Double(s) - (s > 0 ? 1 : -1)) / corrected.squareRoot()
        }
        let p = erfc(abs(z) / 2.0.squareRoot())
        return Result(n: n, s: s, varianceS: variance, correction: factor, z: z, p: p)
    }
}

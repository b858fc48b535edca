import Foundation
import Testing
@testable import PSCore

/// Seeded series for the trend tests: normal noise by Box-Muller over SplitMix64.
struct TrendNoise {
    var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(seed: seed) }
    mutating func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
    mutating func normal(_ sd: Double = 1) -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return sd * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// pstrend's statistics against independent implementations: scipy.stats.theilslopes and
/// kendalltau, and pymannkendall's hamed_rao_modification_test, run by python3 on the same
/// arrays. Tolerances: Theil-Sen slope and intercept to 1e-9 relative (both select the same
/// pair slopes; only the last bits of a division or a mean can differ); S exactly; Var(S) and the
/// corrected variance to 1e-9 relative; z and p to 1e-9 absolute; Kendall's tau-b to 1e-12.
@Suite(.serialized) struct TrendOracleTests {
    struct Case {
        var name: String
        var x: [Double]
        var y: [Double]
    }

    /// The arrays: sizes on both sides of the brute-force limit, ties in y (memory in pages,
    /// flat stretches), equal and unevenly spaced times, outliers.
    static func cases() -> [Case] {
        var cases: [Case] = []
        var noise = TrendNoise(seed: 20261130)
        for n in [5, 12, 60, 91, 150, 400, 1000, 2500] {
            let x = (0..<n).map(Double.init)
            cases.append(Case(name: "linear+noise n=\(n)", x: x, y: x.map { 100 + 0.3 * $0 + noise.normal(5) }))
            cases.append(Case(name: "pages n=\(n)", x: x, y: x.map { 4096 * (1000 + ($0 / 7).rounded(.down) + (noise.normal(2)).rounded()) }))
            cases.append(Case(name: "flat stretches n=\(n)", x: x, y: x.map { Int($0) % 50 < 30 ? 7 : 7 + (noise.normal(1)).rounded() }))
        }
        for n in [40, 300, 1200] {
            // Uneven times with repeats (equal x pairs have no slope); a few wild outliers.
            var t = 0.0
            var x: [Double] = [], y: [Double] = []
            for i in 0..<n {
                if noise.uniform() > 0.1 { t += 0.1 + noise.uniform() * 2 }
                x.append(1_700_000_000 + t)
                y.append(5e8 + 1e5 * t + noise.normal(3e6) + (i % 97 == 0 ? 4e8 : 0))
            }
            cases.append(Case(name: "uneven+outliers n=\(n)", x: x, y: y))
        }
        return cases
    }

    static let script = #"""
import json, sys, warnings
import numpy as np
from scipy import stats
import pymannkendall as mk
warnings.simplefilter("ignore")
out = []
for c in json.load(open(sys.argv[1])):
    x = np.array(c["x"], dtype=float); y = np.array(c["y"], dtype=float)
    r = {"name": c["name"]}
    ts = stats.theilslopes(y, x)
    r["slope"], r["intercept"] = float(ts.slope), float(ts.intercept)
    if c["even"]:
        n = len(y)
        h = mk.hamed_rao_modification_test(y, alpha=0.05, lag=min(16, n - 1))
        o = mk.original_test(y)
        r.update(s=float(h.s), var0=float(o.var_s), var=float(h.var_s), z=float(h.z), p=float(h.p))
        r["tau"] = float(stats.kendalltau(np.arange(n), y).statistic)
    out.append(r)
clean = lambda v: None if isinstance(v, float) and not np.isfinite(v) else v
print(json.dumps([{k: clean(v) for k, v in r.items()} for r in out]))
"""#

    @Test func statisticsAgreeWithScipyAndPymannkendall() throws {
        let cases = Self.cases()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstrend-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("cases.json"), script = dir.appendingPathComponent("oracle.py")
        let payload: [[String: Any]] = cases.map { ["name": $0.name, "x": $0.x, "y": $0.y, "even": $0.x == (0..<$0.x.count).map(Double.init)] }
        try JSONSerialization.data(withJSONObject: payload).write(to: input)
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let run = try TestSupport.shell("python3 '\(script.path)' '\(input.path)'")
        try #require(run.status == 0, "python3 with scipy and pymannkendall is needed: \(run.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [[String: Any]])
        try #require(results.count == cases.count)

        func close(_ a: Double, _ b: Double, relative: Double, _ what: String, _ name: String) {
            let scale = max(abs(a), abs(b), 1e-300)
            #expect(abs(a - b) <= relative * scale || a == b, "\(name): \(what) \(a) vs scipy/pymannkendall \(b)")
        }
        for (c, r) in zip(cases, results) {
            let line = try #require(TheilSen.line(x: c.x, y: c.y), "\(c.name)")
            close(line.slope, r["slope"] as? Double ?? .nan, relative: 1e-9, "slope", c.name)
            // scipy's intercept is at x = 0: compare the fitted value at the first x instead,
            // where both are of the data's size (the times here are epoch seconds).
            let x0 = c.x[0]
            close(line.value(at: x0), (r["intercept"] as? Double ?? .nan) + (r["slope"] as? Double ?? .nan) * x0, relative: 1e-9, "fitted start", c.name)
            guard let s = r["s"] as? Double else { continue }
            // pymannkendall detrends with times 1...n: the same times here, so that rounding makes
            // the same ties among the detrended values.
            let mk = try #require(MannKendall.hamedRao(values: c.y, times: c.x.map { $0 + 1 }, slope: line.slope), "\(c.name)")
            #expect(Double(mk.s) == s, "\(c.name): S \(mk.s) vs \(s)")
            close(mk.varianceS, r["var0"] as? Double ?? .nan, relative: 1e-9, "Var(S)", c.name)
            if let pyVar = r["var"] as? Double, pyVar > 0, r["p"] is Double {
                close(mk.varianceS * mk.correction, pyVar, relative: 1e-9, "corrected Var(S)", c.name)
                #expect(abs(mk.z - (r["z"] as? Double ?? .nan)) <= 1e-9, "\(c.name): z \(mk.z) vs \(r["z"]!)")
                #expect(abs(mk.p - (r["p"] as? Double ?? .nan)) <= 1e-9, "\(c.name): p \(mk.p) vs \(r["p"]!)")
            } else {
                // pymannkendall gives NaN when the correction makes the variance negative;
                // pstrend falls back to the uncorrected variance.
                #expect(mk.correction == 1, "\(c.name)")
            }
            // Kendall's tau-b from S and the ties (times have none).
            let n = Double(c.y.count)
            let n0 = n * (n - 1) / 2
            let n2 = Double(Order.tieGroups(c.y).reduce(0) { $0 + $1 * ($1 - 1) / 2 })
            let tau = Double(mk.s) / (n0 * (n0 - n2)).squareRoot()
            if let pyTau = r["tau"] as? Double { #expect(abs(tau - pyTau) <= 1e-12, "\(c.name): tau-b \(tau) vs \(pyTau)") }
        }
    }
}

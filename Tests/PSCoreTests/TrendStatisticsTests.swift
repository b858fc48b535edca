import Foundation
import Testing
@testable import PSCore

/// The order statistics and the slope selection against the textbook O(n²) definitions.
@Suite struct TrendStatisticsTests {
    static func bruteMedianSlope(_ x: [Double], _ y: [Double]) -> Double? {
        var slopes: [Double] = []
        for i in x.indices { for j in x.indices where x[j] > x[i] { slopes.append((y[j] - y[i]) / (x[j] - x[i])) } }
        guard !slopes.isEmpty else { return nil }
        slopes.sort()
        return (slopes[(slopes.count - 1) / 2] + slopes[slopes.count / 2]) / 2
    }

    /// The randomized selection gives exactly the listed median: noise, heavy ties (memory in
    /// pages, flat stretches, constant), repeated times, unsorted input, sizes around the limit.
    @Test(arguments: 0..<24)
    func randomizedSelectionEqualsListing(seed: Int) {
        var noise = TrendNoise(seed: UInt64(seed))
        let n = [130, 200, 257, 400, 700, 1500][seed % 6]
        var x = (0..<n).map { Double($0) }
        if seed % 4 == 1 { x = x.map { ($0 / 3).rounded(.down) } } // every time three times
        if seed % 4 == 2 { x.shuffle(using: &noise.random) }
        let y: [Double] = (0..<n).map { i in
            let t = Double(i)
            switch seed % 5 {
            case 0: return 3 * t + noise.normal(40)
            case 1: return 4096 * (100 + (t / 9).rounded(.down) + noise.normal(1).rounded())
            case 2: return i % 40 < 25 ? 7 : 7 + noise.normal(2).rounded()
            case 3: return 42
            default: return (noise.normal(1) * 1000).rounded() / 1000
            }
        }
        let fast = TheilSen.medianSlope(x: x, y: y, bruteForceLimit: 0)
        let slow = Self.bruteMedianSlope(x, y)
        #expect(fast == slow, "seed \(seed) n \(n): \(String(describing: fast)) vs \(String(describing: slow))")
    }

    @Test func noSlopeWithoutTwoDistinctTimes() {
        #expect(TheilSen.medianSlope(x: [1, 1, 1], y: [1, 2, 3]) == nil)
        #expect(TheilSen.medianSlope(x: [5], y: [1]) == nil)
        #expect(TheilSen.medianSlope(x: [1, 1, 2], y: [1, 5, 3]) == 0)
    }

    @Test(arguments: 0..<10)
    func selectAndInversionsMatchSorting(seed: Int) {
        var noise = TrendNoise(seed: UInt64(100 + seed))
        let values = (0..<(1 + seed * 37)).map { _ in (noise.normal(3)).rounded() }
        let sorted = values.sorted()
        for k in Set([0, values.count / 2, values.count - 1]) {
            var v = values
            #expect(Order.select(&v, k) == sorted[k])
        }
        var brute = 0
        for i in values.indices { for j in values.indices where j > i && values[i] > values[j] { brute += 1 } }
        var copy = values
        #expect(Order.countInversions(&copy) == brute)
        #expect(copy == sorted)
        var s = 0
        for i in values.indices { for j in values.indices where j > i { s += values[j] > values[i] ? 1 : values[j] < values[i] ? -1 : 0 } }
        #expect(MannKendall.score(values) == s)
    }

    @Test func averageRanksShareTies() {
        #expect(Order.averageRanks([10, 20, 10, 30]) == [1.5, 3, 1.5, 4])
        #expect(Order.tieGroups([3, 1, 3, 3, 2, 1]).sorted() == [2, 3])
    }

    @Test func constantSeriesHasNoTrend() throws {
        let r = try #require(MannKendall.hamedRao(values: [5, 5, 5, 5], times: [0, 1, 2, 3], slope: 0))
        #expect(r.s == 0 && r.p == 1)
        #expect(MannKendall.hamedRao(values: [1, 2], times: [0, 1], slope: 1) == nil)
    }

    /// The store keeps every stride-th sample, at most its capacity, evenly spaced whatever the
    /// length; with a window, only the tail.
    @Test func storeStaysBoundedAndEvenlySpaced() {
        for total in [10, 64, 65, 100, 1000, 5000] {
            var store = SampleStore(fields: 1, capacity: 64)
            for i in 0..<total {
                [Double(i) * 2].withUnsafeBufferPointer { store.add(time: Double(i), values: $0) }
            }
            let (times, values) = store.series(field: 0)
            #expect(times.count <= 64 && times.count >= min(total, 32), "\(total): \(times.count)")
            #expect(times.first == 0)
            let gaps = Set(zip(times.dropFirst(), times).map { $0 - $1 })
            #expect(gaps.count <= 1, "\(total): \(gaps)")
            #expect(zip(times, values).allSatisfy { $1 == 2 * $0 })
        }
        var windowed = SampleStore(fields: 1, capacity: 64, window: 100)
        for i in 0..<1000 { [Double(i)].withUnsafeBufferPointer { windowed.add(time: Double(i), values: $0) } }
        let tail = windowed.series(field: 0).times
        #expect(tail.allSatisfy { $0 >= 899 } && tail.count >= 25 && tail.last! >= 990, "\(tail)")
    }

    @Test func nullsAreLeftOutOfAFieldsSeries() {
        var store = SampleStore(fields: 2, capacity: 8)
        [1, .nan].withUnsafeBufferPointer { store.add(time: 0, values: $0) }
        [.nan, 5].withUnsafeBufferPointer { store.add(time: 1, values: $0) }
        #expect(store.series(field: 0).times == [0] && store.series(field: 1).values == [5])
    }
}

/// The Theil-Sen line: the median of the slopes between every two points, a slope that a third
/// of the points could be wild without moving much (a spike, a garbage collection), with
/// Conover's intercept, as scipy.stats.theilslopes (method "separate") and pymannkendall compute
/// them.
///
/// The median of the n(n-1)/2 slopes is found without listing them: a randomized slope selection
/// (Matoušek; Dillencourt, Mount and Netanyahu). The number of slopes at most t is the number of
/// inversions between the points ordered by x and ordered by y - t·x, counted in O(n log n); a
/// random sample of the slopes still inside the bracket (drawn from those inversions with a
/// Fenwick tree) narrows the bracket to a few times n slopes in a round or two, which are then
/// listed and selected. Expected O(n log n) time, O(n) memory; below `bruteForceLimit` pairs
/// the slopes are simply listed.
public enum TheilSen {
    public struct Line: Equatable, Sendable {
        /// Units of y per unit of x.
        public var slope: Double
        /// y at x = 0: median(y) - slope × median(x).
        public var intercept: Double

        public func value(at x: Double) -> Double { intercept + slope * x }
    }

    /// Pairs up to which the slopes are listed and selected directly.
    public static let bruteForceLimit = 4096

    /// The line through `x`, `y` (same length, any order, finite values); nil when fewer than
    /// two distinct x. Pairs with equal x have no slope and are left out, as scipy does.
    public static func line(x: [Double], y: [Double]) -> Line? {
        guard let slope = medianSlope(x: x, y: y) else { return nil }
        return Line(slope: slope, intercept: Order.median(y) - slope * Order.median(x))
    }

    /// The median of the slopes (y[j] - y[i]) / (x[j] - x[i]) over every pair with x[i] < x[j]
    /// (the mean of the two middle ones when their number is even); nil when there is none.
    public static func medianSlope(x: [Double], y: [Double], bruteForceLimit: Int = bruteForceLimit) -> Double? {
        precondition(x.count == y.count)
        let n = x.count
        guard n >= 2 else { return nil }
        // Points by (x, y): from here on a point is its position in this order.
        let byX = (0..<n).sorted { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] < y[$1] }
        let x0 = x[byX[0]]
        let xs = byX.map { x[$0] - x0 }, ys = byX.map { y[$0] }
        var pairs = n * (n - 1) / 2
        var g = 1
        for i in 1...n {
            if i < n && xs[i] == xs[i - 1] { g += 1; continue }
            pairs -= g * (g - 1) / 2
            g = 1
        }
        guard pairs > 0 else { return nil }
        let k1 = (pairs - 1) / 2, k2 = pairs / 2
        if pairs <= bruteForceLimit {
            var slopes: [Double] = []
            slopes.reserveCapacity(pairs)
            for i in 0..<n {
                for j in (i + 1)..<n where xs[j] > xs[i] { slopes.append((ys[j] - ys[i]) / (xs[j] - xs[i])) }
            }
            return middle(&slopes, k1 - 0, k2 - 0)
        }
        var selection = SlopeSelection(xs: xs, ys: ys)
        return selection.median(pairs: pairs, k1: k1, k2: k2)
    }

    /// The mean of the k1-th and k2-th smallest of `values` (0-based; k2 is k1 or k1 + 1).
    static func middle(_ values: inout [Double], _ k1: Int, _ k2: Int) -> Double {
        let a = Order.select(&values, k1)
        if k2 == k1 { return a }
        // After selecting k1, the k2-th is the smallest of what lies above it.
        var b = Double.infinity
        for v in values[(k1 + 1)...] where v < b { b = v }
        return (a + b) / 2
    }
}

/// The randomized slope selection behind `TheilSen.medianSlope`, on points sorted by (x, y).
struct SlopeSelection {
    let xs: [Double], ys: [Double]
    var n: Int { xs.count }
    private var random: SplitMix64

    init(xs: [Double], ys: [Double]) {
        self.xs = xs
        self.ys = ys
        // Fixed seed: the same input gives the same work (the answer does not depend on it).
        random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15 ^ UInt64(xs.count))
    }

    /// The points in the order of y - t·x, ties by x descending then position: with it, a pair
    /// (x[i] < x[j]) appears reversed exactly when its slope is at most t. t = ±infinity are
    /// the limits (x ascending; x descending, ties by y).
    func order(at t: Double) -> [Int32] {
        var ids = (0..<Int32(n)).map { $0 }
        if t == -.infinity { return ids }
        if t == .infinity {
            ids.sort { a, b in
                let (a, b) = (Int(a), Int(b))
                return xs[a] != xs[b] ? xs[a] > xs[b] : (ys[a] != ys[b] ? ys[a] < ys[b] : a < b)
            }
            return ids
        }
        let u = (0..<n).map { ys[$0] - t * xs[$0] }
        ids.sort { a, b in
            let (a, b) = (Int(a), Int(b))
            return u[a] != u[b] ? u[a] < u[b] : (xs[a] != xs[b] ? xs[a] > xs[b] : a < b)
        }
        return ids
    }

    /// The rank of each point in `order`.
    func ranks(_ order: [Int32]) -> [Int32] {
        var r = [Int32](repeating: 0, count: n)
        for (i, id) in order.enumerated() { r[Int(id)] = Int32(i) }
        return r
    }

    /// The pairs with a slope at most t: inversions between the x order and the order at t.
    func countAtMost(_ t: Double) -> Int {
        if t == -.infinity { return 0 }
        var seq = ranks(order(at: t))
        return Order.countInversions(&seq)
    }

    mutating func median(pairs: Int, k1: Int, k2: Int) -> Double? {
        // The bracket (lo, hi] holds the k1-th and k2-th slopes; cLo slopes lie at or below lo.
        var lo = -Double.infinity, hi = Double.infinity
        var loOrder = order(at: lo), hiOrder = order(at: hi)
        var cLo = 0, cHi = pairs
        let listLimit = max(4 * n, TheilSen.bruteForceLimit)
        for _ in 0..<8 {
            let inside = cHi - cLo
            if inside <= listLimit { break }
            let m = min(max(n, 512), 4096)
            var sample = inversionPairs(loOrder, hiOrder, sampling: m).map(slope)
            guard sample.count == m else { break }
            sample.sort()
            let margin = 3 * Double(m).squareRoot()
            let f1 = Double(k1 - cLo) / Double(inside), f2 = Double(k2 - cLo + 1) / Double(inside)
            let i1 = Int((f1 * Double(m) - margin).rounded(.down)), i2 = Int((f2 * Double(m) + margin).rounded(.up))
            var improved = false
            if i1 >= 0 {
                // Just below sample[i1], between it and the next smaller sampled slope, at an
                // odd fraction, so that the bound is unlikely to equal a slope that many pairs share.
                let v = sample[i1]
                var j = i1
                while j >= 0 && sample[j] == v { j -= 1 }
                let below = j >= 0 ? sample[j] : lo
                let t = below.isFinite ? v - 0.381966 * (v - below) : v - max(1, abs(v))
                if t > lo && t.isFinite {
                    let c = countAtMost(t)
                    if c <= k1 && c >= cLo { lo = t; cLo = c; loOrder = order(at: t); improved = true }
                }
            }
            if i2 < m {
                let v = sample[i2]
                var j = i2
                while j < m && sample[j] == v { j += 1 }
                let above = j < m ? sample[j] : hi
                let t = above.isFinite ? v + 0.381966 * (above - v) : v + max(1, abs(v))
                if t < hi && t.isFinite {
                    let c = countAtMost(t)
                    if c > k2 && c <= cHi { hi = t; cHi = c; hiOrder = order(at: t); improved = true }
                }
            }
            if !improved { break }
        }
        var slopes = inversionPairs(loOrder, hiOrder, sampling: nil).map(slope)
        guard !slopes.isEmpty else { return nil }
        slopes.sort()
        let a = slopes[min(max(k1 - cLo, 0), slopes.count - 1)]
        let b = slopes[min(max(k2 - cLo, 0), slopes.count - 1)]
        return (a + b) / 2
    }

    func slope(_ pair: (Int32, Int32)) -> Double {
        let (i, j) = (Int(pair.0), Int(pair.1))
        return (ys[j] - ys[i]) / (xs[j] - xs[i])
    }

    /// The pairs that `a` and `b` order differently (each as (earlier x, later x)): all of them,
    /// or `sampling` of them drawn uniformly with replacement.
    mutating func inversionPairs(_ a: [Int32], _ b: [Int32], sampling: Int?) -> [(Int32, Int32)] {
        let rb = ranks(b)
        let seq = a.map { rb[Int($0)] } // position in a -> rank in b
        // Pass 1: how many earlier elements of seq are larger than each one.
        var tree = Fenwick(count: n)
        var larger = [Int](repeating: 0, count: n)
        var total = 0
        for j in 0..<n {
            let v = Int(seq[j])
            larger[j] = j - tree.prefix(v)
            total += larger[j]
            tree.add(v)
        }
        var wanted: [Int] // sorted offsets into the list of all inversions, by j then by rank
        if let m = sampling {
            guard total > 0 else { return [] }
            wanted = (0..<m).map { _ in Int(random.next(below: UInt64(total))) }
            wanted.sort()
        } else {
            wanted = []
        }
        var out: [(Int32, Int32)] = []
        out.reserveCapacity(sampling ?? total)
        tree = Fenwick(count: n)
        var base = 0, w = 0
        for j in 0..<n {
            let v = Int(seq[j])
            if larger[j] > 0 {
                let below = tree.prefix(v) // inserted values at most v
                func emit(_ offset: Int) {
                    let r = tree.kth(below + offset + 1) // a larger earlier value, by rank in b
                    let p = a[j], q = b[r]
                    // The pair in x order.
                    if xs[Int(p)] < xs[Int(q)] || (xs[Int(p)] == xs[Int(q)] && p < q) { out.append((p, q)) } else { out.append((q, p)) }
                }
                if sampling == nil {
                    for o in 0..<larger[j] { emit(o) }
                } else {
                    while w < wanted.count && wanted[w] < base + larger[j] { emit(wanted[w] - base); w += 1 }
                }
            }
            base += larger[j]
            tree.add(v)
        }
        return out
    }
}

/// Counts of the values 0..<count inserted so far: prefix counts and the k-th smallest, O(log n).
struct Fenwick {
    private var tree: [Int32]
    private let count: Int
    private let topBit: Int

    init(count: Int) {
        self.count = count
        tree = [Int32](repeating: 0, count: count + 1)
        var b = 1
        while b * 2 <= count { b *= 2 }
        topBit = b
    }

    mutating func add(_ value: Int) {
        var i = value + 1
        while i <= count { tree[i] += 1; i += i & -i }
    }

    /// Inserted values ≤ value (value may be -1).
    func prefix(_ value: Int) -> Int {
        var i = value + 1, s = 0
        while i > 0 { s += Int(tree[i]); i -= i & -i }
        return s
    }

    /// The k-th smallest inserted value (1-based k).
    func kth(_ k: Int) -> Int {
        var pos = 0, rest = k, step = topBit
        while step > 0 {
            let next = pos + step
            if next <= count && Int(tree[next]) < rest { pos = next; rest -= Int(tree[next]) }
            step /= 2
        }
        return pos // 0-based value = (1-based position pos+1) - 1
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<bound (bound > 0), without modulo bias.
    mutating func next(below bound: UInt64) -> UInt64 {
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return r % bound }
        }
    }
}

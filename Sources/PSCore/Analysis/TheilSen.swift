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
/// listed and selected. Expected O(n log n) time, O(n) memory; up to `bruteForceLimit` pairs
/// (n of about 128) listing them all is cheaper.
public enum TheilSen {
    public struct Line: Equatable, Sendable {
        /// Units of y per unit of x.
        public var slope: Double
        /// y at x = 0: median(y) - slope × median(x).
        public var intercept: Double

        public func value(at x: Double) -> Double { intercept + slope * x }
    }

    /// Pairs up to which the slopes are listed and selected directly.
    public static let bruteForceLimit = 8192

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
            return middle(&slopes, k1, k2)
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

    /// A bound on slopes: "at most t" (inclusive) or "below t".
    struct Bound {
        var t: Double
        var inclusive: Bool
        static let below = Bound(t: -.infinity, inclusive: true)
        static let above = Bound(t: .infinity, inclusive: true)
    }

    /// The points in the order of y - t·x, ties by x (descending for an inclusive bound,
    /// ascending for a strict one) then position: with it, a pair (x[i] < x[j]) appears
    /// reversed exactly when its slope is within the bound. t = ±infinity are the limits
    /// (x ascending, which reverses no pair; x descending, ties by y, which reverses every
    /// pair with distinct x).
    func order(_ b: Bound) -> [Int32] {
        var ids = (0..<Int32(n)).map { $0 }
        if b.t == -.infinity { return ids }
        if b.t == .infinity {
            ids.sort { a, b in
                let (a, b) = (Int(a), Int(b))
                return xs[a] != xs[b] ? xs[a] > xs[b] : (ys[a] != ys[b] ? ys[a] < ys[b] : a < b)
            }
            return ids
        }
        let t = b.t
        let u = (0..<n).map { ys[$0] - t * xs[$0] }
        if b.inclusive {
            ids.sort { a, b in
                let (a, b) = (Int(a), Int(b))
                return u[a] != u[b] ? u[a] < u[b] : (xs[a] != xs[b] ? xs[a] > xs[b] : a < b)
            }
        } else {
            ids.sort { a, b in
                let (a, b) = (Int(a), Int(b))
                return u[a] != u[b] ? u[a] < u[b] : (xs[a] != xs[b] ? xs[a] < xs[b] : a < b)
            }
        }
        return ids
    }

    /// The rank of each point in `order`.
    func ranks(_ order: [Int32]) -> [Int32] {
        var r = [Int32](repeating: 0, count: n)
        for (i, id) in order.enumerated() { r[Int(id)] = Int32(i) }
        return r
    }

    /// The pairs with a slope within the bound: inversions between the x order and its order.
    func count(_ b: Bound) -> Int {
        if b.t == -.infinity { return 0 }
        var seq = ranks(order(b))
        return Order.countInversions(&seq)
    }

    /// The mean of the k1-th and k2-th smallest slopes (0-based; k2 is k1 or k1 + 1).
    mutating func median(pairs: Int, k1: Int, k2: Int) -> Double? {
        // The bracket (lo, hi] holds both; cLo slopes lie within lo, cHi within hi.
        var lo = Bound.below, hi = Bound.above
        var loOrder = order(lo), hiOrder = order(hi)
        var cLo = 0, cHi = pairs
        let listLimit = max(4 * n, TheilSen.bruteForceLimit)
        for _ in 0..<10 {
            let inside = cHi - cLo
            if inside <= listLimit { break }
            let m = min(max(n, 512), 4096)
            var sample = inversionPairs(loOrder, hiOrder, sampling: m).map(slope)
            guard sample.count == m else { break }
            sample.sort()
            let f1 = (Double(k1 - cLo) + 0.5) / Double(inside), f2 = (Double(k2 - cLo) + 0.5) / Double(inside)
            var improved = false
            // The sampled slope at the targets' place: many pairs may share it exactly (a flat
            // stretch gives thousands of slopes 0). If the k1-th is one of them, so is the
            // answer, or half of it.
            let v = sample[min(max(Int(f1 * Double(m)), 0), m - 1)]
            let below = count(Bound(t: v, inclusive: false)), atMost = count(Bound(t: v, inclusive: true))
            if below <= k1 && k1 < atMost {
                if k2 < atMost { return v }
                // k2 is the next slope above v, the smallest of those within hi.
                lo = Bound(t: v, inclusive: true)
                cLo = atMost
                let rest = inversionPairs(order(lo), hiOrder, sampling: nil).map(slope)
                return rest.min().map { (v + $0) / 2 }
            }
            if atMost <= k1 && atMost > cLo { lo = Bound(t: v, inclusive: true); cLo = atMost; improved = true }
            if below > k2 && below < cHi { hi = Bound(t: v, inclusive: false); cHi = below; improved = true }
            // Then a bracket of about ±3 standard deviations of the sample around the targets.
            let margin = 3 * Double(m).squareRoot()
            let i1 = Int((f1 * Double(m) - margin).rounded(.down)), i2 = Int((f2 * Double(m) + margin).rounded(.up))
            if i1 >= 0 && sample[i1] > lo.t && sample[i1] < v {
                let b = Bound(t: sample[i1], inclusive: true), c = count(b)
                if c <= k1 && c > cLo { lo = b; cLo = c; improved = true }
            }
            if i2 < m && sample[i2] < hi.t && sample[i2] > v {
                let b = Bound(t: sample[i2], inclusive: true), c = count(b)
                if c > k2 && c < cHi { hi = b; cHi = c; improved = true }
            }
            if !improved { break }
            loOrder = order(lo)
            hiOrder = order(hi)
        }
        var slopes = inversionPairs(loOrder, hiOrder, sampling: nil).map(slope)
        guard !slopes.isEmpty else { return nil }
        let last = slopes.count - 1
        return TheilSen.middle(&slopes, min(max(k1 - cLo, 0), last), min(max(k2 - cLo, 0), last))
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
struct SplitMix64: RandomNumberGenerator {
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

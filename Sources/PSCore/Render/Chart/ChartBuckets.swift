/// What psplot keeps of a long stream: per series, a fixed number of time buckets on one grid
/// shared by every series, that coarsens by halving when the stream outgrows it. A bucket keeps
/// its samples' first, last, min, max, sum and count, so the chart can still draw every spike
/// (a column's min and max) and a mean, however many samples fell into it.

/// The samples of one series that fell into one time bucket.
public struct ChartBucket: Equatable, Sendable {
    public var first: Float
    public var last: Float
    public var min: Float
    public var max: Float
    public var sum: Double
    /// Samples with a value.
    public var count: Int32
    /// Samples that were null (a gap, when no sample of the bucket has a value).
    public var nulls: Int32

    public static let empty = ChartBucket(first: 0, last: 0, min: .infinity, max: -.infinity, sum: 0, count: 0, nulls: 0)

    public var isEmpty: Bool { count == 0 && nulls == 0 }
    /// Only nulls: the line breaks here.
    public var isGap: Bool { count == 0 && nulls > 0 }
    public var mean: Double { count == 0 ? .nan : sum / Double(count) }

    @inline(__always)
    public mutating func add(_ value: Double) {
        let v = Float(value)
        if count == 0 { first = v }
        last = v
        if v < min { min = v }
        if v > max { max = v }
        sum += value
        count += 1
    }

    public mutating func addNull() { nulls += 1 }

    /// This bucket followed by `later` (the next one in time), as one.
    public func merged(with later: ChartBucket) -> ChartBucket {
        if later.isEmpty { return self }
        if isEmpty { return later }
        var m = self
        if count == 0 { m.first = later.first }
        if later.count > 0 { m.last = later.last }
        m.min = Swift.min(min, later.min)
        m.max = Swift.max(max, later.max)
        m.sum += later.sum
        m.count += later.count
        m.nulls += later.nulls
        return m
    }
}

/// The time grid every series' buckets share: bucket i covers [origin + i·width, origin + (i+1)·width).
public struct TimeGrid: Sendable {
    /// Buckets per series.
    public let capacity: Int
    public private(set) var origin: Double = .nan
    /// Seconds per bucket: 1 ms at first, doubled each time the stream outgrows the grid.
    public private(set) var width: Double = 0.001
    /// The highest bucket index holding a sample (-1: none).
    public private(set) var highest = -1

    public init(capacity: Int) { self.capacity = max(16, capacity & ~1) }

    public var isEmpty: Bool { highest < 0 }

    /// The centre time of bucket i.
    public func center(_ i: Int) -> Double { origin + (Double(i) + 0.5) * width }

    /// What must happen to the buckets before a sample at `ts` can be stored.
    enum Change { case none, coarsen, shift(Int) }

    func change(for ts: Double) -> Change {
        guard !origin.isNaN else { return .none }
        let i = ((ts - origin) / width).rounded(.down)
        if i >= Double(capacity) { return .coarsen }
        if i < 0 {
            let by = Int(-i)
            return highest + by < capacity ? .shift(by) : .coarsen
        }
        return .none
    }

    /// The bucket for `ts`, once `change(for:)` says `.none`.
    mutating func index(for ts: Double) -> Int {
        if origin.isNaN { origin = ts }
        let i = Swift.max(0, Swift.min(capacity - 1, Int(((ts - origin) / width).rounded(.down))))
        if i > highest { highest = i }
        return i
    }

    mutating func coarsen() {
        width *= 2
        highest = highest < 0 ? -1 : highest / 2
    }

    mutating func shift(by n: Int) {
        origin -= Double(n) * width
        if highest >= 0 { highest += n }
    }

    /// Applies the grid's coarsening to one series' buckets: bucket i becomes 2i and 2i+1 merged.
    static func coarsen(_ buckets: inout [ChartBucket]) {
        let half = buckets.count / 2
        for i in 0..<half { buckets[i] = buckets[2 * i].merged(with: buckets[2 * i + 1]) }
        for i in half..<buckets.count { buckets[i] = .empty }
    }

    static func shift(_ buckets: inout [ChartBucket], by n: Int) {
        let count = buckets.count
        for i in stride(from: count - 1, through: n, by: -1) { buckets[i] = buckets[i - n] }
        for i in 0..<Swift.min(n, count) { buckets[i] = .empty }
    }
}

/// A centred moving average over `n` samples (Procpath's `--moving-average-window`): the value
/// at sample j is the mean of samples j-⌊(n-1)/2⌋ ... j+⌈(n-1)/2⌉, fewer at the ends of a run.
/// A null ends a run (it stays a gap, and the average never reaches across it). Holds at most
/// `n` samples; each value comes out once the samples after it have arrived, or at `flush`.
public struct MovingAverage: Sendable {
    public let n: Int
    let before: Int, after: Int
    private var times: [Double] = []
    private var values: [Double] = []
    /// Index in the buffers of the next sample whose average is not out yet.
    private var next = 0

    public init(_ n: Int) {
        self.n = max(1, n)
        before = (self.n - 1) / 2
        after = self.n - 1 - before
    }

    public mutating func push(_ ts: Double, _ value: Double?, _ emit: (Double, Double?) -> Void) {
        guard let value else {
            flush(emit)
            emit(ts, nil)
            return
        }
        times.append(ts)
        values.append(value)
        while next + after < values.count {
            emitOne(emit)
        }
    }

    /// Writes out every average still held (the end of the stream).
    public mutating func flush(_ emit: (Double, Double?) -> Void) {
        while next < values.count { emitOne(emit) }
        times.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        next = 0
    }

    private mutating func emitOne(_ emit: (Double, Double?) -> Void) {
        let lo = max(0, next - before), hi = min(values.count - 1, next + after)
        var sum = 0.0
        for k in lo...hi { sum += values[k] }
        emit(times[next], sum / Double(hi - lo + 1))
        next += 1
        if next > before {
            let drop = next - before
            times.removeFirst(drop)
            values.removeFirst(drop)
            next -= drop
        }
    }
}

/// The samples of one series kept for its trend: at most `capacity` rows of (time, field
/// values), evenly spaced over the series however long it runs. Every `stride`-th sample is
/// kept; when the rows fill up, every other row is dropped and the stride doubles. With a
/// window, rows older than the newest time less the window are dropped from the front.
///
/// Memory: capacity × (1 + fields) doubles at most, allocated as the series grows.
public struct SampleStore {
    /// Rows kept at most (also the default): 256 gives the trend test plenty of power while a
    /// thousand series of six fields stay within 14 MB.
    public static let defaultCapacity = 256

    public let width: Int
    public let capacity: Int
    /// Judge only rows at most this many seconds older than the newest (nil: all).
    public let window: Double?
    /// Row storage: time, then one value per field (NaN for null), row after row.
    private var rows: [Double] = []
    private var head = 0 // first live row
    /// One sample in `stride` is kept.
    public private(set) var stride = 1
    /// The index (counting every sample offered) of the first live row.
    private var firstIndex = 0
    /// Samples offered so far.
    public private(set) var offered = 0

    public init(fields: Int, capacity: Int = defaultCapacity, window: Double? = nil) {
        precondition(capacity >= 2)
        width = fields + 1
        self.capacity = capacity
        self.window = window
    }

    /// Rows kept now.
    public var count: Int { rows.count / width - head }

    /// Offers one sample: `values` has one entry per field (NaN for null).
    public mutating func add(time: Double, values: UnsafeBufferPointer<Double>) {
        precondition(values.count == width - 1)
        let index = offered
        offered += 1
        if let window { dropOlder(than: time - window) }
        if index % stride != 0 { return }
        if count == capacity {
            halve()
            if index % stride != 0 { return }
        }
        if count == 0 { firstIndex = index }
        if rows.count + width > rows.capacity {
            if head > 0 { compact() }
            // Grow by doubling, but never past the capacity: a short series stays small.
            let want = min(max(2 * (rows.count / width), 8), capacity) * width
            if want > rows.capacity { rows.reserveCapacity(want) }
        }
        rows.append(time)
        rows.append(contentsOf: values)
    }

    /// Keeps every other row (those whose sample index is a multiple of twice the stride).
    private mutating func halve() {
        let live = count
        let newStride = stride * 2
        var kept: [Double] = []
        kept.reserveCapacity(rows.capacity)
        var newFirst = -1
        for r in 0..<live {
            let index = firstIndex + r * stride
            guard index % newStride == 0 else { continue }
            if newFirst < 0 { newFirst = index }
            let base = (head + r) * width
            kept.append(contentsOf: rows[base..<(base + width)])
        }
        rows = kept
        head = 0
        stride = newStride
        firstIndex = max(newFirst, 0)
    }

    private mutating func dropOlder(than t: Double) {
        var dropped = 0
        while head < rows.count / width && rows[head * width] < t {
            head += 1
            dropped += 1
        }
        if dropped > 0 {
            firstIndex += dropped * stride
            if head * 2 >= rows.count / width { compact() }
        }
    }

    private mutating func compact() {
        guard head > 0 else { return }
        rows.removeFirst(head * width)
        head = 0
    }

    /// The non-null values of field `f` (0-based) with their times, in the order added.
    public func series(field f: Int) -> (times: [Double], values: [Double]) {
        var times: [Double] = [], values: [Double] = []
        times.reserveCapacity(count)
        values.reserveCapacity(count)
        for r in head..<(rows.count / width) {
            let v = rows[r * width + 1 + f]
            if v.isNaN { continue }
            times.append(rows[r * width])
            values.append(v)
        }
        return (times, values)
    }
}

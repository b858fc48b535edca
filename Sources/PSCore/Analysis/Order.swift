/// Order statistics the trend estimators share: selection, medians, ranks and inversion counts,
/// each O(n) or O(n log n).
public enum Order {
    /// The median (the mean of the two middle values for an even count); NaN when empty.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var v = values
        let n = v.count
        return TheilSen.middle(&v, (n - 1) / 2, n / 2)
    }

    /// The k-th smallest value (0-based), leaving `values` partitioned around it: everything
    /// before index k is at most it, everything after at least it. Expected O(n): quickselect
    /// with median-of-three pivots.
    @discardableResult
    public static func select(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < values.count)
        var lo = 0, hi = values.count - 1
        values.withUnsafeMutableBufferPointer { v in
            while hi > lo {
                let mid = lo + (hi - lo) / 2
                if v[mid] < v[lo] { v.swapAt(mid, lo) }
                if v[hi] < v[lo] { v.swapAt(hi, lo) }
                if v[hi] < v[mid] { v.swapAt(hi, mid) }
                let pivot = v[mid]
                var i = lo, j = hi
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while v[j] > pivot { j -= 1 }
                    if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { break }
            }
        }
        return values[k]
    }

    /// The number of pairs i < j with a[i] > a[j] (ties are not inversions), by merge sort;
    /// `a` ends sorted.
    public static func countInversions<T: Comparable>(_ a: inout [T]) -> Int {
        let n = a.count
        guard n > 1 else { return 0 }
        var buffer = a
        var count = 0
        var width = 1
        // Bottom-up merge sort, alternating between the two arrays.
        var source = a, target = buffer
        while width < n {
            var start = 0
            while start < n {
                let mid = min(start + width, n), end = min(start + 2 * width, n)
                var i = start, j = mid, k = start
                while i < mid && j < end {
                    if source[j] < source[i] {
                        target[k] = source[j]
                        count += mid - i
                        j += 1
                    } else {
                        target[k] = source[i]
                        i += 1
                    }
                    k += 1
                }
                while i < mid { target[k] = source[i]; i += 1; k += 1 }
                while j < end { target[k] = source[j]; j += 1; k += 1 }
                start = end
            }
            swap(&source, &target)
            width *= 2
        }
        a = source
        buffer = []
        return count
    }

    /// Ranks from 1, ties sharing their mean rank (scipy.stats.rankdata's "average").
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let r = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = r }
            i = j + 1
        }
        return ranks
    }

    /// The sizes of the groups of equal values (sorted input not required), groups of one left out.
    public static func tieGroups(_ values: [Double]) -> [Int] {
        let sorted = values.sorted()
        var groups: [Int] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[i] { j += 1 }
            if j > i { groups.append(j - i + 1) }
            i = j + 1
        }
        return groups
    }
}

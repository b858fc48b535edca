/// The process tree of one snapshot, from pid and ppid alone: preorder, depth, descendants.
/// Roots are processes with ppid 0 or an absent parent, by ascending pid; siblings by ascending pid.
public struct ProcessTree {
    /// Indices into the input, in preorder.
    public private(set) var order: [Int] = []
    /// depth[i] for input index i (0 for a root).
    public private(set) var depth: [Int] = []
    /// parentIndex[i]: the input index of i's parent, -1 for a root.
    public private(set) var parentIndex: [Int] = []
    // Children in CSR form: children of i are childList[childStart[i]..<childStart[i+1]].
    private var childStart: [Int] = []
    private var childList: [Int] = []

    public init(pids: [Int32], ppids: [Int32]) {
        let n = pids.count
        depth = [Int](repeating: 0, count: n)
        parentIndex = [Int](repeating: -1, count: n)
        guard n > 0 else { return }
        // Index of each pid; the first record of a duplicated pid (bad input) is its owner.
        var indexOf = [Int32: Int](minimumCapacity: n)
        for i in 0..<n where indexOf[pids[i]] == nil { indexOf[pids[i]] = i }
        let byPid = (0..<n).sorted { pids[$0] < pids[$1] || (pids[$0] == pids[$1] && $0 < $1) }
        var childCount = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            if ppids[i] != 0, ppids[i] != pids[i], let p = indexOf[ppids[i]], p != i {
                parentIndex[i] = p
                childCount[p] += 1
            }
        }
        childStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { childStart[i + 1] = childStart[i] + childCount[i] }
        childList = [Int](repeating: 0, count: childStart[n])
        var fill = childStart
        for i in byPid where parentIndex[i] >= 0 {
            let p = parentIndex[i]
            childList[fill[p]] = i
            fill[p] += 1
        }
        var visited = [Bool](repeating: false, count: n)
        order.reserveCapacity(n)
        var stack: [(Int, Int)] = []
        func visit(from root: Int) {
            stack.append((root, 0))
            while let (i, d) = stack.popLast() {
                if visited[i] { continue }
                visited[i] = true
                depth[i] = d
                order.append(i)
                // Push children in reverse so the smallest pid comes out first.
                var c = childStart[i + 1]
                while c > childStart[i] {
                    c -= 1
                    stack.append((childList[c], d + 1))
                }
            }
        }
        for i in byPid where parentIndex[i] < 0 { visit(from: i) }
        // A parent cycle (only a hostile /proc or stream can make one) has no root: break it at its smallest pid.
        if order.count < n {
            for i in byPid where !visited[i] {
                parentIndex[i] = -1
                visit(from: i)
            }
        }
    }

    /// The tree of a snapshot's records, from their `pid` and `ppid` (IdentityReader's rule; a
    /// record without a valid pid is a root of its own, with pid 0).
    public init(records: [Record]) {
        let identities = IdentityReader()
        var pids: [Int32] = [], ppids: [Int32] = []
        pids.reserveCapacity(records.count)
        ppids.reserveCapacity(records.count)
        for r in records {
            if case .success(let pid) = identities.pid(r), case .success(let ppid) = identities.ppid(r) {
                pids.append(pid)
                ppids.append(ppid)
            } else {
                pids.append(0)
                ppids.append(0)
            }
        }
        self.init(pids: pids, ppids: ppids)
    }

    public func children(of i: Int) -> ArraySlice<Int> { childList[childStart[i]..<childStart[i + 1]] }

    /// Each index's value raised to the largest of its ancestors' (`X..`: a match and all its
    /// descendants). Over ordered truth values, so the query's three-valued logic uses it too.
    public func maxDownward<T: Comparable>(_ values: [T]) -> [T] {
        var result = values
        for i in order {
            let p = parentIndex[i]
            if p >= 0 { result[i] = max(result[i], result[p]) }
        }
        return result
    }

    /// Each index's value raised to the largest of its descendants' (`..X`: a match and all its
    /// ancestors).
    public func maxUpward<T: Comparable>(_ values: [T]) -> [T] {
        var result = values
        for i in order.reversed() {
            let p = parentIndex[i]
            if p >= 0 { result[p] = max(result[p], result[i]) }
        }
        return result
    }

    /// Marks every index that matches or descends from a match (`X..`).
    public func markDescendants(of matches: [Bool]) -> [Bool] {
        maxDownward(matches.map { $0 ? 1 as UInt8 : 0 }).map { $0 != 0 }
    }

    /// Marks every index that matches or is an ancestor of a match (`..X`).
    public func markAncestors(of matches: [Bool]) -> [Bool] {
        maxUpward(matches.map { $0 ? 1 as UInt8 : 0 }).map { $0 != 0 }
    }

    /// The indices of `roots` and all their descendants, in preorder.
    public func subtree(of roots: [Int]) -> [Int] {
        var marked = [Bool](repeating: false, count: depth.count)
        for r in roots where r >= 0 && r < marked.count { marked[r] = true }
        let inside = markDescendants(of: marked)
        return order.filter { inside[$0] }
    }

    /// The selected indices that have no selected ancestor, in preorder (psagg --by-root's rows).
    public func topmostSelected(_ selected: [Bool]) -> [Int] {
        order.filter { i in
            guard selected[i] else { return false }
            var p = parentIndex[i]
            while p >= 0 {
                if selected[p] { return false }
                p = parentIndex[p]
            }
            return true
        }
    }

    /// For each index, its topmost selected ancestor-or-self; -1 when neither it nor any
    /// ancestor is selected (the subtree sums of psagg --by-root go to that index).
    public func topmostSelectedAncestor(_ selected: [Bool]) -> [Int] {
        var top = [Int](repeating: -1, count: depth.count)
        for i in order {
            let p = parentIndex[i]
            let inherited = p >= 0 ? top[p] : -1
            top[i] = inherited >= 0 ? inherited : (selected[i] ? i : -1)
        }
        return top
    }
}

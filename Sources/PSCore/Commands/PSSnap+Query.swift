/// `pssnap QUERY`: the records `pssnap | psfilter QUERY` gives, reading for most processes only
/// their stat file.
///
/// Phase 1 (ProcfsReader's `select`, every task with only stat read): each task is rendered as a
/// stat-only record in the full tree's order and depth, and the query is evaluated in three-valued
/// logic: a field from a file not read yet is unknown (as are `ts`, `age` and `rss`, which the
/// final read fixes). A task is read in full unless the query is definitely false for it. When a
/// tree operator's operand needs such a field, every task is read (its ancestors' or descendants'
/// values decide the others).
///
/// Phase 2 (after the read): every task of the snapshot is rendered again, in full when it was
/// read (stat-only otherwise), in the full tree's order and depth, parsed as a record and the query
/// evaluated on exactly the bytes written: a record is written when the query holds for it.
final class SnapshotQuery {
    let query: Query
    let readsEverything: Bool
    let fullWriter: RecordWriter
    let statWriter: RecordWriter
    private let parser = RecordParser()
    private let scratch = OutputBuffer(fd: -1)
    /// The tasks phase 1 saw (those a `-- COMMAND` subtree kept), for phase 2's tree.
    private var seen: [TaskHandle] = []

    /// Fields that phase 1 cannot know: those of the groups read after stat (when asked for), and
    /// `ts`, `age` (the snapshot's clocks) and `rss` (which may come from another file than stat).
    static func deferredFields(groups: FieldGroups) -> Set<String> {
        var fields: Set<String> = ["ts", "age", "rss"]
        for f in FieldTable.pssnap {
            guard let g = FieldGroups.named.first(where: { $0.name == f.group })?.group, g != .stat else { continue }
            if groups.contains(g) { fields.insert(f.name) }
        }
        return fields
    }

    init(_ parsed: Query, writer: RecordWriter, environment: SystemEnvironment, btimeMs: Int64?, host: String?) throws(QueryError) {
        let deferred = SnapshotQuery.deferredFields(groups: writer.groups)
        query = try Query(parsed, deferring: deferred)
        readsEverything = !query.ast.treeOperandFields.isDisjoint(with: deferred)
        fullWriter = writer
        statWriter = RecordWriter(groups: .stat, threads: writer.threads, host: host, environment: environment, btimeMs: btimeMs)
    }

    /// Renders `tasks` in tree order and evaluates the query; `full[i]` says task i was read in full.
    private func evaluate(_ tasks: [TaskHandle], full: (Int) -> Bool, realtimeMs: Int64, boottimeMs: Int64)
        -> (order: [(index: Int, depth: Int)], lines: [StoredRecord], truth: [UInt8]) {
        let order = fullWriter.treeOrder(tasks)
        var records: [StoredRecord] = []
        var partial: [Bool] = []
        records.reserveCapacity(order.count)
        for (i, depth) in order {
            scratch.discard()
            let isFull = full(i)
            (isFull ? fullWriter : statWriter).write(tasks[i].sample, depth: depth, realtimeMs: realtimeMs, boottimeMs: boottimeMs, to: scratch)
            // The writer's own output always parses; drop the newline.
            let record = scratch.withBufferedBytes { b in
                try! parser.parse(UnsafeBufferPointer(rebasing: b[0..<(b.count - 1)])).copy()
            }
            records.append(record)
            partial.append(!isFull)
        }
        let truth = query.evaluate(records.map(\.record), partial: partial)
        return (order, records, truth)
    }

    /// Phase 1: which of `tasks` (stat read) to read in full. `base` is the `-- COMMAND` subtree.
    func select(_ tasks: [TaskHandle], base: [Bool]?) -> [Bool] {
        seen = base.map { b in tasks.indices.filter { b[$0] }.map { tasks[$0] } } ?? tasks
        var keepSeen = [Bool](repeating: true, count: seen.count)
        if !readsEverything {
            let (order, _, truth) = evaluate(seen, full: { _ in false }, realtimeMs: 0, boottimeMs: 0)
            for (k, (i, _)) in order.enumerated() { keepSeen[i] = truth[k] != Truth.no }
        }
        selected = Set(seen.indices.filter { keepSeen[$0] }.map { ObjectIdentifier(seen[$0]) })
        guard let base else { return keepSeen }
        var keep = [Bool](repeating: false, count: tasks.count)
        var j = 0
        for i in tasks.indices where base[i] {
            keep[i] = keepSeen[j]
            j += 1
        }
        return keep
    }

    /// Phase 2: writes the selected records of `snapshot` (the tasks read in full) to `out`;
    /// returns how many.
    @discardableResult
    func write(_ snapshot: Snapshot, to out: OutputBuffer) throws(OutputError) -> Int {
        let read = Set(snapshot.tasks.map(ObjectIdentifier.init))
        // A task chosen for the full read is in the snapshot unless it ended meanwhile: then it is
        // gone from the tree, as it would be from pssnap's own output.
        var tasks: [TaskHandle] = []
        var isFull: [Bool] = []
        for t in seen {
            let id = ObjectIdentifier(t)
            if read.contains(id) {
                tasks.append(t)
                isFull.append(true)
            } else if !wasSelected(t) {
                tasks.append(t)
                isFull.append(false)
            }
        }
        let (order, records, truth) = evaluate(tasks, full: { isFull[$0] }, realtimeMs: snapshot.realtimeMs, boottimeMs: snapshot.boottimeMs)
        seen = []
        selected = []
        var written = 0
        for (k, (i, _)) in order.enumerated() where isFull[i] && truth[k] == Truth.yes {
            out.append(records[k].record.object)
            out.append(0x0A)
            written += 1
            try out.flushIfFull()
        }
        return written
    }

    /// Tasks phase 1 chose (by identity), to tell "not read" from "read, but ended".
    private var selected: Set<ObjectIdentifier> = []
    private func wasSelected(_ t: TaskHandle) -> Bool { selected.contains(ObjectIdentifier(t)) }
}

extension QueryNode {
    /// The pids whose subtrees hold every record this query can select, when the query says so
    /// in a form that is safe to follow from those roots alone: `pid==N..`, `pid in (N, M)..`,
    /// `pid==N` (a subtree of one), an `||` of such, or an `&&` with one such side. nil for any
    /// other query (it must see every process). A pid out of range matches nothing and is left out.
    ///
    /// The caller also needs the query to be streamable (every tree operator `X..`, none under
    /// `!`): a record's truth then depends only on itself and its ancestors, which the subtree
    /// read supplies.
    public var subtreeRoots: Set<Int32>? {
        switch self {
        case .comparison(let c):
            guard c.field == "pid", c.op == .equal || c.op == .isIn else { return nil }
            var pids: Set<Int32> = []
            for v in c.values {
                guard !v.quoted, let n = v.integer else { return nil }
                if n > 0, n <= Int64(Int32.max) { pids.insert(Int32(n)) }
            }
            return pids
        case .tree(let a, let descendants, let ancestors):
            guard descendants, !ancestors else { return nil }
            return a.pidSet
        case .or(let a, let b):
            guard let x = a.subtreeRoots, let y = b.subtreeRoots else { return nil }
            return x.union(y)
        case .and(let a, let b):
            return a.subtreeRoots ?? b.subtreeRoots
        case .not:
            return nil
        }
    }

    /// `pid==N`, `pid in (...)` or an `||` of them: the pids they match.
    private var pidSet: Set<Int32>? {
        switch self {
        case .comparison: return subtreeRoots
        case .or(let a, let b):
            guard let x = a.pidSet, let y = b.pidSet else { return nil }
            return x.union(y)
        default: return nil
        }
    }
}

/// Cuts the record stream into snapshots: pstools(7), a snapshot is a maximal run of consecutive
/// records with the same `ts`. Tools that need a whole snapshot (psfilter's tree operators, psagg)
/// keep its records here; memory is bounded by one snapshot.
///
///     let grouper = SnapshotGrouper()
///     try loop.run { record in
///         guard let ts = record[tsKey]?.double else { return "missing number field 'ts'" }
///         if grouper.isNewSnapshot(ts: ts) { try handle(grouper.take()) }
///         grouper.append(record, ts: ts)
///         return nil
///     }
///     if !grouper.isEmpty { try handle(grouper.take()) }
public final class SnapshotGrouper {
    public private(set) var records: [StoredRecord] = []
    /// The `ts` of the snapshot being collected.
    public private(set) var ts: Double = .nan

    public init() {}

    public var isEmpty: Bool { records.isEmpty }

    /// True when a record with this `ts` does not belong to the snapshot being collected (and that
    /// snapshot has records): the caller takes it before appending.
    @inline(__always)
    public func isNewSnapshot(ts: Double) -> Bool {
        !records.isEmpty && ts != self.ts
    }

    public func append(_ record: Record, ts: Double) {
        if records.isEmpty { self.ts = ts }
        records.append(record.copy())
    }

    /// The snapshot collected so far; the grouper starts empty again.
    public func take() -> [StoredRecord] {
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }
}

/// What a tree query gives a tool that holds a whole snapshot: which records it selects. The query
/// language (Query/) implements it; psagg's `-q` and psfilter take any selector.
public protocol SnapshotSelecting {
    /// One flag per record, in the order given. Records need not be in preorder.
    func select(_ snapshot: [StoredRecord]) -> [Bool]
}

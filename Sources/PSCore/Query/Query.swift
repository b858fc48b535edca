/// A compiled query (pstools-query(7)): parse once, then ask it about records or whole snapshots.
///
///     let query = try Query("(comm==sshd).. && user==root")
///     let keep = query.select(snapshot)          // a flag per record, any record order
///
/// A query without tree operators decides each record alone (`matches`); one whose tree
/// operators are all `X..` (and none under `!`) can be decided record by record in preorder
/// (psfilter streams it); any other needs the whole snapshot.
public final class Query: SnapshotSelecting {
    public let text: String
    public let ast: QueryNode
    let plan: QueryPlan
    /// How many tree nodes the plan has: the per-record values a stream keeps.
    let slots: Int
    public let hasTreeOperator: Bool
    public let isStreamable: Bool

    public init(_ text: String) throws(QueryError) {
        self.text = text
        ast = try QueryParser.parse(text)
        var slots = 0
        plan = try QueryPlan.compile(ast, deferred: [], query: text, slots: &slots)
        self.slots = slots
        hasTreeOperator = ast.hasTreeOperator
        isStreamable = ast.isStreamable
    }

    /// The same query with `deferred` fields unknown in partial records (pssnap's first phase).
    init(_ other: Query, deferring deferred: Set<String>) throws(QueryError) {
        text = other.text
        ast = other.ast
        var slots = 0
        plan = try QueryPlan.compile(ast, deferred: deferred, query: text, slots: &slots)
        self.slots = slots
        hasTreeOperator = other.hasTreeOperator
        isStreamable = other.isStreamable
    }

    /// Whether one record matches a query without tree operators.
    @inline(__always)
    public func matches(_ record: Record) -> Bool {
        guard case .record(let test) = plan else { preconditionFailure("matches(_:) on a tree query") }
        return test(record, false) == Truth.yes
    }

    func tree(of records: [Record]) -> ProcessTree { ProcessTree(records: records) }

    /// Three-valued results for a snapshot's records (see `Truth`).
    func evaluate(_ records: [Record], partial: [Bool]? = nil) -> [UInt8] {
        if case .record(let test) = plan {
            if let partial { return records.indices.map { test(records[$0], partial[$0]) } }
            return records.map { test($0, false) }
        }
        return plan.evaluate(records, partial: partial, tree: tree(of: records))
    }

    /// One flag per record of a snapshot, in the order given; the tree comes from pid and ppid.
    public func select(_ snapshot: [StoredRecord]) -> [Bool] {
        evaluate(snapshot.map(\.record)).map { $0 == Truth.yes }
    }

    public func select(records: [Record]) -> [Bool] {
        evaluate(records).map { $0 == Truth.yes }
    }
}

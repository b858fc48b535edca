#if canImport(Glibc)
import Glibc
#endif

/// Three-valued truth, ordered so that `and` is `min`, `or` is `max` and `not` is `2 - x`
/// (Kleene's logic). `unknown` only arises when pssnap evaluates a query before it has read every
/// file of a process; records in a stream are always `no` or `yes`.
enum Truth {
    static let no: UInt8 = 0
    static let unknown: UInt8 = 1
    static let yes: UInt8 = 2
    @inline(__always) static func of(_ b: Bool) -> UInt8 { b ? yes : no }
}

struct QueryCompileMessage: Error { var text: String }

/// One comparison, ready to run on records: its field's key resolved once per layout, its
/// values' bytes and numbers decoded once, its regular expression compiled once.
final class CompiledComparison {
    let key: RecordKey
    let op: QueryOperator
    let texts: [[UInt8]]
    let numbers: [Double?]
    let integers: [Int64?]
    let regex: RegexMatcher?
    /// pssnap's first phase: the field comes from a file not read yet for a partial record.
    let deferred: Bool
    let nullResult: UInt8

    init(_ c: QueryComparison, deferred: Bool, query: String) throws(QueryError) {
        key = RecordKey(c.field)
        op = c.op
        texts = c.values.map(\.text)
        numbers = c.values.map(\.number)
        integers = c.values.map(\.integer)
        self.deferred = deferred
        nullResult = Truth.of(c.op.nullResult)
        if c.op == .matches || c.op == .notMatches {
            switch RegexMatcher.compile(c.values[0].text) {
            case .success(let r): regex = r
            case .failure(let m):
                throw QueryError(query: query, start: c.values[0].start, end: c.values[0].end,
                                 message: "invalid regular expression: \(m.text)")
            }
        } else {
            regex = nil
        }
    }

    @inline(__always)
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// -1, 0 or 1; nil when the two cannot be compared (a number field and a word). A number field
    /// is compared as a number (exactly when both are integers); any other value as text: a
    /// string's decoded bytes, a boolean's or array's JSON text.
    @inline(__always)
    func compare(_ v: RecordValue, _ i: Int) -> Int? {
        switch v.kind {
        case .number:
            guard let n = numbers[i] else { return nil }
            if let li = integers[i], let vi = v.int64 { return vi < li ? -1 : (vi == li ? 0 : 1) }
            let d = v.double!
            return d < n ? -1 : (d == n ? 0 : 1)
        case .string:
            return texts[i].withUnsafeBufferPointer { t in v.withStringBytes { CompiledComparison.compareBytes($0, t) } }
        default:
            return texts[i].withUnsafeBufferPointer { CompiledComparison.compareBytes(v.raw, $0) }
        }
    }

    @inline(__always)
    func evaluate(_ r: Record, partial: Bool) -> UInt8 {
        if partial && deferred { return Truth.unknown }
        guard let v = r[key], v.kind != .null else { return nullResult }
        switch op {
        case .matches, .notMatches:
            let m: Bool
            if v.kind == .string {
                m = v.withStringBytes { regex!.matches($0) } ?? false
            } else {
                m = regex!.matches(v.raw)
            }
            return Truth.of(m == (op == .matches))
        case .isIn:
            for i in texts.indices where compare(v, i) == 0 { return Truth.yes }
            return Truth.no
        case .equal: return Truth.of(compare(v, 0) == 0)
        case .notEqual: return Truth.of(compare(v, 0) != 0)
        case .less: return Truth.of(compare(v, 0).map { $0 < 0 } ?? false)
        case .lessOrEqual: return Truth.of(compare(v, 0).map { $0 <= 0 } ?? false)
        case .greater: return Truth.of(compare(v, 0).map { $0 > 0 } ?? false)
        case .greaterOrEqual: return Truth.of(compare(v, 0).map { $0 >= 0 } ?? false)
        }
    }
}

/// A query compiled for evaluation: every part without a tree operator is folded into one
/// closure over a record; tree operators remain as nodes that need the snapshot (or, streaming,
/// the parent's values). Each tree node has a slot: the index of its value in a record's
/// per-node values.
indirect enum QueryPlan {
    typealias RecordTest = (Record, Bool) -> UInt8
    case record(RecordTest)
    case not(QueryPlan)
    case and(QueryPlan, QueryPlan)
    case or(QueryPlan, QueryPlan)
    case tree(QueryPlan, descendants: Bool, ancestors: Bool, slot: Int)

    static func compile(_ node: QueryNode, deferred: Set<String>, query: String, slots: inout Int) throws(QueryError) -> QueryPlan {
        if !node.hasTreeOperator { return .record(try recordTest(node, deferred: deferred, query: query)) }
        switch node {
        case .comparison: return .record(try recordTest(node, deferred: deferred, query: query))
        case .not(let a): return .not(try compile(a, deferred: deferred, query: query, slots: &slots))
        case .and(let a, let b):
            return .and(try compile(a, deferred: deferred, query: query, slots: &slots), try compile(b, deferred: deferred, query: query, slots: &slots))
        case .or(let a, let b):
            return .or(try compile(a, deferred: deferred, query: query, slots: &slots), try compile(b, deferred: deferred, query: query, slots: &slots))
        case .tree(let a, let d, let an):
            let inner = try compile(a, deferred: deferred, query: query, slots: &slots)
            slots += 1
            return .tree(inner, descendants: d, ancestors: an, slot: slots - 1)
        }
    }

    static func recordTest(_ node: QueryNode, deferred: Set<String>, query: String) throws(QueryError) -> RecordTest {
        switch node {
        case .comparison(let c):
            let compiled = try CompiledComparison(c, deferred: deferred.contains(c.field), query: query)
            return { r, partial in compiled.evaluate(r, partial: partial) }
        case .not(let a):
            let t = try recordTest(a, deferred: deferred, query: query)
            return { r, p in Truth.yes &- t(r, p) }
        case .and(let a, let b):
            let x = try recordTest(a, deferred: deferred, query: query), y = try recordTest(b, deferred: deferred, query: query)
            return { r, p in
                let u = x(r, p)
                return u == Truth.no ? u : min(u, y(r, p))
            }
        case .or(let a, let b):
            let x = try recordTest(a, deferred: deferred, query: query), y = try recordTest(b, deferred: deferred, query: query)
            return { r, p in
                let u = x(r, p)
                return u == Truth.yes ? u : max(u, y(r, p))
            }
        case .tree:
            preconditionFailure("a tree operator in a record test")
        }
    }

    /// One record from a stream in preorder: its value, given its parent's per-node values (nil for
    /// a root), storing its own per-node values in `values`. Only `X..` nodes (streamable plans).
    func evaluate(_ r: Record, parent: UnsafePointer<UInt8>?, values: UnsafeMutablePointer<UInt8>) -> UInt8 {
        switch self {
        case .record(let test): return test(r, false)
        case .not(let a): return Truth.yes &- a.evaluate(r, parent: parent, values: values)
        case .and(let a, let b):
            let u = a.evaluate(r, parent: parent, values: values)
            // Both sides run: every tree node's value must be stored for the children.
            return min(u, b.evaluate(r, parent: parent, values: values))
        case .or(let a, let b):
            let u = a.evaluate(r, parent: parent, values: values)
            return max(u, b.evaluate(r, parent: parent, values: values))
        case .tree(let a, _, _, let slot):
            var u = a.evaluate(r, parent: parent, values: values)
            if let parent { u = max(u, parent[slot]) }
            values[slot] = u
            return u
        }
    }

    /// A whole snapshot: one value per record. `partial[i]` marks a record whose deferred fields
    /// are not known yet.
    func evaluate(_ records: [Record], partial: [Bool]?, tree: ProcessTree) -> [UInt8] {
        switch self {
        case .record(let test):
            if let partial { return records.indices.map { test(records[$0], partial[$0]) } }
            return records.map { test($0, false) }
        case .not(let a):
            return a.evaluate(records, partial: partial, tree: tree).map { Truth.yes &- $0 }
        case .and(let a, let b):
            var x = a.evaluate(records, partial: partial, tree: tree)
            let y = b.evaluate(records, partial: partial, tree: tree)
            for i in x.indices { x[i] = min(x[i], y[i]) }
            return x
        case .or(let a, let b):
            var x = a.evaluate(records, partial: partial, tree: tree)
            let y = b.evaluate(records, partial: partial, tree: tree)
            for i in x.indices { x[i] = max(x[i], y[i]) }
            return x
        case .tree(let a, let descendants, let ancestors, _):
            let matches = a.evaluate(records, partial: partial, tree: tree)
            var result = descendants ? tree.maxDownward(matches) : matches
            if ancestors {
                let up = tree.maxUpward(matches)
                for i in result.indices { result[i] = max(result[i], up[i]) }
            }
            return result
        }
    }
}

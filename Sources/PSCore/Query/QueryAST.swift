/// A parsed query: the grammar of pstools-query(7) as a tree. Every node keeps its byte range in the query.
public indirect enum QueryNode: Equatable, Sendable {
    case comparison(QueryComparison)
    case not(QueryNode)
    case and(QueryNode, QueryNode)
    case or(QueryNode, QueryNode)
    /// `X..` (descendants), `..X` (ancestors), or both: `..X..`.
    case tree(QueryNode, descendants: Bool, ancestors: Bool)

    /// Every field the query reads.
    public var fields: Set<String> {
        switch self {
        case .comparison(let c): return [c.field]
        case .not(let a), .tree(let a, _, _): return a.fields
        case .and(let a, let b), .or(let a, let b): return a.fields.union(b.fields)
        }
    }

    /// Every field the query reads, in the order they first appear.
    public var fieldsInOrder: [String] {
        var names: [String] = []
        func walk(_ n: QueryNode) {
            switch n {
            case .comparison(let c): if !names.contains(c.field) { names.append(c.field) }
            case .not(let a), .tree(let a, _, _): walk(a)
            case .and(let a, let b), .or(let a, let b): walk(a); walk(b)
            }
        }
        walk(self)
        return names
    }

    public var hasTreeOperator: Bool {
        switch self {
        case .comparison: return false
        case .tree: return true
        case .not(let a): return a.hasTreeOperator
        case .and(let a, let b), .or(let a, let b): return a.hasTreeOperator || b.hasTreeOperator
        }
    }

    /// True when every tree operator is `X..` and none stands under a `!`: each record can then
    /// be decided from itself and its ancestors, and a record selected without knowing its parent
    /// stays selected whatever the parent turns out to be (psfilter streams such queries).
    public var isStreamable: Bool { streamable(negated: false) }

    private func streamable(negated: Bool) -> Bool {
        switch self {
        case .comparison: return true
        case .not(let a): return a.streamable(negated: !negated)
        case .and(let a, let b), .or(let a, let b): return a.streamable(negated: negated) && b.streamable(negated: negated)
        case .tree(let a, _, let ancestors):
            return !ancestors && !negated && a.streamable(negated: negated)
        }
    }

    /// The fields read inside tree operators' operands.
    public var treeOperandFields: Set<String> {
        switch self {
        case .comparison: return []
        case .tree(let a, _, _): return a.fields
        case .not(let a): return a.treeOperandFields
        case .and(let a, let b), .or(let a, let b): return a.treeOperandFields.union(b.treeOperandFields)
        }
    }
}

public enum QueryOperator: String, Sendable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case matches = "~", notMatches = "!~", isIn = "in"

    /// What a comparison with a null or absent field gives: pstools-query(7), true only for `!=` and `!~`.
    var nullResult: Bool { self == .notEqual || self == .notMatches }
}

/// `FIELD OP VALUE` or `FIELD in (VALUE, ...)`.
public struct QueryComparison: Equatable, Sendable {
    public var field: String
    public var op: QueryOperator
    public var values: [QueryValue]
    /// The field name's byte range.
    public var fieldStart: Int
    public var fieldEnd: Int
}

/// A VALUE as written: its text (a quoted string's, decoded) and, for a bare number, its value.
public struct QueryValue: Equatable, Sendable {
    public var text: [UInt8]
    public var quoted: Bool
    /// A bare number, unit suffix applied (`100M` = 104857600).
    public var number: Double?
    /// The same when it is a whole number that fits in Int64.
    public var integer: Int64?
    public var start: Int
    public var end: Int

    public var textString: String { String(decoding: text, as: UTF8.self) }
}

/// What puts a record in a group: the value of the `-g` field (numbers by value, strings by
/// their decoded text, null and absent alike), the root of a `--by-root` subtree, or `.all`.
/// Also how a group is recognised in the next snapshot, for `cpu_reaped`.
enum GroupKey: Hashable {
    case all
    case null
    case number(Double)
    case string([UInt8])
    /// true, false, an array or an object: by its text as written.
    case other([UInt8])
    /// A `--by-root` subtree, by its root's identity (pid, start bits).
    case root(Int64, UInt64)

    init(_ value: RecordValue?) {
        guard let value, !value.isNull else { self = .null; return }
        switch value.kind {
        case .number: self = .number(value.double! + 0) // -0 and 0 are one group
        case .string:
            var bytes: [UInt8] = []
            value.appendDecodedString(to: &bytes)
            self = .string(bytes)
        default: self = .other(Array(value.raw))
        }
    }

    /// psagg writes `-g` groups in this order: null, then numbers ascending, then strings by
    /// their UTF-8 bytes, then any other values by their text.
    static func ascending(_ a: GroupKey, _ b: GroupKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)), (.other(let x), .other(let y)): return x.lexicographicallyPrecedes(y)
        default: return a.typeOrder < b.typeOrder
        }
    }

    private var typeOrder: Int {
        switch self {
        case .all, .null: return 0
        case .number: return 1
        case .string: return 2
        case .other: return 3
        case .root: return 4
        }
    }
}

/// A process, as pstools(7) identifies it: pid and start (its bits: records of one process carry
/// the same text, so the same Double).
/// A member of a snapshot is a process: its identity without the thread id (thread records of
/// one process are one member).
typealias MemberKey = ProcessIdentity

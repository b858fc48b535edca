/// pslabel's engine: appends to each record the label of the first rule whose query selects it,
/// writing each record as soon as that can be known, as psfilter streams:
/// - no rule has a tree operator: each record is decided alone, at once;
/// - every tree operator is `X..` (none under `!`): each rule runs a PreorderStreamFilter; a
///   record is written on arrival when every rule has decided it (pssnap's order: always), else
///   it and the rest of its snapshot wait for the snapshot's end;
/// - some rule has `..X`: each snapshot is decided whole when it ends.
/// Memory is bounded by one snapshot.
public final class RuleLabeler {
    /// The rules, in order: the command line's, each rules file's in place.
    public private(set) var rules: [LabelRule]
    private let name: [UInt8]
    private let output: OutputBuffer

    private enum Mode { case plain, streaming, snapshot }
    private var mode: Mode = .plain
    private var filters: [PreorderStreamFilter?] = []
    /// Per rule, where in `held` its filter started holding.
    private var holdStart: [Int?] = []
    private var held: [(record: StoredRecord, decided: [Bool?])] = []
    private let grouper = SnapshotGrouper()
    private var decisions: [Bool?] = []

    private var ts: Double = .nan
    private var started = false

    /// `name`: the field to add.
    public init(rules: [LabelRule], name: String, output: OutputBuffer) {
        self.rules = rules
        let key = OutputBuffer(fd: -1, threshold: 0)
        key.appendJSONString(name)
        key.append(0x3A)
        self.name = key.bytes
        self.output = output
        configure()
    }

    /// True when `ts` starts a new snapshot (the caller finishes the old one, may swap the rules).
    public func isNewSnapshot(ts newTS: Double) -> Bool { started && newTS != ts }

    /// Takes new rules; call between snapshots only (after `finishSnapshot`).
    public func replaceRules(_ new: [LabelRule]) {
        rules = new
        configure()
    }

    public var needsTree: Bool { mode != .plain }

    private func configure() {
        if rules.contains(where: { $0.query.hasTreeOperator && !$0.query.isStreamable }) {
            mode = .snapshot
        } else if rules.contains(where: { $0.query.hasTreeOperator }) {
            mode = .streaming
        } else {
            mode = .plain
        }
        filters = rules.map { $0.query.hasTreeOperator && mode == .streaming ? PreorderStreamFilter($0.query) : nil }
        holdStart = [Int?](repeating: nil, count: rules.count)
        decisions = [Bool?](repeating: nil, count: rules.count)
    }

    /// Labels one record (written now or when its snapshot ends). `ts`, `pid`, `ppid`: its tree
    /// link (needed only when `needsTree`).
    public func add(_ r: Record, ts newTS: Double, pid: Int32, ppid: Int32) throws {
        if !started { started = true; ts = newTS }
        switch mode {
        case .plain:
            try write(r, label: rules.firstIndex { $0.query.matches(r) })
        case .snapshot:
            grouper.append(r, ts: newTS)
        case .streaming:
            var anyHolding = !held.isEmpty
            for k in rules.indices {
                if let filter = filters[k] {
                    let selected = filter.add(r, ts: newTS, pid: pid, ppid: ppid)
                    if filter.isHolding {
                        if holdStart[k] == nil { holdStart[k] = held.count }
                        decisions[k] = nil
                        anyHolding = true
                    } else {
                        decisions[k] = selected
                    }
                } else {
                    decisions[k] = rules[k].query.matches(r)
                }
            }
            if anyHolding {
                held.append((r.copy(), decisions))
            } else {
                try write(r, label: decisions.firstIndex { $0 == true })
            }
        }
    }

    /// Ends the snapshot: writes what it held.
    public func finishSnapshot() throws {
        defer { started = false }
        switch mode {
        case .plain: break
        case .snapshot:
            guard !grouper.isEmpty else { return }
            let snapshot = grouper.take()
            let selections = rules.map { $0.query.select(snapshot) }
            for (i, stored) in snapshot.enumerated() {
                try write(stored.record, label: selections.firstIndex { $0[i] })
            }
        case .streaming:
            for k in rules.indices {
                guard let filter = filters[k] else { continue }
                if let start = holdStart[k] {
                    for i in start..<held.count { held[i].decided[k] = false }
                    filter.finishHeld { i, _ in held[start + i].decided[k] = true }
                } else {
                    filter.finish { _ in }
                }
                holdStart[k] = nil
            }
            for h in held {
                try write(h.record.record, label: h.decided.firstIndex { $0 == true })
            }
            held.removeAll(keepingCapacity: true)
        }
    }

    @inline(__always)
    private func write(_ r: Record, label: Int?) throws {
        output.append(r.objectWithoutClosingBrace)
        if r.count > 0 { output.append(0x2C) }
        output.append(name)
        if let label { output.append(rules[label].json) } else { output.append("null") }
        output.append("}\n")
        try output.flushIfFull()
    }
}

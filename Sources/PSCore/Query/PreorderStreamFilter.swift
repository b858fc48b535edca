/// Decides a streamable tree query (every tree operator `X..`, none under `!`) record by record,
/// so a record is written as soon as it is read when the input is in preorder, and the output
/// is still right (and in input order) when it is not.
///
/// The rule, per snapshot: a record is decided on arrival when its value is final, i.e. when
/// - its ppid is 0 or its own pid (a root by the stream's tree rule), or
/// - its parent (the first record of the snapshot with pid == its ppid) came earlier, or
/// - every tree operator already holds for it on its own (a parent could add nothing).
/// Otherwise its parent may still come later (input not in preorder, or an orphan whose parent
/// was filtered out upstream): from that record on, the rest of the snapshot is held and decided
/// when the snapshot ends, with the whole snapshot's tree. A held record's parent that was decided
/// earlier gives its known values. So every record written is right, in input order, and memory
/// is bounded by one snapshot (held records) plus a few bytes per pid.
///
/// pssnap's order (every process after its parent, roots with ppid 0) never holds anything.
final class PreorderStreamFilter {
    let query: Query
    private let slots: Int
    /// pid → offset in `values` of the first record of the snapshot with that pid.
    private var index: [Int32: Int] = [:]
    private var values: [UInt8] = []
    private var scratch: [UInt8]
    private var held: [StoredRecord] = []
    private var heldLinks: [(pid: Int32, ppid: Int32)] = []
    private var ts: Double = .nan
    private var started = false

    init(_ query: Query) {
        self.query = query
        slots = query.slots
        scratch = [UInt8](repeating: 0, count: max(1, query.slots))
    }

    /// True when `ts` starts a new snapshot: call `finish` before `add`.
    @inline(__always)
    func isNewSnapshot(ts: Double) -> Bool { started && ts != self.ts }

    /// Decides one record; returns true when it is selected and may be written now.
    func add(_ r: Record, ts: Double, pid: Int32, ppid: Int32) -> Bool {
        if !started {
            started = true
            self.ts = ts
        }
        if !held.isEmpty {
            held.append(r.copy())
            heldLinks.append((pid, ppid))
            return false
        }
        let certainRoot = ppid == 0 || ppid == pid
        let parentOffset = certainRoot ? nil : index[ppid]
        let v: UInt8 = scratch.withUnsafeMutableBufferPointer { out in
            values.withUnsafeBufferPointer { all in
                query.plan.evaluate(r, parent: parentOffset.map { all.baseAddress! + $0 }, values: out.baseAddress!)
            }
        }
        if !certainRoot && parentOffset == nil && scratch.contains(where: { $0 != Truth.yes }) {
            held.append(r.copy())
            heldLinks.append((pid, ppid))
            return false
        }
        if index[pid] == nil {
            index[pid] = values.count
            values.append(contentsOf: scratch[0..<slots])
        }
        return v == Truth.yes
    }

    /// True once a record was held: every later record of the snapshot is held too.
    var isHolding: Bool { !held.isEmpty }

    /// Ends the snapshot: calls `emit` with each held record that is selected, in input order.
    func finish(_ emit: (Record) throws -> Void) rethrows {
        try finishHeld { _, record in try emit(record) }
    }

    /// Ends the snapshot like `finish`, giving each selected held record with its place among the
    /// held records (0 for the first one held), for a caller that holds the same records.
    func finishHeld(_ emit: (Int, Record) throws -> Void) rethrows {
        defer {
            index.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            held.removeAll(keepingCapacity: true)
            heldLinks.removeAll(keepingCapacity: true)
            started = false
        }
        guard !held.isEmpty else { return }
        let tree = ProcessTree(pids: heldLinks.map(\.pid), ppids: heldLinks.map(\.ppid))
        var heldValues = [UInt8](repeating: 0, count: held.count * slots)
        var result = [UInt8](repeating: 0, count: held.count)
        for i in tree.order {
            let (pid, ppid) = heldLinks[i]
            let r = held[i].record
            let v: UInt8 = heldValues.withUnsafeMutableBufferPointer { hv in
                values.withUnsafeBufferPointer { decided in
                    var parent: UnsafePointer<UInt8>? = nil
                    if ppid != 0 && ppid != pid, let offset = index[ppid] {
                        parent = decided.baseAddress! + offset
                    } else if tree.parentIndex[i] >= 0 {
                        parent = UnsafePointer(hv.baseAddress! + tree.parentIndex[i] * slots)
                    }
                    return query.plan.evaluate(r, parent: parent, values: hv.baseAddress! + i * slots)
                }
            }
            result[i] = v
        }
        for i in held.indices where result[i] == Truth.yes { try emit(i, held[i].record) }
    }
}

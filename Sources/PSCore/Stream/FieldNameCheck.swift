/// Says once, on stderr, when a field the user named (in a query, in `-f`) is on no record of the
/// first snapshot, with the nearest name the records or the field table know:
///
///     psfilter: no record of the first snapshot has a field 'rsss' (did you mean 'rss'?)
///
/// A typo then shows at once instead of an empty result or an empty column. It is a warning, not
/// an error: a user's own fields stay legal, and the status stays 0.
public final class FieldNameCheck {
    private var pending: [String]
    private let diagnostics: Diagnostics
    private let tsKey = RecordKey("ts")
    private var firstTs: Double? = nil
    private var seenLayouts: Set<ObjectIdentifier> = []
    private var layouts: [RecordLayout] = []
    private var seenNames: Set<String> = []
    private var done = false

    /// `names`: the fields the user named, in the order named.
    public init(names: [String], diagnostics: Diagnostics) {
        var unique: [String] = []
        for n in names where !unique.contains(n) { unique.append(n) }
        pending = unique
        self.diagnostics = diagnostics
        done = pending.isEmpty
    }

    /// Call with every good record; it costs a comparison once the first snapshot is over.
    @inline(__always)
    public func observe(_ record: Record) {
        if done { return }
        observeSlowly(record)
    }

    private func observeSlowly(_ record: Record) {
        let ts = record[tsKey]?.double
        if let first = firstTs {
            if let ts, ts != first { finish(); return }
        } else {
            firstTs = ts ?? .nan
        }
        let id = ObjectIdentifier(record.layout)
        guard !seenLayouts.contains(id) else { return }
        seenLayouts.insert(id)
        layouts.append(record.layout)  // kept alive so an identity is never reused
        for i in 0..<record.layout.count { seenNames.insert(record.layout.keyString(at: i)) }
        pending.removeAll { seenNames.contains($0) }
        if pending.isEmpty { done = true; layouts.removeAll() }
    }

    /// At the end of the first snapshot (or of the input): reports what is still missing.
    public func finish() {
        guard !done else { return }
        done = true
        guard firstTs != nil else { return }  // no record at all: nothing to say about fields
        let known = Array(seenNames) + FieldTable.names.filter { !seenNames.contains($0) }
        for name in pending {
            let hint = FieldTable.nearest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            diagnostics.report("no record of the first snapshot has a field '\(name)'\(hint)")
        }
        layouts.removeAll()
    }
}

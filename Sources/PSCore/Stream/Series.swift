/// Series: what psplot draws as one line and pstrend judges as one row.
///
/// - A record with `pid` belongs to the series of its process, `(pid, start)` (and `tid` in a
///   `--threads` stream): a reused pid is a new series. psagg `--by-root` rows carry pid, start
///   and comm, so they follow the same rule.
/// - A record without `pid` (a psagg row) belongs to the series of its label fields' values (the
///   `-g` field, `host`, a pslabel field); a psagg row with no such field is the one series `all`.
/// - `-s FIELD,...` names the key fields explicitly.
/// People read a process series as `comm pid` (`comm pid/tid` for a thread), a group by its key
/// values joined by spaces.
public enum SeriesKey: Hashable, Sendable {
    case process(ProcessIdentity)
    /// The raw JSON bytes of the key fields' values, each followed by a 0 byte (which valid JSON
    /// text cannot hold), so different values never collide.
    case group([UInt8])
}

/// What a series shows people and writes as its key, made once per series.
public struct SeriesDescription: Sendable {
    /// `comm pid`, `comm pid/tid`, or the key values joined by spaces (`all` for none).
    public var label: String
    /// The key fields, in order, with their values as raw JSON text (`"pid"`, `123`; `"comm"`,
    /// `"\"nginx\""`): what pstrend writes as the series key.
    public var keyFields: [(name: String, json: [UInt8])]
}

/// Finds each record's series. One per tool run; it caches per record layout.
public final class SeriesRule {
    public let explicitFields: [String]?
    private let explicitKeys: [RecordKey]
    private let isExplicit: Bool
    private let identity = IdentityReader()
    private let commKey = RecordKey("comm"), cmdlineKey = RecordKey("cmdline")
    private let startKey = RecordKey("start"), tidKey = RecordKey("tid")
    // For records without pid: the label fields' indices, per layout.
    private var labelIndices: [ObjectIdentifier: (layout: RecordLayout, candidates: [(index: Int, unlessNumber: Bool)])] = [:]

    /// `fields`: the `-s` option's fields, or nil for the rule above.
    public init(fields: [String]? = nil) {
        explicitFields = fields
        isExplicit = fields != nil
        explicitKeys = (fields ?? []).map(RecordKey.init)
    }

    /// The record's series; a problem (reported with the record's position) when a process
    /// record has a bad pid or start.
    public func key(of record: Record) -> Result<SeriesKey, IdentityProblem> {
        if isExplicit {
            var bytes: [UInt8] = []
            for key in explicitKeys {
                if let v = record[key] { bytes.append(contentsOf: v.raw) } else { bytes.append(contentsOf: "null".utf8) }
                bytes.append(0)
            }
            return .success(.group(bytes))
        }
        if identity.hasPid(record) {
            return identity.identity(record).map { SeriesKey.process($0) }
        }
        var bytes: [UInt8] = []
        for i in labelFieldIndices(record) {
            bytes.append(contentsOf: record.value(at: i).raw)
            bytes.append(0)
        }
        return .success(.group(bytes))
    }

    /// The label and key fields of the series `record` belongs to (call once per new series).
    public func describe(_ record: Record) -> SeriesDescription {
        func json(_ v: RecordValue?) -> [UInt8] { v.map { Array($0.raw) } ?? Array("null".utf8) }
        func text(_ v: RecordValue?) -> String {
            guard let v, !v.isNull else { return "null" }
            return v.string ?? String(decoding: v.raw, as: UTF8.self)
        }
        if let fields = explicitFields {
            let pairs = zip(fields, explicitKeys).map { (name: $0, json: json(record[$1])) }
            return SeriesDescription(label: explicitKeys.map { text(record[$0]) }.joined(separator: " "), keyFields: pairs)
        }
        if let pid = record[identity.pidKey] {
            var pairs: [(name: String, json: [UInt8])] = [("pid", json(pid))]
            if let tid = record[tidKey] { pairs.append(("tid", json(tid))) }
            pairs.append(("start", json(record[startKey])))
            if let comm = record[commKey] { pairs.append(("comm", json(comm))) }
            if let cmdline = record[cmdlineKey] { pairs.append(("cmdline", json(cmdline))) }
            var label = record[commKey].map { text($0) + " " } ?? ""
            label += text(pid)
            if let tid = record[tidKey], tid.int64 != pid.int64 { label += "/" + text(tid) }
            return SeriesDescription(label: label, keyFields: pairs)
        }
        let indices = labelFieldIndices(record)
        let pairs = indices.map { (name: record.keyString(at: $0), json: Array(record.value(at: $0).raw)) }
        let label = indices.map { text(record.value(at: $0)) }.joined(separator: " ")
        return SeriesDescription(label: label.isEmpty ? "all" : label, keyFields: pairs)
    }

    /// The fields that make a record without pid a group (its key): the table's label fields
    /// (`user`, `uid`, `state`...), and fields it does not know, not named like a number, which
    /// count only where their value is not a number (`unlessNumber`). The last of each repeated
    /// key only. psplot and pstrend key their series on these, psexport labels its samples.
    public static func groupFields(of layout: RecordLayout) -> [(index: Int, unlessNumber: Bool)] {
        var found: [(index: Int, unlessNumber: Bool)] = []
        for i in 0..<layout.count {
            let name = layout.keyString(at: i)
            guard layout.lastIndex(of: name) == i else { continue }
            if let known = FieldTable.info(name) {
                if known.kind == .label { found.append((i, false)) }
            } else if !FieldTable.isNumeric(name) {
                found.append((i, true))
            }
        }
        return found
    }

    /// The indices of the record's group fields (see `groupFields(of:)`), cached per layout.
    private func labelFieldIndices(_ record: Record) -> [Int] {
        let layout = record.layout
        let id = ObjectIdentifier(layout)
        let candidates: [(index: Int, unlessNumber: Bool)]
        if let cached = labelIndices[id], cached.layout === layout {
            candidates = cached.candidates
        } else {
            candidates = Self.groupFields(of: layout)
            if labelIndices.count > 64 { labelIndices.removeAll() }
            labelIndices[id] = (layout, candidates)
        }
        return candidates.compactMap { c in
            c.unlessNumber && record.value(at: c.index).kind == .number ? nil : c.index
        }
    }
}

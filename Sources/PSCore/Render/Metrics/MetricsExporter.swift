#if canImport(Glibc)
import Glibc
#endif

/// What psexport was asked for.
public struct MetricsOptions: Sendable {
    public var format: MetricFormat = .openmetrics
    public var prefix = "pstools"
    /// `-f`: the fields to export, in order; nil for every numeric field but identity and time.
    public var fields: [String]? = nil
    /// `-l`: the label fields, in order; nil for the default (`pid,comm` for process records,
    /// the label fields of a psagg row).
    public var labels: [String]? = nil
    /// `--host`: the node name to use when a record has no `host` field; nil without `--host`.
    public var host: String? = nil
    /// `--textfile PATH`.
    public var textfile: String? = nil
    /// False with `--no-timestamps` (and always with `--textfile`).
    public var timestamps = true
    /// How long the input may pause before the snapshot is taken as ended, in milliseconds.
    public var pauseMilliseconds: Int32 = 200

    public init() {}
}

/// Turns records into metric text, a snapshot at a time.
///
/// Line formats (Influx, OpenTSDB, Graphite) are written record by record: each line carries its
/// own timestamp and stands alone. OpenMetrics and Prometheus text group a snapshot's samples by
/// metric family, so each record's samples go into its families' buffers as it is read, and a
/// snapshot's exposition is written when the snapshot ends: when a record with another `ts`
/// arrives, when the input ends, or when the input pauses (nothing more to read for
/// `pauseMilliseconds`: pssnap writes a whole snapshot at once and then sleeps, so a live
/// `pssnap -i10 | psexport` shows each snapshot at once, not when the next one starts). Should
/// more records of the same `ts` follow a pause, they are written as a further exposition (to a
/// textfile: the file is replaced again with the whole snapshot).
public final class MetricsExporter {
    let options: MetricsOptions
    let format: MetricFormat
    let output: OutputBuffer
    let diagnostics: Diagnostics

    private var fieldsByName: [String: ExportedField] = [:]
    /// Families in the order they were first seen (each snapshot's exposition keeps it).
    private var families: [ExportedField] = []
    private var samplesTaken: Set<String> = []
    private var plans: [ObjectIdentifier: LayoutPlan] = [:]
    private let tsKey = RecordKey("ts")

    private var inSnapshot = false
    private var snapshotTS: Double = .nan
    /// The snapshot's timestamp as the format writes it, with its leading space.
    private let tsText = OutputBuffer(fd: -1, threshold: 0)
    /// Records added since the snapshot's last exposition.
    private var unwritten = false
    private var wroteThisSnapshot = false
    private var seenLabels = LabelSetTable()
    /// Each family's (each exported field's) samples and its name as sample lines write it, in a
    /// raw array indexed like `families`: the per-sample path touches no reference count.
    private var stores: UnsafeMutablePointer<FamilyStore>
    private var storeCapacity = 64
    private var warnedDuplicate = false
    private var textfileTrouble: Set<String> = []
    public private(set) var sawTrouble = false

    private let labels = OutputBuffer(fd: -1, threshold: 0)
    private let scratch = OutputBuffer(fd: -1, threshold: 0)
    private var joined: [UInt8] = []
    private let hostBytes: [UInt8]?
    private let measurement: [UInt8]
    private let pathPrefix: [UInt8]

    public init(options: MetricsOptions, output: OutputBuffer, diagnostics: Diagnostics) {
        self.options = options
        format = options.textfile != nil ? .prometheus : options.format
        self.output = output
        self.diagnostics = diagnostics
        hostBytes = options.host.map { Array($0.utf8) }
        let m = OutputBuffer(fd: -1, threshold: 0)
        for b in options.prefix.utf8 {
            if b == 0x2C || b == 0x20 { m.append(0x5C) }
            m.append(b)
        }
        measurement = m.bytes
        pathPrefix = Array(options.prefix.utf8)
        stores = .allocate(capacity: storeCapacity)
    }

    deinit {
        for i in 0..<families.count { stores[i].free() }
        stores.deallocate()
        seenLabels.free()
    }

    /// True when the input pausing should end the snapshot (a grouped format with records held).
    public var holdsSnapshot: Bool { format.groupsFamilies && unwritten }

    /// Adds one record; returns a problem for a record the exporter cannot use (it is skipped).
    public func add(_ r: Record) throws -> String? {
        guard let tsValue = r[tsKey], let ts = tsValue.double, ts.isFinite else { return "missing number field 'ts'" }
        if inSnapshot && ts != snapshotTS { try endSnapshot() }
        if !inSnapshot {
            inSnapshot = true
            snapshotTS = ts
            setTimestamp(tsValue.raw, ts)
        }
        let plan = self.plan(for: r)
        if let problem = plan.slots.withUnsafeBufferPointer({ slots -> String? in
            for s in slots {
                let kind = r.value(at: s.index).kind
                if kind != .number && kind != .null && !s.onlyNumbers { return "field '\(families[s.family].naming.field)' is not a number" }
            }
            return nil
        }) { return problem }
        renderLabels(r, plan: plan)
        let duplicate = labels.withBufferedBytes { !seenLabels.insert($0) }
        if duplicate {
            if !warnedDuplicate {
                warnedDuplicate = true
                let shown = TerminalText.sanitize(labels.withBufferedBytes { String(decoding: $0.prefix(200), as: UTF8.self) })
                diagnostics.report("records with the same labels in one snapshot (\(shown)): only the first is exported; add a label with -l, or sum them with psagg -g")
            }
            return nil
        }
        switch format {
        case .openmetrics, .prometheus: renderGrouped(r, plan: plan)
        case .influx: try renderInflux(r, plan: plan)
        case .opentsdb, .graphite: try renderPerSample(r, plan: plan)
        }
        return nil
    }

    /// The input paused: write what the snapshot holds so far.
    public func inputPaused() throws {
        if holdsSnapshot { try writeExposition(final: false) }
    }

    /// The input ended.
    public func finish() throws {
        if inSnapshot { try endSnapshot() }
        try output.flush()
    }

    // MARK: - Snapshots

    private func endSnapshot() throws {
        if format.groupsFamilies && (unwritten || !wroteThisSnapshot) { try writeExposition(final: true) }
        for i in 0..<families.count {
            stores[i].samples.count = 0
            stores[i].written = 0
        }
        seenLabels.removeAll()
        inSnapshot = false
        unwritten = false
        wroteThisSnapshot = false
    }

    private func setTimestamp(_ raw: UnsafeBufferPointer<UInt8>, _ ts: Double) {
        tsText.discard()
        guard options.textfile == nil && options.timestamps else { return }
        tsText.append(0x20)
        let places: Int
        switch format {
        case .openmetrics:
            if DecimalText.isPlain(raw) { tsText.append(raw); return }
            places = 0
        case .prometheus: places = 3
        case .influx: places = 9
        case .opentsdb, .graphite: places = 0
        }
        let whole = format != .openmetrics
        if !DecimalText.append(raw, times10: places, whole: whole, to: tsText) {
            // A number of more than 60 digits: through a double, which is all it can mean anyway.
            var scaled = ts
            for _ in 0..<places { scaled *= 10 }
            tsText.appendDouble(whole ? scaled.rounded(.towardZero) : scaled, decimals: whole ? 0 : 3)
        }
    }

    /// Writes the snapshot's families (those with samples not yet written; all of them to a
    /// textfile, which is replaced whole).
    private func writeExposition(final: Bool) throws {
        if let path = options.textfile {
            let file = OutputBuffer(fd: -1, threshold: 0)
            for (i, f) in families.enumerated() where stores[i].samples.count > 0 {
                file.append(f.header)
                file.append(stores[i].samples.bytes)
            }
            let result = file.withBufferedBytes { OutputFile.replace(path, with: $0) }
            if case .failure(let e) = result {
                sawTrouble = true
                if textfileTrouble.insert(e.message).inserted { diagnostics.report(e.message) }
            }
        } else {
            for (i, f) in families.enumerated() where stores[i].samples.count > stores[i].written {
                output.append(f.header)
                let store = stores[i]
                let pending = UnsafeBufferPointer(rebasing: store.samples.bytes[store.written...])
                if output.fd >= 0 && pending.count >= 64 * 1024 {
                    // A large family goes straight from its store: one copy fewer.
                    try output.flush()
                    try Self.write(output.fd, pending)
                } else {
                    output.append(pending)
                }
                stores[i].written = store.samples.count
                try output.flushIfFull()
            }
            if format == .openmetrics { output.append("# EOF\n") }
            try output.flushIfFull()
        }
        unwritten = false
        wroteThisSnapshot = true
    }

    static func write(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        if let e = SystemCall.writeAll(fd, bytes.baseAddress, bytes.count) { throw OutputError(errno: e) }
    }

    // MARK: - Fields and labels

    private final class LayoutPlan {
        let layout: RecordLayout
        /// The exported fields: where the value is, which family, and whether a non-number is
        /// simply not a sample (a field of the user's own) rather than a problem.
        var slots: ContiguousArray<Slot> = []
        /// index -1: absent from this layout. `unlessNumber`: a field of the user's own that is a
        /// label when its value is not a number.
        var labels: ContiguousArray<LabelSlot> = []
        init(layout: RecordLayout) { self.layout = layout }
        deinit { for l in labels { l.name.deallocate() } }
    }

    private func plan(for r: Record) -> LayoutPlan {
        let layout = r.layout
        let id = ObjectIdentifier(layout)
        if let p = plans[id], p.layout === layout { return p }
        let p = LayoutPlan(layout: layout)
        func isLast(_ i: Int, _ name: String) -> Bool { layout.lastIndex(of: name) == i }
        if let wanted = options.fields {
            for name in wanted {
                let i = layout.lastIndex(of: name)
                guard i >= 0 else { continue }
                let info = FieldTable.info(name)
                let kind: FieldKind
                switch info?.kind {
                case .counter?: kind = .counter
                case .rate?: kind = .rate
                case nil: kind = FieldTable.kind(of: name, json: .number)
                default: kind = .gauge
                }
                if let f = field(name, kind: kind) { p.slots.append(Slot(index: i, family: f, onlyNumbers: info == nil)) }
            }
        } else {
            for i in 0..<layout.count {
                let name = layout.keyString(at: i)
                guard isLast(i, name) else { continue }
                if let info = FieldTable.info(name) {
                    guard info.kind == .gauge || info.kind == .counter || info.kind == .rate else { continue }
                    if let f = field(name, kind: info.kind) { p.slots.append(Slot(index: i, family: f, onlyNumbers: false)) }
                } else if name != "ts" {
                    let kind = FieldTable.kind(of: name, json: .number)
                    if let f = field(name, kind: kind) { p.slots.append(Slot(index: i, family: f, onlyNumbers: true)) }
                }
            }
        }
        var labelNames: [(name: String, unlessNumber: Bool)] = []
        if let wanted = options.labels {
            labelNames = wanted.map { ($0, false) }
        } else if layout.lastIndex(of: "pid") >= 0 {
            labelNames = [("pid", false), ("comm", false)]
            if layout.lastIndex(of: "tid") >= 0 { labelNames.append(("tid", false)) }
        } else {
            // A psagg row: its label fields are its group key (the -g field, host, a pslabel field).
            labelNames = SeriesRule.groupFields(of: layout).map { (layout.keyString(at: $0.index), $0.unlessNumber) }
        }
        if options.host != nil && !labelNames.contains(where: { $0.name == "host" }) { labelNames.append(("host", false)) }
        for (name, unlessNumber) in labelNames {
            let bytes = labelName(name)
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            copy.initialize(from: bytes, count: bytes.count)
            p.labels.append(LabelSlot(index: layout.lastIndex(of: name), name: copy, nameCount: bytes.count,
                                      unlessNumber: unlessNumber, isHost: name == "host"))
        }
        if plans.count > 64 { plans.removeAll() }
        plans[id] = p
        return p
    }

    private func labelName(_ name: String) -> [UInt8] {
        let out = OutputBuffer(fd: -1, threshold: 0)
        switch format {
        case .openmetrics, .prometheus: out.appendText(MetricNaming.labelName(name))
        case .influx: Array(name.utf8).withUnsafeBufferPointer { InfluxTag.append($0, to: out) }
        case .opentsdb: Array(name.utf8).withUnsafeBufferPointer { OpenTSDBTag.append($0, to: out) }
        case .graphite: break
        }
        return out.bytes
    }

    /// The family index of an exported field, made on first sight; nil for one left out.
    private func field(_ name: String, kind: FieldKind) -> Int? {
        if let f = fieldsByName[name] { return f.suppressed ? nil : f.index }
        let f = ExportedField(naming: MetricNaming(field: name, kind: kind, prefix: options.prefix), format: format,
                              prefix: options.prefix, pathPrefix: pathPrefix)
        f.index = families.count
        fieldsByName[name] = f
        if format.groupsFamilies {
            let names = Set([f.naming.family, f.naming.sample])
            if !samplesTaken.isDisjoint(with: names) {
                f.suppressed = true
                diagnostics.report("field '\(TerminalText.sanitize(name))' would be the metric '\(f.naming.sample)' of another field; left out")
                return nil
            }
            samplesTaken.formUnion(names)
        }
        if families.count == storeCapacity {
            let bigger = UnsafeMutablePointer<FamilyStore>.allocate(capacity: storeCapacity * 2)
            bigger.moveInitialize(from: stores, count: families.count)
            stores.deallocate()
            stores = bigger
            storeCapacity *= 2
        }
        let name: [UInt8]
        switch format {
        case .openmetrics, .prometheus: name = f.sampleName
        case .influx: name = f.influxKey
        case .opentsdb, .graphite: name = f.lineName
        }
        (stores + families.count).initialize(to: FamilyStore(name: name, scaleDown: format.groupsFamilies ? f.naming.scaleDown : 0,
                                                             capacity: format.groupsFamilies ? 16 * 1024 : 16))
        families.append(f)
        return f.index
    }

    /// The record's labels, as the format writes them, into `labels`.
    private func renderLabels(_ r: Record, plan: LayoutPlan) {
        labels.discard()
        var any = false
        plan.labels.withUnsafeBufferPointer { slots in
        for l in slots {
            var v: RecordValue? = l.index >= 0 ? r.value(at: l.index) : nil
            if let value = v, value.kind == .null { v = nil }
            if l.unlessNumber, let value = v, value.kind == .number { continue }
            withLabelValue(v, isHost: l.isHost) { bytes in
                guard let bytes, !bytes.isEmpty else {
                    if format == .graphite { labels.append(".") ; labels.append(0x5F) }
                    return
                }
                switch format {
                case .openmetrics, .prometheus:
                    labels.append(any ? 0x2C : 0x7B)
                    labels.append(l.name, count: l.nameCount)
                    labels.append("=\"")
                    PrometheusLabel.append(bytes, to: labels)
                    labels.append(0x22)
                case .influx:
                    labels.append(0x2C)
                    labels.append(l.name, count: l.nameCount)
                    labels.append(0x3D)
                    InfluxTag.append(bytes, to: labels)
                case .opentsdb:
                    labels.append(0x20)
                    labels.append(l.name, count: l.nameCount)
                    labels.append(0x3D)
                    OpenTSDBTag.append(bytes, to: labels)
                case .graphite:
                    labels.append(0x2E)
                    GraphiteNode.append(bytes, to: labels)
                }
                any = true
            }
        }
        }
        if any && format.groupsFamilies { labels.append(0x7D) }
    }

    /// Calls `body` with a label value's text: a string decoded, a number or boolean as written,
    /// an array's elements joined by one space, nil for null or absent (the node name for an
    /// absent host with --host).
    private func withLabelValue(_ v: RecordValue?, isHost: Bool, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        guard let v else {
            if isHost, let hostBytes { hostBytes.withUnsafeBufferPointer { body($0) } } else { body(nil) }
            return
        }
        switch v.kind {
        case .string: v.withStringBytes { body($0) }
        case .array:
            joined.removeAll(keepingCapacity: true)
            var first = true
            v.forEachElement { e in
                if !first { joined.append(0x20) }
                first = false
                if !e.appendDecodedString(to: &joined) { joined.append(contentsOf: e.raw) }
            }
            joined.withUnsafeBufferPointer { body($0) }
        case .null: body(nil)
        default: body(v.raw)
        }
    }

    // MARK: - Samples

    @inline(__always)
    private func appendValue(_ raw: UnsafeBufferPointer<UInt8>, scaleDown: Int, to out: OutputBuffer) {
        if scaleDown == 0 && DecimalText.isPlain(raw) { out.append(raw); return }
        if !DecimalText.append(raw, times10: -scaleDown, whole: false, to: out) {
            // Beyond 60 digits: through a double.
            var d = JSONNumber.double(raw)
            for _ in 0..<scaleDown { d /= 10 }
            out.appendDouble(d, decimals: 17)
        }
    }

    private func renderGrouped(_ r: Record, plan: LayoutPlan) {
        let stores = self.stores
        labels.withBufferedBytes { labels in
            tsText.withBufferedBytes { ts in
                plan.slots.withUnsafeBufferPointer { slots in
                    for s in slots {
                        let v = r.value(at: s.index)
                        guard v.kind == .number else { continue }
                        let f = stores + s.family
                        f.pointee.samples.append(f.pointee.name, f.pointee.nameCount)
                        f.pointee.samples.append(labels)
                        f.pointee.samples.append(0x20)
                        if f.pointee.scaleDown == 0 && DecimalText.isPlain(v.raw) {
                            f.pointee.samples.append(v.raw)
                        } else {
                            scratch.discard()
                            appendValue(v.raw, scaleDown: f.pointee.scaleDown, to: scratch)
                            scratch.withBufferedBytes { f.pointee.samples.append($0) }
                        }
                        f.pointee.samples.append(ts)
                        f.pointee.samples.append(0x0A)
                    }
                }
            }
        }
        unwritten = true
    }

    private func renderInflux(_ r: Record, plan: LayoutPlan) throws {
        var first = true
        let stores = self.stores
        plan.slots.withUnsafeBufferPointer { slots in
            for s in slots {
                let v = r.value(at: s.index)
                guard v.kind == .number else { continue }
                if first {
                    output.append(measurement)
                    labels.withBufferedBytes { output.append($0) }
                    output.append(0x20)
                    first = false
                } else {
                    output.append(0x2C)
                }
                output.append(stores[s.family].name, count: stores[s.family].nameCount)
                output.append(0x3D)
                appendValue(v.raw, scaleDown: 0, to: output)
            }
        }
        guard !first else { return }
        tsText.withBufferedBytes { output.append($0) }
        output.append(0x0A)
        try output.flushIfFull()
    }

    private func renderPerSample(_ r: Record, plan: LayoutPlan) throws {
        let stores = self.stores
        let output = self.output
        labels.withBufferedBytes { labels in
            tsText.withBufferedBytes { ts in
                plan.slots.withUnsafeBufferPointer { slots in
                    for s in slots {
                        let v = r.value(at: s.index)
                        guard v.kind == .number else { continue }
                        let f = stores + s.family
                        if format == .opentsdb {
                            output.append("put ")
                            output.append(f.pointee.name, count: f.pointee.nameCount)
                            output.append(ts)
                            output.append(0x20)
                            appendValue(v.raw, scaleDown: 0, to: output)
                            output.append(labels)
                        } else {
                            output.append(pathPrefix)
                            output.append(labels)
                            output.append(f.pointee.name, count: f.pointee.nameCount)
                            output.append(0x20)
                            appendValue(v.raw, scaleDown: 0, to: output)
                            output.append(ts)
                        }
                        output.append(0x0A)
                    }
                }
            }
        }
        try output.flushIfFull()
    }
}

/// A plan's entry for one label of a layout (index -1: absent from it); `unlessNumber`: a field of
/// the user's own that is a label when its value is not a number.
struct LabelSlot {
    var index: Int
    var name: UnsafeMutablePointer<UInt8>
    var nameCount: Int
    var unlessNumber: Bool
    var isHost: Bool
}

/// A plan's entry for one exported field of a layout.
struct Slot {
    var index: Int
    var family: Int
    var onlyNumbers: Bool
}

/// One family's samples of the snapshot, and the name its lines start with.
struct FamilyStore {
    var samples: ByteStore
    let name: UnsafeMutablePointer<UInt8>
    let nameCount: Int
    let scaleDown: Int
    /// How much of `samples` is already written (a paused snapshot's first exposition).
    var written = 0

    init(name: [UInt8], scaleDown: Int, capacity: Int) {
        samples = ByteStore(capacity: capacity)
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, name.count))
        name.withUnsafeBufferPointer { if let p = $0.baseAddress { copy.update(from: p, count: $0.count) } }
        self.name = copy
        nameCount = name.count
        self.scaleDown = scaleDown
    }

    func free() {
        samples.free()
        name.deallocate()
    }
}

/// One exported field: its names in the format, and (OpenMetrics, Prometheus) its family's
/// HELP/TYPE lines and the snapshot's samples.
final class ExportedField {
    let naming: MetricNaming
    var suppressed = false
    /// OpenMetrics/Prometheus: `# HELP`, `# TYPE` (and `# UNIT`) lines.
    let header: [UInt8]
    let sampleName: [UInt8]
    /// Influx: the field key.
    let influxKey: [UInt8]
    /// OpenTSDB: the metric name; Graphite: `.FIELD`, the path's last node.
    let lineName: [UInt8]
    /// Its place in the exporter's families and stores.
    var index = 0

    init(naming: MetricNaming, format: MetricFormat, prefix: String, pathPrefix: [UInt8]) {
        self.naming = naming
        let h = OutputBuffer(fd: -1, threshold: 0)
        let name = Array(naming.field.utf8)
        switch format {
        case .openmetrics:
            h.append("# TYPE "); h.appendText(naming.family); h.append(naming.isCounter ? " counter\n" : " gauge\n")
            if let unit = naming.openMetricsUnit { h.append("# UNIT "); h.appendText(naming.family); h.append(0x20); h.appendText(unit); h.append(0x0A) }
            h.append("# HELP "); h.appendText(naming.family); h.append(0x20)
            PrometheusLabel.appendHelp(naming.help, openMetrics: true, to: h); h.append(0x0A)
        case .prometheus:
            h.append("# HELP "); h.appendText(naming.sample); h.append(0x20)
            PrometheusLabel.appendHelp(naming.help, openMetrics: false, to: h); h.append(0x0A)
            h.append("# TYPE "); h.appendText(naming.sample); h.append(naming.isCounter ? " counter\n" : " gauge\n")
        default: break
        }
        header = h.bytes
        sampleName = Array(naming.sample.utf8)
        h.discard()
        name.withUnsafeBufferPointer { InfluxTag.append($0, to: h) }
        influxKey = h.bytes
        h.discard()
        switch format {
        case .opentsdb:
            if !prefix.isEmpty { h.appendText(prefix); h.append(0x2E) }
            name.withUnsafeBufferPointer { OpenTSDBTag.append($0, to: h) }
        case .graphite:
            h.append(0x2E)
            name.withUnsafeBufferPointer { GraphiteNode.append($0, to: h) }
        default: break
        }
        lineName = h.bytes
    }
}

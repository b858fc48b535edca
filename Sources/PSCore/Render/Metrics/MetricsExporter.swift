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
    private let hostKey = RecordKey("host")

    private var inSnapshot = false
    private var snapshotTS: Double = .nan
    /// The snapshot's timestamp as the format writes it, with its leading space.
    private let tsText = OutputBuffer(fd: -1, threshold: 0)
    /// Records added since the snapshot's last exposition.
    private var unwritten = false
    private var wroteThisSnapshot = false
    private var seenLabels: Set<[UInt8]> = []
    private var warnedDuplicate = false
    private var textfileTrouble: Set<String> = []
    public private(set) var sawTrouble = false

    private let labels = OutputBuffer(fd: -1, threshold: 0)
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
            setTimestamp(tsValue.raw)
        }
        let plan = self.plan(for: r)
        for m in plan.metrics {
            let v = r.value(at: m.index)
            if v.kind != .number && v.kind != .null && !m.onlyNumbers {
                return "field '\(m.field.naming.field)' is not a number"
            }
        }
        renderLabels(r, plan: plan)
        let duplicate = labels.withBufferedBytes { bytes -> Bool in
            if seenLabels.insert(Array(bytes)).inserted { return false }
            return true
        }
        if duplicate {
            if !warnedDuplicate {
                warnedDuplicate = true
                let shown = labels.withBufferedBytes { String(decoding: $0.prefix(200), as: UTF8.self) }
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
        for f in families {
            f.samples.discard()
            f.written = 0
        }
        seenLabels.removeAll(keepingCapacity: true)
        inSnapshot = false
        unwritten = false
        wroteThisSnapshot = false
    }

    private func setTimestamp(_ raw: UnsafeBufferPointer<UInt8>) {
        tsText.discard()
        guard options.textfile == nil && options.timestamps else { return }
        tsText.append(0x20)
        switch format {
        case .openmetrics:
            if DecimalText.isPlain(raw) { tsText.append(raw) } else { DecimalText.append(raw, times10: 0, whole: false, to: tsText) }
        case .prometheus: DecimalText.append(raw, times10: 3, whole: true, to: tsText)
        case .influx: DecimalText.append(raw, times10: 9, whole: true, to: tsText)
        case .opentsdb, .graphite: DecimalText.append(raw, times10: 0, whole: true, to: tsText)
        }
    }

    /// Writes the snapshot's families (those with samples not yet written; all of them to a
    /// textfile, which is replaced whole).
    private func writeExposition(final: Bool) throws {
        if let path = options.textfile {
            let file = OutputBuffer(fd: -1, threshold: 0)
            for f in families where f.samples.count > 0 {
                file.append(f.header)
                f.samples.withBufferedBytes { file.append($0) }
            }
            let result = file.withBufferedBytes { OutputFile.replace(path, with: $0) }
            if case .failure(let e) = result {
                sawTrouble = true
                if textfileTrouble.insert(e.message).inserted { diagnostics.report(e.message) }
            }
        } else {
            for f in families where f.samples.count > f.written {
                output.append(f.header)
                f.samples.withBufferedBytes { output.append(UnsafeBufferPointer(rebasing: $0[f.written...])) }
                f.written = f.samples.count
                try output.flushIfFull()
            }
            if format == .openmetrics { output.append("# EOF\n") }
            try output.flushIfFull()
        }
        unwritten = false
        wroteThisSnapshot = true
    }

    // MARK: - Fields and labels

    private final class LayoutPlan {
        let layout: RecordLayout
        var metrics: [(index: Int, field: ExportedField, onlyNumbers: Bool)] = []
        /// index -1: absent from this layout. `unlessNumber`: a field of the user's own that is a
        /// label when its value is not a number.
        var labels: [(index: Int, name: [UInt8], unlessNumber: Bool, isHost: Bool)] = []
        init(layout: RecordLayout) { self.layout = layout }
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
                if let f = field(name, kind: kind) { p.metrics.append((i, f, info == nil)) }
            }
        } else {
            for i in 0..<layout.count {
                let name = layout.keyString(at: i)
                guard isLast(i, name) else { continue }
                if let info = FieldTable.info(name) {
                    guard info.kind == .gauge || info.kind == .counter || info.kind == .rate else { continue }
                    if let f = field(name, kind: info.kind) { p.metrics.append((i, f, false)) }
                } else if name != "ts" {
                    let kind = FieldTable.kind(of: name, json: .number)
                    if let f = field(name, kind: kind) { p.metrics.append((i, f, true)) }
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
            for i in 0..<layout.count {
                let name = layout.keyString(at: i)
                guard isLast(i, name) else { continue }
                if let info = FieldTable.info(name) {
                    if info.kind == .label { labelNames.append((name, false)) }
                } else if !FieldTable.isNumeric(name) {
                    labelNames.append((name, true))
                }
            }
        }
        if options.host != nil && !labelNames.contains(where: { $0.name == "host" }) { labelNames.append(("host", false)) }
        for (name, unlessNumber) in labelNames {
            p.labels.append((layout.lastIndex(of: name), labelName(name), unlessNumber, name == "host"))
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

    private func field(_ name: String, kind: FieldKind) -> ExportedField? {
        if let f = fieldsByName[name] { return f.suppressed ? nil : f }
        let f = ExportedField(naming: MetricNaming(field: name, kind: kind, prefix: options.prefix), format: format,
                              prefix: options.prefix, pathPrefix: pathPrefix)
        fieldsByName[name] = f
        if format.groupsFamilies {
            let names = Set([f.naming.family, f.naming.sample])
            if !samplesTaken.isDisjoint(with: names) {
                f.suppressed = true
                diagnostics.report("field '\(name)' would be the metric '\(f.naming.sample)' of another field; left out")
                return nil
            }
            samplesTaken.formUnion(names)
            families.append(f)
        }
        return f
    }

    /// The record's labels, as the format writes them, into `labels`.
    private func renderLabels(_ r: Record, plan: LayoutPlan) {
        labels.discard()
        var any = false
        for l in plan.labels {
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
                    labels.append(l.name)
                    labels.append("=\"")
                    PrometheusLabel.append(bytes, to: labels)
                    labels.append(0x22)
                case .influx:
                    labels.append(0x2C)
                    labels.append(l.name)
                    labels.append(0x3D)
                    InfluxTag.append(bytes, to: labels)
                case .opentsdb:
                    labels.append(0x20)
                    labels.append(l.name)
                    labels.append(0x3D)
                    OpenTSDBTag.append(bytes, to: labels)
                case .graphite:
                    labels.append(0x2E)
                    GraphiteNode.append(bytes, to: labels)
                }
                any = true
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
        for m in plan.metrics {
            let v = r.value(at: m.index)
            guard v.kind == .number else { continue }
            let out = m.field.samples
            out.append(m.field.sampleName)
            labels.withBufferedBytes { out.append($0) }
            out.append(0x20)
            appendValue(v.raw, scaleDown: m.field.naming.scaleDown, to: out)
            tsText.withBufferedBytes { out.append($0) }
            out.append(0x0A)
            unwritten = true
        }
        unwritten = true
    }

    private func renderInflux(_ r: Record, plan: LayoutPlan) throws {
        var first = true
        for m in plan.metrics {
            let v = r.value(at: m.index)
            guard v.kind == .number else { continue }
            if first {
                output.append(measurement)
                labels.withBufferedBytes { output.append($0) }
                output.append(0x20)
                first = false
            } else {
                output.append(0x2C)
            }
            output.append(m.field.influxKey)
            output.append(0x3D)
            appendValue(v.raw, scaleDown: 0, to: output)
        }
        guard !first else { return }
        tsText.withBufferedBytes { output.append($0) }
        output.append(0x0A)
        try output.flushIfFull()
    }

    private func renderPerSample(_ r: Record, plan: LayoutPlan) throws {
        for m in plan.metrics {
            let v = r.value(at: m.index)
            guard v.kind == .number else { continue }
            if format == .opentsdb {
                output.append("put ")
                output.append(m.field.lineName)
                tsText.withBufferedBytes { output.append($0) }
                output.append(0x20)
                appendValue(v.raw, scaleDown: 0, to: output)
                labels.withBufferedBytes { output.append($0) }
            } else {
                output.append(pathPrefix)
                labels.withBufferedBytes { output.append($0) }
                output.append(m.field.lineName)
                output.append(0x20)
                appendValue(v.raw, scaleDown: 0, to: output)
                tsText.withBufferedBytes { output.append($0) }
            }
            output.append(0x0A)
        }
        try output.flushIfFull()
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
    let samples = OutputBuffer(fd: -1, threshold: 0)
    /// How much of `samples` is already written (a paused snapshot's first exposition).
    var written = 0

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

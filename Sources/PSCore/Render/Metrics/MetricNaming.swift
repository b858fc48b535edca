/// The output formats psexport writes.
public enum MetricFormat: String, CaseIterable, Sendable {
    /// OpenMetrics 1.0 text: one exposition per snapshot, ending in `# EOF`; timestamps in seconds.
    case openmetrics
    /// Prometheus text format 0.0.4; timestamps in milliseconds (none with `--textfile`).
    case prometheus
    /// InfluxDB line protocol: one line per record, every figure a float; timestamps in nanoseconds.
    case influx
    /// OpenTSDB telnet `put` lines; timestamps in whole seconds.
    case opentsdb
    /// Graphite plaintext: `path value timestamp`; timestamps in whole seconds.
    case graphite

    /// Formats that group a snapshot's samples by metric family (and so hold a snapshot back).
    var groupsFamilies: Bool { self == .openmetrics || self == .prometheus }
}

/// How one record field becomes a metric in every format: the mapping from the field table's
/// kinds and units to each engine's names, beside the table it reads.
///
/// Prometheus and OpenMetrics (their conventions: base units, the unit as a suffix, `_total`
/// for counters, no type suffix on gauges):
/// - bytes → `_bytes`; seconds and epoch seconds → `_seconds`;
/// - percent of one CPU → `_ratio`, the value divided by 100 (`cpu` 250 → `pstools_cpu_ratio` 2.5);
/// - a `*_rate` field drops `_rate` and takes its per-second unit: bytes/s → `_bytes_per_second`,
///   /s → `_per_second`, s/s (a fraction of one CPU) → `_ratio`;
/// - a counter's samples end in `_total` (its OpenMetrics family name does not);
/// - a gauge whose name would end in a suffix the formats reserve for other types (`_total`,
///   `_count`, `_sum`, `_bucket`, `_created`, `_info`) gets `_value` appended (psagg's `count`
///   is `pstools_count_value`: promtool refuses a gauge named `..._count`);
/// - any character outside `[A-Za-z0-9_]` becomes `_`.
/// InfluxDB: the measurement is the prefix, a field keeps its record name. OpenTSDB and Graphite:
/// `PREFIX.FIELD`, values as in the record (their ecosystems put no unit in a name).
public struct MetricNaming: Sendable {
    public let field: String
    public let kind: FieldKind
    public let unit: FieldUnit
    public let isCounter: Bool
    /// The OpenMetrics family name (a counter's without `_total`).
    public let family: String
    /// The name on each sample line (a counter's with `_total`), and Prometheus 0.0.4's TYPE name.
    public let sample: String
    /// The OpenMetrics UNIT, when the family name ends in it.
    public let openMetricsUnit: String?
    /// Decimal places the value moves left on its way to Prometheus (2 for percent → ratio).
    public let scaleDown: Int
    /// One line for HELP (unescaped).
    public let help: String

    static let reservedSuffixes = ["_total", "_count", "_sum", "_bucket", "_created", "_info", "_gcount", "_gsum"]

    /// `kind`: the field's kind as the records show it (FieldTable.kind(of:json:)); time and
    /// identity fields asked for with `-f` are gauges.
    public init(field: String, kind: FieldKind, prefix: String) {
        self.field = field
        self.kind = kind
        let unit = FieldTable.unit(of: field)
        self.unit = unit
        isCounter = kind == .counter
        var base = MetricNaming.sanitize(field)
        var suffix: String? = nil
        var scale = 0
        func dropRate() { if base.hasSuffix("_rate") && base.count > 5 { base.removeLast(5) } }
        switch unit {
        case .none: break
        case .bytes: suffix = "bytes"
        case .seconds, .epochSeconds: suffix = "seconds"
        case .percent: suffix = "ratio"; scale = 2
        case .bytesPerSecond:
            dropRate()
            if base.hasSuffix("_bytes") { base.removeLast(6) }
            suffix = "bytes_per_second"
        case .perSecond: dropRate(); suffix = "per_second"
        case .secondsPerSecond: dropRate(); suffix = "ratio"
        }
        var name = prefix.isEmpty ? base : prefix + "_" + base
        if name.first.map({ $0 >= "0" && $0 <= "9" }) ?? true { name = "_" + name }
        if let suffix, !name.hasSuffix("_" + suffix) { name += "_" + suffix }
        if kind == .counter {
            if name.hasSuffix("_total") { name.removeLast(6) }
            family = name
            sample = name + "_total"
        } else {
            if MetricNaming.reservedSuffixes.contains(where: { name.hasSuffix($0) }) { name += "_value" }
            family = name
            sample = name
        }
        let familyName = name
        openMetricsUnit = suffix.flatMap { familyName.hasSuffix("_" + $0) ? $0 : nil }
        scaleDown = scale
        help = MetricNaming.helpText(field: field, unit: unit, kind: kind, scaled: scale != 0)
    }

    static func helpText(field: String, unit: FieldUnit, kind: FieldKind, scaled: Bool) -> String {
        guard let info = FieldTable.info(field) else {
            if kind == .rate, field.hasSuffix("_rate"), let base = FieldTable.info(String(field.dropLast(5))) {
                return "\(field): \(base.name) per second (\(unit.text))"
            }
            return "\(field): a field of the input records"
        }
        var text = "\(field)"
        if !unit.text.isEmpty { text += " (\(unit.text))" }
        text += ": " + info.source
        if scaled { text += "; here as a fraction of one CPU (the percent divided by 100)" }
        return text
    }

    /// A Prometheus metric or label name: every character outside `[A-Za-z0-9_]` becomes `_`.
    public static func sanitize(_ name: String) -> String {
        var bytes = Array(name.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F {
                out.append(b)
                i += 1
            } else {
                out.append(0x5F)
                // One `_` per character, not per byte.
                i += b < 0x80 ? 1 : max(1, bytes.withUnsafeBufferPointer { UTF8Validation.sequenceLength($0, at: i) })
            }
        }
        bytes = out
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A Prometheus label name: sanitized, not starting with a digit, and not `__`-prefixed
    /// (reserved for Prometheus's own labels).
    public static func labelName(_ name: String) -> String {
        var s = sanitize(name)
        if s.isEmpty || s.first!.isNumber { s = "_" + s }
        if s.hasPrefix("__") { s = "x" + s }
        return s
    }
}

/// One column of psview's table: a field, whether its cells are numbers (right-aligned, in human
/// units) or text (left-aligned, sanitized), and whether `--sum` shows subtree totals in it.
/// Everything here comes from the field table (kind, unit, isSummed), never from a list of names.
struct ViewColumn {
    let field: String
    let key: RecordKey
    let numeric: Bool
    let kind: FieldKind
    let unit: FieldUnit
    /// `--sum` shows each process's subtree total here.
    let summed: Bool
    /// The column the tree is drawn in (cmdline, comm or argv; else the first column).
    var holdsTree = false

    init(field: String, numeric: Bool, sum: Bool) {
        self.field = field
        key = RecordKey(field)
        self.numeric = numeric
        kind = FieldTable.kind(of: field, json: numeric ? .number : .string)
        unit = FieldTable.unit(of: field)
        // psagg's rule: the table's summed fields, and unknown numeric fields named `*_rate`.
        summed = sum && numeric && AdditiveFields.rank(of: field, firstSeen: 0) != nil
    }

    /// The header: the field's name in capitals, `Σ` (or `+` in ASCII) before a subtree total.
    func header(ascii: Bool) -> String {
        let name = TerminalText.sanitize(field.uppercased())
        return summed ? (ascii ? "+" : "Σ") + name : name
    }

    /// True when the column's numbers are shown as written (pid, uid: names, not quantities).
    var showsRawNumber: Bool { kind == .identity || kind == .label }

    /// A number for people, in the column's unit and compact (`12MiB`, `250%`, `1h02m`, `3.2s`).
    func text(of value: Double) -> String {
        switch kind {
        case .identity, .label:
            return ViewColumn.plainNumber(value)
        case .time:
            if unit == .epochSeconds { return HumanUnits.clock(value) }
            return HumanUnits.format(value, unit: .seconds, compact: true)
        default:
            switch unit {
            case .none: return ViewColumn.plainNumber(value)
            default: return HumanUnits.format(value, unit: unit, compact: true)
            }
        }
    }

    /// Whole numbers below a million as they are (`1234` fds, `-5` nice); larger ones and
    /// fractions with a metric prefix and three digits (`1.23M`, `0.5`).
    static func plainNumber(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1_000_000 { return String(Int64(value)) }
        return HumanUnits.metric(value)
    }

    /// A value shown as text: a string decoded and sanitized, an array's elements joined by one
    /// space (argv), anything else its JSON text, sanitized. nil for null.
    static func text(of value: RecordValue) -> String? {
        switch value.kind {
        case .null:
            return nil
        case .string:
            return TerminalText.sanitize(value.string ?? "")
        case .array:
            var parts: [String] = []
            value.forEachElement { element in
                parts.append(element.kind == .string ? element.string ?? "" : String(decoding: element.raw, as: UTF8.self))
            }
            return TerminalText.sanitize(parts.joined(separator: " "))
        default:
            return TerminalText.sanitize(String(decoding: value.raw, as: UTF8.self))
        }
    }
}

/// Which columns psview shows: the defaults, exactly `-f`'s list, or the defaults plus `-f +F`.
public enum ViewColumnChoice: Equatable {
    case defaults
    case exactly([String])
    case defaultsPlus([String])

    /// Parses `-f` lists (repeated `-f` adds to the list): `pid,rss,cmdline`, or every name
    /// prefixed with `+` to add it to the defaults (`-f +pss,+swap`).
    public static func parse(_ lists: [String]) throws(UsageError) -> ViewColumnChoice {
        guard !lists.isEmpty else { return .defaults }
        var names: [String] = [], plus = 0
        for list in lists {
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                var name = Substring(item)
                if name.hasPrefix("+") { name = name.dropFirst(); plus += 1 }
                guard !name.isEmpty else { throw UsageError("option '-f' takes FIELD,FIELD,... with no empty name, not '\(list)'") }
                names.append(String(name))
            }
        }
        if plus == names.count { return .defaultsPlus(names) }
        if plus > 0 { throw UsageError("option '-f': either name the columns (pid,rss) or add to the defaults (+pss,+swap), not both") }
        return .exactly(names)
    }

    /// The fields every process table starts with, when a record has them; `count` is psagg's.
    static let defaultFields = ["pid", "tid", "user", "count", "cpu", "rss", "fds"]
    /// The command column, the first a record has, last and taking the remaining width.
    static let nameFields = ["cmdline", "comm", "argv"]

    /// The fields to show for a snapshot whose first record is `first`.
    func fields(first: Record, hasPid: Bool) -> [String] {
        switch self {
        case .exactly(let names):
            return names
        case .defaults, .defaultsPlus:
            var fields: [String] = []
            if !hasPid {
                // psagg rows: the group key (any text field) first.
                for i in 0..<first.count {
                    let name = first.keyString(at: i)
                    if !ViewColumnChoice.nameFields.contains(name), !ViewColumnChoice.defaultFields.contains(name),
                       FieldTable.kind(of: name, json: first.value(at: i).kind) == .label {
                        fields.append(name)
                    }
                }
            }
            fields += ViewColumnChoice.defaultFields.filter { first[$0] != nil }
            if case .defaultsPlus(let extra) = self {
                fields += extra.filter { !fields.contains($0) && !ViewColumnChoice.nameFields.contains($0) }
            }
            if let name = ViewColumnChoice.nameFields.first(where: { first[$0] != nil }) { fields.append(name) }
            if case .defaultsPlus(let extra) = self {
                // A command field asked for with `+` and not shown yet goes before the last one.
                for name in extra where ViewColumnChoice.nameFields.contains(name) && !fields.contains(name) {
                    fields.insert(name, at: max(0, fields.count - 1))
                }
            }
            return fields
        }
    }
}

/// `--sort [+|-]FIELD[,...]`: the order of siblings (and of psagg's rows).
public struct ViewSortKey: Equatable {
    public var field: String
    /// nil: the field's own direction (numbers that measure something descending, others ascending).
    public var descending: Bool?

    public static func parse(_ text: String) throws(UsageError) -> [ViewSortKey] {
        var keys: [ViewSortKey] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            var name = Substring(item), descending: Bool? = nil
            if name.hasPrefix("+") { name = name.dropFirst(); descending = false } else if name.hasPrefix("-") { name = name.dropFirst(); descending = true }
            guard !name.isEmpty else { throw UsageError("option '--sort' takes [+|-]FIELD[,...], not '\(text)'") }
            keys.append(ViewSortKey(field: String(name), descending: descending))
        }
        return keys
    }
}

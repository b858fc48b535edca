/// Lays out one snapshot as psview's table: the title line, the header, and one row per record in
/// tree order (children under their parent, siblings by `--sort`), the tree drawn in the command
/// column, numbers in human units right-aligned, text left-aligned and sanitized, `-` for null.
/// Records without `pid` (psagg's rows) make a flat table. Pure: records in, lines out.
public struct TreeTable {
    public struct Options {
        public var columns: ViewColumnChoice = .defaults
        public var sort: [ViewSortKey] = []
        public var sum = false
        public var ascii = false
        /// Columns to fit each line in; nil for no limit.
        public var width: Int? = nil
        /// Lines the whole table may take (title and header included); nil for no limit.
        public var height: Int? = nil
        /// Said in the title line (`replay 10×`).
        public var titleNote: String? = nil
        public init() {}
    }

    public struct Frame {
        public var lines: [ViewLine]
        /// Rows (records) the height left out.
        public var rowsCut: Int
    }

    public var options: Options
    public init(_ options: Options) { self.options = options }

    static let pidKey = RecordKey("pid"), ppidKey = RecordKey("ppid"), tidKey = RecordKey("tid")
    static let stateKey = RecordKey("state"), commKey = RecordKey("comm"), hostKey = RecordKey("host")
    /// Text columns other than the tree's are cut to this many columns when the width is fitted.
    static let textColumnCap = 24
    /// Below this the tree's column is not squeezed further: the line is cut at the edge instead.
    static let minimumTreeColumn = 12

    struct Glyphs {
        let branch: String, last: String, through: String, blank: String
        static let unicode = Glyphs(branch: "├─ ", last: "└─ ", through: "│  ", blank: "   ")
        static let ascii = Glyphs(branch: "|- ", last: "\\- ", through: "|  ", blank: "   ")
    }

    /// Whether every record has a pid: then the table is a tree.
    static func hasPids(_ records: [Record]) -> Bool {
        !records.isEmpty && records.allSatisfy { $0[pidKey].map { !$0.isNull } ?? false }
    }

    /// The columns for this snapshot, numeric or not by the field table, or by the first non-null value.
    func columns(_ records: [Record], hasPid: Bool) -> [ViewColumn] {
        let fields = options.columns.fields(first: records[0], hasPid: hasPid)
        var columns = fields.map { field -> ViewColumn in
            ViewColumn(field: field, numeric: TreeTable.isNumeric(field, records), sum: options.sum && hasPid)
        }
        if let i = columns.firstIndex(where: { ViewColumnChoice.nameFields.contains($0.field) }) ?? (columns.isEmpty ? nil : 0) {
            columns[i].holdsTree = hasPid
        }
        return columns
    }

    static func isNumeric(_ field: String, _ records: [Record]) -> Bool {
        if let info = FieldTable.info(field) { return info.type == .number }
        let key = RecordKey(field)
        for r in records { if let v = r[key], !v.isNull { return v.kind == .number } }
        return FieldTable.isNumeric(field)
    }

    public func layout(_ records: [Record], ts: Double) -> Frame {
        let n = records.count
        guard n > 0 else { return Frame(lines: [ViewLine(title(ts: ts, count: 0, processes: true), style: .title)], rowsCut: 0) }
        let hasPid = TreeTable.hasPids(records)
        let columns = self.columns(records, hasPid: hasPid)
        let glyphs = options.ascii ? Glyphs.ascii : Glyphs.unicode

        // Numbers, own or subtree totals, per numeric column.
        var tree: ProcessTree? = nil
        // A thread record other than its process's main one (pssnap --threads).
        var isExtraThread = [Bool](repeating: false, count: n)
        if hasPid {
            // A thread record (tid other than pid) hangs under its process's record.
            var ids = [Int32](repeating: 0, count: n), parents = [Int32](repeating: 0, count: n)
            for i in 0..<n {
                let r = records[i]
                let pid = Int32(clamping: r[TreeTable.pidKey]?.int64 ?? 0)
                let tid = r[TreeTable.tidKey]?.int64.map { Int32(clamping: $0) }
                if let tid, tid != pid { ids[i] = tid; parents[i] = pid; isExtraThread[i] = true } else {
                    ids[i] = pid
                    parents[i] = Int32(clamping: r[TreeTable.ppidKey]?.int64 ?? 0)
                }
            }
            tree = ProcessTree(pids: ids, ppids: parents)
        }
        var numbers = [[Double?]](repeating: [], count: columns.count)
        for (c, column) in columns.enumerated() where column.numeric {
            var values = records.map { $0[column.key]?.double }
            if column.summed, let tree {
                // Bottom-up: a sum skips null members and is null only when every member is. What
                // a thread record repeats for its whole process (rss, fds...) counts once, from
                // the process's own record, as psagg counts it.
                let processWide = FieldTable.info(column.field)?.isProcessWide ?? false
                for i in tree.order.reversed() {
                    let p = tree.parentIndex[i]
                    if p >= 0, let v = values[i], !(processWide && isExtraThread[i]) { values[p] = (values[p] ?? 0) + v }
                }
            }
            numbers[c] = values
        }

        let order = rowOrder(records, columns: columns, numbers: numbers, tree: tree)
        var shown = order.count
        var cut = 0
        if let height = options.height, order.count > max(0, height - 2) {
            shown = max(0, height - 3)
            cut = order.count - shown
        }

        // Tree prefixes for the rows shown: the ancestors' continuation lines, then this one's branch.
        var prefixes = [String](repeating: "", count: shown)
        if let tree {
            var continuation = [String](repeating: "", count: n)
            var isLast = [Bool](repeating: true, count: n)
            var lastChild = [Int](repeating: -1, count: n)
            for i in order where tree.parentIndex[i] >= 0 { lastChild[tree.parentIndex[i]] = i }
            for i in order where tree.parentIndex[i] >= 0 { isLast[i] = lastChild[tree.parentIndex[i]] == i }
            for (row, i) in order.enumerated() {
                guard row < shown else { break }
                let p = tree.parentIndex[i]
                guard p >= 0 else { continue }
                prefixes[row] = continuation[p] + (isLast[i] ? glyphs.last : glyphs.branch)
                continuation[i] = continuation[p] + (isLast[i] ? glyphs.blank : glyphs.through)
            }
        }

        // Cells of the rows shown.
        struct Cell { var text: String; var width: Int; var style: ViewStyle }
        var cells = [[Cell]](repeating: [], count: shown)
        var widths = columns.map { TerminalText.width($0.header(ascii: options.ascii)) }
        let fitting = options.width != nil
        for row in 0..<shown {
            let i = order[row]
            let r = records[i]
            let state = r[TreeTable.stateKey]?.withStringBytes { $0.first } ?? nil
            let stateStyle: ViewStyle = state == 0x5A ? .zombie : state == 0x44 ? .blocked : .plain
            var line: [Cell] = []
            line.reserveCapacity(columns.count)
            for (c, column) in columns.enumerated() {
                var text: String
                var style = ViewStyle.plain
                if column.numeric {
                    if let v = numbers[c][i] {
                        if column.showsRawNumber, !column.summed, let raw = r[column.key], raw.kind == .number {
                            text = String(decoding: raw.raw, as: UTF8.self)
                        } else {
                            text = column.text(of: v)
                        }
                        if column.unit == .percent && v >= 100 { style = .hot }
                    } else if let raw = r[column.key], !raw.isNull {
                        text = ViewColumn.text(of: raw) ?? "-"
                    } else {
                        text = "-"
                    }
                } else {
                    text = r[column.key].flatMap(ViewColumn.text(of:)) ?? "-"
                    if column.field == "cmdline", text.isEmpty || text == "-",
                       let comm = r[TreeTable.commKey].flatMap(ViewColumn.text(of:)) {
                        // A kernel thread or a zombie has no command line: its name in brackets, as ps shows it.
                        text = "[" + comm + "]"
                    }
                    if column.field == "state" || column.holdsTree { style = stateStyle }
                }
                if column.holdsTree { text = prefixes[row] + text }
                var w = TerminalText.width(text)
                if fitting, !column.numeric, !column.holdsTree, w > TreeTable.textColumnCap {
                    text = ViewLine.truncate(text, to: TreeTable.textColumnCap, ascii: options.ascii)
                    w = TerminalText.width(text)
                }
                if !column.holdsTree { widths[c] = max(widths[c], w) }
                line.append(Cell(text: text, width: w, style: style))
            }
            cells[row] = line
        }

        // The tree's column takes what the others leave.
        if let t = columns.firstIndex(where: \.holdsTree) {
            let natural = cells.reduce(widths[t]) { max($0, $1[t].width) }
            if let width = options.width {
                let others = widths.enumerated().filter { $0.offset != t }.reduce(0) { $0 + $1.element } + columns.count - 1
                widths[t] = min(natural, max(TreeTable.minimumTreeColumn, width - others))
            } else {
                widths[t] = natural
            }
        }

        var lines: [ViewLine] = []
        lines.reserveCapacity(shown + 3)
        lines.append(ViewLine(title(ts: ts, count: n, processes: hasPid, host: records[0][TreeTable.hostKey]), style: .title))
        var header = ViewLine()
        for (c, column) in columns.enumerated() {
            if c > 0 { header.appendSpaces(1) }
            let text = column.header(ascii: options.ascii)
            let w = TerminalText.width(text)
            let right = column.numeric && !column.holdsTree
            if right { header.appendSpaces(widths[c] - w) }
            header.append(text, width: w, style: .header)
            if !right && c < columns.count - 1 { header.appendSpaces(widths[c] - w) }
        }
        lines.append(header)
        for row in 0..<shown {
            var line = ViewLine()
            for (c, column) in columns.enumerated() {
                if c > 0 { line.appendSpaces(1) }
                var cell = cells[row][c]
                if cell.width > widths[c] {
                    cell.text = ViewLine.truncate(cell.text, to: widths[c], ascii: options.ascii)
                    cell.width = TerminalText.width(cell.text)
                }
                let right = column.numeric && !column.holdsTree
                if right { line.appendSpaces(widths[c] - cell.width) }
                line.append(cell.text, width: cell.width, style: cell.style)
                if !right && c < columns.count - 1 { line.appendSpaces(widths[c] - cell.width) }
            }
            lines.append(line)
        }
        if cut > 0 {
            let noun = hasPid ? (cut == 1 ? "process" : "processes") : (cut == 1 ? "row" : "rows")
            lines.append(ViewLine((options.ascii ? "... " : "… ") + "\(cut) more \(noun) below (of \(n))", style: .note))
        }
        if let width = options.width {
            for i in lines.indices { lines[i].fit(width, ascii: options.ascii) }
        }
        // A terminal too short for the title, the header and the note: what fits.
        if let height = options.height, lines.count > max(1, height) { lines.removeLast(lines.count - max(1, height)) }
        return Frame(lines: lines, rowsCut: cut)
    }

    /// `2026-11-30 14:03:07  312 processes  host web1  Σ subtree totals`.
    func title(ts: Double, count: Int, processes: Bool, host: RecordValue? = nil) -> String {
        var text = ts.isFinite ? HumanUnits.clock(ts, withDate: true) : "-"
        text += "  \(count) " + (processes ? (count == 1 ? "process" : "processes") : (count == 1 ? "row" : "rows"))
        if let host, let name = ViewColumn.text(of: host) { text += "  host " + name }
        if options.sum && processes { text += options.ascii ? "  +: subtree totals" : "  Σ: subtree totals" }
        if let note = options.titleNote { text += "  " + note }
        return text
    }

    /// The rows in display order: a preorder walk with each set of siblings sorted (roots too),
    /// or, without pids, the records sorted (in input order without `--sort`).
    func rowOrder(_ records: [Record], columns: [ViewColumn], numbers: [[Double?]], tree: ProcessTree?) -> [Int] {
        let n = records.count
        // Sort keys: the value shown when the field is a column (subtree totals under --sum).
        struct Key { var numbers: [Double?]?; var texts: [String?]?; var descending: Bool }
        var keys: [Key] = []
        for sortKey in options.sort {
            let kind: FieldKind
            if let c = columns.firstIndex(where: { $0.field == sortKey.field }), columns[c].numeric {
                kind = columns[c].kind
                keys.append(Key(numbers: numbers[c], texts: nil, descending: sortKey.descending ?? TreeTable.descendsByDefault(kind)))
                continue
            }
            let key = RecordKey(sortKey.field)
            if TreeTable.isNumeric(sortKey.field, records) {
                kind = FieldTable.kind(of: sortKey.field, json: .number)
                keys.append(Key(numbers: records.map { $0[key]?.double }, texts: nil,
                                descending: sortKey.descending ?? TreeTable.descendsByDefault(kind)))
            } else {
                keys.append(Key(numbers: nil, texts: records.map { r in r[key].flatMap { $0.isNull ? nil : ViewColumn.text(of: $0) } },
                                descending: sortKey.descending ?? false))
            }
        }
        let pids: [Int64] = tree == nil ? [] : records.map { $0[TreeTable.pidKey]?.int64 ?? 0 }
        func before(_ a: Int, _ b: Int) -> Bool {
            for key in keys {
                if let values = key.numbers {
                    switch (values[a], values[b]) {
                    case let (x?, y?) where x != y: return key.descending ? x > y : x < y
                    case (nil, _?): return false     // null last, whatever the direction
                    case (_?, nil): return true
                    default: continue
                    }
                } else if let texts = key.texts {
                    switch (texts[a], texts[b]) {
                    case let (x?, y?) where x != y: return key.descending ? x > y : x < y
                    case (nil, _?): return false
                    case (_?, nil): return true
                    default: continue
                    }
                }
            }
            if tree != nil, pids[a] != pids[b] { return pids[a] < pids[b] }
            return a < b
        }
        guard let tree else { return keys.isEmpty ? Array(0..<n) : (0..<n).sorted(by: before) }
        if keys.isEmpty { return tree.order }
        var order: [Int] = []
        order.reserveCapacity(n)
        var stack: [Int] = (0..<n).filter { tree.parentIndex[$0] < 0 }.sorted(by: before).reversed()
        while let i = stack.popLast() {
            order.append(i)
            let children = tree.children(of: i)
            if !children.isEmpty { stack.append(contentsOf: children.sorted(by: before).reversed()) }
        }
        return order
    }

    /// Quantities (gauges, counters, rates) sort biggest first; identities, times and text ascending.
    static func descendsByDefault(_ kind: FieldKind) -> Bool {
        switch kind {
        case .gauge, .counter, .rate: return true
        case .time, .identity, .label: return false
        }
    }
}

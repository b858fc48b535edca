/// Records to SQL text: the table made from the first record, a column added for a field that
/// appears later, one transaction per snapshot, multi-row INSERTs of bounded size.
///
///     BEGIN;
///     CREATE TABLE IF NOT EXISTS "record" (...);      -- first snapshot only
///     ALTER TABLE "record" ADD COLUMN "x" TEXT;       -- when a field appears
///     INSERT INTO "record" ("ts","pid",...) VALUES
///     (...),
///     (...);
///     COMMIT;
///
/// A snapshot is committed when the next one begins (another `ts`) or the input ends, so a
/// consumer that sees the text stop anywhere else (the pipeline was killed) rolls the open
/// transaction back: the database holds whole snapshots only.
final class SQLWriter {
    /// A column of the table.
    final class Column {
        let name: [UInt8]
        let quoted: [UInt8]
        let type: SQLType
        /// False for a column pssql never writes (Procpath's record_id, filled by the database).
        let writable: Bool
        /// Its place in `Writer.columnOrder`, set when it is added there.
        var ordinal = -1

        init(name: [UInt8], type: SQLType, writable: Bool = true) {
            self.name = name
            quoted = SQLText.identifier(name)
            self.type = type
            self.writable = writable
        }
    }

    /// How a value becomes a column's: as it is, or converted to Procpath's units.
    enum Transform {
        case none
        /// Seconds to clock ticks (utime → stat_utime).
        case ticks(Double)
        /// Bytes to pages or KiB, rounded.
        case divide(Int64)
        /// "pts/3" to stat's tty_nr (null, no terminal, is 0).
        case ttyNumber
    }

    /// One value of a row: where it is in the record and what its column is. Plain data (no
    /// class reference), so the per-value loop costs no reference counting.
    struct Entry {
        let index: Int
        let type: SQLType
        let transform: Transform
        /// In `Writer.columnOrder`, for messages.
        let column: Int
    }

    /// What to write for records of one layout (the same keys in the same order).
    final class Plan {
        let layout: RecordLayout
        var entries: [Entry] = []
        /// Fields no table knows, null so far: their column waits for a value that gives its type.
        var pending: [(index: Int, name: [UInt8])] = []
        var insertPrefix: [UInt8] = []

        init(layout: RecordLayout) { self.layout = layout }
    }

    let dialect: SQLDialect
    let table: [UInt8]
    /// sqlite: also try to add the first record's columns to a table an earlier run made.
    let alterExisting: Bool
    private(set) var procpath: ProcpathSchema?
    static let maxRowsPerStatement = 1000
    static let maxBytesPerStatement = 1 << 20
    static let maxColumns = 1500

    private var columns: [[UInt8]: Column] = [:]
    private var columnOrder: [Column] = []

    private func addToOrder(_ column: Column) {
        column.ordinal = columnOrder.count
        columnOrder.append(column)
    }
    private var unwrittenColumns: [Column] = []
    private var plans: [ObjectIdentifier: Plan] = [:]
    private var started = false
    private var tableWritten = false
    private(set) var inTransaction = false
    private var statementPlan: Plan? = nil
    private var statementRows = 0
    private var statementBytes = 0
    private var snapshotTS: Double? = nil
    /// Whole snapshots per transaction (`--commit-every`): 1 but for bulk loads.
    var snapshotsPerCommit = 1
    private var snapshotsInTransaction = 0
    private var reported: Set<[UInt8]> = []
    private var reportedColumnLimit = false
    private var scratch: [UInt8] = []
    private var problems: [String] = []
    private let tsKey = RecordKey("ts")

    /// `table` is the quoted name (`"record"`, `"metrics"."users"`).
    /// SQLite: switch the database to WAL with synchronous=NORMAL (the default; `--no-wal` keeps
    /// the database's own settings).
    var writeAheadLog = false

    init(dialect: SQLDialect, table: [UInt8], alterExisting: Bool = false, procpath: ProcpathSchema? = nil) {
        self.dialect = dialect
        self.table = table
        self.alterExisting = alterExisting
        self.procpath = procpath
        if let procpath {
            for (name, type, writable) in procpath.columns {
                let column = Column(name: Array(name.utf8), type: type, writable: writable)
                columns[SQLText.folded(column.name, dialect: dialect)] = column
                addToOrder(column)
            }
        }
    }

    /// Writes one record's row (and whatever must come before it). Returns a problem to report
    /// for the record (a value no column can hold, written as NULL), or nil.
    func write(_ record: Record, to out: OutputBuffer) -> String? {
        problems.removeAll(keepingCapacity: true)
        let tsValue = record[tsKey]
        let ts = tsValue?.double
        if procpath != nil && ts == nil { return "missing number field 'ts' (Procpath's ts is NOT NULL)" }
        if inTransaction && ts != snapshotTS {
            snapshotsInTransaction += 1
            if snapshotsInTransaction >= snapshotsPerCommit { endTransaction(commit: true, to: out) }
        }
        snapshotTS = ts

        var plan = self.plan(for: record)
        if plan.pending.contains(where: { !record.value(at: $0.index).isNull }) {
            // A field seen only as null has a value now: its column can be made.
            plans[ObjectIdentifier(record.layout)] = nil
            plan = self.plan(for: record)
        }
        if plan.entries.isEmpty {
            // No column to hold anything (unnamed keys, or only nulls of fields no table knows):
            // an INSERT with no column is no SQL either database takes.
            problems.append("no field of this record can be a column yet; skipped")
            return problems.joined(separator: "; ")
        }
        if !inTransaction {
            if !started { writePreamble(to: out) }
            out.append("BEGIN;\n")
            inTransaction = true
            if !tableWritten {
                if procpath != nil {
                    procpath!.fieldNames = Set((0..<record.count).map { record.keyString(at: $0) })
                    procpath!.host = record["host"]?.string
                }
                writeCreate(to: out)
            }
        }
        if !unwrittenColumns.isEmpty {
            closeStatement(to: out)
            writeAddColumns(unwrittenColumns, to: out)
            unwrittenColumns.removeAll()
        }
        if let open = statementPlan,
           open !== plan || statementRows >= Self.maxRowsPerStatement || statementBytes >= Self.maxBytesPerStatement {
            closeStatement(to: out)
        }
        let rowStart = out.count
        if statementPlan == nil {
            out.append(plan.insertPrefix)
            statementPlan = plan
            statementRows = 0
            statementBytes = 0
        } else {
            out.append(",\n(")
        }
        plan.entries.withUnsafeBufferPointer { entries in
            for k in 0..<entries.count {
                if k > 0 { out.append(0x2C) }
                writeValue(record.value(at: entries[k].index), entries[k], to: out)
            }
        }
        out.append(0x29)
        statementRows += 1
        statementBytes += out.count - rowStart
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Ends the input: the open statement is closed and the snapshot in progress committed (or,
    /// with `commit: false`, rolled back: `--strict` stopped inside it).
    func finish(commit: Bool, to out: OutputBuffer) {
        if inTransaction { endTransaction(commit: commit, to: out) }
    }

    // MARK: - Statements

    private func closeStatement(to out: OutputBuffer) {
        guard statementPlan != nil else { return }
        out.append(";\n")
        statementPlan = nil
    }

    private func endTransaction(commit: Bool, to out: OutputBuffer) {
        closeStatement(to: out)
        out.append(commit ? "COMMIT;\n" : "ROLLBACK;\n")
        inTransaction = false
        snapshotsInTransaction = 0
    }

    private func writePreamble(to out: OutputBuffer) {
        started = true
        if dialect == .postgres {
            // The script's own settings, whatever the server's: UTF-8 text, a backslash is an
            // ordinary character in '...', and no NOTICE for a table or column that exists.
            out.append("SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nSET client_min_messages = warning;\n")
        } else if writeAheadLog {
            // A commit per snapshot would be an fsync per snapshot in SQLite's default rollback
            // journal (a bulk load of a recording ran 11x slower than one big transaction). In WAL
            // mode with synchronous=NORMAL a commit syncs nothing until a checkpoint: a killed
            // pipeline still keeps every committed snapshot, and the file never corrupts; only a
            // power loss may take back the last commits. (sqlite3 prints the new mode, `wal`.)
            out.append("PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\n")
        }
    }

    private func writeCreate(to out: OutputBuffer) {
        tableWritten = true
        out.append("CREATE TABLE IF NOT EXISTS ")
        out.append(table)
        out.append(" (\n")
        var first = true
        if procpath != nil {
            out.append("  \"record_id\" INTEGER PRIMARY KEY NOT NULL,\n  \"ts\" REAL NOT NULL")
            first = false
        }
        for column in columnOrder where procpath == nil || (column.writable && column.name != Array("ts".utf8)) {
            if !first { out.append(",\n") }
            first = false
            out.append("  ")
            out.append(column.quoted)
            out.append(0x20)
            out.appendText(column.type.name(dialect))
        }
        out.append("\n);\n")
        // A table an earlier run made may lack some of these columns.
        if dialect == .postgres || alterExisting {
            writeAddColumns(columnOrder.filter { $0.writable }, to: out)
        }
        unwrittenColumns.removeAll()
        if let procpath { procpath.writeMeta(dialect: dialect, to: out) }
    }

    /// PostgreSQL: one `ADD COLUMN IF NOT EXISTS` statement. SQLite has no IF NOT EXISTS: one
    /// ALTER per column, which fails with "duplicate column name" when an earlier run made the
    /// column; the sqlite3 shell reports it and goes on, and the transaction goes on with it.
    private func writeAddColumns(_ added: [Column], to out: OutputBuffer) {
        guard !added.isEmpty else { return }
        switch dialect {
        case .postgres:
            out.append("ALTER TABLE ")
            out.append(table)
            var first = true
            for column in added {
                out.append(first ? "\n  ADD COLUMN IF NOT EXISTS " : ",\n  ADD COLUMN IF NOT EXISTS ")
                first = false
                out.append(column.quoted)
                out.append(0x20)
                out.appendText(column.type.name(dialect))
            }
            out.append(";\n")
        case .sqlite:
            for column in added {
                out.append("ALTER TABLE ")
                out.append(table)
                out.append(" ADD COLUMN ")
                out.append(column.quoted)
                out.append(0x20)
                out.appendText(column.type.name(dialect))
                out.append(";\n")
            }
        }
    }

    // MARK: - Columns and plans

    private func plan(for record: Record) -> Plan {
        let layout = record.layout
        if let plan = plans[ObjectIdentifier(layout)] { return plan }
        if plans.count >= 256 { plans.removeAll() }
        let plan = Plan(layout: layout)
        // The last of repeated keys wins, as everywhere in pstools.
        var last: [[UInt8]: Int] = [:]
        var names: [[UInt8]] = []
        for i in 0..<layout.count {
            var name = layout.key(at: i)
            if name.contains(0) {
                name = name.flatMap { $0 == 0 ? SQLText.replacementCharacter : [$0] }
            }
            names.append(name)
            last[name] = i
        }
        let hasTid = last[Array("tid".utf8)] != nil
        var used = Set<ObjectIdentifier>()
        func add(_ index: Int, _ column: Column, _ transform: Transform, field: [UInt8]) {
            guard column.writable else { return }
            guard used.insert(ObjectIdentifier(column)).inserted else {
                // SQLite: "UPPER" and "upper" are one column; the first field keeps it.
                if procpath == nil, reported.insert(field).inserted {
                    problems.append("field '\(String(decoding: field, as: UTF8.self))' names the same column as another field (\(dialect == .sqlite ? "SQLite ignores case" : "PostgreSQL cuts names at 63 bytes")); it is left out")
                }
                return
            }
            plan.entries.append(Entry(index: index, type: column.type, transform: transform,
                                      column: column.ordinal))
        }
        for i in 0..<layout.count where last[names[i]] == i {
            let name = names[i]
            if name.isEmpty {
                if reported.insert(name).inserted { problems.append("a field with an empty name cannot be a column; it is left out") }
                continue
            }
            if let procpath, let targets = procpath.targets(String(decoding: name, as: UTF8.self), threads: hasTid) {
                for target in targets {
                    if let column = columns[SQLText.folded(Array(target.column.utf8), dialect: dialect)] { add(i, column, target.transform, field: name) }
                }
                continue
            }
            if let column = columns[SQLText.folded(name, dialect: dialect)] {
                add(i, column, .none, field: name)
            } else if columnOrder.count >= Self.maxColumns {
                // PostgreSQL stops at 1600 columns and SQLite at 2000: past that an ALTER would
                // fail (and, in PostgreSQL, abort the snapshot). Memory stays bounded too.
                if !reportedColumnLimit {
                    reportedColumnLimit = true
                    problems.append("field '\(String(decoding: name, as: UTF8.self))': the table has \(Self.maxColumns) columns already; it and every later new field are left out")
                }
            } else if let type = Self.type(of: name, value: record.value(at: i)) {
                let column = Column(name: name, type: type)
                columns[SQLText.folded(name, dialect: dialect)] = column
                addToOrder(column)
                if tableWritten { unwrittenColumns.append(column) }
                add(i, column, .none, field: name)
            } else {
                plan.pending.append((i, name))
            }
        }
        var prefix: [UInt8] = Array("INSERT INTO ".utf8) + table + Array(" (".utf8)
        for (k, entry) in plan.entries.enumerated() {
            if k > 0 { prefix.append(0x2C) }
            prefix += columnOrder[entry.column].quoted
        }
        prefix += Array(") VALUES\n(".utf8)
        plan.insertPrefix = prefix
        plans[ObjectIdentifier(layout)] = plan
        return plan
    }

    /// A column's type: from the field table by kind and unit for a field it knows; by JSON type
    /// for any other (nil for null: the column waits for a value).
    static func type(of name: [UInt8], value: RecordValue) -> SQLType? {
        let text = String(decoding: name, as: UTF8.self)
        if let info = FieldTable.info(text) {
            switch info.type {
            case .string, .array: return .text
            case .number: return numberType(kind: info.kind, unit: info.unit)
            }
        }
        switch value.kind {
        case .null: return nil
        case .number:
            if FieldTable.kind(of: text, json: .number) == .rate { return .real }
            return value.isIntegerLiteral ? .numeric : .real
        case .bool: return .boolean
        case .string, .array, .object: return .text
        }
    }

    /// Seconds, timestamps, rates and percents are REAL, even when the first value is written `0`;
    /// pids, counts of events and bytes are INTEGER.
    static func numberType(kind: FieldKind, unit: FieldUnit) -> SQLType {
        switch kind {
        case .time, .rate: return .real
        default: break
        }
        switch unit {
        case .none, .bytes: return .integer
        case .seconds, .epochSeconds, .percent, .bytesPerSecond, .perSecond, .secondsPerSecond: return .real
        }
    }

    // MARK: - Values

    @inline(__always)
    private func writeValue(_ value: RecordValue, _ entry: Entry, to out: OutputBuffer) {
        switch entry.transform {
        case .none:
            break
        case .ticks(let perSecond):
            if let d = value.double, d.isFinite, (d * perSecond).magnitude < 0x1p62 {
                out.appendDecimal(Int64((d * perSecond).rounded()))
            } else {
                out.append("NULL")
            }
            return
        case .divide(let by):
            if let n = value.int64 {
                out.appendDecimal(n >= 0 ? (n + by / 2) / by : -((-n + by / 2) / by))
            } else if let d = value.double, d.isFinite, (d / Double(by)).magnitude < 0x1p62 {
                out.appendDecimal(Int64((d / Double(by)).rounded()))
            } else {
                out.append("NULL")
            }
            return
        case .ttyNumber:
            if value.isNull { out.append(0x30); return }
            if let name = value.string, let number = ProcpathSchema.ttyNumber(name) {
                out.appendDecimal(number)
            } else {
                out.append("NULL")
            }
            return
        }
        let type = entry.type
        switch value.kind {
        case .null:
            out.append("NULL")
        case .number:
            if dialect == .postgres && type == .text {
                SQLText.appendLiteral(value.raw, dialect: dialect, to: out)
            } else if dialect == .postgres && type == .boolean {
                out.append(value.double == 0 ? "FALSE" : "TRUE")
            } else {
                do {
                    try SQLNumber.append(value, type: type, dialect: dialect, to: out)
                } catch {
                    out.append("NULL")
                    let why = error == .notFinite ? "is beyond a double" : "is beyond a 64-bit integer"
                    problems.append("field '\(String(decoding: columnOrder[entry.column].name, as: UTF8.self))': \(String(decoding: value.raw.prefix(40), as: UTF8.self)) \(why); written as NULL")
                }
            }
        case .string:
            if dialect == .postgres && type != .text {
                mismatch(value, entry, to: out)
            } else {
                SQLText.appendLiteral(value, dialect: dialect, scratch: &scratch, to: out)
            }
        case .bool:
            let truth = value.bool == true
            if dialect == .postgres && type == .boolean {
                out.append(truth ? "TRUE" : "FALSE")
            } else if dialect == .postgres && type == .text {
                out.append(truth ? "'true'" : "'false'")
            } else {
                out.append(truth ? 0x31 : 0x30)
            }
        case .array, .object:
            if dialect == .postgres && type != .text {
                mismatch(value, entry, to: out)
            } else {
                SQLText.appendJSONLiteral(value.raw, dialect: dialect, scratch: &scratch, to: out)
            }
        }
    }

    private func mismatch(_ value: RecordValue, _ entry: Entry, to out: OutputBuffer) {
        out.append("NULL")
        let what: String
        switch value.kind {
        case .string: what = "a string"
        case .array: what = "an array"
        default: what = "an object"
        }
        problems.append("field '\(String(decoding: columnOrder[entry.column].name, as: UTF8.self))' is \(what) but its column is \(entry.type.name(dialect)); written as NULL")
    }
}

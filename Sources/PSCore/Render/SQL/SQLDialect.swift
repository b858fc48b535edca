/// The SQL databases pssql writes for, and what differs between them: column type names, how a
/// CR is spelt inside a string, how a column is added to a table that may already have it.
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// A column's type, named per dialect.
enum SQLType: Equatable {
    /// Whole numbers: pids, counters of events and bytes.
    case integer
    /// Seconds, timestamps, rates, percents.
    case real
    /// Strings, and arrays and objects as JSON text.
    case text
    case boolean
    /// A number field no table knows whose first value is whole: PostgreSQL's NUMERIC keeps a
    /// later fraction (or a big integer) exactly, where BIGINT would refuse it. SQLite's INTEGER
    /// column does the same by itself.
    case numeric

    func name(_ dialect: SQLDialect) -> String {
        switch (self, dialect) {
        case (.integer, .sqlite), (.numeric, .sqlite), (.boolean, .sqlite): return "INTEGER"
        case (.real, .sqlite): return "REAL"
        case (.text, _): return "TEXT"
        case (.integer, .postgres): return "BIGINT"
        case (.real, .postgres): return "DOUBLE PRECISION"
        case (.boolean, .postgres): return "BOOLEAN"
        case (.numeric, .postgres): return "NUMERIC"
        }
    }

    var isNumber: Bool { self == .integer || self == .real || self == .numeric }
}

extension SQLDialect {
    /// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); it cuts longer ones.
    static let postgresIdentifierLimit = 63

    /// A CR as an expression: the sqlite3 shell drops a CR that stands before an LF inside a
    /// literal (it reads lines as text), so a CR is never written raw.
    var carriageReturn: StaticString {
        switch self {
        case .sqlite: return "'||char(13)||'"
        case .postgres: return "'||chr(13)||'"
        }
    }
}

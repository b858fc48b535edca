/// Numbers as SQL literals that both databases read back to the record's value: never `inf`,
/// `nan`, or a literal out of the column's range.
enum SQLNumber {
    enum Problem: Error {
        /// Beyond a double (1e400): no database column holds it.
        case notFinite
        /// A whole number beyond 64 bits, for a PostgreSQL BIGINT column.
        case beyondInt64
    }

    /// Writes a number value for a column of `type`. SQLite stores any number in any column, so
    /// only a value beyond a double is refused there; PostgreSQL's BIGINT also refuses one beyond
    /// 64 bits (a fraction it rounds, as its assignment cast does).
    @inline(__always)
    static func append(_ value: RecordValue, type: SQLType, dialect: SQLDialect, to out: OutputBuffer) throws(Problem) {
        let raw = value.raw
        if value.isIntegerLiteral, raw.count < 19 {
            // At most 18 digits: inside Int64, exact in both databases.
            out.append(raw)
            return
        }
        if value.isIntegerLiteral, JSONNumber.int64(raw) != nil {
            out.append(raw)
            return
        }
        if !value.isIntegerLiteral, raw.count < 300, !raw.contains(where: { $0 | 0x20 == 0x65 }),
           !(dialect == .postgres && type == .integer && (raw.firstIndex(of: 0x2E) ?? 0) > 18) {
            // A decimal without exponent (1700001000.25): finite, never rounding to 0 or beyond
            // a double, so the literal as written is a plain SQL number.
            out.append(raw)
            return
        }
        let d = JSONNumber.double(raw)
        guard d.isFinite else { throw .notFinite }
        if dialect == .postgres && type == .numeric && d != 0 {
            // NUMERIC holds the literal exactly, however many digits.
            out.append(raw)
            return
        }
        if dialect == .postgres && type == .integer && d.magnitude >= 0x1p63 { throw .beyondInt64 }
        appendDouble(d, to: out)
    }

    /// The shortest text that reads back as `d` (Swift's, which both databases parse: `1e+300`,
    /// `5e-324`, `0.1`); `-0` as `0`.
    static func appendDouble(_ d: Double, to out: OutputBuffer) {
        if d == 0 { out.append(0x30); return }
        out.appendText(d.description)
    }
}

/// One parsed line: a JSON object whose top-level fields are located but not decoded.
///
/// A view: it points into the line and into its parser's field table, so it is valid until the
/// parser parses the next line (or, for `StoredRecord.record`, while the stored record lives).
/// Keep a record beyond that with `copy()`.
///
/// Duplicate keys: the last one wins, as in jq (`{"a":1,"a":2}` has a = 2). Lookups by name
/// see only that one; `count`, `key(at:)` and `value(at:)` still show every field as written.
public struct Record {
    /// The whole line as read, without its `\n`.
    public let line: UnsafeBufferPointer<UInt8>
    let fields: UnsafePointer<RecordFieldSpan>
    /// The number of top-level fields, duplicates included.
    public let count: Int
    /// The record's keys; the same object for every record with the same keys in the same order.
    public unowned(unsafe) let layout: RecordLayout
    /// The layout's identity, compared by the per-layout caches without touching the layout
    /// (reading an unowned reference costs a retain and a release: a tenth of psplot's time).
    public let layoutID: ObjectIdentifier
    /// Offset in `line` of the opening `{` (0 unless the line starts with whitespace).
    public let openingBrace: Int
    /// Offset in `line` of the closing `}`: a tool appending fields writes `line[openingBrace..<closingBrace]`,
    /// then `,"dt":...` (with the comma only when `count > 0`), then `}`.
    public let closingBrace: Int

    init(line: UnsafeBufferPointer<UInt8>, fields: UnsafePointer<RecordFieldSpan>, count: Int,
         layout: RecordLayout, openingBrace: Int, closingBrace: Int) {
        self.line = line
        self.fields = fields
        self.count = count
        self.layout = layout
        layoutID = ObjectIdentifier(layout)
        self.openingBrace = openingBrace
        self.closingBrace = closingBrace
    }

    /// The object exactly as written, `{` to `}`: what a tool passing the record through writes
    /// (then `\n`). It leaves out only whitespace around the object, such as CRLF's `\r`.
    public var object: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[openingBrace...closingBrace])
    }

    /// The object without its closing `}`: write this, then `,"key":value...}` to append fields.
    public var objectWithoutClosingBrace: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[openingBrace..<closingBrace])
    }

    /// The value of field `key`, nil if the record has no such field (a JSON null is a value:
    /// check `isNull`). After the first record of a layout, this costs one comparison.
    @inline(__always)
    public subscript(key: RecordKey) -> RecordValue? {
        let i = key.index(in: self)
        return i < 0 ? nil : value(at: i)
    }

    /// The value of the field named `name` (the last one, if repeated), found by scanning.
    /// For a field read from every record, a `RecordKey` is faster.
    public subscript(name: String) -> RecordValue? {
        let i = layout.lastIndex(of: name)
        return i < 0 ? nil : value(at: i)
    }

    public func value(at i: Int) -> RecordValue {
        let f = fields[i]
        return RecordValue(kind: f.kind,
                           raw: UnsafeBufferPointer(start: line.baseAddress! + Int(f.valueStart), count: Int(f.valueLength)),
                           flags: f.flags)
    }

    /// Field i's key, decoded.
    public func key(at i: Int) -> [UInt8] { layout.key(at: i) }
    public func keyString(at i: Int) -> String { layout.keyString(at: i) }

    /// An owned copy (the line's bytes and the field table, in one allocation) that stays valid
    /// after the parser moves on: psfilter and psdelta keep a snapshot of these.
    public func copy() -> StoredRecord { StoredRecord(self) }
}

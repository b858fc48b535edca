/// A field name a tool reads from every record, made once: it remembers where it found the field
/// in the last layout it saw, so that in a stream of same-shaped records a lookup costs one
/// identity comparison and no byte comparison.
///
/// Not for sharing between threads (it updates itself on lookup); the tools are single-threaded.
public final class RecordKey {
    /// The name as UTF-8 bytes, compared with each key decoded.
    public let name: [UInt8]
    /// Kept alive (so its identity cannot be reused by a new layout) and compared by identity.
    private var layout: RecordLayout?
    private var layoutID: ObjectIdentifier?
    private var index = -1

    public init(_ name: String) { self.name = Array(name.utf8) }

    public var nameString: String { String(decoding: name, as: UTF8.self) }

    /// Where the field is in `layout` (its last occurrence), -1 if it is absent.
    @inline(__always)
    func index(in record: Record) -> Int {
        if record.layoutID == layoutID { return index }
        return lookUp(in: record.layout, id: record.layoutID)
    }

    @inline(never)
    private func lookUp(in layout: RecordLayout, id: ObjectIdentifier) -> Int {
        index = name.withUnsafeBufferPointer { layout.lastIndex(of: $0) }
        self.layout = layout
        layoutID = id
        return index
    }
}

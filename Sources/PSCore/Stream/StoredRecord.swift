/// A record that owns its bytes: the line and its field table copied into one allocation, and
/// its layout retained, so it outlives the parser's next line at the cost of one malloc.
public final class StoredRecord {
    private let storage: UnsafeMutableRawPointer
    private let lineCount: Int
    public let count: Int
    public let layout: RecordLayout
    private let openingBrace: Int
    private let closingBrace: Int

    init(_ record: Record) {
        lineCount = record.line.count
        count = record.count
        layout = record.layout
        openingBrace = record.openingBrace
        closingBrace = record.closingBrace
        // The field table first, for its alignment; the line after it.
        let fieldBytes = count * MemoryLayout<RecordFieldSpan>.stride
        storage = .allocate(byteCount: fieldBytes + lineCount, alignment: MemoryLayout<RecordFieldSpan>.alignment)
        if count > 0 {
            storage.bindMemory(to: RecordFieldSpan.self, capacity: count).initialize(from: record.fields, count: count)
        }
        (storage + fieldBytes).bindMemory(to: UInt8.self, capacity: lineCount)
            .initialize(from: record.line.baseAddress!, count: lineCount)
    }

    deinit { storage.deallocate() }

    /// A view of the stored record, valid while this object lives.
    public var record: Record {
        let fieldBytes = count * MemoryLayout<RecordFieldSpan>.stride
        return Record(line: UnsafeBufferPointer(start: (storage + fieldBytes).assumingMemoryBound(to: UInt8.self), count: lineCount),
                      fields: UnsafePointer(storage.assumingMemoryBound(to: RecordFieldSpan.self)),
                      count: count, layout: layout, openingBrace: openingBrace, closingBrace: closingBrace)
    }

    /// The object's bytes, `{` to `}`, copied out.
    public var objectBytes: [UInt8] { Array(record.object) }
}

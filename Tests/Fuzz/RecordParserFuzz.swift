// libFuzzer target: one input is one line for RecordParser. Built with the PSCore sources in one
// module by bench/fuzz.sh (not part of the package). Checks that a parse never crashes, and that
// a record it accepts can be read back: every value's kind and bytes, strings decoded, arrays walked.
@_cdecl("LLVMFuzzerTestOneInput")
public func recordParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parser = FuzzState.parser
    do {
        let r = try parser.parse(UnsafeBufferPointer(start: data, count: size))
        var out: [UInt8] = []
        for i in 0..<r.count {
            let v = r.value(at: i)
            _ = r.key(at: i)
            _ = v.double
            _ = v.int64
            out.removeAll(keepingCapacity: true)
            _ = v.appendDecodedString(to: &out)
            v.forEachElement { _ = $0.double }
            v.forEachMember { _, m in _ = m.kind }
        }
        _ = r.copy().objectBytes
        precondition(r.object.first == 0x7B && r.object.last == 0x7D)
    } catch {
        precondition(error.column >= 1 && error.column <= size + 1)
    }
    return 0
}

enum FuzzState {
    nonisolated(unsafe) static let parser = RecordParser()
}

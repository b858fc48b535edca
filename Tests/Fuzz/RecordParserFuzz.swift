// libFuzzer target: one input is one line for RecordParser. Built with the PSCore sources in one
// module by bench/fuzz.sh (not part of the package). Checks that a parse never crashes, and that
// a record it accepts can be read back: every value's kind and bytes, strings decoded, arrays walked;
// and that the long-lived parser (which matches keys against the previous input's layout) says
// exactly what a fresh one says.
@_cdecl("LLVMFuzzerTestOneInput")
public func recordParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parser = FuzzState.parser
    let line = UnsafeBufferPointer(start: data, count: size)
    let fresh = RecordParser()
    let expected: Result<[([UInt8], [UInt8])], RecordSyntaxError> = Result { () throws(RecordSyntaxError) in
        let r = try fresh.parse(line)
        return (0..<r.count).map { (r.key(at: $0), Array(r.value(at: $0).raw)) }
    }
    do {
        let r = try parser.parse(line)
        guard case .success(let fields) = expected, fields.count == r.count else { preconditionFailure("accepted only by the reused parser") }
        for i in 0..<r.count { precondition(fields[i].0 == r.key(at: i) && fields[i].1 == Array(r.value(at: i).raw)) }
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
        guard case .failure(let freshError) = expected else { preconditionFailure("rejected only by the reused parser") }
        precondition(freshError == error)
    }
    return 0
}

enum FuzzState {
    nonisolated(unsafe) static let parser = RecordParser()
}

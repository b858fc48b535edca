// libFuzzer target: one input is a query (as UTF-8, invalid bytes replaced). Built with the PSCore
// sources in one module by bench/fuzz.sh. A query either compiles, and then runs on a small
// fixed snapshot without trouble, or fails with an error whose range lies inside the query and
// renders.
@_cdecl("LLVMFuzzerTestOneInput")
public func queryParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let q = try Query(text)
        _ = q.select(QueryFuzzState.snapshot)
    } catch {
        let n = text.utf8.count
        precondition(error.start >= 0 && error.start <= n && error.end <= n, "range \(error.start)..<\(error.end) outside \(n)")
        _ = error.render(toolName: "psfilter")
    }
    return 0
}

enum QueryFuzzState {
    nonisolated(unsafe) static let snapshot: [StoredRecord] = {
        let parser = RecordParser()
        let lines = [
            #"{"ts":1,"pid":1,"ppid":0,"comm":"init","rss":1048576,"user":"root","tty":null}"#,
            #"{"ts":1,"pid":5,"ppid":1,"comm":"a\"b\u00e9","rss":12.5,"argv":["x","y"],"tty":"pts/1"}"#,
            #"{"ts":1,"pid":7,"ppid":5,"comm":"7","x":true,"cpu":-3}"#,
            #"{"ts":1,"pid":9,"ppid":99,"comm":"","rss":9007199254740993}"#,
        ]
        return lines.map { line in
            Array(line.utf8).withUnsafeBufferPointer { try! parser.parse($0).copy() }
        }
    }()
}

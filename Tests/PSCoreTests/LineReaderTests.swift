import Foundation
import Testing
@testable import PSCore

/// A temporary directory holding the test's input files, removed at the end.
final class InputFiles {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ content: String) throws -> String {
        try write(name, Array(content.utf8))
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        return path(name)
    }
}

/// Every event as text: `input:line:content` (with `$` when the line had no newline), or
/// `error: description`.
func readAll(_ reader: LineReader) throws -> [String] {
    var out: [String] = []
    while let event = try reader.next() {
        switch event {
        case .line(let line):
            out.append("\(reader.inputName):\(line.number):\(String(decoding: line.bytes, as: UTF8.self))\(line.hasNewline ? "" : "$")")
        case .failure(let error):
            out.append("error: \(error)")
        }
    }
    return out
}

/// The name a file has in messages: its path relative to nothing, so tests compare it whole.
func shortNames(_ events: [String], _ files: InputFiles) -> [String] {
    events.map { $0.replacingOccurrences(of: files.dir.path + "/", with: "") }
}

@Suite struct LineReaderTests {
    @Test func severalFilesAreOneStreamNumberedPerFile() throws {
        let files = try InputFiles()
        let a = try files.write("a", "a1\na2\n")
        let b = try files.write("b", "b1\n")
        let reader = LineReader(arguments: [a, b])
        #expect(shortNames(try readAll(reader), files) == ["a:1:a1", "a:2:a2", "b:1:b1"])
    }

    @Test func aMissingFileIsAnErrorAndTheNextOneIsRead() throws {
        let files = try InputFiles()
        let a = try files.write("a", "a1\n")
        let b = try files.write("b", "b1\n")
        let events = shortNames(try readAll(LineReader(arguments: [a, files.path("missing"), b])), files)
        #expect(events == ["a:1:a1", "error: cannot open 'missing': No such file or directory", "b:1:b1"])
    }

    @Test func aDirectoryIsAReadError() throws {
        let files = try InputFiles()
        let b = try files.write("b", "b1\n")
        let events = shortNames(try readAll(LineReader(arguments: [files.dir.path, b])), files)
        #expect(events == ["error: cannot read '\(files.dir.path)': Is a directory", "b:1:b1"])
    }

    @Test func aLastLineWithoutNewlineIsStillReturnedAndFlagged() throws {
        let files = try InputFiles()
        let a = try files.write("a", "a1\na2")
        let b = try files.write("b", "b1")
        #expect(shortNames(try readAll(LineReader(arguments: [a, b])), files) == ["a:1:a1", "a:2:a2$", "b:1:b1$"])
    }

    @Test func emptyLinesAndEmptyFilesAreKept() throws {
        let files = try InputFiles()
        let a = try files.write("a", "\n\nx\n\n")
        let empty = try files.write("empty", "")
        let b = try files.write("b", "\n")
        #expect(shortNames(try readAll(LineReader(arguments: [a, empty, b])), files)
            == ["a:1:", "a:2:", "a:3:x", "a:4:", "b:1:"])
    }

    @Test func crlfKeepsTheCarriageReturnForTheParserToSkip() throws {
        let files = try InputFiles()
        let a = try files.write("a", "{\"a\":1}\r\n\r\n")
        let reader = RecordReader(arguments: [a])
        var out: [String] = []
        while let event = try reader.next() {
            switch event {
            case .record(let r): out.append(String(decoding: r.object, as: UTF8.self) + "|\(r.line.count)")
            case .failure(let e): out.append(e.description)
            }
        }
        #expect(shortNames(out, files) == [#"{"a":1}|8"#, "a:2:1: blank line"])
    }

    @Test func aLineLongerThanTheCapIsSkippedWithAnError() throws {
        let files = try InputFiles()
        let long = String(repeating: "x", count: 100)
        let exact = String(repeating: "y", count: 16)
        let a = try files.write("a", "short\n\(long)\n\(exact)\nafter\n\(long)")
        let b = try files.write("b", "b1\n")
        for bufferSize in [1, 4, 8, 16, 17, 64, 1 << 20] {
            let reader = LineReader(arguments: [a, b], bufferSize: bufferSize, maxLineLength: 16)
            #expect(shortNames(try readAll(reader), files) == [
                "a:1:short",
                "error: a:2: line longer than 16 bytes, skipped",
                "a:3:\(exact)",
                "a:4:after",
                "error: a:5: line longer than 16 bytes, skipped",
                "b:1:b1",
            ], "buffer \(bufferSize)")
        }
    }

    @Test func linesSplitAnywhereAcrossReadsComeOutWhole() throws {
        let files = try InputFiles()
        var seed: UInt64 = 42
        var lines: [String] = []
        for _ in 0..<300 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(seed >> 58) // 0...63
            lines.append(String(repeating: String(UnicodeScalar(UInt8(0x61 + lines.count % 26))), count: length))
        }
        let a = try files.write("a", lines.joined(separator: "\n") + "\n")
        for bufferSize in [1, 2, 3, 7, 64, 100, 4096] {
            let reader = LineReader(arguments: [a], bufferSize: bufferSize, maxLineLength: 64)
            var got: [String] = []
            while let event = try reader.next() {
                if case .line(let line) = event { got.append(String(decoding: line.bytes, as: UTF8.self)) }
            }
            #expect(got == lines, "buffer \(bufferSize)")
        }
    }

    @Test func readsFromAPipeAndFlushesBeforeEachRead() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = Thread { [fds] in
            // Three writes a little apart: the reader waits for each.
            for chunk in ["{\"a\":1}\n{\"a\"", ":2}\n", "{\"a\":3}"] {
                chunk.utf8CString.withUnsafeBufferPointer { p in _ = write(fds[1], p.baseAddress!, p.count - 1) }
                usleep(20_000)
            }
            close(fds[1])
        }
        writer.start()
        var flushes = 0
        let reader = RecordReader(LineReader([.descriptor(fds[0], name: "stdin")], willBlock: { flushes += 1 }))
        var values: [Int64] = []
        while let event = try reader.next() {
            if case .record(let r) = event, let v = r["a"]?.int64 { values.append(v) }
        }
        #expect(values == [1, 2, 3])
        #expect(flushes >= 3)
    }

    @Test func regularFilesNeverCallWillBlock() throws {
        let files = try InputFiles()
        let a = try files.write("a", "x\ny\n")
        var calls = 0
        _ = try readAll(LineReader(arguments: [a], bufferSize: 1, willBlock: { calls += 1 }))
        #expect(calls == 0)
    }

    @Test func whatWillBlockThrowsEndsTheRead() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[1])
        let reader = LineReader([.descriptor(fds[0], name: "stdin")], willBlock: { throw OutputError(errno: .brokenPipe) })
        #expect(throws: OutputError.self) { _ = try reader.next() }
    }

    @Test func argumentsMeanStdinWhenEmptyAndForDash() {
        #expect(LineReader.Input.fromArguments([]) == [.stdin])
        #expect(LineReader.Input.fromArguments(["a", "-", "b"]) == [.path("a"), .stdin, .path("b")])
        #expect(LineReader.Input.stdin.name == "stdin")
    }

    @Test func recordReaderLocatesBadLinesAndTruncation() throws {
        let files = try InputFiles()
        let a = try files.write("a", "{\"pid\":1}\n\n{\"pid\":2,}\n{\"pid\":3}\n{\"pid\":4,\"cmdline\":\"tru")
        let reader = RecordReader(arguments: [a, files.path("gone")])
        let pid = RecordKey("pid")
        var out: [String] = []
        while let event = try reader.next() {
            switch event {
            case .record(let r):
                out.append("\(reader.lineNumber): pid \(r[pid]?.int64 ?? -1)")
                if r["comm"] == nil { out.append(reader.problem("missing field 'comm'").description) }
            case .failure(let e): out.append(e.description)
            }
        }
        #expect(shortNames(out, files) == [
            "1: pid 1",
            "a:1:9: missing field 'comm'",
            "a:2:1: empty line",
            "a:3:10: expected a key",
            "4: pid 3",
            "a:4:9: missing field 'comm'",
            "a:5:20: unterminated string (the last line has no newline: the input may be cut short)",
            "cannot open 'gone': No such file or directory",
        ])
    }
}

import Foundation
import Testing
@testable import PSCore

/// `pscsv -a FILE` / `pstsv -a FILE` run as root from cron, in directories other users may own:
/// a planted link is not followed, only a regular file is written, rows never glue onto a last
/// line without its newline, and concurrent runs on a new file write one header.
@Suite struct TableAppendTests {
    static let record = #"{"ts":1,"pid":7,"comm":"seven"}"# + "\n"

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-append-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: ["pscsv", "pstsv"])
    func aPlantedSymlinkIsNotFollowed(tool: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("passwd").path
        try "root:x:0:0\n".write(toFile: target, atomically: true, encoding: .utf8)
        let link = dir.appendingPathComponent("pg.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let run = try TestSupport.shell("\(tool) -a '\(link)'", stdin: Data(Self.record.utf8))
        #expect(run.status == 1)
        #expect(run.stderr == "\(tool): '\(link)' is a symbolic link; not followed when writing (name its target)\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "root:x:0:0\n")
        // A dangling link is not created through either.
        let dangling = dir.appendingPathComponent("new.csv").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: dir.appendingPathComponent("created").path)
        #expect(try TestSupport.shell("\(tool) -a '\(dangling)'", stdin: Data(Self.record.utf8)).status == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("created").path))
    }

    @Test(arguments: ["pscsv", "pstsv"])
    func aFIFOIsRefusedWithWhy(tool: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("rows").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try TestSupport.shell("\(tool) -a '\(fifo)'", stdin: Data(Self.record.utf8))
        #expect(run.status == 1)
        #expect(run.stderr == "\(tool): '\(fifo)' is a FIFO, not a regular file; refusing to write to it\n")
        let directory = try TestSupport.shell("\(tool) -a '\(dir.path)'", stdin: Data(Self.record.utf8))
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("refusing to write to it") || directory.stderr.contains("Is a directory"), "\(directory.stderr)")
    }

    @Test(arguments: [("pscsv", "pid,comm\n1,x", "pid,comm\n1,x\n7,seven\n"), ("pstsv", "pid\tcomm\n1\tx", "pid\tcomm\n1\tx\n7\tseven\n"),
                      ("pscsv", "pid,comm", "pid,comm\n7,seven\n")])
    func aLastLineWithoutNewlineGetsOneBeforeTheFirstRow(tool: String, before: String, after: String) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t").path
        try before.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try TestSupport.shell("\(tool) -f pid,comm -a '\(file)'", stdin: Data(Self.record.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == after)
        // --no-header too.
        try "1,x".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try TestSupport.shell("\(tool) --no-header -f pid -a '\(file)'", stdin: Data(Self.record.utf8))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "1,x\n7\n")
    }

    /// Three to five runs started together on a new file, many times: exactly one header each
    /// time, every row there, none glued.
    @Test func concurrentRunsOnANewFileWriteOneHeader() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.ndjson").path
        try (0..<50).map { #"{"ts":1,"pid":\#($0),"comm":"c"}"# + "\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        var script = ""
        for trial in 0..<40 {
            let runs = 3 + trial % 3
            let file = dir.appendingPathComponent("t\(trial).csv").path
            // Half the trials take the columns from the first record, half from -f.
            let fields = trial % 2 == 0 ? "" : "-f ts,pid,comm"
            for _ in 0..<runs { script += "pscsv \(fields) -a '\(file)' < '\(input)' &\n" }
        }
        script += "wait\n"
        let run = try TestSupport.shell(script)
        #expect(run.status == 0, "\(run.stderr)")
        for trial in 0..<40 {
            let runs = 3 + trial % 3
            let text = try String(contentsOfFile: dir.appendingPathComponent("t\(trial).csv").path, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.filter { $0 == "ts,pid,comm" }.count == 1, "trial \(trial): \(lines.filter { $0.hasPrefix("ts") })")
            #expect(lines.first == "ts,pid,comm", "trial \(trial)")
            #expect(lines.count == 1 + 50 * runs + 1, "trial \(trial)")
            #expect(text.hasSuffix("\n"))
        }
    }
}

import Foundation
import Testing
@testable import PSCore

/// Every input the fuzzers kept (Tests/Fixtures/fuzz/, grown by bench/fuzz.sh) goes through the
/// parsers again: no crash, no hang, and an error always points inside its input.
@Suite struct FuzzCorpusReplayTests {
    static func corpus(_ target: String) -> [URL] {
        let dir = TestSupport.fixtures.appendingPathComponent("fuzz/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test func recordParserAcceptsOrRejectsEveryCorpusInput() throws {
        let files = Self.corpus("record")
        #expect(files.count > 10)
        let parser = RecordParser()
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            bytes.withUnsafeBufferPointer { b in
                do {
                    let r = try parser.parse(b)
                    for i in 0..<r.count {
                        let v = r.value(at: i)
                        _ = v.double
                        var out: [UInt8] = []
                        _ = v.appendDecodedString(to: &out)
                        v.forEachElement { _ = $0.kind }
                    }
                    #expect(r.object.first == 0x7B && r.object.last == 0x7D)
                } catch let error as RecordSyntaxError {
                    #expect(error.column >= 1 && error.column <= b.count + 1, "\(file.lastPathComponent)")
                } catch {
                    Issue.record("\(error)")
                }
            }
        }
    }

    @Test func queryParserCompilesOrPointsInsideEveryCorpusInput() throws {
        let files = Self.corpus("query")
        #expect(files.count > 10)
        let parser = RecordParser()
        let snapshot = [#"{"ts":1,"pid":1,"ppid":0,"comm":"init","rss":1048576}"#, #"{"ts":1,"pid":5,"ppid":1,"comm":"a\"b","tty":null}"#]
            .map { line in Array(line.utf8).withUnsafeBufferPointer { try! parser.parse($0).copy() } }
        for file in files {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            do {
                let q = try Query(text)
                #expect(q.select(snapshot).count == 2)
            } catch {
                #expect(error.start >= 0 && error.end <= text.utf8.count, "\(file.lastPathComponent)")
                #expect(error.render(toolName: "psfilter").split(separator: "\n", omittingEmptySubsequences: false).count == 3)
            }
        }
    }

    @Test func procParsersTakeEveryCorpusInput() throws {
        let files = Self.corpus("procstat")
        #expect(files.count > 10)
        for file in files {
            let data = try Data(contentsOf: file)
            data.withUnsafeBytes { FuzzTargets.procParsers($0.bindMemory(to: UInt8.self)) }
        }
    }

    /// The regex engine's corpus: each input compiles or is refused with a reason, answers the
    /// same twice and in a group (FuzzTargets.regexEngine), and agrees with glibc where the
    /// fuzzer compared them (ASCII, no anchors or counts, few repetitions).
    @Test func regexEngineTakesEveryCorpusInput() throws {
        let files = Self.corpus("regex")
        #expect(files.count > 10)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let answer = bytes.withUnsafeBufferPointer { FuzzTargets.regexEngine($0) }
            guard let answer, let first = bytes.first else { continue }
            let k = min(Int(first & 0x3F), bytes.count - 1)
            let pattern = Array(bytes[1..<(1 + k)]), text = Array(bytes[(1 + k)...])
            guard text.count <= 64, pattern.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), text.allSatisfy({ $0 > 0 && $0 < 0x80 }),
                  !pattern.contains(0x5E), !pattern.contains(0x24), !pattern.contains(0x5C), !pattern.contains(0x7B),
                  pattern.filter({ $0 == 0x2A || $0 == 0x2B || $0 == 0x3F }).count <= 6 else { continue }
            let glibc = RegexEngineTests.glibc(String(decoding: pattern, as: UTF8.self), String(decoding: text, as: UTF8.self))
            if let glibc { #expect(glibc == answer, "\(file.lastPathComponent)") }
        }
    }
}

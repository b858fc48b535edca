import Foundation
import Testing

/// man/pstools.7 is written by hand: it must still be clean roff and name every tool.
@Suite struct PSToolsPageTests {
    static let page = TestSupport.packageRoot.appendingPathComponent("man/pstools.7")

    @Test(.enabled(if: TestSupport.hasCommand("groff"), "groff is not installed"), arguments: ["-Tps", "-Tutf8"])
    func pstoolsPageHasNoGroffWarnings(device: String) throws {
        let run = try TestSupport.shell("groff -man -ww -z \(device) '\(Self.page.path)'")
        #expect(run.status == 0 && run.stderr.isEmpty, "groff \(device) on pstools.7:\n\(run.stderr)")
    }

    @Test func pstoolsPageNamesEveryTool() throws {
        let text = try String(contentsOf: Self.page, encoding: .utf8)
        for tool in ["pssnap", "psfilter", "psdelta", "psagg", "pscsv", "pstsv"] {
            #expect(text.contains(".BR \(tool) (1)\n"), "\(tool) in THE TOOLS")
        }
    }
}

/// The repository stands alone, and the README's first two commands are the ones a newcomer runs.
@Suite struct RepositoryTests {
    static func fencedBlocks(_ text: String) -> [(language: String, body: String)] {
        var blocks: [(String, String)] = []
        var current: (String, [Substring])? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let c = current { blocks.append((c.0, c.1.joined(separator: "\n"))); current = nil }
                else { current = (String(line.dropFirst(3)), []) }
            } else if current != nil {
                current!.1.append(line)
            }
        }
        return blocks
    }

    @Test func theReadmesFirstTwoBlocksAreBuildAndRunThenTheTests() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = Self.fencedBlocks(readme)
        #expect(blocks.count >= 2)
        guard blocks.count >= 2 else { return }
        #expect(blocks[0].language == "sh" && blocks[1].language == "sh")
        #expect(blocks[0].body.contains("swift build") && blocks[0].body.contains("pssnap") && blocks[0].body.contains("|"))
        // .ci/run runs exactly the README's test command.
        let ci = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent(".ci/run"), encoding: .utf8)
        let lastCommand = ci.split(separator: "\n").last { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lastCommand.map(String.init) == blocks[1].body.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func nothingInTheRepositoryRefersToAContractOutsideIt() throws {
        let run = try TestSupport.shell("cd '\(TestSupport.packageRoot.path)' && git grep -l -I -e 'SPEC[.]md' -e 'SPEC[ ]§'; true")
        #expect(run.stdoutText == "", "files that refer to a contract outside the repository: \(run.stdoutText)")
    }
}

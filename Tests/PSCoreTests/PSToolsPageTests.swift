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

import Foundation
import Testing
@testable import PSCore

/// man/ and completions/ are generated from the option tables (as ripgrep does); these tests fail
/// when a committed file is stale and check that what the renderers write is valid roff and shell.
///
/// Regenerate with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs
@Suite struct GeneratedDocsTests {
    static let tools = (allToolSpecs + [MultiCall.spec]).map(\.name)
    static let regenerate = "PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs"

    @Test(arguments: tools)
    func committedFilesMatchTheOptionTable(tool: String) throws {
        let update = ProcessInfo.processInfo.environment["PSTOOLS_UPDATE_GENERATED"] == "1"
        for file in generatedFiles(try spec(tool)) {
            let url = packageRoot.appendingPathComponent(file.path)
            if update {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try file.text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let committed = try? String(contentsOf: url, encoding: .utf8) else {
                Issue.record("\(file.path) is missing; generate it with: \(Self.regenerate)")
                continue
            }
            if committed != file.text {
                Issue.record("""
                    \(file.path) is stale (\(firstDifference(committed, file.text))); \
                    regenerate it with: \(Self.regenerate)
                    """)
            }
        }
    }

    /// README's field reference is FieldTable rendered as Markdown, between two markers.
    @Test func readmeFieldTableMatchesTheFieldTable() throws {
        let url = packageRoot.appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let begin = "<!-- fields:begin (generated from FieldTable) -->\n", end = "<!-- fields:end -->"
        let start = try #require(readme.range(of: begin), "README.md lacks the fields:begin marker")
        let stop = try #require(readme.range(of: end, range: start.upperBound..<readme.endIndex))
        let current = String(readme[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["PSTOOLS_UPDATE_GENERATED"] == "1" {
            try (String(readme[..<start.upperBound]) + FieldTable.markdown + String(readme[stop.lowerBound...]))
                .write(to: url, atomically: true, encoding: .utf8)
        } else if current != FieldTable.markdown {
            Issue.record("README.md's field table is stale (\(firstDifference(current, FieldTable.markdown))); regenerate it with: \(Self.regenerate)")
        }
    }

    /// A file left by a tool that was renamed or removed. Only files that say they were generated
    /// are considered, so a hand-written page is never touched.
    @Test func everyGeneratedFileBelongsToATool() throws {
        let update = ProcessInfo.processInfo.environment["PSTOOLS_UPDATE_GENERATED"] == "1"
        let expected = Set((allToolSpecs + [MultiCall.spec]).flatMap { generatedFiles($0).map(\.path) })
        for directory in ["man", "completions"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent(directory).path)) ?? []
            for name in names.sorted() where !expected.contains("\(directory)/\(name)") {
                let url = packageRoot.appendingPathComponent(directory).appendingPathComponent(name)
                guard let text = try? String(contentsOf: url, encoding: .utf8), text.contains(Self.regenerate) else { continue }
                if update {
                    try FileManager.default.removeItem(at: url)
                } else {
                    Issue.record("\(directory)/\(name) was generated for no current tool; remove it with: \(Self.regenerate)")
                }
            }
        }
    }

    @Test(.enabled(if: executable("groff") != nil, "groff is not installed"), arguments: tools)
    func manPageHasNoGroffWarnings(tool: String) throws {
        let page = ManPageRenderer.render(try spec(tool))
        // The default device (ps) and the terminal one know different glyphs.
        for device in ["-Tps", "-Tutf8"] {
            let result = try run("groff", ["-man", "-ww", "-z", device], input: page, fileName: "\(tool).1")
            #expect(result.status == 0 && result.stderr.isEmpty, "groff \(device) on \(tool).1:\n\(result.stderr)")
        }
    }

    @Test(arguments: tools)
    func bashCompletionIsValidBash(tool: String) throws {
        let result = try run("bash", ["-n"], input: CompletionRenderer.bash(try spec(tool)), fileName: "\(tool).bash")
        #expect(result.status == 0 && result.stderr.isEmpty, "bash -n on \(tool).bash:\n\(result.stderr)")
    }

    @Test(.enabled(if: executable("zsh") != nil, "zsh is not installed"), arguments: tools)
    func zshCompletionIsValidZsh(tool: String) throws {
        let result = try run("zsh", ["-n"], input: CompletionRenderer.zsh(try spec(tool)), fileName: "_\(tool)")
        #expect(result.status == 0 && result.stderr.isEmpty, "zsh -n on _\(tool):\n\(result.stderr)")
    }

    @Test(.enabled(if: executable("fish") != nil, "fish is not installed"), arguments: tools)
    func fishCompletionIsValidFish(tool: String) throws {
        let result = try run("fish", ["--no-execute"], input: CompletionRenderer.fish(try spec(tool)), fileName: "\(tool).fish")
        #expect(result.status == 0 && result.stderr.isEmpty, "fish --no-execute on \(tool).fish:\n\(result.stderr)")
    }
}

/// What the completions do, on a table of their own so that these tests do not move with the tools.
@Suite struct GeneratedDocsCompletionTests {
    static let spec = ToolSpec(
        name: "pscomp",
        summary: "test the completions",
        usage: ["[OPTIONS] [FILE...]"],
        description: [],
        options: [
            OptionSpec("i", "interval", value: "SECONDS", help: "repeat"),
            OptionSpec("f", "files", value: "LIST", help: "groups", completion: .listOf(["stat", "status", "smaps", "net"])),
            OptionSpec("o", "output", value: "FILE", help: "output file", completion: .file),
            OptionSpec(nil, "root", value: "DIR", help: "root", completion: .directory),
            OptionSpec("s", "sort", value: "KEY", help: "sort key", completion: .oneOf(["pid", "start", "comm"])),
            OptionSpec("T", "threads", help: "per thread"),
        ],
        operandCompletion: .oneOf(["alpha", "beta"]),
        examples: []
    )

    /// COMP_WORDS as bash splits them (COMP_WORDBREAKS holds '=' but not ','), the last one
    /// under the cursor.
    func bashCompletions(_ words: [String], in directory: URL? = nil) throws -> [String] {
        let script = CompletionRenderer.bash(Self.spec) + """
            COMP_WORDS=(\(words.map(CompletionRenderer.shellQuote).joined(separator: " ")))
            COMP_CWORD=\(words.count - 1)
            _pscomp 2>/dev/null
            printf '%s\\n' "${COMPREPLY[@]}"

            """
        let result = try run("bash", [], input: script, fileName: "complete.bash", directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func bashCompletesOptionsInBothForms() throws {
        #expect(try bashCompletions(["pscomp", "-"]).count == 14)
        #expect(try bashCompletions(["pscomp", "--s"]) == ["--sort"])
    }

    @Test func bashCompletesTheItemAfterTheLastCommaKeepingThePlus() throws {
        #expect(try bashCompletions(["pscomp", "-f", "+smaps,+n"]) == ["+smaps,+net"])
        #expect(try bashCompletions(["pscomp", "-f", "stat,s"]) == ["stat,smaps", "stat,stat", "stat,status"])
        #expect(try bashCompletions(["pscomp", "-f+sm"]) == ["-f+smaps"])
        #expect(try bashCompletions(["pscomp", "--files", "=", "+s"]) == ["+smaps", "+stat", "+status"])
        #expect(try bashCompletions(["pscomp", "--files", "="]) == ["net", "smaps", "stat", "status"])
        #expect(try bashCompletions(["pscomp", "--files=stat,-s"]) == ["--files=stat,-smaps", "--files=stat,-stat", "--files=stat,-status"])
        // As for getopt, the word after an option that takes a value is that value, even '-n'.
        #expect(try bashCompletions(["pscomp", "-f", "-n"]) == ["-net"])
    }

    @Test func bashCompletesWordsFilesAndDirectories() throws {
        #expect(try bashCompletions(["pscomp", "--sort", "="]) == ["comm", "pid", "start"])
        #expect(try bashCompletions(["pscomp", "-s", "s"]) == ["start"])
        #expect(try bashCompletions(["pscomp", "-i", ""]) == [])
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("a_dir"), withIntermediateDirectories: true)
            try "".write(to: directory.appendingPathComponent("a_file"), atomically: true, encoding: .utf8)
            #expect(try bashCompletions(["pscomp", "-o", "a_"], in: directory) == ["a_dir", "a_file"])
            #expect(try bashCompletions(["pscomp", "--root", "a_"], in: directory) == ["a_dir"])
        }
    }

    @Test func bashCompletesOperandsAndOnlyOperandsAfterDoubleDash() throws {
        #expect(try bashCompletions(["pscomp", "-T", ""]) == ["alpha", "beta"])
        #expect(try bashCompletions(["pscomp", "--", "-"]) == [])
        #expect(try bashCompletions(["pscomp", "--", "-i", "a"]) == ["alpha"])
    }

    func fishCompletions(_ commandLine: String) throws -> [String] {
        let script = CompletionRenderer.fish(Self.spec)
            + "complete -C \(CompletionRenderer.fishQuote(commandLine)) | string replace -r '\\t.*' ''\n"
        let result = try run("fish", ["--no-config"], input: script, fileName: "complete.fish")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test(.enabled(if: executable("fish") != nil, "fish is not installed"))
    func fishCompletesListsWordsAndOptions() throws {
        #expect(try fishCompletions("pscomp -f +smaps,+n") == ["+smaps,+net"])
        #expect(try fishCompletions("pscomp -f-smaps,-n") == ["-f-smaps,-net"])
        #expect(try fishCompletions("pscomp --files=stat,s").contains("--files=stat,smaps"))
        #expect(try fishCompletions("pscomp --sort ") == ["comm", "pid", "start"])
        #expect(try fishCompletions("pscomp --th") == ["--threads"])
        #expect(try fishCompletions("pscomp ") == ["alpha", "beta"])
    }
}

/// The real tools' completions where a field or a command is expected: field names for a QUERY
/// operand and `-g`/`-q`, commands after `pssnap --`.
@Suite struct ToolCompletionTests {
    func bash(_ tool: String, _ words: [String]) throws -> [String] {
        let script = """
            source '\(packageRoot.path)/completions/\(tool).bash'
            COMP_WORDS=(\(words.map(CompletionRenderer.shellQuote).joined(separator: " ")))
            COMP_CWORD=\(words.count - 1)
            _\(tool) 2>/dev/null
            printf '%s\\n' "${COMPREPLY[@]}"

            """
        let result = try TestSupport.shell("bash", stdin: Data(script.utf8))
        return result.lines.map(String.init).sorted()
    }

    func fish(_ tool: String, _ line: String) throws -> [String] {
        let script = "source '\(packageRoot.path)/completions/\(tool).fish'\ncomplete -C \(CompletionRenderer.fishQuote(line)) | string replace -r '\\t.*' ''\n"
        let result = try TestSupport.shell("fish --no-config", stdin: Data(script.utf8))
        return result.lines.map(String.init).sorted()
    }

    @Test func aQueryOperandCompletesFieldNames() throws {
        #expect(try bash("psfilter", ["psfilter", "rs"]) == ["rss"])
        #expect(try bash("psfilter", ["psfilter", "cpu_u"]) == ["cpu_user"])
        #expect(try bash("pssnap", ["pssnap", "-i", "1", "cm"]) == ["cmdline"])
        #expect(try bash("psagg", ["psagg", "-q", "rs"]) == ["rss"])
        #expect(try bash("psagg", ["psagg", "-g", "us"]) == ["user"])
        #expect(try fish("psfilter", "psfilter rs") == ["rss"])
        #expect(try fish("pssnap", "pssnap --host cm") == ["cmdline"])
    }

    @Test func afterDoubleDashPssnapCompletesACommand() throws {
        let commands = try bash("pssnap", ["pssnap", "-i1", "--", "chmo"])
        #expect(commands.contains("chmod") && commands.allSatisfy { $0.hasPrefix("chmo") }, "\(commands)")
        #expect(try bash("pssnap", ["pssnap", "--", "ls", "/et"]) == ["/etc"])
        #expect(try fish("pssnap", "pssnap -- chmo").contains("chmod"))
    }
}

/// How spec text becomes roff.
@Suite struct GeneratedDocsRoffTests {
    @Test(arguments: [
        ("per-process, time-series", "per-process, time-series"),
        ("-i, --strict, nice<-5, a - b", "\\-i, \\-\\-strict, nice<\\-5, a \\- b"),
        ("a \\ b, \\fB", "a \\e b, \\efB"),
        ("x → y", "x \\[u2192] y"),
        ("comm~^nginx 'q'", "comm\\(ti\\(hanginx 'q'"),
    ])
    func plainTextIsEscaped(source: String, roff: String) {
        #expect(RoffText.plain.escape(source) == roff)
    }

    @Test func literalTextHasMinusesAndStraightQuotes() {
        #expect(RoffText.literal.escape("psfilter 'x-y' `z`") == "psfilter \\(aqx\\-y\\(aq \\(gaz\\(ga")
    }

    @Test func markupPassesThroughAndDashesAfterAFontChangeAreMinuses() {
        #expect(RoffText.markup.escape("\\fB-i\\fR, \\-x, \\f(CWa-b\\fP, \\(em") == "\\fB\\-i\\fR, \\-x, \\f(CWa-b\\fP, \\(em")
    }

    @Test func linesThatWouldBeRequestsAreGuarded() {
        var page = RoffPage()
        page.text("..X selects ancestors\n'quoted\n\nnext", as: .markup, paragraphBreak: ".PP")
        #expect(page.output == "\\&..X selects ancestors\n\\&'quoted\n.PP\nnext\n")
    }

    @Test func optionsSynopsisAndReferences() {
        #expect(ManPageRenderer.optionHead(OptionSpec("i", "interval", value: "SECONDS", help: ""))
            == "\\fB\\-i\\fR, \\fB\\-\\-interval\\fR \\fISECONDS\\fR")
        #expect(ManPageRenderer.optionHead(OptionSpec(nil, "proc-root", help: "")) == "\\fB\\-\\-proc\\-root\\fR")
        #expect(ManPageRenderer.synopsisLine("pssnap", "[OPTIONS] -- COMMAND [ARGS...]")
            == "\\fBpssnap\\fR [\\fIOPTIONS\\fR] \\fB\\-\\-\\fR \\fICOMMAND\\fR [\\fIARGS\\fR...]")
        #expect(ManPageRenderer.seeAlsoReference("psfilter(1)") == "\\fBpsfilter\\fR(1)")
    }
}

// MARK: helpers

private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func spec(_ tool: String) throws -> ToolSpec {
    try #require((allToolSpecs + [MultiCall.spec]).first { $0.name == tool })
}

/// The files generated for a tool, by path from the package root.
private func generatedFiles(_ spec: ToolSpec) -> [(path: String, text: String)] {
    [
        ("man/\(spec.name).1", ManPageRenderer.render(spec)),
        ("completions/\(spec.name).bash", CompletionRenderer.bash(spec)),
        ("completions/_\(spec.name)", CompletionRenderer.zsh(spec)),
        ("completions/\(spec.name).fish", CompletionRenderer.fish(spec)),
    ]
}

/// "line 12: committed `…`, generated `…`", to show what changed without a diff tool.
private func firstDifference(_ committed: String, _ generated: String) -> String {
    let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
    let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(old.count, new.count) {
        let a = i < old.count ? String(old[i]) : "(end of file)"
        let b = i < new.count ? String(new[i]) : "(end of file)"
        if a != b { return "line \(i + 1): committed `\(a)`, generated `\(b)`" }
    }
    return "they differ"
}

private func executable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

private func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-docs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

private struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `name arguments FILE` on `input` saved as FILE; output goes through files, so a chatty
/// program cannot fill a pipe and stall.
private func run(_ name: String, _ arguments: [String], input: String, fileName: String,
                 directory: URL? = nil) throws -> RunResult {
    let path = try #require(executable(name), "\(name) is not installed")
    return try withTemporaryDirectory { temporary in
        let inputURL = temporary.appendingPathComponent(fileName)
        let stdoutURL = temporary.appendingPathComponent("stdout")
        let stderrURL = temporary.appendingPathComponent("stderr")
        try input.write(to: inputURL, atomically: true, encoding: .utf8)
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + [inputURL.path]
        process.currentDirectoryURL = directory ?? temporary
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus,
                         stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
                         stderr: try String(contentsOf: stderrURL, encoding: .utf8))
    }
}

/// `pstools --install` carries the hand-written man pages in the binary: the Swift file that holds
/// them is generated from man/*.7 and must match.
@Suite struct HandWrittenPagesTests {
    static let pages = ["pstools.7", "pstools-query.7"]

    static func render() throws -> String {
        var s = """
            // Generated from man/*.7 by HandWrittenPagesTests (PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs).
            // Do not edit: edit the page and regenerate. `pstools --install` writes these pages.

            enum HandWrittenPages {
                static let all: [(name: String, text: String)] = [

            """
        for page in pages {
            let text = try String(contentsOf: packageRoot.appendingPathComponent("man/\(page)"), encoding: .utf8)
            s += "        (\"\(page)\", ##\"\"\"\n\(text)\"\"\"##),\n"
        }
        s += "    ]\n}\n"
        return s
    }

    @Test func theBinaryCarriesTheCurrentPages() throws {
        let url = packageRoot.appendingPathComponent("Sources/PSCore/CLI/HandWrittenPages.swift")
        let generated = try Self.render()
        if ProcessInfo.processInfo.environment["PSTOOLS_UPDATE_GENERATED"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == generated, "Sources/PSCore/CLI/HandWrittenPages.swift is stale; regenerate it with: PSTOOLS_UPDATE_GENERATED=1 swift test --filter GeneratedDocs")
        for page in HandWrittenPages.all {
            #expect(try String(contentsOf: packageRoot.appendingPathComponent("man/\(page.name)"), encoding: .utf8) == page.text + "\n")
        }
    }
}

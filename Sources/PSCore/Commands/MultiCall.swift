#if canImport(Glibc)
import Glibc
#endif

/// The multi-call `pstools` binary: one static file to copy onto a server. It runs the tool its
/// name says (`pssnap` as a link to it), or `pstools TOOL ARGS...`; `pstools --install PREFIX`
/// puts the tools, their man pages and their shell completions under PREFIX.
public enum MultiCall {
    public static let spec = ToolSpec(
        name: "pstools",
        summary: "all the pstools in one binary",
        usage: ["TOOL [ARGS...]", "--install PREFIX", "--list"],
        description: [
            "\\fBpstools\\fR is every pstools tool in one statically linked file, to copy onto a machine that has nothing else: it needs no Swift, no libraries and no configuration, only a Linux kernel and its /proc. Run as \\fBpstools\\fR \\fITOOL\\fR [\\fIARGS\\fR...], or through a link named after the tool (\\fBln \\-s pstools pssnap\\fR), which is what \\fB\\-\\-install\\fR makes. Each tool behaves exactly as its own executable does.",
            "Build it with \\fBswift build \\-c release \\-\\-product pstools \\-Xswiftc \\-static\\-executable \\-Xlinker \\-\\-gc\\-sections \\-Xlinker \\-s\\fR; the README gives its size.",
        ],
        options: [
            OptionSpec(nil, "install", value: "PREFIX", help: "install the tools, man pages and completions under PREFIX",
                       doc: "Make \\fIPREFIX\\fB/bin/\\fITOOL\\fR a symbolic link to this binary for every tool, and write the man pages to \\fIPREFIX\\fB/share/man/man1\\fR and \\fBman7\\fR, and the completions to \\fIPREFIX\\fB/share/bash\\-completion/completions\\fR, \\fIPREFIX\\fB/share/zsh/site\\-functions\\fR and \\fIPREFIX\\fB/share/fish/vendor_completions.d\\fR. Everything comes from the binary itself. An existing file that is not a link is left alone and reported (status 1); files are written through the same rules as every named output file (no symbolic link followed). \\fBpstools \\-\\-install /usr/local\\fR is the usual call.",
                       completion: .directory),
            OptionSpec(nil, "list", help: "list the tools, one a line"),
        ],
        operandCompletion: .oneOf(allToolMains.map(\.name)),
        examples: [
            ("pstools pssnap -i1 -n3 | pstools psdelta | pstools pscsv", "the tools through the one binary"),
            ("scp pstools server: && ssh server ./pstools --install /usr/local", "put pstools on a server: links, man pages, completions"),
        ],
        seeAlso: ["pstools(7)", "pssnap(1)"]
    )

    public static func main(arguments: [String] = CommandLine.arguments) -> Never {
        let invokedAs = arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        if let tool = allToolMains.first(where: { $0.name == invokedAs }) { tool.main() }
        var rest = Array(arguments.dropFirst())
        if let first = rest.first, let tool = allToolMains.first(where: { $0.name == first }) {
            rest.removeFirst()
            CommandLine.arguments = [tool.name] + rest
            tool.main()
        }
        ToolRunner.main(spec, arguments: rest) { args, out, diagnostics in
            if args.has("list") {
                for tool in allToolMains { out.appendText(tool.name + "\n") }
                return 0
            }
            if let prefix = args.value("install") { return try install(prefix: prefix, output: out, diagnostics: diagnostics) }
            guard let first = args.operands.first else { throw UsageError("no tool named") }
            let hint = FieldTable.nearest(to: first, among: allToolMains.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
            throw UsageError("unknown tool '\(first)'\(hint)")
        }
    }

    /// Every file `--install` writes besides the links: (path under PREFIX, contents).
    public static func installedFiles() -> [(path: String, text: String)] {
        var files: [(String, String)] = []
        for spec in allToolSpecs + [spec] {
            files += [
                ("share/man/man1/\(spec.name).1", ManPageRenderer.render(spec)),
                ("share/bash-completion/completions/\(spec.name)", CompletionRenderer.bash(spec)),
                ("share/zsh/site-functions/_\(spec.name)", CompletionRenderer.zsh(spec)),
                ("share/fish/vendor_completions.d/\(spec.name).fish", CompletionRenderer.fish(spec)),
            ]
        }
        for page in HandWrittenPages.all { files.append(("share/man/man7/\(page.name)", page.text + "\n")) }
        return files
    }

    static func install(prefix: String, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard n > 0 else { throw RuntimeError("cannot find this binary's path: \(Errno.current.message)") }
        let me = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let root = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        var status: Int32 = 0
        func makeDirectories(_ path: String) throws {
            var partial = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                partial += "/" + component
                if mkdir(partial, 0o755) != 0 && errno != EEXIST { throw RuntimeError("cannot make '\(partial)': \(Errno.current.message)") }
            }
        }
        try makeDirectories(root + "/bin")
        for tool in allToolMains.map(\.name) + ["pstools"] {
            let link = root + "/bin/" + tool
            if link == me { continue }
            var st = stat()
            if lstat(link, &st) == 0 {
                guard st.st_mode & S_IFMT == S_IFLNK else {
                    diagnostics.report("'\(link)' exists and is not a link; left alone")
                    status = 1
                    continue
                }
                unlink(link)
            }
            if symlink(me, link) != 0 {
                diagnostics.report("cannot link '\(link)': \(Errno.current.message)")
                status = 1
            } else {
                output.appendText("\(link) -> \(me)\n")
            }
        }
        for file in installedFiles() {
            let path = root + "/" + file.path
            try makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
            var text = file.text
            let written = text.withUTF8 { OutputFile.replace(path, with: $0) }
            if case .failure(let e) = written {
                diagnostics.report(e.message)
                status = 1
            } else {
                output.appendText(path + "\n")
            }
        }
        return status
    }
}

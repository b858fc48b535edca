#if canImport(Glibc)
import Glibc
#endif

/// The multi-call `pstools` binary: one static file to copy onto a server. It runs the tool its
/// name says (`pssnap` as a link to it), or `pstools TOOL ARGS...`; `pstools --install PREFIX`
/// makes PREFIX/bin/TOOL links to itself for every tool.
public enum MultiCall {
    static let usage = """
    usage: pstools TOOL [ARGS...]     run one of the tools
           pstools --install PREFIX   link every tool name to this binary in PREFIX/bin
           pstools --list             the tools, one a line
           pstools --version
    A link to this binary named after a tool runs that tool: ln -s pstools pssnap.
    Man pages and completions: see the man/ and completions/ folders of the source.

    """

    public static func main(arguments: [String] = CommandLine.arguments) -> Never {
        let invokedAs = arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        if let tool = allToolMains.first(where: { $0.name == invokedAs }) { tool.main() }
        var rest = Array(arguments.dropFirst())
        guard let first = rest.first else { fail("pstools: no tool named\n" + usage, status: 2) }
        switch first {
        case "-h", "--help":
            print(usage, terminator: "")
            exit(0)
        case "--version":
            print("pstools \(ToolSpec.version)")
            exit(0)
        case "--list":
            for tool in allToolMains { print(tool.name) }
            exit(0)
        case "--install":
            guard rest.count == 2 else { fail("pstools: --install takes one PREFIX\n" + usage, status: 2) }
            install(prefix: rest[1])
        default:
            guard let tool = allToolMains.first(where: { $0.name == first }) else {
                let hint = FieldTable.nearest(to: first, among: allToolMains.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
                fail("pstools: unknown tool '\(first)'\(hint)\n" + usage, status: 2)
            }
            rest.removeFirst()
            CommandLine.arguments = [tool.name] + rest
            tool.main()
        }
    }

    /// Links PREFIX/bin/TOOL to this binary (by its absolute path) for every tool. An existing
    /// link is replaced; an existing regular file is left alone and reported.
    static func install(prefix: String) -> Never {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard n > 0 else { fail("pstools: cannot find this binary's path: \(Errno.current.message)\n", status: 1) }
        let me = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bin = prefix.hasSuffix("/") ? prefix + "bin" : prefix + "/bin"
        mkdir(prefix, 0o755)
        if mkdir(bin, 0o755) != 0 && errno != EEXIST { fail("pstools: cannot make '\(bin)': \(Errno.current.message)\n", status: 1) }
        var status: Int32 = 0
        for tool in allToolMains {
            let link = bin + "/" + tool.name
            var st = stat()
            if lstat(link, &st) == 0 {
                guard st.st_mode & S_IFMT == S_IFLNK else {
                    FileHandleStderr.write("pstools: '\(link)' exists and is not a link; left alone\n")
                    status = 1
                    continue
                }
                unlink(link)
            }
            if symlink(me, link) != 0 {
                FileHandleStderr.write("pstools: cannot link '\(link)': \(Errno.current.message)\n")
                status = 1
            } else {
                print("\(link) -> \(me)")
            }
        }
        exit(status)
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandleStderr.write(message)
        exit(status)
    }
}

enum FileHandleStderr {
    static func write(_ text: String) {
        var t = text
        t.withUTF8 { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A runtime problem reported once, at the edge: `TOOL: message`, exit 1.
public struct RuntimeError: Error {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Writes `TOOL: message` lines to stderr, unbuffered.
public struct Diagnostics {
    public let tool: String
    /// Where messages go instead of stderr (in-process tests).
    let sink: ((String) -> Void)?

    public init(tool: String, sink: ((String) -> Void)? = nil) {
        self.tool = tool
        self.sink = sink
    }

    public func report(_ message: String) {
        if let sink { sink(message); return }
        writeLine("\(tool): \(message)\n")
    }

    /// Writes text that already names the tool (a query error with its caret lines), as it is.
    public func reportVerbatim(_ text: String) {
        if let sink { sink(text); return }
        writeLine(text + "\n")
    }

    private func writeLine(_ text: String) {
        var line = text
        line.withUTF8 { raw in SystemCall.writeAll(2, raw.baseAddress, raw.count) }
    }
}

/// What every tool's main does: parse, answer --help/--version, run, turn errors into messages and exit codes.
public enum ToolRunner {
    /// Runs `body` and exits with its status. `body` gets the parsed arguments and the tool's stdout buffer.
    public static func main(_ spec: ToolSpec, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                            _ body: (ParsedArguments, OutputBuffer, Diagnostics) throws -> Int32) -> Never {
        Signals.ignoreSIGPIPE()
        Memory.tool = spec.name
        let diagnostics = Diagnostics(tool: spec.name)
        let output = OutputBuffer(fd: 1)
        let status = run(spec, arguments: arguments, output: output, diagnostics: diagnostics, body)
        exit(status)
    }

    public static func run(_ spec: ToolSpec, arguments: [String], output: OutputBuffer, diagnostics: Diagnostics,
                           _ body: (ParsedArguments, OutputBuffer, Diagnostics) throws -> Int32) -> Int32 {
        do {
            let parsed = try ArgumentParser(spec).parse(arguments)
            if parsed.has("help") {
                output.appendText(HelpRenderer.help(spec))
                try output.flush()
                return 0
            }
            if parsed.has("version") {
                output.appendText("\(spec.name) \(ToolSpec.version)\n")
                try output.flush()
                return 0
            }
            let status = try body(parsed, output, diagnostics)
            try output.flush()
            return status
        } catch let error as UsageError {
            diagnostics.report(error.message)
            diagnostics.report("try '\(spec.name) --help' for more information")
            return 2
        } catch let error as QueryError {
            // A bad query: the message, the query and a caret under the problem; nothing was read.
            diagnostics.reportVerbatim(error.render(toolName: spec.name))
            return 2
        } catch let error as OutputError {
            // The reader went away: a normal end, silent. Anything else is a write error.
            if error.errno == .brokenPipe { return 0 }
            diagnostics.report("write error: \(error.errno.message)")
            return 1
        } catch let error as RuntimeError {
            diagnostics.report(error.message)
            return 1
        } catch {
            diagnostics.report("\(error)")
            return 1
        }
    }
}

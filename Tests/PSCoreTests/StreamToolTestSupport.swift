import Foundation
import Testing
@testable import PSCore

/// Runs a stream tool's command in-process, as its main would, on inputs written to temporary files.
enum StreamToolRun {
    typealias Command = (ParsedArguments, OutputBuffer, Diagnostics) throws -> Int32

    /// `inputs` become FILE operands, in order, after `args`.
    static func run(_ spec: ToolSpec, _ command: Command, _ args: [String] = [], inputs: [String]) throws -> InProcessRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-\(spec.name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (i, text) in inputs.enumerated() {
            let url = directory.appendingPathComponent("in\(i + 1).ndjson")
            try Data(text.utf8).write(to: url)
            paths.append(url.path)
        }
        let output = OutputBuffer(fd: -1)
        var errors: [String] = []
        let diagnostics = Diagnostics(tool: spec.name) { errors.append($0.replacingOccurrences(of: directory.path + "/", with: "")) }
        // Through ToolRunner, as main runs it: usage and runtime errors become messages and statuses.
        let status = ToolRunner.run(spec, arguments: args + paths, output: output, diagnostics: diagnostics, command)
        return InProcessRun(status: status, output: output.text, errors: errors)
    }
}

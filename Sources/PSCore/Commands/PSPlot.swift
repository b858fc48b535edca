/// psplot: draw fields of process records over time, as SVG or in the terminal.
public enum PSPlot {
    public static let spec = ToolSpec(
        name: "psplot",
        summary: "draw fields of process records over time, as SVG or in the terminal",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpsplot\\fR is not built yet.",
        ],
        options: [
            .strict,
        ],
        operandCompletion: .file,
        examples: [],
        seeAlso: ["pstools(7)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        throw RuntimeError("not built yet")
    }
}

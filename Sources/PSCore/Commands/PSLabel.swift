/// pslabel: add a label field to process records, from rules of queries.
public enum PSLabel {
    public static let spec = ToolSpec(
        name: "pslabel",
        summary: "add a label field to process records, from rules of queries",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpslabel\\fR is not built yet.",
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

/// pstrend: summarise each process or group of a recording, with a trend and leak verdict.
public enum PSTrend {
    public static let spec = ToolSpec(
        name: "pstrend",
        summary: "summarise each process or group of a recording, with a trend and leak verdict",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpstrend\\fR is not built yet.",
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

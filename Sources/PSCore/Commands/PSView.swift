/// psview: show process records to people: a tree table per snapshot.
public enum PSView {
    public static let spec = ToolSpec(
        name: "psview",
        summary: "show process records to people: a tree table per snapshot",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpsview\\fR is not built yet.",
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

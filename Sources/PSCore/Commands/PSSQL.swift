/// pssql: write process records as SQL for SQLite or PostgreSQL.
public enum PSSQL {
    public static let spec = ToolSpec(
        name: "pssql",
        summary: "write process records as SQL for SQLite or PostgreSQL",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpssql\\fR is not built yet.",
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

/// psexport: write process records as metrics for Prometheus, InfluxDB, OpenTSDB or Graphite.
public enum PSExport {
    public static let spec = ToolSpec(
        name: "psexport",
        summary: "write process records as metrics for Prometheus, InfluxDB, OpenTSDB or Graphite",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpsexport\\fR is not built yet.",
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

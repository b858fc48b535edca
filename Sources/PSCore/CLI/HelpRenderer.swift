/// `--help` text from a tool's option table.
public enum HelpRenderer {
    public static func help(_ spec: ToolSpec) -> String {
        var out = ""
        for (i, line) in spec.usage.enumerated() {
            out += (i == 0 ? "Usage: " : "       ") + spec.name + (line.isEmpty ? "" : " " + line) + "\n"
        }
        out += "\n" + capitalizedSentence(spec.summary) + "\n\nOptions:\n"
        let heads = spec.options.map(optionHead)
        let width = min(30, (heads.map(\.count).max() ?? 0) + 2)
        for (option, head) in zip(spec.options, heads) {
            var line = "  " + head
            if head.count + 2 >= width + 2 {
                line += "\n" + String(repeating: " ", count: width + 2)
            } else {
                line += String(repeating: " ", count: width - head.count)
            }
            out += line + option.help + "\n"
        }
        if !spec.examples.isEmpty {
            out += "\nExamples:\n"
            for example in spec.examples {
                out += "  " + example.command + "\n      " + example.explanation + "\n"
            }
        }
        out += "\nSee \(spec.name)(1) for the fields, units and exit status.\n"
        return out
    }

    /// `-i, --interval SECONDS` or `    --version`.
    public static func optionHead(_ option: OptionSpec) -> String {
        var head = option.short.map { "-\($0), " } ?? "    "
        head += "--" + option.long
        if let v = option.value { head += option.valueIsOptional ? " [" + v + "]" : " " + v }
        return head
    }

    static func capitalizedSentence(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst() + "."
    }
}

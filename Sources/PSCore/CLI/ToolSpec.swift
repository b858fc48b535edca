/// How a shell should complete an option's value.
public enum CompletionKind: Equatable, Sendable {
    case none
    case file
    case directory
    /// One word from a fixed list.
    case oneOf([String])
    /// A comma-separated list of words, each optionally prefixed with '+'.
    case listOf([String])
    /// A query: field names are offered where the word starts (no space after, an operator follows).
    case query([String])
    /// A command and its arguments (after `pssnap --`).
    case command
}

/// One command-line option. The option table of a tool drives its parser, `--help`,
/// its man page and its shell completions, so they cannot drift apart.
public struct OptionSpec: Sendable {
    public var short: Character?
    public var long: String
    /// The value's placeholder (`SECONDS`); nil for a flag.
    public var value: String?
    /// One line for `--help`.
    public var help: String
    /// Longer text for the man page; `help` when nil.
    public var doc: String?
    public var completion: CompletionKind

    public init(_ short: Character? = nil, _ long: String, value: String? = nil, help: String,
                doc: String? = nil, completion: CompletionKind = .none) {
        self.short = short
        self.long = long
        self.value = value
        self.help = help
        self.doc = doc
        self.completion = completion
    }

    public var takesValue: Bool { value != nil }

    public static let help = OptionSpec("h", "help", help: "print this help and exit")
    public static let version = OptionSpec(nil, "version", help: "print the version and exit")
    /// Every stream tool's `--strict` (pstools(7)), with one wording in every help text and man page.
    public static let strict = OptionSpec(nil, "strict", help: "stop at the first bad line",
        doc: "Stop at the first bad line (after reporting it), with status 1. By default a bad line is reported and skipped, and the run goes on.")
}

/// Everything a tool says about itself: parsed, printed by --help, rendered as man/TOOL.1.
public struct ToolSpec: Sendable {
    public var name: String
    /// For NAME in the man page: "snapshot the process tree".
    public var summary: String
    /// Usage lines without the tool name: "[OPTIONS] [QUERY]".
    public var usage: [String]
    /// Paragraphs for DESCRIPTION (man markup allowed: \fB..\fR).
    public var description: [String]
    public var options: [OptionSpec]
    /// What the operands mean (completion: how to complete them).
    public var operandCompletion: CompletionKind
    /// How to complete the first operand when it differs from the others (psfilter's QUERY).
    public var firstOperandCompletion: CompletionKind?
    /// How to complete the words after `--` when they differ from the operands (pssnap's COMMAND).
    public var afterDoubleDashCompletion: CompletionKind?
    public var examples: [(command: String, explanation: String)]
    /// Extra man sections: (title, roff body).
    public var extraSections: [(title: String, roff: String)]
    public var seeAlso: [String]

    public init(name: String, summary: String, usage: [String], description: [String], options: [OptionSpec],
                operandCompletion: CompletionKind = .none, firstOperandCompletion: CompletionKind? = nil,
                afterDoubleDashCompletion: CompletionKind? = nil,
                examples: [(command: String, explanation: String)], extraSections: [(title: String, roff: String)] = [],
                seeAlso: [String] = []) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.description = description
        self.options = options + [.help, .version]
        self.operandCompletion = operandCompletion
        self.firstOperandCompletion = firstOperandCompletion
        self.afterDoubleDashCompletion = afterDoubleDashCompletion
        self.examples = examples
        self.extraSections = extraSections
        self.seeAlso = seeAlso
    }

    public static let version = "0.1.0"
}

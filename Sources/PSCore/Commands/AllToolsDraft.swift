// TEMPORARY: stands in for Commands/AllTools.swift until the real option tables exist, so that
// GeneratedDocsTests has something to render. Delete this file when AllTools.swift defines
// `allToolSpecs`, then regenerate man/ and completions/ (and delete man/psdemo.1 and
// completions/*psdemo*).

/// Every tool's option table: the man pages and completions are generated from these.
public let allToolSpecs: [ToolSpec] = [demoSpec]

/// Exercises every CompletionKind and the text the man page must escape.
let demoSpec = ToolSpec(
    name: "psdemo",
    summary: "exercise the man page and completion generators",
    usage: ["[OPTIONS] [QUERY]", "[OPTIONS] -- COMMAND [ARGS...]", "[-g FIELD] [--by-root] [FILE...]"],
    description: [
        "\\fBpsdemo\\fR reads /proc and writes one JSON object per process (NDJSON). It is not a real tool: "
            + "its option table exercises every completion kind and the escaping of man pages.",
        "..X selects each process that matches X and all its ancestors; 'X..' its descendants.\n"
            + ".leading dots and 'quotes must not become requests. A backslash \\e stays, \\-i is a minus, "
            + "-i and --strict too, nice<-5 as well, but per-process keeps its hyphen.",
    ],
    options: [
        OptionSpec("i", "interval", value: "SECONDS", help: "take a snapshot every SECONDS (fractional allowed)"),
        OptionSpec("f", "files", value: "LIST",
                   help: "read these /proc files: 'stat,cmdline', or '+smaps,+net' for the defaults and more",
                   doc: "Reads these /proc files, named as in proc(5): \\fB\\-f stat,cmdline\\fR gives exactly "
                       + "those, \\fB\\-f +smaps,+net\\fR the defaults plus those.\n\n"
                       + "The stat group is always read: identity and tree need it.",
                   completion: .listOf(["stat", "status", "io", "fd", "cmdline", "smaps", "net", "cgroup", "argv"])),
        OptionSpec("o", "output", value: "FILE", help: "write to FILE instead of stdout", completion: .file),
        OptionSpec(nil, "proc-root", value: "DIR", help: "read another procfs tree (default /proc)",
                   completion: .directory),
        OptionSpec("s", "sort", value: "KEY", help: "order siblings by KEY", completion: .oneOf(["pid", "start", "comm"])),
        OptionSpec("T", "threads", help: "one record per thread, not per process"),
        OptionSpec(nil, "strict", help: "stop at the first bad line (a \\ or a ` must not break the page)"),
    ],
    operandCompletion: .file,
    examples: [
        (command: "psdemo -i1 -f +smaps | psfilter 'pid==2610..' | pscsv",
         explanation: "Every second, the subtree of process 2610 as CSV, with PSS and USS."),
        (command: "psdemo 'comm~^nginx$' --sort=start",
         explanation: "Processes whose name starts with \"nginx\" — a regex match, ordered by start time → oldest first."),
    ],
    extraSections: [
        (title: "Fields", roff: ".TP\n.B rss\nResident set size, in bytes.\n.TP\n.B pss\nProportional set size.\n"),
        (title: "Exit status", roff: ".PP\nWith \\fB\\-\\-\\fR \\fICOMMAND\\fR, the status of \\fICOMMAND\\fR (128+N if killed by signal N).\n"),
    ],
    seeAlso: ["psfilter(1)", "psdelta(1)", "jq(1)", "proc(5)"]
)

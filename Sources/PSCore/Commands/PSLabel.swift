/// pslabel: add a label field to process records, from rules of queries.
public enum PSLabel {
    public static let spec = ToolSpec(
        name: "pslabel",
        summary: "add a label field to process records, from rules of queries",
        usage: ["[-n NAME] (-r RULES_FILE | -e 'LABEL QUERY')... [FILE...]"],
        description: [
            "\\fBpslabel\\fR reads process records (NDJSON, as \\fBpssnap\\fR(1) writes them) and writes each one with a field \\fINAME\\fR (\\fBlabel\\fR by default) appended: the \\fILABEL\\fR of the first rule whose query selects the record, or \\fBnull\\fR when none does. Rules are tried in command-line order, a rules file's rules in file order where the file is named. The field is appended before the record's closing brace; the record's bytes are otherwise unchanged (a record that already has a field \\fINAME\\fR gets a second one, which wins, as jq reads it). Labelled records then make small, stable groups for \\fBpsagg \\-g\\fR \\fINAME\\fR and for \\fBpsexport\\fR(1): one series per kind of process instead of one per process.",
            "A rule is \\fILABEL QUERY\\fR: \\fILABEL\\fR is a bare word (letters, digits and \\fB_ \\- . / : @ +\\fR) or a quoted string (\\fB\\(aq...\\(aq\\fR or \\fB\\(dq...\\(dq\\fR, a backslash escaping the quote and itself), then one or more spaces, then the query: the rest of the line, in the language of \\fBpsfilter\\fR(1) and \\fBpstools-query\\fR(7), tree operators included: \\fBweb comm==nginx..\\fR gives nginx and everything below it the label \\fBweb\\fR.",
            "A rules file (\\fB\\-r\\fR) has one rule per line; blank lines and lines whose first non-blank character is \\fB#\\fR are skipped (a \\fB#\\fR later in a line belongs to the query). A rule that cannot be read is reported as \\fIRULES\\fB:\\fILINE\\fB:\\fICOL\\fB: \\fImessage\\fR (\\fB\\-e:1:\\fICOL\\fR for \\fB\\-e\\fR), with the line and a caret under the problem, and pslabel exits with status 2 before reading any input.",
            "\\fBRe-reading.\\fR pslabel runs as long as its input, so a rules file is checked again at the start of each snapshot (a run of records with the same \\fBts\\fR): when its inode, size or modification time changed, it is read again and its new rules apply from that snapshot on. A file replaced by an editor (written beside, renamed over) is seen the same way. If the new file has a bad rule, or cannot be read, pslabel reports it, keeps the rules it had, and exits with status 1 at the end.",
            "\\fBStreaming.\\fR As \\fBpsfilter\\fR does: without tree operators each record is written as soon as it is read; when every tree operator is \\fIX\\fB..\\fR, a record is written as soon as every rule can decide it, which, with input in tree order as pssnap writes it, is at once; a rule with \\fB..\\fIX\\fR waits for each snapshot to end. A record without a numeric \\fBts\\fR and an integer \\fBpid\\fR is reported and skipped when a rule has a tree operator (one without \\fBppid\\fR is a root). Memory is bounded by one snapshot.",
        ],
        options: [
            OptionSpec("n", "name", value: "NAME", help: "the field to add (default label)",
                       doc: "The name of the field to add; \\fBlabel\\fR by default. Not the name of a field the tools write (\\fBts\\fR, \\fBpid\\fR, \\fBcomm\\fR...): a second one would win over the record's own.",
                       completion: .none),
            OptionSpec("r", "rules", value: "RULES_FILE", help: "read rules from RULES_FILE (re-read when it changes)",
                       doc: "Read rules from \\fIRULES_FILE\\fR, one \\fILABEL QUERY\\fR per line, in their place among the other \\fB\\-r\\fR and \\fB\\-e\\fR rules. Checked again at each new snapshot.",
                       completion: .file),
            OptionSpec("e", "rule", value: "'LABEL QUERY'", help: "one rule: LABEL QUERY",
                       doc: "One rule, \\fILABEL QUERY\\fR, in its place among the other rules."),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap | pslabel -e 'web comm==nginx..' -e 'db comm==postgres..' -e 'other pid>0' | psagg -g label", "what the web tier, the database and the rest use"),
            ("pssnap -i10 | pslabel -r /etc/pstools/images.conf -n image | psagg -g image | psexport -F opentsdb | nc tsdb 4242", "a fleet collector: named images into OpenTSDB, rules re-read when edited"),
            ("pssnap | pslabel -e '\"my app\" cmdline~\"^java .*-jar app.jar\"' | jq -c 'select(.label)'", "a quoted label"),
        ],
        extraSections: [("RULES FILE", """
        .nf
        # images.conf: first match wins
        web      comm==nginx..
        db       comm==postgres.. || comm==pgbouncer
        "build"  comm in (make, cc1, cc1plus, ld)..
        java     cmdline~"^java .*-jar"
        system   user==root
        .fi
        """)],
        seeAlso: ["psfilter(1)", "psagg(1)", "psexport(1)", "pstools-query(7)", "pstools(7)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    /// Where a rule came from: an `-e` text or a rules file.
    enum Source {
        case expression(String)
        case file(String)
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        let name = args.value("name") ?? "label"
        guard !name.isEmpty else { throw UsageError("option '-n' needs a field name") }
        if FieldTable.info(name) != nil {
            // A second `ts` or `pid` would win over the record's own and change what it is.
            throw UsageError("option '-n': '\(name)' is a field the tools write; choose another name")
        }
        let sources: [Source] = args.ordered.compactMap { option in
            switch option.long {
            case "rule": return .expression(option.value)
            case "rules": return .file(option.value)
            default: return nil
            }
        }
        guard !sources.isEmpty else { throw UsageError("no rules: give -e 'LABEL QUERY' or -r RULES_FILE") }
        // Every source's rules, each file's with the version it was read at.
        var parts: [[LabelRule]] = []
        var versions: [FileVersion?] = []
        for source in sources {
            do {
                switch source {
                case .expression(let text):
                    parts.append([try LabelRules.parse(text, source: "-e", line: 1, origin: "-e")])
                    versions.append(nil)
                case .file(let path):
                    let version = FileVersion.of(path)
                    parts.append(try LabelRules.load(path: path))
                    versions.append(version)
                }
            } catch {
                if error.line == 0 {
                    diagnostics.report("\(error.source): \(error.message)")
                } else {
                    diagnostics.reportVerbatim(error.render(toolName: spec.name))
                }
                return 2
            }
        }
        let labeler = RuleLabeler(rules: parts.flatMap { $0 }, name: name, output: output)
        var reloadTrouble = false
        var reported: Set<String> = []
        /// Re-reads each rules file whose version changed; a bad one keeps its old rules.
        func reloadIfChanged() {
            var changed = false
            for (i, source) in sources.enumerated() {
                guard case .file(let path) = source else { continue }
                let now = FileVersion.of(path)
                guard now != versions[i], now != nil else {
                    if now == nil, reported.insert("\(path): gone").inserted {
                        diagnostics.report("\(path): cannot read rules file any more; keeping its rules")
                        reloadTrouble = true
                    }
                    continue
                }
                versions[i] = now
                do {
                    parts[i] = try LabelRules.load(path: path)
                    changed = true
                } catch {
                    let text = error.line == 0 ? "\(spec.name): \(error.source): \(error.message)" : error.render(toolName: spec.name)
                    diagnostics.reportVerbatim(text + "\n\(spec.name): \(path): keeping the rules read before")
                    reloadTrouble = true
                }
            }
            if changed { labeler.replaceRules(parts.flatMap { $0 }) }
        }
        let hasFiles = sources.contains { if case .file = $0 { return true } else { return false } }
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output, diagnostics: diagnostics)
        let tsKey = RecordKey("ts"), identities = IdentityReader()
        /// A tree rule's pid and ppid (IdentityReader's rule: a pid out of range is a bad record).
        func link(_ r: Record) -> Result<(pid: Int32, ppid: Int32), IdentityProblem> {
            identities.pid(r).flatMap { pid in identities.ppid(r).map { (pid, $0) } }
        }
        try loop.run { r in
            let ts = r[tsKey]?.double
            var pid: Int32 = 0, ppid: Int32 = 0
            if let ts, labeler.isNewSnapshot(ts: ts) {
                try labeler.finishSnapshot()
                // The new rules may need the tree where the old ones did not.
                if hasFiles { reloadIfChanged() }
            }
            if labeler.needsTree {
                guard ts != nil else { return "missing number field 'ts' (a tree rule needs ts and pid)" }
                switch link(r) {
                case .success(let l): (pid, ppid) = l
                case .failure(let problem): return problem.message + " (a tree rule needs ts and pid)"
                }
            }
            try labeler.add(r, ts: ts ?? .nan, pid: pid, ppid: ppid)
            return nil
        }
        try labeler.finishSnapshot()
        return loop.status == 0 && !reloadTrouble ? 0 : 1
    }
}

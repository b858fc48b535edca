/// psfilter: keep the records a tree query selects.
public enum PSFilter {
    public static let spec = ToolSpec(
        name: "psfilter",
        summary: "keep the process records a tree query selects",
        usage: ["[OPTIONS] QUERY [FILE...]"],
        description: [
            "\\fBpsfilter\\fR reads process records (NDJSON, as \\fBpssnap\\fR(1) writes them) from the \\fIFILE\\fRs or standard input and writes the records \\fIQUERY\\fR selects, byte for byte and in input order. A query is a boolean expression over one record's fields, plus tree operators that reach over the record's snapshot: \\fIX\\fB..\\fR selects each process that matches \\fIX\\fR and all its descendants, \\fB..\\fIX\\fR each process that matches \\fIX\\fR and all its ancestors. The full language is in \\fBpstools-query\\fR(7).",
            "A query without tree operators decides each record alone. A query whose tree operators are all \\fIX\\fB..\\fR (and none under \\fB!\\fR) is decided as records arrive: with input in tree order, as pssnap writes it, each record is written as soon as it is read. A record whose parent has not been seen yet (input sorted some other way, or an orphan whose parent was filtered out upstream) and that does not already match every tree operator holds back the rest of its snapshot until the snapshot ends. A query with \\fB..\\fIX\\fR waits for each snapshot to end. The tree is built from \\fBpid\\fR and \\fBppid\\fR within each snapshot (a run of records with the same \\fBts\\fR), so the result never depends on the order of the input. Memory is bounded by one snapshot.",
            "A line that is not a JSON object is reported as \\fIFILE\\fB:\\fILINE\\fB:\\fICOL\\fR and skipped, and the exit status is then 1; so is a record without a numeric \\fBts\\fR, \\fBpid\\fR and \\fBppid\\fR when the query has a tree operator. A query that cannot be parsed is reported with a caret under the problem, before any input is read, with exit status 2.",
        ],
        options: [
            .strict,
        ],
        operandCompletion: .file,
        firstOperandCompletion: .query(FieldTable.names),
        examples: [
            ("pssnap | psfilter 'pid==2610..'", "process 2610 and everything below it"),
            ("pssnap | psfilter 'user==www-data && rss>100M'", "a user's processes over 100 MiB resident"),
            ("pssnap -f +cgroup | psfilter 'cgroup~\"^/system.slice/docker-\"'", "the processes of Docker containers"),
            ("pssnap | psfilter \"..pid==$$\"", "the current shell and its ancestors"),
            ("pssnap -i1 | psfilter '(comm==sshd).. && user!=root' | psdelta", "live: sessions under sshd that are not root's"),
        ],
        extraSections: [("QUERY LANGUAGE", QueryLanguage.roff)],
        seeAlso: ["pssnap(1)", "pstools-query(7)", "jq(1)", "regex(7)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics) throws -> Int32 {
        let operands = args.allOperands
        guard let text = operands.first else { throw UsageError("missing QUERY") }
        let query = try Query(text)
        let loop = StreamToolLoop(files: Array(operands.dropFirst()), strict: args.has("strict"),
                                  output: output, diagnostics: diagnostics)
        loop.checkFields(query.ast.fieldsInOrder)
        @inline(__always) func write(_ r: Record) throws {
            output.append(r.object)
            output.append(0x0A)
            try output.flushIfFull()
        }
        if !query.hasTreeOperator {
            try loop.run { r in
                if query.matches(r) { try write(r) }
                return nil
            }
            return loop.status
        }
        let tsKey = RecordKey("ts")
        let identities = IdentityReader()
        /// The fields a tree query needs (a pid out of range is a bad record, never another pid).
        func link(_ r: Record) -> Result<(ts: Double, pid: Int32, ppid: Int32), IdentityProblem> {
            guard let ts = r[tsKey]?.double else { return .failure(IdentityProblem("missing number field 'ts' (a tree query needs ts, pid and ppid)")) }
            return identities.pid(r).flatMap { pid in identities.ppid(r).map { (ts, pid, $0) } }
        }
        if query.isStreamable {
            let filter = PreorderStreamFilter(query)
            try loop.run { r in
                let l: (ts: Double, pid: Int32, ppid: Int32)
                switch link(r) { case .success(let v): l = v; case .failure(let p): return p.message }
                if filter.isNewSnapshot(ts: l.ts) { try filter.finish(write) }
                if filter.add(r, ts: l.ts, pid: l.pid, ppid: l.ppid) { try write(r) }
                return nil
            }
            try filter.finish(write)
            return loop.status
        }
        let grouper = SnapshotGrouper()
        func flushSnapshot() throws {
            let snapshot = grouper.take()
            let keep = query.select(snapshot)
            for (record, k) in zip(snapshot, keep) where k { try write(record.record) }
        }
        try loop.run { r in
            let l: (ts: Double, pid: Int32, ppid: Int32)
            switch link(r) { case .success(let v): l = v; case .failure(let p): return p.message }
            if grouper.isNewSnapshot(ts: l.ts) { try flushSnapshot() }
            grouper.append(r, ts: l.ts)
            return nil
        }
        if !grouper.isEmpty { try flushSnapshot() }
        return loop.status
    }
}

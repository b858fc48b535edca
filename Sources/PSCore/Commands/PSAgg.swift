/// psagg: sum records per snapshot (and per group or per root subtree).
public enum PSAgg {
    public static let spec = ToolSpec(
        name: "psagg",
        summary: "sum process records per snapshot, per group or per root subtree",
        usage: ["[OPTIONS] [FILE...]"],
        description: [
            "\\fBpsagg\\fR reads process records (from \\fBpssnap\\fR, \\fBpsfilter\\fR or \\fBpsdelta\\fR) from the FILEs, or standard input, and writes one record per snapshot (a run of records with the same \\fBts\\fR): the snapshot's \\fBts\\fR, its \\fBhost\\fR when the records have one, the group key (with \\fB\\-g\\fR or \\fB\\-\\-by\\-root\\fR), \\fBcount\\fR (the processes in the group), \\fBcpus\\fR, the sum of every additive field present, and \\fBcpu_reaped\\fR when the records carry psdelta's fields. The fields always come in that order.",
            "Summed: memory (rss, vsize, swap, pss, uss, pss_anon, pss_file, pss_shmem), counts (threads, fds, tcp, udp, unix), every counter (utime, stime, cutime, cstime, iowait, minflt, majflt, vctx, nvctx, rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes), psdelta's cpu, cpu_user, cpu_sys and every \\fB*_rate\\fR field; sums are written in that order (pssnap's field order, then psdelta's). Not summed: pid, ppid, pgid, sid, tid, depth, uid, start, age, nice, prio, processor, ts, dt, strings and arrays. Any other numeric field is not summed unless its name ends in \\fB_rate\\fR. A field is summed from the first record that has it on; rows before that do not have it.",
            "On a \\fBpssnap \\-\\-threads\\fR stream a process counts once (its main thread's record, tid equal to pid), and what every thread record repeats for its whole process (threads, vsize, rss, swap, fds, pss and its parts, the socket counts, cutime, cstime) is summed once per process; the thread's own figures (utime, stime, faults, context switches, io) are summed over every thread.",
            "A sum skips null members: it is \\fBnull\\fR only when every member is null (or lacks the field), or when the sum is beyond the range of a double (about 1.8e308: a member written \\fB1e400\\fR, or two of \\fB1.79e308\\fR): then it is not known, and psagg says so on standard error (\\fIFILE\\fB: snapshot ts \\fITS\\fB: the sum of \\(aq\\fIfield\\fB\\(aq is beyond the range of a double\\fR...) and exits with status 1 at the end; it never writes infinity, which is not JSON, nor a made-up number. The group key and \\fBhost\\fR are written as valid UTF-8 JSON: a lone surrogate escape in a record (\\fB\\(rsud800\\fR, which stands for no character) becomes U+FFFD. psdelta's rates of a member born since the previous snapshot cover only its life (its \\fBdt\\fR is its age, shorter than the interval): it adds rate × dt / interval instead, so that a group's rate is the rise of all its members' counters over the interval between the two snapshots (see \\fBcpu_reaped\\fR for that interval). Sums of integers are exact integers; a sum with a fractional member is written in fixed point with as many decimals as its most precise member (at most 9), never with an exponent. \\fBcpus\\fR is the number of distinct \\fBprocessor\\fR values among the members (the CPUs they last ran on), null when none has one.",
            "Summed \\fBrss\\fR counts shared pages (libraries, shared memory, the pages a forked child shares with its parent) once per process that maps them, so it can exceed the memory in use; \\fBpss\\fR (pssnap \\fB\\-f +smaps\\fR) divides each shared page among the processes sharing it, so summed \\fBpss\\fR does not count anything twice. Use pss to ask how much memory a group uses.",
            "With \\fB\\-g\\fR \\fIFIELD\\fR there is one row per distinct value of FIELD in each snapshot, written as \\fB\"FIELD\":\\fIvalue\\fR after \\fBts\\fR. Strings group by their text, numbers by their value; null and an absent field form one group, written null. Rows of a snapshot are sorted by the key: null first, then numbers ascending, then strings by their bytes. FIELD itself is not summed.",
            "With \\fB\\-\\-by\\-root\\fR there is one row per top-most match of the query: a selected process none of whose ancestors is selected. Its row sums its whole subtree (every descendant, selected or not) and is keyed by the root's \\fBpid\\fR, \\fBstart\\fR and \\fBcomm\\fR. Without \\fB\\-q\\fR every root of the tree is a match. Rows come in tree order. The tree is rebuilt from pid and ppid, so the records need not be in preorder.",
            "With \\fB\\-q\\fR \\fIQUERY\\fR only the records the query selects (see \\fBpstools-query\\fR(7), as in \\fBpsfilter\\fR) are counted. A snapshot where nothing matched still gives one row, with \\fBcount\\fR 0 and null sums (and a null key under \\fB\\-g\\fR or \\fB\\-\\-by\\-root\\fR), so that a plot of the stream has no holes.",
            "\\fBcpu_reaped\\fR (when the records have \\fBdt\\fR, from \\fBpsdelta\\fR) is the percent of one CPU used since the previous snapshot by members that ended and were reaped inside the group, in the part of their life that no snapshot saw: the rise of the surviving members' cutime+cstime, less the last observed utime+stime+cutime+cstime of the members that vanished, over the interval between the two snapshots. When that difference is negative the row says 0 and the shortfall is carried into the next snapshot: a child reaped between the reading of its parent's stat and its own has vanished while the parent's cutime is still stale, and its time shows in that cutime one snapshot later, where the shortfall cancels it, so that over a run \\fBcpu + cpu_reaped\\fR adds up to the tree's real CPU whatever the order of the reads. The shortfall is carried one snapshot only (a member reaped outside the group, whose time never comes back, holds the figure down once). So \\fBcpu + cpu_reaped\\fR counts a \\fBmake \\-j8\\fR whose compilers each live 50 ms, which no sampler sees alive. A member born since the previous snapshot (absent from it, and its start plus one clock tick, 10 ms, not earlier than that snapshot's start+age, since /proc gives start to the tick: psdelta's rule) is a survivor whose cutime+cstime rose from 0. Members are matched by (pid, start); a group is the same group in the next snapshot when its key is the same. A member vanished when its (pid, start) is in no record of the snapshot (one that only left the group, or stopped matching \\fB\\-q\\fR, did not end). The interval is the difference of \\fBstart\\fR+\\fBage\\fR (boot time plus the monotonic clock when the record was read) of each snapshot's first record between the two snapshots, or the largest \\fBdt\\fR among the members when the records lack start or age. It is null on the first snapshot. It is exact when a group holds whole subtrees (no \\fB\\-g\\fR, or \\fB\\-\\-by\\-root\\fR); under \\fB\\-g\\fR a child reaped by a parent in another group is counted in the parent's group. Feed psagg whole snapshots (select with \\fB\\-q\\fR, not with \\fBpsfilter\\fR upstream), or a process filtered out looks as if it had ended.",
            "A row is written when the next snapshot begins, or at the end of the input: psagg cannot know a snapshot is complete before. Memory holds one snapshot's groups and, for cpu_reaped, the identities and CPU times of two snapshots' records. A line that is not a JSON object, or lacks a numeric \\fBts\\fR (or \\fBpid\\fR with \\fB\\-\\-by\\-root\\fR), is reported and skipped.",
        ],
        options: [
            OptionSpec("g", "group-by", value: "FIELD", help: "one row per snapshot per distinct value of FIELD",
                       doc: "One row per snapshot per distinct value of \\fIFIELD\\fR (user, comm, state, cgroup, uid, ...), sorted by the value.",
                       completion: .oneOf(FieldTable.labelNames)),
            OptionSpec(nil, "by-root", help: "one row per top-most match, summing its whole subtree",
                       doc: "One row per top-most match (each root of the tree without \\fB\\-q\\fR), summing its whole subtree, keyed by its pid, start and comm."),
            OptionSpec("q", "query", value: "QUERY", help: "count only the records QUERY selects",
                       doc: "Count only the records \\fIQUERY\\fR selects (the query language of \\fBpsfilter\\fR(1)); a snapshot where nothing matched gives a row with count 0.",
                       completion: .query(FieldTable.names)),
            .strict,
        ],
        operandCompletion: .file,
        examples: [
            ("pssnap | psagg", "the whole machine's totals: processes, memory, CPU time, I/O"),
            ("pssnap -i1 | psagg -g user", "every second, the totals of each user"),
            ("pssnap -f +smaps | psagg -g cgroup", "memory of each cgroup, pss counting shared pages once"),
            ("pssnap -i5 | psagg --by-root -q 'comm==nginx'", "every 5 s, each nginx master with all its workers"),
            ("pssnap -i1 -- make -j8 | psdelta | psagg", "CPU of a build per second, cpu_reaped counting the short-lived compilers"),
        ],
        seeAlso: ["pssnap(1)", "psfilter(1)", "psdelta(1)", "pstools-query(7)", "jq(1)"]
    )

    public static func main() -> Never {
        ToolRunner.main(spec) { args, out, diagnostics in try run(args, output: out, diagnostics: diagnostics) }
    }

    /// Runs psagg. `selector` stands for `-q` (tests pass their own); when nil and `-q` is
    /// given, the query is compiled by `makeSelector`.
    public static func run(_ args: ParsedArguments, output: OutputBuffer, diagnostics: Diagnostics,
                           selector: (any SnapshotSelecting)? = nil) throws -> Int32 {
        let byRoot = args.has("by-root")
        let field = args.value("group-by")
        if let field {
            if byRoot { throw UsageError("'-g' and '--by-root' cannot be used together") }
            if ["ts", "count", "cpus", "cpu_reaped"].contains(field) {
                throw UsageError("cannot group by '\(field)': psagg writes a field of that name")
            }
            if field.isEmpty { throw UsageError("option '-g' needs a field name") }
        }
        var selector = selector
        if selector == nil, let text = args.value("query") { selector = try makeSelector(text) }
        let grouping: SnapshotAggregator.Grouping = byRoot ? .byRoot : field.map { .field($0) } ?? .all
        let aggregator = SnapshotAggregator(grouping: grouping, output: output)
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"),
                                  output: output, diagnostics: diagnostics)
        loop.checkFields((field.map { [$0] } ?? []) + ((selector as? Query)?.ast.fieldsInOrder ?? []))
        let tsKey = RecordKey("ts"), identities = IdentityReader()
        aggregator.warn = { [unowned loop] message in
            loop.report(InputError(input: loop.reader.inputName, message: "\(loop.reader.inputName): \(message)"))
        }

        if selector == nil && !byRoot {
            // Streaming: each record goes to its group as it is read; nothing is kept.
            let byField = field != nil
            try loop.run { record in
                guard let ts = record[tsKey]?.double, ts.isFinite else { return "missing number field 'ts'" }
                if aggregator.inSnapshot && ts != aggregator.ts { try aggregator.finish() }
                if !aggregator.inSnapshot { aggregator.begin(ts: ts, first: record) }
                let g = byField ? aggregator.fieldGroup(for: record) : aggregator.allGroup
                aggregator.add(record, to: g)
                aggregator.track(record, group: g)
                return nil
            }
            try aggregator.finish()
            return loop.status
        }

        // -q and --by-root need the whole snapshot: the query and the tree reach across it.
        let grouper = SnapshotGrouper()
        func aggregate(_ snapshot: [StoredRecord], ts: Double) throws {
            let records = snapshot.map(\.record)
            aggregator.begin(ts: ts, first: records[0])
            let selected = selector?.select(snapshot) ?? [Bool](repeating: true, count: records.count)
            var owner = [Int](repeating: -1, count: records.count)
            if byRoot {
                // A record's group is that of its top-most selected ancestor-or-self; roots first.
                let tree = ProcessTree(records: records)
                let rootOf = tree.topmostSelectedAncestor(selected)
                for i in tree.order where rootOf[i] >= 0 {
                    owner[i] = rootOf[i] == i ? aggregator.rootGroup(for: records[i]) : owner[rootOf[i]]
                }
            } else {
                for i in records.indices where selected[i] {
                    owner[i] = field != nil ? aggregator.fieldGroup(for: records[i]) : aggregator.allGroup
                }
            }
            for i in records.indices {
                if owner[i] >= 0 { aggregator.add(records[i], to: owner[i]) }
                aggregator.track(records[i], group: owner[i])
            }
            try aggregator.finish()
            withExtendedLifetime(snapshot) {}
        }
        try loop.run { record in
            guard let ts = record[tsKey]?.double, ts.isFinite else { return "missing number field 'ts'" }
            if byRoot {
                if case .failure(let problem) = identities.pid(record) { return problem.message }
                if case .failure(let problem) = identities.ppid(record) { return problem.message }
            }
            if grouper.isNewSnapshot(ts: ts) {
                let previous = grouper.ts
                try aggregate(grouper.take(), ts: previous)
            }
            grouper.append(record, ts: ts)
            return nil
        }
        if !grouper.isEmpty {
            let ts = grouper.ts
            try aggregate(grouper.take(), ts: ts)
        }
        return loop.status
    }
}

/// What each fuzz target does with one input, shared by the libFuzzer harnesses in bench/fuzz/
/// (built by bench/fuzz.sh) and by the tests that replay the kept corpus in Tests/Fixtures/fuzz/.
public enum FuzzTargets {
    /// /proc parsers on arbitrary bytes: the first byte picks stat, status, io, smaps_rollup,
    /// cgroup or statm; whatever was parsed must still write as a valid JSON string.
    public static func procParsers(_ input: UnsafeBufferPointer<UInt8>) {
        guard let first = input.first else { return }
        let bytes = UnsafeBufferPointer(rebasing: input[1...])
        var sample = ProcessSample()
        switch first % 6 {
        case 0: _ = ProcStatParser.parse(bytes, into: &sample)
        case 1: ProcStatusParser.parse(bytes, into: &sample)
        case 2: _ = ProcIOParser.parse(bytes)
        case 3: _ = SmapsRollupParser.parse(bytes)
        case 4: _ = ProcCgroupParser.parse(bytes)
        default: _ = ProcStatmParser.residentPages(bytes)
        }
        let out = OutputBuffer(fd: -1)
        out.appendJSONString(sample.comm)
    }

    /// The query's regular-expression engine: the first byte says how many of the next bytes are
    /// the pattern (at most 63), the rest is the text. A pattern compiles or is refused with a
    /// message; a compiled one answers, and answers the same when asked again (its state cache
    /// warm) and when the pattern is wrapped in a group. Returns the answer, nil when refused.
    @discardableResult
    public static func regexEngine(_ input: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let first = input.first else { return nil }
        let rest = UnsafeBufferPointer(rebasing: input[1...])
        let k = min(Int(first & 0x3F), rest.count)
        let pattern = Array(rest[0..<k])
        let text = UnsafeBufferPointer(rebasing: rest[k...])
        switch RegexMatcher.compile(pattern) {
        case .failure(let m):
            precondition(!m.text.isEmpty, "a refusal without a reason")
            return nil
        case .success(let r):
            let answer = r.matches(text)
            precondition(r.matches(text) == answer, "a second answer differs")
            if !pattern.contains(0x29), !pattern.contains(0x5C), case .success(let g) = RegexMatcher.compile([0x28] + pattern + [0x29]) {
                precondition(g.matches(text) == answer, "the pattern in a group answers otherwise")
            }
            return answer
        }
    }
}

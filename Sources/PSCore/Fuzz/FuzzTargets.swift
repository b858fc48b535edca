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
}

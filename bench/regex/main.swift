// The query's `~` engine (Sources/PSCore/Query/Regex: a lazily built DFA over a Thompson
// automaton, linear in the text) against glibc's regexec (REG_EXTENDED | REG_NOSUB,
// REG_STARTEND on the bytes in place: what psfilter used before) and Swift's Regex, side by side.
// Built with the engine's sources and run by bench/regex.sh.
//
// 1. Common patterns on process-name-like and cmdline-like strings: matches per second of
//    each engine, and the ratio ours / glibc (above 1: ours is faster).
// 2. The pathological case: `a.*b` on N bytes of `a` (a cmdline any user can make): glibc
//    backtracks, quadratic in N (46 s at 128 KiB in psfilter); ours is one pass.
import Glibc

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let names = ["bash", "zsh", "sshd", "kworker/0:1-events", "systemd-journald", "python3", "nginx: worker process",
             "containerd-shim-runc-v2", "sleep", "a) (b", "postgres: checkpointer"]
let cmdlines = ["/usr/bin/python3 -m http.server 8000", "/usr/sbin/sshd -D", "postgres: 14/main: checkpointer",
                "/usr/lib/jvm/java-17/bin/java -Xmx2g -jar /opt/app/service.jar --spring.profiles.active=prod",
                "nginx: worker process", "/bin/bash /usr/local/bin/backup.sh --full", "[kworker/u8:2-events_unbound]",
                "/usr/bin/containerd-shim-runc-v2 -namespace moby -id 4f1c2d3e"]

func glibcMatcher(_ pattern: String) -> (UnsafeBufferPointer<UInt8>) -> Bool {
    let re = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
    precondition(regcomp(re, pattern, REG_EXTENDED | REG_NOSUB) == 0)
    return { b in
        var m = regmatch_t(rm_so: 0, rm_eo: regoff_t(b.count))
        return b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { regexec(re, $0, 1, &m, REG_STARTEND) == 0 }
    }
}

func oursMatcher(_ pattern: String) -> (UnsafeBufferPointer<UInt8>) -> Bool {
    guard case .success(let m) = RegexMatcher.compile(Array(pattern.utf8)) else { fatalError(pattern) }
    return { m.matches($0) }
}

/// Matches per second over `n` subjects taken in turn; and the number of hits.
func rate(_ subjects: [[UInt8]], _ n: Int, _ match: (UnsafeBufferPointer<UInt8>) -> Bool) -> (Double, Int) {
    var hits = 0
    let t0 = now()
    for i in 0..<n where subjects[i % subjects.count].withUnsafeBufferPointer(match) { hits += 1 }
    return (Double(n) / (now() - t0), hits)
}

func fmt(_ x: Double) -> String {
    x >= 1e6 ? "\(Double(Int(x / 1e5)) / 10)M" : x >= 1e3 ? "\(Int(x / 1e3))k" : "\(Int(x))"
}
func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }

let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
let cases: [(String, [String])] = [
    ("^(ba|z)sh$|worker", names), ("sshd", names), ("^kworker/[0-9]+:", names), ("[[:digit:]]", names),
    ("python", cmdlines), ("\\.jar( |$)", cmdlines), ("^/usr/(s?bin)/", cmdlines), ("-X(mx|ms)[0-9]+[gm]", cmdlines),
    ("(^| )--?full\\b", cmdlines), (".*", cmdlines),
]
print("common patterns, \(n) matches each (matches per second; ratio = ours / glibc, above 1 = ours faster)")
print(pad("pattern", 24) + pad("ours", 10) + pad("glibc", 10) + pad("Swift Regex", 13) + "ours/glibc")
var ratios: [Double] = []
for (pattern, texts) in cases {
    let subjects = texts.map { Array($0.utf8) }
    let (o, oh) = rate(subjects, n, oursMatcher(pattern))
    let (g, gh) = rate(subjects, n, glibcMatcher(pattern))
    precondition(oh == gh, "'\(pattern)': \(oh) hits, glibc \(gh)")
    let swiftRegex = try! Regex(pattern)
    let strings = texts
    var sh = 0
    let t0 = now()
    let m = n / 10
    for i in 0..<m where (try? swiftRegex.firstMatch(in: strings[i % strings.count])) != nil { sh += 1 }
    let s = Double(m) / (now() - t0)
    ratios.append(o / g)
    print(pad(pattern, 24) + pad(fmt(o), 10) + pad(fmt(g), 10) + pad(fmt(s), 13) + "\(Double(Int(o / g * 10)) / 10)x")
}
let geo = Glibc.exp(ratios.map { Glibc.log($0) }.reduce(0, +) / Double(ratios.count))
print("geometric mean ours/glibc: \(Double(Int(geo * 100)) / 100)x")

print("\npathological: 'a.*b' on N bytes of 'a' (no match), seconds per match")
print(pad("N", 10) + pad("ours", 12) + pad("glibc", 12) + "glibc/ours")
for size in [1024, 4096, 16384, 32768, 131072] {
    let text = [UInt8](repeating: 0x61, count: size)
    let ours = oursMatcher("a.*b")
    var t0 = now()
    let reps = 20
    for _ in 0..<reps { precondition(!text.withUnsafeBufferPointer(ours)) }
    let o = (now() - t0) / Double(reps)
    var line = pad("\(size)", 10) + pad(String(format6(o)), 12)
    if size <= 32768 {
        let glibc = glibcMatcher("a.*b")
        t0 = now()
        precondition(!text.withUnsafeBufferPointer(glibc))
        let g = now() - t0
        line += pad(format6(g), 12) + "\(Int(g / o))x"
    } else {
        line += pad("(not run: ~4x the line above per doubling)", 12)
    }
    print(line)
}

func format6(_ x: Double) -> String {
    if x < 0.001 { return "\(Double(Int(x * 1e7)) / 10) us" }
    if x < 1 { return "\(Double(Int(x * 1e4)) / 10) ms" }
    return "\(Double(Int(x * 100)) / 100) s"
}

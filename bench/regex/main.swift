// Which regular-expression engine psfilter's `~` uses, by measurement: glibc's regexec
// (REG_EXTENDED | REG_NOSUB, REG_STARTEND on the bytes in place) against Swift's Regex on a
// String made from the same bytes. Built and run by bench/regex.sh.
import Glibc

let words = ["bash", "zsh", "sshd", "kworker/0:1-events", "systemd-journald", "python3", "nginx: worker process",
             "containerd-shim-runc-v2", "sleep", "a) (b", "postgres: checkpointer"]
let n = 2_000_000
let pattern = "^(ba|z)sh$|worker"

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let bytes = words.map { Array($0.utf8) }
var re = regex_t()
regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)
var hits = 0
var t0 = now()
for i in 0..<n {
    bytes[i % bytes.count].withUnsafeBufferPointer { b in
        var m = regmatch_t(rm_so: 0, rm_eo: regoff_t(b.count))
        b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { p in
            if regexec(&re, p, 1, &m, REG_STARTEND) == 0 { hits += 1 }
        }
    }
}
let glibc = now() - t0

let swiftRegex = try! Regex(pattern)
var hits2 = 0
t0 = now()
for i in 0..<n {
    // As psfilter would have to: a String from the record's bytes, then the match.
    let s = String(decoding: bytes[i % bytes.count], as: UTF8.self)
    if (try? swiftRegex.firstMatch(in: s)) != nil { hits2 += 1 }
}
let swift = now() - t0
print("glibc regexec: \(Int(Double(n) / glibc)) matches/s (\(hits) hits)")
print("Swift Regex:   \(Int(Double(n) / swift)) matches/s (\(hits2) hits)")
print("glibc is \((swift / glibc * 10).rounded() / 10)x faster")

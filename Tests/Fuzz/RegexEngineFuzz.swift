// libFuzzer target: the query's regular-expression engine (FuzzTargets.regexEngine: first byte =
// pattern length, then the pattern, then the text). Built with the PSCore sources in one module
// by bench/fuzz.sh. Besides the engine's own checks, glibc's regexec is the oracle for what both
// can be compared on: ASCII patterns and texts without NUL, anchors or word boundaries (glibc
// answers `(^a.){2}` wrongly), small enough that glibc's backtracking stays quick.
import Glibc

@_cdecl("LLVMFuzzerTestOneInput")
public func regexEngineFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let ours = FuzzTargets.regexEngine(input) else { return 0 }
    let k = min(Int(input[0] & 0x3F), size - 1)
    let pattern = Array(input[1..<(1 + k)])
    let text = Array(input[(1 + k)...])
    guard text.count <= 64, pattern.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), text.allSatisfy({ $0 > 0 && $0 < 0x80 }),
          !pattern.contains(0x5E), !pattern.contains(0x24), !pattern.contains(0x5C),
          !pattern.contains(0x7B), // no counted repetitions: glibc expands them slowly,
          pattern.filter({ $0 == 0x2A || $0 == 0x2B || $0 == 0x3F }).count <= 6 // and stacked ones exponentially
    else { return 0 }
    var re = regex_t()
    guard regcomp(&re, pattern.map { CChar(bitPattern: $0) } + [0], REG_EXTENDED | REG_NOSUB) == 0 else { return 0 }
    defer { regfree(&re) }
    let glibc = regexec(&re, text.map { CChar(bitPattern: $0) } + [0], 0, nil, 0) == 0
    precondition(glibc == ours, "glibc says \(glibc) for '\(String(decoding: pattern, as: UTF8.self))' on '\(String(decoding: text, as: UTF8.self))'")
    return 0
}

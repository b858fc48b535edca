#if canImport(Glibc)
import Glibc
#endif

/// The query's `~`: does an extended regular expression match anywhere in a string? Answered in
/// time linear in the string, whatever the pattern and the string (a process's cmdline is
/// written by whoever runs it; glibc's backtracking regexec took 46 s on 128 KiB of `a` against
/// `a.*b`).
///
/// The pattern is a Thompson automaton (`RegexProgram`), run as a lazily built DFA: a state is
/// the set of instructions the automaton can be at after the text read so far (plus what the
/// last character was, for `^` and word boundaries), and each state's move on a character is
/// computed once, on first need, then read from a table (ASCII) or a dictionary (other
/// characters). Each character costs a table lookup once the states it meets are built, and at
/// most one pass over the program otherwise. The table is bounded (`maxStates`): when full it
/// is emptied and rebuilt as the text needs, so memory is bounded too.
///
/// "Anywhere" is built in: every state also holds the program's first instruction, i.e. a match
/// may start at every character. Nothing records where a match is.
final class RegexMatcher {
    let program: RegexProgram

    /// States kept before the cache is emptied: 128 table entries each (512 bytes).
    static let maxStates = 2_000
    /// Moves on non-ASCII characters kept before those are forgotten.
    static let maxWide = 50_000

    /// What a character is, for assertions: the text's edge, a word character or another one.
    private static let edge: Int32 = 0, other: Int32 = 1, word: Int32 = 2

    /// Table entries: a state number, or one of these.
    private static let unknown: Int32 = -1
    private static let matched: Int32 = -2
    private static let deadEnd: Int32 = -3
    /// Counts the times the cache was emptied.
    private var epoch = 0

    /// Each state's instructions (sorted) followed by its previous character's kind.
    private var keys: [[Int32]] = []
    private var index: [[Int32]: Int32] = [:]
    /// `keys.count * 128` entries: the next state on each ASCII character.
    private var table: UnsafeMutablePointer<Int32>
    private var tableCapacity: Int
    /// Moves on other characters: `state << 32 | scalar`.
    private var wide: [UInt64: Int32] = [:]
    /// Per state: 0 not known yet, 1 no, 2 yes: does the automaton match at the end of the text?
    private var matchesAtEnd: [UInt8] = []
    /// Per state: true when no match can follow, whatever comes (only for anchored patterns).
    private var dead: [Bool] = []
    /// True when every match starts at the start of the text (`^...`).
    private var anchored = false

    // Scratch for closures: a sparse set over the program's instructions.
    private var mark: [UInt32]
    private var generation: UInt32 = 0
    private var stack: [Int32] = []
    private var consuming: [Int32] = []
    private var nextPCs: [Int32] = []

    private init(_ program: RegexProgram) {
        self.program = program
        tableCapacity = 64 * 128
        table = .allocate(capacity: tableCapacity)
        mark = [UInt32](repeating: 0, count: program.count + 1)
        anchored = true
        for before in [RegexMatcher.other, RegexMatcher.word] {
            for after in [RegexMatcher.edge, RegexMatcher.other, RegexMatcher.word] {
                let (c, m) = closure([0], previous: before, next: after)
                if m || !c.isEmpty { anchored = false }
            }
        }
        skipTo = RegexMatcher.soleFirstByte(self)
        reset()
    }

    deinit { table.deallocate() }

    /// When every match must start with one ASCII byte (`sshd`, `\.jar( |$)`, `-X(mx|ms)`) and
    /// no word boundary looks at the character before: that byte. Then, while no match is under
    /// way (the idle states 1 and 2: only the first instruction, after a character), the matcher
    /// jumps to the next such byte with memchr instead of stepping through the others.
    private var skipTo: UInt8? = nil

    private static func soleFirstByte(_ m: RegexMatcher) -> UInt8? {
        let p = m.program
        for i in 0..<p.count where p.ops[i] == .assertion {
            let a = RegexAssertion(rawValue: UInt8(p.arg[i]))!
            if a != .textStart && a != .textEnd { return nil }
        }
        var first: UInt8? = nil
        for after in [RegexMatcher.other, RegexMatcher.word] {
            let (pcs, matched) = m.closure([0], previous: RegexMatcher.other, next: after)
            if matched { return nil }
            for pc in pcs {
                let i = Int(pc)
                let c: UInt32
                if p.ops[i] == .scalar {
                    c = UInt32(bitPattern: p.arg[i])
                } else {
                    let set = p.sets[Int(p.arg[i])]
                    guard set.ranges.count == 1, set.ranges[0].lowerBound == set.ranges[0].upperBound else { return nil }
                    c = set.ranges[0].lowerBound
                }
                guard c > 0 && c < 0x80, first == nil || first == UInt8(c) else { return nil }
                first = UInt8(c)
            }
        }
        return first
    }

    /// The compiled pattern, or why it is refused (for `invalid regular expression: ...`).
    static func compile(_ pattern: [UInt8]) -> Result<RegexMatcher, QueryCompileMessage> {
        do {
            let node = try RegexParser.parse(pattern)
            return .success(RegexMatcher(try RegexProgram.compile(node)))
        } catch {
            return .failure(QueryCompileMessage(text: error.message))
        }
    }

    /// Empties the cache; state 0 is always the start: the first instruction, at the text's start.
    private func reset() {
        epoch += 1
        keys.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        wide.removeAll(keepingCapacity: true)
        matchesAtEnd.removeAll(keepingCapacity: true)
        dead.removeAll(keepingCapacity: true)
        _ = intern([0, RegexMatcher.edge])
        if skipTo != nil {
            _ = intern([0, RegexMatcher.other])
            _ = intern([0, RegexMatcher.word])
        }
    }

    private func intern(_ key: [Int32]) -> Int32 {
        if let s = index[key] { return s }
        if keys.count >= RegexMatcher.maxStates {
            reset()
            if let s = index[key] { return s }
        }
        let s = Int32(keys.count)
        keys.append(key)
        index[key] = s
        if keys.count * 128 > tableCapacity {
            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: tableCapacity * 2)
            grown.update(from: table, count: tableCapacity)
            table.deallocate()
            table = grown
            tableCapacity *= 2
        }
        (table + Int(s) * 128).update(repeating: RegexMatcher.unknown, count: 128)
        matchesAtEnd.append(0)
        var isDead = false
        if anchored && key.last! != RegexMatcher.edge {
            isDead = true
            let pcs = key.dropLast()
            for after in [RegexMatcher.edge, RegexMatcher.other, RegexMatcher.word] {
                let (c, m) = closure(pcs, previous: key.last!, next: after)
                if m || !c.isEmpty { isDead = false }
            }
        }
        dead.append(isDead)
        return s
    }

    @inline(__always)
    private static func kind(_ c: UInt32) -> Int32 {
        c < 128 && ScalarSet.word.contains(c) ? word : other
    }

    /// The instructions reachable from `pcs` by empty moves between a character of kind
    /// `previous` and one of kind `next`: the consuming ones, and whether `match` is among them.
    private func closure<S: Sequence>(_ pcs: S, previous: Int32, next: Int32) -> ([Int32], Bool) where S.Element == Int32 {
        generation &+= 1
        if generation == 0 {
            for i in mark.indices { mark[i] = 0 }
            generation = 1
        }
        stack.removeAll(keepingCapacity: true)
        consuming.removeAll(keepingCapacity: true)
        var matched = false
        for pc in pcs where mark[Int(pc)] != generation {
            mark[Int(pc)] = generation
            stack.append(pc)
        }
        while let pc = stack.popLast() {
            let i = Int(pc)
            func push(_ t: Int32) {
                if mark[Int(t)] != generation {
                    mark[Int(t)] = generation
                    stack.append(t)
                }
            }
            switch program.ops[i] {
            case .scalar, .set: consuming.append(pc)
            case .match: matched = true
            case .jump: push(program.arg[i])
            case .split:
                push(program.arg2[i])
                push(program.arg[i])
            case .assertion:
                let before = previous == RegexMatcher.word, after = next == RegexMatcher.word
                let holds: Bool
                switch RegexAssertion(rawValue: UInt8(program.arg[i]))! {
                case .textStart: holds = previous == RegexMatcher.edge
                case .textEnd: holds = next == RegexMatcher.edge
                case .wordBoundary: holds = before != after
                case .notWordBoundary: holds = before == after
                case .wordStart: holds = !before && after
                case .wordEnd: holds = before && !after
                }
                if holds { push(pc + 1) }
            }
        }
        return (consuming, matched)
    }

    /// The move from state `s` on character `c`: a state, or `matched`.
    private func move(_ s: Int32, _ c: UInt32) -> Int32 {
        let key = keys[Int(s)]
        let k = RegexMatcher.kind(c)
        let (pcs, matched) = closure(key.dropLast(), previous: key.last!, next: k)
        if matched { return RegexMatcher.matched }
        generation &+= 1
        if generation == 0 {
            for i in mark.indices { mark[i] = 0 }
            generation = 1
        }
        nextPCs.removeAll(keepingCapacity: true)
        for pc in pcs {
            let i = Int(pc)
            let hit: Bool
            switch program.ops[i] {
            case .scalar: hit = UInt32(bitPattern: program.arg[i]) == c
            default: hit = program.sets[Int(program.arg[i])].contains(c)
            }
            if hit && mark[i + 1] != generation {
                mark[i + 1] = generation
                nextPCs.append(pc + 1)
            }
        }
        if mark[0] != generation { nextPCs.append(0) }
        nextPCs.sort()
        nextPCs.append(k)
        return intern(nextPCs)
    }

    /// True when the pattern matches anywhere in `bytes` (UTF-8; an invalid byte reads as U+FFFD).
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var s: Int32 = 0
        var i = 0
        let n = bytes.count
        while i < n {
            if s != 0 && s <= 2, let c = skipTo {
                // Idle: nothing can start before the next `c`.
                guard let hit = memchr(bytes.baseAddress! + i, Int32(c), n - i) else { return atEnd(s) }
                i = bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            let b = bytes[i]
            var t: Int32
            if b < 0x80 {
                t = table[Int(s) &* 128 &+ Int(b)]
                i &+= 1
                if t == RegexMatcher.unknown {
                    let before = epoch
                    t = settle(move(s, UInt32(b)))
                    // A move that emptied the cache leaves `s` naming another state: nothing to note.
                    if epoch == before { table[Int(s) * 128 + Int(b)] = t }
                }
            } else {
                let (c, len) = UTF8Scalar.decode(bytes, at: i)
                i += len
                let wideKey = UInt64(UInt32(s)) << 32 | UInt64(c)
                if let known = wide[wideKey] {
                    t = known
                } else {
                    let before = epoch
                    t = settle(move(s, c))
                    // Bounded like the table: a text of many distinct characters starts it afresh.
                    if wide.count >= RegexMatcher.maxWide { wide.removeAll(keepingCapacity: true) }
                    if epoch == before { wide[wideKey] = t }
                }
            }
            if t < 0 { return t == RegexMatcher.matched }
            s = t
        }
        return atEnd(s)
    }

    /// A state no match can follow becomes `deadEnd`.
    @inline(__always)
    private func settle(_ t: Int32) -> Int32 {
        t >= 0 && dead[Int(t)] ? RegexMatcher.deadEnd : t
    }

    private func atEnd(_ s: Int32) -> Bool {
        if matchesAtEnd[Int(s)] == 0 {
            let key = keys[Int(s)]
            matchesAtEnd[Int(s)] = closure(key.dropLast(), previous: key.last!, next: RegexMatcher.edge).1 ? 2 : 1
        }
        return matchesAtEnd[Int(s)] == 2
    }
}

/// A parsed regular expression as a Thompson automaton: a program of instructions whose
/// `split` and `jump` are the NFA's empty moves. Counted repetitions are expanded (`a{2,4}` is
/// `aa` then two optional `a`s), so the program's size is checked first: at most `maxSize`
/// instructions, whatever the pattern.
struct RegexProgram {
    enum Op: UInt8 {
        /// Consumes the scalar `arg`.
        case scalar
        /// Consumes a scalar in `sets[arg]`.
        case set
        /// Goes on at `arg` and at `arg2`.
        case split
        /// Goes on at `arg`.
        case jump
        /// Goes on at the next instruction when `RegexAssertion(arg)` holds here.
        case assertion
        case match
    }

    static let maxSize = 10_000

    private(set) var ops: [Op] = []
    private(set) var arg: [Int32] = []
    private(set) var arg2: [Int32] = []
    private(set) var sets: [ScalarSet] = []

    var count: Int { ops.count }

    static func compile(_ node: RegexNode) throws(RegexSyntaxError) -> RegexProgram {
        guard size(node) + 1 <= maxSize else {
            throw RegexSyntaxError(message: "too large once its repetitions are expanded (more than \(maxSize) steps)")
        }
        var p = RegexProgram()
        p.emit(node)
        _ = p.append(.match)
        return p
    }

    /// The number of instructions `node` compiles to, saturating just above `maxSize`.
    static func size(_ node: RegexNode) -> Int {
        let cap = maxSize + 1
        func add(_ a: Int, _ b: Int) -> Int { min(cap, a + b) }
        func mul(_ a: Int, _ b: Int) -> Int { let (m, o) = a.multipliedReportingOverflow(by: b); return o ? cap : min(cap, m) }
        switch node {
        case .empty: return 0
        case .scalar, .set, .assertion: return 1
        case .concat(let xs): return xs.reduce(0) { add($0, size($1)) }
        case .alternate(let xs): return add(xs.reduce(0) { add($0, size($1)) }, 2 * (xs.count - 1))
        case .repetition(let x, let m, let n):
            let s = size(x)
            guard let n else { return m == 0 ? add(s, 2) : add(mul(m, s), 1) }
            return add(mul(m, s), mul(n - m, add(s, 1)))
        }
    }

    private mutating func append(_ op: Op, _ a: Int32 = 0, _ b: Int32 = 0) -> Int {
        ops.append(op)
        arg.append(a)
        arg2.append(b)
        return ops.count - 1
    }

    private var here: Int32 { Int32(ops.count) }

    private mutating func emit(_ node: RegexNode) {
        switch node {
        case .empty:
            break
        case .scalar(let c):
            _ = append(.scalar, Int32(bitPattern: c))
        case .set(let s):
            if let index = sets.firstIndex(of: s) {
                _ = append(.set, Int32(index))
            } else {
                sets.append(s)
                _ = append(.set, Int32(sets.count - 1))
            }
        case .assertion(let a):
            _ = append(.assertion, Int32(a.rawValue))
        case .concat(let xs):
            for x in xs { emit(x) }
        case .alternate(let xs):
            var jumps: [Int] = []
            for (k, x) in xs.enumerated() {
                if k < xs.count - 1 {
                    let split = append(.split)
                    arg[split] = here
                    emit(x)
                    jumps.append(append(.jump))
                    arg2[split] = here
                } else {
                    emit(x)
                }
            }
            for j in jumps { arg[j] = here }
        case .repetition(let x, let m, let n):
            if let n {
                for _ in 0..<m { emit(x) }
                var splits: [Int] = []
                for _ in m..<n {
                    let split = append(.split)
                    arg[split] = here
                    splits.append(split)
                    emit(x)
                }
                for s in splits { arg2[s] = here }
            } else if m == 0 {
                // L: split(L+1, END); x; jump L; END:
                let split = append(.split)
                arg[split] = here
                emit(x)
                _ = append(.jump, Int32(split))
                arg2[split] = here
            } else {
                // m - 1 copies, then L: x; split(L, END).
                for _ in 0..<(m - 1) { emit(x) }
                let loop = here
                emit(x)
                _ = append(.split, loop, here + 1)
            }
        }
    }
}

/// A usage error: exit status 2, with a pointer to --help.
public struct UsageError: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The result of parsing argv against a tool's option table.
public struct ParsedArguments {
    /// Values by long option name, in the order given (an option may repeat).
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    /// Operands before `--`.
    public var operands: [String] = []
    /// Everything after `--`, nil when there was no `--`.
    public var afterDoubleDash: [String]? = nil
    /// Every option value in command-line order, for tools where the order across options counts
    /// (pslabel's `-e` and `-r` rules).
    public var ordered: [(long: String, value: String)] = []

    public func has(_ long: String) -> Bool { flags.contains(long) || values[long] != nil }
    /// The last value given for an option (later ones override earlier ones, as in getopt tools).
    public func value(_ long: String) -> String? { values[long]?.last }

    /// Operands wherever they stood, for tools where `--` only ends options.
    public var allOperands: [String] { operands + (afterDoubleDash ?? []) }
}

/// getopt_long-style parsing: `-i1`, `-i 1`, `--interval 1`, `--interval=1`, bundled short flags
/// (`-Tv`), unambiguous long prefixes (`--inter`), and `--` to end options. A lone `-` is an operand.
public struct ArgumentParser {
    public let spec: ToolSpec

    public init(_ spec: ToolSpec) { self.spec = spec }

    public func parse(_ args: [String]) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var i = 0
        func record(_ option: OptionSpec, _ value: String?) {
            if let v = value {
                result.values[option.long, default: []].append(v)
                result.ordered.append((option.long, v))
            } else { result.flags.insert(option.long) }
        }
        while i < args.count {
            let arg = args[i]
            i += 1
            if arg == "--" {
                result.afterDoubleDash = Array(args[i...])
                break
            }
            if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                let name: Substring
                var inlineValue: String? = nil
                if let eq = body.firstIndex(of: "=") {
                    name = body[..<eq]
                    inlineValue = String(body[body.index(after: eq)...])
                } else {
                    name = body
                }
                let option = try longOption(String(name))
                if option.takesValue {
                    if let v = inlineValue {
                        record(option, v)
                    } else if i < args.count {
                        record(option, args[i])
                        i += 1
                    } else {
                        throw UsageError("option '--\(option.long)' needs a value (\(option.value!))")
                    }
                } else {
                    if inlineValue != nil { throw UsageError("option '--\(option.long)' takes no value") }
                    record(option, nil)
                }
                continue
            }
            if arg.hasPrefix("-") && arg.count > 1 {
                var rest = Substring(arg.dropFirst())
                while let c = rest.first {
                    rest = rest.dropFirst()
                    guard let option = spec.options.first(where: { $0.short == c }) else {
                        throw UsageError("unknown option '-\(c)'")
                    }
                    if option.takesValue {
                        if !rest.isEmpty {
                            record(option, String(rest))
                        } else if i < args.count {
                            record(option, args[i])
                            i += 1
                        } else {
                            throw UsageError("option '-\(c)' needs a value (\(option.value!))")
                        }
                        break
                    }
                    record(option, nil)
                }
                continue
            }
            result.operands.append(arg)
        }
        return result
    }

    func longOption(_ name: String) throws(UsageError) -> OptionSpec {
        if let exact = spec.options.first(where: { $0.long == name }) { return exact }
        let prefixed = spec.options.filter { $0.long.hasPrefix(name) }
        if prefixed.count == 1 && !name.isEmpty { return prefixed[0] }
        if prefixed.count > 1 && !name.isEmpty {
            let names = prefixed.map { "'--\($0.long)'" }.joined(separator: ", ")
            throw UsageError("option '--\(name)' is ambiguous: \(names)")
        }
        var message = "unknown option '--\(name)'"
        if let near = spec.options.map(\.long).min(by: { editDistance($0, name) < editDistance($1, name) }),
           editDistance(near, name) <= max(2, name.count / 3) {
            message += " (did you mean '--\(near)'?)"
        }
        throw UsageError(message)
    }
}

/// Levenshtein distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

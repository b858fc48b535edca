/// Parsers for option values, with messages in the tools' voice.
public enum ValueParsers {
    /// Decimal seconds ("1", "0.25", ".5") to nanoseconds, exactly.
    public static func seconds(_ text: String, option: String, allowZero: Bool = false) throws(UsageError) -> Int64 {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let frac = parts.count > 1 ? parts[1] : ""
        let digits = whole.allSatisfy(\.isASCII) && (whole + frac).allSatisfy { $0 >= "0" && $0 <= "9" }
        guard digits, !(whole.isEmpty && frac.isEmpty), whole.count <= 9,
              let w = whole.isEmpty ? 0 : Int64(whole) else {
            throw UsageError("option '\(option)' takes a number of seconds, not '\(text)'")
        }
        var ns = w * 1_000_000_000
        var scale: Int64 = 100_000_000
        for c in frac.prefix(9) {
            ns += Int64(c.asciiValue! - 48) * scale
            scale /= 10
        }
        if ns == 0 && !allowZero {
            throw UsageError("option '\(option)' needs more than 0 seconds")
        }
        return ns
    }

    /// The field names of a list option's values (`-y rss,fds -y cpu`: repeating it adds), in
    /// order; `unique` drops a name given again.
    public static func fieldList(_ lists: [String], option: String, unique: Bool) throws(UsageError) -> [String] {
        var names: [String] = []
        for list in lists {
            for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                guard !name.isEmpty else { throw UsageError("option '\(option)' takes FIELD,FIELD,... with no empty name, not '\(list)'") }
                if !unique || !names.contains(String(name)) { names.append(String(name)) }
            }
        }
        return names
    }

    public static func positiveInteger(_ text: String, option: String) throws(UsageError) -> Int {
        guard let n = Int(text), n > 0 else {
            throw UsageError("option '\(option)' takes a whole number above 0, not '\(text)'")
        }
        return n
    }
}

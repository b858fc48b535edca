/// Which numeric fields psagg sums, and in what order it writes them: FieldTable's summed fields
/// (gauges but nice, prio and processor; counters; rates), pssnap's in record order, then
/// psdelta's. A numeric field no table knows is not summed unless its name ends in `_rate` (a
/// rate added by a later tool adds up like the others).
public enum AdditiveFields {
    /// Every additive field psagg knows, in the order it writes their sums.
    public static let knownOrder: [String] = (FieldTable.pssnap + FieldTable.psdelta).filter(\.isSummed).map(\.name)

    static let rankOfKnown: [String: Int] = Dictionary(uniqueKeysWithValues: knownOrder.enumerated().map { ($1, $0) })

    /// The place of a field in the output, or nil when it is not summed. Unknown `_rate` fields
    /// come after every known one, in the order they were first seen (`firstSeen`).
    public static func rank(of name: String, firstSeen: Int) -> Int? {
        if let known = rankOfKnown[name] { return known }
        if FieldTable.info(name) == nil, FieldTable.kind(of: name, json: .number) == .rate { return knownOrder.count + firstSeen }
        return nil
    }
}

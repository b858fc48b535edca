/// The field groups of a pssnap record, named after the /proc files they come from (as Procpath's `-f`).
public struct FieldGroups: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let stat = FieldGroups(rawValue: 1 << 0)
    public static let status = FieldGroups(rawValue: 1 << 1)
    public static let io = FieldGroups(rawValue: 1 << 2)
    public static let fd = FieldGroups(rawValue: 1 << 3)
    public static let smaps = FieldGroups(rawValue: 1 << 4)
    public static let net = FieldGroups(rawValue: 1 << 5)
    public static let cgroup = FieldGroups(rawValue: 1 << 6)
    public static let cmdline = FieldGroups(rawValue: 1 << 7)
    public static let argv = FieldGroups(rawValue: 1 << 8)

    public static let defaults: FieldGroups = [.stat, .status, .io, .fd, .cmdline]

    public static let named: [(name: String, group: FieldGroups)] = [
        ("stat", .stat), ("status", .status), ("io", .io), ("fd", .fd), ("smaps", .smaps),
        ("net", .net), ("cgroup", .cgroup), ("cmdline", .cmdline), ("argv", .argv),
    ]

    public static var names: [String] { named.map(\.name) }

    /// `-f stat,cmdline` gives exactly those; `-f +smaps,+net` adds to the defaults and `-f -io`
    /// takes from them. stat is always in: identity and the tree need it.
    public static func parse(_ list: String) throws(UsageError) -> FieldGroups {
        let items = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let relative = items.allSatisfy { $0.hasPrefix("+") || $0.hasPrefix("-") }
        var groups: FieldGroups = relative ? .defaults : []
        for item in items {
            var name = Substring(item)
            var remove = false
            if name.hasPrefix("+") { name = name.dropFirst() } else if name.hasPrefix("-") { name = name.dropFirst(); remove = true }
            guard let g = named.first(where: { $0.name == name })?.group else {
                throw UsageError("unknown field group '\(name)' in '-f \(list)' (groups: \(names.joined(separator: ", ")))")
            }
            if remove { groups.remove(g) } else { groups.insert(g) }
        }
        groups.insert(.stat)
        return groups
    }
}

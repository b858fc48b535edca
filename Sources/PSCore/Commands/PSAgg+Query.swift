extension PSAgg {
    /// The selector for `-q QUERY`. The query language lands on its own branch; at the merge this
    /// one function becomes `try Query(text)` (its errors turned into a usage error, exit 2).
    static func makeSelector(_ text: String) throws(UsageError) -> any SnapshotSelecting {
        throw UsageError("-q needs the query language")
    }
}

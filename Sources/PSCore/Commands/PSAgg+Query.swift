extension PSAgg {
    /// The selector for `-q QUERY`: the query language, as psfilter's. A bad query throws a
    /// QueryError, which ToolRunner reports with a caret under the problem (exit 2, nothing read).
    static func makeSelector(_ text: String) throws(QueryError) -> any SnapshotSelecting {
        try Query(text)
    }
}

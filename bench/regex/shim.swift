// What the engine's sources need from the rest of PSCore, for bench/regex.sh.
struct QueryCompileMessage: Error { var text: String }

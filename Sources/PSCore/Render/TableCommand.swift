#if canImport(Glibc)
import Glibc
#endif

/// What pscsv and pstsv share: their options and their run. Each tool is this with its dialect.
public enum TableCommand {
    /// Field names the shells offer for -f: pssnap's and psdelta's.
    static let fieldNames: [String] = FieldTable.names

    static func options(_ tool: String) -> [OptionSpec] {
        [
            OptionSpec("f", "fields", value: "LIST", help: "columns, in order: FIELD,FIELD,...",
                       doc: "The columns, in this order (\\fB\\-f ts,pid,comm,rss\\fR). A field a record lacks is an empty cell. Without \\fB\\-f\\fR the columns are the fields of the first record, in its order, and fields that only later records have are left out. Repeated \\fB\\-f\\fR options add columns.",
                       completion: .listOf(fieldNames)),
            OptionSpec(nil, "no-header", help: "write no header line",
                       doc: "Write no header line. By default the header (the column names) is written once, before the first row, however many snapshots and files the input holds; with \\fB\\-f\\fR it is written at once, even if no record follows."),
            OptionSpec("a", "append", value: "FILE", help: "append to FILE, with a header only if FILE is empty",
                       doc: "Append the rows to \\fIFILE\\fR (created if missing) instead of writing them to standard output, and write the header only when \\fIFILE\\fR is empty: a cron job can run \\fBpssnap \\-n1 | \(tool) \\-f ts,pid,rss \\-a log\\fR every minute and the file keeps one header. If \\fIFILE\\fR already starts with a different header, \(tool) appends nothing and exits with status 1, rather than mix two tables in one file.",
                       completion: .file),
            .strict,
        ]
    }

    static func columns(_ args: ParsedArguments) throws(UsageError) -> [String]? {
        guard let lists = args.values["fields"] else { return nil }
        var names: [String] = []
        for list in lists {
            for name in list.split(separator: ",", omittingEmptySubsequences: false) {
                guard !name.isEmpty else { throw UsageError("option '-f' takes FIELD,FIELD,... with no empty name, not '\(list)'") }
                names.append(String(name))
            }
        }
        return names
    }

    public static func run(_ args: ParsedArguments, dialect: TableDialect, output stdout: OutputBuffer,
                           diagnostics: Diagnostics) throws -> Int32 {
        let columns = try columns(args)
        var header = !args.has("no-header")
        var output = stdout
        var appendFD: Int32 = -1
        defer { if appendFD >= 0 { SystemCall.close(appendFD) } }
        var existingHeader: [UInt8]? = nil
        if let path = args.value("append") {
            switch SystemCall.openForAppend(path) {
            case .failure(let e): throw RuntimeError("cannot open '\(path)': \(e.message)")
            case .success(let fd): appendFD = fd
            }
            if case .success(let size) = SystemCall.fileSize(appendFD), size > 0 {
                header = false
                existingHeader = firstLine(appendFD)
            }
            output = OutputBuffer(fd: appendFD)
        }
        let writer = TableWriter(dialect: dialect, columns: columns, header: header, crlf: args.has("crlf"))
        if let existing = existingHeader, !args.has("no-header"), let path = args.value("append") {
            writer.willWriteHeader = { line in
                guard line.elementsEqual(existing) else {
                    throw RuntimeError("'\(path)' starts with another header; appending nothing (its header: \(String(decoding: existing.prefix(200), as: UTF8.self)))")
                }
            }
        }
        let loop = StreamToolLoop(files: args.allOperands, strict: args.has("strict"), output: output, diagnostics: diagnostics)
        loop.checkFields(columns ?? [])
        try writer.start(to: output)
        try loop.run { record in
            try writer.write(record, to: output)
            try output.flushIfFull()
            return nil
        }
        try output.flush()
        return loop.status
    }

    /// The first line of an open file, without its line end (`\n` or `\r\n`); at most 1 MiB is read.
    static func firstLine(_ fd: Int32) -> [UInt8] {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = 0
        while offset < 1 << 20 {
            guard case .success(let n) = chunk.withUnsafeMutableBytes({ SystemCall.pread(fd, $0.baseAddress!, $0.count, offset) }), n > 0 else { break }
            if let end = chunk[0..<n].firstIndex(of: 0x0A) {
                line.append(contentsOf: chunk[0..<end])
                break
            }
            line.append(contentsOf: chunk[0..<n])
            offset += n
        }
        if line.last == 0x0D { line.removeLast() }
        return line
    }
}

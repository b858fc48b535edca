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
                       doc: "Append the rows to \\fIFILE\\fR (created if missing) instead of writing them to standard output, and write the header only when \\fIFILE\\fR is empty: a cron job can run \\fBpssnap \\-n1 | \(tool) \\-f ts,pid,rss \\-a log\\fR every minute and the file keeps one header. If \\fIFILE\\fR already starts with a different header, \(tool) appends nothing and exits with status 1, rather than mix two tables in one file. The header is decided under an exclusive \\fBflock\\fR(2) on \\fIFILE\\fR, taken just before the first line is written, so runs started together on a new file write one header between them (other writers that want the same must take that lock). A last line without its newline gets one before the first row. Written as root in a directory other users can write to, \\fIFILE\\fR is safe: a symbolic link is never followed (\\fB\\(aqFILE\\(aq is a symbolic link; not followed when writing\\fR), and anything but a regular file (a FIFO, a device, a directory) is refused with why; both exit with status 1 before reading anything.",
                       completion: .file),
            OptionSpec(nil, "spreadsheet", help: "make every cell safe to open in a spreadsheet",
                       doc: "For a file a person opens in a spreadsheet (LibreOffice, Excel, Google Sheets). Process names, command lines and user names are chosen by whoever runs a process, and a spreadsheet runs a cell that starts with \\fB=\\fR as a formula (a process named \\fB=1+cmd|\\(aq /C calc\\(aq!A0\\fR is a command on some systems). With this option a text cell that starts with \\fB=\\fR, \\fB+\\fR, \\fB\\-\\fR, \\fB@\\fR, TAB or CR gets a \\fB\\(aq\\fR in front (as OWASP advises: the spreadsheet shows it as text), and every control character but TAB, LF and CR (ESC, BEL, DEL, the C1 range) becomes U+FFFD. Numbers are written as numbers (\\fB\\-5\\fR is no formula); header cells are treated like any other. Without the option cells hold the data as it is, control characters included (a CSV file is data: look at one on a terminal with \\fBless\\fR(1), which shows them as \\fB^[\\fR)."),
            .strict,
        ]
    }

    static func columns(_ args: ParsedArguments) throws(UsageError) -> [String]? {
        guard let lists = args.values["fields"] else { return nil }
        return try ValueParsers.fieldList(lists, option: "-f", unique: false)
    }

    public static func run(_ args: ParsedArguments, dialect: TableDialect, output stdout: OutputBuffer,
                           diagnostics: Diagnostics) throws -> Int32 {
        let columns = try columns(args)
        let header = !args.has("no-header")
        var output = stdout
        var append: AppendTarget? = nil
        defer { append?.close() }
        if let path = args.value("append") {
            switch OutputFile.open(path, mode: .append) {
            case .failure(let e): throw e
            case .success(let fd): append = AppendTarget(path: path, fd: fd, checksHeader: header)
            }
            output = OutputBuffer(fd: append!.fd)
        }
        let writer = TableWriter(dialect: dialect, columns: columns, header: header, crlf: args.has("crlf"),
                                 spreadsheet: args.has("spreadsheet"))
        if let append {
            writer.willWriteHeader = { line, lineEnd in try append.begin(header: line, lineEnd: lineEnd) }
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

    /// `-a FILE`: what is already in the file is looked at, and the header decided, under an
    /// exclusive flock(2), just before the first line is written (when the columns are known), so
    /// that runs started together on a new file write one header between them, and a run waiting
    /// for its input holds no lock. Rows are appended with O_APPEND, each flush one write(2).
    final class AppendTarget {
        let path: String
        let fd: Int32
        /// False with --no-header: the file's first line is not compared then.
        let checksHeader: Bool

        init(path: String, fd: Int32, checksHeader: Bool) {
            self.path = path
            self.fd = fd
            self.checksHeader = checksHeader
        }

        func close() { SystemCall.close(fd) }

        /// Under the lock: an empty file gets the header (written here, at once); a file that
        /// starts with another header is refused; a last line without its newline gets one, so the
        /// first row is not glued onto it. Returns false: the header is never the writer's to write.
        func begin(header line: UnsafeBufferPointer<UInt8>, lineEnd: [UInt8]) throws -> Bool {
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else { throw RuntimeError("cannot lock '\(path)': \(Errno.current.message)") }
            }
            defer { _ = flock(fd, LOCK_UN) }
            var size = 0
            if case .success(let n) = SystemCall.fileSize(fd) { size = n }
            var bytes: [UInt8] = []
            if size == 0 {
                if checksHeader { bytes = Array(line) + lineEnd }
            } else {
                if checksHeader {
                    let existing = TableCommand.firstLine(fd)
                    guard line.elementsEqual(existing) else {
                        throw RuntimeError("'\(path)' starts with another header; appending nothing (its header: \(String(decoding: existing.prefix(200), as: UTF8.self)))")
                    }
                }
                var last: UInt8 = 0x0A
                _ = SystemCall.pread(fd, &last, 1, size - 1)
                if last != 0x0A { bytes = [0x0A] }
            }
            if !bytes.isEmpty {
                let out = OutputBuffer(fd: fd)
                out.append(bytes)
                try out.flush()
            }
            return false
        }
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

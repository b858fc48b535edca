#if canImport(Glibc)
import Glibc
#endif

/// Files a user names for a tool to write (`pscsv -a`, `pssnap -o`, `psplot -o`, `psexport
/// --textfile`). pstools runs as root from cron, in directories other users may own, so:
/// - the last path component is never followed if it is a symbolic link (O_NOFOLLOW): a link
///   another user planted cannot redirect root's output to /etc;
/// - only a regular file is written: a FIFO, a device or a directory is refused, with why
///   (opened O_NONBLOCK, so a FIFO without a reader cannot hang the open);
/// - a new file gets mode 0666 less the umask, as a shell's `>` gives.
public enum OutputFile {
    public enum Mode: Sendable {
        /// Write from the start, cutting what was there (`>`).
        case truncate
        /// Every write lands at the end (`>>`); readable too, so a tool can check what is there.
        case append
    }

    /// An open descriptor for `path`, or a message saying why not (for `TOOL: message`).
    public static func open(_ path: String, mode: Mode) -> Result<Int32, RuntimeError> {
        var flags = O_CLOEXEC | O_CREAT | O_NOFOLLOW | O_NONBLOCK
        flags |= mode == .append ? (O_RDWR | O_APPEND) : O_WRONLY
        let fd = SystemCall.retrying { Glibc.open(path, flags, 0o666) }
        if fd < 0 {
            let e = Errno.current
            if e.rawValue == ELOOP { return .failure(RuntimeError("'\(path)' is a symbolic link; not followed when writing (name its target)")) }
            // A FIFO without a reader answers ENXIO to a non-blocking open for writing.
            var st = stat()
            if lstat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
                return .failure(RuntimeError("'\(path)' is \(describe(st.st_mode)), not a regular file; refusing to write to it"))
            }
            return .failure(RuntimeError("cannot open '\(path)': \(e.message)"))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = Errno.current
            SystemCall.close(fd)
            return .failure(RuntimeError("cannot open '\(path)': \(e.message)"))
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            SystemCall.close(fd)
            return .failure(RuntimeError("'\(path)' is \(describe(st.st_mode)), not a regular file; refusing to write to it"))
        }
        // Back to blocking writes; a regular file never blocks anyway.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if mode == .truncate, ftruncate(fd, 0) != 0 {
            let e = Errno.current
            SystemCall.close(fd)
            return .failure(RuntimeError("cannot truncate '\(path)': \(e.message)"))
        }
        return .success(fd)
    }

    /// Replaces `path` with `bytes` atomically: a reader sees the old file or the new one, never
    /// half of one. The bytes go to a new file beside it (created O_EXCL, so nothing planted
    /// there is followed), which is then renamed over `path`. An existing `path` that is not a
    /// regular file (a link, a FIFO) is refused. The new file keeps the old one's mode, else
    /// 0644 (a metrics file is for other users' collectors to read).
    public static func replace(_ path: String, with bytes: UnsafeBufferPointer<UInt8>) -> Result<Void, RuntimeError> {
        var old = stat()
        var mode: mode_t = 0o644
        if lstat(path, &old) == 0 {
            guard old.st_mode & S_IFMT == S_IFREG else {
                return .failure(RuntimeError("'\(path)' is \(describe(old.st_mode)), not a regular file; refusing to replace it"))
            }
            mode = old.st_mode & 0o7777
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var fd: Int32 = -1
        var temporary = ""
        for attempt in 0..<100 {
            temporary = "\(directory).\(base).\(getpid()).\(attempt).tmp"
            fd = SystemCall.retrying { Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode) }
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { return .failure(RuntimeError("cannot create a file beside '\(path)': \(Errno.current.message)")) }
        _ = fchmod(fd, mode)
        if let e = SystemCall.writeAll(fd, bytes.baseAddress, bytes.count) {
            SystemCall.close(fd)
            unlink(temporary)
            return .failure(RuntimeError("cannot write '\(temporary)': \(e.message)"))
        }
        SystemCall.close(fd)
        guard rename(temporary, path) == 0 else {
            let e = Errno.current
            unlink(temporary)
            return .failure(RuntimeError("cannot rename '\(temporary)' to '\(path)': \(e.message)"))
        }
        return .success(())
    }

    static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An errno value, named where the tools care which one it is.
public struct Errno: Error, Equatable, Sendable {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// ENOENT: the file (or the whole process) is not there.
    public static let noSuchFile = Errno(ENOENT)
    /// ESRCH: the process ended after its files were opened.
    public static let noSuchProcess = Errno(ESRCH)
    /// EACCES: not ours to read.
    public static let permissionDenied = Errno(EACCES)
    /// EPIPE: the reader of our output went away.
    public static let brokenPipe = Errno(EPIPE)

    public static var current: Errno { Errno(errno) }

    /// The process (or thread) this file belonged to is gone: drop its record.
    public var meansProcessGone: Bool { rawValue == ENOENT || rawValue == ESRCH }

    public var message: String { String(cString: strerror(rawValue)) }
}

/// Thin wrappers over the syscalls the tools use; each retries on EINTR in one place.
public enum SystemCall {
    @inline(__always)
    static func retrying<T: BinaryInteger>(_ body: () -> T) -> T {
        while true {
            let r = body()
            if r >= 0 || errno != EINTR { return r }
        }
    }

    /// openat(2) relative to a directory descriptor; never follows a final symlink and never blocks on a FIFO.
    public static func openAt(_ dir: Int32, _ path: UnsafePointer<CChar>, directory: Bool = false) -> Result<Int32, Errno> {
        var flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
        if directory { flags |= O_DIRECTORY }
        let fd = retrying { openat(dir, path, flags) }
        return fd >= 0 ? .success(fd) : .failure(.current)
    }

    public static func openAt(_ dir: Int32, _ path: String, directory: Bool = false) -> Result<Int32, Errno> {
        path.withCString { openAt(dir, $0, directory: directory) }
    }

    /// Opens a directory the user named (it may be a symlink, unlike the files below it).
    public static func openDirectory(_ path: String) -> Result<Int32, Errno> {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY) }
        return fd >= 0 ? .success(fd) : .failure(.current)
    }

    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    public static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int) -> Result<Int, Errno> {
        let n = retrying { Glibc.pread(fd, buffer, count, off_t(offset)) }
        return n >= 0 ? .success(n) : .failure(.current)
    }

    /// The size the kernel reports for an open file; procfs gives the number of open fds for /proc/PID/fd.
    public static func fileSize(_ fd: Int32) -> Result<Int, Errno> {
        var st = stat()
        return fstat(fd, &st) == 0 ? .success(Int(st.st_size)) : .failure(.current)
    }

    /// A real procfs root: its inode is PROC_ROOT_INO (1) and it has the "self" link.
    /// (statfs is not in Swift's Glibc module; this tells procfs from a fixture tree just as well.)
    public static func isProcfs(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_ino == 1 else { return false }
        var link = [CChar](repeating: 0, count: 32)
        return readlinkat(fd, "self", &link, 31) > 0
    }

    /// Reads a symlink relative to a directory descriptor without following it.
    public static func readLink(_ dir: Int32, _ name: UnsafePointer<CChar>, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        readlinkat(dir, name, buffer, capacity)
    }
}

extension SystemCall {
    /// Writes all of `count` bytes at `bytes`, retrying on EINTR; the errno of a failed write (or
    /// of a write that wrote nothing), nil when all went. A full non-blocking descriptor (O_NONBLOCK
    /// set by whoever opened the pipe) is waited for, as a blocking write would have. Async-signal-
    /// safe (Terminal restores the screen with it from a signal handler).
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Errno? {
        guard let bytes else { return nil }
        var off = 0
        while off < count {
            let n = write(fd, bytes + off, count - off)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                return .current
            }
            if n == 0 { return Errno(EIO) }
            off += n
        }
        return nil
    }

    /// Opens a file by path for reading (following symlinks: the user named it).
    public static func openDirectoryOrFile(_ path: String) -> Result<Int32, Errno> {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        return fd >= 0 ? .success(fd) : .failure(.current)
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > UInt(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}

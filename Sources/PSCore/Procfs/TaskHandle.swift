/// The /proc files of one task (a process, or one thread with `--threads`).
/// The directory is opened once and every file read from it, so all fields of a record come from
/// the same process; in repeating mode the files stay open and are re-read with pread.
public final class TaskHandle {
    public enum File: Int, CaseIterable {
        case stat, status, io, cmdline, smapsRollup, cgroup, fdDirectory, statm
        /// task/TID/children (CONFIG_PROC_CHILDREN): the children forked by one thread. Opened by
        /// `openChildren`, which knows the thread.
        case children

        var name: StaticString {
            switch self {
            case .stat: return "stat"
            case .status: return "status"
            case .io: return "io"
            case .cmdline: return "cmdline"
            case .smapsRollup: return "smaps_rollup"
            case .cgroup: return "cgroup"
            case .fdDirectory: return "fd"
            case .statm: return "statm"
            case .children: return "children"
            }
        }
    }

    public let pid: Int32
    public let tid: Int32?
    public private(set) var directory: Int32
    private var files: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1, -1, -1, -1, -1)
    public var sample = ProcessSample()
    /// The snapshot number that last saw this task alive.
    var generation: UInt64 = 0

    init(pid: Int32, tid: Int32?, directory: Int32) {
        self.pid = pid
        self.tid = tid
        self.directory = directory
    }

    deinit { closeAll() }

    /// Descriptors this handle holds open.
    public var openCount: Int {
        var n = directory >= 0 ? 1 : 0
        withUnsafeBytes(of: files) { raw in
            for fd in raw.bindMemory(to: Int32.self) where fd >= 0 { n += 1 }
        }
        return n
    }

    func descriptor(_ file: File) -> Int32 {
        withUnsafeBytes(of: files) { $0.bindMemory(to: Int32.self)[file.rawValue] }
    }

    func setDescriptor(_ file: File, _ fd: Int32) {
        withUnsafeMutableBytes(of: &files) { $0.bindMemory(to: Int32.self)[file.rawValue] = fd }
    }

    public func closeAll() {
        for file in File.allCases {
            let fd = descriptor(file)
            if fd >= 0 { SystemCall.close(fd); setDescriptor(file, -1) }
        }
        if directory >= 0 { SystemCall.close(directory); directory = -1 }
    }

    /// Opens a file of this task (or returns the one kept open). `keep` leaves it open for the next tick.
    func open(_ file: File, keep: Bool) -> Result<Int32, Errno> {
        let cached = descriptor(file)
        if cached >= 0 { return .success(cached) }
        let result = SystemCall.openAt(directory, UnsafeRawPointer(file.name.utf8Start).assumingMemoryBound(to: CChar.self),
                                       directory: file == .fdDirectory)
        if keep, case .success(let fd) = result { setDescriptor(file, fd) }
        return result
    }

    /// The children file of thread `tid` of this task's process: kept open (for the next tick)
    /// when it is the leader's, opened afresh for another thread.
    func openChildren(tid: Int32, keep: Bool) -> Result<Int32, Errno> {
        let own = tid == (self.tid ?? pid)
        if own {
            let cached = descriptor(.children)
            if cached >= 0 { return .success(cached) }
        }
        // A thread handle's directory is task/TID itself; a process's is PID.
        let path = self.tid == tid ? "children" : "task/\(tid)/children"
        let result = SystemCall.openAt(directory, path)
        if keep && own, case .success(let fd) = result { setDescriptor(.children, fd) }
        return result
    }

    /// Reads a whole file into `buffer`.
    func read(_ file: File, into buffer: ReadBuffer, keep: Bool, upTo limit: Int? = nil) -> Result<Int, Errno> {
        switch open(file, keep: keep) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            let r = buffer.readWhole(fd, upTo: limit)
            if descriptor(file) != fd { SystemCall.close(fd) }
            return r
        }
    }

    /// Closes a kept file whose descriptor is unusable.
    func forget(_ file: File) {
        let fd = descriptor(file)
        if fd >= 0 { SystemCall.close(fd); setDescriptor(file, -1) }
    }
}

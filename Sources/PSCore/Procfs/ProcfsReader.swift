#if canImport(Glibc)
import Glibc
#endif

/// A problem with /proc itself or with one file in it that is not a normal end of a process.
public struct ProcfsWarning: Equatable {
    public var path: String
    public var message: String
}

/// Reads snapshots from a procfs tree (/proc or a fixture given with --proc-root).
///
/// A vanished process (ENOENT, ESRCH or an empty stat) is dropped without a word; a file that cannot
/// be read (EACCES, absent on this kernel) gives null fields. In repeating mode every file a task needs
/// stays open between snapshots and is re-read with pread, which costs less than half of
/// open/read/close; new pids come from readdir and dead ones fall out on ESRCH.
public final class ProcfsReader {
    public let rootPath: String
    public let groups: FieldGroups
    public let threads: Bool
    public let environment: SystemEnvironment
    /// True when the root is a real procfs (so /proc/PID/fd's size is its number of open fds).
    public let isProcfs: Bool

    let root: Int32
    let rootListing: DirectoryStream
    let buffer = ReadBuffer()
    /// Boot time in epoch ms; nil when /proc/stat's btime is out of range (every start is then null).
    let btimeMs: Int64?
    /// CLOCK_BOOTTIME in ms, read right after each stat (each process's `age` is measured then).
    /// Tests replace it to see which reading each record got.
    public var boottimeClock: () -> Int64
    /// Keep files open between snapshots, within this many descriptors.
    var keepOpenBudget: Int
    var handles: [Int32: TaskHandle] = [:]
    var generation: UInt64 = 0
    var pids: [Int32] = []
    var tids: [Int32] = []
    var netTables: [UInt64: NetSocketTable] = [:]
    /// Whether the tree has task/TID/children files (nil: not looked at yet).
    var childrenFilesKnown: Bool? = nil
    public var warnings: [ProcfsWarning] = []
    private var warnedPaths: Set<String> = []
    /// Test seam, the one shim every open of a task's file passes: an errno to force for (task id, file).
    /// Golden tests use it for what a fixture tree cannot hold (EACCES as root, a process ending mid-read).
    var faultHook: ((Int32, TaskHandle.File) -> Errno?)? = nil

    private func open(_ task: TaskHandle, _ file: TaskHandle.File, keep: Bool) -> Result<Int32, Errno> {
        if let e = faultHook?(task.tid ?? task.pid, file) { return .failure(e) }
        return task.open(file, keep: keep)
    }

    private func read(_ task: TaskHandle, _ file: TaskHandle.File, keep: Bool, upTo limit: Int? = nil) -> Result<Int, Errno> {
        if let e = faultHook?(task.tid ?? task.pid, file) { return .failure(e) }
        return task.read(file, into: buffer, keep: keep, upTo: limit)
    }

    public init(root: String, groups: FieldGroups, threads: Bool, keepFilesOpen: Bool,
                environment: SystemEnvironment = SystemEnvironment()) throws(RuntimeError) {
        rootPath = root
        self.groups = groups
        self.threads = threads
        self.environment = environment
        switch SystemCall.openDirectory(root) {
        case .failure(let e): throw RuntimeError("cannot open '\(root)': \(e.message)")
        case .success(let fd): self.root = fd
        }
        guard let listing = DirectoryStream(duplicating: self.root) else {
            throw RuntimeError("cannot list '\(root)': \(Errno.current.message)")
        }
        rootListing = listing
        isProcfs = SystemCall.isProcfs(self.root)
        // btime: boot time in epoch seconds, from the tree's own stat file.
        guard case .success = buffer.readFile(self.root, "stat"), let btime = ProcfsReader.bootTime(buffer.bytes) else {
            throw RuntimeError("cannot read the boot time from '\(root)/stat'")
        }
        let (ms, overflow) = btime.multipliedReportingOverflow(by: 1000)
        btimeMs = overflow || btime < 0 ? nil : ms
        boottimeClock = { [environment] in environment.boottimeMs() }
        // A two-phase snapshot (a query, a COMMAND subtree) holds every task's directory between phases.
        let limit = SystemCall.raiseOpenFileLimit()
        // Leave room for the tool's own descriptors and the per-snapshot ones.
        keepOpenBudget = keepFilesOpen ? max(0, limit - 256) : 0
        if btimeMs == nil { warn(root + "/stat", "btime \(btime) out of range: every start is null") }
    }

    deinit {
        handles.removeAll()
        SystemCall.close(root)
    }

    static func bootTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scan = ByteScanner(bytes)
        repeat {
            if scan.consume("btime ") {
                return scan.signed()
            }
        } while scan.nextLine()
        return nil
    }

    /// Descriptors held open across snapshots (for the soak test and --debug figures).
    public var openDescriptorCount: Int { handles.values.reduce(0) { $0 + $1.openCount } }

    /// What a failed read of a /proc file says: pread's ESPIPE (a FIFO) and openat's ELOOP under
    /// O_NOFOLLOW (a symlink) both mean a file that is not what procfs would put there.
    static func describe(_ e: Errno) -> String {
        switch e.rawValue {
        case ESPIPE: return "not a regular file"
        case ELOOP: return "a symbolic link, not followed"
        default: return e.message
        }
    }

    func warn(_ path: String, _ message: String) {
        guard warnedPaths.insert(path).inserted else { return }
        warnings.append(ProcfsWarning(path: path, message: message))
    }

    // MARK: - Snapshot

    /// Takes one snapshot. `select` sees every task with only its stat read and says which to keep;
    /// only those have their other files read (a query or `-- COMMAND` subtree costs little more than stat).
    public func snapshot(select: ((_ tasks: [TaskHandle]) -> [Bool])? = nil) -> Snapshot {
        generation &+= 1
        let realtime = environment.realtimeMs()
        let boottime = environment.boottimeMs()
        netTables.removeAll(keepingCapacity: true)
        rootListing.rewind()
        rootListing.numericEntries(into: &pids)
        var tasks: [TaskHandle] = []
        tasks.reserveCapacity(pids.count)
        for pid in pids {
            if threads {
                readThreads(of: pid, into: &tasks, readRest: select == nil)
            } else if let task = readTask(pid: pid, tid: nil, readRest: select == nil) {
                tasks.append(task)
            }
        }
        if let select {
            let keep = select(tasks)
            var kept: [TaskHandle] = []
            for (task, k) in zip(tasks, keep) where k {
                if readRest(task) { kept.append(task) } else { drop(task) }
            }
            tasks = kept
        }
        // Tasks not seen this time have ended: close what they held.
        if !handles.isEmpty {
            let ended = handles.compactMap { $0.value.generation == generation ? nil : $0.key }
            for key in ended { handles[key] = nil }
        }
        return Snapshot(realtimeMs: realtime, boottimeMs: boottime, tasks: tasks)
    }

    func readThreads(of pid: Int32, into tasks: inout [TaskHandle], readRest: Bool) {
        let dir = ProcPath(pid: pid)
        let taskDir = dir.withCString { p -> Int32? in
            var path = [CChar](repeating: 0, count: 32)
            strcpy(&path, p)
            strcat(&path, "/task")
            if case .success(let fd) = SystemCall.openAt(root, path, directory: true) { return fd }
            return nil
        }
        guard let taskDir else { return }
        defer { SystemCall.close(taskDir) }
        guard let listing = DirectoryStream(duplicating: taskDir) else { return }
        listing.numericEntries(into: &tids)
        tids.sort()
        for tid in tids {
            if let task = readTask(pid: pid, tid: tid, readRest: readRest) { tasks.append(task) }
        }
    }

    /// Reads stat (and, when `readRest`, the other files) of one task; nil if it is gone.
    func readTask(pid: Int32, tid: Int32?, readRest: Bool) -> TaskHandle? {
        let key = tid ?? pid
        var handle = handles[key]
        if let h = handle, h.pid != pid {
            // A tid reused by another process's thread.
            drop(h)
            handle = nil
        }
        let task: TaskHandle
        if let h = handle {
            task = h
        } else {
            let path = ProcPath(pid: pid, tid: tid)
            let opened = path.withCString { SystemCall.openAt(root, $0, directory: true) }
            guard case .success(let dirFD) = opened else { return nil }
            task = TaskHandle(pid: pid, tid: tid, directory: dirFD)
        }
        var stat = readStat(task)
        if stat == .gone && handle != nil {
            // The pid may have been reused since the kept files were opened: try it afresh once.
            drop(task)
            let path = ProcPath(pid: pid, tid: tid)
            let opened = path.withCString { SystemCall.openAt(root, $0, directory: true) }
            guard case .success(let dirFD) = opened else { return nil }
            let fresh = TaskHandle(pid: pid, tid: tid, directory: dirFD)
            stat = readStat(fresh)
            guard stat == .ok else { return nil }
            return adopt(fresh, readRest: readRest)
        }
        guard stat == .ok else {
            if handle != nil { drop(task) }
            return nil
        }
        return adopt(task, readRest: readRest)
    }

    private func adopt(_ task: TaskHandle, readRest doRest: Bool) -> TaskHandle? {
        if doRest {
            guard readRest(task) else { drop(task); return nil }
        }
        let key = task.tid ?? task.pid
        if handles[key] !== task && mayKeep { handles[key] = task }
        task.generation = generation
        // A task we do not keep gives its descriptors back as soon as it has been read.
        if doRest && handles[key] !== task { task.closeAll() }
        return task
    }

    func drop(_ task: TaskHandle) {
        let key = task.tid ?? task.pid
        if handles[key] === task { handles[key] = nil }
        task.closeAll()
    }

    /// A kept task holds at most its directory and one descriptor per file it reads.
    var mayKeep: Bool { (handles.count + 1) * (TaskHandle.File.allCases.count + 1) <= keepOpenBudget }

    enum StatResult { case ok, gone, bad }

    private func readStat(_ task: TaskHandle) -> StatResult {
        switch read(task, .stat, keep: mayKeep) {
        case .failure(let e):
            if e.meansProcessGone { return .gone }
            // hidepid=1 and similar: the process is there but not ours to see. pstools(7): normal.
            if e.rawValue == EACCES || e.rawValue == EPERM { return .gone }
            warn(path(task, .stat), Self.describe(e))
            return .bad
        case .success:
            // The clock right after the read: the counters just read cover at most this much life.
            let readAt = boottimeClock()
            task.sample.resetOptionalFields()
            switch ProcStatParser.parse(buffer.bytes, into: &task.sample) {
            case nil:
                task.sample.statReadBoottimeMs = readAt
                // The directory we listed names the task, whatever its stat claims.
                task.sample.tid = task.tid
                task.sample.pid = task.pid
                return .ok
            case .empty?:
                return .gone
            case .malformed(let field)?:
                warn(path(task, .stat), "malformed at field \(field)")
                return .bad
            }
        }
    }

    func path(_ task: TaskHandle, _ file: TaskHandle.File) -> String {
        var p = rootPath + "/\(task.pid)"
        if let tid = task.tid { p += "/task/\(tid)" }
        return p + "/" + "\(file.name)"
    }

    enum FileRead { case ok, unreadable, gone }

    /// Reads one optional file; `.gone` when the task has ended under us.
    private func read(_ task: TaskHandle, _ file: TaskHandle.File, upTo limit: Int? = nil) -> FileRead {
        switch read(task, file, keep: mayKeep, upTo: limit) {
        case .success:
            if buffer.truncated && limit == nil { warn(path(task, file), "longer than \(buffer.limit) bytes: truncated") }
            return .ok
        case .failure(let e):
            // ESRCH is also what a file that needs a memory map (smaps_rollup) says for a kernel
            // thread or a zombie; ENOENT also means "not on this kernel". stat tells which.
            if e.meansProcessGone { return isAlive(task) ? .unreadable : .gone }
            if e.rawValue != EACCES && e.rawValue != EPERM { warn(path(task, file), Self.describe(e)) }
            return .unreadable
        }
    }

    /// ENOENT or ESRCH on a file other than stat means "not on this kernel", "no memory map" or
    /// "the process just ended": stat tells which (a zombie's stat still reads).
    private func isAlive(_ task: TaskHandle) -> Bool {
        switch read(task, .stat, keep: false) {
        case .success(let n): return n > 0
        case .failure(let e): return !e.meansProcessGone
        }
    }

    /// Reads every selected file but stat. False when the task vanished meanwhile.
    func readRest(_ task: TaskHandle) -> Bool {
        if groups.contains(.status) {
            switch read(task, .status) {
            case .gone: return false
            case .unreadable: break
            case .ok: ProcStatusParser.parse(buffer.bytes, into: &task.sample)
            }
        } else {
            // rss must be exact without status too: statm is, stat's field 24 is not (see ProcessSample).
            switch read(task, .statm) {
            case .gone: return false
            case .unreadable: break
            case .ok:
                if let pages = ProcStatmParser.residentPages(buffer.bytes) {
                    let (bytes, overflow) = pages.multipliedReportingOverflow(by: environment.pageSize)
                    if overflow { task.sample.outOfRange.insert(.rss) } else { task.sample.residentBytes = bytes }
                }
            }
        }
        if groups.contains(.io) {
            switch read(task, .io) {
            case .gone: return false
            case .unreadable: break
            case .ok:
                task.sample.io = ProcIOParser.parse(buffer.bytes)
                if task.sample.io == nil && buffer.count > 0 { task.sample.outOfRange.insert(.io) }
            }
        }
        if groups.contains(.fd) || groups.contains(.net) {
            guard readDescriptors(task) else { return false }
        }
        if groups.contains(.smaps) {
            switch read(task, .smapsRollup) {
            case .gone: return false
            case .unreadable: break
            case .ok:
                task.sample.smaps = SmapsRollupParser.parse(buffer.bytes)
                if let m = task.sample.smaps {
                    task.sample.outOfRange.formUnion(m.outOfRange)
                    // Its parts fit, their sum does not.
                    if m.privateClean != nil && m.privateDirty != nil && m.uss == nil { task.sample.outOfRange.insert(.uss) }
                }
            }
        }
        if groups.contains(.cgroup) {
            switch read(task, .cgroup) {
            case .gone: return false
            case .unreadable: break
            case .ok: task.sample.cgroup = ProcCgroupParser.parse(buffer.bytes)
            }
        }
        if groups.contains(.cmdline) || groups.contains(.argv) {
            // Read one byte past the limit, to know whether there is more.
            switch read(task, .cmdline, upTo: RecordWriter.cmdlineLimit + 1) {
            case .gone: return false
            case .unreadable: break
            case .ok:
                var bytes = task.sample.cmdline ?? []
                bytes.removeAll(keepingCapacity: true)
                let all = buffer.bytes
                var n = all.count
                if n > RecordWriter.cmdlineLimit || buffer.truncated {
                    n = RecordWriter.utf8Boundary(all, atMost: RecordWriter.cmdlineLimit)
                    task.sample.cmdlineCut = true
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: all[0..<n]))
                task.sample.cmdline = bytes
            }
        }
        return true
    }

    /// fd count and, for the net group, socket counts, from /proc/PID/fd.
    private func readDescriptors(_ task: TaskHandle) -> Bool {
        let needSockets = groups.contains(.net)
        // The fd directory is kept open only for counting by size; listing it needs a fresh stream.
        let keep = mayKeep && isProcfs && !needSockets
        switch open(task, .fdDirectory, keep: keep) {
        case .failure(let e):
            if e.meansProcessGone { return isAlive(task) }
            return true
        case .success(let fd):
            defer { if task.descriptor(.fdDirectory) != fd { SystemCall.close(fd) } }
            if !needSockets {
                if isProcfs, case .success(let size) = SystemCall.fileSize(fd) {
                    if size > 0 {
                        task.sample.fds = size
                        return true
                    }
                }
                guard let listing = DirectoryStream(duplicating: fd) else { return true }
                task.sample.fds = listing.count()
                return true
            }
            guard let listing = DirectoryStream(duplicating: fd) else { return true }
            var count = 0
            var inodes: [UInt64] = []
            var link = [CChar](repeating: 0, count: 64)
            listing.forEach { name, _ in
                count += 1
                let n = link.withUnsafeMutableBufferPointer { SystemCall.readLink(fd, name, into: $0.baseAddress!, capacity: 63) }
                // "socket:[12345]"
                guard n > 9 else { return }
                link.withUnsafeBufferPointer { p in
                    p.withMemoryRebound(to: UInt8.self) { b in
                        let bytes = UnsafeBufferPointer(rebasing: b[0..<n])
                        var scan = ByteScanner(bytes)
                        guard scan.consume("socket:["), let inode = scan.unsignedUntil(0x5D) else { return }
                        inodes.append(inode)
                    }
                }
            }
            task.sample.fds = count
            if let table = socketTable(for: task) {
                task.sample.sockets = table.count(inodes: inodes)
            }
            return true
        }
    }

    /// The socket tables of the task's network namespace, read once per snapshot.
    private func socketTable(for task: TaskHandle) -> NetSocketTable? {
        var link = [CChar](repeating: 0, count: 64)
        let n = link.withUnsafeMutableBufferPointer { SystemCall.readLink(task.directory, "ns/net", into: $0.baseAddress!, capacity: 63) }
        var namespace: UInt64 = 0
        if n > 0 {
            link.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: UInt8.self) { b in
                    var scan = ByteScanner(UnsafeBufferPointer(rebasing: b[0..<n]))
                    if scan.consume("net:["), let v = scan.unsignedUntil(0x5D) { namespace = v }
                }
            }
        } else if errno == EACCES || errno == EPERM {
            return nil
        }
        if let t = netTables[namespace] { return t }
        var table = NetSocketTable()
        for (name, kind) in [("net/tcp", 0), ("net/tcp6", 0), ("net/udp", 1), ("net/udp6", 1), ("net/unix", 2)] {
            guard case .success = buffer.readFile(task.directory, name, untilEOF: true) else { continue }
            switch kind {
            case 0: table.addTCP(buffer.bytes)
            case 1: table.addUDP(buffer.bytes)
            default: table.addUnix(buffer.bytes)
            }
        }
        netTables[namespace] = table
        return table
    }
}

/// One snapshot: the tasks read, in /proc's listing order (the writer puts them in tree order).
public struct Snapshot {
    public var realtimeMs: Int64
    public var boottimeMs: Int64
    public var tasks: [TaskHandle]
}

extension ByteScanner {
    /// Digits up to `terminator`, which must follow them.
    mutating func unsignedUntil(_ terminator: UInt8) -> UInt64? {
        var v: UInt64 = 0
        let start = position
        while position < bytes.count, bytes[position] != terminator {
            let d = bytes[position] &- 0x30
            guard d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = a
            position += 1
        }
        return position > start && position < bytes.count ? v : nil
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Where a subtree read starts: the processes whose subtrees are wanted.
public struct SubtreeRoots {
    /// The root pids. With `starts`, a pid is a root only while its start (stat starttime, in
    /// clock ticks) is the one given: a pid reused by an unrelated process is not the root.
    public var pids: [Int32]
    public var starts: [Int32: UInt64]? = nil
    /// `-- COMMAND`: the roots are the children of `pids` (pssnap itself), which are not members.
    public var childrenOnly = false
    /// Read the members' ancestors too (stat only), so that order and depth are the whole tree's.
    public var ancestors = true

    public init(pids: [Int32], starts: [Int32: UInt64]? = nil, childrenOnly: Bool = false, ancestors: Bool = true) {
        self.pids = pids
        self.starts = starts
        self.childrenOnly = childrenOnly
        self.ancestors = ancestors
    }
}

/// What a subtree read gives the caller's `select`: every task read (members, then ancestors),
/// each with its stat, and which of them are members.
public struct SubtreeTasks {
    public var tasks: [TaskHandle]
    public var isMember: [Bool]
}

extension ProcfsReader {
    /// Whether this tree lists children (Linux's CONFIG_PROC_CHILDREN): /proc/PID/task/TID/children
    /// of the tree's own `self`, else of pid 1. A tree that has neither cannot be followed from its
    /// roots, and the caller scans it whole.
    public var hasChildrenFiles: Bool {
        if let known = childrenFilesKnown { return known }
        var answer = false
        for candidate in [String(getpid()), "1"] {
            let dir = candidate + "/task/" + candidate + "/children"
            if case .success(let fd) = SystemCall.openAt(root, dir) {
                SystemCall.close(fd)
                answer = true
                break
            }
        }
        childrenFilesKnown = answer
        return answer
    }

    /// Takes one snapshot of the subtrees below `roots`, following each member's children files
    /// down the tree instead of listing /proc: its cost is the members' (and their ancestors')
    /// reads, whatever the number of other processes. nil when it cannot serve (no children files
    /// on this kernel, or one vanished under a live process): the caller takes a full snapshot.
    ///
    /// A child is a member only when its own stat names the member as its parent (the full scan's
    /// rule, which also keeps out a pid that was reused between the listing and the read). Children
    /// hang off the thread that forked them, so every thread's children file is read.
    /// `select` sees every task read with only stat, and says which to read in full.
    public func subtreeSnapshot(_ roots: SubtreeRoots, select: (SubtreeTasks) -> [Bool]) -> Snapshot? {
        guard hasChildrenFiles else { return nil }
        generation &+= 1
        let realtime = environment.realtimeMs()
        let boottime = environment.boottimeMs()
        netTables.removeAll(keepingCapacity: true)
        var tasks: [TaskHandle] = []
        var visited: Set<Int32> = []
        var failed = false

        var threadHandles: [Int32: TaskHandle] = [:]

        /// Reads a process's stat (all its threads' with --threads) and returns its process-level
        /// handle (the leader thread's with --threads); nil when it is gone or not a member.
        func readProcess(_ pid: Int32, parent: Int32?) -> TaskHandle? {
            var found: [TaskHandle] = []
            if threads {
                readThreads(of: pid, into: &found, readRest: false)
            } else if let t = readTask(pid: pid, tid: nil, readRest: false) {
                found.append(t)
            }
            guard let first = found.first(where: { $0.tid == nil || $0.tid == pid }) ?? found.first else { return nil }
            if let parent, first.sample.ppid != parent { return nil }
            if parent == nil, let want = roots.starts?[pid], first.sample.startTicks != want { return nil }
            tasks.append(contentsOf: found)
            if threads { for t in found { threadHandles[t.tid ?? t.pid] = t } }
            return first
        }

        /// The children of `pid`, from each of its threads' children files.
        func children(of pid: Int32, handle: TaskHandle?) -> [Int32] {
            var result: [Int32] = []
            let tids: [Int32] = handle.map { $0.sample.threads == 1 && !threads } == true ? [pid] : listThreads(of: pid)
            for tid in tids {
                let own: TaskHandle? = threads ? threadHandles[tid] : (tid == pid ? handle : nil)
                let opened: Result<Int32, Errno>
                if let e = faultHook?(tid, .children) {
                    opened = .failure(e)
                } else if let own {
                    opened = own.openChildren(tid: tid, keep: mayKeep)
                } else {
                    opened = SystemCall.openAt(root, "\(pid)/task/\(tid)/children")
                }
                switch opened {
                case .failure(let e):
                    // A thread that ended meanwhile has no children to give; a live thread without
                    // the file means a tree without children files.
                    if e.rawValue == ENOENT, isAliveForChildren(pid: pid, tid: tid) { failed = true }
                    continue
                case .success(let fd):
                    let r = buffer.readWhole(fd, untilEOF: true)
                    if own?.descriptor(.children) != fd { SystemCall.close(fd) }
                    guard case .success = r else { continue }
                    var scan = ByteScanner(buffer.bytes)
                    while let c = scan.unsigned(), c > 0, c <= UInt64(Int32.max) { result.append(Int32(c)) }
                }
            }
            return result
        }

        // The roots, then each member's children, breadth first.
        var queue: [(pid: Int32, handle: TaskHandle)] = []
        if roots.childrenOnly {
            for p in roots.pids {
                visited.insert(p)
                for c in children(of: p, handle: nil) where !visited.contains(c) {
                    if let h = readProcess(c, parent: p) { visited.insert(c); queue.append((c, h)) }
                }
            }
        } else {
            for p in roots.pids where !visited.contains(p) {
                visited.insert(p)
                if let h = readProcess(p, parent: nil) { queue.append((p, h)) }
            }
        }
        var head = 0
        while head < queue.count && !failed {
            let (pid, handle) = queue[head]
            head += 1
            // A listed pid whose stat names another parent (it was reaped and the pid reused, or
            // it was reparented) is not marked: its real parent may list it too.
            for c in children(of: pid, handle: handle) where !visited.contains(c) {
                if let h = readProcess(c, parent: pid) { visited.insert(c); queue.append((c, h)) }
            }
        }
        if failed {
            childrenFilesKnown = false
            return nil
        }
        let memberCount = tasks.count
        // The ancestors, for the whole tree's order and depth: up from every member whose parent
        // is not a member, until a root (ppid 0) or a parent that cannot be read.
        if roots.ancestors {
            var up: [Int32] = []
            for t in tasks where t.tid == nil || t.tid == t.pid {
                let pp = t.sample.ppid
                if pp != 0 && !visited.contains(pp) { up.append(pp) }
            }
            var steps = 0
            while let p = up.popLast(), steps < 1 << 16 {
                steps += 1
                guard !visited.contains(p) else { continue }
                visited.insert(p)
                guard let t = readTask(pid: p, tid: nil, readRest: false) else { continue }
                tasks.append(t)
                let pp = t.sample.ppid
                if pp != 0 && pp != p && !visited.contains(pp) { up.append(pp) }
            }
        }
        let isMember = tasks.indices.map { $0 < memberCount }
        let keep = select(SubtreeTasks(tasks: tasks, isMember: isMember))
        var kept: [TaskHandle] = []
        for (task, k) in zip(tasks, keep) where k {
            if readRest(task) { kept.append(task) } else { drop(task) }
        }
        // Tasks not seen this time have ended or left the tree: close what they held.
        if !handles.isEmpty {
            let ended = handles.compactMap { $0.value.generation == generation ? nil : $0.key }
            for key in ended { handles[key] = nil }
        }
        return Snapshot(realtimeMs: realtime, boottimeMs: boottime, tasks: kept)
    }

    private func listThreads(of pid: Int32) -> [Int32] {
        var result: [Int32] = []
        guard case .success(let fd) = SystemCall.openAt(root, "\(pid)/task", directory: true) else { return [pid] }
        defer { SystemCall.close(fd) }
        guard let listing = DirectoryStream(duplicating: fd) else { return [pid] }
        listing.numericEntries(into: &result)
        result.sort()
        return result
    }

    /// True when the thread is still there (its stat reads), so a missing children file is the
    /// kernel's, not a thread that ended.
    private func isAliveForChildren(pid: Int32, tid: Int32) -> Bool {
        guard case .success(let fd) = SystemCall.openAt(root, "\(pid)/task/\(tid)/stat") else { return false }
        SystemCall.close(fd)
        return true
    }
}

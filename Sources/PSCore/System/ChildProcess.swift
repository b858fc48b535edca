#if canImport(Glibc)
import Glibc
#endif

/// `pssnap -- COMMAND`: the command is exec'd directly (PATH lookup, never a shell) and waited for.
public struct ChildProcess {
    public let pid: pid_t

    /// Starts `argv` with the signal dispositions a fresh program expects. With `stdoutToStderr`
    /// its standard output is its standard error (pssnap's stdout carries records).
    public static func spawn(_ argv: [String], stdoutToStderr: Bool = false) -> Result<ChildProcess, Errno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdoutToStderr { posix_spawn_file_actions_adddup2(&actions, 2, 1) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, cArgs[0]!, &actions, &attributes, &cArgs, environ)
        return rc == 0 ? .success(ChildProcess(pid: pid)) : .failure(Errno(rc))
    }

    /// Makes this process the reaper of orphaned descendants, so they stay in the command's subtree.
    /// prctl is variadic in C, which Swift cannot call; its address is taken with dlsym instead.
    @discardableResult
    public static func becomeSubreaper() -> Bool {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return false }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        return prctl(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0) == 0
    }

    /// The pid of a child that has ended, without reaping it (WNOWAIT), so its zombie stays readable.
    public static func peekEnded(_ idType: idtype_t, _ id: pid_t) -> pid_t? {
        var info = siginfo_t()
        let rc = waitid(idType, id_t(max(0, id)), &info, WEXITED | WNOHANG | WNOWAIT)
        guard rc == 0 else { return nil }
        let pid = info._sifields._sigchld.si_pid
        return pid == 0 ? nil : pid
    }

    /// Reaps any ended children other than `keep` (orphans that pssnap adopted as subreaper).
    public static func reapOrphans(except keep: pid_t) {
        while let pid = peekEnded(P_ALL, 0), pid != keep {
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// Waits for the command and returns its exit status as a shell would: 128+N if killed by signal N.
    public func wait(forwarding forward: () -> Int32?) -> Int32 {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, 0)
            if rc == pid { break }
            if rc < 0 && errno == EINTR {
                if let sig = forward() { kill(pid, sig) }
                continue
            }
            return 1
        }
        let termSignal = status & 0x7F
        return termSignal == 0 ? (status >> 8) & 0xFF : 128 + termSignal
    }
}

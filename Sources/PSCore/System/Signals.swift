#if canImport(Glibc)
import Glibc
#endif

/// SIGINT/SIGTERM (and SIGCHLD, for `pssnap -- COMMAND`) become flags read between records.
/// Handlers are installed without SA_RESTART so a sleep between ticks wakes at once.
public enum Signals {
    // Raw memory rather than Swift globals: a signal handler must not go through exclusivity checks.
    private static let stopSignal: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        p.initialize(repeating: 0, count: 2)
        return p
    }()

    /// The last SIGINT or SIGTERM received, 0 if none.
    public static var stopRequested: Int32 { stopSignal.pointee }
    public static var stopCount: Int32 { stopSignal[1] }

    public static func clearStop() { stopSignal.pointee = 0 }

    /// A write to a closed pipe returns EPIPE instead of killing us, so we can end quietly.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    public static func catchStopSignals() {
        _ = stopSignal
        install(SIGINT) { sig in
            Signals.stopSignal.pointee = sig
            Signals.stopSignal[1] &+= 1
        }
        install(SIGTERM) { sig in
            Signals.stopSignal.pointee = sig
            Signals.stopSignal[1] &+= 1
        }
    }

    /// SIGCHLD only needs to interrupt the sleep; waitid tells what happened.
    public static func catchChildSignals() {
        install(SIGCHLD) { _ in }
    }

    /// Installs `handler` for `sig` (without SA_RESTART unless `restart`: a blocked read then
    /// returns EINTR, so a loop can see the stop), and unblocks `sig`.
    static func install(_ sig: Int32, restart: Bool = false, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = restart ? SA_RESTART : 0
        sigaction(sig, &action, nil)
        // A parent (a test runner's thread, a service manager) may have left it blocked: unblock it,
        // or the handler never runs.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Restores default dispositions (for a child about to exec).
    public static func restoreDefaults() {
        for sig in [SIGINT, SIGTERM, SIGCHLD, SIGPIPE] { signal(sig, SIG_DFL) }
    }
}

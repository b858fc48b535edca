/// A process is `(pid, start)`: pids are reused, start times are not. With `pssnap --threads`
/// the thread id is part of it too. Every tool that relates records across snapshots keys on this.
public struct ProcessIdentity: Hashable, Sendable {
    public var pid: Int32
    /// The thread id of a `--threads` record; `pid` for a process record.
    public var tid: Int32
    /// `start` in milliseconds since the epoch (pssnap writes it with 3 decimals).
    public var startMs: Int64

    public init(pid: Int32, tid: Int32? = nil, startMs: Int64) {
        self.pid = pid
        self.tid = tid ?? pid
        self.startMs = startMs
    }
}

/// Reads the identity fields of records, with one rule for every tool: `pid`, `ppid` and `tid`
/// are integers in 0...Int32.max (Linux's pid_max is at most 2^22); anything else is a bad
/// record, reported with its position, never silently another pid.
public final class IdentityReader {
    let pidKey = RecordKey("pid")

    // Where the identity fields stand in the last layout seen: read per record by index, with no
    // class reference passed around (retain/release was a fifth of psplot's time).
    private var layoutID: ObjectIdentifier? = nil
    private var layoutAlive: RecordLayout? = nil
    private var pidAt = -1, ppidAt = -1, tidAt = -1, startAt = -1

    public init() {}

    @inline(__always)
    private func locate(_ record: Record) {
        if record.layoutID != layoutID { relocate(record.layout) }
    }

    @inline(never)
    private func relocate(_ layout: RecordLayout) {
        layoutAlive = layout  // kept alive so its identity is not reused by another layout
        layoutID = ObjectIdentifier(layout)
        pidAt = layout.lastIndex(of: "pid")
        ppidAt = layout.lastIndex(of: "ppid")
        tidAt = layout.lastIndex(of: "tid")
        startAt = layout.lastIndex(of: "start")
    }

    /// A pid-like field: nil when absent or null; a problem message when present but not a pid.
    public enum PidValue {
        case absent
        case pid(Int32)
        case invalid(String)
    }

    /// The pid-like field `key` of `record`.
    public func pidValue(_ record: Record, _ key: RecordKey) -> PidValue {
        Self.pidValue(record[key], name: key.nameString)
    }

    @inline(__always)
    private static func pidValue(_ value: RecordValue?, name: @autoclosure () -> String) -> PidValue {
        guard let v = value, !v.isNull else { return .absent }
        if let n = v.int64, n >= 0, n <= Int64(Int32.max) { return .pid(Int32(n)) }
        guard v.isIntegerLiteral else { return .invalid("field '\(name())' is not an integer") }
        let text = String(decoding: v.raw.prefix(40), as: UTF8.self)
        return .invalid("field '\(name())' is out of range (0 to \(Int32.max)): \(text)")
    }

    @inline(__always)
    private func value(_ record: Record, at index: Int) -> RecordValue? {
        index < 0 ? nil : record.value(at: index)
    }

    /// True when the record has a `pid` field (null or not).
    @inline(__always)
    public func hasPid(_ record: Record) -> Bool {
        locate(record)
        return pidAt >= 0
    }

    /// The record's pid: nil with a message when it is missing or out of range.
    public func pid(_ record: Record) -> Result<Int32, IdentityProblem> {
        locate(record)
        switch Self.pidValue(value(record, at: pidAt), name: "pid") {
        case .pid(let p): return .success(p)
        case .absent: return .failure(IdentityProblem("missing field 'pid'"))
        case .invalid(let m): return .failure(IdentityProblem(m))
        }
    }

    /// The record's ppid: 0 when absent or null (a root), a problem when out of range.
    public func ppid(_ record: Record) -> Result<Int32, IdentityProblem> {
        locate(record)
        switch Self.pidValue(value(record, at: ppidAt), name: "ppid") {
        case .pid(let p): return .success(p)
        case .absent: return .success(0)
        case .invalid(let m): return .failure(IdentityProblem(m))
        }
    }

    /// `(pid, start[, tid])`; a problem when pid or start is missing or out of range.
    public func identity(_ record: Record) -> Result<ProcessIdentity, IdentityProblem> {
        locate(record)
        let pid: Int32
        switch Self.pidValue(value(record, at: pidAt), name: "pid") {
        case .pid(let p): pid = p
        case .absent: return .failure(IdentityProblem("missing field 'pid'"))
        case .invalid(let m): return .failure(IdentityProblem(m))
        }
        var tid: Int32? = nil
        switch Self.pidValue(value(record, at: tidAt), name: "tid") {
        case .pid(let t): tid = t
        case .absent: break
        case .invalid(let m): return .failure(IdentityProblem(m))
        }
        let startValue = value(record, at: startAt)
        guard let start = startValue?.double, let startMs = SnapshotClock.milliseconds(start) else {
            return .failure(IdentityProblem(startValue == nil ? "missing field 'start'" : "field 'start' is not a number"))
        }
        return .success(ProcessIdentity(pid: pid, tid: tid, startMs: startMs))
    }
}

/// Why a record has no usable identity: the tool reports it with the record's position.
public struct IdentityProblem: Error, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// A snapshot's clock: `start + age` of its first record, boot time plus the monotonic clock when
/// that record was read (pssnap measures each record's age as it reads its stat, so later
/// records of a snapshot carry later clocks). It says whether a process first seen now was born
/// since the previous snapshot, with one rule for psdelta and psagg.
public enum SnapshotClock {
    /// `start` counts in clock ticks (1/100 s), rounded down: a process born up to a tick after a
    /// snapshot can show a start up to 10 ms before it. So "born since" allows one tick.
    public static let startResolutionMs: Int64 = 10

    /// True when a process that started at `startMs`, and was not in the previous snapshot, was
    /// born after it (its clock was `previousClockMs`): its start tick ends at or after that
    /// clock. (Taken for born since when in doubt: its rates then cover its whole life, which is
    /// still the truth, only over a longer dt.)
    @inline(__always)
    public static func bornSince(startMs: Int64, previousClockMs: Int64) -> Bool {
        startMs &+ startResolutionMs >= previousClockMs
    }

    /// Seconds to whole milliseconds (rounded), nil when out of range or not finite.
    @inline(__always)
    public static func milliseconds(_ seconds: Double) -> Int64? {
        let ms = (seconds * 1000).rounded()
        guard ms.isFinite, ms > -9.2e18, ms < 9.2e18 else { return nil }
        return Int64(ms)
    }
}

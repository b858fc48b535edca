import Testing
@testable import PSCore

/// /proc parsers on inline bytes: no file system involved.
@Suite struct ProcParserTests {
    func parseStat(_ text: [UInt8]) -> (ProcessSample, ProcStatParser.Failure?) {
        var s = ProcessSample()
        let failure = text.withUnsafeBufferPointer { ProcStatParser.parse($0, into: &s) }
        return (s, failure)
    }

    func stat(_ comm: [UInt8], state: String = "S", ppid: Int = 1, tail: String? = nil) -> [UInt8] {
        let rest = tail ?? " \(state) \(ppid) 42 42 34816 -1 4194304 120 0 3 0 250 75 10 5 20 0 4 0 12345 8000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 7 0 0"
        return Array("42 (".utf8) + comm + Array(")".utf8) + Array(rest.utf8)
    }

    @Test(arguments: ["a) (b", ":-) 1 2 3 4 5 6", "((bash process))", ")", "x)y) z", ""])
    func commIsEverythingUpToTheLastParenthesis(_ comm: String) {
        let (s, failure) = parseStat(stat(Array(comm.utf8)))
        #expect(failure == nil)
        #expect(s.comm == Array(comm.utf8))
        #expect(s.ppid == 1)
        #expect(s.utime == 250 && s.stime == 75 && s.cutime == 10 && s.cstime == 5)
        #expect(s.threads == 4 && s.startTicks == 12345 && s.vsize == 8000000 && s.rssPages == 300)
        #expect(s.processor == 1 && s.iowaitTicks == 7)
    }

    @Test func commKeepsNewlinesAndInvalidUTF8AsBytes() {
        let comm: [UInt8] = [0x65, 0x0A, 0xFF, 0xC3, 0x28]
        let (s, failure) = parseStat(stat(comm))
        #expect(failure == nil)
        #expect(s.comm == comm)
    }

    @Test func fieldsOfTheStatLine() {
        let (s, _) = parseStat(stat(Array("bash".utf8), state: "R", ppid: 7))
        #expect(s.state == UInt8(ascii: "R"))
        #expect(s.pgid == 42 && s.sid == 42 && s.ttyNr == 34816)
        #expect(s.minflt == 120 && s.majflt == 3)
        #expect(s.priority == 20 && s.nice == 0)
    }

    @Test func kernelThreadAndZombie() {
        let kthread = Array("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 25 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n".utf8)
        let (k, kf) = parseStat(kthread)
        #expect(kf == nil && k.ppid == 0 && k.vsize == 0 && k.rssPages == 0)
        let zombie = Array("9 (defunct) Z 1 9 9 0 -1 4227148 0 0 0 0 3 1 0 0 20 0 1 0 500 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n".utf8)
        let (z, zf) = parseStat(zombie)
        #expect(zf == nil && z.state == UInt8(ascii: "Z") && z.utime == 3)
    }

    @Test func negativeNiceAndPriority() {
        let (s, _) = parseStat(stat(Array("rt".utf8), tail: " S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 -51 -20 1 0 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"))
        #expect(s.priority == -51 && s.nice == -20)
        #expect(s.iowaitTicks == 0)
    }

    @Test func oldKernelWithoutProcessorOrIowait() {
        let (s, f) = parseStat(stat(Array("old".utf8), tail: " S 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 100 2"))
        #expect(f == nil)
        #expect(s.processor == nil && s.iowaitTicks == nil)
    }

    @Test(arguments: [
        ("", ProcStatParser.Failure.empty),
        ("42 bash S 1", .malformed(field: 2)),
        ("x (a) S 1", .malformed(field: 1)),
        ("42 (a) S 1 2 3 99999999999999999999999 -1", .malformed(field: 4)),
        ("42 (a) S 1 2 3 4 -1 0 abc", .malformed(field: 10)),
        ("42 (a)", .malformed(field: 3)),
    ])
    func garbageIsRejectedWithTheField(_ text: String, _ expected: ProcStatParser.Failure) {
        let (_, failure) = parseStat(Array(text.utf8))
        #expect(failure == expected)
    }

    @Test func statusTakesTheEffectiveUidSwapAndSwitches() {
        let text = "Name:\tbash\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\nVmSwap:\t     128 kB\nvoluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\t4\n"
        var s = ProcessSample()
        Array(text.utf8).withUnsafeBufferPointer { ProcStatusParser.parse($0, into: &s) }
        #expect(s.uid == 1001 && s.swapKiB == 128 && s.voluntarySwitches == 17 && s.involuntarySwitches == 4)
    }

    /// stat's rss is a per-CPU-cached approximation on Linux >= 6.2; VmRSS and statm are exact.
    @Test func exactResidentMemoryComesFromVmRSSOrStatm() {
        var s = ProcessSample()
        Array("VmRSS:\t    1752 kB\nRssAnon:\t     108 kB\n".utf8).withUnsafeBufferPointer { ProcStatusParser.parse($0, into: &s) }
        #expect(s.residentBytes == Int64(1752 * 1024))
        #expect(Array("730 438 411 5 0 89 0\n".utf8).withUnsafeBufferPointer { ProcStatmParser.residentPages($0) } == 438)
        // A kernel thread's statm is all zeros: no exact figure, stat's 0 stands.
        #expect(Array("0 0 0 0 0 0 0\n".utf8).withUnsafeBufferPointer { ProcStatmParser.residentPages($0) } == nil)
        #expect(Array("garbage\n".utf8).withUnsafeBufferPointer { ProcStatmParser.residentPages($0) } == nil)
    }

    @Test func statusOfAKernelThreadHasNoSwap() {
        var s = ProcessSample()
        Array("Name:\tkthreadd\nUid:\t0\t0\t0\t0\nvoluntary_ctxt_switches:\t1\n".utf8).withUnsafeBufferPointer {
            ProcStatusParser.parse($0, into: &s)
        }
        #expect(s.uid == 0 && s.swapKiB == nil && s.voluntarySwitches == 1 && s.involuntarySwitches == nil)
    }

    @Test func ioIsAllOrNothing() {
        let full = "rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 5\nwrite_bytes: 6\ncancelled_write_bytes: 7\n"
        let io = Array(full.utf8).withUnsafeBufferPointer { ProcIOParser.parse($0) }
        #expect(io?.rchar == 1 && io?.cancelledWriteBytes == 7 && io?.writeBytes == 6)
        let partial = Array("rchar: 1\nwchar: 2\n".utf8).withUnsafeBufferPointer { ProcIOParser.parse($0) }
        #expect(partial == nil)
        let garbage = Array(full.replacingOccurrences("syscr: 3", "syscr: x").utf8).withUnsafeBufferPointer { ProcIOParser.parse($0) }
        #expect(garbage == nil)
    }

    @Test func smapsRollupAndUss() {
        let text = "00400000-7fff ---p 00000000 00:00 0 [rollup]\nRss: 10 kB\nPss: 8 kB\nPss_Anon: 5 kB\nPss_File: 2 kB\nPss_Shmem: 1 kB\nPrivate_Clean: 3 kB\nPrivate_Dirty: 4 kB\nPrivate_Hugetlb: 2 kB\n"
        let r = Array(text.utf8).withUnsafeBufferPointer { SmapsRollupParser.parse($0) }
        #expect(r?.pss == 8 && r?.pssAnon == 5 && r?.pssFile == 2 && r?.pssShmem == 1 && r?.uss == 9)
        #expect(Array<UInt8>().withUnsafeBufferPointer { SmapsRollupParser.parse($0) } == nil)
    }

    @Test(arguments: [
        ("0::/user.slice/session-1.scope\n", "/user.slice/session-1.scope"),
        ("12:memory:/docker/abc\n3:cpu,cpuacct:/docker/cpu\n0::/\n", "/docker/abc"),
        ("3:cpu,cpuacct:/docker/cpu\n", "/docker/cpu"),
        ("0::/a:b\n", "/a:b"),
        ("4:memory:/x\n0::/system.slice/y\n", "/system.slice/y"),
    ])
    func cgroupPrefersV2ThenMemoryThenCpu(_ text: String, _ expected: String) {
        let path = Array(text.utf8).withUnsafeBufferPointer { ProcCgroupParser.parse($0) }
        #expect(path == Array(expected.utf8))
    }

    @Test func socketTablesCountEstablishedTCPAndAllUDPAndUnix() {
        var table = NetSocketTable()
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11 1 0\n   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 12 1 0\n"
        let udp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n  1: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13 2 0 0\n"
        let unix = "Num       RefCount Protocol Flags    Type St Inode Path\n0000: 00000002 00000000 00010000 0001 01 14 /run/x\n"
        Array(tcp.utf8).withUnsafeBufferPointer { table.addTCP($0) }
        Array(udp.utf8).withUnsafeBufferPointer { table.addUDP($0) }
        Array(unix.utf8).withUnsafeBufferPointer { table.addUnix($0) }
        let c = table.count(inodes: [11, 12, 13, 14, 99])
        #expect(c.tcp == 1 && c.udp == 1 && c.unix == 1)
    }

    static let ttys: [(Int64, String?)] = [
        (0, nil), (34819, "pts/3"), (1025, "tty1"), (1088, "ttyS0"), (1281, "console"), (1083392, "pts/256"), (22786, "89:2"),
    ]

    @Test(arguments: ttys)
    func ttyNames(_ nr: Int64, _ name: String?) {
        #expect(TTYName.name(nr) == name)
    }

    @Test func passwdNamesFirstEntryWinsAndUnknownIsDecimal() {
        let users = UserNames(path: "/nonexistent")
        Array("root:x:0:0::/:/bin/sh\n#c:x:5:5\nbob:x:1000:1000::/:/bin/sh\nbob2:x:1000:1000::/:/bin/sh\nbad:x:zz:1\n".utf8)
            .withUnsafeBufferPointer { users.parse($0) }
        #expect(users.name(for: 0) == Array("root".utf8))
        #expect(users.name(for: 1000) == Array("bob".utf8))
        #expect(users.name(for: 4242) == Array("4242".utf8))
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        var parts = self.components(separatedBy: a)
        if parts.count == 1 { return self }
        let first = parts.removeFirst()
        return parts.reduce(first) { $0 + b + $1 }
    }
}

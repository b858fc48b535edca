/// The sockets of one network namespace, by inode, read from its /proc/PID/net tables once per snapshot.
public struct NetSocketTable {
    public enum Kind: UInt8 {
        case tcpEstablished, tcpOther, udp, unix
    }

    public var kinds: [UInt64: Kind] = [:]

    public init() {}

    /// tcp and tcp6: `sl local rem st ... uid timeout inode`; st 01 is ESTABLISHED.
    public mutating func addTCP(_ bytes: UnsafeBufferPointer<UInt8>) {
        forEachDataLine(bytes) { scan in
            scan.skipField() // sl
            scan.skipField() // local_address
            scan.skipField() // rem_address
            scan.skipSpaces()
            let established = scan.consume("01 ")
            if !established { scan.skipField() }
            for _ in 0..<5 { scan.skipField() } // tx:rx tr:when retrnsmt uid timeout
            if let inode = scan.unsigned(), inode != 0 {
                kinds[inode] = established ? .tcpEstablished : .tcpOther
            }
        }
    }

    /// udp and udp6: same columns as tcp; every socket counts.
    public mutating func addUDP(_ bytes: UnsafeBufferPointer<UInt8>) {
        forEachDataLine(bytes) { scan in
            for _ in 0..<9 { scan.skipField() }
            if let inode = scan.unsigned(), inode != 0 { kinds[inode] = .udp }
        }
    }

    /// unix: `Num RefCount Protocol Flags Type St Inode Path`.
    public mutating func addUnix(_ bytes: UnsafeBufferPointer<UInt8>) {
        forEachDataLine(bytes) { scan in
            for _ in 0..<6 { scan.skipField() }
            if let inode = scan.unsigned(), inode != 0 { kinds[inode] = .unix }
        }
    }

    private func forEachDataLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout ByteScanner) -> Void) {
        var scan = ByteScanner(bytes)
        // The first line is the column header.
        guard scan.nextLine() else { return }
        repeat {
            var line = scan
            body(&line)
        } while scan.nextLine()
    }

    public func count(inodes: [UInt64]) -> SocketCounts {
        var c = SocketCounts()
        for inode in inodes {
            switch kinds[inode] {
            case .tcpEstablished: c.tcp += 1
            case .udp: c.udp += 1
            case .unix: c.unix += 1
            case .tcpOther, nil: break
            }
        }
        return c
    }
}

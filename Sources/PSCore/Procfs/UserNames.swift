/// uid → user name from the passwd file, read once. A static binary cannot use glibc's NSS
/// modules safely, so LDAP/SSSD users show as their decimal uid (as pstools(7) says when passwd has none).
public final class UserNames {
    private var names: [UInt32: [UInt8]] = [:]
    private var loaded = false
    private let path: String

    public init(path: String) { self.path = path }

    public func name(for uid: UInt32) -> [UInt8] {
        if !loaded { load() }
        if let n = names[uid] { return n }
        let decimal = Array(String(uid).utf8)
        names[uid] = decimal
        return decimal
    }

    private func load() {
        loaded = true
        guard case .success(let fd) = SystemCall.openDirectoryOrFile(path) else { return }
        defer { SystemCall.close(fd) }
        let buffer = ReadBuffer(capacity: 64 * 1024, limit: 64 * 1024 * 1024)
        guard case .success = buffer.readWhole(fd, untilEOF: true) else { return }
        parse(buffer.bytes)
    }

    /// `name:password:uid:gid:...`; the first entry for a uid wins, as getpwuid does.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>) {
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var fields: [Range<Int>] = []
            var fieldStart = lineStart
            for i in lineStart...lineEnd where i == lineEnd || bytes[i] == 0x3A {
                fields.append(fieldStart..<i)
                fieldStart = i + 1
                if fields.count == 3 { break }
            }
            if fields.count == 3, !fields[0].isEmpty, bytes[lineStart] != 0x23 {
                var scan = ByteScanner(UnsafeBufferPointer(rebasing: bytes[fields[2]]))
                if let uid = scan.unsigned(), scan.atEnd, let uid32 = UInt32(exactly: uid), names[uid32] == nil {
                    names[uid32] = Array(UnsafeBufferPointer(rebasing: bytes[fields[0]]))
                }
            }
            lineStart = lineEnd + 1
        }
    }
}

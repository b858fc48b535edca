/// Names a controlling terminal from stat's tty_nr, as ps does for the common drivers.
/// A device of another driver is written as "MAJOR:MINOR".
public enum TTYName {
    public static func name(_ ttyNr: Int64) -> String? {
        guard ttyNr != 0 else { return nil }
        let major = (ttyNr >> 8) & 0xFFF
        let minor = (ttyNr & 0xFF) | ((ttyNr >> 12) & 0xFFF00)
        switch major {
        case 136...143: return "pts/\((major - 136) * 256 + minor)"
        case 4: return minor < 64 ? "tty\(minor)" : "ttyS\(minor - 64)"
        case 5:
            switch minor {
            case 0: return "tty"
            case 1: return "console"
            case 2: return "ptmx"
            default: break
            }
        default: break
        }
        return "\(major):\(minor)"
    }
}

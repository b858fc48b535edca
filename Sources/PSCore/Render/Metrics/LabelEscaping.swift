/// Label (tag) values as each format can carry them. Every value comes from a process (comm,
/// cmdline, a user's own field) and is hostile: nothing it holds may end a line, a label or a
/// field early. Each format is one type with its own rules; the table test
/// (MetricsEscapingTests) runs every one over the same hostile values.
///
/// Common to all: a NUL and invalid UTF-8 cannot reach the output (invalid UTF-8 becomes U+FFFD
/// where the format takes UTF-8, `_` where it does not; a NUL becomes `_`).

/// Prometheus text 0.0.4 and OpenMetrics: `"..."` with `\\`, `\"` and `\n` escaped; every other
/// character, CR and TAB included, is kept (both formats allow any UTF-8 in a label value).
/// An empty value is the same as no label to Prometheus: psexport leaves such a label out.
enum PrometheusLabel {
    static func append(_ v: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        var i = 0
        let n = v.count
        var runStart = 0
        while i < n {
            let b = v[i]
            if b >= 0x20 && b < 0x80 && b != 0x5C && b != 0x22 { i += 1; continue }
            if i > runStart { out.append(v.baseAddress! + runStart, count: i - runStart) }
            switch b {
            case 0x5C: out.append("\\\\"); i += 1
            case 0x22: out.append("\\\""); i += 1
            case 0x0A: out.append("\\n"); i += 1
            case 0x00: out.append(0x5F); i += 1
            case 0x80...:
                let length = UTF8Validation.sequenceLength(v, at: i)
                if length > 0 {
                    out.append(v.baseAddress! + i, count: length); i += length
                } else {
                    out.append("\u{FFFD}"); i += UTF8Validation.invalidSubpartLength(v, at: i)
                }
            default: out.append(b); i += 1
            }
            runStart = i
        }
        if n > runStart { out.append(v.baseAddress! + runStart, count: n - runStart) }
    }

    /// HELP text: `\\` and `\n` escaped (and `\"` in OpenMetrics, whose HELP is an escaped string).
    static func appendHelp(_ text: String, openMetrics: Bool, to out: OutputBuffer) {
        for b in text.utf8 {
            switch b {
            case 0x5C: out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x22 where openMetrics: out.append("\\\"")
            default: out.append(b)
            }
        }
    }
}

/// InfluxDB line protocol tags (and tag keys): a space, `,` and `=` are escaped with a backslash.
/// The protocol cannot carry a line end in a tag, nor a backslash that would escape what follows
/// it (InfluxDB 1.x reads `\` at a tag's end, or before an escaped character, as part of an
/// escape and rejects the line or misreads the tag), so:
/// - a control character (LF, CR, TAB, ESC...) becomes `_`;
/// - a backslash that is last, or stands before a space, `,` or `=`, becomes `_`; any other
///   backslash is kept (`C:\dir` stays);
/// - InfluxDB refuses an empty tag value: psexport leaves such a tag out.
enum InfluxTag {
    @inline(__always)
    static func needsEscape(_ b: UInt8) -> Bool { b == 0x20 || b == 0x2C || b == 0x3D }

    static func append(_ v: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        var i = 0
        let n = v.count
        while i < n {
            let b = v[i]
            if b < 0x20 || b == 0x7F {
                out.append(0x5F); i += 1
            } else if needsEscape(b) {
                out.append(0x5C); out.append(b); i += 1
            } else if b == 0x5C {
                out.append(i + 1 == n || needsEscape(v[i + 1]) ? 0x5F : 0x5C); i += 1
            } else if b >= 0x80 {
                let length = UTF8Validation.sequenceLength(v, at: i)
                if length > 0 {
                    out.append(v.baseAddress! + i, count: length); i += length
                } else {
                    out.append("\u{FFFD}"); i += UTF8Validation.invalidSubpartLength(v, at: i)
                }
            } else {
                out.append(b); i += 1
            }
        }
    }
}

/// OpenTSDB tag values (and metric names, tag keys): OpenTSDB accepts only letters (Unicode
/// letters included), digits and `-` `_` `.` `/`; every other character (a space, `=`, a quote,
/// a backslash, a control character, invalid UTF-8) becomes `_`. OpenTSDB refuses an empty tag
/// value: psexport leaves such a tag out.
enum OpenTSDBTag {
    static func append(_ v: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        appendRestricted(v, extra: { $0 == 0x2D || $0 == 0x5F || $0 == 0x2E || $0 == 0x2F }, to: out)
    }
}

/// Graphite path nodes: a label value becomes one node of the dotted path, so only letters
/// (Unicode letters included), digits, `-` and `_` are kept; every other character (the `.` that
/// separates nodes, a space that ends the path, `;` and `=` of tagged series, glob characters
/// `*?[]{}`, quotes, backslashes, controls, invalid UTF-8) becomes `_`. A node cannot be empty:
/// an empty or missing value is the node `_`.
enum GraphiteNode {
    static func append(_ v: UnsafeBufferPointer<UInt8>, to out: OutputBuffer) {
        if v.isEmpty { out.append(0x5F); return }
        appendRestricted(v, extra: { $0 == 0x2D || $0 == 0x5F }, to: out)
    }
}

/// Keeps ASCII letters and digits, the `extra` ASCII characters and non-ASCII letters; writes `_`
/// for every other character (one `_` per character, or per invalid byte run).
@inline(__always)
private func appendRestricted(_ v: UnsafeBufferPointer<UInt8>, extra: (UInt8) -> Bool, to out: OutputBuffer) {
    var i = 0
    let n = v.count
    while i < n {
        let b = v[i]
        if b < 0x80 {
            let ok = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || extra(b)
            out.append(ok ? b : 0x5F)
            i += 1
            continue
        }
        let length = UTF8Validation.sequenceLength(v, at: i)
        guard length > 0 else {
            out.append(0x5F); i += UTF8Validation.invalidSubpartLength(v, at: i)
            continue
        }
        var scalar = UInt32(b) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for j in 1..<length { scalar = scalar << 6 | UInt32(v[i + j] & 0x3F) }
        if let s = Unicode.Scalar(scalar), s.properties.isAlphabetic {
            out.append(v.baseAddress! + i, count: length)
        } else {
            out.append(0x5F)
        }
        i += length
    }
}

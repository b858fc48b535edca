/// A laid-out chart as one self-contained SVG file: no external resource (no font, image,
/// stylesheet or script is fetched), a `<title>` tooltip per series, a legend, and a few lines
/// of script that hide a series when its legend entry is clicked (the file draws the same
/// where scripts do not run: rsvg-convert, Inkscape, an `<img>` tag).
public enum SVGChart {
    public static func render(_ layout: ChartLayout) -> String {
        let c = layout.canvas
        let lh = c.lineHeight
        var out = ""
        out.reserveCapacity(64 * 1024)
        func baseline(_ t: ChartText) -> Double { t.y + lh * 0.75 }
        func text(_ t: ChartText, _ attributes: String = "") {
            let anchor = t.anchor == .middle ? " text-anchor=\"middle\"" : t.anchor == .end ? " text-anchor=\"end\"" : ""
            out += "<text x=\"\(n(t.x))\" y=\"\(n(baseline(t)))\"\(anchor)\(attributes)>\(escape(t.text))</text>\n"
        }
        let w = Int(c.width), h = Int(c.height)
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
        out += "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"12\">\n"
        let docTitle = layout.title?.text ?? "psplot: " + layout.panels.map(\.field).joined(separator: ", ")
        out += "<title>\(escape(docTitle))</title>\n"
        out += """
            <style>
            .grid{stroke:#e6e6e6;stroke-width:1;fill:none}
            .axis{stroke:#666;stroke-width:1;fill:none}
            .tick{fill:#333}
            .s{fill:none;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}
            .off{display:none}
            .legend g{cursor:pointer}
            .legend g.hidden{opacity:0.3}
            .msg{fill:#777;font-style:italic}
            </style>
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        if let t = layout.title { text(t, " font-size=\"15\" font-weight=\"bold\"") }
        text(layout.subtitle, " fill=\"#555\"")
        for (p, panel) in layout.panels.enumerated() {
            let r = panel.plot
            out += "<g class=\"panel\">\n"
            text(panel.heading, " font-weight=\"bold\"")
            out += "<clipPath id=\"clip\(p)\"><rect x=\"\(n(r.x - 1))\" y=\"\(n(r.y - 2))\" width=\"\(n(r.width + 3))\" height=\"\(n(r.height + 4))\"/></clipPath>\n"
            var grid = ""
            for t in panel.yTicks { grid += "M\(n(r.x)) \(n(t.y))H\(n(r.maxX))" }
            for x in panel.xTicks { grid += "M\(n(x)) \(n(r.y))V\(n(r.maxY))" }
            if !grid.isEmpty { out += "<path class=\"grid\" d=\"\(grid)\"/>\n" }
            var ticks = ""
            for t in panel.yTicks { ticks += "M\(n(r.x - 5)) \(n(t.y))H\(n(r.x))" }
            for x in panel.xTicks { ticks += "M\(n(x)) \(n(r.maxY))V\(n(r.maxY + 5))" }
            out += "<path class=\"axis\" d=\"M\(n(r.x)) \(n(r.y))V\(n(r.maxY))H\(n(r.maxX))\(ticks)\"/>\n"
            out += "<g class=\"tick\">\n"
            for t in panel.yTicks { text(t.label) }
            out += "</g>\n"
            out += "<g clip-path=\"url(#clip\(p))\">\n"
            for s in panel.series {
                let cls = s.id < 0 ? "o\(p)" : "s\(s.id)"
                let dash = s.dashed ? " stroke-dasharray=\"6 3\"" : s.id < 0 ? " stroke-dasharray=\"2 2\"" : ""
                out += "<g class=\"s \(cls)\" stroke=\"\(color(s))\"\(dash)><title>\(escape(s.summary))</title>"
                out += "<path d=\"\(path(s.segments))\"/></g>\n"
            }
            out += "</g>\n"
            if let m = panel.message { text(m, " class=\"msg\"") }
            out += "<g class=\"legend\">\n"
            for e in panel.legend {
                guard let i = e.series else { text(e.text, " class=\"msg\""); continue }
                let s = panel.series[i]
                let cls = s.id < 0 ? "o\(p)" : "s\(s.id)"
                let y = n(e.text.y + lh / 2)
                let dash = s.dashed ? " stroke-dasharray=\"6 3\"" : s.id < 0 ? " stroke-dasharray=\"2 2\"" : ""
                out += "<g data-s=\"\(cls)\"><title>\(escape(s.summary))</title>"
                out += "<rect x=\"\(n(e.text.x - 3 * c.charWidth))\" y=\"\(n(e.text.y))\" width=\"\(n(3 * c.charWidth + textWidth(e.text.text, c)))\" height=\"\(n(lh))\" fill=\"#fff\" fill-opacity=\"0\"/>"
                out += "<path d=\"M\(n(e.text.x - 2.6 * c.charWidth)) \(y)H\(n(e.text.x - 0.6 * c.charWidth))\" stroke=\"\(color(s))\" stroke-width=\"3\"\(dash)/>"
                let t = e.text
                out += "<text x=\"\(n(t.x))\" y=\"\(n(baseline(t)))\">\(escape(t.text))</text></g>\n"
            }
            out += "</g>\n</g>\n"
        }
        out += "<g class=\"tick\">\n"
        for t in layout.xLabels { text(t) }
        out += "</g>\n"
        if let t = layout.xTitle { text(t, " fill=\"#555\"") }
        out += """
            <script><![CDATA[
            (function () {
              var d = document;
              d.querySelectorAll('.legend [data-s]').forEach(function (e) {
                e.addEventListener('click', function () {
                  var c = e.getAttribute('data-s'), off = !e.classList.contains('hidden');
                  d.querySelectorAll('.legend [data-s="' + c + '"]').forEach(function (l) { l.classList.toggle('hidden', off); });
                  d.querySelectorAll('g.s.' + c).forEach(function (g) { g.classList.toggle('off', off); });
                });
              });
            })();
            ]]></script>
            </svg>

            """
        return out
    }

    static func color(_ s: PlottedSeries) -> String {
        s.color.map { ChartPalette.colors[$0].hex } ?? ChartPalette.other.hex
    }

    static func textWidth(_ s: String, _ c: ChartCanvas) -> Double { Double(TerminalText.width(s)) * c.charWidth }

    /// Path data: `M` to start each run, `L` to a new column, `V` up or down a column; a run of
    /// one point is a dot (a zero-length stroke with round caps).
    static func path(_ segments: [[ChartPoint]]) -> String {
        var d = ""
        for run in segments {
            guard let first = run.first else { continue }
            d += "M\(n(first.x)) \(n(first.y))"
            if run.count == 1 { d += "h0.01"; continue }
            var prev = first
            for p in run.dropFirst() {
                if n(p.x) == n(prev.x) { d += "V\(n(p.y))" } else { d += "L\(n(p.x)) \(n(p.y))" }
                prev = p
            }
        }
        return d
    }

    /// A coordinate with at most one decimal.
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let a = abs(tenths)
        return a % 10 == 0 ? sign + String(a / 10) : sign + String(a / 10) + "." + String(a % 10)
    }

    /// Text for XML content and attribute values: markup characters escaped; characters XML 1.0
    /// cannot hold at all (controls, U+FFFE, U+FFFF, lone surrogates cannot occur in a String)
    /// become U+FFFD, so no process name can break the file.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = u.value
                if (v < 0x20 && v != 0x09) || v == 0x7F || (v >= 0x80 && v < 0xA0) || v == 0xFFFE || v == 0xFFFF {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}

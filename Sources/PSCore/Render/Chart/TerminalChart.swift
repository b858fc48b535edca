/// A laid-out chart as lines of terminal text: the plots in Unicode braille (each character cell
/// holds 2 × 4 dots, the layout's units), labels and legend in text, colour as xterm-256 SGR
/// sequences when asked. Every label is sanitized: no byte from a process reaches the terminal
/// as a control.
public enum TerminalChart {
    /// Exactly `rows` lines, none wider than `columns` cells (the canvas's size), without line ends.
    public static func render(_ layout: ChartLayout, color: Bool) -> [String] {
        let columns = Int(layout.canvas.width / 2), rows = Int(layout.canvas.height / 4)
        var grid = Grid(columns: columns, rows: rows)
        func put(_ t: ChartText, color c: Int = -1) {
            let text = TerminalText.truncate(TerminalText.sanitize(t.text), to: columns)
            let w = TerminalText.width(text)
            let row = Int((t.y / 4).rounded(.down))
            var col = Int((t.x / 2).rounded(.down))
            if t.anchor == .middle { col -= w / 2 } else if t.anchor == .end { col -= w }
            col = max(0, min(col, columns - w))
            grid.write(text, row: row, column: col, color: c)
        }
        if let t = layout.title { put(t) }
        put(layout.subtitle)
        for panel in layout.panels {
            put(panel.heading)
            let r = panel.plot
            let x0 = Int(r.x), y0 = Int(r.y), x1 = Int(r.maxX) - 1, y1 = Int(r.maxY) - 1
            // The axis: a column of │ left of the plot, ┤ at each tick.
            let axisColumn = x0 / 2 - 1
            if axisColumn >= 0 {
                for row in (y0 / 4)...(y1 / 4) { grid.set(row: row, column: axisColumn, "│") }
                for t in panel.yTicks { grid.set(row: Int(t.y) / 4, column: axisColumn, "┤") }
            }
            for t in panel.yTicks { put(t.label) }
            for s in panel.series {
                let c = s.color.map { ChartPalette.colors[$0].xterm } ?? ChartPalette.other.xterm
                for run in s.segments {
                    var prev: (Int, Int)? = nil
                    for p in run {
                        let q = (Int(p.x.rounded(.down)), Int(p.y.rounded()))
                        if let a = prev { grid.line(a, q, clip: (x0, y0, x1, y1), color: c) } else { grid.dot(q.0, q.1, clip: (x0, y0, x1, y1), color: c) }
                        prev = q
                    }
                }
            }
            if let m = panel.message { put(m) }
            for e in panel.legend {
                guard let i = e.series else { put(e.text); continue }
                let s = panel.series[i]
                let c = s.color.map { ChartPalette.colors[$0].xterm } ?? ChartPalette.other.xterm
                let row = Int(e.text.y / 4), col = Int(e.text.x / 2) - 2
                if col >= 0 { grid.write(s.id < 0 ? "┄" : "■", row: row, column: col, color: c) }
                put(e.text)
            }
        }
        for t in layout.xLabels { put(t) }
        return grid.lines(color: color)
    }

    struct Grid {
        let columns: Int, rows: Int
        var chars: [Character]
        var colors: [Int]
        /// Braille dot bits per cell (0: not a plot cell).
        var dots: [UInt8]

        init(columns: Int, rows: Int) {
            self.columns = columns
            self.rows = rows
            chars = [Character](repeating: " ", count: columns * rows)
            colors = [Int](repeating: -1, count: columns * rows)
            dots = [UInt8](repeating: 0, count: columns * rows)
        }

        mutating func set(row: Int, column: Int, _ c: Character, color: Int = -1) {
            guard row >= 0, row < rows, column >= 0, column < columns else { return }
            chars[row * columns + column] = c
            colors[row * columns + column] = color
        }

        /// Writes sanitized text; a wide character takes two cells (the second left empty).
        mutating func write(_ text: String, row: Int, column: Int, color: Int) {
            var col = column
            for ch in text {
                let w = TerminalText.width(String(ch))
                guard col + w <= columns else { return }
                set(row: row, column: col, ch, color: color)
                if w == 2 { set(row: row, column: col + 1, "\u{0}") }
                col += w
            }
        }

        static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

        mutating func dot(_ x: Int, _ y: Int, clip: (Int, Int, Int, Int), color: Int) {
            guard x >= clip.0, y >= clip.1, x <= clip.2, y <= clip.3 else { return }
            let row = y / 4, col = x / 2
            guard row < rows, col < columns else { return }
            let i = row * columns + col
            dots[i] |= Self.bits[x % 2][y % 4]
            chars[i] = Character(Unicode.Scalar(0x2800 + UInt32(dots[i]))!)
            colors[i] = color
        }

        /// Bresenham's line between two dots.
        mutating func line(_ a: (Int, Int), _ b: (Int, Int), clip: (Int, Int, Int, Int), color: Int) {
            var (x, y) = a
            let dx = abs(b.0 - x), dy = -abs(b.1 - y)
            let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
            var err = dx + dy
            var steps = 0
            while steps < 100_000 {
                dot(x, y, clip: clip, color: color)
                if x == b.0 && y == b.1 { break }
                let e2 = 2 * err
                if e2 >= dy { err += dy; x += sx }
                if e2 <= dx { err += dx; y += sy }
                steps += 1
            }
        }

        func lines(color: Bool) -> [String] {
            var out: [String] = []
            for row in 0..<rows {
                var line = ""
                var current = -1
                for col in 0..<columns {
                    let i = row * columns + col
                    let ch = chars[i]
                    if ch == "\u{0}" { continue }
                    if color && colors[i] != current && !(ch == " " && current == -1) {
                        line += colors[i] < 0 ? "\u{1B}[0m" : "\u{1B}[38;5;\(colors[i])m"
                        current = colors[i]
                    }
                    line.append(ch)
                }
                if color && current != -1 { line += "\u{1B}[0m" }
                // Trailing blanks are left out (a terminal shows nothing there anyway).
                while line.hasSuffix(" ") { line.removeLast() }
                out.append(line)
            }
            return out
        }
    }
}

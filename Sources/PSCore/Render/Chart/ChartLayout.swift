#if canImport(Glibc)
import Glibc
#endif

/// A chart laid out once: panels, scales, ticks, legend and every series as points, in the
/// canvas's own units (pixels for SVG; braille dots, 2 × 4 per character cell, for a terminal).
/// `SVGChart` and `TerminalChart` only draw it, so the two cannot disagree.

public struct ChartPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

public struct ChartRect: Equatable, Sendable {
    public var x, y, width, height: Double
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
}

/// A line of text; `y` is the top of its line box.
public struct ChartText: Equatable, Sendable {
    public enum Anchor: Sendable { case start, middle, end }
    public var x: Double
    public var y: Double
    public var text: String
    public var anchor: Anchor = .start
}

/// What the chart is drawn on: its size, and how big a character and a line of text are in it.
public struct ChartCanvas: Sendable {
    public var width: Double
    public var height: Double
    public var charWidth: Double
    public var lineHeight: Double
    /// A terminal: sizes snap to whole character cells (2 × 4 dots).
    public var terminal: Bool

    public static func svg(width: Int, height: Int) -> ChartCanvas {
        ChartCanvas(width: Double(width), height: Double(height), charWidth: 7, lineHeight: 16, terminal: false)
    }

    public static func terminal(columns: Int, rows: Int) -> ChartCanvas {
        ChartCanvas(width: Double(columns * 2), height: Double(rows * 4), charWidth: 2, lineHeight: 4, terminal: true)
    }

    /// Text columns that fit in `width`.
    func chars(_ width: Double) -> Int { max(0, Int(width / charWidth)) }
}

public struct PlottedSeries: Sendable {
    /// The series' number (its colour and its SVG class); -1 for `other`.
    public var id: Int
    public var label: String
    /// Index in `ChartPalette.colors`; nil for `other` (grey).
    public var color: Int?
    /// Drawn dashed: the palette came round a second time.
    public var dashed: Bool
    /// Runs of points, broken at gaps (nulls).
    public var segments: [[ChartPoint]]
    public var min: Double?
    public var max: Double?
    public var last: Double?
    /// `name: min …, max …, last …` in the field's unit (the tooltip).
    public var summary: String
}

public struct LegendEntry: Sendable {
    /// Index in the panel's `series`, nil for a `+K more` line.
    public var series: Int?
    public var text: ChartText
}

public struct PanelLayout: Sendable {
    public var field: String
    public var unit: FieldUnit
    public var heading: ChartText
    public var plot: ChartRect
    public var yTicks: [(y: Double, label: ChartText)]
    public var xTicks: [Double]
    /// In drawing order: `other` first, then the ranked series from the last to the first, so
    /// the highest peak is drawn on top.
    public var series: [PlottedSeries]
    public var legend: [LegendEntry]
    /// Said in the plot when there is nothing to draw.
    public var message: ChartText?
    public var log: Bool
}

public struct ChartLayout: Sendable {
    public var canvas: ChartCanvas
    public var title: ChartText?
    public var subtitle: ChartText
    public var panels: [PanelLayout]
    public var xLabels: [ChartText]
    /// What the x axis is ("time", "time since 14:03:07").
    public var xTitle: ChartText?

    public struct Options: Sendable {
        public var title: String?
        public var relative = false
        public var log = false
        /// `-e`: Ramer-Douglas-Peucker tolerance in canvas units; nil: min/max per column.
        public var epsilon: Double?
        public var top = 10
        public init() {}
    }
}

/// The colour-blind-safe palette (Okabe & Ito, 2008), black last; `other` is grey.
public enum ChartPalette {
    public static let colors: [(hex: String, xterm: Int)] = [
        ("#0072B2", 25), ("#E69F00", 214), ("#009E73", 36), ("#D55E00", 166),
        ("#56B4E9", 74), ("#CC79A7", 175), ("#F0E442", 227), ("#000000", 16),
    ]
    public static let other = (hex: "#8C8C8C", xterm: 245)
}

extension ChartLayout {
    /// Lays out what `data` holds on `canvas`.
    public static func make(_ data: ChartCollector, canvas: ChartCanvas, options: Options) -> ChartLayout {
        let cw = canvas.charWidth, lh = canvas.lineHeight
        let hasData = data.firstTs <= data.lastTs
        var t0 = hasData ? data.firstTs : 0, t1 = hasData ? data.lastTs : 1
        if t1 - t0 < 0.001 { t0 -= 0.5; t1 += 0.5 }

        // Which series each panel draws, and their values, before any geometry.
        let visible = data.visiblePanels
        let chosen = visible.map { choose($0, grid: data.grid, top: options.top) }
        var colorOf: [Int: Int] = [:]
        for c in chosen {
            for s in c.ranked where colorOf[s.id] == nil { colorOf[s.id] = colorOf.count }
        }

        // Titles.
        var y = canvas.terminal ? 0 : lh * 0.5
        var title: ChartText? = nil
        if let t = options.title {
            title = ChartText(x: canvas.width / 2, y: y, text: t, anchor: .middle)
            y += canvas.terminal ? lh : lh * 1.25
        }
        let subtitle = ChartText(x: canvas.width / 2, y: y, text: describeRange(data, hasData: hasData), anchor: .middle)
        y += lh * (canvas.terminal ? 1 : 1.25)

        // Time axis labels: one line, two when the span crosses days (the date under the time).
        let crossesDays = hasData && !options.relative && ChartTicks.date(data.firstTs) != ChartTicks.date(data.lastTs)
        let xLines = crossesDays ? 2.0 : 1.0
        let bottom = canvas.height - lh * (xLines + (canvas.terminal ? 0 : 1.5))
        let panelCount = Double(max(1, visible.count))
        let gap = canvas.terminal ? 0 : lh * 0.75
        var plotHeight = (bottom - y - panelCount * (lh + gap) + gap) / panelCount
        // A terminal's panels take whole rows; the rows left over go to the first panels.
        var extraRows = 0
        if canvas.terminal {
            let rows = Int((bottom - y) / lh) - Int(panelCount)
            plotHeight = Double(rows / Int(panelCount)) * lh
            extraRows = rows - Int(plotHeight / lh) * Int(panelCount)
        }
        plotHeight = max(plotHeight, canvas.terminal ? 4 : 20)

        // Value axes, then the left margin their labels need.
        var axes: [ChartTicks.Axis] = []
        var tickLabels: [[String]] = []
        for (p, panel) in visible.enumerated() {
            let c = chosen[p]
            let count = max(2, Int(plotHeight / (lh * (canvas.terminal ? 2 : 2.5))))
            let axis: ChartTicks.Axis
            if options.log {
                axis = ChartTicks.log(min: c.positiveMin, max: c.max, count: count, unit: panel.unit)
            } else {
                axis = ChartTicks.linear(min: c.min, max: c.max, count: count, unit: panel.unit, slack: canvas.terminal ? 1 : 0.7)
            }
            axes.append(axis)
            tickLabels.append(axis.ticks.map { ChartTicks.label($0, unit: panel.unit) })
        }
        let labelChars = tickLabels.joined().map { TerminalText.width($0) }.max() ?? 1
        let tickLength = canvas.terminal ? 0 : 5.0
        var left = Double(labelChars + 1) * cw + tickLength
        if canvas.terminal { left = (left / 2).rounded(.up) * 2 }

        // The legend column on the right.
        let legendChars = chosen.flatMap { $0.labels }.map { TerminalText.width($0) }.max() ?? 0
        let maxLegend = canvas.terminal ? min(24, Int(canvas.width / cw) / 3) : 30
        let legendTextChars = min(maxLegend, max(6, legendChars))
        let swatch = canvas.terminal ? 2.0 : 3.0
        let legendWidth = Double(legendTextChars) * cw + swatch * cw + (canvas.terminal ? cw : cw * 2)
        var plotWidth = canvas.width - left - legendWidth - (canvas.terminal ? 0 : cw)
        if canvas.terminal { plotWidth = (plotWidth / 2).rounded(.down) * 2 }
        plotWidth = max(plotWidth, canvas.terminal ? 4 : 40)

        // Time ticks, spaced so that no two labels touch.
        let (xTicks, xTexts) = timeTicks(t0: t0, t1: t1, plotX: left, plotWidth: plotWidth, canvas: canvas,
                                         relative: options.relative, firstTs: hasData ? data.firstTs : t0, crossesDays: crossesDays)
        func xOf(_ t: Double) -> Double { left + (t - t0) / (t1 - t0) * plotWidth }
        let xLabels = xTexts.map { ChartText(x: xOf($0.t), y: bottom + (canvas.terminal ? 0 : tickLength + 2), text: $0.text, anchor: .middle) }
        var dated: [ChartText] = []
        for t in xTexts {
            if let d = t.date { dated.append(ChartText(x: xOf(t.t), y: bottom + lh + (canvas.terminal ? 0 : tickLength + 2), text: d, anchor: .middle)) }
        }
        var xTitle: ChartText? = nil
        if !canvas.terminal {
            let text = options.relative ? "time since \(hasData ? HumanUnits.clock(data.firstTs, withDate: crossesDays) : "start")" : "local time"
            xTitle = ChartText(x: left + plotWidth / 2, y: canvas.height - lh * 1.25, text: text, anchor: .middle)
        }

        // Panels.
        var panels: [PanelLayout] = []
        for (p, panel) in visible.enumerated() {
            let c = chosen[p]
            let plot = ChartRect(x: left, y: y + lh, width: plotWidth, height: plotHeight + (p < extraRows ? lh : 0))
            let unitText = panel.unit == .none ? "" : " (\(unitName(panel.unit)))"
            let heading = ChartText(x: left, y: y, text: panel.field + unitText, anchor: .start)
            y += lh + plot.height + gap
            let axis = axes[p]
            func yOf(_ v: Double) -> Double {
                let f: Double
                if axis.log {
                    let vv = max(v, axis.low)
                    f = (Glibc.log(vv) - Glibc.log(axis.low)) / (Glibc.log(axis.high) - Glibc.log(axis.low))
                } else {
                    f = (v - axis.low) / (axis.high - axis.low)
                }
                // A terminal's last dot row is plot.maxY - 1.
                return plot.maxY - (canvas.terminal ? 1 : 0) - f * (plot.height - (canvas.terminal ? 1 : 0))
            }
            let yTicks = zip(axis.ticks, tickLabels[p]).map { v, l in
                (y: yOf(v), label: ChartText(x: left - tickLength - cw * (canvas.terminal ? 1 : 0.5),
                                          y: canvas.terminal ? (yOf(v) / lh).rounded(.down) * lh : yOf(v) - lh / 2, text: l, anchor: .end))
            }
            var series: [PlottedSeries] = []
            let columnWidth = 1.0
            for (rank, s) in c.ranked.enumerated() {
                let color = colorOf[s.id] ?? rank
                let segments = reduce(s.buckets, grid: data.grid, xOf: xOf, yOf: yOf, epsilon: options.epsilon, column: columnWidth)
                series.append(PlottedSeries(id: s.id, label: s.label, color: color % ChartPalette.colors.count,
                                            dashed: color >= ChartPalette.colors.count, segments: segments,
                                            min: s.hasValues ? s.min : nil, max: s.hasValues ? s.max : nil, last: s.last,
                                            summary: summary(s.label, s.hasValues ? s.min : nil, s.hasValues ? s.max : nil, s.last, panel.unit)))
            }
            if let other = c.other {
                let segments = reduce(other.buckets, grid: data.grid, xOf: xOf, yOf: yOf, epsilon: options.epsilon, column: columnWidth)
                series.append(PlottedSeries(id: -1, label: other.label, color: nil, dashed: false, segments: segments,
                                            min: other.min, max: other.max, last: other.last,
                                            summary: summary(other.label, other.min, other.max, other.last, panel.unit)))
            }
            // Legend: in rank order, `other` last; what does not fit ends in `+K more`.
            var legend: [LegendEntry] = []
            let legendX = plot.maxX + (canvas.terminal ? cw : cw * 1.5) + swatch * cw
            let rows = max(1, Int((plot.height + lh * 0.01) / lh))
            for i in series.indices {
                if legend.count == rows - 1 && series.count > rows {
                    legend.append(LegendEntry(series: nil, text: ChartText(x: legendX, y: plot.y + Double(legend.count) * lh,
                                                                           text: "+\(series.count - legend.count) more")))
                    break
                }
                let text = TerminalText.truncate(TerminalText.sanitize(series[i].label), to: legendTextChars)
                legend.append(LegendEntry(series: i, text: ChartText(x: legendX, y: plot.y + Double(legend.count) * lh, text: text)))
            }
            // Drawing order: other first, the highest peak last (on top).
            var order = Array(series.indices.reversed())
            if let o = order.firstIndex(where: { series[$0].id == -1 }) { order.insert(order.remove(at: o), at: 0) }
            let drawn = order.map { series[$0] }
            legend = legend.map { e in
                var e = e
                e.series = e.series.map { i in order.firstIndex(of: i)! }
                return e
            }
            var message: ChartText? = nil
            let say = data.records == 0 ? "no records" : !panel.carried ? "no record carries '\(panel.field)'"
                : !panel.sampled ? "no sample of '\(panel.field)': every value is null" : nil
            if let say { message = ChartText(x: plot.x + plot.width / 2, y: plot.y + plot.height / 2 - lh / 2, text: say, anchor: .middle) }
            panels.append(PanelLayout(field: panel.field, unit: panel.unit, heading: heading, plot: plot, yTicks: yTicks,
                                      xTicks: xTicks.map(xOf), series: drawn, legend: legend, message: message, log: axis.log))
        }
        return ChartLayout(canvas: canvas, title: title, subtitle: subtitle, panels: panels,
                           xLabels: xLabels + dated, xTitle: xTitle)
    }

    static func unitName(_ unit: FieldUnit) -> String { unit == .secondsPerSecond ? "CPU s/s" : unit.text }

    static func summary(_ label: String, _ min: Double?, _ max: Double?, _ last: Double?, _ unit: FieldUnit) -> String {
        func f(_ v: Double?) -> String { v.map { HumanUnits.format($0, unit: unit) } ?? "null" }
        return "\(label): min \(f(min)), max \(f(max)), last \(f(last))"
    }

    static func describeRange(_ data: ChartCollector, hasData: Bool) -> String {
        guard hasData else { return "no samples" }
        let a = data.firstTs, b = data.lastTs
        let sameDay = ChartTicks.date(a) == ChartTicks.date(b)
        let end = sameDay ? HumanUnits.clock(b) : HumanUnits.clock(b, withDate: true)
        let series = data.visiblePanels.map(\.seriesCount).max() ?? 0
        return "\(HumanUnits.clock(a, withDate: true)) – \(end) (\(HumanUnits.duration(b - a))), "
            + "\(data.snapshots) snapshot\(data.snapshots == 1 ? "" : "s"), \(series) series"
    }

    struct TimeLabel { var t: Double; var text: String; var date: String? }

    static func timeTicks(t0: Double, t1: Double, plotX: Double, plotWidth: Double, canvas: ChartCanvas,
                          relative: Bool, firstTs: Double, crossesDays: Bool) -> ([Double], [TimeLabel]) {
        let secondsPerUnit = (t1 - t0) / plotWidth
        var chars = relative ? 5 : 8
        while true {
            let minSpacing = Double(chars + 3) * canvas.charWidth * secondsPerUnit
            let (step, ticks) = ChartTicks.time(start: t0, end: t1, minSpacing: minSpacing, relative: relative)
            var labels: [TimeLabel] = []
            var lastDate = ""
            for t in ticks {
                if relative {
                    labels.append(TimeLabel(t: t, text: ChartTicks.relativeLabel(t - firstTs)))
                } else {
                    let d = ChartTicks.date(t)
                    let text = step >= 86400 ? String(d.dropFirst(5)) : ChartTicks.clockLabel(t, step: step)
                    labels.append(TimeLabel(t: t, text: text, date: crossesDays && d != lastDate && step < 86400 ? d : nil))
                    lastDate = d
                }
            }
            // Widest label (date lines included) against the spacing actually given.
            let widest = labels.map { max(TerminalText.width($0.text), $0.date.map { TerminalText.width($0) } ?? 0) }.max() ?? 0
            let spacing = ticks.count > 1 ? (ticks[1] - ticks[0]) / secondsPerUnit : .infinity
            if Double(widest + 2) * canvas.charWidth <= spacing || chars > 200 { return (ticks, labels) }
            chars = max(widest, chars + 1)
        }
    }

    // MARK: choosing the series

    struct Chosen {
        var ranked: [ChartSeries]
        var other: (label: String, buckets: [ChartBucket], min: Double?, max: Double?, last: Double?)?
        var min = Double.infinity
        var max = -Double.infinity
        var positiveMin = Double.infinity
        var labels: [String] { ranked.map(\.label) + (other.map { [$0.label] } ?? []) }
    }

    /// The panel's top N series by peak, and `other (K)`: the panel's total less them.
    static func choose(_ panel: ChartPanelData, grid: TimeGrid, top: Int) -> Chosen {
        let ranked = panel.detail.filter(\.hasValues).sorted { $0.max != $1.max ? $0.max > $1.max : $0.id < $1.id }
        var shown = ranked
        var rest = 0
        if top > 0 {
            rest = panel.seriesCount - min(top, ranked.count)
            if rest > 1 || (rest == 1 && ranked.count <= top) {
                shown = Array(ranked.prefix(top))
            } else {
                rest = 0
                shown = Array(ranked.prefix(top + 1))
            }
        } else {
            rest = panel.seriesCount - ranked.count
        }
        var c = Chosen(ranked: shown)
        for s in shown {
            c.min = Swift.min(c.min, s.min)
            c.max = Swift.max(c.max, s.max)
            for b in s.buckets where b.count > 0 && b.min > 0 { c.positiveMin = Swift.min(c.positiveMin, Double(b.min)) }
        }
        if rest > 0 {
            var buckets = [ChartBucket](repeating: .empty, count: grid.capacity)
            var lo: Double? = nil, hi: Double? = nil, last: Double? = nil
            let nonNegative = panel.total.min >= 0
            for i in 0...max(0, grid.highest) where i < buckets.count {
                let t = panel.total.buckets[i]
                if t.isGap { buckets[i].addNull(); last = nil; continue }
                guard t.count > 0 else { continue }
                var v = t.mean
                for s in shown where s.buckets[i].count > 0 { v -= s.buckets[i].mean }
                if nonNegative && v < 0 { v = 0 }
                buckets[i].add(v)
                lo = Swift.min(lo ?? v, v)
                hi = Swift.max(hi ?? v, v)
                last = v
                if v > 0 { c.positiveMin = Swift.min(c.positiveMin, v) }
            }
            if let lo, let hi { c.min = Swift.min(c.min, lo); c.max = Swift.max(c.max, hi) }
            c.other = ("other (\(rest))", buckets, lo, hi, last)
        }
        return c
    }

    // MARK: reduction

    /// A series' buckets as runs of points: without `epsilon`, each column's first, min, max and
    /// last (so a spike stays visible whatever the stream's length); with it, each bucket's mean,
    /// simplified by Ramer-Douglas-Peucker. A bucket holding only nulls breaks the run.
    static func reduce(_ buckets: [ChartBucket], grid: TimeGrid, xOf: (Double) -> Double, yOf: (Double) -> Double,
                       epsilon: Double?, column: Double) -> [[ChartPoint]] {
        guard grid.highest >= 0 else { return [] }
        var segments: [[ChartPoint]] = []
        var run: [ChartPoint] = []
        func endRun() {
            if !run.isEmpty { segments.append(run); run.removeAll() }
        }
        if let epsilon {
            for i in 0...grid.highest {
                let b = buckets[i]
                if b.isGap { endRun(); continue }
                guard b.count > 0 else { continue }
                run.append(ChartPoint(xOf(grid.center(i)), yOf(b.mean)))
            }
            endRun()
            return segments.map { ChartSimplify.rdp($0, epsilon: epsilon) }
        }
        var col = Int.min
        var agg = ChartBucket.empty
        var aggX = 0.0
        func flushColumn() {
            guard agg.count > 0 else { return }
            let ys = [Double(agg.first), Double(agg.min), Double(agg.max), Double(agg.last)].map(yOf)
            // first, then the extreme farther from it, then the other, then last: one stroke down
            // and up the column, as the samples went.
            let ordered = abs(ys[1] - ys[0]) < abs(ys[2] - ys[0]) ? [ys[0], ys[1], ys[2], ys[3]] : [ys[0], ys[2], ys[1], ys[3]]
            for y in ordered where run.last.map({ $0.x != aggX || abs($0.y - y) > 0.05 }) ?? true {
                run.append(ChartPoint(aggX, y))
            }
            agg = .empty
        }
        for i in 0...grid.highest {
            let b = buckets[i]
            if b.isGap { flushColumn(); col = Int.min; endRun(); continue }
            guard b.count > 0 else { continue }
            let x = xOf(grid.center(i))
            let c = Int((x / column).rounded(.down))
            if c != col {
                flushColumn()
                col = c
                aggX = (Double(c) + 0.5) * column
                agg = b
            } else {
                agg = agg.merged(with: b)
            }
        }
        flushColumn()
        endRun()
        return segments
    }
}

/// Line simplification.
public enum ChartSimplify {
    /// Ramer-Douglas-Peucker: the fewest points such that none left out is farther than `epsilon`
    /// from the line drawn. Iterative, so a long run cannot overflow the stack.
    public static func rdp(_ points: [ChartPoint], epsilon: Double) -> [ChartPoint] {
        guard points.count > 2, epsilon > 0 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        var stack = [(0, points.count - 1)]
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            let p = points[a], q = points[b]
            let dx = q.x - p.x, dy = q.y - p.y
            let length = (dx * dx + dy * dy).squareRoot()
            var far = -1.0, at = a
            for i in (a + 1)..<b {
                let r = points[i]
                let d = length == 0 ? ((r.x - p.x) * (r.x - p.x) + (r.y - p.y) * (r.y - p.y)).squareRoot()
                    : abs(dy * r.x - dx * r.y + q.x * p.y - q.y * p.x) / length
                if d > far { far = d; at = i }
            }
            if far > epsilon {
                keep[at] = true
                stack.append((a, at))
                stack.append((at, b))
            }
        }
        return points.indices.filter { keep[$0] }.map { points[$0] }
    }

    /// Centred moving average over `n` samples of an array (nil is a gap the average does not
    /// cross): what the stream's `MovingAverage` gives, for tests and small inputs.
    public static func movingAverage(_ values: [Double?], n: Int) -> [Double?] {
        var out: [Double?] = []
        var m = MovingAverage(n)
        for (i, v) in values.enumerated() { m.push(Double(i), v) { _, x in out.append(x) } }
        m.flush { _, x in out.append(x) }
        return out
    }
}

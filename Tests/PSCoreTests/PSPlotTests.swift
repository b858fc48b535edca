import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PSCore

/// Feeds record lines to a collector, as psplot's read loop does.
func collectChart(_ lines: [String], _ configure: (inout ChartCollector.Options) -> Void = { _ in }) throws -> ChartCollector {
    var options = ChartCollector.Options()
    configure(&options)
    let collector = ChartCollector(options: options)
    let parser = RecordParser()
    for line in lines {
        let bytes = Array(line.utf8)
        try bytes.withUnsafeBufferPointer { b in
            let record = try parser.parse(b)
            if let problem = collector.add(record) { throw RuntimeError(problem) }
        }
    }
    collector.finish()
    return collector
}

/// A process record: pid, start, comm and the given fields (raw JSON values).
func processLine(ts: Double, pid: Int, comm: String = "p", _ fields: [(String, String)]) -> String {
    let base: [(String, String)] = [("ts", "\(ts)"), ("pid", "\(pid)"), ("comm", "\"\(comm)\""), ("start", "\(1000 + pid)")]
    return recordLine(base + fields).trimmingCharacters(in: .newlines)
}

@Suite struct ChartTickTests {
    @Test(arguments: [(0.3, 0.5), (1.0, 1.0), (1.1, 2.0), (7.0, 10.0), (0.011, 0.02), (2500.0, 5000.0)])
    func decimalStepsAreOneTwoFive(raw: Double, step: Double) {
        #expect(abs(ChartTicks.decimalStep(raw) - step) < step * 1e-9)
    }

    @Test func byteAxesStepInPowersOfTwo() {
        let mib = 1048576.0
        let axis = ChartTicks.linear(min: 10 * mib, max: 700 * mib, count: 4, unit: .bytes)
        #expect(axis.ticks == [0, 256 * mib, 512 * mib, 768 * mib])
        #expect(axis.ticks.map { ChartTicks.label($0, unit: .bytes) } == ["0 B", "256 MiB", "512 MiB", "768 MiB"])
        let big = ChartTicks.linear(min: 0, max: 3.1 * 1024 * mib, count: 5, unit: .bytes)
        #expect(big.ticks.map { ChartTicks.label($0, unit: .bytes) } == ["0 B", "1 GiB", "2 GiB", "3 GiB", "4 GiB"])
    }

    @Test func percentAxesStepOneTwoFiveAndStartAtZero() {
        let axis = ChartTicks.linear(min: 12, max: 73, count: 5, unit: .percent)
        #expect(axis.ticks == [0, 20, 40, 60, 80])
        #expect(ChartTicks.label(40, unit: .percent) == "40 %")
        let negative = ChartTicks.linear(min: -3, max: 7, count: 5, unit: .none)
        #expect(negative.low == -4 && negative.high == 8 && negative.ticks.contains(0))
    }

    @Test func flatOrEmptyDataStillGetsAnAxis() {
        let zero = ChartTicks.linear(min: 0, max: 0, count: 4, unit: .percent)
        #expect(zero.low == 0 && zero.high > 0 && zero.ticks.count >= 2)
        let none = ChartTicks.linear(min: .infinity, max: -.infinity, count: 4, unit: .bytes)
        #expect(none.ticks.count >= 2)
    }

    @Test func durationAxesUseMinutesAndHours() {
        #expect(ChartTicks.step(atLeast: 100, unit: .seconds) == 120)
        #expect(ChartTicks.label(120, unit: .seconds) == "2m")
        #expect(ChartTicks.label(7200, unit: .seconds) == "2h")
        #expect(ChartTicks.label(2.5, unit: .seconds) == "2.5 s")
    }

    @Test func logAxesUsePowersOfTwoForBytesAndTenOtherwise() {
        let bytes = ChartTicks.log(min: 4096, max: 3e9, count: 6, unit: .bytes)
        #expect(bytes.log && bytes.ticks.allSatisfy { log2($0) == log2($0).rounded() })
        #expect(bytes.low <= 4096 && bytes.high >= 3e9 && bytes.ticks.count <= 7)
        let counts = ChartTicks.log(min: 3, max: 40000, count: 6, unit: .none)
        #expect(counts.ticks == [1, 10, 100, 1000, 10000, 100000])
    }

    @Test func timeTicksFallOnWholeStepsOfLocalTime() {
        let start = 1_764_510_007.3  // some second, not on a step
        let (step, ticks) = ChartTicks.time(start: start, end: start + 600, minSpacing: 70, relative: false)
        #expect(step == 120)
        #expect(ticks.allSatisfy { (($0 + ChartTicks.localOffset($0)).truncatingRemainder(dividingBy: 120)) == 0 })
        #expect(ticks.first! >= start && ticks.last! <= start + 600)
        #expect(ChartTicks.clockLabel(ticks[0], step: step).count == 5)  // HH:MM
        let (_, relative) = ChartTicks.time(start: start, end: start + 100, minSpacing: 25, relative: true)
        #expect(relative.first == start)
        #expect(relative.map { ChartTicks.relativeLabel($0 - start) }.prefix(3) == ["0", "30 s", "1m"])
    }

    @Test func timesParseAsEpochOrISO8601() {
        #expect(ChartTime.parse("1764510000") == 1_764_510_000)
        #expect(ChartTime.parse("1764510000.25") == 1_764_510_000.25)
        #expect(ChartTime.parse("2025-11-30T13:40:00Z") == 1_764_510_000)
        #expect(ChartTime.parse("2025-11-30T14:40:00+01:00") == 1_764_510_000)
        #expect(ChartTime.parse("2025-11-30 08:40:00.5-0500") == 1_764_510_000.5)
        #expect(ChartTime.parse("2025-11-30T13:40Z") == 1_764_510_000)
        #expect(ChartTime.parse("2025-11-30") != nil)
        for bad in ["", "yesterday", "2025-13-01", "2025-11-30T25:00", "2025-11-30T13:40:00Zjunk", "12:00"] {
            #expect(ChartTime.parse(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct ChartReductionTests {
    @Test func rdpKeepsCornersAndDropsPointsOnALine() {
        let line = (0...10).map { ChartPoint(Double($0), Double($0) * 2) }
        #expect(ChartSimplify.rdp(line, epsilon: 0.5) == [line[0], line[10]])
        var peak = line
        peak[5].y = 40
        let kept = ChartSimplify.rdp(peak, epsilon: 0.5)
        #expect(kept.contains(peak[5]) && kept.first == peak[0] && kept.last == peak[10])
        #expect(ChartSimplify.rdp(peak, epsilon: 0) == peak)
        // Within epsilon: a wobble of 0.3 goes.
        let wobble = (0...20).map { ChartPoint(Double($0), $0 % 2 == 0 ? 0 : 0.3) }
        #expect(ChartSimplify.rdp(wobble, epsilon: 0.5).count == 2)
    }

    @Test func movingAverageIsCentredAndNeverCrossesAGap() {
        let avg = ChartSimplify.movingAverage([1, 2, 3, 4, 5], n: 3)
        #expect(avg == [1.5, 2, 3, 4, 4.5])
        #expect(ChartSimplify.movingAverage([1, 2, nil, 4, 6], n: 3) == [1.5, 1.5, nil, 5, 5])
        #expect(ChartSimplify.movingAverage([2, 4, 6, 8], n: 1) == [2, 4, 6, 8])
        // An even window: one more sample after than before.
        #expect(ChartSimplify.movingAverage([0, 0, 4, 0, 0], n: 2) == [0, 2, 2, 0, 0])
    }

    @Test func bucketsMergeKeepingFirstLastMinMax() {
        var a = ChartBucket.empty, b = ChartBucket.empty
        for v in [5.0, 1, 3] { a.add(v) }
        for v in [9.0, 2] { b.add(v) }
        let m = a.merged(with: b)
        #expect(m.first == 5 && m.last == 2 && m.min == 1 && m.max == 9 && m.count == 5 && m.sum == 20)
        var gap = ChartBucket.empty
        gap.addNull()
        #expect(gap.isGap && !a.merged(with: gap).isGap && a.merged(with: gap).last == 3)
    }

    @Test func aLongStreamKeepsABoundedGridAndEverySpike() throws {
        // 20 000 samples of a flat line at 100 with one spike to 1000 at sample 12 345.
        var lines: [String] = []
        for i in 0..<20_000 {
            lines.append(processLine(ts: 1000 + Double(i), pid: 7, [("load", i == 12_345 ? "1000" : "100")]))
        }
        let data = try collectChart(lines) { $0.fields = ["load"]; $0.capacity = 512 }
        #expect(data.grid.highest < 512)
        #expect(data.panels[0].detail[0].max == 1000)
        let layout = ChartLayout.make(data, canvas: .svg(width: 400, height: 300), options: .init())
        let panel = layout.panels[0]
        let points = panel.series.flatMap { $0.segments.joined() }
        // The spike's column reaches the top tick (1000 on a 0...1000 axis).
        let top = panel.yTicks.last!
        #expect(top.label.text == "1k")
        #expect(points.contains { abs($0.y - top.y) < 0.5 })
        // At most 4 points per pixel column of the plot.
        #expect(points.count <= 4 * Int(panel.plot.width + 1))
    }

    @Test func aNullIsAGapNotAZero() throws {
        var lines: [String] = []
        for i in 0..<9 {
            lines.append(processLine(ts: Double(i), pid: 1, [("cpu", i == 4 ? "null" : "50")]))
        }
        let data = try collectChart(lines) { $0.fields = ["cpu"] }
        let layout = ChartLayout.make(data, canvas: .svg(width: 600, height: 300), options: .init())
        let series = layout.panels[0].series[0]
        #expect(series.segments.count == 2)
        #expect(series.min == 50 && series.max == 50)
        let zero = layout.panels[0].yTicks.first { $0.label.text == "0 %" }!.y
        #expect(!series.segments.joined().contains { abs($0.y - zero) < 1 })
    }

    @Test func aRecordWithoutTheFieldIsNotInThePanel() throws {
        let lines = [
            processLine(ts: 1, pid: 1, [("rss", "100"), ("cpu", "5")]),
            processLine(ts: 1, pid: 2, [("rss", "200")]),
            processLine(ts: 2, pid: 1, [("rss", "100"), ("cpu", "7")]),
            processLine(ts: 2, pid: 2, [("rss", "200")]),
        ]
        let data = try collectChart(lines) { $0.fields = ["cpu", "rss"] }
        #expect(data.panels[0].seriesCount == 1)
        #expect(data.panels[1].seriesCount == 2)
        #expect(data.panels[0].total.max == 7)
    }

    @Test func topNDrawsTheHighestPeaksAndSumsTheRestAsOther() throws {
        // Five processes, value pid*10 in snapshot 1 and pid*10+1 in snapshot 2; pid 2 peaks at 500 once.
        var lines: [String] = []
        for ts in [1.0, 2.0] {
            for pid in 1...5 {
                let v = pid == 2 && ts == 2 ? 500 : pid * 10 + Int(ts) - 1
                lines.append(processLine(ts: ts, pid: pid, comm: "c\(pid)", [("rss", "\(v)")]))
            }
        }
        let data = try collectChart(lines) { $0.fields = ["rss"]; $0.top = 2 }
        var options = ChartLayout.Options()
        options.top = 2
        let layout = ChartLayout.make(data, canvas: .svg(width: 800, height: 300), options: options)
        let panel = layout.panels[0]
        let legend = panel.legend.compactMap { $0.series }.map { panel.series[$0].label }
        #expect(legend == ["c2 2", "c5 5", "other (3)"])
        let other = panel.series.first { $0.id == -1 }!
        // other = c1 + c3 + c4: 10+30+40 = 80, then 11+31+41 = 83.
        #expect(other.min == 80 && other.max == 83 && other.last == 83)
        // Drawn last: the highest peak, on top.
        #expect(panel.series.last?.label == "c2 2")
        // --top 0 draws every series, and no other.
        let all = ChartLayout.make(try collectChart(lines) { $0.fields = ["rss"]; $0.top = 0 },
                                   canvas: .svg(width: 800, height: 300), options: { var o = ChartLayout.Options(); o.top = 0; return o }())
        #expect(all.panels[0].series.count == 5)
    }

    @Test func oneSeriesLeftOverIsDrawnItselfNotAsOther() throws {
        let lines = (1...3).map { processLine(ts: 1, pid: $0, [("rss", "\($0)")]) }
        var options = ChartLayout.Options()
        options.top = 2
        let layout = ChartLayout.make(try collectChart(lines) { $0.fields = ["rss"]; $0.top = 2 }, canvas: .svg(width: 800, height: 300), options: options)
        #expect(layout.panels[0].series.map(\.label).sorted() == ["p 1", "p 2", "p 3"])
    }

    @Test func manySeriesKeepOnlyTheLeadersInDetail() throws {
        // 3000 processes over 3 snapshots; process i holds i, except 17 which jumps to 10^6 at the end.
        var lines: [String] = []
        for ts in 1...3 {
            for pid in 1...3000 {
                let v = pid == 17 && ts == 3 ? 1_000_000 : pid
                lines.append(processLine(ts: Double(ts), pid: pid, [("rss", "\(v)")]))
            }
        }
        let data = try collectChart(lines) { $0.fields = ["rss"]; $0.top = 3 }
        #expect(data.panels[0].detail.count <= data.detailLimit)
        #expect(data.panels[0].seriesCount == 3000)
        var options = ChartLayout.Options()
        options.top = 3
        let panel = ChartLayout.make(data, canvas: .svg(width: 800, height: 300), options: options).panels[0]
        #expect(panel.legend.compactMap { $0.series }.map { panel.series[$0].label } == ["p 17", "p 3000", "p 2999", "other (2997)"])
        // The total is exact whatever was kept: other = sum(1...3000) - 3000 - 2999 - 17 in snapshot 1.
        let other = panel.series.first { $0.id == -1 }!
        #expect(other.min == Double(3000 * 3001 / 2 - 3000 - 2999 - 17))
    }

    /// What a chart shows, to compare two collectors: per panel its series count, and each drawn
    /// series' label, extremes, last value and points.
    static func drawn(_ collector: ChartCollector, top: Int) -> [String] {
        var options = ChartLayout.Options()
        options.top = top
        let layout = ChartLayout.make(collector, canvas: .svg(width: 800, height: 300), options: options)
        return zip(collector.visiblePanels, layout.panels).flatMap { data, panel in
            ["\(panel.field): \(data.seriesCount) series"] + panel.series.map {
                "\($0.label) \(String(describing: $0.min)) \(String(describing: $0.max)) \(String(describing: $0.last)) \($0.segments.map { $0.map { "\($0.x),\($0.y)" } })"
            }
        }
    }

    @Test func recordOrderWithinASnapshotAndForgettingSeriesDoNotChangeTheChart() throws {
        // 5 processes living throughout and 30 new ones per snapshot living two snapshots each, with
        // moving values and spikes, so detail places change hands. Read in order; with each
        // snapshot after the first shuffled (the positions remembered from the previous snapshot
        // then mostly miss); and with a registry that forgets at 20 series.
        var random = SplitMix64(seed: 11)
        var snapshots: [[String]] = []
        for k in 0..<8 {
            var lines: [String] = []
            for pid in 1...5 { lines.append(processLine(ts: Double(k), pid: pid, [("rss", "\(pid * 100 + k * 7 % 13)"), ("cpu", "\(k % 3)")])) }
            for born in max(0, k - 1)...k {
                for i in 0..<30 {
                    let pid = 1000 * (born + 1) + i
                    let v = (pid * 31 + k * 17) % 500 + (i == k ? 5000 : 0)
                    lines.append(processLine(ts: Double(k), pid: pid, [("rss", "\(v)"), ("cpu", k == 3 && i == 4 ? "null" : "\(i % 7)")]))
                }
            }
            snapshots.append(lines)
        }
        func collect(_ snapshots: [[String]], registryLimit: Int = 100_000) throws -> ChartCollector {
            var options = ChartCollector.Options()
            options.fields = ["rss", "cpu"]
            options.top = 3
            let collector = ChartCollector(options: options, registryLimit: registryLimit)
            let parser = RecordParser()
            for line in snapshots.joined() {
                try Array(line.utf8).withUnsafeBufferPointer { b in
                    if let problem = collector.add(try parser.parse(b)) { throw RuntimeError(problem) }
                }
            }
            collector.finish()
            return collector
        }
        let inOrder = try collect(snapshots)
        let shuffled = try collect([snapshots[0]] + snapshots.dropFirst().map { $0.shuffled(using: &random) })
        let forgetful = try collect(snapshots, registryLimit: 20)
        let expected = Self.drawn(inOrder, top: 3)
        #expect(expected.first == "rss: 245 series")
        #expect(Self.drawn(shuffled, top: 3) == expected)
        #expect(Self.drawn(forgetful, top: 3) == expected)
        #expect(forgetful.registry.count < inOrder.registry.count)
        #expect(inOrder.registry.count == 245)
    }

    @Test func psaggRowsGroupedByANumericLabelAreOneSeriesPerGroup() throws {
        // `psagg -g uid`: uid is a label whose value is a number; each uid is its own series, as
        // psexport labels each uid's samples.
        let lines = [1.0, 2.0].flatMap { ts in
            [#"{"ts":\#(ts),"uid":0,"count":3,"rss":100}"#, #"{"ts":\#(ts),"uid":1000,"count":2,"rss":50}"#]
        }
        let data = try collectChart(lines) { $0.fields = ["rss"] }
        #expect(data.panels[0].seriesCount == 2)
        #expect(data.panels[0].detail.map(\.label).sorted() == ["0", "1000"])
        let rule = SeriesRule()
        let parser = RecordParser()
        let keys = try lines.prefix(2).map { line in
            try Array(line.utf8).withUnsafeBufferPointer { b in try rule.describe(parser.parse(b)).keyFields.map(\.name) }
        }
        #expect(keys == [["uid"], ["uid"]])
    }

    @Test func outOfOrderTimesWidenTheGridToTheLeft() throws {
        let lines = [5.0, 6, 2, 7].map { processLine(ts: $0, pid: 1, [("rss", "\(Int($0))")]) }
        let data = try collectChart(lines) { $0.fields = ["rss"] }
        #expect(data.firstTs == 2 && data.lastTs == 7)
        let buckets = data.panels[0].detail[0].buckets.filter { $0.count > 0 }
        #expect(buckets.count == 4 && buckets.first?.first == 2)
    }
}

@Suite struct ChartRenderTests {
    /// The elements of an SVG, parsed by Foundation's XMLParser (which fails on malformed XML).
    final class Elements: NSObject, XMLParserDelegate {
        var names: [String] = []
        var attributes: [[String: String]] = []
        var titles: [String] = []
        var texts: [String] = []
        private var inTitle = false, inText = false, buffer = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            names.append(name)
            self.attributes.append(attributes)
            if name == "title" || name == "text" { buffer = ""; inTitle = name == "title"; inText = name == "text" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title" { titles.append(buffer) }
            if name == "text" { texts.append(buffer) }
            inTitle = false
            inText = false
        }
    }

    static func parse(_ svg: String) throws -> Elements {
        let parser = XMLParser(data: Data(svg.utf8))
        let e = Elements()
        parser.delegate = e
        guard parser.parse() else { throw RuntimeError("not XML: \(parser.parserError.map { "\($0)" } ?? "?")") }
        return e
    }

    static let hostile = "evil<&>\"'\u{1B}[31m\n\u{7}name"

    static func sample() throws -> ChartCollector {
        var lines: [String] = []
        for ts in 0..<20 {
            for pid in 1...14 {
                let comm = pid == 14 ? "evil<&>\\\"'\\u001b[31m\\n\\u0007name" : "proc\(pid)"
                lines.append(processLine(ts: 1_764_510_000 + Double(ts), pid: pid, comm: comm,
                                         [("cpu", ts == 10 && pid == 1 ? "null" : "\(pid * 3 + ts % 4)"), ("rss", "\(pid * 1_048_576 + ts * 4096)")]))
            }
        }
        return try collectChart(lines)
    }

    @Test func svgIsWellFormedSelfContainedWithTooltipsLegendAndScript() throws {
        let svg = SVGChart.render(ChartLayout.make(try Self.sample(), canvas: .svg(width: 1000, height: 590), options: .init()))
        let e = try Self.parse(svg)
        #expect(e.names.first == "svg")
        // One <g class="s ..."> per drawn series, each with a <title> naming it with min, max, last.
        let series = e.attributes.filter { ($0["class"] ?? "").hasPrefix("s ") }
        #expect(series.count == 22)  // two panels: top 10 + other
        #expect(e.titles.filter { $0.contains(": min ") && $0.contains(", max ") && $0.contains(", last ") }.count == 44)
        #expect(e.titles.contains { $0.hasPrefix("other (4): min ") })
        #expect(e.attributes.filter { $0["data-s"] != nil }.count == 22)
        #expect(e.names.contains("script"))
        #expect(e.texts.contains("rss (bytes)") && e.texts.contains("cpu (% of one CPU)"))
        // Nothing fetched: the only URL is the SVG namespace, references are to the file itself.
        #expect(svg.components(separatedBy: "http").count == 2)
        #expect(!svg.contains("href"))
        for ref in svg.components(separatedBy: "url(").dropFirst() { #expect(ref.hasPrefix("#")) }
        // A hostile name stays text: escaped markup, no control characters.
        #expect(e.titles.contains { $0.hasPrefix("evil<&>\"'\u{FFFD}[31m\u{FFFD}\u{FFFD}name 14: min ") })
        #expect(e.texts.contains { $0.hasPrefix("evil<&>\"'?[31m??name") })
        #expect(!svg.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func svgTicksReadInHumanUnits() throws {
        let svg = SVGChart.render(ChartLayout.make(try Self.sample(), canvas: .svg(width: 1000, height: 590), options: .init()))
        let e = try Self.parse(svg)
        #expect(e.texts.contains("0 B") && e.texts.contains { $0.hasSuffix(" MiB") })
        #expect(e.texts.contains("0 %") && e.texts.contains { $0.hasSuffix(" %") && $0 != "0 %" })
        #expect(e.texts.contains { $0.count == 8 && $0.filter { $0 == ":" }.count == 2 })  // HH:MM:SS
    }

    @Test func terminalChartIsExactlyTheSizeAskedWithNoControlFromAName() throws {
        let layout = ChartLayout.make(try Self.sample(), canvas: .terminal(columns: 72, rows: 22), options: .init())
        let plain = TerminalChart.render(layout, color: false)
        #expect(plain.count == 22)
        #expect(plain.allSatisfy { TerminalText.width($0) <= 72 })
        #expect(!plain.joined().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(plain.contains { $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } })
        #expect(plain.contains { $0.contains("rss (bytes)") })
        let colored = TerminalChart.render(layout, color: true)
        #expect(colored.count == 22 && colored.joined().contains("\u{1B}[38;5;"))
        // Colour codes aside, the same text.
        let stripped = colored.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        #expect(stripped.map { $0.trimmingCharacters(in: .whitespaces) } == plain.map { $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test func emptyPanelsSaySo() throws {
        let lines = [processLine(ts: 1, pid: 1, [("rss", "100"), ("pss", "null")])]
        let layout = ChartLayout.make(try collectChart(lines) { $0.fields = ["pss"] }, canvas: .svg(width: 600, height: 300), options: .init())
        #expect(layout.panels[0].message?.text == "no sample of 'pss': every value is null")
        let none = ChartLayout.make(try collectChart([]), canvas: .svg(width: 600, height: 300), options: .init())
        #expect(none.panels.map { $0.message?.text } == ["no records"])
        _ = try Self.parse(SVGChart.render(none))
    }
}

@Suite struct PSPlotCommandTests {
    func run(_ args: [String], _ input: String) throws -> InProcessRun {
        try StreamToolRun.run(PSPlot.spec, PSPlot.run, args, inputs: [input])
    }

    static let stream = (0..<5).map { ts in
        (1...3).map { processLine(ts: Double(1_764_510_000 + ts), pid: $0, [("rss", "\($0 * 1000)")]) }.joined(separator: "\n")
    }.joined(separator: "\n") + "\n"

    @Test func aFieldNoRecordCarriesIsAUsageErrorWithTheNearestName() throws {
        let r = try run(["-y", "rsss"], Self.stream)
        #expect(r.status == 2 && r.output.isEmpty)
        #expect(r.errors.first == "no record carries field 'rsss' (did you mean 'rss'?)")
        let pss = try run(["-y", "rss,pss"], Self.stream)
        #expect(pss.status == 2 && pss.errors.first == "no record carries field 'pss' (pssnap writes it with '-f +smaps')")
        let cpu = try run(["-y", "cpu"], Self.stream)
        #expect(cpu.errors.first == "no record carries field 'cpu' (psdelta adds it: pssnap -i1 | psdelta | psplot)")
    }

    @Test(arguments: [
        (["-y", "comm"], "cannot plot 'comm': it is a string, not a number"),
        (["-y", "rss,"], "option '-y' takes FIELD,FIELD,... with no empty name, not 'rss,'"),
        (["--top", "-1"], "option '--top' takes a whole number from 0 to 1000, not '-1'"),
        (["-w", "0"], "option '-w' takes a whole number from 1 to 100000, not '0'"),
        (["-e", "x"], "option '-e' takes a number of pixels, not 'x'"),
        (["--after", "noon"], "option '--after' takes epoch seconds or an ISO 8601 time (2026-11-30T14:03:07), not 'noon'"),
        (["--after", "20", "--before", "10"], "'--after' is later than '--before': nothing to draw"),
        (["--size", "80x24"], "'--size' sizes the terminal chart ('-t'); the SVG takes '--width' and '--height'"),
        (["-t", "--width", "500"], "'--width' sizes the SVG; with '-t' use '--size COLSxROWS'"),
        (["--live", "-o", "x.svg"], "'--live' draws on the terminal; it cannot write to '-o'"),
        (["--width", "10"], "option '--width' takes a whole number from 300 to 20000, not '10'"),
    ])
    func badOptionsAreUsageErrors(args: [String], message: String) throws {
        let r = try run(args, Self.stream)
        #expect(r.status == 2)
        #expect(r.errors.first == message)
    }

    @Test func badLinesAreReportedAndTheChartIsStillDrawn() throws {
        let r = try run(["-y", "rss"], "not json\n" + Self.stream + "{\"pid\":1}\n")
        #expect(r.status == 1)
        #expect(r.errors.count == 2 && r.errors[0].hasPrefix("in1.ndjson:1:") && r.errors[1].hasPrefix("in1.ndjson:17:") && r.errors[1].hasSuffix(": missing number field 'ts'"))
        let e = try ChartRenderTests.parse(r.output)
        #expect(e.titles.contains { $0.hasPrefix("p 3: min 2.93 KiB") })
    }

    @Test func afterAndBeforeCutTheTimeRange() throws {
        let r = try run(["-y", "rss", "--after", "1764510001", "--before", "2025-11-30T13:40:03Z", "-t", "--size", "60x12"], Self.stream)
        #expect(r.status == 0)
        #expect(r.output.contains("(2 s), 3 snapshots, 3 series"))
    }

    @Test func seriesFieldsChooseTheLines() throws {
        let input = (0..<3).map { ts in
            (1...4).map { processLine(ts: Double(ts), pid: $0, comm: $0 % 2 == 0 ? "even" : "odd", [("rss", "\($0)")]) }.joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
        let r = try run(["-y", "rss", "-s", "comm"], input)
        #expect(r.status == 0)
        let e = try ChartRenderTests.parse(r.output)
        #expect(Set(e.titles.filter { $0.contains(": min ") }.map { String($0.prefix(while: { $0 != ":" })) }) == ["even", "odd"])
    }

    @Test func liveNeedsATerminal() throws {
        let r = try run(["--live"], Self.stream)
        #expect(r.status == 2 && r.errors.first == "'--live' needs a terminal on standard output")
    }

    @Test func theTerminalChartHasTheRequestedSize() throws {
        let r = try run(["-t", "--size", "50x10"], Self.stream)
        let lines = r.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(r.status == 0 && lines.count == 10)
        #expect(lines.allSatisfy { TerminalText.width(String($0)) <= 50 })
    }
}

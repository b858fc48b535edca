import Foundation
import Testing
@testable import PSCore

/// psexport in-process: names, numbers, escaping and whole outputs, byte for byte.
@Suite struct PSExportTests {
    static func run(_ args: [String], _ input: String) throws -> InProcessRun {
        try StreamToolRun.run(PSExport.spec, { try PSExport.run($0, output: $1, diagnostics: $2) }, args, inputs: [input])
    }

    static func lines(_ l: [String]) -> String { l.map { $0 + "\n" }.joined() }

    // MARK: names

    @Test(arguments: [
        ("rss", "pstools_rss_bytes", "pstools_rss_bytes", 0),
        ("utime", "pstools_utime_seconds", "pstools_utime_seconds_total", 0),
        ("minflt", "pstools_minflt", "pstools_minflt_total", 0),
        ("read_bytes", "pstools_read_bytes", "pstools_read_bytes_total", 0),
        ("rchar", "pstools_rchar_bytes", "pstools_rchar_bytes_total", 0),
        ("cpu", "pstools_cpu_ratio", "pstools_cpu_ratio", 2),
        ("cpu_reaped", "pstools_cpu_reaped_ratio", "pstools_cpu_reaped_ratio", 2),
        ("cutime_rate", "pstools_cutime_ratio", "pstools_cutime_ratio", 0),
        ("rchar_rate", "pstools_rchar_bytes_per_second", "pstools_rchar_bytes_per_second", 0),
        ("read_bytes_rate", "pstools_read_bytes_per_second", "pstools_read_bytes_per_second", 0),
        ("minflt_rate", "pstools_minflt_per_second", "pstools_minflt_per_second", 0),
        ("count", "pstools_count_value", "pstools_count_value", 0),
        ("threads", "pstools_threads", "pstools_threads", 0),
        ("age", "pstools_age_seconds", "pstools_age_seconds", 0),
        ("my-field.x", "pstools_my_field_x", "pstools_my_field_x", 0),
        ("conn_total", "pstools_conn_total_value", "pstools_conn_total_value", 0),
    ])
    func prometheusNamesComeFromKindAndUnit(field: String, family: String, sample: String, scale: Int) {
        let info = FieldTable.info(field)
        let kind: FieldKind = info.map { $0.kind == .time || $0.kind == .identity ? .gauge : $0.kind } ?? FieldTable.kind(of: field, json: .number)
        let n = MetricNaming(field: field, kind: kind, prefix: "pstools")
        #expect(n.family == family)
        #expect(n.sample == sample)
        #expect(n.scaleDown == scale)
    }

    @Test func everyKnownNumericFieldHasAValidDistinctPrometheusName() {
        var seen: [String: String] = [:]
        for info in FieldTable.all where info.type == .number {
            let kind: FieldKind = info.kind == .counter || info.kind == .rate ? info.kind : .gauge
            let n = MetricNaming(field: info.name, kind: kind, prefix: "pstools")
            #expect(n.sample.range(of: "^[a-zA-Z_][a-zA-Z0-9_]*$", options: .regularExpression) != nil, "\(n.sample)")
            #expect(seen[n.sample] == nil, "\(info.name) and \(seen[n.sample] ?? "") share \(n.sample)")
            seen[n.sample] = info.name
            if kind != .counter {
                for reserved in ["_total", "_count", "_sum", "_bucket"] { #expect(!n.sample.hasSuffix(reserved), "\(n.sample)") }
            }
        }
    }

    // MARK: numbers

    @Test(arguments: [
        ("1764474000.123", 3, true, "1764474000123"),
        ("1764474000.123", 9, true, "1764474000123000000"),
        ("1764474000.123", 0, true, "1764474000"),
        ("1764474000", 3, true, "1764474000000"),
        ("1764474000.5", 0, false, "1764474000.5"),
        ("12.5", -2, false, "0.125"),
        ("250", -2, false, "2.5"),
        ("0", -2, false, "0"),
        ("100", -2, false, "1"),
        ("0.004", -2, false, "0.00004"),
        ("-3.5", -2, false, "-0.035"),
        ("-0", 3, true, "0"),
        ("1e3", 0, false, "1000"),
        ("1.5E-1", -2, false, "0.0015"),
        ("0.0009", 3, true, "0"),
        ("12.300", -2, false, "0.123"),
    ])
    func decimalPointMovesExactly(raw: String, places: Int, whole: Bool, expected: String) {
        let out = OutputBuffer(fd: -1, threshold: 0)
        let ok = Array(raw.utf8).withUnsafeBufferPointer { DecimalText.append($0, times10: places, whole: whole, to: out) }
        #expect(ok)
        #expect(String(decoding: out.bytes, as: UTF8.self) == expected)
    }

    // MARK: escaping: one table of hostile values, every format

    /// (value, Prometheus/OpenMetrics, Influx, OpenTSDB, Graphite)
    static let hostile: [(String, String, String, String, String)] = [
        ("plain", "plain", "plain", "plain", "plain"),
        ("say \"hi\"", #"say \"hi\""#, #"say\ "hi""#, "say__hi_", "say__hi_"),
        (#"back\slash"#, #"back\\slash"#, #"back\slash"#, "back_slash", "back_slash"),
        ("trailing\\", #"trailing\\"#, "trailing_", "trailing_", "trailing_"),
        ("line\nbreak", #"line\nbreak"#, "line_break", "line_break", "line_break"),
        ("cr\rtab\t", "cr\rtab\t", "cr_tab_", "cr_tab_", "cr_tab_"),
        ("a,b=c d", "a,b=c d", #"a\,b\=c\ d"#, "a_b_c_d", "a_b_c_d"),
        (#"esc\,comma"#, #"esc\\,comma"#, #"esc_\,comma"#, "esc__comma", "esc__comma"),
        ("dots.and/slash", "dots.and/slash", "dots.and/slash", "dots.and/slash", "dots_and_slash"),
        ("glob*?[x]{y};z", "glob*?[x]{y};z", "glob*?[x]{y};z", "glob___x__y__z", "glob___x__y__z"),
        ("ünïcødé 名前", "ünïcødé 名前", #"ünïcødé\ 名前"#, "ünïcødé_名前", "ünïcødé_名前"),
        ("bad\u{FFFD}utf", "bad\u{FFFD}utf", "bad\u{FFFD}utf", "bad_utf", "bad_utf"),
        ("nul\u{0}x", "nul_x", "nul_x", "nul_x", "nul_x"),
        ("", "", "", "", "_"),
    ]

    static func escape(_ value: [UInt8], _ f: (UnsafeBufferPointer<UInt8>, OutputBuffer) -> Void) -> String {
        let out = OutputBuffer(fd: -1, threshold: 0)
        value.withUnsafeBufferPointer { f($0, out) }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func hostileLabelValuesAreEscapedOrReplacedAsDocumented() {
        for (value, prom, influx, tsdb, graphite) in Self.hostile {
            let v = Array(value.utf8)
            #expect(Self.escape(v, PrometheusLabel.append) == prom, "prometheus: \(value.debugDescription)")
            #expect(Self.escape(v, InfluxTag.append) == influx, "influx: \(value.debugDescription)")
            #expect(Self.escape(v, OpenTSDBTag.append) == tsdb, "opentsdb: \(value.debugDescription)")
            #expect(Self.escape(v, GraphiteNode.append) == graphite, "graphite: \(value.debugDescription)")
        }
    }

    @Test func invalidUTF8BytesBecomeReplacementsNeverRawBytes() {
        let v: [UInt8] = [0x61, 0xFF, 0xC3, 0x62, 0xE2, 0x82]
        #expect(Self.escape(v, PrometheusLabel.append) == "a\u{FFFD}\u{FFFD}b\u{FFFD}")
        #expect(Self.escape(v, InfluxTag.append) == "a\u{FFFD}\u{FFFD}b\u{FFFD}")
        #expect(Self.escape(v, OpenTSDBTag.append) == "a__b_")
        #expect(Self.escape(v, GraphiteNode.append) == "a__b_")
    }

    // MARK: whole outputs

    static let twoProcesses = lines([
        #"{"ts":1764474000.123,"pid":1,"ppid":0,"comm":"init","rss":4096,"utime":1.5,"cpu":0}"#,
        #"{"ts":1764474000.123,"pid":7,"ppid":1,"comm":"a \"b\"","rss":8192,"utime":2,"cpu":12.5}"#,
        #"{"ts":1764474001.5,"pid":1,"ppid":0,"comm":"init","rss":4096,"utime":1.6,"cpu":null}"#,
    ])

    @Test func openMetricsWritesOneExpositionPerSnapshotWithFamiliesTogether() throws {
        let r = try Self.run(["-f", "rss,utime,cpu"], Self.twoProcesses)
        #expect(r.status == 0, "\(r.errors)")
        let rssHelp = "# HELP pstools_rss_bytes rss (bytes): " + FieldTable.info("rss")!.source
        let utimeHelp = "# HELP pstools_utime_seconds utime (s): " + FieldTable.info("utime")!.source
        let cpuHelp = "# HELP pstools_cpu_ratio cpu (% of one CPU): " + FieldTable.info("cpu")!.source + "; here as a fraction of one CPU (the percent divided by 100)"
        #expect(r.output == Self.lines([
            "# TYPE pstools_rss_bytes gauge", "# UNIT pstools_rss_bytes bytes", rssHelp,
            #"pstools_rss_bytes{pid="1",comm="init"} 4096 1764474000.123"#,
            #"pstools_rss_bytes{pid="7",comm="a \"b\""} 8192 1764474000.123"#,
            "# TYPE pstools_utime_seconds counter", "# UNIT pstools_utime_seconds seconds", utimeHelp,
            #"pstools_utime_seconds_total{pid="1",comm="init"} 1.5 1764474000.123"#,
            #"pstools_utime_seconds_total{pid="7",comm="a \"b\""} 2 1764474000.123"#,
            "# TYPE pstools_cpu_ratio gauge", "# UNIT pstools_cpu_ratio ratio", cpuHelp,
            #"pstools_cpu_ratio{pid="1",comm="init"} 0 1764474000.123"#,
            #"pstools_cpu_ratio{pid="7",comm="a \"b\""} 0.125 1764474000.123"#,
            "# EOF",
            "# TYPE pstools_rss_bytes gauge", "# UNIT pstools_rss_bytes bytes", rssHelp,
            #"pstools_rss_bytes{pid="1",comm="init"} 4096 1764474001.5"#,
            "# TYPE pstools_utime_seconds counter", "# UNIT pstools_utime_seconds seconds", utimeHelp,
            #"pstools_utime_seconds_total{pid="1",comm="init"} 1.6 1764474001.5"#,
            "# EOF",
        ]))
    }

    @Test func prometheusTextHasMillisecondTimestampsAndTotalInTypeLines() throws {
        let r = try Self.run(["-F", "prometheus", "-f", "utime", "-l", "comm"], Self.twoProcesses)
        let help = "# HELP pstools_utime_seconds_total utime (s): " + FieldTable.info("utime")!.source
        #expect(r.output == Self.lines([
            help, "# TYPE pstools_utime_seconds_total counter",
            #"pstools_utime_seconds_total{comm="init"} 1.5 1764474000123"#,
            #"pstools_utime_seconds_total{comm="a \"b\""} 2 1764474000123"#,
            help, "# TYPE pstools_utime_seconds_total counter",
            #"pstools_utime_seconds_total{comm="init"} 1.6 1764474001500"#,
        ]))
    }

    @Test func influxWritesOneLineARecordEveryFigureAFloat() throws {
        let r = try Self.run(["-F", "influx", "-f", "rss,cpu"], Self.twoProcesses)
        #expect(r.output == Self.lines([
            "pstools,pid=1,comm=init rss=4096,cpu=0 1764474000123000000",
            #"pstools,pid=7,comm=a\ "b" rss=8192,cpu=12.5 1764474000123000000"#,
            "pstools,pid=1,comm=init rss=4096 1764474001500000000",
        ]))
        #expect(!r.output.contains("i "), "no integer fields: a field's type must never change")
    }

    @Test func openTSDBAndGraphiteWriteWholeSecondsAndRecordValues() throws {
        let tsdb = try Self.run(["-F", "opentsdb", "-f", "cpu"], Self.twoProcesses)
        #expect(tsdb.output == Self.lines([
            "put pstools.cpu 1764474000 0 pid=1 comm=init",
            "put pstools.cpu 1764474000 12.5 pid=7 comm=a__b_",
        ]))
        let graphite = try Self.run(["-F", "graphite", "-f", "rss", "--prefix", "servers.web1"], Self.twoProcesses)
        #expect(graphite.output == Self.lines([
            "servers.web1.1.init.rss 4096 1764474000",
            "servers.web1.7.a__b_.rss 8192 1764474000",
            "servers.web1.1.init.rss 4096 1764474001",
        ]))
    }

    @Test func defaultFieldsAreEveryGaugeCounterAndRateButNotIdentityOrTime() throws {
        let input = Self.lines([#"{"ts":5,"pid":1,"ppid":0,"depth":0,"comm":"x","start":3.5,"age":1.5,"uid":0,"user":"root","rss":1,"minflt":2,"cpu":3,"mine":4,"note":"n","dt":1}"#])
        let r = try Self.run(["-F", "influx"], input)
        #expect(r.output == "pstools,pid=1,comm=x rss=1,minflt=2,cpu=3,mine=4 5000000000\n")
    }

    @Test func aPsaggRowIsLabelledByItsGroupKey() throws {
        let input = Self.lines([
            #"{"ts":5,"user":"root","count":3,"rss":10,"cpu":null}"#,
            #"{"ts":5,"user":"www data","count":1,"rss":20,"cpu":1.5}"#,
        ])
        let r = try Self.run(["-F", "prometheus", "-f", "count"], input)
        #expect(r.output.contains(#"pstools_count_value{user="root"} 3 5000"#))
        #expect(r.output.contains(#"pstools_count_value{user="www data"} 1 5000"#))
        let image = try Self.run(["-F", "influx"], Self.lines([#"{"ts":5,"image":"web","count":2,"rss":10}"#, #"{"ts":5,"image":null,"count":1,"rss":1}"#]))
        #expect(image.output == "pstools,image=web count=2,rss=10 5000000000\npstools count=1,rss=1 5000000000\n")
    }

    @Test func absurdTimestampsAndValuesNeverBreakALine() throws {
        let huge = String(repeating: "9", count: 70)
        let input = Self.lines(["{\"ts\":\(huge),\"pid\":1,\"rss\":\(huge)}", #"{"ts":-2.5,"pid":1,"rss":1e3}"#])
        for format in MetricFormat.allCases {
            let r = try Self.run(["-F", format.rawValue, "-l", "pid"], input)
            #expect(r.status == 0, "\(format)")
            for line in r.output.split(separator: "\n") where !line.hasPrefix("#") {
                let fields = line.split(separator: " ")
                #expect(fields.count == (format == .opentsdb ? 5 : 3), "\(format): \(line)")
                #expect(fields.allSatisfy { !$0.isEmpty })
            }
        }
    }

    @Test func threadRecordsAreLabelledByTidToo() throws {
        let input = Self.lines([#"{"ts":5,"pid":1,"tid":1,"comm":"x","threads":2}"#, #"{"ts":5,"pid":1,"tid":9,"comm":"x:w","threads":2}"#])
        let r = try Self.run(["-F", "influx"], input)
        #expect(r.output == "pstools,pid=1,comm=x,tid=1 threads=2 5000000000\npstools,pid=1,comm=x:w,tid=9 threads=2 5000000000\n")
        #expect(r.errors.isEmpty)
    }

    @Test func hostLabelIsTheRecordsHostElseTheNodeName() throws {
        let input = Self.lines([#"{"ts":5,"host":"db1","pid":1,"comm":"x","rss":1}"#, #"{"ts":5,"pid":2,"comm":"y","rss":2}"#])
        let r = try Self.run(["-F", "influx", "--host"], input)
        let node = SystemEnvironment().hostname()
        #expect(r.output == "pstools,pid=1,comm=x,host=db1 rss=1 5000000000\npstools,pid=2,comm=y,host=\(node) rss=2 5000000000\n")
    }

    @Test func emptyAndNullLabelsAreLeftOut() throws {
        let input = Self.lines([#"{"ts":5,"pid":1,"comm":"","rss":1}"#, #"{"ts":5,"pid":2,"comm":null,"rss":2}"#])
        #expect(try Self.run(["-F", "prometheus", "--no-timestamps"], input).output.hasSuffix("pstools_rss_bytes{pid=\"1\"} 1\npstools_rss_bytes{pid=\"2\"} 2\n"))
        #expect(try Self.run(["-F", "opentsdb"], input).output == "put pstools.rss 5 1 pid=1\nput pstools.rss 5 2 pid=2\n")
        #expect(try Self.run(["-F", "graphite"], input).output == "pstools.1._.rss 1 5\npstools.2._.rss 2 5\n")
    }

    @Test func aSecondRecordWithTheSameLabelsInASnapshotIsLeftOutWithOneWarning() throws {
        let input = Self.lines([
            #"{"ts":5,"pid":1,"comm":"sh","rss":1}"#, #"{"ts":5,"pid":2,"comm":"sh","rss":2}"#, #"{"ts":5,"pid":3,"comm":"sh","rss":3}"#,
            #"{"ts":6,"pid":1,"comm":"sh","rss":4}"#,
        ])
        let r = try Self.run(["-F", "influx", "-l", "comm"], input)
        #expect(r.output == "pstools,comm=sh rss=1 5000000000\npstools,comm=sh rss=4 6000000000\n")
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.contains("same labels") == true)
        #expect(r.status == 0)
    }

    @Test func badLinesAndNonNumbersAreReportedAndSkipped() throws {
        let input = Self.lines([#"{"ts":5,"pid":1,"comm":"a","rss":1}"#, "nope", #"{"pid":2,"rss":2}"#, #"{"ts":5,"pid":3,"comm":"c","rss":"big"}"#, #"{"ts":5,"pid":4,"comm":"d","rss":4}"#])
        let r = try Self.run(["-F", "influx"], input)
        #expect(r.status == 1)
        #expect(r.output == "pstools,pid=1,comm=a rss=1 5000000000\npstools,pid=4,comm=d rss=4 5000000000\n")
        #expect(r.errors == [
            "in1.ndjson:2:1: not a JSON object",
            "in1.ndjson:3:17: missing number field 'ts'",
            "in1.ndjson:4:34: field 'rss' is not a number",
        ])
    }

    @Test(arguments: [
        (["-F", "json"], "option '-F' takes openmetrics, prometheus, influx, opentsdb or graphite, not 'json'"),
        (["-F", "influx", "--textfile", "x.prom"], "option '--textfile' writes Prometheus text (what node_exporter reads), not influx"),
        (["--prefix", "9lives"], "option '--prefix' takes letters, digits and '_', not starting with a digit, not '9lives'"),
        (["-F", "influx", "--prefix", ""], "option '--prefix' cannot be empty with -F influx (it is the measurement)"),
        (["-f", "comm"], "field 'comm' is a label, not a number: name it with -l"),
        (["-l", "pid,,comm"], "option '-l' takes FIELD,FIELD,... with no empty name, not 'pid,,comm'"),
        (["-F", "graphite", "--no-timestamps"], "option '--no-timestamps' does not go with -F graphite, whose lines need a timestamp"),
    ])
    func usageErrorsExitTwo(args: [String], message: String) throws {
        let r = try Self.run(args, "")
        #expect(r.status == 2)
        #expect(r.errors.first == message)
    }

    @Test func textfileHoldsTheLastSnapshotWithoutTimestamps() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psexport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("pstools.prom").path
        let r = try Self.run(["--textfile", path, "-f", "rss"], Self.twoProcesses)
        #expect(r.status == 0)
        #expect(r.output == "")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("# TYPE pstools_rss_bytes gauge\npstools_rss_bytes{pid=\"1\",comm=\"init\"} 4096\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["pstools.prom"])
    }

    @Test func textfileRefusesASymbolicLink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psexport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("pstools.prom").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/etc/passwd")
        let r = try Self.run(["--textfile", path], Self.twoProcesses)
        #expect(r.status == 1)
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.contains("not a regular file") == true)
    }
}

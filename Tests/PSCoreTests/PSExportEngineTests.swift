import Foundation
import Testing
@testable import PSCore

/// psexport against the real consumers, each started by the test on 127.0.0.1 with free ports in a
/// temporary directory, and stopped by it: promtool, node_exporter's textfile collector,
/// VictoriaMetrics (Prometheus import, Influx /write, OpenTSDB telnet, Graphite plaintext) and
/// InfluxDB 1.x. A consumer missing from the machine fails its test (CI installs them all).
@Suite(.serialized) struct PSExportEngineTests {
    /// Shell helpers every script starts with: a temp dir removed at exit, the server (if any)
    /// stopped at exit, free ports, and a generous readiness wait (engines start slowly on a
    /// busy machine).
    static let prelude = #"""
        set -u
        dir=$(mktemp -d)
        server=
        cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi; rm -rf "$dir"; }
        trap cleanup EXIT
        freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
        ready() { i=0; while ! curl -sf -o /dev/null "$1"; do i=$((i+1)); if [ $i -gt 900 ]; then echo "not ready: $1" >&2; cat "$dir/log" >&2; exit 3; fi; sleep 0.1; done; }
        need() { command -v "$1" >/dev/null || { echo "missing consumer: $1" >&2; exit 4; }; }
        """#

    static func script(_ body: String) throws -> TestSupport.RunResult {
        try TestSupport.shell(prelude + "\n" + body)
    }

    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func number(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }

    /// Hostile process names, with the ts of now (engines drop samples older than their retention).
    static func hostileRecords() -> String {
        let ts = String(format: "%.3f", Date().timeIntervalSince1970.rounded(.down) + 0.25)
        let comms = [#"a \"q\" \\b\nn, x=y;z.w"#, #"trail\\"#, "", #"bad\udcffutf ünï"#, "sp ace=eq"]
        return comms.enumerated().map { i, c in
            #"{"ts":\#(ts),"pid":\#(100 + i),"ppid":1,"comm":"\#(c)","rss":\#(4096 * (i + 1)),"utime":\#(i).5,"cpu":\#(i * 10)}"#
        }.joined(separator: "\n") + "\n"
    }

    // MARK: promtool

    @Test func promtoolAcceptsPrometheusTextAndOpenMetrics() throws {
        let hostile = Self.hostileRecords()
        let run = try Self.script(#"""
            need promtool
            pssnap -i0.3 -n2 | psdelta > "$dir/all.ndjson"
            last=$(tail -n 1 "$dir/all.ndjson" | sed 's/^{"ts":\([0-9.]*\),.*/\1/')
            grep "^{\"ts\":$last," "$dir/all.ndjson" > "$dir/snap.ndjson"
            cat > "$dir/hostile.ndjson"
            for input in snap hostile; do
                psexport -F prometheus "$dir/$input.ndjson" | promtool check metrics || { echo "check metrics failed: $input"; exit 1; }
                psexport -F prometheus --no-timestamps "$dir/$input.ndjson" | promtool check metrics || { echo "check metrics (no timestamps) failed: $input"; exit 1; }
                pssnap | psagg -g user | psexport -F prometheus | promtool check metrics || { echo "check metrics failed: psagg"; exit 1; }
                psexport "$dir/$input.ndjson" > "$dir/$input.om"
                promtool tsdb create-blocks-from openmetrics "$dir/$input.om" "$dir/tsdb-$input" > "$dir/blocks" || { echo "openmetrics refused: $input"; cat "$dir/blocks"; exit 1; }
                samples=$(grep -vc '^#' "$dir/$input.om")
                awk -v n="$samples" 'NR == 2 && $5 != n { print "samples: " $5 " != " n; exit 1 }' "$dir/blocks" || exit 1
            done
            echo ok
            """#.replacingOccurrences(of: "cat > \"$dir/hostile.ndjson\"", with: "cat > \"$dir/hostile.ndjson\" <<'EOF'\n\(hostile)EOF"))
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
        #expect(run.stdoutText.hasSuffix("ok\n"), "\(run.stdoutText)")
    }

    // MARK: node_exporter

    @Test func nodeExporterTextfileCollectorReadsTheValuesWithoutError() throws {
        let hostile = Self.hostileRecords()
        let run = try Self.script(#"""
            need prometheus-node-exporter
            mkdir "$dir/tf"
            port=$(freeport)
            prometheus-node-exporter --web.listen-address=127.0.0.1:$port --collector.disable-defaults --collector.textfile \
                --collector.textfile.directory="$dir/tf" > "$dir/log" 2>&1 &
            server=$!
            ready "http://127.0.0.1:$port/metrics"
            pssnap | psagg -g user > "$dir/rows.ndjson"
            psexport --textfile "$dir/tf/pstools.prom" "$dir/rows.ndjson" || exit 1
            cat > "$dir/hostile.ndjson" <<'EOF'
            HOSTILE
            EOF
            psexport --textfile "$dir/tf/hostile.prom" -f rss "$dir/hostile.ndjson" || exit 1
            curl -sf "http://127.0.0.1:$port/metrics" > "$dir/scrape" || exit 1
            cat "$dir/rows.ndjson"
            echo ---
            grep -E '^(pstools_|node_textfile_scrape_error)' "$dir/scrape"
            """#.replacingOccurrences(of: "HOSTILE\n", with: hostile))
        #expect(run.status == 0, "\(run.stderr)")
        let parts = run.stdoutText.components(separatedBy: "---\n")
        guard parts.count == 2 else { Issue.record("no scrape: \(run.stdoutText)"); return }
        let rows = Self.objects(parts[0])
        #expect(!rows.isEmpty)
        let scrape = parts[1].split(separator: "\n").map(String.init)
        #expect(scrape.contains("node_textfile_scrape_error 0"), "\(scrape.filter { $0.hasPrefix("node_") })")
        var samples: [String: Double] = [:]
        for line in scrape {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        // Hostile names survive node_exporter's parse and re-exposition (it sorts labels).
        #expect(samples[#"pstools_rss_bytes{comm="a \"q\" \\b\nn, x=y;z.w",pid="100"}"#] == 4096, "\(samples.keys.filter { $0.contains("100") })")
        #expect(samples[#"pstools_rss_bytes{comm="trail\\",pid="101"}"#] == 8192)
        #expect(samples[#"pstools_rss_bytes{comm="sp ace=eq",pid="104"}"#] == 20480)
        for row in rows {
            let user = row["user"] as? String ?? ""
            #expect(samples["pstools_rss_bytes{user=\"\(user)\"}"] == Self.number(row["rss"]), "rss of \(user)")
            #expect(samples["pstools_count_value{user=\"\(user)\"}"] == Self.number(row["count"]), "count of \(user)")
            #expect(samples["pstools_utime_seconds_total{user=\"\(user)\"}"] == Self.number(row["utime"]), "utime of \(user)")
        }
    }

    @Test func aReaderPollingTheTextfileDuringALiveRunNeverSeesHalfAFile() throws {
        let run = try Self.script(#"""
            file="$dir/pstools.prom"
            # utime and stime are in every record (the stat group is always read): a whole file has
            # as many samples of one as of the other, and ends with the second family.
            pssnap -i0.1 -n30 -f stat | psexport --textfile "$file" -f utime,stime &
            writer=$!
            python3 - "$file" "$writer" <<'EOF'
            import os, sys
            path, writer = sys.argv[1], int(sys.argv[2])
            reads = bad = 0
            def alive():
                try:
                    os.kill(writer, 0)
                    return True
                except OSError:
                    return False
            while alive() or reads == 0:
                try:
                    with open(path, "rb") as f:
                        text = f.read()
                except FileNotFoundError:
                    continue
                reads += 1
                lines = text.split(b"\n")
                utime = sum(1 for l in lines if l.startswith(b"pstools_utime_seconds_total{"))
                stime = sum(1 for l in lines if l.startswith(b"pstools_stime_seconds_total{"))
                ok = text.endswith(b"\n") and utime == stime > 0 and b"# TYPE pstools_stime_seconds_total counter\n" in text
                if not ok:
                    bad += 1
                    sys.stderr.write("half a file: %r\n" % text[-200:])
            print(reads, bad)
            EOF
            wait $writer
            """#)
        #expect(run.status == 0, "\(run.stderr)")
        let numbers = run.stdoutText.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] > 0 && numbers[1] == 0, "\(run.stdoutText) \(run.stderr)")
    }

    // MARK: VictoriaMetrics

    /// Starts VictoriaMetrics with its HTTP, OpenTSDB and Graphite listeners, feeds `feed` (which
    /// sees $http, $tsdb, $graphite), then prints every series it holds (/api/v1/export).
    static func victoriaMetrics(_ feed: String) throws -> TestSupport.RunResult {
        try script(#"""
            need victoria-metrics
            need nc
            http=$(freeport); tsdb=$(freeport); graphite=$(freeport)
            victoria-metrics -httpListenAddr=127.0.0.1:$http -opentsdbListenAddr=127.0.0.1:$tsdb \
                -graphiteListenAddr=127.0.0.1:$graphite -storageDataPath="$dir/data" -retentionPeriod=100y \
                -search.latencyOffset=0 -loggerLevel=ERROR > "$dir/log" 2>&1 &
            server=$!
            ready "http://127.0.0.1:$http/health"
            """# + "\n" + feed + "\n" + #"""
            # Wait until what was sent is searchable: the export stops growing.
            previous=-1; stable=0; i=0
            while [ $stable -lt 3 ] && [ $i -lt 120 ]; do
                curl -sf "http://127.0.0.1:$http/internal/force_flush" > /dev/null
                curl -sf "http://127.0.0.1:$http/api/v1/export" --data-urlencode 'match[]={__name__=~".+"}' > "$dir/export"
                n=$(wc -l < "$dir/export")
                if [ "$n" -eq "$previous" ] && [ "$n" -gt 0 ]; then stable=$((stable+1)); else stable=0; fi
                previous=$n; i=$((i+1)); sleep 0.5
            done
            echo ---
            cat "$dir/export"
            """#)
    }

    /// metric name, the label that identifies the record ("pid" or a graphite path node), ts in ms → value.
    static func exported(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for o in objects(text) {
            guard let metric = o["metric"] as? [String: String], var name = metric["__name__"],
                  let values = o["values"] as? [Any], let stamps = o["timestamps"] as? [Any] else { continue }
            var pid = metric["pid"] ?? ""
            if pid.isEmpty, name.hasPrefix("gr.") {
                // Graphite: gr.PID.COMM.FIELD
                let nodes = name.split(separator: ".", omittingEmptySubsequences: false)
                pid = String(nodes[1])
                name = "gr." + nodes.last!
            }
            for (v, t) in zip(values, stamps) {
                guard let value = number(v), let ms = number(t) else { continue }
                out["\(name) \(pid) \(Int64(ms))"] = value
            }
        }
        return out
    }

    @Test func victoriaMetricsIngestsEveryFormatWithTheRecordsValuesAndTimestamps() throws {
        let run = try Self.victoriaMetrics(#"""
            pssnap -i1.1 -n2 | psdelta > "$dir/records.ndjson"
            psexport -F prometheus "$dir/records.ndjson" | curl -sf --data-binary @- "http://127.0.0.1:$http/api/v1/import/prometheus" || exit 1
            psexport -F influx --prefix inf "$dir/records.ndjson" | curl -sf --data-binary @- "http://127.0.0.1:$http/write" || exit 1
            psexport -F opentsdb --prefix tsdb "$dir/records.ndjson" | nc -N 127.0.0.1 $tsdb || exit 1
            psexport -F graphite --prefix gr "$dir/records.ndjson" | nc -N 127.0.0.1 $graphite || exit 1
            cat "$dir/records.ndjson"
            """#)
        #expect(run.status == 0, "\(run.stderr)")
        let parts = run.stdoutText.components(separatedBy: "---\n")
        guard parts.count == 2 else { Issue.record("\(run.stdoutText)"); return }
        let records = Self.objects(parts[0])
        let got = Self.exported(parts[1])
        #expect(records.count > 10)
        var checked = 0
        for r in records {
            guard let pid = r["pid"] as? Int, let ts = Self.number(r["ts"]) else { continue }
            let ms = Int64((ts * 1000).rounded()), seconds = Int64(ts.rounded(.down)) * 1000
            if let rss = Self.number(r["rss"]) {
                #expect(got["pstools_rss_bytes \(pid) \(ms)"] == rss, "prometheus rss \(pid)")
                #expect(got["inf_rss \(pid) \(ms)"] == rss, "influx rss \(pid)")
                #expect(got["tsdb.rss \(pid) \(seconds)"] == rss, "opentsdb rss \(pid)")
                #expect(got["gr.rss \(pid) \(seconds)"] == rss, "graphite rss \(pid)")
                checked += 1
            }
            if let utime = Self.number(r["utime"]) {
                #expect(got["pstools_utime_seconds_total \(pid) \(ms)"] == utime, "prometheus utime \(pid)")
                #expect(got["inf_utime \(pid) \(ms)"] == utime, "influx utime \(pid)")
            }
            if let cpu = Self.number(r["cpu"]) {
                let ratio = try #require(got["pstools_cpu_ratio \(pid) \(ms)"], "prometheus cpu \(pid)")
                #expect(abs(ratio - cpu / 100) <= 1e-12 * max(1, cpu), "cpu \(pid): \(ratio) vs \(cpu)")
                #expect(got["inf_cpu \(pid) \(ms)"] == cpu, "influx cpu \(pid)")
                #expect(got["tsdb.cpu \(pid) \(seconds)"] == cpu, "opentsdb cpu \(pid)")
            }
        }
        #expect(checked > 10)
    }

    @Test func hostileLabelValuesSurviveIntoVictoriaMetricsOrAreReplacedAsDocumented() throws {
        let run = try Self.victoriaMetrics(#"""
            cat > "$dir/hostile.ndjson" <<'EOF'
            \#(Self.hostileRecords())EOF
            psexport -F prometheus -f rss "$dir/hostile.ndjson" | curl -sf --data-binary @- "http://127.0.0.1:$http/api/v1/import/prometheus" || exit 1
            psexport -F influx -f rss --prefix inf "$dir/hostile.ndjson" | curl -sf --data-binary @- "http://127.0.0.1:$http/write" || exit 1
            psexport -F opentsdb -f rss --prefix tsdb "$dir/hostile.ndjson" | nc -N 127.0.0.1 $tsdb || exit 1
            psexport -F graphite -f rss --prefix gr "$dir/hostile.ndjson" | nc -N 127.0.0.1 $graphite || exit 1
            """#)
        #expect(run.status == 0, "\(run.stderr)")
        let series = Self.objects(run.stdoutText.components(separatedBy: "---\n").last ?? "").compactMap { $0["metric"] as? [String: String] }
        func comm(_ name: String, _ pid: String) -> String? {
            series.first { $0["__name__"] == name && $0["pid"] == pid }.map { $0["comm"] ?? "<none>" }
        }
        // Prometheus: every character survives.
        #expect(comm("pstools_rss_bytes", "100") == "a \"q\" \\b\nn, x=y;z.w")
        #expect(comm("pstools_rss_bytes", "101") == "trail\\")
        #expect(comm("pstools_rss_bytes", "102") == "<none>")
        #expect(comm("pstools_rss_bytes", "103") == "bad\u{FFFD}utf ünï")
        #expect(comm("pstools_rss_bytes", "104") == "sp ace=eq")
        // Influx: a line end and a last backslash become _.
        #expect(comm("inf_rss", "100") == "a \"q\" \\b_n, x=y;z.w")
        #expect(comm("inf_rss", "101") == "trail_")
        #expect(comm("inf_rss", "102") == "<none>")
        #expect(comm("inf_rss", "104") == "sp ace=eq")
        // OpenTSDB: only letters, digits and - _ . / survive.
        #expect(comm("tsdb.rss", "100") == "a__q___b_n__x_y_z.w")
        #expect(comm("tsdb.rss", "103") == "bad_utf_ünï")
        #expect(comm("tsdb.rss", "104") == "sp_ace_eq")
        // Graphite: path nodes.
        let names = Set(series.compactMap { $0["__name__"] })
        for path in ["gr.100.a__q___b_n__x_y_z_w.rss", "gr.101.trail_.rss", "gr.102._.rss", "gr.103.bad_utf_ünï.rss", "gr.104.sp_ace_eq.rss"] {
            #expect(names.contains(path), "\(path) in \(names.filter { $0.hasPrefix("gr.") })")
        }
    }

    // MARK: InfluxDB 1.x

    @Test func influxDBAcceptsTheLineProtocolAndReturnsTheValues() throws {
        let hostile = Self.hostileRecords()
        let run = try Self.script(#"""
            need influxd
            http=$(freeport); rpc=$(freeport)
            cat > "$dir/influxdb.conf" <<EOF
            reporting-disabled = true
            bind-address = "127.0.0.1:$rpc"
            [meta]
              dir = "$dir/meta"
            [data]
              dir = "$dir/data"
              wal-dir = "$dir/wal"
              query-log-enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:$http"
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            EOF
            influxd run -config "$dir/influxdb.conf" > "$dir/log" 2>&1 &
            server=$!
            ready "http://127.0.0.1:$http/ping"
            curl -sf -XPOST "http://127.0.0.1:$http/query" --data-urlencode 'q=CREATE DATABASE procs' > /dev/null || exit 1
            pssnap -i0.3 -n3 | psdelta > "$dir/records.ndjson"
            cat > "$dir/hostile.ndjson" <<'EOF'
            HOSTILE
            EOF
            for f in records hostile; do
                code=$(psexport -F influx "$dir/$f.ndjson" | curl -s -o "$dir/answer" -w '%{http_code}' --data-binary @- "http://127.0.0.1:$http/write?db=procs")
                [ "$code" = 204 ] || { echo "write $f: $code $(cat "$dir/answer")" >&2; exit 1; }
            done
            cat "$dir/records.ndjson" "$dir/hostile.ndjson"
            echo ---
            curl -sf -G "http://127.0.0.1:$http/query" --data-urlencode db=procs --data-urlencode epoch=ms \
                --data-urlencode 'q=SELECT "rss", "cpu", "utime", "pid", "comm" FROM "pstools"'
            echo
            curl -sf -G "http://127.0.0.1:$http/query" --data-urlencode db=procs --data-urlencode 'q=SHOW FIELD KEYS FROM "pstools"'
            """#.replacingOccurrences(of: "HOSTILE\n", with: hostile))
        #expect(run.status == 0, "\(run.stderr)")
        let parts = run.stdoutText.components(separatedBy: "---\n")
        guard parts.count == 2 else { Issue.record("\(run.stdoutText)"); return }
        let records = Self.objects(parts[0])
        let answers = Self.objects(parts[1])
        guard answers.count == 2,
              let results = answers[0]["results"] as? [[String: Any]], let series = results.first?["series"] as? [[String: Any]],
              let columns = series.first?["columns"] as? [String], let rows = series.first?["values"] as? [[Any]] else {
            Issue.record("no answer: \(parts[1])"); return
        }
        var byKey: [String: [String: Any]] = [:]
        for row in rows {
            var o: [String: Any] = [:]
            for (c, v) in zip(columns, row) { o[c] = v }
            byKey["\(o["pid"] as? String ?? "") \(Self.number(o["time"]).map { Int64($0) } ?? 0)"] = o
        }
        var checked = 0
        for r in records {
            guard let pid = r["pid"] as? Int, let ts = Self.number(r["ts"]) else { continue }
            let row = byKey["\(pid) \(Int64((ts * 1000).rounded()))"]
            #expect(row != nil, "no point for pid \(pid) at \(ts)")
            guard let row else { continue }
            #expect(Self.number(row["rss"]) == Self.number(r["rss"]), "rss of \(pid)")
            #expect(Self.number(row["cpu"]) == Self.number(r["cpu"]), "cpu of \(pid)")
            #expect(Self.number(row["utime"]) == Self.number(r["utime"]), "utime of \(pid)")
            checked += 1
        }
        #expect(checked > 10)
        #expect(byKey.values.contains { $0["comm"] as? String == "a \"q\" \\b_n, x=y;z.w" })
        #expect(byKey.values.contains { $0["comm"] as? String == "trail_" })
        #expect(byKey.values.contains { $0["comm"] as? String == "sp ace=eq" })
        // Every field is a float: a cpu of 0 in one record and 12.5 in the next cannot conflict.
        let keys = ((answers[1]["results"] as? [[String: Any]])?.first?["series"] as? [[String: Any]])?.first?["values"] as? [[String]] ?? []
        #expect(!keys.isEmpty)
        #expect(keys.allSatisfy { $0.count == 2 && $0[1] == "float" }, "\(keys)")
    }

    // MARK: live

    @Test func aLiveSnapshotIsWrittenWhenItsInputPausesNotWhenTheNextArrives() throws {
        // The producer writes one snapshot, then stays silent for a minute: the exposition must
        // come out while it is silent.
        let run = try Self.script(#"""
            { pssnap; sleep 60 & echo $! > "$dir/sleeper"; wait; } | psexport > "$dir/out" &
            i=0
            while ! grep -q '^# EOF' "$dir/out" 2>/dev/null; do
                i=$((i+1)); [ $i -gt 500 ] && { echo "nothing written"; exit 1; }
                sleep 0.1
            done
            kill "$(cat "$dir/sleeper")"
            wait
            echo written
            """#)
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
        #expect(run.stdoutText.contains("written"))
    }

    @Test func recordsOfTheSameSnapshotAfterAPauseBecomeAFurtherExpositionAndTheTextfileIsRewrittenWhole() throws {
        let run = try Self.script(#"""
            mkfifo "$dir/in" "$dir/in2"
            psexport -F prometheus -f rss -l pid < "$dir/in" > "$dir/out" &
            psexport --textfile "$dir/t.prom" -f rss -l pid < "$dir/in2" &
            exec 3> "$dir/in" 4> "$dir/in2"
            for fd in 3 4; do echo '{"ts":5,"pid":1,"rss":10}' >&$fd; done
            i=0; while [ ! -s "$dir/out" ] || [ ! -s "$dir/t.prom" ]; do i=$((i+1)); [ $i -gt 600 ] && { echo stuck; exit 1; }; sleep 0.1; done
            for fd in 3 4; do echo '{"ts":5,"pid":2,"rss":20}' >&$fd; done
            exec 3>&- 4>&-
            wait
            cat "$dir/out"; echo ---; cat "$dir/t.prom"
            """#)
        #expect(run.status == 0, "\(run.stderr)")
        let help = "# HELP pstools_rss_bytes rss (bytes): " + FieldTable.info("rss")!.source + "\n# TYPE pstools_rss_bytes gauge\n"
        #expect(run.stdoutText == help + "pstools_rss_bytes{pid=\"1\"} 10 5000\n" + help + "pstools_rss_bytes{pid=\"2\"} 20 5000\n---\n"
            + help + "pstools_rss_bytes{pid=\"1\"} 10\npstools_rss_bytes{pid=\"2\"} 20\n")
    }
}

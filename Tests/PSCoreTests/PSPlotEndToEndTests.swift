import Foundation
import Testing
@testable import PSCore

/// The built psplot at the end of real pipelines, and its output in its real consumers:
/// rsvg-convert, headless Chromium, a terminal (tmux).
@Suite(.serialized) struct PSPlotEndToEndTests {
    /// Counts a PNG's pixels (python3's standard library only: zlib and the PNG filters):
    /// prints `WIDTH HEIGHT NONWHITE` and, per `#rrggbb` argument, the pixels within 40 of it.
    static let pngStats = #"""
        import sys, zlib, struct
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
        pos, idat, w = 8, b'', 0
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b'IHDR': w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            elif kind == b'IDAT': idat += body
        assert depth == 8 and interlace == 0 and ctype in (2, 6), (depth, ctype, interlace)
        bpp = 4 if ctype == 6 else 3
        raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
        for y in range(h):
            f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line); prev = line
        want = [tuple(int(s[k:k + 2], 16) for k in (1, 3, 5)) for s in sys.argv[2:]]
        counts, nonwhite = [0] * len(want), 0
        for line in rows:
            for x in range(0, stride, bpp):
                r, g, b = line[x], line[x + 1], line[x + 2]
                if bpp == 4 and line[x + 3] < 128: continue
                if r < 235 or g < 235 or b < 235: nonwhite += 1
                for k, (wr, wg, wb) in enumerate(want):
                    if abs(r - wr) + abs(g - wg) + abs(b - wb) < 40: counts[k] += 1
        print(w, h, nonwhite, *counts)
        """#

    static func stats(_ png: String, colors: [String]) throws -> [Int] {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("pngstats-\(UUID().uuidString).py")
        try pngStats.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let run = try TestSupport.shell("python3 '\(script.path)' '\(png)' \(colors.map { "'\($0)'" }.joined(separator: " "))")
        guard run.status == 0 else { throw RuntimeError("png stats: \(run.stderr)") }
        return run.stdoutText.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psplot-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func pssnapPsdeltaPsplotDrawsCpuAndRssPanels() throws {
        let run = try TestSupport.shell("pssnap -i0.2 -n5 | psdelta | psplot")
        #expect(run.status == 0, "\(run.stderr)")
        let e = try ChartRenderTests.parse(run.stdoutText)
        #expect(e.texts.contains("cpu (% of one CPU)") && e.texts.contains("rss (bytes)"))
        #expect(e.titles.contains { $0.hasPrefix("other (") })
        #expect(run.stdout.count < 1 << 20)
    }

    @Test func sigtermEndsTheReadingAndTheChartIsStillWritten() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TestSupport.shell("""
            cd '\(dir.path)'
            pssnap -i0.2 | psplot -y rss -o chart.svg & sleep 2
            kill -TERM $!; wait $!; echo "status=$?"
            """)
        #expect(run.stdoutText.contains("status=0"), "\(run.stdoutText) \(run.stderr)")
        let svg = try String(contentsOf: dir.appendingPathComponent("chart.svg"), encoding: .utf8)
        let e = try ChartRenderTests.parse(svg)
        #expect(e.texts.contains("rss (bytes)") && e.titles.contains { $0.contains(": min ") })
    }

    @Test func psaggRowsAreOneSeriesAndGroupsOneSeriesEach() throws {
        let all = try TestSupport.shell("pssnap -i0.2 -n3 | psdelta | psagg | psplot -y rss,cpu")
        #expect(all.status == 0, "\(all.stderr)")
        let e = try ChartRenderTests.parse(all.stdoutText)
        #expect(e.titles.filter { $0.hasPrefix("all: min ") }.count == 4)  // a line and a legend entry per panel
        let users = try TestSupport.shell("pssnap -i0.2 -n3 | psagg -g user | psplot -y rss,count")
        #expect(users.status == 0, "\(users.stderr)")
        let u = try ChartRenderTests.parse(users.stdoutText)
        #expect(u.titles.contains { $0.hasPrefix("root: min ") })
        #expect(u.texts.contains("count"))
        let byRoot = try TestSupport.shell("pssnap -i0.2 -n2 | psagg --by-root | psplot -y rss --top 3")
        #expect(byRoot.status == 0, "\(byRoot.stderr)")
    }

    @Test func rsvgConvertRendersANonBlankPicture() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TestSupport.shell("""
            cd '\(dir.path)' && pssnap -i0.2 -n5 | psdelta > s.ndjson && psplot -o chart.svg s.ndjson && \
            rsvg-convert -b white chart.svg -o chart.png
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let s = try Self.stats(dir.appendingPathComponent("chart.png").path, colors: [ChartPalette.colors[0].hex, ChartPalette.other.hex])
        #expect(s.count == 5 && s[0] == 1000 && s[1] == 590)
        guard s.count == 5 else { return }
        #expect(s[2] > 10_000, "non-white pixels: \(s[2])")
        #expect(s[3] > 20 && s[4] > 20, "first series and other: \(s[3]), \(s[4])")
    }

    @Test func headlessChromiumLoadsItWithLegendAndSeriesVisible() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try TestSupport.shell("""
            cd '\(dir.path)' && pssnap -i0.2 -n5 | psdelta | psplot -y rss -o chart.svg && \
            HOME='\(dir.path)' timeout -s KILL 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
                --user-data-dir='\(dir.path)/profile' --screenshot='\(dir.path)/shot.png' --window-size=1000,340 \
                'file://\(dir.path)/chart.svg' 2>/dev/null; test -s shot.png
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let s = try Self.stats(dir.appendingPathComponent("shot.png").path, colors: [ChartPalette.colors[0].hex, ChartPalette.other.hex, "#333333"])
        #expect(s.count == 6)
        guard s.count == 6 else { return }
        #expect(s[0] == 1000 && s[1] == 340)
        #expect(s[2] > 5_000, "non-white pixels: \(s[2])")
        #expect(s[3] > 20, "the first series' colour (line and legend): \(s[3])")
        #expect(s[4] > 20, "other's grey: \(s[4])")
        #expect(s[5] > 100, "text: \(s[5])")
    }

    @Test func clickingALegendEntryHidesItsSeriesInChromium() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The SVG inline in a page whose script clicks the first legend entry; the DOM after it.
        let svg = try #require(try TestSupport.shell("pssnap -i0.2 -n3 | psdelta | psplot").stdoutText.components(separatedBy: "?>\n").last)
        let page = "<!DOCTYPE html><html><body>\(svg)<script>document.querySelector('.legend [data-s]').dispatchEvent(new MouseEvent('click'));</script></body></html>"
        try page.write(to: dir.appendingPathComponent("click.html"), atomically: true, encoding: .utf8)
        let run = try TestSupport.shell("""
            HOME='\(dir.path)' timeout -s KILL 90 chromium --headless --no-sandbox --disable-gpu \
                --user-data-dir='\(dir.path)/profile' --dump-dom 'file://\(dir.path)/click.html' 2>/dev/null
            """)
        #expect(run.status == 0)
        let dom = run.stdoutText
        let first = try #require(svg.range(of: #"data-s="s[0-9]+""#, options: .regularExpression).map { String(svg[$0].dropFirst(8).dropLast()) })
        // Hidden in every panel that draws it, its legend entries dimmed; no other series hidden.
        let panels = svg.components(separatedBy: "class=\"s \(first)\"").count - 1
        #expect(panels >= 1)
        #expect(dom.components(separatedBy: "class=\"s \(first) off\"").count - 1 == panels, "\(first)")
        #expect(dom.components(separatedBy: " off\"").count - 1 == panels)
        #expect(dom.components(separatedBy: "data-s=\"\(first)\" class=\"hidden\"").count - 1 == panels)
    }

    /// A tmux server of the test's own (its own socket, no configuration), stopped by the test.
    let socket = "psplot-test-\(UUID().uuidString.prefix(8))"

    /// Runs `command` in a detached tmux session COLS x ROWS (a status line takes the last row).
    func tmux(_ name: String, columns: Int, rows: Int, _ command: String, in dir: URL) throws {
        let script = dir.appendingPathComponent("\(name).sh")
        try "PATH='\(TestSupport.binDir.path)':$PATH\nexport PATH\n\(command)\n".write(to: script, atomically: true, encoding: .utf8)
        // The server would keep every descriptor the shell inherited (the test runner's pipes
        // among them, and a pipe held open never ends): close them first.
        let run = try TestSupport.shell("""
            bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done
                exec tmux -L \(socket) -f /dev/null new-session -d -s \(name) -x \(columns) -y \(rows) "env TERM=xterm-256color sh \(script.path)"' </dev/null >/dev/null 2>&1
            echo $?
            """)
        #expect(run.stdoutText.hasPrefix("0"), "\(run.stdoutText)")
    }

    func capture(_ name: String) throws -> [String] {
        let run = try TestSupport.shell("tmux -L \(socket) capture-pane -p -t \(name)")
        var lines = run.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func tmuxValue(_ name: String, _ format: String) throws -> String {
        try TestSupport.shell("tmux -L \(socket) display-message -p -t \(name) '\(format)'").stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stopTmux() { _ = try? TestSupport.shell("tmux -L \(socket) kill-server") }

    func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    @Test func terminalChartFillsTheTerminalOrTheSizeAsked() throws {
        let dir = try tempDir()
        defer {
            stopTmux()
            try? FileManager.default.removeItem(at: dir)
        }
        let input = dir.appendingPathComponent("s.ndjson").path
        #expect(try TestSupport.shell("pssnap -i0.2 -n4 | psdelta > '\(input)'").status == 0)
        try tmux("fit", columns: 90, rows: 30, "clear; psplot -t '\(input)'; printf END; sleep 60", in: dir)
        #expect(try waitFor(60) { try capture("fit").contains("END") })
        var screen = try capture("fit")
        // The chart takes the terminal's rows less one for the prompt: END is on the last row.
        let rows = Int(try tmuxValue("fit", "#{pane_height}")) ?? 0
        #expect(rows >= 28 && screen.firstIndex(of: "END") == rows - 1, "\(rows) rows:\n\(screen.joined(separator: "\n"))")
        #expect(screen.allSatisfy { TerminalText.width($0) <= 90 })
        #expect(screen.contains { $0.contains("cpu (% of one CPU)") } && screen.contains { $0.contains("rss (bytes)") })
        #expect(screen.contains { $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } })

        try tmux("sized", columns: 100, rows: 40, "clear; psplot -t --size 60x15 '\(input)'; printf END; sleep 60", in: dir)
        #expect(try waitFor(60) { try capture("sized").contains("END") })
        screen = try capture("sized")
        #expect(screen.firstIndex(of: "END") == 15)
        #expect(screen.prefix(15).allSatisfy { TerminalText.width($0) <= 60 })
        #expect(screen.prefix(15).contains { TerminalText.width($0) > 50 })
    }

    @Test func liveChartRedrawsAndCtrlCRestoresTheTerminal() throws {
        let dir = try tempDir()
        defer {
            stopTmux()
            try? FileManager.default.removeItem(at: dir)
        }
        let status = dir.appendingPathComponent("status").path
        try tmux("live", columns: 100, rows: 30, """
            trap : INT
            printf 'before the chart\\n'
            pssnap -i0.3 | psdelta | psplot --live -y cpu,rss
            echo "status=$?" > '\(status)'
            sleep 60
            """, in: dir)
        func snapshots(_ screen: [String]) -> Int? {
            guard let line = screen.first(where: { $0.contains(" snapshots, ") }),
                  let range = line.range(of: #"[0-9]+ snapshots"#, options: .regularExpression) else { return nil }
            return Int(line[range].split(separator: " ")[0])
        }
        var first = 0
        #expect(try waitFor(60) {
            guard let n = snapshots(try capture("live")), n >= 2 else { return false }
            first = n
            return true
        })
        #expect(try tmuxValue("live", "#{alternate_on}") == "1")
        // It redraws: later captures count more snapshots.
        #expect(try waitFor(60) { (snapshots(try capture("live")) ?? 0) >= first + 2 })
        let screen = try capture("live")
        #expect(screen.count == Int(try tmuxValue("live", "#{pane_height}")) && screen.allSatisfy { TerminalText.width($0) <= 100 })
        #expect(screen.last?.contains(":") == true)  // the time axis on the last row
        #expect(screen.contains { $0.contains("rss (bytes)") })

        _ = try TestSupport.shell("tmux -L \(socket) send-keys -t live C-c")
        // The shell creates the file before it writes the line: wait for the line.
        #expect(try waitFor(30) { ((try? String(contentsOfFile: status, encoding: .utf8)) ?? "").hasSuffix("\n") })
        let text = (try? String(contentsOfFile: status, encoding: .utf8)) ?? ""
        #expect(text.hasPrefix("status=0"), "\(text)")
        #expect(try tmuxValue("live", "#{alternate_on}") == "0")
        let after = try capture("live")
        #expect(after.contains("before the chart"))
        #expect(!after.contains { $0.contains("rss (bytes)") })
        #expect(try tmuxValue("live", "#{cursor_flag}") == "1")
    }
}

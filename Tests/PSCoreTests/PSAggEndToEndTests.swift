import Foundation
import Testing
@testable import PSCore

/// psdelta is written on another branch; until it lands its placeholder says "not built yet".
private let psdeltaIsBuilt: Bool = {
    let probe = try? TestSupport.shell("echo '{\"ts\":1,\"pid\":1}' | psdelta 2>&1")
    return probe.map { !$0.stdoutText.contains("not built yet") } ?? false
}()

/// The built psagg after the built pssnap, on the real /proc.
@Suite(.serialized) struct PSAggEndToEndTests {
    func rows(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw RuntimeError("not an object: \(line)")
            }
            return o
        }
    }

    @Test func pssnapIntoPsaggCountsEveryRecordAndSumsTheirRss() throws {
        // One snapshot saved, so that psagg and the check read the same records.
        let run = try TestSupport.shell("""
            f=$(mktemp); pssnap > "$f"; psagg "$f"; wc -l < "$f"
            awk -F'"rss":' '{ split($2, a, ","); if (a[1] != "null") s += a[1] } END { printf "%.0f\\n", s }' "$f"; rm -f "$f"
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        let row = try rows(String(lines[0]))[0]
        #expect(row["count"] as? Int == Int(lines[1].trimmingCharacters(in: .whitespaces)))
        #expect((row["rss"] as? NSNumber)?.int64Value == Int64(lines[2]))
        #expect(row["cpus"] is Int)
        #expect(row["pid"] == nil && row["cpu_reaped"] == nil)
    }

    @Test func groupByUserGivesOneRowPerUserPerSnapshot() throws {
        let run = try TestSupport.shell("pssnap -i0.2 -n3 | psagg -g user")
        #expect(run.status == 0, "\(run.stderr)")
        let all = try rows(run.stdoutText)
        let snapshots = Dictionary(grouping: all) { $0["ts"] as! Double }
        #expect(snapshots.count == 3)
        for (_, group) in snapshots {
            let users = group.map { $0["user"] as? String ?? "<null>" }
            #expect(Set(users).count == users.count)
            #expect(users.contains("root") || users.count > 0)
            #expect(group.allSatisfy { ($0["count"] as? Int ?? 0) > 0 })
        }
    }

    @Test func byRootPartitionsTheSnapshot() throws {
        let run = try TestSupport.shell("f=$(mktemp); pssnap > \"$f\"; psagg --by-root \"$f\"; psagg \"$f\"; rm -f \"$f\"")
        #expect(run.status == 0, "\(run.stderr)")
        let all = try rows(run.stdoutText)
        let total = try #require(all.last)
        let roots = all.dropLast()
        #expect(roots.count >= 1)
        #expect(roots.allSatisfy { $0["pid"] is Int && $0["start"] is Double && $0["comm"] is String })
        #expect(roots.map { $0["count"] as! Int }.reduce(0, +) == total["count"] as? Int)
        #expect(roots.map { ($0["rss"] as? NSNumber)?.int64Value ?? 0 }.reduce(0, +) == (total["rss"] as? NSNumber)?.int64Value)
    }

    /// The make-like burst: a shell starting 200 children that each burn ~20 ms of CPU, sampled once
    /// a second. Few children are ever seen alive, yet cpu + cpu_reaped must account for at least
    /// 90 % of the CPU time /usr/bin/time reports for the shell. Skipped until psdelta is built.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "no /usr/bin/time"),
          .enabled(if: psdeltaIsBuilt, "psdelta is still the placeholder"))
    func cpuReapedAccountsForShortLivedChildren() throws {
        // Escaped so that the inner sh, not the loop's, expands $j.
        let burn = "j=0; while [ \\$j -lt 16000 ]; do j=\\$((j+1)); done"
        let run = try TestSupport.shell("""
            t=$(mktemp)
            pssnap -i1 -- /usr/bin/time -f '%U %S' -o "$t" sh -c 'i=0; while [ $i -lt 200 ]; do sh -c "\(burn)"; i=$((i+1)); done' | psdelta | psagg
            echo "time $(cat "$t")"; rm -f "$t"
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines
        let timeLine = try #require(lines.last.flatMap { $0.hasPrefix("time ") ? $0 : nil })
        let measured = timeLine.split(separator: " ").dropFirst().compactMap { Double($0) }.reduce(0, +)
        let all = try rows(lines.dropLast().joined(separator: "\n"))
        var accounted = 0.0
        for (previous, row) in zip(all, all.dropFirst()) {
            let interval = (row["ts"] as! Double) - (previous["ts"] as! Double)
            let cpu = (row["cpu"] as? Double) ?? 0, reaped = (row["cpu_reaped"] as? Double) ?? 0
            accounted += (cpu + reaped) / 100 * interval
        }
        #expect(measured > 1)
        #expect(accounted >= 0.9 * measured, "psagg accounted for \(accounted) s of \(measured) s")
        #expect(accounted <= 1.1 * measured + 0.1, "psagg accounted for \(accounted) s of \(measured) s")
    }
}

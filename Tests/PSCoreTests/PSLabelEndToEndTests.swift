import Foundation
import Testing
@testable import PSCore

/// The built pslabel in real pipelines: after pssnap, into psagg and psexport, and with a rules
/// file edited while it runs.
@Suite(.serialized) struct PSLabelEndToEndTests {
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func aTreeRuleLabelsTheShellAndEverythingBelowIt() throws {
        let run = try TestSupport.shell(#"pssnap | pslabel -n role -e "me pid==$$.." -e 'other pid>0'; echo "shell $$""#)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines
        let shell = Int(lines.last!.split(separator: " ")[1])!
        let records = Self.objects(run.stdoutText)
        #expect(records.count > 3)
        let byPid = Dictionary(records.map { ($0["pid"] as! Int, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPid[shell]?["role"] as? String == "me")
        for r in records {
            var below = false
            var p = r["pid"] as! Int
            while let rec = byPid[p] {
                if p == shell { below = true; break }
                p = rec["ppid"] as! Int
                if p == 0 { break }
            }
            #expect(r["role"] as? String == (below ? "me" : "other"), "\(r["pid"]!) \(r["comm"]!)")
        }
    }

    @Test func labelThenAggregateThenExportGivesOneSeriesPerLabel() throws {
        let run = try TestSupport.shell(#"pssnap | pslabel -n image -e "mine pid==$$.." -e 'rest pid>0' | psagg -g image | psexport -F prometheus -f count --no-timestamps | grep -v '^#'"#)
        #expect(run.status == 0, "\(run.stderr)")
        let samples = run.lines.map(String.init)
        #expect(samples.count == 2, "\(samples)")
        #expect(samples.contains { $0.hasPrefix("pstools_count_value{image=\"mine\"} ") })
        #expect(samples.contains { $0.hasPrefix("pstools_count_value{image=\"rest\"} ") })
    }

    /// The rules file is replaced between two snapshots of a live stream: the second snapshot is
    /// labelled by the new rules; a bad file after that is reported and the rules before kept.
    @Test func aRulesFileIsReadAgainWhenItChangesBetweenSnapshots() throws {
        let run = try TestSupport.shell(#"""
            set -u
            dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
            mkfifo "$dir/in"
            echo 'old pid>0' > "$dir/rules"
            pslabel -r "$dir/rules" < "$dir/in" > "$dir/out" 2> "$dir/err" &
            labeler=$!
            exec 3> "$dir/in"
            waitlines() { i=0; while [ "$(wc -l < "$dir/out")" -lt "$1" ]; do i=$((i+1)); [ $i -gt 600 ] && { echo "stuck at $1" >&2; exit 1; }; sleep 0.1; done; }
            echo '{"ts":1,"pid":1,"ppid":0}' >&3
            waitlines 1
            echo 'new pid>0' > "$dir/rules.tmp"; mv "$dir/rules.tmp" "$dir/rules"
            echo '{"ts":1,"pid":2,"ppid":1}' >&3
            echo '{"ts":2,"pid":1,"ppid":0}' >&3
            waitlines 3
            printf 'new pid>0\nbroken pid==\n' > "$dir/rules.tmp"; mv "$dir/rules.tmp" "$dir/rules"
            echo '{"ts":3,"pid":1,"ppid":0}' >&3
            exec 3>&-
            wait $labeler; echo "status $?"
            cat "$dir/out"; cat "$dir/err" >&2
            """#)
        #expect(run.stdoutText == """
            status 1
            {"ts":1,"pid":1,"ppid":0,"label":"old"}
            {"ts":1,"pid":2,"ppid":1,"label":"old"}
            {"ts":2,"pid":1,"ppid":0,"label":"new"}
            {"ts":3,"pid":1,"ppid":0,"label":"new"}

            """, "\(run.stderr)")
        #expect(run.stderr.contains("rules:2:13: expected a value after '=='"), "\(run.stderr)")
        #expect(run.stderr.contains("keeping the rules read before"), "\(run.stderr)")
    }

    @Test func eachRecordIsWrittenAsSoonAsItIsKnown() throws {
        // One record of a snapshot is written while the writer still holds the pipe open.
        let run = try TestSupport.shell(#"""
            dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
            mkfifo "$dir/in"
            pslabel -e 'web comm==nginx..' < "$dir/in" > "$dir/out" &
            exec 3> "$dir/in"
            echo '{"ts":1,"pid":1,"ppid":0,"comm":"nginx"}' >&3
            i=0; while [ ! -s "$dir/out" ]; do i=$((i+1)); [ $i -gt 600 ] && break; sleep 0.1; done
            cat "$dir/out"
            exec 3>&-
            wait
            """#)
        #expect(run.stdoutText == "{\"ts\":1,\"pid\":1,\"ppid\":0,\"comm\":\"nginx\",\"label\":\"web\"}\n")
    }
}

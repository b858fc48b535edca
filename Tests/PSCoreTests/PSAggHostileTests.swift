import Foundation
import Testing
@testable import PSCore

/// psagg builds its rows itself, so what it writes is its own: sums that do not fit a double are
/// null with a warning (never infinity, never a made-up number, never silently), and a group key
/// holding a lone surrogate is written as valid UTF-8 (U+FFFD).
@Suite struct PSAggHostileTests {
    @Test func aSumBeyondADoubleIsNullWithAWarning() throws {
        let input = #"""
            {"ts":1,"pid":1,"ppid":0,"comm":"a","utime":1.79e308,"rss":100}
            {"ts":1,"pid":2,"ppid":0,"comm":"a","utime":1.79e308,"rss":200}
            {"ts":2,"pid":1,"ppid":0,"comm":"a","utime":1.79e308,"rss":100}
            """# + "\n"
        let run = try TestSupport.shell("psagg", stdin: Data(input.utf8))
        #expect(run.status == 1)
        // Each member alone is a number psagg writes (without an exponent); their sum is not.
        #expect(run.lines.first == #"{"ts":1,"count":2,"utime":null,"rss":300}"#, "\(run.stdoutText)")
        #expect(run.lines.last?.hasPrefix(#"{"ts":2,"count":1,"utime":17899999999999999"#) == true, "\(run.stdoutText)")
        #expect(run.stderr == "psagg: stdin: snapshot ts 1: the sum of 'utime' is beyond the range of a double (1.8e308); written as null\n", "\(run.stderr)")
    }

    @Test func aMemberBeyondADoubleMakesItsSumNullWithAWarning() throws {
        let input = #"{"ts":1,"pid":1,"ppid":0,"comm":"a","rss":100}"# + "\n" + #"{"ts":1,"pid":2,"ppid":0,"comm":"a","rss":1e400}"# + "\n"
        for args in ["", "-g comm", "--by-root", "-q 'pid>0'"] {
            let run = try TestSupport.shell("psagg \(args)", stdin: Data(input.utf8))
            #expect(run.status == 1, "\(args)")
            #expect(run.stdoutText.contains(#""rss":null"#), "\(args): \(run.stdoutText)")
            #expect(run.stderr.contains("the sum of 'rss' is beyond the range of a double (1.8e308); written as null"), "\(args): \(run.stderr)")
        }
    }

    @Test func groupKeysAreValidUTF8() throws {
        let input = [#"{"ts":1,"pid":1,"ppid":0,"comm":"a\ud800b","rss":1,"host":"h\udc00"}"#,
                     #"{"ts":1,"pid":2,"ppid":0,"comm":"\ud83d\ude00","rss":1,"host":"h\udc00"}"#].joined(separator: "\n") + "\n"
        let run = try TestSupport.shell("psagg -g comm", stdin: Data(input.utf8))
        #expect(run.status == 0)
        #expect(run.stdoutText == #"{"ts":1,"host":"h\#u{FFFD}","comm":"a\#u{FFFD}b","count":1,"rss":1}"# + "\n" + #"{"ts":1,"host":"h\#u{FFFD}","comm":"😀","count":1,"rss":1}"# + "\n")
        let byRoot = try TestSupport.shell("psagg --by-root", stdin: Data(input.utf8))
        #expect(byRoot.stdoutText.contains(#""comm":"a\#u{FFFD}b""#), "\(byRoot.stdoutText)")
        #expect(!byRoot.stdoutText.contains("\\ud8") && !byRoot.stdoutText.contains("\\udc"))
    }
}

import Foundation
import Testing
@testable import PSCore

/// What a process names itself reaches a spreadsheet through pscsv: with --spreadsheet no cell
/// can be a formula (OWASP's CSV injection advice), and no table ever holds NUL.
@Suite struct TableSpreadsheetTests {
    static let hostile = #"{"pid":7,"nice":-5,"comm":"=1+cmd|' /C calc'!A0","cmdline":"@SUM(1)","user":"+x","tty":"-2+3","cgroup":"\tx","x":"\r=y","ok":"a=b","argv":["=a","b"]}"# + "\n"

    @Test func formulaCellsArePrefixedWithAQuote() throws {
        let csv = try TestSupport.shell("pscsv --spreadsheet", stdin: Data(Self.hostile.utf8))
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdoutText == "pid,nice,comm,cmdline,user,tty,cgroup,x,ok,argv\n7,-5,'=1+cmd|' /C calc'!A0,'@SUM(1),'+x,'-2+3,'\tx,\"'\r=y\",a=b,'=a b\n", "\(csv.stdoutText)")
        let tsv = try TestSupport.shell("pstsv --spreadsheet -f comm,nice,cgroup,x", stdin: Data(Self.hostile.utf8))
        #expect(tsv.stdoutText == "comm\tnice\tcgroup\tx\n'=1+cmd|' /C calc'!A0\t-5\t'\\tx\t'\\r=y\n", "\(tsv.stdoutText)")
        // A field name is a cell too.
        let header = try TestSupport.shell("pscsv --spreadsheet", stdin: Data(#"{"=cmd":1}"#.utf8 + [0x0A]))
        #expect(header.stdoutText == "'=cmd\n1\n")
        // Without the option the cells are the data as it is.
        let plain = try TestSupport.shell("pscsv -f comm", stdin: Data(Self.hostile.utf8))
        #expect(plain.stdoutText == "comm\n=1+cmd|' /C calc'!A0\n")
    }

    @Test(arguments: ["pscsv", "pstsv"])
    func noToolWritesNUL(tool: String) throws {
        let input = #"{"comm":"a\u0000b","argv":["\u0000"]}"# + "\n"
        for options in ["", "--spreadsheet"] {
            let run = try TestSupport.shell("\(tool) \(options)", stdin: Data(input.utf8))
            #expect(run.status == 0)
            #expect(!run.stdout.contains(0), "\(tool) \(options)")
            let sep = tool == "pscsv" ? "," : "\t"
            #expect(run.stdoutText == "comm\(sep)argv\na\u{FFFD}b\(sep)\u{FFFD}\n", "\(tool) \(options): \(run.stdoutText)")
        }
    }

    /// --spreadsheet: no control character reaches the sheet (they are replaced by U+FFFD); the
    /// plain tables keep them, as data (TSV escapes tab, newline and carriage return).
    @Test func spreadsheetCellsHoldNoControlCharacters() throws {
        let input = #"{"comm":"\u001b]0;pwned\u0007\u001b[2Jx\u0085\u007f"}"# + "\n"
        let sheet = try TestSupport.shell("pscsv --spreadsheet", stdin: Data(input.utf8))
        #expect(sheet.stdoutText == "comm\n\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2Jx\u{FFFD}\u{FFFD}\n", "\(sheet.stdoutText)")
        let plain = try TestSupport.shell("pscsv", stdin: Data(input.utf8))
        #expect(plain.stdoutText == "comm\n\u{1B}]0;pwned\u{07}\u{1B}[2Jx\u{85}\u{7F}\n")
    }
}

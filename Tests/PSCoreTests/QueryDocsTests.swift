import Foundation
import Testing
@testable import PSCore

/// The hand-written man/pstools-query.7: valid roff, and every example in it a valid query.
@Suite struct QueryDocsTests {
    static let page = TestSupport.packageRoot.appendingPathComponent("man/pstools-query.7")

    @Test(.enabled(if: TestSupport.hasCommand("groff"), "groff is not installed"))
    func queryPageHasNoGroffWarnings() throws {
        for device in ["-Tps", "-Tutf8"] {
            let run = try TestSupport.shell("groff -man -ww -z \(device) '\(Self.page.path)'")
            #expect(run.status == 0)
            #expect(run.stderr == "")
        }
    }

    static let examples = [
        "pid==2610..", "..pid==1234", "user==alice && rss>100M", #"cgroup~"^/system.slice/docker-4f2a""#,
        #"cgroup~kubepods && comm!=pause"#, "(comm==sshd).. && user!=root", #"comm in (bash, zsh, fish) && tty!~"^pts/""#,
        "state==Z..", "..(state==D)", #"cmdline~"\.py( |$)" && !comm~"^python""#, "cpu>50 || read_bytes_rate>10M",
        "nice<-5 || prio<0", #"comm~"^(cc1|cc1plus|ld)$""#, "(cmdline~java)..", "tty!~''",
    ]

    @Test(arguments: examples)
    func everyDocumentedExampleParses(_ query: String) throws {
        _ = try Query(query)
    }
}

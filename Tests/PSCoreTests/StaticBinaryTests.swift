import Foundation
import Testing
@testable import PSCore

/// The one file to copy onto a server: the multi-call `pstools`, linked fully statically, runs in a
/// chroot that holds nothing but it and a mounted /proc, installs its links, man pages and
/// completions, and (a release build) trusts no test seam in its environment.
@Suite(.serialized) struct StaticBinaryTests {
    static let build = "swift build -c release --product pstools -Xswiftc -static-executable -Xlinker --gc-sections -Xlinker -s --scratch-path .build-static"

    /// Builds (or finds up to date) the static release binary; its path.
    static func staticBinary() throws -> String {
        let run = try TestSupport.shell("cd '\(TestSupport.packageRoot.path)' && \(build) 2>&1 | tail -5", timeout: 1800)
        #expect(run.status == 0, "\(run.stdoutText)")
        return TestSupport.packageRoot.appendingPathComponent(".build-static/release/pstools").path
    }

    @Test(.enabled(if: getuid() == 0, "chroot and mount need root (CI runs as root)"))
    func theStaticBinaryRunsInAnEmptyChrootAndInstallsItself() throws {
        let binary = try Self.staticBinary()
        let ldd = try TestSupport.shell("ldd '\(binary)' 2>&1; true")
        #expect(ldd.stdoutText.contains("not a dynamic executable") || ldd.stdoutText.contains("statically linked"), "\(ldd.stdoutText)")

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pstools-chroot-\(UUID().uuidString)").path
        defer { _ = try? TestSupport.shell("umount '\(root)/proc' 2>/dev/null; rm -rf '\(root)'") }
        let run = try TestSupport.shell("""
            set -e
            mkdir -p '\(root)/proc'
            cp '\(binary)' '\(root)/pstools'
            mount -t proc proc '\(root)/proc'
            chroot '\(root)' /pstools pssnap -n1 'pid==1'
            chroot '\(root)' /pstools --install /usr/local > /dev/null
            chroot '\(root)' /usr/local/bin/pssnap -n2 -i0.1 | chroot '\(root)' /usr/local/bin/psdelta | chroot '\(root)' /usr/local/bin/psagg > '\(root)/agg'
            umount '\(root)/proc'
            ls '\(root)/usr/local/bin' '\(root)/usr/local/share/man/man1' '\(root)/usr/local/share/man/man7' \
               '\(root)/usr/local/share/bash-completion/completions' '\(root)/usr/local/share/zsh/site-functions' \
               '\(root)/usr/local/share/fish/vendor_completions.d'
            """)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines.map(String.init)
        #expect(lines.first?.hasPrefix(#"{"ts":"#) == true && lines.first?.contains(#""pid":1,"#) == true)
        for tool in allToolMains.map(\.name) {
            #expect(lines.contains(tool), "no link for \(tool)")
            #expect(lines.contains("\(tool).1") && lines.contains("_\(tool)") && lines.contains("\(tool).fish"), "\(tool)'s docs")
        }
        #expect(lines.contains("pstools.7") && lines.contains("pstools-query.7"))
        let agg = try String(contentsOfFile: root + "/agg", encoding: .utf8).split(separator: "\n")
        #expect(agg.count == 2 && agg[1].contains(#""cpu_reaped":"#), "\(agg)")
        let man = try TestSupport.shell("groff -man -ww -z '\(root)/usr/local/share/man/man7/pstools.7' 2>&1")
        #expect(man.stdoutText.isEmpty)
    }

    @Test func aReleaseBinaryIgnoresTheTestSeam() throws {
        let binary = try Self.staticBinary()
        let run = try TestSupport.shell("'\(binary)' pssnap --host -n1 'pid==1'", environment: ["PSTOOLS_TEST_SEAM": "host=forged,realtime=1"])
        #expect(run.status == 0)
        #expect(!run.stdoutText.contains("forged") && !run.stdoutText.hasPrefix(#"{"ts":1,"#), "\(run.stdoutText)")
        // A debug build (what the tests run) still takes it.
        let debug = try TestSupport.shell("pssnap --host -n1 'pid==1'", environment: ["PSTOOLS_TEST_SEAM": "host=forged,realtime=1"])
        #expect(debug.stdoutText.contains(#""host":"forged""#))
    }

    @Test func theMultiCallBinaryRunsEveryToolByNameOrByArgument() throws {
        let run = try TestSupport.shell("""
            pstools --list
            pstools pssnap -n1 'pid==1' | pstools psfilter 'pid==1' | wc -l
            d=$(mktemp -d); ln -s "$(command -v pstools)" "$d/psfilter"; printf '{"ts":1,"pid":1}\\n' | "$d/psfilter" 'pid==1'; rm -r "$d"
            pstools psfiltr 2>&1; echo "status $?"
            """)
        #expect(run.lines.prefix(12).map(String.init) == allToolMains.map(\.name))
        #expect(run.stdoutText.contains("\n1\n{\"ts\":1,\"pid\":1}\n"))
        #expect(run.stdoutText.contains("pstools: unknown tool 'psfiltr' (did you mean 'psfilter'?)"))
        #expect(run.stdoutText.contains("status 2"))
    }
}

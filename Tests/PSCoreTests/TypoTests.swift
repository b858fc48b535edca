import Testing
@testable import PSCore

/// A field name the records do not have is said once, with the nearest one; the run goes on.
@Suite struct TypoTests {
    static let input = """
        {"ts":1,"pid":1,"ppid":0,"comm":"init","user":"root","rss":2000}
        {"ts":1,"pid":2,"ppid":1,"comm":"sh","user":"root","rss":1000,"image":"web"}
        {"ts":2,"pid":1,"ppid":0,"comm":"init","user":"root","rss":2000}

        """

    @Test func aQueryFieldNoRecordHasIsSaidOnceWithTheNearestName() throws {
        let run = try StreamToolRun.run(PSFilter.spec, PSFilter.run, ["rsss>100 || image==web"], inputs: [Self.input])
        #expect(run.errors == ["no record of the first snapshot has a field 'rsss' (did you mean 'rss'?)"])
        #expect(run.status == 0)
        #expect(run.output.split(separator: "\n").count == 1)
    }

    @Test func aUsersOwnFieldOnSomeRecordsIsNoTypo() throws {
        let run = try StreamToolRun.run(PSFilter.spec, PSFilter.run, ["image==web"], inputs: [Self.input])
        #expect(run.errors == [])
    }

    @Test func tableColumnsAndGroupFieldsAreCheckedToo() throws {
        let csv = try StreamToolRun.run(PSCSV.spec, PSCSV.run, ["-f", "pid,rsss,comm"], inputs: [Self.input])
        #expect(csv.errors == ["no record of the first snapshot has a field 'rsss' (did you mean 'rss'?)"])
        #expect(csv.output.hasPrefix("pid,rsss,comm\n1,,init\n"))
        let agg = try StreamToolRun.run(PSAgg.spec, { a, o, d in try PSAgg.run(a, output: o, diagnostics: d) }, ["-g", "usr"], inputs: [Self.input])
        #expect(agg.errors == ["no record of the first snapshot has a field 'usr' (did you mean 'user'?)"])
    }

    @Test func noRecordsNoWarning() throws {
        let run = try StreamToolRun.run(PSFilter.spec, PSFilter.run, ["rsss>1"], inputs: [""])
        #expect(run.errors == [])
    }

    @Test(arguments: [("100MB", "100M"), ("1.5GiB", "1.5G"), ("4kb", "4K"), ("2tib", "2T"), ("4k", "4K")])
    func aSizeWithAByteUnitSuggestsTheQuerysSuffix(word: String, meant: String) {
        #expect(QueryParser.suffixHint(word) == meant)
    }

    @Test func otherWordsGetNoSizeHint() {
        for word in ["abc", "M", "100", "100X", "1e5MB"] where word != "1e5MB" {
            #expect(QueryParser.suffixHint(word) == nil, "\(word)")
        }
    }
}

/// pstrend's man page text: what the numbers mean, for a reader who is not a statistician, and
/// where they stop meaning it.
enum PSTrendDocs {
    static let description: [String] = [
        "\\fBpstrend\\fR reads process records (from \\fBpssnap\\fR, \\fBpsfilter\\fR, \\fBpsdelta\\fR, \\fBpsagg\\fR or \\fBpslabel\\fR) from the FILEs, or standard input, to the end, then writes one record per series, most suspicious first: a summary of each field (first, last, least, greatest and mean value), the rate at which it grows, how sure that growth is, and whether it is a leak. The output is NDJSON again, for \\fBjq\\fR, \\fBpscsv\\fR or a script.",
        "A series is one process, \\fBpid\\fR and \\fBstart\\fR together (and \\fBtid\\fR in a \\fBpssnap \\-\\-threads\\fR stream): a pid the kernel gives again to a new process starts a new series. A record without \\fBpid\\fR (a \\fBpsagg\\fR row) belongs to the series of its group key: the \\fB\\-g\\fR field (or \\fBhost\\fR, or a \\fBpslabel\\fR field), found without being named; \\fBpsagg \\-\\-by\\-root\\fR rows carry pid, start and comm and follow the process rule; plain \\fBpsagg\\fR rows are one series. \\fB\\-s\\fR names the key fields instead. A process is named by its last \\fBcomm\\fR and \\fBcmdline\\fR (a process that execs takes its new name).",
        "Nothing is written before the input ends: a trend needs the whole recording. On a live pipeline (\\fBpssnap \\-i1 | pstrend\\fR) press Ctrl\\-C when you have seen enough: \\fBpssnap\\fR ends its recording, and \\fBpstrend\\fR, which lets the first SIGINT pass, reads the end of it and writes its records, with status 0. A second Ctrl\\-C ends \\fBpstrend\\fR at once, writing nothing. SIGTERM ends it at once too.",
    ]

    static let output = """
    Each record holds, in this order:
    .TP
    .B the series key
    \\fBpid\\fR, \\fBtid\\fR (threads only), \\fBstart\\fR, \\fBcomm\\fR, \\fBcmdline\\fR as the process's records have them; or the group key fields (none for plain \\fBpsagg\\fR rows); or the \\fB\\-s\\fR fields.
    .TP
    .BR first_ts ", " last_ts
    The first and last snapshot time of the series (epoch seconds).
    .TP
    .B samples
    The snapshots the series appears in.
    .TP
    .IR F _first ", " F _last ", " F _min ", " F _max ", " F _mean
    For each field \\fIF\\fR of \\fB\\-y\\fR: its first, last, least, greatest and mean value over the whole series, in the field's unit (bytes for memory). Null values (a field that could not be read) are left out; a field whose every value is null gives null statistics, never 0.
    .TP
    .IR F _slope
    How fast the field grows, in its unit per second (bytes per second for memory), from the Theil\\-Sen line (below). Negative when it shrinks; null with fewer than two samples.
    .TP
    .IR F _p
    The p\\-value of the trend test (below): near 0 when the growth (or the fall) is too steady to be chance, near 1 when the series wanders without direction. Null with fewer than three samples. Values below 0.000000000000000001 are written 0.
    .TP
    .IR F _leak
    \\fBtrue\\fR when the field grows steadily and materially (the rule below), \\fBfalse\\fR when it does not, null when there are too few samples to say.
    .TP
    .IR F _eta
    With \\fB\\-\\-limit\\fR only: the seconds from the last sample until the fitted line reaches the limit; 0 when it is already there, null when the line does not rise.
    .PP
    Numbers are plain JSON numbers, never with an exponent, never NaN.
    """

    static let statistics = """
    .SS The slope: a line that ignores spikes
    Through the samples \\fBpstrend\\fR draws the Theil\\-Sen line: for every two samples it takes the slope between them, and keeps the median of all those slopes. Unlike the least\\-squares line of a spreadsheet, a few wild samples (a spike, a garbage collection, a burst of work) barely move it: up to about 29 % of the samples can be anywhere. The line's starting value is the median of the samples less the slope times the median time (Conover's intercept, as scipy and pymannkendall compute it).
    .SS The p\\-value: is the growth real?
    The Mann\\-Kendall test counts, over every two samples, +1 when the later one is larger and \\-1 when it is smaller. A series that keeps growing scores close to the number of pairs; one without direction scores near 0. The p\\-value is the chance that a series with no trend at all would score as far from 0; equal values (a flat stretch) are counted as ties, and the test's variance is corrected for them.
    .PP
    Samples taken a second apart are not independent: memory now is memory a second ago plus a little, so a series that merely wanders looks like a steady trend to the plain test, which then cries wolf on half of all flat processes. \\fBpstrend\\fR uses Hamed and Rao's correction (1998): it removes the fitted trend, ranks what is left, measures how much each rank resembles the ranks 1 to 16 samples later (the autocorrelation), and widens the test's variance by as much as the significant resemblances say. Hamed\\-Rao rather than Yue\\-Wang (2004) because it works on ranks, so a single enormous spike cannot distort the correction, and because it looks at several lags, where Yue\\-Wang's own form looks at the first only. In trials with pymannkendall's implementations on 200 seeded flat series of 256 samples: with strongly persistent noise (each sample 0.9 of the last plus fresh noise), Yue\\-Wang with one lag called 53 significant at 1 %, Hamed\\-Rao with 16 lags 9, the uncorrected test 99; with every lag (pymannkendall's default), Yue\\-Wang called 71 of 200 series of independent noise significant, Hamed\\-Rao 3. The lags are bounded at 16: more lags add estimation noise without catching more, and the cost stays linear in the samples. When the correction factor comes out at 0 or below (it can, with strong negative autocorrelation) the uncorrected variance is used. The p\\-value is two\\-sided; a leak needs the test to say \\fIgrowing\\fR.
    .SS The leak rule
    \\fIF\\fB_leak\\fR is true when all of these hold:
    .IP 1. 4
    the test is significant: \\fIF\\fB_p\\fR below \\fB\\-\\-alpha\\fR (default 0.01), with more later samples above earlier ones than below;
    .IP 2. 4
    the slope is positive;
    .IP 3. 4
    the growth is material: the fitted line rises over the judged span by at least \\fB\\-\\-min\\-growth\\fR (default 5 % of its starting value; or an amount such as 1M). A real growth of 0.6 % in ten minutes is significant but not a leak worth a page;
    .IP 4. 4
    the growth goes on: the Theil\\-Sen slope of the later half of the samples is at least half the slope of the whole. A warm\\-up then a plateau (caches filling, then full) rises over the whole series, significantly and materially, but its later half is flat.
    .PP
    Then \\fB\\-\\-window\\fR \\fISECONDS\\fR judges only the last SECONDS of each series, for a leak that begins after a warm-up: the warm-up is left out instead of hiding the leak.
    .SS Most suspicious first
    Series with a leak in any judged field come first; then, among the same, the smallest p\\-value of a field whose slope is positive (the surest growth); then the largest relative growth (fitted growth over fitted starting value); then the order in which the series began.
    .SS Memory, and the samples judged
    Each series keeps at most 256 samples for its slope and test: every sample at first; when 256 are kept, every other one is dropped and from then on only every second sample is kept, then every fourth, and so on, so the kept samples stay evenly spaced over the whole series however long the stream is (a series of 1000 samples is judged on 250, every fourth). The summary (first, last, min, max, mean, samples) counts every sample. Memory is therefore bounded per series, about 256 \\(mu (1 + fields) \\(mu 8 bytes, and grows only with the number of series (a \\fBmake \\-j8\\fR of ten thousand short compilers makes ten thousand small series). With \\fB\\-\\-window\\fR, samples older than the window are dropped as the stream goes. The slope is found by randomized slope selection (Matousek; Dillencourt, Mount and Netanyahu) in O(n log n) expected time instead of listing all n(n\\-1)/2 slopes, and the test's score by counting inversions with a merge sort; the autocorrelation costs 16 n. Records of one series with the same \\fBts\\fR (several processes under \\fB\\-s\\fR) are added up into one sample first.
    .SS Limits
    No test can tell a leak from a warm-up that lasts the whole recording: record longer than the warm-up, or judge the tail with \\fB\\-\\-window\\fR. A process whose memory wanders slowly and persistently (a random walk) fools every trend test now and then; the correction and the material-growth rule make it rare, not impossible. A series of fewer than six samples can never be significant at 0.01 (five samples in rising order give p = 0.028; six give 0.0085, before any correction). The slope is per second of wall-clock time between snapshots (\\fBts\\fR); a suspended process keeps its memory, and its slope falls accordingly. \\fBrss\\fR counts shared pages in every process that maps them; \\fBpss\\fR and \\fBuss\\fR (\\fBpssnap \\-f +smaps\\fR) do not, and a process's private growth shows best in \\fBuss\\fR. A garbage collector that keeps more after each cycle is a leak, and is called one.
    """

    static let profit = """
    PROFIT guesses leaks from a CSV recording with one rule: the trend rises over the second half of the recording (we read it as: the least-squares line through the second half of the samples has a positive slope). pstrend's tests compute that rule on the same seeded fixtures as its own:
    .TP
    .B a steady leak under noise
    Both call it a leak.
    .TP
    .B a warm-up then a plateau
    PROFIT calls it a leak whenever the warm-up is still ending after mid-recording, as caches that fill over a few minutes are; pstrend sees that the later half grows at less than half the whole rate (rule 4), and does not.
    .TP
    .B a sawtooth (a garbage collector)
    PROFIT's verdict depends on where the middle of the recording falls in a tooth: cut just after a collection, the second half starts low and "rises"; cut just before, it "falls". The Mann\\-Kendall score of a sawtooth is near 0 whatever the phase, since every rise is undone, and the Theil\\-Sen slope is near 0 too: pstrend does not call it a leak, at any phase.
    .TP
    .B a flat noisy process
    PROFIT flags about half of them, whenever the noise happens to tilt the second half upwards; pstrend needs a significant trend, corrected for the noise's persistence, and a material growth.
    .TP
    .B a slow growth below \\-\\-min\\-growth
    PROFIT flags any rise however small; pstrend asks that the fitted growth be material (5 % by default) and says how fast it is in \\fIF\\fB_slope\\fR either way.
    .PP
    PROFIT also looks at one field of one process at a time; pstrend judges every process and group of a recording and sorts them.
    """

    static let sections: [(title: String, roff: String)] = [
        ("OUTPUT", output),
        ("THE STATISTICS", statistics),
        ("PROFIT'S RULE, SIDE BY SIDE", profit),
        ("EXIT STATUS", """
        .PP
        Status 2 also when a field named by \\fB\\-y\\fR is in no record of the input: the message names it and says where it comes from (\\fBpsdelta\\fR for \\fBcpu\\fR, \\fBpssnap \\-f +smaps\\fR for \\fBpss\\fR), and nothing is written.
        """),
    ]
}

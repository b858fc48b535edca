/// pstrend's man page text: what the numbers mean, for a reader who is not a statistician.
enum PSTrendDocs {
    static let description: [String] = [
        "\\fBpstrend\\fR reads process records (from \\fBpssnap\\fR, \\fBpsfilter\\fR, \\fBpsdelta\\fR, \\fBpsagg\\fR or \\fBpslabel\\fR) from the FILEs, or standard input, to the end, then writes one record per series, most suspicious first.",
    ]
    static let sections: [(title: String, roff: String)] = []
}

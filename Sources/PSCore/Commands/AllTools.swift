/// Every tool's option table: man/TOOL.1 and completions/ are generated from these, and a test
/// fails when the committed files are stale. A new tool adds its spec here and its main below.
public let allToolSpecs: [ToolSpec] = [
    PSSnap.spec,
    PSFilter.spec,
    PSDelta.spec,
    PSAgg.spec,
    PSCSV.spec,
    PSTSV.spec,
    PSPlot.spec,
    PSTrend.spec,
    PSExport.spec,
    PSLabel.spec,
    PSSQL.spec,
    PSView.spec,
]

/// Each tool's entry point, by name: the multi-call `pstools` binary picks one by argv[0].
public let allToolMains: [(name: String, main: () -> Never)] = [
    ("pssnap", PSSnap.main),
    ("psfilter", PSFilter.main),
    ("psdelta", PSDelta.main),
    ("psagg", PSAgg.main),
    ("pscsv", PSCSV.main),
    ("pstsv", PSTSV.main),
    ("psplot", PSPlot.main),
    ("pstrend", PSTrend.main),
    ("psexport", PSExport.main),
    ("pslabel", PSLabel.main),
    ("pssql", PSSQL.main),
    ("psview", PSView.main),
]

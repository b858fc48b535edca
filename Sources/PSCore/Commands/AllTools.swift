/// Every tool's option table: man/TOOL.1 and completions/ are generated from these, and a test
/// fails when the committed files are stale. A new tool adds its spec here.
public let allToolSpecs: [ToolSpec] = [
    PSSnap.spec,
    PSFilter.spec,
    PSDelta.spec,
    PSAgg.spec,
    PSCSV.spec,
    PSTSV.spec,
]

// swift-tools-version:6.0
import PackageDescription

// Release binaries for a server: swift build -c release --static-swift-stdlib
// (glibc is the only thing they need on the target machine).
let tools = ["pssnap", "psfilter", "psagg", "psdelta", "pscsv", "pstsv",
             "psplot", "pstrend", "psexport", "pslabel", "pssql", "psview", "pstools"]

// Release builds skip the runtime exclusivity checks (debug builds and the tests keep them):
// measured at a quarter of pssnap's user-space instructions, all in OutputBuffer and reader state.
let lean: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "pstools",
    products: tools.map { .executable(name: $0, targets: [$0]) },
    targets: [.target(name: "PSCore", swiftSettings: lean)]
        + tools.map { .executableTarget(name: $0, dependencies: ["PSCore"], swiftSettings: lean) }
        + [
            // The end-to-end tests run the built executables, so they depend on every tool.
            .testTarget(name: "PSCoreTests", dependencies: ["PSCore"] + tools.map { .target(name: $0) }),
        ],
    swiftLanguageModes: [.v5]
)

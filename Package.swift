// swift-tools-version:6.0
import PackageDescription

// Release binaries for a server: swift build -c release --static-swift-stdlib
// (glibc is the only thing they need on the target machine).
let tools = ["pssnap", "psfilter", "psagg", "psdelta", "pscsv", "pstsv"]

let package = Package(
    name: "pstools",
    products: tools.map { .executable(name: $0, targets: [$0]) },
    targets: [.target(name: "PSCore")]
        + tools.map { .executableTarget(name: $0, dependencies: ["PSCore"]) }
        + [
            // The end-to-end tests run the built executables, so they depend on every tool.
            .testTarget(name: "PSCoreTests", dependencies: ["PSCore"] + tools.map { .target(name: $0) }),
        ],
    swiftLanguageModes: [.v5]
)

// swift-tools-version:6.0
import PackageDescription

// Release binaries for a server: swift build -c release --static-swift-stdlib
// (glibc is the only thing they need on the target machine).
let package = Package(
    name: "pstools",
    products: [
        .executable(name: "pssnap", targets: ["pssnap"]),
    ],
    targets: [
        .target(name: "PSCore"),
        .executableTarget(name: "pssnap", dependencies: ["PSCore"]),
        .testTarget(
            name: "PSCoreTests",
            dependencies: ["PSCore", "pssnap"]
        ),
    ],
    swiftLanguageModes: [.v5]
)

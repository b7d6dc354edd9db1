// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "arbiter",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arbiter", targets: ["arbiter"]),
        .library(name: "ArbiterCore", targets: ["ArbiterCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // libyaml, read through its event API (Sources/ArbiterCore/YAML).
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // SSE2 byte classification for the JSON scanner and writers (header-only, inlined).
        .target(name: "CArbiterBytes"),
        // Everything the arbiter does lives here; the executable is a thin shell.
        .target(
            name: "ArbiterCore",
            dependencies: [
                "CYaml",
                "CArbiterBytes",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "arbiter",
            dependencies: [
                "ArbiterCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        // Runs git before each build: `arbiter --version` names the commit (BuildInfo.commit).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .testTarget(
            name: "ArbiterCoreTests",
            dependencies: [
                "ArbiterCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Golden")]
        ),
    ]
)

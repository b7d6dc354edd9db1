// swift-tools-version: 5.4
// (5.4 on purpose: from 5.5 on, SwiftPM renames an executable's entry point to
// `<Target>_main` and links `main` to it, and a libFuzzer target has no entry point of its
// own — libFuzzer's `main` calls `LLVMFuzzerTestOneInput`.)
// libFuzzer targets for arbiter, kept out of the main package so that `swift build` and
// `swift test` never see them. Build and run them with `Fuzz/run.sh` (docs/fuzzing.md):
//
//     swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
//         -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (`arbiter`, `wt-fuzz`, …), so it is
// read from the checkout rather than written here.
let rootDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = rootDirectory.lastPathComponent.lowercased()
let core = Target.Dependency.product(name: "ArbiterCore", package: rootIdentity)

let package = Package(
    name: "arbiter-fuzz",
    platforms: [.macOS(.v11)],
    dependencies: [
        .package(path: rootDirectory.path),
    ],
    targets: [
        // What the three targets share: the repository's policy and requests, answer checks.
        .target(name: "FuzzSupport", dependencies: [core]),
        // Bytes → one protocol line → one answer (JSONTape, request decoder, engine, writer).
        .executableTarget(name: "FuzzRequest", dependencies: ["FuzzSupport", core]),
        // Bytes → one YAML file of Rules/cn → PolicyLoader → (if it loads) a few decisions.
        .executableTarget(name: "FuzzPolicy", dependencies: ["FuzzSupport", core]),
        // Bytes → expression compiler against Rules/cn's environment → evaluation.
        .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport", core]),
    ]
)

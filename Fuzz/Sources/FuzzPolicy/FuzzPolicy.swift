import ArbiterCore
import Foundation
import FuzzSupport

/// Bytes → one YAML file of an in-memory copy of `Rules/cn` → `PolicyLoader.load(files:)`.
/// The file is `rules/50-fuzz.yaml`, added to the pack, unless the input starts with the YAML
/// comment `#> NAME` naming one of the pack's files (`#> parameters.yaml`,
/// `#> rules/20-no-reason.yaml`), which it then replaces.
///
/// Loading must not crash or hang; every diagnostic points into one of the files (line and
/// column ≥ 1) with a code and a message, and renders as `check` prints it; a policy is returned exactly when there is no error.
/// A policy that loads decides `Fuzz/requests.jsonl`, and each answer must pass
/// `FuzzSupport.checkAnswer` (`internal` errors accepted unless `ARBITER_FUZZ_STRICT=1`: an
/// arbitrary policy may legitimately fail at run time).
let strict = FuzzSupport.flag("ARBITER_FUZZ_STRICT")
let addedFile = "rules/50-fuzz.yaml"
let packFiles = FuzzSupport.policyFiles
let packPaths = Set(packFiles.map(\.relativePath))

/// Loads what every input needs before the first one runs.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = packFiles; _ = FuzzSupport.requests
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var replaced = addedFile
    if bytes.starts(with: Array("#> ".utf8)) {
        let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let name = String(decoding: bytes[3..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if packPaths.contains(name) { replaced = name }
    }
    var files = packFiles.filter { $0.relativePath != replaced }
    let displayPath = FuzzSupport.displayDirectory + "/" + replaced
    files.append(PolicySourceFile(relativePath: replaced, displayPath: displayPath, bytes: bytes))
    let displayPaths = Set(files.map(\.displayPath))

    let result = PolicyLoader.load(files: files)
    var hasError = false
    for diagnostic in result.diagnostics {
        let location = diagnostic.location
        // A position in the file, or the whole file (line 0: "file is empty", "cannot read").
        let located = (location.line >= 1 && location.column >= 1) || (location.line == 0 && location.column == 0)
        guard displayPaths.contains(location.file), located else {
            FuzzSupport.fail("diagnostic without a location in the pack: \(diagnostic)")
        }
        guard !diagnostic.code.isEmpty, !diagnostic.message.isEmpty else {
            FuzzSupport.fail("diagnostic without a code or message: \(diagnostic)")
        }
        if diagnostic.severity == .error { hasError = true }
    }
    // Printing them as `check` does (source line, caret, notes) must not crash on any text.
    _ = DiagnosticRenderer(sources: SourceFiles(files), color: true).render(result.diagnostics)
    guard (result.policy == nil) == hasError else {
        FuzzSupport.fail("policy \(result.policy == nil ? "missing" : "returned") with \(hasError ? "" : "no ")errors")
    }
    guard let policy = result.policy else { return 0 }

    let decider = Decider(engines: EngineSet(lone: Engine(policy: policy)), audit: .full)
    for (index, request) in FuzzSupport.requests.enumerated() {
        let answer = decider.answer(line: request, lineNumber: index + 1)
        FuzzSupport.checkAnswer(answer, lineNumber: index + 1, allowInternal: !strict)
    }
    return 0
}

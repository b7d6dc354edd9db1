import ArbiterCore
import FuzzSupport

/// Bytes → one line of `arbiter serve` → its answer, against `Rules/cn` at `--audit full`:
/// JSONTape parsing, request decoding, the engine and the decision writer. The answer must
/// pass `FuzzSupport.checkAnswer` and be the same bytes when the line is answered again (the
/// decider's buffers are reused between lines, as in `serve`). A decision's answer, written
/// from the trail as the engine recorded it, must also be the bytes of the same decision
/// returned as a value (`Decider.decide`, its trail made as values) and written.
///
/// `ARBITER_FUZZ_ALLOW_INTERNAL=1` accepts `internal` errors (for runs while such a bug is open).
/// libFuzzer calls the target from one thread.
nonisolated(unsafe) let decider = Decider(engines: EngineSet(lone: Engine(policy: FuzzSupport.policy)), audit: .full)
let allowInternal = FuzzSupport.flag("ARBITER_FUZZ_ALLOW_INTERNAL")

/// Loads what every input needs before the first one runs.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = decider
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var line = Array(UnsafeBufferPointer(start: data, count: size))
    // `serve` hands the decider a line without its break; seeds may end with one.
    if line.last == UInt8(ascii: "\n") { line.removeLast() }
    let lineNumber = 1 + size % 1000
    let first = decider.answer(line: line, lineNumber: lineNumber)
    FuzzSupport.checkAnswer(first, lineNumber: lineNumber, allowInternal: allowInternal)
    let second = decider.answer(line: line, lineNumber: lineNumber)
    if first != second {
        FuzzSupport.fail("the same line answered twice gave different answers:\n\(String(decoding: first, as: UTF8.self))\n\(String(decoding: second, as: UTF8.self))")
    }
    if let decision = try? decider.decide(line: line) {
        var typed = JSONWriter(pretty: false)
        DecisionWriter.write(decision, into: &typed)
        if typed.bytes != first {
            FuzzSupport.fail("the answer written from the recorded trail is not the decision's as a value:\n\(String(decoding: first, as: UTF8.self))\n\(String(decoding: typed.bytes, as: UTF8.self))")
        }
    }
    return 0
}

import ArbiterCore
import FuzzSupport

/// Bytes → one line of `arbiter serve` → its answer, against `Rules/cn` at `--audit full`:
/// JSONTape parsing, request decoding, the engine and the decision writer. The answer must
/// pass `FuzzSupport.checkAnswer` and be the same bytes when the line is answered again (the
/// thread's scratch is reused between lines, as in `serve`).
///
/// `ARBITER_FUZZ_ALLOW_INTERNAL=1` accepts `internal` errors (for runs while such a bug is open).
let handler = ProtocolHandler(engine: Engine(policy: FuzzSupport.policy), audit: .full)
let allowInternal = FuzzSupport.flag("ARBITER_FUZZ_ALLOW_INTERNAL")

/// Loads what every input needs before the first one runs.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = handler
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var line = Array(UnsafeBufferPointer(start: data, count: size))
    // `serve` hands the handler a line without its break; seeds may end with one.
    if line.last == UInt8(ascii: "\n") { line.removeLast() }
    let lineNumber = 1 + size % 1000
    let first = FuzzSupport.answer(handler, to: line, lineNumber: lineNumber)
    FuzzSupport.checkAnswer(first, lineNumber: lineNumber, allowInternal: allowInternal)
    let second = FuzzSupport.answer(handler, to: line, lineNumber: lineNumber)
    if first != second {
        FuzzSupport.fail("the same line answered twice gave different answers:\n\(String(decoding: first, as: UTF8.self))\n\(String(decoding: second, as: UTF8.self))")
    }
    return 0
}

@testable import ArbiterCore

extension ProtocolHandler {
    /// The answer to one line, read into a scratch of its own (tests answer a line at a time;
    /// `serve`, `replay` and `diff` keep one scratch per worker).
    func respond(to line: UnsafeRawBufferPointer, lineNumber: Int, into writer: inout JSONWriter) {
        respond(to: line, lineNumber: lineNumber, into: &writer, scratch: RequestScratch())
    }

    /// The same for a request given as a JSON value.
    func respond(to json: JSONValue, lineNumber: Int, into writer: inout JSONWriter, forcedPack: Int? = nil) {
        write(answer(to: json, lineNumber: lineNumber, scratch: RequestScratch(), forcedPack: forcedPack), into: &writer)
    }
}

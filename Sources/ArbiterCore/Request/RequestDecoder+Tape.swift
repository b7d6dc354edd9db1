/// Decoding requests from a `JSONTape`, the `serve` hot path: the same results as decoding
/// the `JSONValue` tree of the same line (see `TapeRequestDecoder`).
extension RequestDecoder {
    /// Validates the document on a tape into a request; the same request or error as
    /// `decode(_: JSONValue)` on `JSONReader.parse` of the same bytes.
    /// `selectionError` is thrown where SPEC section 8 puts the request's pack and selecting
    /// timestamp, after the format and consistency checks (a policy set found no version).
    func decode(_ document: JSONTape.View, selectionError: RequestError? = nil) throws(RequestError) -> AfterSaleRequest {
        var buffers = RequestBuffers()
        return try decode(document, selectionError: selectionError, buffers: &buffers)
    }

    /// The same, filling the arrays of `buffers` (the last request's, `RequestBuffers`).
    func decode(_ document: JSONTape.View, outline: RequestOutline? = nil, selectionError: RequestError? = nil, buffers: inout RequestBuffers) throws(RequestError) -> AfterSaleRequest {
        var tapeDecoder = TapeRequestDecoder(decoder: self, tape: document)
        return try tapeDecoder.decode(document.root, outline: outline ?? RequestOutline(document), selectionError: selectionError, buffers: &buffers)
    }

    /// The request id for error answers, as `requestID(in: JSONValue)` reads it: the last
    /// top-level `id` member, when it is a string.
    static func requestID(in document: JSONTape.View) -> String? {
        guard document.count > 0, document.kind(document.root) == .object,
              let id = document.lastMember(of: document.root, named: "id"), document.kind(id) == .string else { return nil }
        return document.string(id)
    }
}

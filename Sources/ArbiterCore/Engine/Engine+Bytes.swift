import Crypto

/// Deciding a request read into a `JSONTape`, the `serve` hot path: no `JSONValue` tree.
extension Engine {
    /// Validates and decides the request on a tape: the same decision, or the same error, as
    /// `decide(_: JSONValue, audit:)` on the tree of the same line. `scratch` holds the buffer
    /// the input digest is written in and the evaluation state, both reused between calls.
    /// `selectionError` (a policy set found no version for the request) is thrown after the
    /// format and consistency checks.
    func decide(_ document: JSONTape.View, outline: RequestOutline, scratch: RequestScratch, audit: AuditLevel,
                selectionError: RequestError? = nil) throws(DecideError) -> Decision {
        // The decoded request goes straight into the evaluation state: bound to a local first,
        // it was copied into the state (a dozen strings and arrays retained and released).
        // The last request's arrays are filled again rather than freed and allocated anew.
        scratch.reclaimRequestArrays()
        let state: EvaluationState
        do {
            state = scratch.evaluationState(
                starting: try decoder.decode(document, outline: outline, selectionError: selectionError, buffers: &scratch.requestBuffers),
                defineCount: policy.defineCount)
        } catch {
            throw .invalidRequest(error)
        }
        let digest = audit == .none ? "" : Self.inputDigest(of: document, using: scratch.canonical)
        do {
            return try decide(state, inputDigest: digest, audit: audit, defersTrail: scratch.defersTrail)
        } catch {
            throw DecideError(error)
        }
    }

    /// `sha256:<hex>` of the canonical JSON of a document on a tape: the same string as
    /// `inputDigest(of:)` gives for its tree.
    static func inputDigest(of document: JSONTape.View, using canonical: CanonicalJSONWriter) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: canonical.write(document))
        return hasher.finalize().auditText
    }
}

import Testing
@testable import ArbiterCore

/// A thread's next request fills the arrays of its last one (`RequestBuffers`): a request
/// decoded with kept buffers is the request decoded without them, and the arrays of scoped
/// discounts and of gifts are among those kept, so deciding such a request allocates none.
@Suite struct RequestBuffersTests {
    /// Two scoped discounts (applies_to) and a gift, in a cn request.
    static let request = #"{"id":"b1","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o1","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"150.00","quantity":2},{"line":"L2","unit_price":"80.00","quantity":1},{"line":"G1","unit_price":"0.00","quantity":1,"gift_for":"L1","gift_value":"20.00"}],"discounts":[{"id":"C1","kind":"coupon","amount":"30.00","applies_to":["L2","L1"]},{"id":"C2","kind":"coupon","amount":"5.00","applies_to":["L2"]}]},"lines":[{"line":"L1","quantity":1}]}"#

    /// The same order without its gift (and without discounts).
    static let requestWithoutGifts = #"{"id":"b0","kind":"return","reason":"no_reason","requested_at":"2026-11-03T10:00:00+08:00","order":{"id":"o0","currency":"CNY","placed_at":"2026-10-30T09:00:00+08:00","delivered_at":"2026-11-01T15:00:00+08:00","items":[{"line":"L1","unit_price":"150.00","quantity":2}]},"lines":[{"line":"L1","quantity":1}]}"#

    static func decode(_ decoder: RequestDecoder, _ request: String = Self.request, buffers: inout RequestBuffers) throws -> AfterSaleRequest {
        let tape = JSONTape()
        return try Array(request.utf8).withUnsafeBytes { bytes in
            let view = try tape.parse(bytes)
            return try decoder.decode(view, buffers: &buffers)
        }
    }

    static func address<Element>(_ array: [Element]?) -> UnsafeRawPointer? {
        array?.withUnsafeBytes { $0.baseAddress }
    }

    @Test func scopesGiftsAndSharesAreKeptForTheNextRequest() throws {
        let decoder = RequestDecoder(schema: Repository.rulesSet.packs[0].current.schema)
        var buffers = RequestBuffers()
        var first = try Self.decode(decoder, buffers: &buffers)
        #expect(first.order.discounts.map(\.appliesTo) == [[0, 1], [1]], "scopes in the order's item order")
        #expect(first.order.items[2].giftFor == 0)
        let scopes = first.order.discounts.map { Self.address($0.appliesTo) }
        // What the decoder and the proration kept while making the first request.
        #expect(buffers.lineLists.count == 2 && buffers.lineLists.allSatisfy { $0.isEmpty && $0.capacity > 0 })
        #expect(buffers.giftLines.isEmpty && buffers.giftLines.capacity > 0)
        #expect(buffers.giftLineOf.isEmpty && buffers.giftLineOf.capacity > 0)
        #expect(buffers.scopeWeights.capacity > 0 && buffers.scopeShares.capacity > 0)
        let kept = (lineLists: buffers.lineLists.map { Self.address($0) }, giftLines: Self.address(buffers.giftLines),
                    giftLineOf: Self.address(buffers.giftLineOf), weights: Self.address(buffers.scopeWeights))

        buffers.reclaim(from: &first)
        // A request without gifts or discounts in between leaves those arrays kept.
        var between = try Self.decode(decoder, Self.requestWithoutGifts, buffers: &buffers)
        #expect(Self.address(buffers.giftLines) == kept.giftLines && Self.address(buffers.giftLineOf) == kept.giftLineOf)
        buffers.reclaim(from: &between)
        let second = try Self.decode(decoder, buffers: &buffers)
        var fresh = RequestBuffers()
        // Every stored field (the request is not `Equatable`), the proration's included.
        #expect(String(describing: second) == String(describing: try Self.decode(decoder, buffers: &fresh)), "the same request as decoded afresh")
        #expect(second.proration.allocations == [[2_368, 632, 0], [0, 500, 0]], "C1 30.00 over 300.00 and 80.00 by gross, the leftover fen to L2; C2 on L2")
        // The second request's scopes are the first one's arrays (last kept, first taken).
        #expect(Set(second.order.discounts.map { Self.address($0.appliesTo) }) == Set(scopes))
        #expect(Set(buffers.lineLists.map { Self.address($0) }) == Set(kept.lineLists))
        #expect(Self.address(buffers.giftLines) == kept.giftLines)
        #expect(Self.address(buffers.giftLineOf) == kept.giftLineOf)
        #expect(Self.address(buffers.scopeWeights) == kept.weights)
    }
}

/// Why a request could not be decided: `invalid_request` with a JSONPath-like pointer.
public struct RequestError: Error, Hashable, Sendable {
    /// `$.order.items[2].unit_price`
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// The protocol error code (SPEC section 3).
    public var code: String { "invalid_request" }
}

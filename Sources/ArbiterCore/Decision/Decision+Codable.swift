/// `Codable` for the values a `Decision` holds that are not plain records.

extension Currency: Codable {
    /// Its ISO code (`"CNY"`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// A currency the arbiter knows (SPEC section 4); any other code is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let known = Currency.named(code) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown currency '\(code)'")
        }
        self = known
    }
}

extension Timestamp: Codable {
    /// RFC 3339 in its own offset, as the protocol writes it (`2026-11-12T23:59:59+08:00`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Timestamp.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 timestamp: \(error)")
        }
    }
}

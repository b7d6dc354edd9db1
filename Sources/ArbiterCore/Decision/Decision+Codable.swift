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

extension AuditValue {
    private enum CodingKeys: String, CodingKey {
        case money, int, string, bool, null, rows
    }

    /// One member naming the kind: `{"money": 3000}` (minor units), `{"int": 2}`,
    /// `{"string": "C1"}`, `{"bool": true}`, `{"null": null}`, `{"rows": [[…]]}` — not Swift's
    /// synthesised `{"money": {"_0": 3000}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .money(let minorUnits): try container.encode(minorUnits, forKey: .money)
        case .int(let value): try container.encode(value, forKey: .int)
        case .string(let value): try container.encode(value, forKey: .string)
        case .bool(let value): try container.encode(value, forKey: .bool)
        case .null: try container.encodeNil(forKey: .null)
        case .rows(let rows): try container.encode(rows, forKey: .rows)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "an audit value has one member naming its kind (money, int, string, bool, null or rows)"))
        }
        switch key {
        case .money: self = .money(try container.decode(Int64.self, forKey: .money))
        case .int: self = .int(try container.decode(Int64.self, forKey: .int))
        case .string: self = .string(try container.decode(String.self, forKey: .string))
        case .bool: self = .bool(try container.decode(Bool.self, forKey: .bool))
        case .null: self = .null
        case .rows: self = .rows(try container.decode([[AuditField]].self, forKey: .rows))
        }
    }
}

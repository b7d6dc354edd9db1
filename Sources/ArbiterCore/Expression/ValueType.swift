/// The static type of an expression, checked once when a policy loads.
public indirect enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case bool
    case int
    /// An amount in minor units of the policy's currency.
    case money
    case percent
    /// A length of time in seconds (`48h`, `15d`).
    case duration
    case string
    case timestamp
    /// A string restricted to a known set of values (`kind`, `reason`, `line.condition`).
    case enumeration(EnumDomain)
    case list(ValueType)
    /// A value that may be null; must be tested (`x != null && …`) or defaulted (`x ?? y`) before use.
    case optional(ValueType)
    /// The type of the literal `null`.
    case null

    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int: return "int"
        case .money: return "money"
        case .percent: return "percent"
        case .duration: return "duration"
        case .string: return "string"
        case .timestamp: return "timestamp"
        case .enumeration(let domain): return domain.name
        case .list(let element): return "list<\(element)>"
        case .optional(let wrapped): return "\(wrapped)?"
        case .null: return "null"
        }
    }
}

/// The allowed values of an enumerated string field, e.g. `reason`.
public struct EnumDomain: Hashable, Sendable {
    public let name: String
    public let cases: [String]

    public init(name: String, cases: [String]) {
        self.name = name
        self.cases = cases
    }
}

/// A runtime value. Money is in minor units of the policy's currency.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case money(Int64)
    case percent(Int64)
    case duration(Int64)
    case string(String)
    case timestamp(Timestamp)
    case list([Value])
}

/// What a policy lets requests carry beyond SPEC section 4: its currency and zone, and the
/// typed `attributes` and `facts` its rules read (open maps in the request).
public struct RequestSchema: Sendable {
    /// The pack's name: what a request's `"policy"` may say.
    public var packName: String
    public var currency: Currency
    public var defaultZone: Zone
    public var attributes: [DeclaredField]
    public var facts: [DeclaredField]
    /// The version and what selects it, for messages that name the version that decided.
    public var packVersion = ""
    public var selectedBy = SelectingTimestamp.placedAt

    public init(packName: String, currency: Currency, defaultZone: Zone, attributes: [DeclaredField], facts: [DeclaredField]) {
        self.packName = packName
        self.currency = currency
        self.defaultZone = defaultZone
        self.attributes = attributes
        self.facts = facts
    }
}

/// An attribute or fact a policy declares, e.g. `perishable: bool`. `bool?` declares a boolean
/// whose absence is told apart from `false` (absent or null → null), for rules that need an
/// explicit `false`.
public struct DeclaredField: Sendable {
    public enum FieldType: String, Sendable, CaseIterable {
        case bool, int, string, money
        case optionalBool = "bool?"
    }

    public var name: String
    public var type: FieldType
    public var location: SourceLocation

    public init(name: String, type: FieldType, location: SourceLocation) {
        self.name = name
        self.type = type
        self.location = location
    }

    /// Absent booleans are false; other absent fields are null (their type is optional).
    public var defaultValue: Value { type == .bool ? .bool(false) : .null }

    /// The type expressions see.
    public var valueType: ValueType {
        switch type {
        case .bool: return .bool
        case .optionalBool: return .optional(.bool)
        case .int: return .optional(.int)
        case .string: return .optional(.string)
        case .money: return .optional(.money)
        }
    }
}

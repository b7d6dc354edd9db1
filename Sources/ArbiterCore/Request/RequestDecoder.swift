import Synchronization

/// Decodes a request into `AfterSaleRequest`, validating everything SPEC section 4 calls
/// malformed; errors carry a JSONPath-like pointer to the offending value. Unknown fields are
/// ignored (forward compatible). Requests are decoded straight from a `JSONTape`
/// (`decode(_: JSONTape.View)`, `TapeRequestDecoder`); the tests keep a tree-walking reference
/// decoder and require both to agree on every input.
///
/// A class: the tape decoder holds it through one reference, so that the closures it runs per
/// object copy one pointer instead of the schema's and key tables' dozen arrays.
public final class RequestDecoder: Sendable {
    public let schema: RequestSchema
    /// The declared attribute and fact names (to declaration indices) and the policy's zone
    /// by name, for decoding from a `JSONTape`.
    let attributeKeys: KeyTable<Int>
    let factKeys: KeyTable<Int>
    let zoneKeys: KeyTable<Zone>
    /// Other zones requests have named, each this decoder's own (`zone(named:)`).
    private let otherZones = Mutex<[String: Zone]>([:])
    /// Each declared attribute's and fact's value when a request does not give it, in
    /// declaration order: what an item's attributes and a request's facts start from.
    let attributeDefaults: [Value]
    let factDefaults: [Value]

    public init(schema: RequestSchema) {
        self.schema = schema
        attributeDefaults = schema.attributes.map { $0.defaultValue }
        factDefaults = schema.facts.map { $0.defaultValue }
        attributeKeys = KeyTable(schema.attributes.enumerated().map { ($1.name, $0) })
        factKeys = KeyTable(schema.facts.enumerated().map { ($1.name, $0) })
        zoneKeys = KeyTable([(schema.defaultZone.identifier, schema.defaultZone)])
    }

    /// A zone a request names that is not the policy's (`order.timezone`), or nil if unknown:
    /// one object per name for this decoder, not the process-wide one (`Zone.unshared`), so
    /// that threads deciding with their own copies of a policy share no zone. At most the
    /// database's few hundred zones, as `Zone.named` accepts only real names.
    func zone(named name: String) -> Zone? {
        if let known = otherZones.withLock({ $0[name] }) { return known }
        guard let zone = Zone.unshared(named: name) else { return nil }
        return otherZones.withLock { zones in
            if let known = zones[name] { return known }
            zones[name] = zone
            return zone
        }
    }
}

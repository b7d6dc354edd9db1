/// The engines of a `PolicySet`, one per pack version, and the selection of the version that
/// decides a request (SPEC section 9): the pack the request names in `"policy"` (absent or null:
/// the default pack), then the version whose `[effective_from, effective_until)` holds the
/// request's selecting timestamp. Immutable and `Sendable`; `serve` builds one per thread.
///
/// Selection reads the two or three fields it needs straight from the tape; a request without
/// `"policy"` goes to the default pack without comparing names, and versions are found by a
/// binary search over their `effective_from`.
public final class EngineSet: Sendable {
    public let policySet: PolicySet
    let packs: [PackEngines]

    /// A class of constants: selection reads a pack in place (`let pack = packs[index]` of a
    /// struct copied its name, its arrays and its engines, a dozen reference-count operations
    /// per request).
    final class PackEngines: Sendable {
        let name: String
        let nameBytes: [UInt8]
        let selectedBy: SelectingTimestamp
        let engines: [Engine]
        /// `effective_from` of each engine's version, ascending (nil only for a lone pack).
        let from: [Timestamp?]
        let until: [Timestamp?]

        init(name: String, nameBytes: [UInt8], selectedBy: SelectingTimestamp, engines: [Engine], from: [Timestamp?], until: [Timestamp?]) {
            self.name = name
            self.nameBytes = nameBytes
            self.selectedBy = selectedBy
            self.engines = engines
            self.from = from
            self.until = until
        }
    }

    public init(_ set: PolicySet) {
        policySet = set
        packs = set.packs.map { pack in
            PackEngines(
                name: pack.name, nameBytes: Array(pack.name.utf8), selectedBy: pack.selectedBy,
                engines: pack.versions.map { Engine(policy: $0) }, from: pack.versions.map(\.effectiveFrom),
                until: pack.versions.map(\.effectiveUntil))
        }
    }

    /// A lone pack deciding every request with `engine`.
    public init(lone engine: Engine) {
        policySet = PolicySet(lone: engine.policy)
        packs = [PackEngines(
            name: engine.policy.name, nameBytes: Array(engine.policy.name.utf8), selectedBy: engine.policy.selectedBy,
            engines: [engine], from: [engine.policy.effectiveFrom], until: [engine.policy.effectiveUntil])]
    }

    /// The default pack's current version (`ping`'s `policy`; the lone pack's only engine).
    public var defaultEngine: Engine { packs[policySet.defaultPack].engines[packs[policySet.defaultPack].engines.count - 1] }

    /// The index of the pack named `name`.
    public func packIndex(named name: String) -> Int? { packs.firstIndex { $0.name == name } }

    /// Which engine decides a request, or why none can: `candidate` then decodes the request so
    /// that format and consistency errors come first (SPEC section 8) and `error` follows them.
    enum Selection {
        case engine(Engine)
        case failed(candidate: Engine, error: RequestError)
    }

    /// Validates and decides a request on a tape with the version selection picks.
    ///
    /// - Parameter forcedPack: the pack to use when the request names none (a fixture's
    ///   `policy:`), instead of the default.
    ///   - outline: the request's outline (`RequestOutline`), which the caller has made.
    func decide(_ document: JSONTape.View, outline: RequestOutline, scratch: RequestScratch, audit: AuditLevel, forcedPack: Int? = nil) throws(DecideError) -> Decision {
        switch select(document, outline: outline, forcedPack: forcedPack) {
        case .engine(let engine):
            return try engine.decide(document, outline: outline, scratch: scratch, audit: audit)
        case .failed(let candidate, let error):
            return try candidate.decide(document, outline: outline, scratch: scratch, audit: audit, selectionError: error)
        }
    }

    func select(_ document: JSONTape.View, outline: RequestOutline, forcedPack: Int? = nil) -> Selection {
        // A lone pack decides everything; its decoder checks a named `policy` against its name.
        if policySet.isLone { return .engine(packs[0].engines[0]) }
        var packIndex = forcedPack ?? policySet.defaultPack
        if let named = outline.policy, document.kind(named) != .null {
            let fallback = packs[packIndex].engines[packs[packIndex].engines.count - 1]
            // Not a string: a format error its decoder reports.
            guard document.kind(named) == .string else { return .engine(fallback) }
            guard let index = packs.firstIndex(where: { Self.string(document, named, equals: $0.nameBytes) }) else {
                let known = packs.map { "'\($0.name)'" }.joined(separator: ", ")
                return .failed(candidate: fallback, error: RequestError(path: "$.policy", "unknown policy '\(document.string(named))'; this arbiter decides with \(known)"))
            }
            packIndex = index
        }
        let pack = packs[packIndex]
        let current = pack.engines[pack.engines.count - 1]
        if pack.engines.count == 1 && pack.from[0] == nil { return .engine(current) }
        // The selecting timestamp; missing or malformed is reported by the decoder, as for any field.
        var value: Int?
        switch pack.selectedBy {
        case .placedAt:
            value = outline.placedAt
        case .requestedAt:
            value = outline.requestedAt
        }
        guard let value, document.kind(value) == .string else { return .engine(current) }
        guard let instant = ByteScalars.timestamp(document.bytes(value)) ?? (try? Timestamp.parse(document.string(value))) else {
            return .engine(current)
        }
        // The last version whose effective_from is at or before the instant.
        var low = 0, high = pack.from.count
        while low < high {
            let middle = (low + high) / 2
            if let from = pack.from[middle], instant < from { high = middle } else { low = middle + 1 }
        }
        if low > 0, pack.until[low - 1].map({ instant < $0 }) ?? true { return .engine(pack.engines[low - 1]) }
        let ranges = pack.engines.map { PolicySetLoader.describe($0.policy) }.joined(separator: "; ")
        return .failed(candidate: current, error: RequestError(
            path: pack.selectedBy.path,
            "no version of pack '\(pack.name)' is in force at \(document.string(value)) (\(pack.selectedBy.rawValue)); its versions are in force \(ranges)"))
    }

    /// Whether the string at `index` is `bytes` (the tree path's `String` equality).
    private static func string(_ document: JSONTape.View, _ index: Int, equals bytes: [UInt8]) -> Bool {
        guard document.isPlainASCII(index) else { return document.string(index) == String(decoding: bytes, as: UTF8.self) }
        let span = document.bytes(index)
        guard span.count == bytes.count else { return false }
        return zip(span, bytes).allSatisfy { $0 == $1 }
    }
}

/// What `arbiter diff` found (SPEC section 11): counts, transitions, money, rule counts and
/// examples over the requests read, as a value that merges exactly: the report of an input is
/// `merge` of the reports of its parts, in input order (examples are the first N in that order).
public struct DiffReport: Sendable, Equatable {
    /// The state of a request or line that is answered with an error under a policy.
    public static let invalid = "invalid"

    /// At most this many examples per outcome transition.
    public var examplesLimit: Int
    /// Requests read: every request line or logged request (pings, unsupported ops, serve-log
    /// headers and records without a request are not requests).
    public var read = 0
    /// Lines and records that are not requests: pings, unsupported ops, records whose `request`
    /// is null.
    public var skipped = 0
    /// Log records that could not be read (not JSON, or without a `request`).
    public var unreadable = 0
    /// Requests that got a decision under both policies.
    public var decidedByBoth = 0
    /// Requests whose two answers differ (replay's comparison, `DecisionComparison`).
    public var differing = 0
    /// Requests answered with an error, by error code, under each policy.
    public var invalidUnderBase: [String: Int] = [:]
    public var invalidUnderCandidate: [String: Int] = [:]
    /// Requests invalid under at least one policy.
    public var invalidUnderEither = 0
    /// Base outcome × candidate outcome (`invalid` for an error answer) → requests.
    public var outcomes: [Transition: Int] = [:]
    /// Base verdict × candidate verdict of each line (`invalid` when that side is an error) → lines.
    public var verdicts: [Transition: Int] = [:]
    /// Money of the requests decided by both, by currency code.
    public var money: [String: CurrencyMoney] = [:]
    /// For each rule id, how many requests it fired for under each policy.
    public var rules: [String: RuleCount] = [:]
    /// Differing requests of each outcome transition (on the diagonal: same outcome, other fields changed).
    public var differingOutcomes: [Transition: Int] = [:]
    /// The first `examplesLimit` differing requests of each outcome transition, in input order.
    public var examples: [Transition: [Example]] = [:]

    /// An empty report; `ruleCatalog` lists the rules of both policies so that rules that
    /// never fire are reported too.
    public init(examplesLimit: Int, baseRules: [String] = [], candidateRules: [String] = []) {
        self.examplesLimit = max(0, examplesLimit)
        for id in baseRules { rules[id, default: RuleCount()].inBase = true }
        for id in candidateRules { rules[id, default: RuleCount()].inCandidate = true }
    }

    /// A (base, candidate) pair of states: outcomes or line verdicts.
    public struct Transition: Hashable, Sendable, Comparable {
        public var base: String
        public var candidate: String

        public init(base: String, candidate: String) {
            self.base = base
            self.candidate = candidate
        }

        public var isChange: Bool { base != candidate }

        /// approve, partial, review, reject, invalid, then anything else by name.
        static func rank(_ state: String) -> Int {
            ["approve", "partial", "review", "reject", DiffReport.invalid].firstIndex(of: state) ?? 99
        }

        static func precedes(_ a: String, _ b: String) -> Bool {
            let (ra, rb) = (rank(a), rank(b))
            return ra != rb ? ra < rb : a < b
        }

        public static func < (lhs: Transition, rhs: Transition) -> Bool {
            lhs.base != rhs.base ? precedes(lhs.base, rhs.base) : precedes(lhs.candidate, rhs.candidate)
        }
    }

    /// Totals of one kind of amount (minor units) over the requests decided by both.
    public struct MoneyChange: Sendable, Equatable {
        public var base: Int128 = 0
        public var candidate: Int128 = 0
        /// Requests where the amount is higher (lower) under the candidate.
        public var rose = 0
        public var fell = 0
        public var difference: Int128 { candidate - base }

        public init() {}

        mutating func add(base: Int64, candidate: Int64) {
            self.base += Int128(base)
            self.candidate += Int128(candidate)
            if candidate > base { rose += 1 } else if candidate < base { fell += 1 }
        }

        mutating func merge(_ other: MoneyChange) {
            base += other.base
            candidate += other.candidate
            rose += other.rose
            fell += other.fell
        }
    }

    /// The money of one currency.
    public struct CurrencyMoney: Sendable, Equatable {
        public var refund = MoneyChange()
        /// The sum of `compensation[].amount`.
        public var compensation = MoneyChange()
        /// The sum of `refund.adjustments[].amount` with each code.
        public var adjustments: [String: MoneyChange] = [:]
        /// Requests by refund difference, in `RefundBin` order.
        public var refundHistogram = [Int](repeating: 0, count: RefundBin.allCases.count)
        /// Requests decided in another currency under the other policy: their amounts are in
        /// the totals of each side's currency, not in the changes.
        public var currencyChanged = 0

        public init() {}

        mutating func merge(_ other: CurrencyMoney) {
            refund.merge(other.refund)
            compensation.merge(other.compensation)
            for (code, change) in other.adjustments { adjustments[code, default: MoneyChange()].merge(change) }
            for index in refundHistogram.indices { refundHistogram[index] += other.refundHistogram[index] }
            currencyChanged += other.currencyChanged
        }
    }

    /// The fixed bins of the refund-difference histogram, in major units: 0, then ±(0, 1],
    /// (1, 10], (10, 100], (100, 1000], above 1000.
    public enum RefundBin: Int, CaseIterable, Sendable {
        case fellOver1000, fell100To1000, fell10To100, fell1To10, fellTo1, zero, roseTo1, rose1To10, rose10To100, rose100To1000, roseOver1000

        /// The interval of differences (candidate − base) the bin holds.
        public var label: String {
            ["< -1000", "[-1000, -100)", "[-100, -10)", "[-10, -1)", "[-1, 0)", "0", "(0, 1]", "(1, 10]", "(10, 100]", "(100, 1000]", "> 1000"][rawValue]
        }

        /// The bin of a difference of `minor` minor units, with `minorPerMajor` of them in a major unit.
        public static func of(_ minor: Int64, minorPerMajor: Int64) -> RefundBin {
            if minor == 0 { return .zero }
            let magnitude = Int128(minor.magnitude)
            let per = Int128(minorPerMajor)
            let step: Int
            if magnitude <= per { step = 1 } else if magnitude <= 10 * per { step = 2 } else if magnitude <= 100 * per { step = 3 } else if magnitude <= 1000 * per { step = 4 } else { step = 5 }
            return RefundBin(rawValue: minor > 0 ? 5 + step : 5 - step) ?? .zero
        }
    }

    /// How many requests a rule fired for under each policy, and which policies have it.
    public struct RuleCount: Sendable, Equatable {
        public var base = 0
        public var candidate = 0
        public var inBase = false
        public var inCandidate = false
        public var change: Int { candidate - base }

        public init() {}
    }

    /// A differing request: its id, where it was read, and the fields that changed.
    public struct Example: Sendable, Equatable {
        public var id: String?
        /// `FILE:LINE` (`-:LINE` for stdin).
        public var source: String
        public var changes: [Change]
        /// Changes beyond those kept in `changes`.
        public var moreChanges: Int

        /// The most changes kept per example.
        public static let changesKept = 8
    }

    /// One changed field: its path and its value under each policy (one-line JSON, shortened).
    public struct Change: Sendable, Equatable {
        public var path: String
        public var base: String
        public var candidate: String
    }

    /// Adds `other`, the report of the input that follows this one's.
    public mutating func merge(_ other: DiffReport) {
        read += other.read
        skipped += other.skipped
        unreadable += other.unreadable
        decidedByBoth += other.decidedByBoth
        differing += other.differing
        invalidUnderEither += other.invalidUnderEither
        for (code, count) in other.invalidUnderBase { invalidUnderBase[code, default: 0] += count }
        for (code, count) in other.invalidUnderCandidate { invalidUnderCandidate[code, default: 0] += count }
        for (transition, count) in other.outcomes { outcomes[transition, default: 0] += count }
        for (transition, count) in other.differingOutcomes { differingOutcomes[transition, default: 0] += count }
        for (transition, count) in other.verdicts { verdicts[transition, default: 0] += count }
        for (currency, amounts) in other.money { money[currency, default: CurrencyMoney()].merge(amounts) }
        for (id, count) in other.rules {
            var mine = rules[id, default: RuleCount()]
            mine.base += count.base
            mine.candidate += count.candidate
            mine.inBase = mine.inBase || count.inBase
            mine.inCandidate = mine.inCandidate || count.inCandidate
            rules[id] = mine
        }
        for (transition, found) in other.examples {
            var mine = examples[transition, default: []]
            if mine.count < examplesLimit { mine += found.prefix(examplesLimit - mine.count) }
            if !mine.isEmpty { examples[transition] = mine }
        }
    }

    /// `merge` as a new value.
    public func merging(_ other: DiffReport) -> DiffReport {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// Rules sorted by the size of their change (largest first), ties by id.
    public var rulesByChange: [(id: String, count: RuleCount)] {
        rules.map { (id: $0.key, count: $0.value) }.sorted {
            let (a, b) = (abs($0.count.change), abs($1.count.change))
            return a != b ? a > b : $0.id < $1.id
        }
    }
}

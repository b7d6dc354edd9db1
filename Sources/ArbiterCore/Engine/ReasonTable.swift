/// Every reason a policy's effects can give — a code with the rule that gives it, and its
/// message in each locale — numbered once when the engine is made.
///
/// A decision carries reasons as these numbers while rules fire: recording one copies an
/// integer, telling two apart compares integers, and the message is read from the entry. With
/// the code and rule as strings, each verdict retained and released both, telling reasons apart
/// compared strings, and each reason's message was a dictionary lookup by code.
final class ReasonTable: @unchecked Sendable {
    struct Entry: Sendable {
        let code: String
        let rule: String
        /// The same for every entry with this code (whatever the rule): `route_to_review` gives a
        /// line a code once, whichever rule gave it before.
        let codeNumber: Int32
        /// The code as `codes.yaml` declares it, whose messages are resolved per locale once.
        let declared: ReasonCode?

        /// The message in `locale` (`ReasonCode.message(in:)`), or the code for one not declared.
        func message(in locale: MessageLocale) -> String {
            declared?.message(in: locale) ?? code
        }
    }

    let entries: [Entry]
    /// Each rule's reasons in the order its effects give them (`Effect.reasonCodes`), one
    /// stretch per rule; `RuleSet` steps point at their rule's stretch.
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let firstSlot: [ObjectIdentifier: Int]

    init(_ policy: Policy) {
        var entries: [Entry] = []
        var numbers: [String: [String: Int32]] = [:]  // code → rule → entry
        var codeNumbers: [String: Int32] = [:]
        var slots: [Int32] = []
        var firstSlot: [ObjectIdentifier: Int] = [:]
        for rule in policy.allRules {
            firstSlot[ObjectIdentifier(rule)] = slots.count
            for effect in rule.effects {
                for code in effect.reasonCodes {
                    if let number = numbers[code]?[rule.id] {
                        slots.append(number)
                        continue
                    }
                    let codeNumber = codeNumbers[code] ?? Int32(codeNumbers.count)
                    codeNumbers[code] = codeNumber
                    let number = Int32(entries.count)
                    entries.append(Entry(code: code, rule: rule.id, codeNumber: codeNumber, declared: policy.codes[code]))
                    numbers[code, default: [:]][rule.id] = number
                    slots.append(number)
                }
            }
        }
        self.entries = entries
        self.slots = .allocate(capacity: max(1, slots.count))
        _ = self.slots.initialize(from: slots)
        self.firstSlot = firstSlot
    }

    deinit { slots.deallocate() }

    /// The numbers of `rule`'s reasons, in the order its effects give them. Valid while this
    /// table lives; `rule` is one of the policy's rules (the engine's rule sets hold no other).
    func reasons(of rule: Rule) -> UnsafePointer<Int32> {
        guard let first = firstSlot[ObjectIdentifier(rule)] else {
            preconditionFailure("rule \(rule.id) is not a rule of the policy this reason table was made for")
        }
        return UnsafePointer(slots.baseAddress! + first)
    }

    @inline(__always)
    subscript(_ number: Int32) -> Entry { entries[Int(number)] }
}

extension Effect {
    /// The reason codes the effect gives, in order: a verdict's codes, and the one code of a
    /// compensation, a note and a route to review (offers and amounts give none).
    var reasonCodes: [String] {
        switch self {
        case .verdict(_, let codes): return codes
        case .compensation(_, _, let code), .note(let code), .routeToReview(let code): return [code]
        case .offer, .returnShipping, .deadlines, .adjust, .refundShipping, .refundTo: return []
        }
    }
}

/// The effects a fired rule applied, as its trace entry lists them (`approve SEVEN_DAY_NO_REASON`).
///
/// A rule that applies its effects in order, each once — the usual case — is listed with the
/// rule's own texts (`Rule.effectTexts`), shared with the rule: nothing is allocated for the
/// entry. Anything else (an effect left out, one applied per element, a text naming a count)
/// gets a list of its own, made at the first difference.
struct AppliedEffects {
    /// The rule's texts, once one of its effects was applied.
    private var shared: [String] = []
    /// How many of `shared`'s first texts were applied, in order, while `own` is nil.
    private var matched = 0
    private var own: [String]?

    /// The rule's effect `effectIndex` was applied.
    mutating func append(_ effectIndex: Int, of rule: Rule) {
        if own == nil {
            if matched == 0 { shared = rule.effectTexts }
            if effectIndex == matched {
                matched += 1
                return
            }
        }
        append(text: rule.effectTexts[effectIndex])
    }

    /// An effect shown with a text of its own (`adjust THRESHOLD_CLAWBACK for C1`).
    mutating func append(text: String) {
        if own == nil { own = Array(shared[..<matched]) }
        own!.append(text)
    }

    /// The list for the trace entry, in the order the effects were applied.
    var texts: [String] {
        if let own { return own }
        return matched == shared.count ? shared : Array(shared[..<matched])
    }
}

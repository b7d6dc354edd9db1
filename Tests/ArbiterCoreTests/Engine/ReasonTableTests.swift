import Testing
@testable import ArbiterCore

/// The numbers a decision carries its reasons as, and the closures the engine evaluates
/// amounts and defines with, over every policy version of the repository's set.
@Suite struct ReasonTableTests {
    /// Every reason slot of every rule names the code its effect gives, with that rule; equal
    /// (code, rule) pairs share a number and nothing else does; a code's number is the same
    /// whichever rule gives it; and each message is the policy's, in every locale.
    @Test func everyRulesReasonsAreItsEffectsCodes() throws {
        for policy in Repository.rulesSet.allVersions {
            let table = ReasonTable(policy)
            var numberOfPair: [String: Int32] = [:]
            var numberOfCode: [String: Int32] = [:]
            for rule in policy.allRules {
                let slots = table.reasons(of: rule)
                let codes = rule.effects.flatMap(\.reasonCodes)
                for (position, code) in codes.enumerated() {
                    let number = slots[position]
                    let entry = table[number]
                    #expect(entry.code == code && entry.rule == rule.id, "\(policy.name) \(rule.id) reason \(position)")
                    let pair = code + "\u{0}" + rule.id
                    #expect(numberOfPair[pair, default: number] == number, "\(pair) has one number")
                    numberOfPair[pair] = number
                    #expect(numberOfCode[code, default: entry.codeNumber] == entry.codeNumber, "\(code) has one code number")
                    numberOfCode[code] = entry.codeNumber
                    for locale in MessageLocale.allCases {
                        let declared = try #require(policy.codes[code], "\(code) is declared in codes.yaml")
                        #expect(entry.message(in: locale) == declared.message(in: locale))
                    }
                }
            }
            #expect(Set(numberOfPair.values).count == numberOfPair.count, "distinct pairs have distinct numbers")
            #expect(Set(numberOfCode.values).count == numberOfCode.count, "distinct codes have distinct code numbers")
            #expect(table.entries.count == numberOfPair.count, "the table holds exactly the pairs the rules give")
        }
    }

    /// Every amount, value and define of every rule has its closures; an expression of
    /// another policy has none (and is walked as a tree).
    @Test func everyComputedExpressionHasItsClosures() throws {
        let versions = Repository.rulesSet.allVersions
        let cn = try #require(versions.first { $0.name == "cn" })
        let eu = try #require(versions.first { $0.name == "eu" })
        let closures = ExpressionClosures(computed: cn.allRules.flatMap(\.computedExpressions))
        let expressions = cn.allRules.flatMap(\.computedExpressions)
        #expect(expressions.count > 20)
        for expression in expressions {
            #expect(closures.closure(for: expression) != nil, "\(expression.source)")
        }
        for expression in eu.allRules.flatMap(\.computedExpressions) {
            #expect(closures.closure(for: expression) == nil, "\(expression.source) is eu's")
        }
    }
}

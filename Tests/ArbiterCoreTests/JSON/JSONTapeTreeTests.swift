import PropertyBased
import Testing
@testable import ArbiterCore

/// A tree read into a tape (`JSONTape.load`) is the document its compact text parses to: the
/// same tokens, bytes and canonical JSON; and a request decided from its tree gets the answer
/// its text gets, errors included.
@Suite struct JSONTapeTreeTests {
    /// Token by token: kind, element count, extent, and the bytes of strings and numbers.
    static func expectSameDocument(_ value: JSONValue, _ context: String = "") throws {
        let fromTree = JSONTape()
        let fromText = JSONTape()
        let text = JSONTestSupport.compactBytes(value)
        let tree = try #require(fromTree.load(value), "\(context)")
        let parsed = try text.withUnsafeBytes { try fromText.parse($0) }
        #expect(tree.count == parsed.count, "\(context)")
        for index in 0..<min(tree.count, parsed.count) {
            #expect(tree.kind(index) == parsed.kind(index), "\(context) token \(index)")
            switch tree.kind(index) {
            case .array, .object:
                #expect(tree.elementCount(index) == parsed.elementCount(index), "\(context) token \(index)")
                #expect(tree.next(after: index) == parsed.next(after: index), "\(context) token \(index)")
            case .string, .number:
                #expect(Array(tree.bytes(index)) == Array(parsed.bytes(index)), "\(context) token \(index)")
            default:
                break
            }
        }
        // The writer owns the bytes `write` returns: it must outlive their copy (a temporary
        // writer is freed as soon as `write` returns, and the copy would read freed memory).
        let writer = CanonicalJSONWriter()
        let canonicalTree = withExtendedLifetime(writer) { Array(writer.write(tree)) }
        let canonicalText = withExtendedLifetime(writer) { Array(writer.write(parsed)) }
        #expect(canonicalTree == canonicalText, "\(context)")
    }

    @Test func generatedValuesLoadAsTheirTextParses() async {
        await propertyCheck(count: 500, input: JSONValueGenerator.value) { value in
            try Self.expectSameDocument(value)
        }
    }

    @Test func escapesAndNonASCIILoadAsTheirTextParses() throws {
        try Self.expectSameDocument(.object([
            JSONMember(key: "kind", value: .string("re\"turn\\\n\u{0}")),
            JSONMember(key: "é", value: .array([.string("七天无理由"), .number("-0.5e+10"), .bool(true), .null])),
            JSONMember(key: "kind", value: .object([])),
        ]))
    }

    /// Literals outside JSON's grammar and nesting at the reader's limit are not loaded: they
    /// go through the text, which reports them.
    @Test func whatTheTextRefusesIsNotLoaded() {
        for literal in ["01", "1.", ".5", "-", "1e", "+1", "0x10", "NaN", "1 ", ""] {
            #expect(JSONTape().load(.array([.number(literal)])) == nil, "\(literal)")
        }
        for literal in ["0", "-0", "10", "1.25", "1e5", "1E-5", "-12.5e+3"] {
            #expect(JSONTape().load(.number(literal)) != nil, "\(literal)")
        }
        var deep = JSONValue.null
        for _ in 0..<JSONReader.maximumDepth { deep = .array([deep]) }
        #expect(JSONTape().load(deep) == nil)
    }

    /// Every fixture's request and random requests: the same decision or error from the tree
    /// as from the text, at every audit level.
    @Test func requestsDecideAlikeFromTreeAndText() throws {
        for audit in [AuditLevel.none, .summary, .full] {
            let decider = Decider(policy: Repository.rulesSet, audit: audit)
            var requests: [JSONValue] = []
            for path in FixtureLoader.files(at: Repository.path("Fixtures")) { requests.append(try FixtureLoader.load(path: path).request) }
            var draw = RandomRequestPropertyTests.Draw(state: 20_261_203)
            for step in 0..<300 {
                var order = RandomRequestPropertyTests.makeOrder(&draw)
                if draw.chance(30) { RandomRequestPropertyTests.addPayments(&order, &draw) }
                requests.append(RandomRequestPropertyTests.makeRequest(order, &draw, step: step))
            }
            requests.append(.object([JSONMember(key: "op", value: .string("ping"))]))
            requests.append(.array([]))
            requests.append(.object([JSONMember(key: "id", value: .number("01"))]))
            for (index, request) in requests.enumerated() {
                let text = request.serialized(pretty: false)
                let fromTree: Result<Decision, AnswerError>
                let fromText: Result<Decision, AnswerError>
                do { fromTree = .success(try decider.decide(json: request)) } catch { fromTree = .failure(error) }
                do { fromText = .success(try decider.decide(line: text)) } catch { fromText = .failure(error) }
                switch (fromTree, fromText) {
                case (.success(let tree), .success(let text)): #expect(tree == text, "request \(index) at \(audit)")
                case (.failure(let tree), .failure(let text)): #expect(tree == text, "request \(index) at \(audit)")
                default: Issue.record("request \(index) at \(audit): \(fromTree) vs \(fromText)")
                }
            }
        }
    }
}

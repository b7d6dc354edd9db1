/// A serve log records each request as canonical JSON (keys sorted, SPEC section 10), so the
/// order in which the request's fields were written is not in the log. An `invalid_request`
/// answer names the first bad field in document order (SPEC section 8): for a request with
/// two bad fields, deciding the logged request again may name the other one
/// (`$.lines[0].condition` sorts before `$.reason`).
///
/// Replay then asks whether the recorded answer is one the engine gives for this request in
/// some order of its fields: the members on the recorded path are moved to the front of their
/// objects (arrays keep their order, as they do in any reading) and the request is decided
/// again. docs/interpretations.md, 93.
enum RecordedErrorOrder {
    /// `request` with the members on `path` (`$.order.items[2].unit_price`) first in each
    /// object along it, or nil when the path does not lead through the request's objects and
    /// arrays (a missing field's path ends at a key the object lacks: the steps before it
    /// are still brought forward).
    static func bringingForward(_ request: JSONValue, path: String) -> JSONValue? {
        guard let steps = steps(of: path) else { return nil }
        return bringingForward(request, steps[...])
    }

    private enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    private static func bringingForward(_ value: JSONValue, _ steps: ArraySlice<Step>) -> JSONValue? {
        guard let step = steps.first else { return value }
        switch (step, value) {
        case (.key(let name), .object(let members)):
            guard let last = members.lastIndex(where: { $0.key == name }) else {
                return steps.count == 1 ? value : nil
            }
            guard let inner = bringingForward(members[last].value, steps.dropFirst()) else { return nil }
            // Earlier members of the same name count for nothing (the last one does): dropped.
            return .object([JSONMember(key: name, value: inner)] + members.filter { $0.key != name })
        case (.index(let position), .array(var elements)):
            guard elements.indices.contains(position),
                  let inner = bringingForward(elements[position], steps.dropFirst()) else { return nil }
            elements[position] = inner
            return .array(elements)
        default:
            return nil
        }
    }

    /// `$.a.b[3].c` as steps; nil for anything else (a key with a dot or a bracket in it, which
    /// no request field has).
    private static func steps(of path: String) -> [Step]? {
        guard path.hasPrefix("$") else { return nil }
        var steps: [Step] = []
        var rest = path.dropFirst()
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]"), let position = Int(rest[rest.index(after: rest.startIndex)..<close]) else { return nil }
                steps.append(.index(position))
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        return steps
    }
}

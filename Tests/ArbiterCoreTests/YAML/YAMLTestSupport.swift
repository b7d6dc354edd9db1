import Testing
@testable import ArbiterCore

/// Shape accessors for YAML tests: each records a failure (instead of crashing) on a mismatch.
enum YAMLShape {
    static func mapping(_ node: YAMLNode?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLMapping {
        guard case .mapping(let mapping)? = node else {
            throw ShapeMismatch(expected: "mapping", found: node, sourceLocation: sourceLocation)
        }
        return mapping
    }

    static func sequence(_ node: YAMLNode?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLSequence {
        guard case .sequence(let sequence)? = node else {
            throw ShapeMismatch(expected: "sequence", found: node, sourceLocation: sourceLocation)
        }
        return sequence
    }

    static func scalar(_ node: YAMLNode?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLScalar {
        guard case .scalar(let scalar)? = node else {
            throw ShapeMismatch(expected: "scalar", found: node, sourceLocation: sourceLocation)
        }
        return scalar
    }

    struct ShapeMismatch: Error, CustomStringConvertible {
        var expected: String
        var found: YAMLNode?
        var sourceLocation: Testing.SourceLocation
        var description: String { "expected a \(expected), found \(String(describing: found)) at \(sourceLocation)" }
    }
}

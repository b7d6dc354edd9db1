/// Bounds the loader enforces so that a hostile file cannot exhaust memory or stack.
public struct YAMLLimits: Sendable, Hashable {
    /// Most nodes a document may have, counted after alias expansion (keys count too).
    public var maxNodes: Int
    /// Deepest nesting of mappings and sequences (the root collection is depth 1).
    public var maxDepth: Int

    public init(maxNodes: Int = 100_000, maxDepth: Int = 64) {
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
    }

    /// 100 000 nodes, 64 levels: far beyond any policy, small enough to fail fast on a bomb.
    public static let `default` = YAMLLimits()
}

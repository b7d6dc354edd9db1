/// Assembles `YAMLNode`s from parse events, enforcing the loader's rules: one document, scalar
/// and unique mapping keys, known aliases, and the node and depth limits.
struct YAMLTreeBuilder {
    /// A mapping or sequence whose end event has not arrived yet.
    private struct Frame {
        var isMapping: Bool
        var location: SourceLocation
        var anchor: String?
        var items: [YAMLNode] = []
        var entries: [YAMLMappingEntry] = []
        var pendingKey: YAMLScalar?
        /// Key → entry index, built once a mapping is too large for a linear duplicate scan.
        var keyIndex: [String: Int]?
        var nodeCountAtStart: Int
        var childHeight = 0
    }

    /// An anchored node: still open (an alias to it would be recursive) or complete.
    private enum Anchored {
        case open
        case complete(YAMLNode, nodeCount: Int, height: Int)
    }

    private static let linearKeyScanLimit = 16

    let limits: YAMLLimits
    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var nodeCount = 0
    private var expandedAliases = false
    private var documents = 0
    private(set) var root: YAMLNode?

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    /// Feeds one event; returns true once the stream has ended.
    mutating func consume(_ event: YAMLEvent) throws(YAMLError) -> Bool {
        switch event {
        case .streamStart, .documentEnd:
            return false
        case .streamEnd:
            return true
        case .documentStart(let location):
            documents += 1
            if documents > 1 { throw .multipleDocuments(at: location) }
            return false
        case .scalar(let scalar, let anchor):
            try count(1, at: scalar.location)
            let node = YAMLNode.scalar(scalar)
            if let anchor { anchors[anchor] = .complete(node, nodeCount: 1, height: 0) }
            try attach(node, height: 0)
            return false
        case .alias(let name, let location):
            try expandAlias(name, at: location)
            return false
        case .sequenceStart(let anchor, let location):
            try open(isMapping: false, anchor: anchor, at: location)
            return false
        case .mappingStart(let anchor, let location):
            try open(isMapping: true, anchor: anchor, at: location)
            return false
        case .sequenceEnd, .mappingEnd:
            try close()
            return false
        }
    }

    private mutating func count(_ nodes: Int, at location: SourceLocation) throws(YAMLError) {
        nodeCount += nodes
        guard nodeCount > limits.maxNodes else { return }
        throw expandedAliases
            ? .aliasLimit(limit: limits.maxNodes, at: location)
            : .tooManyNodes(limit: limits.maxNodes, at: location)
    }

    private mutating func open(isMapping: Bool, anchor: String?, at location: SourceLocation) throws(YAMLError) {
        if stack.count >= limits.maxDepth { throw .tooDeep(limit: limits.maxDepth, at: location) }
        try count(1, at: location)
        if let anchor { anchors[anchor] = .open }
        stack.append(Frame(isMapping: isMapping, location: location, anchor: anchor, nodeCountAtStart: nodeCount - 1))
    }

    private mutating func close() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        let node: YAMLNode = frame.isMapping
            ? .mapping(YAMLMapping(entries: frame.entries, location: frame.location))
            : .sequence(YAMLSequence(items: frame.items, location: frame.location))
        let height = frame.childHeight + 1
        if let anchor = frame.anchor {
            anchors[anchor] = .complete(node, nodeCount: nodeCount - frame.nodeCountAtStart, height: height)
        }
        try attach(node, height: height)
    }

    /// An alias becomes a copy of its anchor's node (sharing storage, so a bomb costs no memory
    /// before the node count stops it), keeping the anchor's locations.
    private mutating func expandAlias(_ name: String, at location: SourceLocation) throws(YAMLError) {
        switch anchors[name] {
        case nil:
            let defined = anchors.compactMap { name, anchored in
                if case .complete = anchored { return name } else { return nil }
            }
            throw .unknownAlias(name: name, suggestion: Suggestion.closest(to: name, in: defined.sorted()), at: location)
        case .open:
            throw .recursiveAlias(name: name, at: location)
        case .complete(let node, let nodes, let height):
            if stack.count + height > limits.maxDepth { throw .tooDeep(limit: limits.maxDepth, at: location) }
            expandedAliases = true
            try count(nodes, at: location)
            try attach(node, height: height)
        }
    }

    private mutating func attach(_ node: YAMLNode, height: Int) throws(YAMLError) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].childHeight = max(stack[top].childHeight, height)
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            try acceptKey(node, frame: top)
            return
        }
        stack[top].pendingKey = nil
        stack[top].entries.append(YAMLMappingEntry(key: key, value: node))
        let position = stack[top].entries.count - 1
        if stack[top].keyIndex != nil {
            stack[top].keyIndex?[key.value] = position
        } else if stack[top].entries.count > Self.linearKeyScanLimit {
            var index: [String: Int] = [:]
            for (position, entry) in stack[top].entries.enumerated() { index[entry.key.value] = position }
            stack[top].keyIndex = index
        }
    }

    private mutating func acceptKey(_ node: YAMLNode, frame top: Int) throws(YAMLError) {
        let key: YAMLScalar
        switch node {
        case .scalar(let scalar): key = scalar
        case .mapping(let mapping): throw .nonScalarKey(found: "mapping", at: mapping.location)
        case .sequence(let sequence): throw .nonScalarKey(found: "sequence", at: sequence.location)
        }
        let first: YAMLMappingEntry?
        if let index = stack[top].keyIndex {
            first = index[key.value].map { stack[top].entries[$0] }
        } else {
            first = stack[top].entries.first { $0.key.value == key.value }
        }
        if let first {
            throw .duplicateKey(key: key.value, at: key.location, firstLine: first.key.location.line)
        }
        stack[top].pendingKey = key
    }
}

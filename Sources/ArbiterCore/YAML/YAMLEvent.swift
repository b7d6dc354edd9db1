/// One libyaml parse event, converted to Swift with source locations resolved.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(at: SourceLocation)
    case documentEnd
    case scalar(YAMLScalar, anchor: String?)
    case alias(name: String, at: SourceLocation)
    case sequenceStart(anchor: String?, at: SourceLocation)
    case sequenceEnd
    case mappingStart(anchor: String?, at: SourceLocation)
    case mappingEnd
}

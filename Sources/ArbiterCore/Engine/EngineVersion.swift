/// The engine name and version recorded in every audit trail.
public enum EngineVersion {
    public static let version = "0.2.0"
    public static let description = "arbiter \(version)"
}

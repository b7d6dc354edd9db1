/// The header's `policies`: what the log's decisions were made with.
public enum LogPolicies {
    /// The canonical JSON of `[{"digest","name","version"}]` for the loaded policy, as `ping`
    /// names it. The one place this array is built: a policy set will add every version in
    /// force (with `effective_from`/`effective_until`) here.
    public static func json(for policy: Policy) -> [UInt8] {
        var out: [UInt8] = []
        LogFormat.appendASCII("[{\"digest\":", to: &out)
        LogFormat.appendString(policy.digest.utf8, to: &out)
        LogFormat.appendASCII(",\"name\":", to: &out)
        LogFormat.appendString(policy.name.utf8, to: &out)
        LogFormat.appendASCII(",\"version\":", to: &out)
        LogFormat.appendString(policy.version.utf8, to: &out)
        LogFormat.appendASCII("}]", to: &out)
        return out
    }
}

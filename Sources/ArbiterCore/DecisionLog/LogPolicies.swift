/// The header's `policies`: what the log's decisions were made with.
public enum LogPolicies {
    /// The canonical JSON of ping's `policies` (SPEC sections 9 and 10): every version of every
    /// pack, sorted by name then `effective_from`, each `{"digest","effective_from",
    /// "effective_until","name","version"}` (keys in canonical order). A restart whose policies
    /// differ from the header's starts a new file.
    public static func json(for set: PolicySet) -> [UInt8] {
        var out: [UInt8] = []
        LogFormat.appendASCII("[", to: &out)
        for (index, policy) in set.allVersions.enumerated() {
            if index > 0 { LogFormat.appendASCII(",", to: &out) }
            LogFormat.appendASCII("{\"digest\":", to: &out)
            LogFormat.appendString(policy.digest.utf8, to: &out)
            LogFormat.appendASCII(",\"effective_from\":", to: &out)
            if let from = policy.effectiveFrom { LogFormat.appendString(from.rfc3339.utf8, to: &out) } else { LogFormat.appendASCII("null", to: &out) }
            LogFormat.appendASCII(",\"effective_until\":", to: &out)
            if let until = policy.effectiveUntil { LogFormat.appendString(until.rfc3339.utf8, to: &out) } else { LogFormat.appendASCII("null", to: &out) }
            LogFormat.appendASCII(",\"name\":", to: &out)
            LogFormat.appendString(policy.name.utf8, to: &out)
            LogFormat.appendASCII(",\"version\":", to: &out)
            LogFormat.appendString(policy.version.utf8, to: &out)
            LogFormat.appendASCII("}", to: &out)
        }
        LogFormat.appendASCII("]", to: &out)
        return out
    }
}

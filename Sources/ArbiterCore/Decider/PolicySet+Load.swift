extension PolicySet {
    /// Reads and checks the policy set (or lone pack) in `directory`, as `arbiter check` does:
    /// a set with any error is not returned, and the error's `message` lists every diagnostic
    /// (`file:line:col: error: …`), so a service refuses to start on a broken policy.
    public static func load(directory: String) throws(PolicyUnusable) -> PolicySet {
        switch PolicyLocator.loadUsableSets(at: directory, count: 1) {
        case .success(let sets): return sets[0]
        case .failure(let unusable): throw unusable
        }
    }
}

extension Unmanaged {
    /// Calls `body` with the object, borrowed: no retain before and no release after.
    ///
    /// For an object something else is known to keep alive for the whole call (a rule set's
    /// rules, owned by the set). Bound to a local instead (`let rule = step.rule`), an object
    /// read from an unowned or unmanaged reference is retained and released around its uses: two
    /// atomic operations per rule considered, some fifty per decision. (`_withUnsafeGuaranteedRef`
    /// is the standard library's way to say this; it only `rethrows`, so a typed error goes
    /// through a `Result` here.)
    @inline(__always)
    func borrowing<Value, Failure: Error>(_ body: (Instance) throws(Failure) -> Value) throws(Failure) -> Value {
        try _withUnsafeGuaranteedRef { instance in Result { () throws(Failure) -> Value in try body(instance) } }.get()
    }
}

/// Process exit codes (SPEC section 2).
public enum ExitStatus: Int32, Sendable {
    /// The work ran and found nothing wrong.
    case success = 0
    /// The work ran but found a failure (policy errors, a fixture mismatch, a decision difference).
    case failure = 1
    /// Unusable arguments, policy or input at start-up.
    case unusable = 2
}

/// When the log is forced to disk (`serve --log-sync`).
public enum LogSync: String, CaseIterable, Sendable {
    /// fsync once per batch, before the batch's answers are written (the default).
    case batch
    /// fsync after every record.
    case every
    /// Never fsync: records reach the file (the kernel's cache) before their answers, but a
    /// machine crash may lose the last ones.
    case none
}

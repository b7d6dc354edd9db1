/// How large a request may be (SPEC section 8, "Limits"). With these, and the line limit of
/// `serve`, no request makes the process use more than 256 MiB or write an answer over 16 MiB.
public enum RequestLimits {
    public static let items = 1_000
    public static let lines = 1_000
    public static let discounts = 100
    public static let payments = 20

    /// Checks the counts of a request's arrays, in the order of the SPEC's list.
    static func check(items: Int, lines: Int, discounts: Int, payments: Int) throws(RequestError) {
        guard items <= Self.items else { throw tooMany(items, Self.items, "items", "$.order.items") }
        guard lines <= Self.lines else { throw tooMany(lines, Self.lines, "lines", "$.lines") }
        guard discounts <= Self.discounts else { throw tooMany(discounts, Self.discounts, "discounts", "$.order.discounts") }
        guard payments <= Self.payments else { throw tooMany(payments, Self.payments, "payments", "$.order.payments") }
    }

    private static func tooMany(_ count: Int, _ limit: Int, _ what: String, _ path: String) -> RequestError {
        RequestError(path: path, "\(count) \(what) is over the limit of \(limit) \(what) a request may have")
    }
}

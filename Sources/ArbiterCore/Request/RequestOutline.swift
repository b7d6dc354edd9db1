/// The members of a request that are read before it is decoded, found in one pass over the
/// request's members and one over its order's: `op` (a ping or a request), which pack and
/// version decide it (`policy`, and `order.placed_at` or `requested_at`, SPEC section 9) and
/// whether it is within the limits (the sizes of `order.items`, `lines`, `order.discounts` and
/// `order.payments`, and `order.currency`, whose fraction digits amounts are read with; SPEC
/// section 8). The last occurrence of a key counts, as everywhere.
///
/// Each was a look-up of its own over the same members (five passes over the request's, three
/// over its order's); the decoder then reads every member once more, by its key table.
struct RequestOutline {
    var op: Int?
    var policy: Int?
    var requestedAt: Int?
    var lines: Int?
    /// Members of the order, when it is an object (else they are not looked at here).
    var placedAt: Int?
    var currency: Int?
    var items: Int?
    var discounts: Int?
    var payments: Int?

    /// The outline of the object at the root of `document` (nothing is found for any other
    /// root).
    init(_ document: JSONTape.View) {
        let root = document.root
        guard document.count > 0, document.kind(root) == .object else { return }
        var order: Int?
        // A plain ASCII key is told by its length first: one comparison of bytes for the one
        // name of that length it could be, and none for the dozen others (each literal's
        // comparison folds to two word loads). Any other key is made a `String` once and
        // matched as text (`String` equality: canonical equivalence).
        for (name, value) in document.members(of: root) {
            guard document.isPlainASCII(name) else {
                switch document.string(name) {
                case "order": order = value
                case "lines": lines = value
                case "requested_at": requestedAt = value
                case "policy": policy = value
                case "op": op = value
                default: break
                }
                continue
            }
            switch document.plainByteCount(name) {
            case 5:
                if document.plainString(name, equals: "order") {
                    order = value
                } else if document.plainString(name, equals: "lines") {
                    lines = value
                }
            case 12: if document.plainString(name, equals: "requested_at") { requestedAt = value }
            case 6: if document.plainString(name, equals: "policy") { policy = value }
            case 2: if document.plainString(name, equals: "op") { op = value }
            default: break
            }
        }
        guard let order, document.kind(order) == .object else { return }
        for (name, value) in document.members(of: order) {
            guard document.isPlainASCII(name) else {
                switch document.string(name) {
                case "items": items = value
                case "placed_at": placedAt = value
                case "currency": currency = value
                case "discounts": discounts = value
                case "payments": payments = value
                default: break
                }
                continue
            }
            switch document.plainByteCount(name) {
            case 5: if document.plainString(name, equals: "items") { items = value }
            case 9:
                if document.plainString(name, equals: "placed_at") {
                    placedAt = value
                } else if document.plainString(name, equals: "discounts") {
                    discounts = value
                }
            case 8:
                if document.plainString(name, equals: "currency") {
                    currency = value
                } else if document.plainString(name, equals: "payments") {
                    payments = value
                }
            default: break
            }
        }
    }
}

// TEMPORARY until the proration branch merges; deleted then.
public enum Proration {
    public static func allocate(_ total: Int64, proportionalTo weights: [Int64]) -> [Int64]? { nil }
    public static func refundOfUnits(paid: Int64, quantity: Int, alreadyRefunded: Int, units: Int) -> Int64 { 0 }
    public static func allocationOnKeptUnits(allocation: Int64, quantity: Int, goneUnits: Int) -> Int64 { 0 }
}
extension JSONValue { func canonicalBytes() -> [UInt8] { [] } }

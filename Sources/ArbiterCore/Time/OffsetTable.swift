import Foundation

/// A zone's offsets from 1900 to 2200 as a table of the instants where they change, read from
/// the time-zone database once when the zone is first used.
///
/// Asking the database (ICU, through Foundation) for the offset at an instant costs tens of
/// thousands of instructions and takes a lock; a decision in a zone with daylight saving time
/// asks dozens of times (the end of a local day probes the days around it). The table answers
/// the same offset with a binary search. Instants outside it are still asked of the database.
/// `Tests/ArbiterCoreTests/Time/OffsetTableTests.swift` compares the two on every transition
/// and on random instants.
struct OffsetTable: Sendable {
    /// The first instant the table covers (1900-01-01T00:00:00Z).
    static let start: Int64 = -2_208_988_800
    /// Transitions are listed up to this instant (2200-01-01T00:00:00Z).
    static let horizon: Int64 = 7_258_118_400
    /// How many transitions a zone may list before the horizon (two a year, with room to spare).
    static let maximumTransitions = 2_000

    /// The first instant not covered: the first transition after the horizon (the offset holds
    /// until then), `Int64.max` when the database lists none (the offset holds for good), or
    /// `start` when the zone lists more than `maximumTransitions` (nothing is tabled).
    let end: Int64
    /// The offset in force at `start`.
    let initialOffset: Int32
    /// Instants (whole seconds, ascending) from which `offsets[i]` is in force.
    let changes: [Int64]
    let offsets: [Int32]

    init(_ timeZone: TimeZone) {
        initialOffset = Int32(clamping: timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(Self.start))))
        var changes: [Int64] = []
        var offsets: [Int32] = []
        var current = initialOffset
        var after = Date(timeIntervalSince1970: TimeInterval(Self.start))
        var end = Int64.max
        var listed = 0
        while let next = timeZone.nextDaylightSavingTimeTransition(after: after) {
            // The new offset holds from the first whole second at or after the transition.
            let boundary = Int64(next.timeIntervalSince1970.rounded(.up))
            if boundary >= Self.horizon {
                end = boundary
                break
            }
            listed += 1
            if listed > Self.maximumTransitions {
                end = Self.start
                break
            }
            let offset = Int32(clamping: timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(boundary))))
            if offset != current {
                changes.append(boundary)
                offsets.append(offset)
                current = offset
            }
            after = next
        }
        self.end = end
        self.changes = changes
        self.offsets = offsets
    }

    private init(end: Int64, initialOffset: Int32, changes: [Int64], offsets: [Int32]) {
        self.end = end
        self.initialOffset = initialOffset
        self.changes = changes
        self.offsets = offsets
    }

    /// The same table in arrays of its own (`Zone.unshared`).
    func unshared() -> OffsetTable {
        OffsetTable(end: end, initialOffset: initialOffset, changes: changes.unsharedCopy(), offsets: offsets.unsharedCopy())
    }

    /// The offset at an instant the table covers, or nil.
    func offset(atEpochSeconds seconds: Int64) -> Int32? {
        guard seconds >= Self.start, seconds < end else { return nil }
        // The number of changes at or before `seconds`.
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? initialOffset : offsets[low - 1]
    }

    /// Whether every instant of `range` is covered.
    func covers(_ range: ClosedRange<Int64>) -> Bool {
        range.lowerBound >= Self.start && range.upperBound < end
    }

    /// Appends to `found` each offset in force at `first`, `first + step`, … through `last`
    /// that it does not hold yet, in that order: what asking `offset(atEpochSeconds:)` at each
    /// probe gives, walking the changes once instead of searching for every probe. The whole
    /// range must be covered (`covers`).
    func appendProbedOffsets(from first: Int64, through last: Int64, by step: Int64, to found: inout [Int32]) {
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle] <= first { low = middle + 1 } else { high = middle }
        }
        var next = low  // the first change after the probe
        var probe = first
        while probe <= last {
            while next < changes.count, changes[next] <= probe { next += 1 }
            let offset = next == 0 ? initialOffset : offsets[next - 1]
            if !found.contains(offset) { found.append(offset) }
            // The offset holds until the next change: go straight to the first probe at or after it.
            guard next < changes.count, changes[next] <= last else { break }
            probe += max(1, (changes[next] - probe + step - 1) / step) * step
        }
    }
}

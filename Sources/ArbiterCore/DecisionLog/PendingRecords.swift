import Crypto

/// Records built by one deciding thread for one chunk of a batch, complete but for their
/// `prev` and `hash`, which only the chain (one record after the other) can fill in.
///
/// Each record is canonical JSON with two 64-digit placeholders; the SHA-256 of everything
/// before `prev` (the `at`, the `decision`, `input_line`: most of the bytes) is already
/// absorbed on the deciding thread, so sealing a record hashes only `prev` and what follows it.
final class PendingRecords: @unchecked Sendable {
    struct Record {
        /// Where the record starts in `bytes`.
        var start: Int
        /// Where the hex digits of its `hash` go.
        var hashHex: Int
        /// Where the hex digits of its `prev` go.
        var prevHex: Int
        /// Just past its closing brace (its `\n` follows).
        var end: Int
        /// SHA-256 of the hashed bytes before `prevHex`.
        var state: SHA256
    }

    /// The records' lines, one after the other, each with its `\n`.
    var bytes: [UInt8] = []
    var records: [Record] = []

    /// Fills in the `prev` and `hash` of record `index`; `chain` holds the previous hash (64 hex
    /// digits) and is replaced by this record's.
    func seal(_ index: Int, chain: inout [UInt8]) {
        let record = records[index]
        bytes.replaceSubrange(record.prevHex..<(record.prevHex + LogFormat.hexCount), with: chain)
        var state = record.state
        bytes.withUnsafeBytes { raw in
            state.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[record.prevHex..<record.end]))
        }
        LogFormat.writeHex(state.finalize(), into: &bytes, at: record.hashHex)
        chain.replaceSubrange(0..<LogFormat.hexCount, with: bytes[record.hashHex..<(record.hashHex + LogFormat.hexCount)])
    }

    /// The bytes of record `index`, its `\n` included.
    func range(of index: Int) -> Range<Int> { records[index].start..<(records[index].end + 1) }

    /// The bytes its buffers hold on to.
    var retainedCapacity: Int { bytes.capacity + records.capacity * MemoryLayout<Record>.stride }

    /// Empties the buffers for reuse, keeping their memory.
    func reset() {
        bytes.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
    }

    /// Lets go of the buffers' memory (a spare batch over the output's budget).
    func releaseMemory() {
        bytes = []
        records = []
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `serve` loop: reads JSON Lines from a file descriptor and writes one answer per
/// non-empty line, in order. Answers are buffered while more input is already waiting and
/// flushed before the loop would block on a read, so a caller that writes one line and waits
/// gets its answer at once, and bulk input is written in large chunks.
public struct ServeLoop {
    public let handler: ProtocolHandler
    /// Lines longer than this (without the line break) are answered with `too_large`.
    public let maxLineBytes: Int

    public init(handler: ProtocolHandler, maxLineBytes: Int = 1 << 20) {
        self.handler = handler
        self.maxLineBytes = maxLineBytes
    }

    /// Runs until end of input. Returns false if the output could not be written (e.g. a closed pipe).
    @discardableResult
    public func run(input: Int32 = 0, output: Int32 = 1) -> Bool {
        let chunkSize = 256 * 1024
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        // Bytes of the current (incomplete) line are kept from `lineStart` to `filled`.
        var filled = 0
        var lineStart = 0
        var lineNumber = 0
        var discarding = false  // inside a line that is already too large
        var writer = JSONWriter(pretty: false, reservingCapacity: 1 << 16)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 17)

        func flush() -> Bool {
            var offset = 0
            while offset < out.count {
                let written = out.withUnsafeBytes { write(output, $0.baseAddress! + offset, out.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            out.removeAll(keepingCapacity: true)
            return true
        }

        func answer(_ line: UnsafeRawBufferPointer) {
            lineNumber += 1
            var end = line.count
            if end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let content = UnsafeRawBufferPointer(rebasing: line[0..<end])
            if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // empty lines get no answer
            writer.reset()
            if content.count > maxLineBytes {
                handler.writeError(.tooLarge, "line is \(content.count) bytes; the limit is \(maxLineBytes)", path: nil, id: nil, lineNumber: lineNumber, into: &writer)
            } else {
                handler.respond(to: content, lineNumber: lineNumber, into: &writer)
            }
            out.append(contentsOf: writer.bytes)
            out.append(UInt8(ascii: "\n"))
        }

        func tooLarge(size: Int) {
            lineNumber += 1
            writer.reset()
            handler.writeError(.tooLarge, "line is more than \(maxLineBytes) bytes (\(size) bytes)", path: nil, id: nil, lineNumber: lineNumber, into: &writer)
            out.append(contentsOf: writer.bytes)
            out.append(UInt8(ascii: "\n"))
        }

        var discardedBytes = 0
        while true {
            // Make room: move the incomplete line to the front, grow if one line needs it.
            if lineStart > 0 {
                if lineStart < filled {
                    buffer.withUnsafeMutableBytes { raw in
                        let base = raw.baseAddress!
                        memmove(base, base + lineStart, filled - lineStart)
                    }
                }
                filled -= lineStart
                lineStart = 0
            }
            if filled == buffer.count {
                buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
            }
            // About to block: everything answered so far goes out now.
            if !out.isEmpty, !flush() { return false }
            let count = buffer.withUnsafeMutableBytes { raw in read(input, raw.baseAddress! + filled, raw.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            let scanFrom = filled
            filled += count
            buffer.withUnsafeBytes { raw in
                var position = scanFrom
                while position < filled {
                    guard let found = memchr(raw.baseAddress! + position, Int32(UInt8(ascii: "\n")), filled - position) else {
                        position = filled
                        break
                    }
                    let newline = raw.baseAddress!.distance(to: UnsafeRawPointer(found))
                    if discarding {
                        discardedBytes += newline - lineStart
                        tooLarge(size: discardedBytes)
                        discarding = false
                        discardedBytes = 0
                    } else {
                        answer(UnsafeRawBufferPointer(rebasing: raw[lineStart..<newline]))
                    }
                    lineStart = newline + 1
                    position = lineStart
                    if out.count >= 1 << 16, !flush() { return }
                }
            }
            // A line longer than the limit (plus room for "\r") is not kept in memory.
            if filled - lineStart > maxLineBytes + 1 {
                discardedBytes += filled - lineStart
                discarding = true
                lineStart = filled
            }
        }
        // A final line without a line break still gets its answer.
        if discarding {
            discardedBytes += filled - lineStart
            tooLarge(size: discardedBytes)
        } else if filled > lineStart {
            buffer.withUnsafeBytes { raw in answer(UnsafeRawBufferPointer(rebasing: raw[lineStart..<filled])) }
        }
        return flush()
    }
}

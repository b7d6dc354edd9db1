import CYaml
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads policy YAML into `YAMLNode`s with libyaml's event API, every node located in its file.
///
/// Strict on purpose: exactly one document, scalar and unique mapping keys, no explicit tags,
/// scalars kept as text (`no`, `on`, `1.0` stay strings for the schema to type), aliases
/// expanded within `YAMLLimits`. Merge keys (`<<`) are ordinary keys.
public enum YAMLLoader {
    /// Loads the single document in `text`; nil when the stream is empty (or only comments).
    public static func load(text: String, file: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(YAMLError) -> YAMLNode? in try load(utf8: bytes, file: file, limits: limits) }
        }
        return try result.get()
    }

    /// Reads the file at `path`; diagnostics name it `displayPath` (e.g. "Rules/cn/returns.yaml").
    public static func load(contentsOf path: String, displayPath: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        let bytes = try readFile(at: path, displayPath: displayPath)
        let text = String(decoding: bytes, as: UTF8.self)
        // Decoding replaces invalid sequences with U+FFFD, so any difference marks the first bad byte.
        if text.utf8.count != bytes.count || !text.utf8.elementsEqual(bytes) {
            var offset = 0
            for (decoded, raw) in zip(text.utf8, bytes) {
                guard decoded == raw else { break }
                offset += 1
            }
            let position = bytes.withUnsafeBufferPointer { buffer in
                var source = YAMLSourceText(bytes: buffer, file: displayPath)
                return source.position(ofByteOffset: offset)
            }
            let byte = offset < bytes.count ? " 0x" + String(bytes[offset], radix: 16, uppercase: true) : ""
            throw .fileUnreadable(
                file: displayPath,
                reason: "file is not valid utf-8 (bad byte\(byte) at line \(position.line + 1), column \(position.column + 1))")
        }
        return try load(text: text, file: displayPath, limits: limits)
    }

    /// Parses UTF-8 bytes; all libyaml state is released before returning, on every path.
    static func load(utf8 input: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits) throws(YAMLError) -> YAMLNode? {
        var bytes = input
        // libyaml skips a byte order mark without counting it; dropping it keeps our line table aligned.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes = UnsafeBufferPointer(rebasing: bytes[3...])
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }

        // libyaml's string reader points back into the parser struct, so it needs a stable address.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw .syntax(message: "out of memory while reading yaml", at: SourceLocation(file: file, line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, base, bytes.count)

        var reader = YAMLEventReader(parser: parser, event: event, source: YAMLSourceText(bytes: bytes, file: file))
        var builder = YAMLTreeBuilder(limits: limits)
        while try !builder.consume(reader.next()) {}
        return builder.root
    }

    private static func readFile(at path: String, displayPath: String) throws(YAMLError) -> [UInt8] {
        func failure(_ code: Int32) -> YAMLError {
            .fileUnreadable(file: displayPath, reason: "cannot read file (\(SystemErrorReason.text(code)))")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

}

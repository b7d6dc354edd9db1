#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The file-system steps of a log: writing whole buffers, creating a file with its header,
/// truncating a torn tail, and rotating (`FILE` → the next free `FILE.N`), each made durable
/// with fsync of the file and of its folder when asked.
enum LogFiles {
    static func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) -> Int32 {
        open(path, flags, mode)
    }

    /// The log's own path with every symbolic link resolved (of the file when it exists, else of
    /// its folder): the lock, the file and its rotated siblings are named from it, so two
    /// spellings of one log, through a link or not, share one lock and rotate the same file.
    static func resolved(_ path: String) -> String {
        var path = path
        // A link to a log not created yet leads nowhere: followed by hand (a bounded number of times).
        for _ in 0..<32 {
            if let real = realPath(path) { return real }
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { break }
            path = target.hasPrefix("/") ? target : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target).path
        }
        let url = URL(fileURLWithPath: path)
        guard let realFolder = realPath(folder(of: path)) else { return path }
        return realFolder == "/" ? "/" + url.lastPathComponent : realFolder + "/" + url.lastPathComponent
    }

    /// The folder a log file's path names (`.` for a bare file name).
    static func folder(of path: String) -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return folder.isEmpty ? "." : folder
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Writes all of `bytes`, retrying short writes.
    static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, path: String) throws(LogFileError) {
        let failed = bytes.withUnsafeBytes { DescriptorWriter.writeAll($0, to: descriptor) }
        if let failed { throw LogFileError(path: path, errno: failed, doing: "cannot write") }
    }

    /// Creates (or empties) `path` holding just `header`, durably when `sync`.
    static func create(path: String, header: [UInt8], sync: Bool) throws(LogFileError) {
        let descriptor = openFile(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot create") }
        defer { close(descriptor) }
        try writeAll(header[...], to: descriptor, path: path)
        if sync {
            guard fsync(descriptor) == 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot fsync") }
            try syncFolder(of: path)
        }
    }

    /// Cuts `path` to its first `length` bytes, durably.
    static func truncate(path: String, to length: Int) throws(LogFileError) {
        let descriptor = openFile(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot open") }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else {
            throw LogFileError(path: path, errno: errno, doing: "cannot truncate")
        }
    }

    /// The numbers N of the rotated files `path.N` that exist, ascending.
    static func rotatedNumbers(of path: String) -> [Int] {
        let url = URL(fileURLWithPath: path)
        let prefix = url.lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix(prefix) else { return nil }
            let suffix = name.dropFirst(prefix.count)
            guard !suffix.isEmpty, suffix.count <= 9, suffix.first != "0", suffix.allSatisfy(\.isASCII), let number = Int(suffix) else { return nil }
            return number
        }.sorted()
    }

    /// Renames `path` to the next free rotated name (one past the highest that exists, so that
    /// `.1` stays the oldest) and returns that name.
    @discardableResult
    static func rotate(path: String) throws(LogFileError) -> String {
        let target = "\(path).\((rotatedNumbers(of: path).last ?? 0) + 1)"
        guard rename(path, target) == 0 else { throw LogFileError(path: path, errno: errno, doing: "cannot rename to \(target)") }
        try syncFolder(of: path)
        return target
    }

    /// fsync of the folder holding `path`, so that a created or renamed name survives a crash.
    static func syncFolder(of path: String) throws(LogFileError) {
        let folder = Self.folder(of: path)
        let descriptor = openFile(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LogFileError(path: folder, errno: errno, doing: "cannot open the folder") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw LogFileError(path: folder, errno: errno, doing: "cannot fsync the folder") }
    }
}

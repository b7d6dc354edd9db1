#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a policy folder's YAML files, read once: what every copy of the policy is
/// compiled from and what its digest is computed over, so threads that compile their own copy
/// all get the same policy even if the folder is edited meanwhile.
///
/// A file or folder that cannot be read is never skipped: it is a diagnostic naming its path
/// (`Rules/cn/rules/10-quantity.yaml: error: cannot read: permission denied`), since a policy
/// without one of its files could decide differently from the one its author checked.
public struct PolicySnapshot: Sendable {
    /// The folder as given (`Rules/cn`), the prefix of every display path.
    public var directory: String
    /// The files read, in order of relative path.
    public var files: [PolicySourceFile]
    /// Files and folders that could not be read.
    public var unreadable: [Diagnostic]
    /// SHA-256 over `files` (see `PolicyDigest`).
    public var digest: String

    public init(directory: String, files: [PolicySourceFile], unreadable: [Diagnostic] = []) {
        self.directory = directory
        self.files = files.sorted { $0.relativePath < $1.relativePath }
        self.unreadable = unreadable
        self.digest = PolicyDigest.digest(of: self.files.map { ($0.relativePath, $0.bytes) })
    }

    /// Reads every `.yaml`/`.yml` file under `directory` (subfolders included, but not a
    /// subfolder holding its own `policy.yaml`: that is another pack version, SPEC section 9).
    ///
    /// Throws when the folder itself is unusable (missing, not a folder, unreadable, no YAML
    /// file at all). Everything below it that cannot be read — permission denied, a dangling
    /// symbolic link, a folder or a FIFO named `*.yaml`, an unreadable subfolder — is in
    /// `unreadable`. Nothing blocks: a FIFO is never opened.
    public static func read(directory: String) throws(PolicyLoadError) -> PolicySnapshot {
        guard case .directory = kind(of: directory, following: true) else { throw .notADirectory(directory) }
        let base = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        // Without its policy.yaml a folder is not a pack: reading every YAML file below it as
        // policy sections would bury the one problem under an error per key (`--rules .`).
        guard isPackFolder(base) else { throw .notAPolicyFolder(directory, nearby: policyFolders(below: base)) }
        var files: [PolicySourceFile] = []
        var unreadable: [Diagnostic] = []
        var folderError: String?
        walk(base, relative: "", files: &files, unreadable: &unreadable, topLevelError: &folderError)
        if let folderError { throw .unreadableDirectory(directory, folderError) }
        guard !files.isEmpty || !unreadable.isEmpty else { throw .noPolicyFiles(directory) }
        return PolicySnapshot(directory: directory, files: files, unreadable: unreadable)
    }

    /// The file that makes a folder a pack version.
    static let packMarker = "policy.yaml"

    enum Kind {
        case directory, regular, missing(String), other(String)
    }

    /// What is at `path` (`stat`, or `lstat` when not following links).
    static func kind(of path: String, following: Bool) -> Kind {
        var info = stat()
        guard (following ? stat(path, &info) : lstat(path, &info)) == 0 else { return .missing(SystemErrorReason.text(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        case S_IFLNK: return .other("a symbolic link")
        case S_IFIFO: return .other("a FIFO")
        case S_IFSOCK: return .other("a socket")
        case S_IFCHR, S_IFBLK: return .other("a device")
        default: return .other("not a regular file")
        }
    }

    /// Whether the folder at `path` holds a `policy.yaml` (of any kind: a dangling link still marks it).
    static func isPackFolder(_ path: String) -> Bool {
        if case .missing = kind(of: path + "/" + packMarker, following: false) { return false }
        return true
    }

    /// Up to three pack or set folders below `folder` (two levels deep at most, hidden folders
    /// skipped), topmost first, named as `--rules` would take them: what `--rules` was likely
    /// meant to be.
    static func policyFolders(below folder: String) -> [String] {
        var found: [String] = []
        var level = [folder]
        for _ in 0..<2 {
            var next: [String] = []
            for parent in level {
                for name in (entries(of: parent) ?? []).sorted() where !name.hasPrefix(".") {
                    let path = parent + "/" + name
                    guard case .directory = kind(of: path, following: false) else { continue }
                    if case .missing = kind(of: path + "/set.yaml", following: false) {
                        if isPackFolder(path) { found.append(path + " (a pack)") } else { next.append(path) }
                    } else {
                        found.append(path + " (a policy set)")
                    }
                }
            }
            level = next
        }
        // Three are enough to show what to pass; the rest are counted, not silently dropped.
        guard found.count > 3 else { return found }
        return Array(found.prefix(3)) + ["and \(found.count - 3) more"]
    }

    static func isPolicyFile(_ name: String) -> Bool { name.hasSuffix(".yaml") || name.hasSuffix(".yml") }

    /// Reads the folder `base/relative` into `files`, depth first, entries by name.
    private static func walk(_ base: String, relative: String, files: inout [PolicySourceFile], unreadable: inout [Diagnostic],
                             topLevelError: inout String?) {
        let folder = relative.isEmpty ? base : base + "/" + relative
        guard let names = entries(of: folder) else {
            let why = SystemErrorReason.text(errno)
            if relative.isEmpty { topLevelError = why } else {
                unreadable.append(.error(at: SourceLocation(file: folder), code: "folder_unreadable", "cannot read folder: \(why)"))
            }
            return
        }
        for name in names.sorted() {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let path = base + "/" + childRelative
            func fail(_ why: String) {
                unreadable.append(.error(at: SourceLocation(file: path), code: "file_unreadable", "cannot read: \(why)"))
            }
            // Folders are walked, but not through symbolic links (no loops); a link to a file is read.
            if case .directory = kind(of: path, following: false) {
                if isPolicyFile(name) { fail("it is a folder") } else if isPackFolder(path) {
                    continue  // a nested pack version: not part of this pack's files or digest
                } else {
                    walk(base, relative: childRelative, files: &files, unreadable: &unreadable, topLevelError: &topLevelError)
                }
                continue
            }
            guard isPolicyFile(name) else { continue }
            switch kind(of: path, following: true) {
            case .regular:
                switch readRegularFile(path) {
                case .success(let bytes): files.append(PolicySourceFile(relativePath: childRelative, displayPath: path, bytes: bytes))
                case .failure(let error): fail(error.why)
                }
            case .directory: fail("it is a symbolic link to a folder")
            case .missing(let why):
                if case .other = kind(of: path, following: false) { fail("dangling symbolic link (\(why))") } else { fail(why) }
            case .other(let what): fail("it is \(what), not a regular file")
            }
        }
    }

    /// The names in a folder (without `.` and `..`), or nil with `errno` set.
    static func entries(of folder: String) -> [String]? {
        guard let handle = opendir(folder) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 { return nil }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    struct ReadError: Error { var why: String }

    /// The bytes of a regular file. Opened without blocking and checked again once open, so a
    /// file swapped for a FIFO in between cannot hang the reader.
    static func readFile(_ path: String) -> Result<[UInt8], ReadError> { readRegularFile(path) }

    private static func readRegularFile(_ path: String) -> Result<[UInt8], ReadError> {
        #if canImport(Glibc)
        let readBytes = Glibc.read
        #elseif canImport(Musl)
        let readBytes = Musl.read
        #else
        let readBytes = Darwin.read
        #endif
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadError(why: SystemErrorReason.text(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(ReadError(why: SystemErrorReason.text(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(ReadError(why: "it is not a regular file")) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(why: SystemErrorReason.text(errno)))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}

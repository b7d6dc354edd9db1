/// The bytes of a `--rules` folder, read once (SPEC section 9): a lone pack folder, or a set
/// folder (one holding `set.yaml`) with its pack versions found at any depth (every folder
/// holding a `policy.yaml`), each read as its own `PolicySnapshot`.
public enum PolicySetSnapshot: Sendable {
    /// A pack folder given alone: it decides every request; its effective range is not enforced.
    case lone(PolicySnapshot)
    /// A set folder: its `set.yaml`, its pack versions (by folder path) and what could not be read.
    case set(directory: String, setFile: PolicySourceFile, versions: [PolicySnapshot], diagnostics: [Diagnostic])

    /// The name of the file that makes a folder a set.
    public static let setFileName = "set.yaml"

    /// Reads the folder `directory`: a set when it holds `set.yaml`, else a lone pack (as
    /// `PolicySnapshot.read`). Throws when the folder itself is unusable.
    public static func read(directory: String) throws(PolicyLoadError) -> PolicySetSnapshot {
        guard case .directory = PolicySnapshot.kind(of: directory, following: true) else { throw .notADirectory(directory) }
        let base = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        let setPath = base + "/" + setFileName
        if case .missing = PolicySnapshot.kind(of: setPath, following: false) {
            return .lone(try PolicySnapshot.read(directory: directory))
        }
        var diagnostics: [Diagnostic] = []
        let setBytes: [UInt8]
        switch PolicySnapshot.readFile(setPath) {
        case .success(let bytes): setBytes = bytes
        case .failure(let error):
            diagnostics.append(.error(at: SourceLocation(file: setPath), code: "file_unreadable", "cannot read: \(error.why)"))
            setBytes = []
        }
        if PolicySnapshot.isPackFolder(base) {
            diagnostics.append(.error(
                at: SourceLocation(file: base + "/" + PolicySnapshot.packMarker), code: "set_is_a_pack",
                "a set folder holds pack versions in subfolders; it cannot be a pack itself (move policy.yaml and the pack's files into a subfolder)"))
        }
        var folders: [String] = []
        findPackFolders(base, into: &folders, diagnostics: &diagnostics)
        var versions: [PolicySnapshot] = []
        for folder in folders {
            do {
                versions.append(try PolicySnapshot.read(directory: folder))
            } catch {
                diagnostics.append(.error(at: SourceLocation(file: folder), code: "pack_unreadable", error.message))
            }
        }
        if versions.isEmpty && diagnostics.isEmpty { throw .emptySet(directory) }
        return .set(directory: directory, setFile: PolicySourceFile(relativePath: setFileName, displayPath: setPath, bytes: setBytes),
                    versions: versions, diagnostics: diagnostics)
    }

    /// Every folder below `folder` (at any depth, in order of path) that holds a `policy.yaml`.
    /// Symbolic links to folders are not followed.
    private static func findPackFolders(_ folder: String, into folders: inout [String], diagnostics: inout [Diagnostic]) {
        guard let names = PolicySnapshot.entries(of: folder) else {
            diagnostics.append(.error(at: SourceLocation(file: folder), code: "folder_unreadable", "cannot read folder: \(SystemErrorReason.text(errno))"))
            return
        }
        for name in names.sorted() {
            let path = folder + "/" + name
            guard case .directory = PolicySnapshot.kind(of: path, following: false) else { continue }
            if PolicySnapshot.isPackFolder(path) { folders.append(path) }
            findPackFolders(path, into: &folders, diagnostics: &diagnostics)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PolicySetSnapshot {
    /// The text of every file read, for printing the lines diagnostics point at.
    public var sources: SourceFiles {
        switch self {
        case .lone(let pack):
            return SourceFiles(pack.files)
        case .set(_, let setFile, let versions, _):
            var sources = SourceFiles([setFile])
            for version in versions { sources.add(SourceFiles(version.files)) }
            return sources
        }
    }
}

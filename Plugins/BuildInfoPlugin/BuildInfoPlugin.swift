import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` (`enum BuildInfo { static let commit = "…" }`) before every build
/// of the target it is applied to: the short hash of the commit checked out in the package's
/// folder, `-dirty` when tracked files differ from it, or `ARBITER_COMMIT` from the
/// environment when set (a build from a source archive), else `unknown` (no git, or not a
/// clone). The file is rewritten only when its text changes, so an unchanged commit rebuilds
/// nothing.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let outputs = context.pluginWorkDirectoryURL.appendingPathComponent("Generated")
        let scratch = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfo.swift.new")
        let environment = ProcessInfo.processInfo.environment
        // The caller's PATH finds git; /usr/bin:/bin after it find mkdir, cmp and mv whatever it is.
        var commandEnvironment = ["PATH": (environment["PATH"].map { $0 + ":" } ?? "") + "/usr/bin:/bin"]
        if let commit = environment["ARBITER_COMMIT"] { commandEnvironment["ARBITER_COMMIT"] = commit }
        if let home = environment["HOME"] { commandEnvironment["HOME"] = home }
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of \(target.name) in BuildInfo.swift",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "build-info", context.package.directoryURL.path, outputs.path, scratch.path],
                environment: commandEnvironment,
                outputFilesDirectory: outputs)
        ]
    }

    /// `sh -c script build-info PACKAGE_DIR OUTPUT_DIR SCRATCH_FILE`.
    static let script = #"""
        package="$1"; outputs="$2"; scratch="$3"
        commit="${ARBITER_COMMIT:-}"
        if [ -z "$commit" ] && command -v git >/dev/null 2>&1; then
            commit=$(git -C "$package" rev-parse --short HEAD 2>/dev/null) || commit=""
            if [ -n "$commit" ] && [ -n "$(git --no-optional-locks -C "$package" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                commit="$commit-dirty"
            fi
        fi
        case "$commit" in
            "" | *[!0-9A-Za-z._+-]*) commit=unknown ;;
        esac
        mkdir -p "$outputs" || exit 1
        printf '%s\n' \
            '/// Written by Plugins/BuildInfoPlugin before each build; not in the repository.' \
            'enum BuildInfo {' \
            '    /// The commit the binary was built from (`git rev-parse --short HEAD`, `-dirty` with' \
            '    /// uncommitted changes), `$ARBITER_COMMIT` when set, or `unknown`.' \
            "    static let commit = \"$commit\"" \
            '}' > "$scratch" || exit 1
        if cmp -s "$scratch" "$outputs/BuildInfo.swift"; then rm -f "$scratch"; else mv -f "$scratch" "$outputs/BuildInfo.swift"; fi
        """#
}

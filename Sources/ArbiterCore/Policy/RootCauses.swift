/// The root causes behind what would otherwise be one error per use: a declaration that was
/// reported as an error (a parameter with a bad value, a code whose messages are not a
/// mapping, an attribute of unknown type), or a section no file declares (`parameters:` or
/// `codes:`, when `parameters.yaml` or `codes.yaml` is missing). Every use of such a name is
/// counted here instead of reported; the root error gets a note saying how many uses it
/// affects and where the first one is (issue 15: a missing `codes.yaml` gave 50 errors).
struct RootCauses {
    enum Kind: Hashable {
        case parameter, code, attribute, fact
    }

    /// A declaration reported as an error: which diagnostic, and where its name is used.
    private struct Failure {
        var diagnosticIndex: Int
        var uses: [SourceLocation] = []
    }

    private var failures: [Kind: [String: Failure]] = [:]
    /// No file declares `parameters:` / `codes:`.
    var parametersMissing = false
    var codesMissing = false
    /// Uses of names that a missing section would have declared, in the order met.
    private var undeclaredParameters: [(name: String, at: SourceLocation)] = []
    private var undeclaredCodes: [(name: String, at: SourceLocation)] = []

    /// Records that the declaration of `name` failed with the diagnostic at `diagnosticIndex`
    /// of the reader (the first error reported for it).
    mutating func declarationFailed(_ kind: Kind, _ name: String, diagnosticIndex: Int) {
        guard failures[kind]?[name] == nil else { return }
        failures[kind, default: [:]][name] = Failure(diagnosticIndex: diagnosticIndex)
    }

    /// Whether an unknown name in an expression is a consequence of a root cause; if so it is
    /// counted and must not be reported.
    mutating func absorbs(unknownName name: String, at location: SourceLocation) -> Bool {
        let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let (kind, key): (Kind, String)
        if path.count == 3, path[0] == "item", path[1] == "attributes" {
            (kind, key) = (.attribute, path[2])
        } else if path.count == 2, path[0] == "facts" {
            (kind, key) = (.fact, path[1])
        } else if path.count == 1 {
            (kind, key) = (.parameter, name)
        } else {
            return false
        }
        if failures[kind]?[key] != nil {
            failures[kind]?[key]?.uses.append(location)
            return true
        }
        if kind == .parameter, parametersMissing {
            undeclaredParameters.append((name, location))
            return true
        }
        return false
    }

    /// Whether an unknown reason code is a consequence of a root cause (counted if so).
    mutating func absorbs(unknownCode code: String, at location: SourceLocation) -> Bool {
        if failures[.code]?[code] != nil {
            failures[.code]?[code]?.uses.append(location)
            return true
        }
        if codesMissing {
            undeclaredCodes.append((code, location))
            return true
        }
        return false
    }

    /// Adds the notes to the failed declarations' errors and reports each missing section that
    /// rules needed, once, at the policy header.
    func report(into reader: inout NodeReader, headerLocation: SourceLocation) {
        for (kind, byName) in failures {
            for (name, failure) in byName where !failure.uses.isEmpty && failure.diagnosticIndex < reader.diagnostics.count {
                let what = kind == .code ? "refer to '\(name)'" : "use '\(Self.written(kind, name))'"
                reader.diagnostics[failure.diagnosticIndex].notes.append(Self.usesNote(what, failure.uses))
            }
        }
        if let first = undeclaredParameters.first {
            let names = Set(undeclaredParameters.map(\.name)).count
            reader.error(SourceSpan(start: headerLocation, length: 6), "missing_parameters",
                         "no file declares 'parameters:' (a pack keeps every number its rules use in parameters.yaml)",
                         notes: [Self.usesNote("use \(names) undeclared name\(names == 1 ? "" : "s")", undeclaredParameters.map(\.at), firstName: first.name)])
        }
        if let first = undeclaredCodes.first {
            let names = Set(undeclaredCodes.map(\.name)).count
            reader.error(SourceSpan(start: headerLocation, length: 6), "missing_codes",
                         "no file declares 'codes:' (a pack declares its reason codes and their messages in codes.yaml)",
                         notes: [Self.usesNote("refer to \(names) undeclared code\(names == 1 ? "" : "s")", undeclaredCodes.map(\.at), firstName: first.name)])
        }
    }

    /// `rules use 'x' 4 times (first at FILE:L:C); those uses are not reported separately`;
    /// `firstName` names the first use when `what` covers several names.
    static func usesNote(_ what: String, _ uses: [SourceLocation], firstName: String? = nil) -> String {
        let count = uses.count
        let times = count == 1 ? "once" : count == 2 ? "twice" : "\(count) times"
        guard let first = uses.first else { return "" }
        let named = firstName.map { " '\($0)'" } ?? ""
        let position = count == 1 ? "\(named.dropFirst())\(named.isEmpty ? "" : " ")at \(first)" : "first\(named) at \(first)"
        let rest = count == 1 ? "that use is not reported separately" : "those uses are not reported separately"
        return "rules \(what) \(times) (\(position)); \(rest)"
    }

    private static func written(_ kind: Kind, _ name: String) -> String {
        switch kind {
        case .parameter, .code: return name
        case .attribute: return "item.attributes." + name
        case .fact: return "facts." + name
        }
    }
}

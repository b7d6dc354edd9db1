import Foundation

/// Why a line got an error answer instead of a decision (SPEC section 3): the protocol's
/// `error` object as a value — a stable code, a message, the JSON path of the field at fault
/// when there is one, the request's `id` when it could be read, and the input line number.
public struct AnswerError: Error, Sendable, Equatable, Codable, CustomStringConvertible, LocalizedError {
    public var code: ProtocolHandler.ErrorCode
    public var message: String
    /// `$.order.items[2].unit_price`; nil when no one field is at fault.
    public var path: String?
    /// The request's `id`, when it is a string.
    public var id: String?
    /// The line's number in its input (1 for a single request).
    public var line: Int

    public init(_ code: ProtocolHandler.ErrorCode, _ message: String, path: String?, id: String?, line: Int) {
        self.code = code
        self.message = message
        self.path = path
        self.id = id
        self.line = line
    }

    /// A request that got no decision.
    init(_ error: DecideError, id: String?, line: Int) {
        switch error {
        case .invalidRequest(let requestError):
            self.init(.invalidRequest, requestError.message, path: requestError.path, id: id, line: line)
        case .evaluation(let failure):
            self.init(.internal, "rule '\(failure.rule)' (\(failure.source)): \(failure.message)", path: nil, id: id, line: line)
        }
    }

    /// What `localizedDescription` says: `description`, not Foundation's generic sentence.
    public var errorDescription: String? { description }

    /// `invalid_request at $.order.currency: …`.
    public var description: String {
        code.rawValue + (path.map { " at \($0)" } ?? "") + ": " + message
    }
}

/// An RFC 9457 problem: what every error of the API looks like (`application/problem+json`).
public struct ProblemDetails: Codable, Sendable, Hashable, Error {
    /// The media type of a problem body.
    public static let mediaType = "application/problem+json"
    /// Prefix of every problem type this API defines.
    public static let typePrefix = "urn:incident-desk:problem:"

    /// A URI naming the kind of problem, e.g. `urn:incident-desk:problem:validation-failed`.
    public var type: String
    /// A short summary that is the same for every problem of this type.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What went wrong this time.
    public var detail: String
    /// The request path that failed.
    public var instance: String?
    /// For validation problems: every offending field.
    public var errors: [FieldIssueBody]?
    /// For an unknown area: the nearest known area id, when one is close.
    public var suggestion: String?

    /// Creates a problem.
    public init(
        type: String, title: String, status: Int, detail: String, instance: String? = nil,
        errors: [FieldIssueBody]? = nil, suggestion: String? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
        self.suggestion = suggestion
    }

    /// The last part of `type`, e.g. `validation-failed`.
    public var slug: String {
        type.hasPrefix(Self.typePrefix) ? String(type.dropFirst(Self.typePrefix.count)) : type
    }
}

/// One offending field: a JSON pointer and what is wrong.
public struct FieldIssueBody: Codable, Sendable, Hashable {
    public var pointer: String
    public var detail: String

    /// Creates an issue.
    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

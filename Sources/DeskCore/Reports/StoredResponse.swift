/// The answer to a write other than a report, kept under its `Idempotency-Key` so that a retry
/// gets the same answer instead of doing the write again.
public struct StoredResponse: Sendable, Hashable {
    /// The HTTP status (2xx: only successful answers are kept).
    public var status: Int
    /// `Content-Type` and `Location` of the answer, if it had them.
    public var contentType: String?
    public var location: String?
    /// The body, byte for byte.
    public var body: [UInt8]

    /// Creates a stored response.
    public init(status: Int, contentType: String?, location: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.location = location
        self.body = body
    }
}

/// What claiming an idempotency key for a write other than a report found.
public enum ResponseClaim: Sendable, Hashable {
    /// The key is new (or its earlier request never finished): do the write.
    case claimed
    /// The same request was answered before: send this answer again.
    case replay(StoredResponse)
    /// The same request is being done right now by another connection.
    case inProgress
}

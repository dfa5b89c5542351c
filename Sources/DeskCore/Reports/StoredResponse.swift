/// The answer to a write, kept under its `Idempotency-Key` in the write's own transaction so that
/// a retry gets the same answer instead of doing the write again.
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

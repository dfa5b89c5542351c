/// A client's `Idempotency-Key` for one write: a retry with the same key and the same request gets
/// the stored answer of the first instead of doing the write again.
public struct IdempotencyClaim: Sendable, Hashable {
    /// The key as the client sent it (1-200 visible ASCII characters).
    public var key: String
    /// Who sent it: keys are per principal, so two clients cannot collide.
    public var principal: String
    /// A digest of the request, to tell a retry from a different request reusing the key.
    public var requestHash: String

    /// Creates a claim.
    public init(key: String, principal: String, requestHash: String) {
        self.key = key
        self.principal = principal
        self.requestHash = requestHash
    }

    /// Whether `key` is acceptable as an idempotency key.
    public static func isValidKey(_ key: String) -> Bool {
        (1...200).contains(key.utf8.count) && key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

import DeskCore

/// Limits the HTTP layer enforces on every request.
public struct APISettings: Sendable, Hashable {
    /// Largest request body, in bytes (413 above).
    public var maxBodyBytes: Int
    /// Deepest JSON nesting accepted (400 above).
    public var maxJSONDepth: Int

    /// Creates settings; the defaults are 64 KiB and 32 levels.
    public init(maxBodyBytes: Int = 65_536, maxJSONDepth: Int = 32) {
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONDepth = maxJSONDepth
    }
}

/// Size limits for the fields of a report and of the other free-text inputs.
public struct ReportLimits: Sendable, Hashable {
    /// Longest report text, in characters.
    public var maxTextLength = 8000
    /// Longest title, location, reporter name or contact, in characters.
    public var maxShortFieldLength = 200
    /// Longest location description.
    public var maxLocationLength = 500
    /// Longest reason, outcome or note, in characters.
    public var maxReasonLength = 2000
    /// Largest plausible injured count.
    public var maxInjured = 100_000
    /// How far `occurred_at` may lie in the future (clock skew between devices), in seconds.
    public var futureTolerance: Double = 300

    /// The defaults.
    public init() {}
}

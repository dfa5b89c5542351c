import Foundation

/// A report as a duty officer submitted it, before validation.
///
/// `phase` and `category` are text so that a wrong value gets an error listing the right ones.
public struct ReportSubmission: Sendable, Hashable {
    public var area: String
    public var text: String
    public var title: String?
    public var occurredAt: Date?
    public var location: String?
    public var reporter: Reporter?
    public var injured: Int?
    public var ongoing: Bool?
    public var category: String?
    public var phase: String?

    /// Creates a submission.
    public init(
        area: String, text: String, title: String? = nil, occurredAt: Date? = nil, location: String? = nil,
        reporter: Reporter? = nil, injured: Int? = nil, ongoing: Bool? = nil, category: String? = nil,
        phase: String? = nil
    ) {
        self.area = area
        self.text = text
        self.title = title
        self.occurredAt = occurredAt
        self.location = location
        self.reporter = reporter
        self.injured = injured
        self.ongoing = ongoing
        self.category = category
        self.phase = phase
    }
}

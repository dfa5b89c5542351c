import DeskCore
import Foundation
import Testing

@Suite struct ReportValidationTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let areas = AreaDirectory([
        Area(id: "bredang", name: "Bredäng", city: "Stockholm", neighbours: ["satra"]),
        Area(id: "satra", name: "Sätra", city: "Stockholm", neighbours: ["bredang"]),
        Area(id: "old", name: "Old Area", city: "Nowhere", active: false),
    ])

    func validate(_ submission: ReportSubmission) throws(DeskError) -> ValidatedReport {
        try ValidatedReport(submission, areas: areas, limits: ReportLimits(), now: now)
    }

    func issues(_ submission: ReportSubmission) -> [FieldIssue] {
        do {
            _ = try validate(submission)
            return []
        } catch {
            guard case .invalid(let issues) = error else { return [FieldIssue(pointer: "?", detail: "\(error)")] }
            return issues
        }
    }

    @Test func aValidReportIsTrimmedAndTyped() throws {
        let report = try validate(
            ReportSubmission(
                area: " Bredäng ", text: "  Brand i trapphuset \n", title: "  ", injured: 2, ongoing: true,
                category: "fire", phase: "during")
        )
        #expect(report.area.id == "bredang")
        #expect(report.text == "Brand i trapphuset")
        #expect(report.title == nil)
        #expect(report.derivedTitle == "Brand i trapphuset")
        #expect(report.category == .fire)
        #expect(report.phase == .during)
    }

    @Test func areasMatchByIdOrNameIgnoringCase() throws {
        #expect(try validate(ReportSubmission(area: "SÄTRA", text: "x")).area.id == "satra")
        #expect(try validate(ReportSubmission(area: "satra", text: "x")).area.id == "satra")
    }

    @Test(arguments: ["", "   ", "\n\t "])
    func emptyOrWhitespaceTextIsRefused(text: String) {
        #expect(issues(ReportSubmission(area: "bredang", text: text)).map(\.pointer) == ["/text"])
    }

    @Test func tooLongTextNamesTheLimitAndTheLength() {
        let found = issues(ReportSubmission(area: "bredang", text: String(repeating: "å", count: 8001)))
        #expect(found.count == 1)
        #expect(found.first?.pointer == "/text")
        #expect(found.first?.detail.contains("8000") == true)
        #expect(found.first?.detail.contains("8001") == true)
    }

    @Test func textOfExactlyTheLimitIsAccepted() throws {
        let report = try validate(ReportSubmission(area: "bredang", text: String(repeating: "ö", count: 8000)))
        #expect(report.text.count == 8000)
    }

    @Test func everyBrokenFieldIsReportedAtOnce() {
        let found = issues(
            ReportSubmission(
                area: "bredang", text: "", occurredAt: now.addingTimeInterval(3600), injured: -1, category: "party",
                phase: "unclassified"
            )
        )
        #expect(Set(found.map(\.pointer)) == ["/text", "/occurred_at", "/injured", "/category", "/phase"])
    }

    @Test func unknownAreaSuggestsTheNearestOne() {
        #expect(throws: DeskError.unknownArea("bredng", suggestion: "bredang")) {
            _ = try validate(ReportSubmission(area: "bredng", text: "x"))
        }
        #expect(throws: DeskError.unknownArea("Kiruna", suggestion: nil)) {
            _ = try validate(ReportSubmission(area: "Kiruna", text: "x"))
        }
    }

    @Test func inactiveAreasTakeNoNewReports() {
        #expect(throws: DeskError.self) { _ = try validate(ReportSubmission(area: "old", text: "x")) }
    }

    @Test func nulCharactersAreRefusedOtherUnicodeIsKept() throws {
        #expect(issues(ReportSubmission(area: "bredang", text: "a\u{0}b")).map(\.pointer) == ["/text"])
        let text = "🚒 حريق في المبنى \u{202E}RTL\u{7}"
        #expect(try validate(ReportSubmission(area: "bredang", text: text)).text == text)
    }

    @Test func occurredAtWithinClockSkewIsAccepted() throws {
        let report = try validate(ReportSubmission(area: "bredang", text: "x", occurredAt: now.addingTimeInterval(120)))
        #expect(report.occurredAt == now.addingTimeInterval(120))
    }
}

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

    func validate(_ fields: ReportFields) throws(DeskError) -> ReportFields {
        try fields.validated(areas: areas, limits: ReportLimits(), now: now)
    }

    func issues(_ submission: ReportFields) -> [FieldIssue] {
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
            ReportFields(
                area: " Bredäng ", text: "  Brand i trapphuset \n", title: "  ", injured: 2, ongoing: true,
                category: .fire, phase: .during)
        )
        #expect(report.area == "bredang")
        #expect(report.text == "Brand i trapphuset")
        #expect(report.title == nil)
        #expect(report.derivedTitle == "Brand i trapphuset")
        #expect(report.category == .fire)
        #expect(report.phase == .during)
    }

    @Test func areasMatchByIdOrNameIgnoringCase() throws {
        #expect(try validate(ReportFields(area: "SÄTRA", text: "x")).area == "satra")
        #expect(try validate(ReportFields(area: "satra", text: "x")).area == "satra")
    }

    @Test(arguments: ["", "   ", "\n\t "])
    func emptyOrWhitespaceTextIsRefused(text: String) {
        #expect(issues(ReportFields(area: "bredang", text: text)).map(\.pointer) == ["/text"])
    }

    @Test func tooLongTextNamesTheLimitAndTheLength() {
        let found = issues(ReportFields(area: "bredang", text: String(repeating: "å", count: 8001)))
        #expect(found.count == 1)
        #expect(found.first?.pointer == "/text")
        #expect(found.first?.detail.contains("8000") == true)
        #expect(found.first?.detail.contains("8001") == true)
    }

    @Test func textOfExactlyTheLimitIsAccepted() throws {
        let report = try validate(ReportFields(area: "bredang", text: String(repeating: "ö", count: 8000)))
        #expect(report.text.count == 8000)
    }

    @Test func everyBrokenFieldIsReportedAtOnce() {
        let found = issues(
            ReportFields(
                area: "bredang", text: "", occurredAt: now.addingTimeInterval(3600), injured: -1, phase: .unclassified
            )
        )
        #expect(Set(found.map(\.pointer)) == ["/text", "/occurred_at", "/injured", "/phase"])
    }

    @Test func unknownAreaSuggestsTheNearestOne() {
        #expect(throws: DeskError.unknownArea("bredng", suggestion: "bredang")) {
            _ = try validate(ReportFields(area: "bredng", text: "x"))
        }
        #expect(throws: DeskError.unknownArea("Kiruna", suggestion: nil)) {
            _ = try validate(ReportFields(area: "Kiruna", text: "x"))
        }
    }

    @Test func inactiveAreasTakeNoNewReports() {
        #expect(throws: DeskError.self) { _ = try validate(ReportFields(area: "old", text: "x")) }
    }

    @Test func nulCharactersAreRefusedOtherUnicodeIsKept() throws {
        #expect(issues(ReportFields(area: "bredang", text: "a\u{0}b")).map(\.pointer) == ["/text"])
        let text = "🚒 حريق في المبنى \u{202E}RTL\u{7}"
        #expect(try validate(ReportFields(area: "bredang", text: text)).text == text)
    }

    @Test func occurredAtWithinClockSkewIsAccepted() throws {
        let report = try validate(ReportFields(area: "bredang", text: "x", occurredAt: now.addingTimeInterval(120)))
        #expect(report.occurredAt == now.addingTimeInterval(120))
    }
}

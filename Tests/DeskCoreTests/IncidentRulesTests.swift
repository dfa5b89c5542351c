import DeskTestSupport
import Foundation
import Testing

@testable import DeskCore

@Suite struct IncidentRulesTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let ids = IDGenerator(clock: FixedClock(instant: Date(timeIntervalSince1970: 1_795_000_000)))
    var stamp: EventStamp { EventStamp(actor: .unixUser("officer"), at: now, ids: ids) }

    func incident(phase: Phase = .during, status: IncidentStatus = .open) -> Incident {
        Incident(
            id: ids.next(), areaID: "bredang", title: "Brand", phase: phase, category: .fire, severity: nil,
            status: status, openedAt: now.addingTimeInterval(-60), updatedAt: now.addingTimeInterval(-60),
            closedAt: status == .closed ? now.addingTimeInterval(-30) : nil, outcome: status == .closed ? "done" : nil,
            reportCount: 1
        )
    }

    @Test func phaseChangeRecordsFromToAndReason() throws {
        let before = incident()
        let update = try IncidentRules.changePhase(
            before, to: .after, reason: " Släckt ", limits: ReportLimits(), stamp: stamp)
        #expect(update.incident.phase == .after)
        #expect(update.incident.updatedAt == now)
        #expect(update.events.count == 1)
        let event = try #require(update.events.first)
        #expect(event.kind == .phaseChanged)
        #expect(event.incidentID == before.id)
        #expect(event.actor == .unixUser("officer"))
        #expect(event.data == ["from": .string("during"), "to": .string("after"), "reason": .string("Släckt")])
    }

    @Test func phaseChangeNeedsAReasonAndARealPhase() {
        #expect(throws: DeskError.invalid([FieldIssue(pointer: "/reason", detail: "must not be empty")])) {
            _ = try IncidentRules.changePhase(incident(), to: .after, reason: " ", limits: ReportLimits(), stamp: stamp)
        }
        #expect(throws: DeskError.self) {
            _ = try IncidentRules.changePhase(
                incident(), to: .unclassified, reason: "x", limits: ReportLimits(), stamp: stamp)
        }
    }

    /// `unclassified` is refused as a phase a person gives, with the same issue wherever it is given:
    /// a phase change, a confirmation and a report's fields; `Phase(assignable:)` reads only the others.
    @Test func unclassifiedIsNoPhaseAPersonGivesAnywhere() {
        let issue = DeskError.invalid([FieldIssue(pointer: "/phase", detail: "must be one of before, during, after")])
        #expect(throws: issue) {
            _ = try IncidentRules.changePhase(
                incident(), to: .unclassified, reason: "x", limits: ReportLimits(), stamp: stamp)
        }
        #expect(throws: issue) {
            _ = try IncidentRules.confirm(
                incident(), phase: .unclassified, note: nil, limits: ReportLimits(), stamp: stamp)
        }
        let areas = AreaDirectory([Area(id: "bredang", name: "Bredäng", city: "Stockholm")])
        #expect(throws: issue) {
            _ = try ReportFields(area: "bredang", text: "Brand", phase: .unclassified)
                .validated(areas: areas, limits: ReportLimits(), now: now)
        }
        #expect(Phase.assignable.map { Phase(assignable: $0.rawValue) } == [.before, .during, .after])
        #expect(Phase(assignable: "unclassified") == nil && Phase(assignable: "soon") == nil)
    }

    @Test func conflictsAreRefused() {
        let open = incident()
        let closed = incident(status: .closed)
        #expect(throws: DeskError.conflict(.samePhase(open.id, .during))) {
            _ = try IncidentRules.changePhase(open, to: .during, reason: "x", limits: ReportLimits(), stamp: stamp)
        }
        #expect(throws: DeskError.conflict(.incidentClosed(closed.id))) {
            _ = try IncidentRules.changePhase(closed, to: .after, reason: "x", limits: ReportLimits(), stamp: stamp)
        }
        #expect(throws: DeskError.conflict(.incidentClosed(closed.id))) {
            _ = try IncidentRules.close(closed, outcome: "again", limits: ReportLimits(), stamp: stamp)
        }
        #expect(throws: DeskError.conflict(.incidentAlreadyOpen(open.id))) {
            _ = try IncidentRules.reopen(open, reason: nil, limits: ReportLimits(), stamp: stamp)
        }
    }

    @Test func closeThenReopenRoundTrips() throws {
        let closed = try IncidentRules.close(incident(), outcome: "Överlämnat", limits: ReportLimits(), stamp: stamp)
        #expect(closed.incident.status == .closed)
        #expect(closed.incident.closedAt == now)
        #expect(closed.incident.outcome == "Överlämnat")
        #expect(closed.events.first?.kind == .incidentClosed)
        let reopened = try IncidentRules.reopen(
            closed.incident, reason: "Ny brand", limits: ReportLimits(), stamp: stamp)
        #expect(reopened.incident.status == .open)
        #expect(reopened.incident.closedAt == nil)
        #expect(reopened.incident.outcome == nil)
        #expect(reopened.events.first?.data["reason"] == .string("Ny brand"))
    }

    @Test func notesAreAllowedOnClosedIncidents() throws {
        let update = try IncidentRules.addNote(
            incident(status: .closed), text: "Efterarbete", limits: ReportLimits(), stamp: stamp)
        #expect(update.events.first?.kind == .noteAdded)
        #expect(update.events.first?.data["text"] == .string("Efterarbete"))
    }

    @Test func openingWritesReceivedThenOpenedEvents() throws {
        let report = try ReportFields(area: "bredang", text: "Brand\nmer text", phase: .during).validated(
            areas: AreaDirectory([Area(id: "bredang", name: "Bredäng", city: "Stockholm")]), limits: ReportLimits(),
            now: now
        )
        let classifier = try Classifier(
            Lexicon(
                rules: [.init(name: "now", target: .phase(.during), weight: 3, terms: ["just nu"])], negators: [],
                yetTerms: []), model: nil, otherLanguagesModel: shippedModels.otherLanguages,
            identifier: shippedModels.identifier)
        let verdict = classifier.classify(ClassifierInput(report, now: now))
        let new = NewIncident.opening(
            with: report, classification: verdict, stored: StoredClassification(verdict), transport: .unix,
            stamp: stamp)
        #expect(new.incident.title == "Brand")
        #expect(new.incident.phase == .during)
        #expect(new.report.incidentID == new.incident.id)
        #expect(new.events.map(\.kind) == [.reportReceived, .incidentOpened])
        #expect(new.events.allSatisfy { $0.incidentID == new.incident.id && $0.at == now })
        #expect(new.events[1].data["phase_source"] == .string("reporter"))
        #expect(new.incident.needsReview == false)
        let unclassified = try ReportFields(area: "bredang", text: "Oklart").validated(
            areas: AreaDirectory([Area(id: "bredang", name: "Bredäng", city: "Stockholm")]), limits: ReportLimits(),
            now: now
        )
        let unsure = classifier.classify(ClassifierInput(unclassified, now: now))
        let opened = NewIncident.opening(
            with: unclassified, classification: unsure, stored: StoredClassification(unsure), transport: .tcp,
            stamp: stamp)
        #expect(opened.incident.phase == .unclassified)
        #expect(opened.incident.needsReview)
    }
}

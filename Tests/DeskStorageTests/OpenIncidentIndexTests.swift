import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

/// The writer's in-memory index of open incidents must correlate exactly as reading the
/// candidates from SQLite for every report does: the same random history — reports, closes,
/// reopens, splits and time passing — run on a desk whose index stays warm and on one whose
/// index is forgotten before every report must join the same reports to the same incidents.
@Suite struct OpenIncidentIndexTests {
    static let texts = [
        "Det brinner i en bil på parkeringen just nu", "Brand i en bil på parkeringen, röken syns",
        "Vattnet forsar in i källaren och folk sitter fast", "Källaren är översvämmad, vattnet stiger",
        "Stenkastning mot polisen vid torget", "Oro vid torget efter stenkastningen igår",
        "Grannarna är rädda efter branden i bilen", "Rykten om fler bränder på parkeringen i helgen",
    ]

    /// One desk's view of the history: each incident named by the step that opened it.
    struct Run {
        let desk: CorrelatedDesk
        var names: [DeskID: Int] = [:]
        var outcomes: [String] = []

        mutating func name(_ id: DeskID, step: Int) -> Int {
            if let known = names[id] { return known }
            names[id] = step
            return step
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func theIndexCorrelatesAsSQLiteDoes(seed: UInt64) async throws {
        var warm = Run(desk: try await CorrelatedDesk(.sqlite))
        var cold = Run(desk: try await CorrelatedDesk(.sqlite))
        var rng = SeededGenerator(seed: seed)
        let areas = ["bredang", "satra"]
        for step in 0..<160 {
            let roll = Int.random(in: 0..<100, using: &rng)
            let area = areas[Int.random(in: 0..<areas.count, using: &rng)]
            let text = Self.texts[Int.random(in: 0..<Self.texts.count, using: &rng)]
            let minutes = Double(Int.random(in: 0..<90, using: &rng))
            let pick = Int.random(in: 0..<1000, using: &rng)
            for index in 0..<2 {
                var run = index == 0 ? warm : cold
                if index == 1 { run.desk.database.sqlite.state.reset() }
                let outcome = try await Self.apply(
                    &run, step: step, roll: roll, area: area, text: text, minutes: minutes, pick: pick)
                run.outcomes.append(outcome)
                if index == 0 { warm = run } else { cold = run }
            }
            #expect(warm.outcomes.last == cold.outcomes.last, "step \(step) (seed \(seed))")
            if warm.outcomes.last != cold.outcomes.last { break }
        }
        #expect(warm.outcomes.filter { $0.hasPrefix("joined") }.count > 10, "\(warm.outcomes)")
        #expect(try await warm.desk.desk.records.verify().intact)
    }

    /// One step of the history on one desk; returns what happened, with incidents named by step.
    static func apply(
        _ run: inout Run, step: Int, roll: Int, area: String, text: String, minutes: Double, pick: Int
    ) async throws -> String {
        let desk = run.desk
        desk.clock.advance(minutes: minutes)
        let incidents = try await desk.desk.incidents.incidents(IncidentQuery(page: try PageRequest(limit: 200)))
            .items.sorted { run.names[$0.id] ?? 0 < run.names[$1.id] ?? 0 }
        let open = incidents.filter { $0.status == .open }
        let closed = incidents.filter { $0.status == .closed }
        switch roll {
        case 0..<10 where !open.isEmpty:
            let incident = open[pick % open.count]
            try await desk.desk.close(incident.id.rawValue, outcome: "Klart", actor: .system)
            return "closed \(run.name(incident.id, step: step))"
        case 10..<16 where !closed.isEmpty:
            let incident = closed[pick % closed.count]
            try await desk.desk.reopen(incident.id.rawValue, reason: "Igen", actor: .system)
            return "reopened \(run.name(incident.id, step: step))"
        case 16..<24 where open.contains { $0.reportCount > 1 }:
            let joined = open.filter { $0.reportCount > 1 }
            let incident = joined[pick % joined.count]
            let reports = try await desk.desk.incidents.incident(incident.id.rawValue).reports
            guard let last = reports.max(by: { $0.receivedAt < $1.receivedAt }) else { return "none" }
            let update = try await desk.desk.split(
                incident.id.rawValue, reportID: last.id.rawValue, reason: "Fel", actor: .system)
            let new = update.splitOff?.incident.id
            return "split \(run.name(incident.id, step: step)) into \(new.map { run.name($0, step: step) } ?? -1)"
        default:
            let receipt = try await desk.report(area, text)
            let name = run.name(receipt.incident.id, step: step)
            return name == step ? "opened \(name)" : "joined \(name)"
        }
    }
}

import DeskAPIModels
import DeskCore

/// The console's board: the open incidents a principal may see, with call-out progress.
struct ConsoleBoard {
    let desk: Desk
    /// Incidents shown at most (the most severe and newest first).
    static let limit = 200

    /// The open incidents `scope` allows (nil: all), most severe first, then newest: for a
    /// responder, those of their areas and those they are called to now.
    func items(_ scope: ReadScope?) async throws -> [BoardItemBody] {
        var query = IncidentQuery(status: .open, page: try PageRequest(limit: Self.limit))
        query.areas = scope?.areas
        var incidents = try await desk.incidents.incidents(query).items
        for id in scope?.calledTo.sorted() ?? [] where !incidents.contains(where: { $0.id == id }) {
            if let called = try? await desk.incidents.incident(id.rawValue).incident, called.status == .open {
                incidents.append(called)
            }
        }
        // One grouped read for every incident's call-outs, not two queries per incident (security
        // review 2026-12-06, M5: a board of 200 incidents cost ~400 queries).
        let progress = try await desk.duty.callOutProgress(of: incidents.map(\.id))
        let items = incidents.map { incident in
            let counts = progress[incident.id] ?? CallOutProgress()
            return BoardItemBody(
                incident: IncidentBody(incident), called: counts.called, acknowledged: counts.count(.acknowledged),
                escalated: counts.count(.escalated, .declined, .expired), waiting: counts.waiting,
                unstaffed: counts.unstaffed)
        }
        return items.sorted { left, right in
            let (a, b) = (left.incident, right.incident)
            if (a.severity ?? 0) != (b.severity ?? 0) { return (a.severity ?? 0) > (b.severity ?? 0) }
            return a.lastReportAt > b.lastReportAt
        }
    }
}

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
        var items: [BoardItemBody] = []
        for incident in incidents {
            let callOuts = try await desk.duty.callOuts(CallOutQuery(incident: incident.id, limit: 500))
            items.append(
                BoardItemBody(
                    incident: IncidentBody(incident), called: callOuts.count,
                    acknowledged: callOuts.filter { $0.state == .acknowledged }.count,
                    escalated: callOuts.filter { [.escalated, .declined, .expired].contains($0.state) }.count,
                    waiting: callOuts.filter { $0.state.isOpen }.count,
                    unstaffed: try await desk.duty.isUnstaffed(incident.id)))
        }
        return items.sorted { left, right in
            let (a, b) = (left.incident, right.incident)
            if (a.severity ?? 0) != (b.severity ?? 0) { return (a.severity ?? 0) > (b.severity ?? 0) }
            return a.lastReportAt > b.lastReportAt
        }
    }
}

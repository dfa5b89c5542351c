import DeskAPIModels
import DeskCore
import Foundation
import Hummingbird

/// Personal data: an incident's full record (`export`) and the retention purge.
struct RecordRoutes {
    let desk: Desk
    let writes: Writes
    let body: JSONBody

    func register(on router: DeskRouter) {
        router.get("/v1/incidents/{id}/export", allow: DeskRouter.officers) { request, context in
            _ = try QueryParameters(request, allowed: [])
            let (detail, timeline) = try await desk.incidents.export(try context.parameters.require("id"))
            let id = detail.incident.id
            let callOuts = try await desk.duty.callOuts(CallOutQuery(incident: id, limit: 10_000))
            let followUps = try await desk.duty.followUps(FollowUpQuery(incident: id, limit: 10_000))
            return try JSONResponse.make(
                IncidentExportBody(
                    exportedAt: Date(), incident: IncidentBody(detail.incident, reports: detail.reports),
                    timeline: timeline.map(EventBody.init), callOuts: callOuts.map(CallOutBody.init),
                    followUps: followUps.map(FollowUpBody.init)))
        }
        router.on(.post, "/v1/purge", runs: PurgeClosedIncidents.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                PurgeRequest.self, from: request)
            let command = try await desk.retention.command(dryRun: input.dryRun)
            return try await writes.run(command, request, context, body: json) { $0 }
        }
    }
}

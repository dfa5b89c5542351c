import DeskAPIModels
import DeskCore
import Foundation
import Hummingbird

/// Personal data: an incident's full record (`export`) and the retention purge.
struct RecordRoutes {
    let desk: IncidentDesk
    let duty: DutyDesk
    let body: JSONBody

    func register(on router: Router<DeskRequestContext>) {
        router.get("/v1/incidents/{id}/export") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let (detail, timeline) = try await desk.export(try context.parameters.require("id"))
            let id = detail.incident.id
            let callOuts = try await duty.callOuts(CallOutQuery(incident: id, limit: 10_000), mine: nil)
            let followUps = try await duty.followUps(FollowUpQuery(incident: id, limit: 10_000), mine: nil)
            return try JSONResponse.make(
                IncidentExportBody(
                    exportedAt: Date(), incident: IncidentBody(detail.incident, reports: detail.reports),
                    timeline: timeline.map(EventBody.init), callOuts: callOuts.map(CallOutBody.init),
                    followUps: followUps.map(FollowUpBody.init)))
        }
        router.post("/v1/purge") { request, context in
            let input = try await body.decode(
                PurgeRequest.self, from: request, allowedMembers: PurgeRequest.allowedMembers)
            return try JSONResponse.make(try await desk.purge(dryRun: input.dryRun, actor: await context.actor()))
        }
    }
}

import DeskAPIModels
import DeskCore
import Hummingbird

/// `/v1/incidents` and the changes an officer makes to one incident.
struct IncidentRoutes {
    let desk: Desk
    let writes: Writes
    let body: JSONBody

    func register(on router: DeskRouter) {
        router.get("/v1/incidents", allow: DeskRouter.readers) { request, context in
            try await list(request, scope: try await ReadScope.of(context, duty: desk.duty))
        }
        router.get("/v1/incidents/{id}", allow: DeskRouter.readers) { request, context in
            let detail = try await desk.incidents.incident(try context.parameters.require("id"))
            try ReadScope.check(detail.incident, try await ReadScope.of(context, duty: desk.duty))
            return try JSONResponse.make(IncidentBody(detail.incident, reports: detail.reports))
        }
        router.get("/v1/incidents/{id}/timeline", allow: DeskRouter.readers) { request, context in
            let query = try QueryParameters(request, allowed: ["limit", "cursor"])
            let id = try context.parameters.require("id")
            if let scope = try await ReadScope.of(context, duty: desk.duty) {
                try ReadScope.check(try await desk.incidents.incident(id).incident, scope)
            }
            let page = try await desk.incidents.timeline(of: id, page: try query.page())
            return try JSONResponse.make(
                PageBody(items: page.items.map(EventBody.init), nextCursor: page.nextCursor?.token))
        }
        router.on(.post, "/v1/incidents/{id}/notes", runs: AddNote.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                NoteRequest.self, from: request)
            let command = AddNote(incidentID: try context.parameters.require("id"), text: input.text)
            return try await writes.run(command, request, context, body: json, status: .created, Self.changed)
        }
        router.on(.post, "/v1/incidents/{id}/phase", runs: ChangePhase.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                PhaseChangeRequest.self, from: request)
            let command = ChangePhase(
                incidentID: try context.parameters.require("id"), phase: try Self.phase(input.phase),
                reason: input.reason)
            return try await writes.run(command, request, context, body: json, Self.changed)
        }
        router.on(.post, "/v1/incidents/{id}/confirm", runs: ConfirmClassification.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                ConfirmRequest.self, from: request)
            let command = ConfirmClassification(
                incidentID: try context.parameters.require("id"), phase: try input.phase.map { try Self.phase($0) },
                note: input.note)
            return try await writes.run(command, request, context, body: json, Self.changed)
        }
        router.on(.post, "/v1/incidents/{id}/split", runs: SplitReport.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                SplitRequest.self, from: request)
            let command = SplitReport(
                incidentID: try context.parameters.require("id"), reportID: input.reportID, reason: input.reason)
            return try await writes.run(command, request, context, body: json, status: .created) { update in
                SplitBody(
                    incident: IncidentBody(update.incident),
                    newIncident: IncidentBody(update.splitOff?.incident ?? update.incident),
                    events: (update.events + (update.splitOff?.events ?? [])).map(EventBody.init))
            }
        }
        router.on(.post, "/v1/incidents/{id}/close", runs: CloseIncident.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                CloseRequest.self, from: request)
            let command = CloseIncident(incidentID: try context.parameters.require("id"), outcome: input.outcome)
            return try await writes.run(command, request, context, body: json, Self.changed)
        }
        router.on(.post, "/v1/incidents/{id}/reopen", runs: ReopenIncident.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                ReopenRequest.self, from: request)
            let command = ReopenIncident(incidentID: try context.parameters.require("id"), reason: input.reason)
            return try await writes.run(command, request, context, body: json, Self.changed)
        }
    }

    /// A phase a person may assign, or a 422 naming the ones allowed.
    static func phase(_ text: String) throws(DeskError) -> Phase {
        guard let phase = Phase(assignable: text) else {
            throw DeskError.invalid([
                FieldIssue(pointer: "/phase", detail: "must be one of \(Phase.assignableNames) (got \"\(text)\")")
            ])
        }
        return phase
    }

    private func list(_ request: Request, scope: ReadScope?) async throws -> Response {
        let query = try QueryParameters(
            request, allowed: ["area", "phase", "status", "since", "needs_review", "language", "limit", "cursor"])
        var filter = IncidentQuery(
            area: query.string("area"), phase: try query.oneOf("phase", Phase.self),
            status: try query.oneOf("status", IncidentStatus.self), since: try query.time("since"),
            needsReview: try query.boolean("needs_review"), language: try query.language("language"),
            page: try query.page()
        )
        filter.areas = scope?.areas
        filter.alsoIncidents = scope?.calledTo ?? []
        let incidents = try await desk.incidents.incidents(filter)
        return try JSONResponse.make(
            PageBody(items: incidents.items.map { IncidentBody($0) }, nextCursor: incidents.nextCursor?.token)
        )
    }

    /// The answer to a change: the incident as it now stands and the events the change wrote.
    @Sendable static func changed(_ update: IncidentUpdate) -> IncidentChangeBody {
        IncidentChangeBody(incident: IncidentBody(update.incident), events: update.events.map(EventBody.init))
    }
}

import DeskAPIModels
import DeskCore
import Hummingbird

/// `/v1/incidents` and the changes an officer makes to one incident.
struct IncidentRoutes {
    let desk: IncidentDesk
    let duty: DutyDesk
    let body: JSONBody

    func register(on router: Router<DeskRequestContext>) {
        router.get("/v1/incidents") { request, context in
            try await list(request, scope: try await ReadScope.of(context, duty: duty))
        }
        router.get("/v1/incidents/{id}") { request, context in
            let detail = try await desk.incident(try context.parameters.require("id"))
            try ReadScope.check(detail.incident, try await ReadScope.of(context, duty: duty))
            return try JSONResponse.make(IncidentBody(detail.incident, reports: detail.reports))
        }
        router.get("/v1/incidents/{id}/timeline") { request, context in
            let query = try QueryParameters(request, allowed: ["limit", "cursor"])
            let id = try context.parameters.require("id")
            if let scope = try await ReadScope.of(context, duty: duty) {
                try ReadScope.check(try await desk.incident(id).incident, scope)
            }
            let page = try await desk.timeline(of: id, page: try query.page())
            return try JSONResponse.make(
                PageBody(items: page.items.map(EventBody.init), nextCursor: page.nextCursor?.token))
        }
        router.post("/v1/incidents/{id}/notes") { request, context in
            let input = try await body.decode(
                NoteRequest.self, from: request, allowedMembers: NoteRequest.allowedMembers)
            let update = try await desk.addNote(
                to: try context.parameters.require("id"), text: input.text, actor: await context.actor()
            )
            return try changed(update, status: .created)
        }
        router.post("/v1/incidents/{id}/phase") { request, context in
            let input = try await body.decode(
                PhaseChangeRequest.self, from: request, allowedMembers: PhaseChangeRequest.allowedMembers
            )
            let phase = try Self.phase(input.phase)
            let update = try await desk.changePhase(
                of: try context.parameters.require("id"), to: phase, reason: input.reason,
                actor: await context.actor()
            )
            return try changed(update)
        }
        router.post("/v1/incidents/{id}/confirm") { request, context in
            let input = try await body.decode(
                ConfirmRequest.self, from: request, allowedMembers: ConfirmRequest.allowedMembers)
            let update = try await desk.confirm(
                try context.parameters.require("id"), phase: try input.phase.map { try Self.phase($0) },
                note: input.note,
                actor: await context.actor()
            )
            return try changed(update)
        }
        router.post("/v1/incidents/{id}/split") { request, context in
            let input = try await body.decode(
                SplitRequest.self, from: request, allowedMembers: SplitRequest.allowedMembers)
            let update = try await desk.split(
                try context.parameters.require("id"), reportID: input.reportID, reason: input.reason,
                actor: await context.actor()
            )
            guard let splitOff = update.splitOff else { return try changed(update) }
            return try JSONResponse.make(
                SplitBody(
                    incident: IncidentBody(update.incident), newIncident: IncidentBody(splitOff.incident),
                    events: (update.events + splitOff.events).map(EventBody.init)
                ),
                status: .created
            )
        }
        router.post("/v1/incidents/{id}/close") { request, context in
            let input = try await body.decode(
                CloseRequest.self, from: request, allowedMembers: CloseRequest.allowedMembers)
            let update = try await desk.close(
                try context.parameters.require("id"), outcome: input.outcome, actor: await context.actor()
            )
            return try changed(update)
        }
        router.post("/v1/incidents/{id}/reopen") { request, context in
            let input = try await body.decode(
                ReopenRequest.self, from: request, allowedMembers: ReopenRequest.allowedMembers)
            let update = try await desk.reopen(
                try context.parameters.require("id"), reason: input.reason, actor: await context.actor()
            )
            return try changed(update)
        }
    }

    /// A phase a person may assign, or a 422 naming the ones allowed.
    static func phase(_ text: String) throws(DeskError) -> Phase {
        guard let phase = Phase(rawValue: text), phase != .unclassified else {
            throw DeskError.invalid([
                FieldIssue(pointer: "/phase", detail: "must be one of before, during, after (got \"\(text)\")")
            ])
        }
        return phase
    }

    private func list(_ request: Request, scope: ReadScope?) async throws -> Response {
        let query = try QueryParameters(
            request, allowed: ["area", "phase", "status", "since", "needs_review", "limit", "cursor"])
        var filter = IncidentQuery(
            area: query.string("area"), phase: try query.oneOf("phase", Phase.self),
            status: try query.oneOf("status", IncidentStatus.self), since: try query.time("since"),
            needsReview: try query.boolean("needs_review"),
            page: try query.page()
        )
        filter.areas = scope?.areas
        filter.alsoIncidents = scope?.calledTo ?? []
        let incidents = try await desk.incidents(filter)
        return try JSONResponse.make(
            PageBody(items: incidents.items.map { IncidentBody($0) }, nextCursor: incidents.nextCursor?.token)
        )
    }

    private func changed(_ update: IncidentUpdate, status: HTTPResponse.Status = .ok) throws -> Response {
        try JSONResponse.make(
            IncidentChangeBody(incident: IncidentBody(update.incident), events: update.events.map(EventBody.init)),
            status: status
        )
    }
}

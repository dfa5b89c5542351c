import DeskAPIModels
import DeskCore
import Hummingbird

/// Rosters, responders, overrides, call-outs and follow-ups.
struct DutyRoutes {
    let desk: Desk
    let writes: Writes
    let body: JSONBody

    private var duty: DutyReads { desk.duty }

    func register(on router: DeskRouter) {
        router.get("/v1/roster", allow: DeskRouter.readers) { request, context in
            let query = try QueryParameters(request, allowed: ["area", "role", "at"])
            let at = try query.time("at")
            var slots = try await duty.onDuty(
                area: query.string("area"), role: try query.oneOf("role", DutyRole.self), at: at)
            if let scope = try await ReadScope.of(context, duty: duty) {
                slots = slots.filter { scope.areas.contains($0.area) }
            }
            return try JSONResponse.make(
                RosterSlotsBody(
                    at: slots.first?.at ?? at ?? .now, timeZone: desk.settings.current.duty.calendar.timeZoneID,
                    slots: slots.map(SlotBody.init)))
        }
        router.get("/v1/roster/export", allow: DeskRouter.officers) { _, _ in
            try JSONResponse.make(try await duty.roster())
        }
        // A whole branch's roster is larger than a report: allow up to 4 MiB here.
        let rosterBody = JSONBody(maxBytes: max(body.maxBytes, 4 << 20), maxDepth: body.maxDepth)
        router.on(.put, "/v1/roster", runs: ImportRoster.self) { request, context in
            let (roster, json) = try await rosterBody.decodeKeepingJSON(
                Roster.self, from: request, allowedMembers: RosterDocument.allowedMembers)
            return try await writes.run(ImportRoster(roster), request, context, body: json) { $0 }
        }
        router.get("/v1/responders", allow: DeskRouter.officers) { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try JSONResponse.make(ItemsBody(items: try await duty.roster().responders))
        }
        router.on(.post, "/v1/responders", runs: AddResponder.self) { request, context in
            let (responder, json) = try await body.decodeKeepingJSON(
                Responder.self, from: request, allowedMembers: RosterDocument.responderMembers)
            return try await writes.run(AddResponder(responder), request, context, body: json, status: .created) {
                $0
            }
        }
        router.on(.patch, "/v1/responders/{id}", runs: UpdateResponder.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                ResponderPatchRequest.self, from: request)
            let command = UpdateResponder(responderID: try context.parameters.require("id"), patch: input.patch)
            return try await writes.run(command, request, context, body: json) { $0 }
        }
        router.on(.post, "/v1/overrides", runs: AddOverride.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                OverrideRequest.self, from: request)
            let command = AddOverride(
                area: input.area, role: input.role, responderID: input.responder, starts: input.starts,
                ends: input.ends, reason: input.reason)
            return try await writes.run(command, request, context, body: json, status: .created) { $0 }
        }
        router.get("/v1/callouts", allow: DeskRouter.readers) { request, context in
            let query = try QueryParameters(request, allowed: ["mine", "status", "incident", "limit"])
            let status = try query.oneOf("status", CallOut.State.self)
            let scope = try await ReadScope.of(context, duty: duty)
            let callOuts = try await duty.callOuts(
                CallOutQuery(
                    incident: try incident(query), states: status.map { [$0] }, limit: try limit(query)),
                mine: try query.boolean("mine") == true ? try context.requirePrincipal() : nil)
            return try JSONResponse.make(
                ItemsBody(items: callOuts.filter { scope?.allows($0) ?? true }.map(CallOutBody.init)))
        }
        router.on(.post, "/v1/callouts/{id}/ack", runs: AcknowledgeCallOut.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                AckRequest.self, from: request)
            let command = AcknowledgeCallOut(callOutID: try context.parameters.require("id"), note: input.note)
            return try await writes.run(command, request, context, body: json, Self.body)
        }
        router.on(.post, "/v1/callouts/{id}/decline", runs: DeclineCallOut.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                DeclineRequest.self, from: request)
            let command = DeclineCallOut(callOutID: try context.parameters.require("id"), reason: input.reason)
            return try await writes.run(command, request, context, body: json, Self.body)
        }
        router.get("/v1/followups", allow: DeskRouter.readers) { request, context in
            let query = try QueryParameters(request, allowed: ["mine", "overdue", "status", "incident", "limit"])
            let status = try query.oneOf("status", FollowUp.State.self)
            let scope = try await ReadScope.of(context, duty: duty)
            let followUps = try await duty.followUps(
                FollowUpQuery(
                    incident: try incident(query), dueBefore: try query.boolean("overdue") == true ? .now : nil,
                    states: status.map { [$0] }, limit: try limit(query)),
                mine: try query.boolean("mine") == true ? try context.requirePrincipal() : nil)
            return try JSONResponse.make(
                ItemsBody(items: followUps.filter { scope?.allows($0) ?? true }.map(FollowUpBody.init)))
        }
        router.on(.post, "/v1/followups/{id}/done", runs: CompleteFollowUp.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                FollowUpDoneRequest.self, from: request)
            let command = CompleteFollowUp(followUpID: try context.parameters.require("id"), outcome: input.outcome)
            return try await writes.run(command, request, context, body: json) { FollowUpBody($0) }
        }
    }

    @Sendable private static func body(_ answer: CallOutAnswer) -> CallOutAnswerBody {
        CallOutAnswerBody(
            callOut: CallOutBody(answer.callOut), replacement: answer.replacement.map(CallOutBody.init),
            events: answer.events.map(EventBody.init))
    }

    private func incident(_ query: QueryParameters) throws(DeskError) -> DeskID? {
        guard let text = query.string("incident") else { return nil }
        guard let id = DeskID(text) else { throw DeskError.invalidParameter("incident", "not an incident id") }
        return id
    }

    private func limit(_ query: QueryParameters) throws(DeskError) -> Int {
        let limit = try query.integer("limit") ?? 100
        guard (1...500).contains(limit) else { throw DeskError.invalidParameter("limit", "must be 1-500") }
        return limit
    }
}

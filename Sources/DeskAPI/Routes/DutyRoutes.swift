import DeskAPIModels
import DeskCore
import Hummingbird

/// Rosters, responders, overrides, call-outs and follow-ups.
struct DutyRoutes {
    let duty: DutyDesk
    let body: JSONBody

    func register(on router: Router<DeskRequestContext>) {
        router.get("/v1/roster") { request, context in
            let query = try QueryParameters(request, allowed: ["area", "role", "at"])
            let at = try query.time("at")
            var slots = try await duty.onDuty(
                area: query.string("area"), role: try query.oneOf("role", DutyRole.self), at: at)
            if let scope = try await ReadScope.of(context, duty: duty) {
                slots = slots.filter { scope.areas.contains($0.area) }
            }
            return try JSONResponse.make(
                RosterSlotsBody(
                    at: slots.first?.at ?? at ?? .now, timeZone: duty.currentSettings.calendar.timeZoneID,
                    slots: slots.map(SlotBody.init)))
        }
        router.get("/v1/roster/export") { _, _ in
            try JSONResponse.make(try await duty.roster())
        }
        // A whole branch's roster is larger than a report: allow up to 4 MiB here.
        let rosterBody = JSONBody(maxBytes: max(body.maxBytes, 4 << 20), maxDepth: body.maxDepth)
        router.put("/v1/roster") { request, context in
            let roster = try await rosterBody.decode(
                Roster.self, from: request, allowedMembers: RosterDocument.allowedMembers)
            return try JSONResponse.make(try await duty.importRoster(roster, actor: await context.actor()))
        }
        router.get("/v1/responders") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try JSONResponse.make(ItemsBody(items: try await duty.roster().responders))
        }
        router.post("/v1/responders") { request, context in
            let responder = try await body.decode(
                Responder.self, from: request, allowedMembers: RosterDocument.responderMembers)
            let added = try await duty.addResponder(responder, actor: await context.actor())
            return try JSONResponse.make(added, status: .created)
        }
        router.patch("/v1/responders/{id}") { request, context in
            let input = try await body.decode(
                ResponderPatchRequest.self, from: request, allowedMembers: ResponderPatchRequest.allowedMembers)
            let updated = try await duty.updateResponder(
                try context.parameters.require("id"), input.patch, actor: await context.actor())
            return try JSONResponse.make(updated)
        }
        router.post("/v1/overrides") { request, context in
            let input = try await body.decode(
                OverrideRequest.self, from: request, allowedMembers: OverrideRequest.allowedMembers)
            let override = try await duty.addOverride(
                area: input.area, role: input.role, responder: input.responder, starts: input.starts, ends: input.ends,
                reason: input.reason, actor: await context.actor())
            return try JSONResponse.make(override, status: .created)
        }
        router.get("/v1/callouts") { request, context in
            let query = try QueryParameters(request, allowed: ["mine", "status", "incident", "limit"])
            let status = try query.oneOf("status", CallOut.State.self)
            let scope = try await ReadScope.of(context, duty: duty)
            let callOuts = try await duty.callOuts(
                CallOutQuery(
                    incident: try incident(query), states: status.map { [$0] }, limit: try limit(query)),
                mine: try query.boolean("mine") == true ? await context.actor() : nil,
                bound: context.principal?.responderID)
            return try JSONResponse.make(
                ItemsBody(items: callOuts.filter { scope?.allows($0) ?? true }.map(CallOutBody.init)))
        }
        router.post("/v1/callouts/{id}/ack") { request, context in
            let input = try await body.decode(AckRequest.self, from: request, allowedMembers: AckRequest.allowedMembers)
            let answer = try await duty.acknowledge(
                try context.parameters.require("id"), note: input.note, actor: await context.actor(),
                bound: context.principal?.responderID)
            return try JSONResponse.make(Self.body(answer))
        }
        router.post("/v1/callouts/{id}/decline") { request, context in
            let input = try await body.decode(
                DeclineRequest.self, from: request, allowedMembers: DeclineRequest.allowedMembers)
            let answer = try await duty.decline(
                try context.parameters.require("id"), reason: input.reason, actor: await context.actor(),
                bound: context.principal?.responderID)
            return try JSONResponse.make(Self.body(answer))
        }
        router.get("/v1/followups") { request, context in
            let query = try QueryParameters(request, allowed: ["mine", "overdue", "status", "incident", "limit"])
            let status = try query.oneOf("status", FollowUp.State.self)
            let scope = try await ReadScope.of(context, duty: duty)
            let followUps = try await duty.followUps(
                FollowUpQuery(
                    incident: try incident(query), dueBefore: try query.boolean("overdue") == true ? .now : nil,
                    states: status.map { [$0] }, limit: try limit(query)),
                mine: try query.boolean("mine") == true ? await context.actor() : nil,
                bound: context.principal?.responderID)
            return try JSONResponse.make(
                ItemsBody(items: followUps.filter { scope?.allows($0) ?? true }.map(FollowUpBody.init)))
        }
        router.post("/v1/followups/{id}/done") { request, context in
            let input = try await body.decode(
                FollowUpDoneRequest.self, from: request, allowedMembers: FollowUpDoneRequest.allowedMembers)
            let done = try await duty.complete(
                try context.parameters.require("id"), outcome: input.outcome, actor: await context.actor(),
                bound: context.principal?.responderID)
            return try JSONResponse.make(FollowUpBody(done))
        }
    }

    private static func body(_ answer: CallOutAnswer) -> CallOutAnswerBody {
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

import DeskAPIModels
import DeskCore
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /v1/events`: the timeline as server-sent events, live, resumable with `Last-Event-ID`.
///
/// Each event says what changed (sequence, kind, incident), not its content: clients fetch what
/// they show through the ordinary endpoints. A responder's stream carries only the events of
/// incidents in their areas and of those they are called to now. A stream lasts at most
/// `maxLifetime` (the browser reconnects with `Last-Event-ID` and misses nothing) and ends when
/// deskd shuts down.
///
/// A stream follows its principal (security review 2026-12-06, L2): after a token or responder
/// change, and at every heartbeat, the principal is checked again as a new request would be
/// (`StreamAccess`); once refused, the stream says `event: end` and ends. A call-out event naming
/// the streaming responder recomputes what the stream carries. One principal holds at most
/// `EventHub.maxPerOwner` streams (M5).
struct EventRoutes {
    let desk: Desk
    let hub: EventHub
    let access: AccessControl
    /// Seconds between keep-alive comments.
    var heartbeat: Duration = .seconds(15)
    /// A stream is ended after this long; the client reconnects and resumes.
    var maxLifetime: Duration = .seconds(600)
    /// Events replayed from the database on reconnecting, at most; beyond that a `reset` event
    /// tells the client to load everything afresh.
    var maxReplay = 1_000

    func register(on router: DeskRouter) {
        // Filtered by what the principal may see (a responder: their areas' incidents).
        router.get("/v1/events", allow: DeskRouter.readers) { request, context in
            let query = try QueryParameters(request, allowed: ["after"])
            let after = try Self.resumePoint(request, query)
            let principal = try context.requirePrincipal()
            let scope = try await ReadScope.of(context, duty: desk.duty)
            let credential = await StreamAccess(request, context, access: access)
            // Subscribe before replaying, so nothing stored in between is lost (duplicates are skipped by sequence).
            let subscription: EventHub.Subscription
            do {
                subscription = try hub.subscribe(owner: principal.actor.rawValue)
            } catch let limit as EventHub.OwnerLimitReached {
                // A stream whose client went away is noticed at its next heartbeat.
                throw APIProblem(
                    status: .tooManyRequests, slug: "too-many-streams", title: "Too many live streams",
                    detail: "\(limit); close one (another console tab?), or try again shortly"
                ).retrying(after: Int(heartbeat.components.seconds))
            }
            var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
            if let name = HTTPField.Name("X-Accel-Buffering") { headers[name] = "no" }
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { [self] writer in
                    let beats = Task { [heartbeat] in
                        while !Task.isCancelled {
                            try? await Task.sleep(for: heartbeat)
                            subscription.feed.yield(.heartbeat)
                        }
                    }
                    defer {
                        beats.cancel()
                        subscription.feed.finish()
                    }
                    var filter = AreaFilter(incidents: desk.incidents, scope: scope)
                    try await writer.write(ByteBuffer(string: "retry: 2000\n: deskd live events\n\n"))
                    var last = after ?? 0
                    if let after {
                        let replay = try await replayed(after: after, filter: &filter)
                        for event in replay.events { try await writer.write(Self.frame(event)) }
                        last = replay.last
                        if replay.truncated {
                            try await writer.write(ByteBuffer(string: "event: reset\ndata: {}\n\n"))
                        }
                    }
                    let started = ContinuousClock.now
                    var current = principal
                    stream: for await signal in subscription.signals {
                        switch signal {
                        case .event(let event, let area):
                            guard event.sequence > last else { continue }
                            last = event.sequence
                            if StreamAccess.recheckKinds.contains(event.kind) {
                                switch await Self.recheck(credential) {
                                case .ended(let reason):
                                    try await writer.write(Self.endFrame(reason))
                                    break stream
                                case .still(let now):
                                    current = now
                                    filter.scope = try await ReadScope.of(now, duty: desk.duty)
                                case .unknown:
                                    break
                                }
                            }
                            var allowed = try await filter.allows(event, area: area)
                            if filter.names(event) {
                                // Called, or no longer: what the stream carries changes from this event on.
                                filter.scope = try await ReadScope.of(current, duty: desk.duty)
                                allowed = try await filter.allows(event, area: area) || allowed
                            }
                            if allowed { try await writer.write(Self.frame(event)) }
                        case .heartbeat:
                            switch await Self.recheck(credential) {
                            case .ended(let reason):
                                try await writer.write(Self.endFrame(reason))
                                break stream
                            case .still(let now) where now != current:
                                current = now
                                filter.scope = try await ReadScope.of(now, duty: desk.duty)
                            case .still, .unknown:
                                break
                            }
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        }
                        if ContinuousClock.now - started > maxLifetime { break }
                    }
                    try await writer.finish(nil)
                })
        }
    }

    /// The sequence to resume after: `Last-Event-ID` (the browser's reconnect) or `?after=`.
    private static func resumePoint(_ request: Request, _ query: QueryParameters) throws(DeskError) -> Int64? {
        let header = HTTPField.Name("Last-Event-ID").flatMap { request.headers[$0] }
        guard let text = header ?? query.string("after") else { return nil }
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw DeskError.invalidParameter("Last-Event-ID", "must be an event sequence number (got \"\(text)\")")
        }
        return value
    }

    /// Stored events after `after` that the caller may see, at most `maxReplay` looked at.
    private func replayed(
        after: Int64, filter: inout AreaFilter
    ) async throws -> (events: [TimelineEvent], last: Int64, truncated: Bool) {
        var events: [TimelineEvent] = []
        var cursor = PageCursor.afterSequence(after)
        var last = after
        var seen = 0
        while seen < maxReplay {
            let page = try await desk.incidents.timeline(
                since: nil, page: try PageRequest(limit: min(200, maxReplay - seen), cursor: cursor))
            for event in page.items {
                last = max(last, event.sequence)
                if try await filter.allows(event, area: nil) { events.append(event) }
            }
            seen += page.items.count
            guard let next = page.nextCursor else { return (events, last, false) }
            cursor = next
        }
        return (events, last, true)
    }

    /// What checking a stream's principal again found.
    enum Recheck {
        /// Still allowed, as this principal.
        case still(Principal)
        /// Refused now, for this reason.
        case ended(String)
        /// Not known (e.g. the database did not answer): the stream goes on.
        case unknown
    }

    static func recheck(_ credential: StreamAccess) async -> Recheck {
        do {
            return .still(try await credential.principal())
        } catch let error as DeskError {
            switch error {
            case .unauthenticated(let reason), .forbidden(let reason): return .ended(reason)
            default: return .unknown
            }
        } catch {
            return .unknown
        }
    }

    /// The last frame of a stream whose principal no longer counts (the browser's reconnect is then refused).
    static func endFrame(_ reason: String) throws -> ByteBuffer {
        let json = String(decoding: try DeskJSON.encoder().encode(["reason": reason]), as: UTF8.self)
        return ByteBuffer(string: "event: end\ndata: \(json)\n\n")
    }

    static func frame(_ event: TimelineEvent) throws -> ByteBuffer {
        let body = LiveEventBody(
            seq: event.sequence, kind: event.kind.rawValue, incidentID: event.incidentID?.rawValue, at: event.at)
        let json = String(decoding: try DeskJSON.encoder().encode(body), as: UTF8.self)
        return ByteBuffer(string: "id: \(event.sequence)\nevent: timeline\ndata: \(json)\n\n")
    }
}

/// Which events a stream may carry: all, or (for a responder) those of incidents in their areas
/// and of incidents they are called to (`scope`, recomputed when a call-out names them).
struct AreaFilter {
    let incidents: IncidentReads
    var scope: ReadScope?
    /// Incident areas already looked up, bounded.
    private var known: [DeskID: String] = [:]

    init(incidents: IncidentReads, scope: ReadScope?) {
        self.incidents = incidents
        self.scope = scope
    }

    /// Whether `event` is a call-out event naming the streaming responder: it may call them to an
    /// incident outside their areas, or end such a call.
    func names(_ event: TimelineEvent) -> Bool {
        guard let scope, event.kind.rawValue.hasPrefix("callout.") else { return false }
        return event.data.values.values.contains(.string(scope.responderID))
    }

    mutating func allows(_ event: TimelineEvent, area: String?) async throws -> Bool {
        guard let scope else { return true }
        let areas = scope.areas
        guard let incident = event.incidentID else { return false }
        if scope.calledTo.contains(incident) { return true }
        if let area { return areas.contains(area) }
        if let cached = known[incident] { return areas.contains(cached) }
        guard let found = try? await incidents.incident(incident.rawValue).incident.areaID else { return false }
        if known.count > 1_000 { known.removeAll() }
        known[incident] = found
        return areas.contains(found)
    }
}

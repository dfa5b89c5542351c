import AsyncHTTPClient
import DeskAPI
import DeskAPIModels
import DeskCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// `GET /v1/events`: live, resumable, filtered by what the principal may see, bounded.
@Suite(.serialized) struct EventStreamTests {
    /// Reads an event stream until `done` says so, `maxChunks` chunks came, the server ends it
    /// (`ended`) or `timeout` seconds pass; then drops it.
    static func read(
        _ server: TestServer, headers: [(String, String)], maxChunks: Int = 200, timeout: Int64 = 30,
        whileOpen: @Sendable () async throws -> Void = {}, until done: @escaping @Sendable (String) -> Bool
    ) async throws -> (status: Int, contentType: String?, text: String, ended: Bool) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.tcpPort)/v1/events")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let text = Collected()
        var ended = false
        if response.status == .ok {
            try await whileOpen()
            // The client's deadline covers the head only: the body is bounded here.
            let body = response.body
            ended = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    var chunks = 0
                    for try await chunk in body {
                        let now = text.value.withLock { collected in
                            collected += String(buffer: chunk)
                            return collected
                        }
                        chunks += 1
                        if done(now) || chunks >= maxChunks { return false }
                    }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
        } else {
            for try await chunk in response.body { text.value.withLock { $0 += String(buffer: chunk) } }
        }
        return (
            Int(response.status.code), response.headers.first(name: "Content-Type"), text.value.withLock { $0 }, ended
        )
    }

    /// The text of a stream read so far, shared with the task reading it.
    final class Collected: Sendable {
        let value = Mutex("")
    }

    @Test func aStoredReportArrivesOnAnOpenStream() async throws {
        try await TestServer.with { server in
            let result = try await Self.read(
                server, headers: [("Authorization", "Bearer \(server.adminToken)")],
                whileOpen: {
                    let made = try await server.send(
                        .tcp, .POST, "/v1/reports", body: #"{"area": "bredang", "text": "Brand i trapphuset, pågår"}"#)
                    #expect(made.status == 201)
                }, until: { $0.contains("report.received") })
            #expect(result.status == 200)
            #expect(result.contentType == "text/event-stream; charset=utf-8")
            #expect(result.text.contains("event: timeline\n"))
            #expect(result.text.contains(#""kind":"report.received""#))
            #expect(result.text.contains("\nid: "))
        }
    }

    @Test func aReconnectResumesAfterLastEventIDAndAResponderSeesOnlyTheirAreas() async throws {
        try await TestServer.with { server in
            let responder = try await server.bredangResponderToken()
            var incidents: [String: String] = [:]
            for (area, text) in [("rinkeby", "Skottlossning på torget nu"), ("bredang", "Brand i trapphuset, pågår")] {
                let made = try await server.send(
                    .tcp, .POST, "/v1/reports", body: #"{"area": "\#(area)", "text": "\#(text)"}"#)
                incidents[area] = try made.decode(ReportCreatedBody.self).incident.id
            }
            let bredang = try #require(incidents["bredang"])
            let rinkeby = try #require(incidents["rinkeby"])
            // The admin resumes after event 0: everything stored, in order.
            let admin = try await Self.read(
                server, headers: [("Authorization", "Bearer \(server.adminToken)"), ("Last-Event-ID", "0")],
                until: { $0.contains(bredang) && $0.contains(rinkeby) })
            #expect(admin.text.contains(bredang) && admin.text.contains(rinkeby))
            // After the last of rinkeby's events, only bredang's follow.
            let ids = admin.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap {
                Int($0.dropFirst(4))
            }
            #expect(ids == ids.sorted() && !ids.isEmpty)
            // The responder: bredang's events only, never rinkeby's. A later bredang report ends the wait.
            let mine = try await Self.read(
                server, headers: [("Authorization", "Bearer \(responder)"), ("Last-Event-ID", "0")],
                whileOpen: {
                    _ = try await server.send(
                        .tcp, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Oro på torget efteråt"}"#)
                    _ = try await server.send(
                        .tcp, .POST, "/v1/reports", body: #"{"area": "satra", "text": "Strömavbrott i Sätra nu"}"#)
                    _ = try await server.send(
                        .tcp, .POST, "/v1/reports",
                        body: #"{"area": "bredang", "text": "Röken syns fortfarande i trapphuset, pågår"}"#)
                }, until: { $0.components(separatedBy: "report.received").count > 2 })
            #expect(mine.text.contains(bredang))
            #expect(!mine.text.contains(rinkeby))
            #expect(mine.text.components(separatedBy: "report.received").count == 3, "\(mine.text)")
            // A malformed Last-Event-ID is refused.
            let bad = try await Self.read(
                server, headers: [("Authorization", "Bearer \(server.adminToken)"), ("Last-Event-ID", "x")],
                until: { _ in true })
            #expect(bad.status == 400)
        }
    }

    @Test func aSlowStreamIsCutOffInsteadOfGrowing() async throws {
        let hub = EventHub(bufferLimit: 4)
        let subscription = try hub.subscribe()
        let events = (1...10).map { number in
            TimelineEvent(
                sequence: Int64(number), id: IDGenerator(clock: SystemWallClock()).next(), at: Date(), incidentID: nil,
                actor: .system,
                kind: .noteAdded, data: [:])
        }
        hub.publish(events, area: nil)
        var received: [Int64] = []
        for await signal in subscription.signals {
            if case .event(let event, _) = signal { received.append(event.sequence) }
        }
        // The first four were buffered; then the stream ended (the client resumes from the database).
        #expect(received == [1, 2, 3, 4])
        #expect(hub.subscriberCount == 0)
    }

    @Test func closingTheHubEndsEveryStreamAndRefusesNewOnes() async throws {
        let hub = EventHub(bufferLimit: 8, maxSubscribers: 2)
        let first = try hub.subscribe()
        let second = try hub.subscribe()
        #expect(throws: DeskError.self) { try hub.subscribe() }
        #expect(hub.subscriberCount == 2 && second.id != first.id)
        hub.close()
        var count = 0
        for await _ in first.signals { count += 1 }
        #expect(count == 0)
        #expect(throws: DeskError.self) { try hub.subscribe() }
    }

    // MARK: Security review 2026-12-06, L2: a stream follows its principal

    /// L2: deactivating the streaming responder ends their stream; nothing after it reaches them.
    @Test func aStreamEndsWhenItsResponderIsDeactivated() async throws {
        try await TestServer.with { server in
            let responder = try await server.bredangResponderToken()
            let result = try await Self.read(
                server, headers: [("Authorization", "Bearer \(responder)")], timeout: 10,
                whileOpen: {
                    let patched = try await server.send(
                        .unix, .PATCH, "/v1/responders/r-b", body: #"{"active": false}"#)
                    #expect(patched.status == 200)
                    _ = try await server.send(
                        .tcp, .POST, "/v1/reports", body: #"{"area": "bredang", "text": "Brand i trapphuset, pågår"}"#)
                }, until: { $0.contains("report.received") })
            #expect(result.status == 200 && result.ended)
            #expect(!result.text.contains("report.received"), "\(result.text)")
            #expect(result.text.contains("event: end"), "\(result.text)")
        }
    }

    /// L2: revoking the streaming token ends the stream.
    @Test func aStreamEndsWhenItsTokenIsRevoked() async throws {
        try await TestServer.with { server in
            let responder = try await server.bredangResponderToken()
            let result = try await Self.read(
                server, headers: [("Authorization", "Bearer \(responder)")], timeout: 10,
                whileOpen: {
                    #expect(try await server.send(.unix, .DELETE, "/v1/tokens/r-b").status == 200)
                    _ = try await server.send(
                        .tcp, .POST, "/v1/reports", body: #"{"area": "bredang", "text": "Brand i trapphuset, pågår"}"#)
                }, until: { $0.contains("report.received") })
            #expect(result.ended && !result.text.contains("report.received"), "\(result.text)")
            #expect(result.text.contains("event: end"), "\(result.text)")
        }
    }

    /// L2: a console session ended by an admin ends its stream at the stream's next heartbeat.
    @Test func aStreamEndsWhenItsConsoleSessionEnds() async throws {
        var settings = APISettings()
        settings.streamHeartbeat = 0.2
        try await TestServer.with(settings: settings) { server in
            // A session as `deskctl console` makes it for the user running the test (deskd's own: admin).
            let principal = Principal(actor: .unixUser("sara"), role: .officer)
            let (secret, session) = try await server.access.console.start(
                for: principal, credential: .localPeer(uid: getuid(), gid: getgid()), method: "code")
            let result = try await Self.read(
                server, headers: [("Cookie", "desk_session=\(secret)"), ("X-Desk-CSRF", session.csrfToken)],
                timeout: 10,
                whileOpen: {
                    let ended = try await server.access.console.revoke(id: session.id)
                    #expect(ended != nil)
                },
                until: { $0.contains("event: end") })
            #expect(result.status == 200)
            #expect(result.text.contains("event: end"), "\(result.text)")
            #expect(result.text.contains("console session has ended"), "\(result.text)")
        }
    }

    /// L2: a responder newly called from a neighbouring area gets that incident's events live;
    /// once their call-out is closed, the incident's later events no longer reach them.
    @Test func aCallOutNamingTheStreamingResponderRecomputesWhatTheStreamCarries() async throws {
        try await TestServer.with(policy: CallOutAccessTests.policy) { server in
            let setup = try await CallOutAccessTests.Setup(server)
            let first = try #require(try await setup.callOuts("fa1").first)
            let sfa1 = try #require(setup.tokens["sfa1"])
            // Sätra's first-aider streams; Bredäng's declines, so they are called.
            let called = try await Self.read(
                server, headers: [("Authorization", "Bearer \(sfa1)")], timeout: 10,
                whileOpen: {
                    let declined = try await setup.post(
                        "/v1/callouts/\(first.id)/decline", #"{"reason": "sjuk"}"#, as: "fa1")
                    #expect(declined.status == 200)
                }, until: { $0.contains("callout.created") })
            #expect(called.text.contains(#""kind":"callout.created""#), "\(called.text)")
            #expect(called.text.contains(setup.incident))
            // They decline too: the officer's later note on that incident is not theirs to see, while
            // a report in their own area still is.
            let theirs = try #require(try await setup.callOuts("sfa1").first)
            let after = try await Self.read(
                server, headers: [("Authorization", "Bearer \(sfa1)")], timeout: 10,
                whileOpen: {
                    let declined = try await setup.post(
                        "/v1/callouts/\(theirs.id)/decline", #"{"reason": "på semester"}"#, as: "sfa1")
                    #expect(declined.status == 200)
                    let note = try await server.send(
                        .unix, .POST, "/v1/incidents/\(setup.incident)/notes", body: #"{"text": "Ambulans på plats"}"#)
                    #expect(note.status == 200 || note.status == 201, "\(note.text)")
                    _ = try await server.send(
                        .unix, .POST, "/v1/reports", body: #"{"area": "satra", "text": "Strömavbrott i Sätra nu"}"#)
                }, until: { $0.contains("report.received") })
            #expect(after.text.contains("report.received"), "\(after.text)")
            #expect(!after.text.contains("note.added"), "\(after.text)")
        }
    }
}

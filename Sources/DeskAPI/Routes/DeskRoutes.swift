import DeskAPIModels
import DeskCore
import Foundation
import Hummingbird
import NIOCore

/// Areas, the global timeline, health and the API description.
struct DeskRoutes {
    let desk: Desk
    let metrics: DeskMetrics
    let body: JSONBody
    /// The rendered first page of the area list.
    let areaList = AreaListCache()

    func register(on router: DeskRouter) {
        router.get("/v1/areas", allow: DeskRouter.readers) { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "cursor"])
            let wanted = try query.page()
            let areas = desk.incidents.areas
            func render() throws -> ByteBuffer {
                let page = try desk.incidents.areas(page: wanted, of: areas)
                return ByteBuffer(
                    bytes: PageBody(items: page.items.map(AreaBody.init), nextCursor: page.nextCursor?.token).jsonBytes)
            }
            guard wanted.cursor == nil else { return JSONResponse.make(bytes: try render()) }
            return JSONResponse.make(bytes: try areaList.firstPage(of: areas, limit: wanted.limit, render: render))
        }
        // The whole timeline spans every area: not for responders, who read their own areas.
        router.get("/v1/timeline", allow: [.viewer, .officer, .admin]) { request, _ in
            let query = try QueryParameters(request, allowed: ["since", "limit", "cursor"])
            let page = try await desk.incidents.timeline(since: try query.time("since"), page: try query.page())
            return try JSONResponse.make(
                PageBody(items: page.items.map(EventBody.init), nextCursor: page.nextCursor?.token))
        }
        router.on(.post, "/v1/backups", allow: DeskRouter.admins) { request, context in
            // Only local users (the Unix socket) may make deskd write files: a backup is a file on the
            // desk's host, whoever asks, and a token travels further than a local account.
            guard context.transport == .unix else {
                throw APIProblem(
                    status: .forbidden, slug: "forbidden", title: "Forbidden",
                    detail: "backups are taken over the Unix socket only (deskctl backup on the desk's host)")
            }
            let input = try await body.decode(
                BackupRequest.self, from: request)
            return try JSONResponse.make(try await desk.records.backup(name: input.name), status: .created)
        }
        // Hashes the whole timeline: for those who answer for it, one at a time.
        router.get("/v1/verify", allow: DeskRouter.officers) { request, _ in
            let query = try QueryParameters(request, allowed: ["head"])
            var anchor: ChainHead?
            if let text = query.string("head") {
                guard let head = ChainHead(text) else {
                    throw DeskError.invalidParameter(
                        "head", "must be SEQ:HASH, a sequence number and a 64-digit lower-case hex chain hash")
                }
                anchor = head
            }
            let verification = try await desk.records.verify(anchor: anchor)
            metrics.record(verification, at: Date())
            return try JSONResponse.make(verification)
        }
        // Answered before any authentication (AccessMiddleware lets it through). Alive (200) whatever
        // the database says; `checks.database` tells an operator whether it answers (during a
        // failover: "unavailable"), while /readyz fails so that a load balancer moves on.
        router.anyone(.get, "/healthz") { _, _ in
            let database: String
            do {
                try await desk.incidents.ping()
                database = "ok"
            } catch {
                database = "unavailable"
            }
            return try JSONResponse.make(HealthBody(status: "ok", checks: ["database": database]))
        }
        // Ready when the database answers: on PostgreSQL, a writable primary (the connections ask
        // for target_session_attrs=read-write); 503 with Retry-After otherwise.
        router.get("/readyz", allow: DeskRouter.monitors) { _, _ in
            do {
                try await desk.incidents.ping()
            } catch {
                throw DeskError.unavailable("the database does not answer")
            }
            return try JSONResponse.make(HealthBody(status: "ok", checks: ["database": "ok"]))
        }
        // Served even when the database does not answer: deskd_ready says so (the gauges read from
        // the database keep their last values), where a failed scrape would look like deskd down.
        router.get("/metrics", allow: DeskRouter.monitors) { _, _ in
            do {
                try await desk.incidents.ping()
                let summary = try await desk.incidents.openIncidentSummary()
                let backlog = try await desk.duty.backlog()
                metrics.refresh(summary)
                metrics.refresh(backlog)
                metrics.refresh(ready: true)
            } catch {
                metrics.refresh(ready: false)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text()))
            )
        }
        router.get("/v1/openapi.yaml", allow: DeskRouter.readers) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml))
            )
        }
    }
}

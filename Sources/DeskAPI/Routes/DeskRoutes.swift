import DeskAPIModels
import DeskCore
import Hummingbird

/// Areas, the global timeline, health and the API description.
struct DeskRoutes {
    let desk: IncidentDesk
    let metrics: DeskMetrics
    let body: JSONBody

    func register(on router: Router<DeskRequestContext>) {
        router.get("/v1/areas") { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "cursor"])
            let page = try desk.areas(page: try query.page())
            return try JSONResponse.make(
                PageBody(items: page.items.map(AreaBody.init), nextCursor: page.nextCursor?.token))
        }
        router.get("/v1/timeline") { request, _ in
            let query = try QueryParameters(request, allowed: ["since", "limit", "cursor"])
            let page = try await desk.timeline(since: try query.time("since"), page: try query.page())
            return try JSONResponse.make(
                PageBody(items: page.items.map(EventBody.init), nextCursor: page.nextCursor?.token))
        }
        router.post("/v1/backups") { request, context in
            // Until access control exists, only local users (the Unix socket) may make deskd write files.
            guard context.transport == .unix else {
                throw APIProblem(
                    status: .forbidden, slug: "forbidden", title: "Forbidden",
                    detail: "backups are taken over the Unix socket only (deskctl backup on the desk's host)")
            }
            let input = try await body.decode(
                BackupRequest.self, from: request, allowedMembers: BackupRequest.allowedMembers)
            return try JSONResponse.make(try await desk.backup(name: input.name), status: .created)
        }
        router.get("/v1/verify") { request, _ in
            let query = try QueryParameters(request, allowed: ["head"])
            var anchor: ChainHead?
            if let text = query.string("head") {
                guard let head = ChainHead(text) else {
                    throw DeskError.invalidParameter(
                        "head", "must be SEQ:HASH, a sequence number and a 64-digit lower-case hex chain hash")
                }
                anchor = head
            }
            return try JSONResponse.make(try await desk.verifyTimeline(anchor: anchor))
        }
        router.get("/healthz") { _, _ in
            try JSONResponse.make(HealthBody(status: "ok"))
        }
        router.get("/readyz") { _, _ in
            do {
                try await desk.ping()
            } catch {
                throw DeskError.unavailable("the database does not answer")
            }
            return try JSONResponse.make(HealthBody(status: "ok", checks: ["database": "ok"]))
        }
        router.get("/metrics") { _, _ in
            metrics.refresh(try await desk.openIncidentSummary())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text()))
            )
        }
        router.get("/v1/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml))
            )
        }
    }
}

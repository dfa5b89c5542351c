import DeskAPIModels
import DeskCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `/v1/stats/incidents`, `/v1/stats/callouts`, `/v1/stats/followups`: the trends, per ISO week in
/// the desk's time zone, area and phase (`by`), over whole weeks (`since`, `12w` by default). A
/// responder counts their own areas only. JSON, or CSV when asked (`Accept: text/csv` or
/// `format=csv`, which a download link can carry).
struct StatsRoutes {
    let desk: Desk

    /// The query parameters every stats route takes.
    static let parameters: Set<String> = ["by", "since", "format"]

    func register(on router: DeskRouter) {
        router.get("/v1/stats/incidents", allow: DeskRouter.readers) { request, context in
            let (period, by, areas, csv) = try await Self.query(request, context, desk)
            let table = try await desk.stats.incidents(period, by: by, areas: areas)
            return try Self.answer(
                StatsBody(figures: "incidents", table, items: table.rows.map(IncidentStatsItem.init)), csv)
        }
        router.get("/v1/stats/callouts", allow: DeskRouter.readers) { request, context in
            let (period, by, areas, csv) = try await Self.query(request, context, desk)
            let table = try await desk.stats.callOuts(period, by: by, areas: areas)
            return try Self.answer(
                StatsBody(figures: "callouts", table, items: table.rows.map(CallOutStatsItem.init)), csv)
        }
        router.get("/v1/stats/followups", allow: DeskRouter.readers) { request, context in
            let (period, by, areas, csv) = try await Self.query(request, context, desk)
            let table = try await desk.stats.followUps(period, by: by, areas: areas)
            return try Self.answer(
                StatsBody(figures: "followups", table, items: table.rows.map(FollowUpStatsItem.init)), csv)
        }
    }

    /// The period, the breakdown, the caller's areas (nil: every area) and whether CSV is wanted.
    private static func query(
        _ request: Request, _ context: DeskRequestContext, _ desk: Desk
    ) async throws -> (StatsPeriod, [StatsDimension], Set<String>?, Bool) {
        let query = try QueryParameters(request, allowed: parameters)
        let period = try query.string("since").map { text throws(DeskError) in try StatsPeriod(text) } ?? .standard
        let by = try StatsDimension.parse(query.string("by") ?? "week")
        let csv: Bool
        switch query.string("format") {
        case nil: csv = wantsCSV(request)
        case "csv": csv = true
        case "json": csv = false
        case let other?:
            throw DeskError.invalidParameter("format", "must be json or csv (got \"\(other)\")")
        }
        // A responder counts the areas they cover, not the incidents they were called to elsewhere.
        let scope = try await ReadScope.of(context, duty: desk.duty)
        return (period, by, scope?.areas, csv)
    }

    /// Whether the `Accept` header prefers CSV to JSON (its first listed type that is either).
    static func wantsCSV(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return false }
        for part in accept.split(separator: ",") {
            let type = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if type == "text/csv" { return true }
            if type == "application/json" { return false }
        }
        return false
    }

    private static func answer<Item>(_ body: StatsBody<Item>, _ csv: Bool) throws -> Response {
        guard csv else { return try JSONResponse.make(body) }
        let name = "desk-\(body.figures)-\(body.by.joined(separator: "-"))-\(body.since).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.csv)))
    }
}

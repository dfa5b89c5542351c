import DeskAPIModels
import DeskCore
import HTTPTypes
import Hummingbird

/// `POST /v1/reports` and its dry run, `POST /v1/classify`.
struct ReportRoutes {
    let desk: IncidentDesk
    let body: JSONBody

    func register(on router: Router<DeskRequestContext>) {
        router.post("/v1/reports") { request, context in try await submit(request, context) }
        router.post("/v1/classify") { request, _ in
            let input = try await body.decode(
                ClassifyRequest.self, from: request, allowedMembers: ClassifyRequest.allowedMembers)
            let classification = try desk.classify(
                ClassificationRequest(
                    text: input.text, title: input.title, language: input.lang, occurredAt: input.occurredAt,
                    injured: input.injured, ongoing: input.ongoing, category: input.category, phase: input.phase
                ))
            return try JSONResponse.make(classification)
        }
    }

    func submit(_ request: Request, _ context: DeskRequestContext) async throws -> Response {
        let input = try await body.decode(
            ReportRequest.self, from: request, allowedMembers: ReportRequest.allowedMembers)
        let submission = ReportSubmission(
            area: input.area, text: input.text, title: input.title, occurredAt: input.occurredAt,
            location: input.location, reporter: input.reporter.map { Reporter(name: $0.name, contact: $0.contact) },
            injured: input.injured, ongoing: input.ongoing, category: input.category, phase: input.phase
        )
        let receipt = try await desk.submit(submission, actor: await context.actor(), transport: context.transport)
        let created = ReportCreatedBody(
            incident: IncidentBody(receipt.incident), report: ReportBody(receipt.report),
            timeline: receipt.events.map(EventBody.init)
        )
        var headers = HTTPFields()
        headers[.location] = "/v1/incidents/\(receipt.incident.id)"
        return try JSONResponse.make(created, status: .created, headers: headers)
    }
}

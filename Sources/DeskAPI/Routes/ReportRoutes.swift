import Crypto
import DeskAPIModels
import DeskCore
import Foundation
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

    /// The `Idempotency-Key` header, if sent; 400 when it is not 1-200 visible ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let name = HTTPField.Name("Idempotency-Key"), let key = request.headers[name] else { return nil }
        guard IdempotencyClaim.isValidKey(key) else {
            throw APIProblem(
                status: .badRequest, slug: "invalid-idempotency-key", title: "Invalid Idempotency-Key",
                detail: "Idempotency-Key must be 1 to 200 visible ASCII characters, e.g. a UUID")
        }
        return key
    }

    /// A digest of the request's meaning (not its spacing or member order): canonical JSON, SHA-256.
    static func digest(_ input: ReportRequest) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return Hex.encode(SHA256.hash(data: try encoder.encode(input)))
    }

    func submit(_ request: Request, _ context: DeskRequestContext) async throws -> Response {
        let input = try await body.decode(
            ReportRequest.self, from: request, allowedMembers: ReportRequest.allowedMembers)
        let submission = ReportSubmission(
            area: input.area, text: input.text, title: input.title, occurredAt: input.occurredAt,
            location: input.location, reporter: input.reporter.map { Reporter(name: $0.name, contact: $0.contact) },
            injured: input.injured, ongoing: input.ongoing, category: input.category, phase: input.phase
        )
        let key = try Self.idempotencyKey(request)
        let receipt = try await desk.submit(
            submission, actor: await context.actor(), transport: context.transport, idempotencyKey: key,
            requestHash: key == nil ? "" : try Self.digest(input))
        let created = ReportCreatedBody(
            incident: IncidentBody(receipt.incident), report: ReportBody(receipt.report),
            timeline: receipt.events.map(EventBody.init)
        )
        var headers = HTTPFields()
        headers[.location] = "/v1/incidents/\(receipt.incident.id)"
        if receipt.replayed, let name = HTTPField.Name("Idempotent-Replayed") { headers[name] = "true" }
        return try JSONResponse.make(created, status: .created, headers: headers)
    }
}

import DeskAPIModels
import DeskCore
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/reports` and its dry run, `POST /v1/classify`.
struct ReportRoutes {
    let desk: Desk
    let writes: Writes
    let body: JSONBody

    func register(on router: DeskRouter) {
        router.on(.post, "/v1/reports", runs: SubmitReport.self) { request, context in
            let (input, json) = try await body.decodeKeepingJSON(
                ReportFieldsBody.self, from: request)
            // Validated and classified here, by this request's task: the writer only stores it.
            let command = try desk.intake.command(for: input.fields)
            return try await writes.run(
                command, request, context, body: json, status: .created,
                location: { "/v1/incidents/\($0.incident.id)" }
            ) { receipt in
                ReportCreatedBody(
                    incident: IncidentBody(receipt.incident), report: ReportBody(receipt.report),
                    timeline: receipt.events.map(EventBody.init))
            }
        }
        router.on(.post, "/v1/classify", allow: DeskRouter.readers) { request, _ in
            let input = try await body.decode(
                ClassifyRequest.self, from: request)
            let classification = try desk.intake.classify(
                ClassificationRequest(
                    text: input.text, title: input.title, language: input.lang, occurredAt: input.occurredAt,
                    injured: input.injured, ongoing: input.ongoing, category: input.category, phase: input.phase
                ))
            return try JSONResponse.make(classification)
        }
    }
}

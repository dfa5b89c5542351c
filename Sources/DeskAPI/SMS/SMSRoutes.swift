import DeskAPIModels
import DeskCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore

/// `POST /v1/sms/46elks` and `POST /v1/sms/twilio`: texts from phones, in each gateway's own form
/// format, authenticated as the gateway does it (not with the desk's tokens: registered for `anyone`).
///
/// A refused request changes nothing. A text is taken once per gateway message id (gateways
/// retry); a responder's yes, no or done is carried out, and a report by text stored (transport
/// `sms`), each answered by text through the outbox; a number no responder has is counted, logged
/// and answered once a day, and nothing is stored. Any number's texts beyond the gateway's
/// `texts_per_number_per_hour` in a rolling hour are dropped (`SenderLimit`).
struct SMSRoutes {
    let desk: Desk
    let inbox: TextInbox
    let maxBytes: Int
    // Made with the routes, at start-up, so that both series exist at 0 before the first text.
    let limited = Counter(label: "desk_sms_limited_total")
    let unknownSenders = Counter(label: "desk_sms_unknown_senders_total")

    func register(on router: DeskRouter) {
        router.anyone(.post, "/v1/sms/46elks") { request, context in
            let gateway = try gateway(.elks46, context)
            guard GatewayAuthentication.elks46(authorization: request.headers[.authorization], secret: gateway.secret)
            else {
                var problem = APIProblem(
                    status: .unauthorized, slug: "unauthenticated", title: "Unauthenticated",
                    detail: "46elks posts with basic auth: user 46elks and the receiver's inbound password")
                problem.headers[.wwwAuthenticate] = "Basic realm=\"deskd sms\""
                throw problem
            }
            let fields = try await form(request)
            try await receive(
                .elks46, messageID: fields.value("id"), from: fields.value("from"), text: fields.value("message"),
                context: context)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"])
        }
        router.anyone(.post, "/v1/sms/twilio") { request, context in
            let gateway = try gateway(.twilio, context)
            let fields = try await form(request)
            let url = gateway.publicURL ?? "https://\(request.head.authority ?? "")\(request.uri.description)"
            guard
                GatewayAuthentication.twilio(
                    signature: request.headers[Self.twilioSignature], url: url, parameters: fields.pairs,
                    token: gateway.secret)
            else {
                throw APIProblem(
                    status: .forbidden, slug: "forbidden", title: "Forbidden",
                    detail: "X-Twilio-Signature is missing or does not match this request and the auth token")
            }
            try await receive(
                .twilio, messageID: fields.value("MessageSid"), from: fields.value("From"), text: fields.value("Body"),
                context: context)
            // Empty TwiML: any answer goes through the outbox, not as Twilio's reply.
            return Response(
                status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")))
        }
    }

    static let twilioSignature = HTTPField.Name("X-Twilio-Signature") ?? .authorization

    /// The provider's inbound settings, if configured and this peer may post; 404 or 403 otherwise.
    private func gateway(_ provider: SMSProvider, _ context: DeskRequestContext) throws -> TextInbox.Gateway {
        guard let gateway = inbox.gateway(provider), !gateway.secret.isEmpty else {
            throw APIProblem(
                status: .notFound, slug: "not-found", title: "Not found",
                detail: "no [[receiver]] kind = \"sms\" with provider = \"\(provider.rawValue)\" takes inbound texts")
        }
        if !gateway.allowedSources.isEmpty {
            let address = context.channel.remoteAddress?.ipAddress ?? ""
            guard gateway.allowedSources.contains(address) else {
                throw APIProblem(
                    status: .forbidden, slug: "forbidden", title: "Forbidden",
                    detail: "\(address) is not among the receiver's allowed_sources")
            }
        }
        return gateway
    }

    /// The request's form fields.
    private func form(_ request: Request) async throws -> FormFields {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIProblem.unsupportedMediaType(request.headers[.contentType])
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw APIProblem.bodyTooLarge(limit: maxBytes)
        }
        let buffer = try await request.body.collect(upTo: maxBytes)
        return FormFields(pairs: FormEncoding.decode(String(decoding: buffer.readableBytesView, as: UTF8.self)))
    }

    private func receive(
        _ provider: SMSProvider, messageID: String?, from: String?, text: String?, context: DeskRequestContext
    ) async throws {
        var issues: [FieldIssueBody] = []
        if (messageID ?? "").isEmpty || (messageID ?? "").count > 200 {
            issues.append(
                FieldIssueBody(pointer: "/id", detail: "the gateway's message id (1-200 characters) is required"))
        }
        let number = from.flatMap { PhoneNumber($0) }
        if number == nil { issues.append(FieldIssueBody(pointer: "/from", detail: "must be a phone number (+46…)")) }
        guard issues.isEmpty, let messageID, let number else { throw APIProblem.invalidFields(issues) }
        // Over the number's hourly allowance: dropped with a 200, so that the gateway does not retry.
        let perHour = inbox.gateway(provider)?.textsPerNumberPerHour ?? 30
        if case .limited(let first) = inbox.senders.admit(number, perHour: perHour) {
            limited.increment()
            if first {
                context.logger.notice(
                    "texts from \(Self.masked(number)) dropped: more than \(perHour) in an hour",
                    metadata: ["DESK_EVENT": "sms.limited"])
            }
            return
        }
        let principal = Principal(actor: Actor(rawValue: "sms:\(number.e164)"), role: .responder)
        let report = try await reportCommand(text ?? "", from: number)
        let answer = try await desk.commands.run(
            ReceiveText(
                provider: provider.rawValue, messageID: messageID, sender: number, text: text ?? "", report: report),
            by: principal, over: .tcp)
        switch answer.status {
        case .answered:
            if let receipt = answer.report {
                context.logger.info(
                    "report by text from responder \(answer.responderID ?? "?"): incident \(receipt.incident.id)",
                    metadata: [
                        "DESK_EVENT": "sms.report", "DESK_RESPONDER": "\(answer.responderID ?? "")",
                        "DESK_INCIDENT": "\(receipt.incident.id)",
                    ])
                return
            }
            context.logger.info(
                "text from responder \(answer.responderID ?? "?"): \(answer.outcome?.rawValue ?? "?")",
                metadata: ["DESK_EVENT": "sms.received", "DESK_RESPONDER": "\(answer.responderID ?? "")"])
        case .duplicate:
            context.logger.info(
                "text \(messageID) from \(provider.rawValue) again (a gateway retry): already taken",
                metadata: ["DESK_EVENT": "sms.duplicate"])
        case .unknownSender:
            unknownSenders.increment()
            let verdict = inbox.strangers.admit(number)
            context.logger.notice(
                "text from a number no responder has (\(Self.masked(number))): \(verdict)",
                metadata: ["DESK_EVENT": "sms.unknown_sender"])
            if verdict == .answer {
                await inbox.answer(number, TextNotices.reply(.unknownSender, in: number.language))
            }
        }
    }

    /// The report a text makes, validated and classified here (not in the writer), when it is no
    /// yes, no or done and `TextReport` finds one for a responder with this number; nil otherwise,
    /// and for a report the intake refuses (the help text answers it).
    private func reportCommand(_ text: String, from number: PhoneNumber) async throws -> SubmitReport? {
        guard case .other = TextCommand(text) else { return nil }
        let senders = try await desk.duty.roster().responders.filter { $0.active && PhoneNumber($0.contact) == number }
        guard let first = senders.first,
            var fields = TextReport.fields(text, from: senders, areas: desk.settings.current.areas)
        else { return nil }
        fields.reporterName = first.name
        fields.reporterContact = number.e164
        return try? desk.intake.command(for: fields)
    }

    /// A number with its last four digits hidden, for the journal: `+467017*****` style.
    static func masked(_ number: PhoneNumber) -> String {
        String(number.e164.dropLast(4)) + "****"
    }
}

/// Form fields in their order, with the first value of a name.
struct FormFields {
    let pairs: [(String, String)]

    func value(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
}

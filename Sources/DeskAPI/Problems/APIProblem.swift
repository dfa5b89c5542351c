import DeskAPIModels
import HTTPTypes

/// An error that already knows its problem+json form. Thrown by the HTTP layer for problems that
/// are about HTTP itself (media type, body size, JSON syntax); domain errors are mapped in
/// `ProblemMapping`.
struct APIProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var slug: String
    var title: String
    var detail: String
    var errors: [FieldIssueBody]? = nil
    var suggestion: String? = nil
    var headers: HTTPFields = [:]
    /// What the middleware tells apart (never by `slug`, which is for the client).
    var kind: Kind = .other

    /// The problems the server itself treats differently.
    enum Kind: Sendable, Hashable {
        /// Hummingbird found no route (`HTTPError(.notFound)`): answered as 404 or 405 from the route table.
        case unrouted
        /// The write queue is full: logged once per episode by the writer, not per request.
        case writeQueueFull
        /// The database cannot serve: an operator must act, so every one is logged as an error.
        case storageUnavailable
        /// Any other problem.
        case other
    }

    func body(instance: String?) -> ProblemDetails {
        ProblemDetails(
            type: ProblemDetails.typePrefix + slug, title: title, status: status.code, detail: detail,
            instance: instance, errors: errors, suggestion: suggestion
        )
    }
}

extension APIProblem {
    /// The same problem, telling the client to retry after `seconds` (`Retry-After`).
    func retrying(after seconds: Int) -> APIProblem {
        var problem = self
        problem.headers[.retryAfter] = "\(seconds)"
        return problem
    }

    static func routeNotFound(_ path: String) -> APIProblem {
        APIProblem(
            status: .notFound, slug: "not-found", title: "Not found",
            detail: "no endpoint at \(path); see /v1/openapi.yaml for the API"
        )
    }

    static func methodNotAllowed(
        _ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]
    ) -> APIProblem {
        let names = allowed.map(\.rawValue).sorted()
        var headers = HTTPFields()
        headers[.allow] = names.joined(separator: ", ")
        return APIProblem(
            status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
            detail: "\(method.rawValue) is not allowed on \(path); use \(names.joined(separator: " or "))",
            headers: headers
        )
    }

    static func unsupportedMediaType(_ given: String?) -> APIProblem {
        APIProblem(
            status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
            detail: "the body must be application/json (got \(given.map { "\"\($0)\"" } ?? "no Content-Type"))"
        )
    }

    static func bodyTooLarge(limit: Int) -> APIProblem {
        APIProblem(
            status: .contentTooLarge, slug: "body-too-large", title: "Request body too large",
            detail: "the body exceeds the limit of \(limit) bytes"
        )
    }

    static func malformedJSON(_ failure: JSONSyntax.Failure) -> APIProblem {
        APIProblem(
            status: .badRequest, slug: "malformed-json", title: "Malformed JSON", detail: failure.description
        )
    }

    static func invalidFields(_ issues: [FieldIssueBody], title: String = "Invalid request") -> APIProblem {
        APIProblem(
            status: .unprocessableContent, slug: "validation-failed", title: title,
            detail: issues.map { "\($0.pointer.isEmpty ? "body" : String($0.pointer.dropFirst())): \($0.detail)" }
                .joined(separator: "; "),
            errors: issues
        )
    }

    static func internalError(requestID: String) -> APIProblem {
        APIProblem(
            status: .internalServerError, slug: "internal-error", title: "Internal error",
            detail: "the desk could not complete the request; the error is logged with request id \(requestID)"
        )
    }
}

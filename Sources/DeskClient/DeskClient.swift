import AsyncHTTPClient
import DeskAPIModels
import Foundation
import NIOCore
import NIOHTTP1

/// A small typed client of the desk's HTTP API, over TCP or a Unix socket.
public struct DeskClient: Sendable {
    public let endpoint: DeskEndpoint
    private let timeout: TimeAmount
    private let http: HTTPClient
    /// The API token sent as `Authorization: Bearer` (TCP; the Unix socket identifies the user itself).
    private let token: String?

    /// Creates a client; uses the process-wide shared HTTP client unless one is given.
    public init(
        endpoint: DeskEndpoint, token: String? = nil, timeout: TimeAmount = .seconds(30), http: HTTPClient = .shared
    ) {
        self.endpoint = endpoint
        self.token = token
        self.timeout = timeout
        self.http = http
    }

    /// `GET path?query`, decoded as `Response`.
    public func get<Response: Decodable>(
        _ path: String, query: [(String, String?)] = [], as type: Response.Type = Response.self
    ) async throws -> Response {
        try decode(try await send(.GET, path: path + Self.queryString(query), body: nil))
    }

    /// `POST path` with a JSON body, decoded as `Response`; sent with an `Idempotency-Key` and
    /// retried with it (see `postIdempotently`), so a lost answer never doubles the write.
    public func post<Body: Encodable, Response: Decodable>(
        _ path: String, body: Body, as type: Response.Type = Response.self
    ) async throws -> Response {
        try await postIdempotently(path, body: body)
    }

    /// `POST path` once, without an `Idempotency-Key`: for answers deskd must not keep (a
    /// one-time sign-in code), and not retried.
    public func postOnce<Body: Encodable, Response: Decodable>(
        _ path: String, body: Body, as type: Response.Type = Response.self
    ) async throws -> Response {
        try decode(try await send(.POST, path: path, body: try DeskJSON.encoder().encode(body)))
    }

    /// `PUT path` with a JSON body, decoded as `Response`; idempotent like `post`.
    public func put<Body: Encodable, Response: Decodable>(
        _ path: String, body: Body, as type: Response.Type = Response.self
    ) async throws -> Response {
        try await write(.PUT, path, body: body)
    }

    /// `DELETE path`, decoded as `Response`.
    public func delete<Response: Decodable>(
        _ path: String, as type: Response.Type = Response.self
    ) async throws
        -> Response
    {
        try decode(try await send(.DELETE, path: path, body: nil))
    }

    /// `PATCH path` with a JSON body, decoded as `Response`; idempotent like `post`.
    public func patch<Body: Encodable, Response: Decodable>(
        _ path: String, body: Body, as type: Response.Type = Response.self
    ) async throws -> Response {
        try await write(.PATCH, path, body: body)
    }

    /// `POST path` with an `Idempotency-Key`, retried with the same key when the answer is lost
    /// (connection failure), the desk is briefly unavailable (503) or a concurrent retry holds the
    /// key (409): deskd does the write once however often it arrives.
    public func postIdempotently<Body: Encodable, Response: Decodable>(
        _ path: String, body: Body, key: String = UUID().uuidString.lowercased(), attempts: Int = 4,
        as type: Response.Type = Response.self
    ) async throws -> Response {
        try await write(.POST, path, body: body, key: key, attempts: attempts)
    }

    private func write<Body: Encodable, Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: Body, key: String = UUID().uuidString.lowercased(),
        attempts: Int = 4
    ) async throws -> Response {
        let data = try DeskJSON.encoder().encode(body)
        var attempt = 1
        while true {
            do {
                return try decode(try await send(method, path: path, body: data, headers: [("Idempotency-Key", key)]))
            } catch let error as DeskClientError where attempt < attempts && error.isWorthRetrying {
                try await Task.sleep(for: .milliseconds(250 << attempt))
                attempt += 1
            }
        }
    }

    /// Fetches every page of a list, following `next_cursor` (at most `maxPages` pages).
    public func all<Item: Codable & Sendable>(
        _ path: String, query: [(String, String?)] = [], maxPages: Int = 1000, as type: Item.Type = Item.self
    ) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        for _ in 0..<maxPages {
            let page: PageBody<Item> = try await get(path, query: query + [("limit", "500"), ("cursor", cursor)])
            items += page.items
            guard let next = page.nextCursor else { return items }
            cursor = next
        }
        return items
    }

    /// Sends one request and returns status and body; throws for transport failures and problems.
    func send(
        _ method: HTTPMethod, path: String, body: Data?, headers: [(String, String)] = []
    ) async throws -> (status: Int, body: Data) {
        guard let url = endpoint.url(for: path) else {
            throw DeskClientError.unreachable(endpoint, "not a valid address")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "deskctl")
        if let token, case .url = endpoint { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw DeskClientError.unreachable(endpoint, Self.reason(error))
        }
        let data = Data(bytes.readableBytesView)
        if status >= 400 {
            if let problem = try? JSONDecoder().decode(ProblemDetails.self, from: data) {
                throw DeskClientError.problem(problem)
            }
            throw DeskClientError.badResponse(status: status, String(decoding: data.prefix(200), as: UTF8.self))
        }
        return (status, data)
    }

    private func decode<Response: Decodable>(_ answer: (status: Int, body: Data)) throws -> Response {
        do {
            return try DeskJSON.decoder().decode(Response.self, from: answer.body)
        } catch {
            throw DeskClientError.badResponse(status: answer.status, "the body is not what the API documents: \(error)")
        }
    }

    static func queryString(_ query: [(String, String?)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let parts = query.compactMap { name, value -> String? in
            guard let value else { return nil }
            return name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// A short reason for a transport failure (no such socket, connection refused, timeout).
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .readTimeout, .deadlineExceeded: return "no answer in time"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return String(describing: error)
            }
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode))
        }
        let text = String(describing: error)
        for (needle, reason) in [
            ("No such file", "no such socket (is deskd running?)"),
            ("connectionRefused", "connection refused (is deskd running?)"),
            ("Connection refused", "connection refused (is deskd running?)"),
            ("Permission denied", "permission denied"),
        ] where text.contains(needle) {
            return reason
        }
        return text
    }
}

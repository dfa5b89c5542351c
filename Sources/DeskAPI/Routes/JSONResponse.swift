import DeskAPIModels
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON responses with the API's encoder.
enum JSONResponse {
    static func make<Body: Encodable>(
        _ body: Body, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:],
        contentType: String = "application/json"
    ) throws -> Response {
        let data = try DeskJSON.encoder().encode(body)
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

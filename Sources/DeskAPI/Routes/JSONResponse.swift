import DeskAPIModels
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON responses: bodies the server writes itself (`JSONWritable`) without `JSONEncoder`,
/// the others with the API's encoder.
enum JSONResponse {
    static func make<Body: Encodable>(
        _ body: Body, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:],
        contentType: String = "application/json"
    ) throws -> Response {
        let data = try DeskJSON.encoder().encode(body)
        return response(ByteBuffer(bytes: data), status: status, headers: extra, contentType: contentType)
    }

    static func make<Body: Encodable & JSONWritable>(
        _ body: Body, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:],
        contentType: String = "application/json"
    ) throws -> Response {
        response(ByteBuffer(bytes: body.jsonBytes), status: status, headers: extra, contentType: contentType)
    }

    /// Bytes that already are a JSON body.
    static func make(
        bytes: ByteBuffer, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:],
        contentType: String = "application/json"
    ) -> Response {
        response(bytes, status: status, headers: extra, contentType: contentType)
    }

    private static func response(
        _ bytes: ByteBuffer, status: HTTPResponse.Status, headers extra: HTTPFields, contentType: String
    ) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }
}

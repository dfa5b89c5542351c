import Crypto
import DeskCore
import Foundation

/// How each gateway proves an inbound request is its own.
enum GatewayAuthentication {
    /// 46elks calls `https://46elks:SECRET@host/v1/sms/46elks`: basic auth, user `46elks`.
    static func elks46(authorization: String?, secret: String) -> Bool {
        let expected = "Basic " + Data("46elks:\(secret)".utf8).base64EncodedString()
        return constantTimeEquals(authorization ?? "", expected)
    }

    /// Twilio's `X-Twilio-Signature`: base64 of the HMAC-SHA1, keyed with the auth token, of the
    /// full URL followed by every POST parameter's name and value, sorted by name.
    ///
    /// Example: `twilioSignature(url: "https://desk.example.org/v1/sms/twilio", parameters: [("Body", "JA")], token: t)`.
    static func twilioSignature(url: String, parameters: [(String, String)], token: String) -> String {
        let sorted = parameters.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        let signed = url + sorted.map { $0.0 + $0.1 }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(signed.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Whether `signature` is Twilio's for this request.
    static func twilio(signature: String?, url: String, parameters: [(String, String)], token: String) -> Bool {
        guard let signature else { return false }
        return constantTimeEquals(signature, twilioSignature(url: url, parameters: parameters, token: token))
    }

    /// Compares without stopping at the first difference.
    static func constantTimeEquals(_ given: String, _ expected: String) -> Bool {
        let given = Array(given.utf8)
        let expected = Array(expected.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
        return difference == 0
    }
}

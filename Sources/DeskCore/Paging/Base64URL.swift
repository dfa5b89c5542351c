/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let reverse: [UInt8: UInt8] = {
        var table: [UInt8: UInt8] = [:]
        for (index, byte) in alphabet.enumerated() { table[byte] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            if index + 1 < bytes.count { out.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
            if index + 2 < bytes.count { out.append(alphabet[Int(b2 & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1, input.count <= 4096 else { return nil }
        var values = [UInt8]()
        values.reserveCapacity(input.count)
        for byte in input {
            guard let value = reverse[byte] else { return nil }
            values.append(value)
        }
        var out = [UInt8]()
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)].map { UInt32($0) }
            var word: UInt32 = 0
            for (offset, value) in chunk.enumerated() { word |= value << (18 - 6 * offset) }
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            if chunk.count > 2 { out.append(UInt8(truncatingIfNeeded: word >> 8)) }
            if chunk.count > 3 { out.append(UInt8(truncatingIfNeeded: word)) }
            index += 4
        }
        return out
    }
}

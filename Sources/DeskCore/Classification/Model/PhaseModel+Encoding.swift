import Foundation

/// The compact form of the weights: a little-endian blob (the payload of an installed
/// `WeightsFile`), or that blob in base64.
///
///     "DPM1", bucket bits (UInt8), dense feature count (UInt8), scale (Float32),
///     bias (3 × Float32), dense weights (count × 3 × Float32), entry count (UInt32),
///     then per non-zero bucket, in increasing order: the gap from the previous bucket (LEB128)
///     and its three weights as Int16 multiples of `scale`.
///
/// Quantising to 16 bits moves a probability by far less than 0.01 (tested against the trainer's
/// own figures in `PhaseModelAgreementTests`).
extension PhaseModel {
    private static let magic: [UInt8] = Array("DPM1".utf8)

    /// The weights as base64 of `blob()`.
    public func encoded() -> String {
        Data(blob()).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
    }

    /// Reads base64 of a blob; throws for anything that is not one.
    public init(encoded: String, version: String) throws(PhaseModelError) {
        guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
            throw PhaseModelError("the weights are not base64")
        }
        try self.init(blob: [UInt8](data), version: version)
    }

    /// The weights in the compact form.
    public func blob() -> [UInt8] {
        var blob = Self.magic
        blob.append(UInt8(bucketBits))
        blob.append(UInt8(PhaseFeatures.denseNames.count))
        let largest = weights.reduce(Float(0)) { max($0, abs($1)) }
        let scale = largest > 0 ? largest / 32_767 : 1
        append(scale, to: &blob)
        for value in bias + denseWeights { append(value, to: &blob) }
        var entries: [UInt8] = []
        var count: UInt32 = 0
        var previous = 0
        for bucket in 0..<(1 << bucketBits) {
            let quantised = (0..<3).map {
                Int16(max(-32_767, min(32_767, (weights[bucket * 3 + $0] / scale).rounded())))
            }
            guard quantised.contains(where: { $0 != 0 }) else { continue }
            var gap = bucket - previous
            previous = bucket
            repeat {
                let low = UInt8(gap & 0x7F)
                gap >>= 7
                entries.append(gap > 0 ? low | 0x80 : low)
            } while gap > 0
            for value in quantised {
                let bits = UInt16(bitPattern: value)
                entries.append(UInt8(bits & 0xFF))
                entries.append(UInt8(bits >> 8))
            }
            count += 1
        }
        for shift in stride(from: 0, to: 32, by: 8) { blob.append(UInt8((count >> UInt32(shift)) & 0xFF)) }
        blob.append(contentsOf: entries)
        return blob
    }

    /// Reads weights in the compact form; throws for anything that is not one.
    public init(blob: [UInt8], version: String) throws(PhaseModelError) {
        var reader = BlobReader(bytes: blob)
        guard try reader.bytes(4) == Self.magic else { throw PhaseModelError("the weights do not start with DPM1") }
        let bucketBits = Int(try reader.byte())
        guard (8...24).contains(bucketBits) else { throw PhaseModelError("bucket bits \(bucketBits) not in 8...24") }
        guard Int(try reader.byte()) == PhaseFeatures.denseNames.count else {
            throw PhaseModelError("the weights were trained on other dense features")
        }
        let scale = try reader.float()
        var bias: [Float] = []
        for _ in 0..<3 { bias.append(try reader.float()) }
        var dense: [Float] = []
        for _ in 0..<(PhaseFeatures.denseNames.count * 3) { dense.append(try reader.float()) }
        let count = try reader.uint32()
        let buckets = 1 << bucketBits
        var weights = [Float](repeating: 0, count: buckets * 3)
        var bucket = 0
        for _ in 0..<count {
            var gap = 0
            var shift = 0
            while true {
                let byte = try reader.byte()
                gap |= Int(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { break }
                guard shift < 35 else { throw PhaseModelError("a bucket gap is too long") }
            }
            bucket += gap
            guard bucket < buckets else { throw PhaseModelError("bucket \(bucket) out of range") }
            for phase in 0..<3 {
                let low = UInt16(try reader.byte())
                let high = UInt16(try reader.byte())
                weights[bucket * 3 + phase] = Float(Int16(bitPattern: low | high << 8)) * scale
            }
        }
        guard reader.isAtEnd else { throw PhaseModelError("bytes left after \(count) entries") }
        try self.init(version: version, bucketBits: bucketBits, weights: weights, denseWeights: dense, bias: bias)
    }

    private func append(_ value: Float, to blob: inout [UInt8]) {
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { blob.append(UInt8((bits >> UInt32(shift)) & 0xFF)) }
    }
}

/// Reads the blob front to back; every read throws at the end of the bytes.
private struct BlobReader {
    var bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    mutating func byte() throws(PhaseModelError) -> UInt8 {
        guard position < bytes.count else { throw PhaseModelError("the weights end early") }
        position += 1
        return bytes[position - 1]
    }

    mutating func bytes(_ count: Int) throws(PhaseModelError) -> [UInt8] {
        var result: [UInt8] = []
        for _ in 0..<count { result.append(try byte()) }
        return result
    }

    mutating func uint32() throws(PhaseModelError) -> UInt32 {
        var value: UInt32 = 0
        for shift in stride(from: 0, to: 32, by: 8) { value |= UInt32(try byte()) << UInt32(shift) }
        return value
    }

    mutating func float() throws(PhaseModelError) -> Float { Float(bitPattern: try uint32()) }
}

/// The format the classifier's weights are installed in (`model/*.dwf` in the repository,
/// `$(PREFIX)/share/deskd/model/` installed): written by `make train`, read at start-up by
/// DeskConfig's `ModelFiles`, which hands the bytes here. Little-endian throughout:
///
///     "DWF"                      3 bytes
///     format version             UInt8, `WeightsFile.formatVersion`
///     kind                       UInt8, `WeightsFile.Kind`
///     version string             UInt16 length, then UTF-8 (e.g. `phase-model 1600 reports/…`)
///     payload                    UInt32 length, then the bytes
///     CRC-32 (IEEE 802.3)        UInt32, of every byte before it
///
/// The payload of a phase model is `PhaseModel.blob()`; of the language profiles, per profile a
/// UInt32 length and `LanguageProfile.text(keeping:)` in UTF-8. Pure: bytes in, values out.
public enum WeightsFile {
    /// What a file holds.
    public enum Kind: UInt8, Sendable {
        /// A `PhaseModel`.
        case phaseModel = 1
        /// The `LanguageIdentifier`'s profiles.
        case languageProfiles = 2

        var name: String { self == .phaseModel ? "a phase model" : "language profiles" }
    }

    /// The version of the format this build writes and reads.
    public static let formatVersion: UInt8 = 1
    private static let magic: [UInt8] = Array("DWF".utf8)

    /// A phase model as a file.
    public static func bytes(of model: PhaseModel) -> [UInt8] {
        bytes(kind: .phaseModel, version: model.version, payload: model.blob())
    }

    /// Language profiles (`LanguageProfile.text(keeping:)` each) as a file.
    public static func bytes(ofProfiles profiles: [String], version: String) -> [UInt8] {
        var payload: [UInt8] = []
        for profile in profiles {
            let text = Array(profile.utf8)
            append(UInt32(text.count), bytes: 4, to: &payload)
            payload += text
        }
        return bytes(kind: .languageProfiles, version: version, payload: payload)
    }

    /// Reads a phase model file.
    public static func phaseModel(_ bytes: [UInt8]) throws(WeightsFileError) -> PhaseModel {
        let (version, payload) = try read(bytes, kind: .phaseModel)
        do {
            return try PhaseModel(blob: payload, version: version)
        } catch {
            throw WeightsFileError("the phase model does not parse: \(error)")
        }
    }

    /// Reads a language profiles file: the identifier and the version of its profiles.
    public static func languageIdentifier(
        _ bytes: [UInt8]
    ) throws(WeightsFileError) -> (identifier: LanguageIdentifier, version: String) {
        let (version, payload) = try read(bytes, kind: .languageProfiles)
        var reader = ByteReader(bytes: payload)
        var profiles: [LanguageProfile] = []
        while !reader.isAtEnd {
            let length = Int(try reader.integer(4))
            guard let text = String(validating: try reader.take(length), as: UTF8.self),
                let profile = LanguageProfile(text: text)
            else { throw WeightsFileError("language profile \(profiles.count + 1) does not parse") }
            profiles.append(profile)
        }
        guard !profiles.isEmpty else { throw WeightsFileError("no language profiles") }
        return (LanguageIdentifier(profiles: profiles), version)
    }

    /// The version string and payload of a file of `kind`; throws for anything else.
    public static func read(_ bytes: [UInt8], kind: Kind) throws(WeightsFileError) -> (String, [UInt8]) {
        guard bytes.count >= 4, Array(bytes[0..<3]) == magic else {
            throw WeightsFileError("not a weights file (it does not start with DWF)")
        }
        guard bytes[3] == formatVersion else {
            throw WeightsFileError("format version \(bytes[3]); this build reads version \(formatVersion)")
        }
        guard bytes.count >= 4 + 4 else { throw WeightsFileError("truncated: \(bytes.count) bytes") }
        let checked = bytes.count - 4
        var reader = ByteReader(bytes: Array(bytes[4..<checked]))
        let found = try reader.integer(1)
        guard found == kind.rawValue else {
            let name = Kind(rawValue: UInt8(found)).map(\.name) ?? "kind \(found)"
            throw WeightsFileError("holds \(name), not \(kind.name)")
        }
        let versionLength = Int(try reader.integer(2))
        guard let version = String(validating: try reader.take(versionLength), as: UTF8.self) else {
            throw WeightsFileError("the version is not UTF-8")
        }
        let length = Int(try reader.integer(4))
        let payload = try reader.take(length)
        guard reader.isAtEnd else { throw WeightsFileError("\(reader.remaining) bytes after the payload") }
        var stored: UInt32 = 0
        for index in 0..<4 { stored |= UInt32(bytes[checked + index]) << UInt32(8 * index) }
        let computed = crc32(bytes[0..<checked])
        guard stored == computed else {
            throw WeightsFileError(
                "checksum \(String(stored, radix: 16)) does not match the content's \(String(computed, radix: 16))")
        }
        return (version, payload)
    }

    /// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`).
    public static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func bytes(kind: Kind, version: String, payload: [UInt8]) -> [UInt8] {
        var file = magic + [formatVersion, kind.rawValue]
        let versionBytes = Array(version.utf8.prefix(Int(UInt16.max)))
        append(UInt32(versionBytes.count), bytes: 2, to: &file)
        file += versionBytes
        append(UInt32(payload.count), bytes: 4, to: &file)
        file += payload
        append(crc32(file[...]), bytes: 4, to: &file)
        return file
    }

    private static func append(_ value: UInt32, bytes: Int, to file: inout [UInt8]) {
        for index in 0..<bytes { file.append(UInt8((value >> UInt32(8 * index)) & 0xFF)) }
    }
}

/// A weights file that cannot be used, with the reason (the caller names the file).
public struct WeightsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Reads a file's fields front to back; a read past the end means the file was cut short.
private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position == bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func take(_ count: Int) throws(WeightsFileError) -> [UInt8] {
        guard count <= remaining else {
            throw WeightsFileError("truncated: \(count) bytes announced, \(remaining) left")
        }
        position += count
        return Array(bytes[(position - count)..<position])
    }

    mutating func integer(_ size: Int) throws(WeightsFileError) -> UInt32 {
        var value: UInt32 = 0
        for (index, byte) in try take(size).enumerated() { value |= UInt32(byte) << UInt32(8 * index) }
        return value
    }
}

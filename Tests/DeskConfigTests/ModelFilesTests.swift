import DeskConfig
import DeskCore
import Foundation
import Testing

/// The classifier's installed weights (`[classifier] model_dir`): the repository's `model/` loads,
/// and every way a file can be unusable is refused with that file named, never read as another
/// model.
@Suite struct ModelFilesTests {
    static let names = [ModelFiles.phaseModel, ModelFiles.otherLanguagesModel, ModelFiles.languageProfiles]

    /// A copy of the repository's `model/` in a new temporary directory.
    static func copy() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(
                atPath: repositoryRoot + "/model/" + name, toPath: directory + "/" + name)
        }
        return directory
    }

    static func refusal(_ directory: String) -> ConfigError? {
        do {
            _ = try ModelFiles.load(directory: directory)
            return nil
        } catch {
            return error
        }
    }

    @Test func theRepositorysModelsLoad() throws {
        let models = try ModelFiles.load(directory: repositoryRoot + "/model")
        #expect(models.phase.version.hasPrefix("phase-model "))
        #expect(models.otherLanguages?.version.hasPrefix("phase-model-other-languages ") == true)
        #expect(models.identifierVersion.hasPrefix("language-profiles "))
        let codes = Set(models.identifier.profiles.map(\.code))
        #expect(codes.isSuperset(of: ["sv", "en", "ar", "so", "fa", "ti"]), "\(codes)")
        #expect(models.identifier.identify("Dab ayaa ka kacay guriga, ambulans u yeera").code == "so")
    }

    /// The Swedish and English model and the language profiles must be there.
    @Test(arguments: [ModelFiles.phaseModel, ModelFiles.languageProfiles]) func aMissingFileIsNamed(name: String) throws
    {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.removeItem(atPath: directory + "/" + name)
        let error = try #require(Self.refusal(directory))
        #expect(error.file == directory + "/" + name)
        #expect(error.description.hasPrefix(directory + "/" + name + ": cannot read the classifier's weights"))
    }

    /// The model for the other languages may be left out: the set loads without it.
    @Test func withoutTheOtherLanguagesModelTheRestLoads() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.removeItem(atPath: directory + "/" + ModelFiles.otherLanguagesModel)
        let models = try ModelFiles.load(directory: directory)
        #expect(models.otherLanguages == nil)
        #expect(models.phase.version.hasPrefix("phase-model "))
    }

    @Test(arguments: names) func aTruncatedFileIsNamed(name: String) throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + name
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.refusal(directory))
        #expect(error.file == path)
        #expect(error.message.contains("truncated"), "\(error)")
    }

    @Test func anotherFormatVersionIsNamed() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + ModelFiles.phaseModel
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[3] = WeightsFile.formatVersion + 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.refusal(directory))
        #expect(error.file == path)
        #expect(error.message.contains("format version \(WeightsFile.formatVersion + 1)"), "\(error)")
    }

    @Test func aChangedByteFailsTheChecksum() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + ModelFiles.otherLanguagesModel
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.refusal(directory))
        #expect(error.file == path)
        #expect(error.message.contains("checksum"), "\(error)")
    }

    @Test func theWrongKindOfFileIsRefused() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The language profiles where the Swedish and English phase model belongs.
        let path = directory + "/" + ModelFiles.phaseModel
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: directory + "/" + ModelFiles.languageProfiles, toPath: path)
        let error = try #require(Self.refusal(directory))
        #expect(error.file == path)
        #expect(error.message.contains("holds language profiles, not a phase model"), "\(error)")
    }

    @Test func somethingElseEntirelyIsRefused() throws {
        let directory = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + ModelFiles.languageProfiles
        try Data("{\"weights\": []}\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.refusal(directory))
        #expect(error.file == path)
        #expect(error.message.contains("does not start with DWF"), "\(error)")
    }

    @Test func aFileRoundTrips() throws {
        let model = try PhaseModel(
            version: "test ü", bucketBits: 8, weights: (0..<(256 * 3)).map { Float($0 % 7) - 3 },
            denseWeights: [Float](repeating: 0.5, count: PhaseFeatures.denseNames.count * 3), bias: [0.1, 0.2, 0.3])
        let read = try WeightsFile.phaseModel(WeightsFile.bytes(of: model))
        #expect(read.version == "test ü" && read.blob() == model.blob())
        #expect(WeightsFile.crc32(Array("123456789".utf8)[...]) == 0xCBF4_3926)
    }

    @Test func theDefaultIsTheInstalledPathAndTheRepositoryRunsItsOwn() throws {
        let bare = try DeskConfiguration.parse("[areas]\nfile = \"a\"\n", file: "x.toml")
        #expect(bare.classifierModels == "/usr/share/deskd/model")
        let text = try String(contentsOfFile: repositoryRoot + "/config/deskd.toml", encoding: .utf8)
        #expect(try DeskConfiguration.parse(text, file: "deskd.toml").classifierModels == "model")
        #expect(throws: ConfigError.self) {
            _ = try DeskConfiguration.parse("[areas]\nfile = \"a\"\n[classifier]\nmodel_dir = \"\"\n", file: "x.toml")
        }
    }
}

import DeskCore
import Foundation

/// The classifier's installed weights (`[classifier] model_dir` in deskd.toml): three files in
/// DeskCore's `WeightsFile` format, written by `make train` into the repository's `model/` and
/// installed into `$(PREFIX)/share/deskd/model/` by `make install` and the Debian package.
/// Read once at start-up (and again on reload); a file that is cut short, of another format
/// version or damaged stops deskd with the file named, as does a missing Swedish and English model
/// or language profiles. Only the model for the other languages may be left out (a smaller
/// install): the desk then names those languages and sends their reports to review, and says so
/// at start-up. There is no other fallback.
public enum ModelFiles {
    /// The phase model for Swedish and English.
    public static let phaseModel = "phase-sv-en.dwf"
    /// The phase model for the other languages.
    public static let otherLanguagesModel = "phase-other-languages.dwf"
    /// The language identifier's profiles.
    public static let languageProfiles = "language-profiles.dwf"

    /// Reads the three files in `directory`.
    public static func load(directory: String) throws(ConfigError) -> ClassifierModels {
        let phase = try read(directory, phaseModel, WeightsFile.phaseModel)
        let otherFile = path(directory, otherLanguagesModel)
        let other =
            FileManager.default.fileExists(atPath: otherFile)
            ? try read(directory, otherLanguagesModel, WeightsFile.phaseModel) : nil
        let languages = try read(directory, languageProfiles, WeightsFile.languageIdentifier)
        return ClassifierModels(
            phase: phase, otherLanguages: other, identifier: languages.identifier, identifierVersion: languages.version)
    }

    /// The path of `name` in `directory`.
    public static func path(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func read<Value>(
        _ directory: String, _ name: String, _ decode: ([UInt8]) throws(WeightsFileError) -> Value
    ) throws(ConfigError) -> Value {
        let file = path(directory, name)
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw ConfigError(
                file: file, line: nil, key: nil,
                message: "cannot read the classifier's weights (\(DeskConfiguration.reason(error)))")
        }
        do {
            return try decode(bytes)
        } catch {
            throw ConfigError(file: file, line: nil, key: nil, message: "not usable weights: \(error.description)")
        }
    }
}

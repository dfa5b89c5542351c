import DeskConfig
import DeskCore
import Foundation

/// Where `train` writes the weights: the repository's `model/` (`[classifier] model_dir` of
/// config/deskd.toml; `make install` copies it to `$(PREFIX)/share/deskd/model/`). Each file is
/// in DeskCore's `WeightsFile` format, under the name DeskConfig's `ModelFiles` reads.
enum ModelDirectory {
    static let path = "model"

    /// Writes one file atomically and returns its path relative to the repository.
    static func write(_ bytes: [UInt8], as name: String, root: String) throws -> String {
        let relative = path + "/" + name
        try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + relative), options: .atomic)
        return relative
    }
}

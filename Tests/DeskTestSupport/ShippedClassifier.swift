import DeskConfig
import DeskCore
import Foundation

/// The repository root, found from this file's path.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The classifier deskd builds from the repository's `config/classifier.toml`.
public let shippedClassifier: Classifier = {
    let path = repositoryRoot.appendingPathComponent("config/classifier.toml").path
    do {
        return try ClassifierRules.load(path: path)
    } catch {
        fatalError("config/classifier.toml does not load: \(error)")
    }
}()

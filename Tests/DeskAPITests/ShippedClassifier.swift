import DeskConfig
import DeskCore
import Foundation

/// The classifier deskd builds from the repository's `config/classifier.toml`.
let shippedClassifier: Classifier = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let path = root.appendingPathComponent("config/classifier.toml").path
    do {
        return try ClassifierRules.load(path: path)
    } catch {
        fatalError("config/classifier.toml does not load: \(error)")
    }
}()

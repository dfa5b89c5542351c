import DeskConfig
import DeskCore
import Foundation

/// The repository root, found from this file's path.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The weights `make train` wrote into the repository's `model/` (what `make run` reads).
public let shippedModels: ClassifierModels = {
    do {
        return try ModelFiles.load(directory: repositoryRoot.appendingPathComponent("model").path)
    } catch {
        fatalError("model/ does not load: \(error)")
    }
}()

/// The classifier deskd builds from the repository's `config/classifier.toml` and `model/`.
public let shippedClassifier: Classifier = {
    let path = repositoryRoot.appendingPathComponent("config/classifier.toml").path
    do {
        return try ClassifierRules.load(path: path, models: shippedModels)
    } catch {
        fatalError("config/classifier.toml does not load: \(error)")
    }
}()

import ArgumentParser
import DeskConfig
import DeskCore
import DeskSystemd
import Foundation
import Logging

/// `deskd`: the Incident Desk daemon.
@main
struct Deskd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deskd",
        abstract: "Incident Desk daemon: takes incident reports over HTTP and a Unix socket and keeps their timeline.",
        discussion: """
            Exit status: 0 after a clean shutdown, 78 for an invalid configuration, 1 when start-up fails \
            (database, listeners).
            """
    )

    @Option(name: .long, help: "The configuration file.")
    var config = "config/deskd.toml"

    @Flag(name: .long, help: "Check the configuration and the areas file, then exit.")
    var checkConfig = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Copy this desk's SQLite database into an empty PostgreSQL database, check the copy, then exit.",
            discussion: "Stop deskd first. The password, if any, comes from --copy-password-file.",
            valueName: "postgresql-url"))
    var copyStorageTo: String?

    @Option(name: .long, help: "A file holding the password for --copy-storage-to.")
    var copyPasswordFile: String?

    func run() async throws {
        // SIGHUP means "reload" (see Reloader); never let it kill deskd before that is listening.
        signal(SIGHUP, SIG_IGN)
        let configuration: DeskConfiguration
        let classifier: Classifier
        do {
            configuration = try DeskConfiguration.load(path: config)
            let models = try ModelFiles.load(directory: configuration.classifierModels)
            classifier = try ClassifierRules.load(path: configuration.classifierRules, models: models)
            if checkConfig {
                _ = try SeedFiles.areas(path: configuration.areasFile)
                print("deskd: \(config): configuration is valid")
                return
            }
            if let copyStorageTo {
                try await StorageCopy(
                    source: configuration.databasePath, target: copyStorageTo, passwordFile: copyPasswordFile
                ).run()
                return
            }
        } catch {
            FileHandle.standardError.write(Data("deskd: invalid configuration: \(error)\n".utf8))
            SystemdNotifier().status("Invalid configuration: \(error)")
            throw ExitCode(78)
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let journal =
            configuration.logTarget == "journal"
            || (configuration.logTarget == "auto" && JournalLogHandler.stderrIsJournal)
        let instance = configuration.instance ?? ProcessInfo.processInfo.hostName
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                // Which of several deskd on one database wrote it.
                handler.metadata["DESK_INSTANCE"] = .string(instance)
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "deskd")
        logger.logLevel = level
        do {
            try await Daemon(
                configuration: configuration, configPath: config, classifier: classifier, logger: logger,
                instance: instance
            ).run()
        } catch let error as StartupFailure {
            logger.critical("start-up failed: \(error.description)")
            SystemdNotifier().status("Start-up failed: \(error.description)")
            JournalSink.shared.flush()
            throw ExitCode(error.isConfiguration ? 78 : error.isDamagedDatabase ? 76 : 1)
        }
        JournalSink.shared.flush()
    }
}

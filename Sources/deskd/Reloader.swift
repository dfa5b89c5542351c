import DeskAPI
import DeskConfig
import DeskCore
import DeskNotify
import DeskStorage
import DeskSystemd
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `systemctl reload deskd` (SIGHUP): re-reads the configuration file, the areas and the
/// classifier rules, the trigger policy and the webhook receivers. Everything is read and checked first; only a wholly valid set is applied,
/// otherwise the reason is logged (`err`) and deskd keeps the configuration it has.
/// Listener and storage settings take a restart; a change to them is logged as such.
struct Reloader: Service {
    let configPath: String
    let running: DeskConfiguration
    let desk: Desk
    let sender: DeliverySenders
    let texts: TextInbox
    let access: AccessControl
    let database: any DeskStorageBackend
    let metrics: DeskMetrics
    let notifier: SystemdNotifier
    /// The `STATUS=` line sent with `READY=1` once a reload is applied.
    let status: @Sendable () async -> String?
    let logger: Logger

    func run() async throws {
        var current = running
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            notifier.reloading()
            logger.notice("SIGHUP: reloading the configuration", metadata: ["config": "\(configPath)"])
            do {
                current = try await reload(from: current)
                notifier.ready(status: await status() ?? "Serving; reloaded")
            } catch {
                logger.error(
                    "reload refused; still running the previous configuration: \(error)",
                    metadata: ["MESSAGE_ID": "\(JournalMessage.reloadFailed.id)"])
                notifier.ready(status: "Reload failed, previous configuration kept: \(error)")
            }
        }
    }

    /// Reads and checks everything, then applies it; throws before applying anything.
    private func reload(from current: DeskConfiguration) async throws -> DeskConfiguration {
        let next = try DeskConfiguration.load(path: configPath)
        let models = try ModelFiles.load(directory: next.classifierModels)
        let classifier = try ClassifierRules.load(path: next.classifierRules, models: models)
        let areas = try SeedFiles.areas(path: next.areasFile)
        let synced = try await database.syncAreas(areas, into: desk)
        // The areas just read stay; the rest of the settings come from the new configuration.
        desk.settings.update { settings in settings = Daemon.settings(next, areas: settings.areas) }
        desk.intake.replaceClassifier(classifier)
        sender.webhooks.replaceTargets(Daemon.targets(next.duty))
        sender.texts.replaceGateway(Daemon.gateway(next.duty))
        metrics.expect(receivers: Daemon.receiverNames(next.duty))
        texts.replace(Daemon.inbound(next.duty))
        access.replaceLocalMap(next.access)
        var needRestart: [String] = []
        if next.http != current.http { needRestart.append("server.http") }
        if next.unixSocket != current.unixSocket { needRestart.append("server.unix_socket") }
        if next.maxBodyBytes != current.maxBodyBytes { needRestart.append("server.max_body_bytes") }
        if next.maxJSONDepth != current.maxJSONDepth { needRestart.append("server.max_json_depth") }
        if next.stateDirectory != current.stateDirectory { needRestart.append("storage.state_directory") }
        if next.writeQueue != current.writeQueue { needRestart.append("storage.write_queue") }
        if next.logLevel != current.logLevel || next.logTarget != current.logTarget { needRestart.append("log") }
        if !needRestart.isEmpty {
            logger.warning("changed settings take effect at the next restart: \(needRestart.joined(separator: ", "))")
        }
        logger.notice(
            "configuration reloaded",
            metadata: [
                "MESSAGE_ID": "\(JournalMessage.reloaded.id)", "areas": "\(areas.count)",
                "areas_added": "\(synced.added.count)", "rule_count": "\(classifier.lexicon.rules.count)",
                "correlation_window_minutes": "\(Int(next.correlation.window / 60))",
                "trigger_rules": "\(next.duty.policy.rules.count)", "receivers": "\(next.duty.receivers.count)",
            ])
        return next
    }
}

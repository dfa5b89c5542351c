import DeskAPI
import DeskConfig
import DeskCore
import DeskNotify
import DeskStorage
import DeskSystemd
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Wires configuration, storage, the desk and the listeners, and runs them until SIGTERM/SIGINT.
struct Daemon {
    let configuration: DeskConfiguration
    let configPath: String
    let classifier: Classifier
    let logger: Logger
    /// This deskd's name among several on one database (`[server] instance`, or the host's name).
    let instance: String

    func run() async throws {
        let database = try StartupExtension.run(status: "Opening the database (migrating it if this deskd is newer)") {
            try openDatabase()
        }
        let file = (database as? DeskDatabase)?.path
        let metrics = DeskMetrics(
            databaseBytes: { file.flatMap(Self.databaseBytes) },
            writeQueue: { [database] in database.writeQueueStats() })
        // swift-metrics users (Hummingbird's request metrics) report into the same registry.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        metrics.identify(instance: instance)
        // Every receiver's series exist from the start, for alerts on their first failure.
        metrics.expect(receivers: Self.receiverNames(configuration.duty))
        let store = database.store
        // Made first, so that the observer (before the desk) and the timers (after it) share it.
        let timerWakeup = Wakeup()
        // The console's live streams (GET /v1/events) hear what the observers hear.
        let events = EventHub(maxPerOwner: configuration.limits.maxStreamsPerPrincipal)
        // What access checks remember: emptied by the observer, filled by the access control made later.
        let accessMemory = AccessMemory()
        // On PostgreSQL other deskd may write to the same desk: streams follow the stored timeline.
        let api = APIEffects(
            metrics: metrics, events: events, access: accessMemory,
            streamsFromTimeline: database is PostgresDeskDatabase)
        let observer = EffectsObserver(logger: logger, api: api, timers: timerWakeup)
        let desk = Desk(
            store: store, clock: SystemWallClock(), settings: LiveSettings(Self.settings(configuration)),
            classifier: classifier, observers: [observer.observer])
        logger.info(
            "classifier loaded",
            metadata: [
                "rules": "\(configuration.classifierRules)", "rule_count": "\(classifier.lexicon.rules.count)",
                "model_dir": "\(configuration.classifierModels)",
                "phase_model": "\(classifier.model?.version ?? "none")",
                "other_languages_model": "\(classifier.otherLanguagesModel?.version ?? "none")",
                "languages": "\(Set(classifier.identifier.profiles.map(\.code)).sorted().joined(separator: " "))",
                "correlation_window_minutes": "\(Int(configuration.correlation.window / 60))",
            ])
        if classifier.model != nil, classifier.otherLanguagesModel == nil {
            logger.warning(
                """
                no phase model for the residents' languages (\(ModelFiles.otherLanguagesModel) is not in \
                \(configuration.classifierModels)): reports in Arabic, Persian, Somali, Tigrinya and other \
                languages are named and sent to review, not classified
                """)
        }
        do {
            try await prepare(desk, database)
            try await seedRoster(desk)
            try await serve(desk, accessMemory, timerWakeup, store, database, metrics, events, api)
        } catch {
            try? database.close()
            throw error
        }
        do {
            try database.close()
            logger.info("database closed cleanly")
        } catch {
            logger.error("closing the database failed: \(error)")
        }
    }

    private func openDatabase() throws -> any DeskStorageBackend {
        if configuration.storageEngine == .postgresql { return try openPostgres() }
        do {
            // Only deskd's user may enter a state directory deskd creates (the unit's is 0700 too).
            try FileManager.default.createDirectory(
                atPath: configuration.stateDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let database = try DeskDatabase(
                path: configuration.databasePath, writeQueueCapacity: configuration.writeQueue, logger: logger)
            let journalMode = try database.journalMode()
            let synchronous = try database.synchronousLevel()
            logger.info(
                "database open",
                metadata: [
                    "path": "\(database.path)", "journal_mode": "\(journalMode)", "synchronous": "\(synchronous)",
                ]
            )
            return database
        } catch {
            let text = "\(error)"
            if (error as? StorageFailure)?.isDamaged == true {
                // Never "repair" by starting over: the file is evidence. Stop, say what to do.
                throw StartupFailure(
                    description:
                        "the database \(configuration.databasePath) is damaged (\(text)); deskd will not start on it. "
                        + "Move it aside and restore the latest backup (README: Backup and restore), then start again",
                    isDamagedDatabase: true)
            }
            throw StartupFailure(description: "cannot open the database in \(configuration.stateDirectory): \(text)")
        }
    }

    /// Opens the PostgreSQL desk at `[storage] url`. A malformed URL or a schema newer than this
    /// deskd is a configuration error (exit 78); an unreachable server is an ordinary start-up
    /// failure, which systemd retries (`Restart=on-failure`).
    private func openPostgres() throws -> PostgresDeskDatabase {
        let url: PostgresURL
        do {
            url = try PostgresURL(configuration.postgresURL ?? "")
        } catch {
            throw StartupFailure(
                description: "\(configPath): [storage] url is not a PostgreSQL URL: \(error)", isConfiguration: true)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.stateDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let database = try PostgresDeskDatabase(
                url: url, password: configuration.postgresPassword, writeQueueCapacity: configuration.writeQueue,
                backupDirectory: configuration.stateDirectory + "/backups", logger: logger)
            logger.info(
                "database open",
                metadata: [
                    "engine": "postgresql", "url": "\(url)", "synchronous_commit": "\(database.synchronousCommit)",
                    "migrations_run": "\(database.migrationsRun.joined(separator: ","))",
                ])
            return database
        } catch let error as PostgresSchemaTooNew {
            throw StartupFailure(description: "\(configPath): [storage] url: \(error)", isConfiguration: true)
        } catch {
            throw StartupFailure(description: "cannot open the PostgreSQL database ([storage] url): \(error)")
        }
    }

    /// Syncs the areas and, on an empty database, loads the demo reports.
    private func prepare(_ desk: Desk, _ database: any DeskStorageBackend) async throws {
        do {
            let areas = try SeedFiles.areas(path: configuration.areasFile)
            let summary = try await database.syncAreas(areas, into: desk)
            logger.info(
                "areas synced",
                metadata: [
                    "areas": "\(areas.count)", "added": "\(summary.added.count)", "updated": "\(summary.updated.count)",
                    "deactivated": "\(summary.deactivated.joined(separator: ","))",
                ]
            )
        } catch let error as ConfigError {
            throw StartupFailure(description: error.description, isConfiguration: true)
        } catch {
            throw StartupFailure(description: "cannot sync areas from \(configuration.areasFile): \(error)")
        }
        guard let demoFile = configuration.demoFile, try database.incidentCount() == 0 else { return }
        do {
            let count = try await DemoSeeder(desk: desk).load(try SeedFiles.demoReports(path: demoFile))
            logger.notice("empty database: loaded \(count) demo reports from \(demoFile)")
        } catch let error as ConfigError {
            throw StartupFailure(description: error.description, isConfiguration: true)
        }
    }

    /// Imports the demo roster into a desk that has no responders yet.
    private func seedRoster(_ desk: Desk) async throws {
        guard let file = configuration.demoRoster, try await desk.duty.roster().responders.isEmpty else { return }
        do {
            let summary = try await desk.commands.run(ImportRoster(try SeedFiles.roster(path: file)), by: .desk)
            logger.notice(
                "no responders: imported the demo roster from \(file)",
                metadata: ["responders": "\(summary.respondersAdded)", "rotations": "\(summary.rotations)"])
        } catch let error as ConfigError {
            throw StartupFailure(description: error.description, isConfiguration: true)
        } catch let error as DeskError {
            throw StartupFailure(description: "the demo roster \(file) is not valid: \(error)", isConfiguration: true)
        }
    }

    /// The settings commands run with, from the configuration (the areas come from the database).
    static func settings(_ configuration: DeskConfiguration, areas: AreaDirectory = AreaDirectory([])) -> DeskSettings {
        DeskSettings(
            areas: areas, correlation: configuration.correlation, duty: configuration.duty.settings,
            retention: configuration.retention, keyLifetime: TimeInterval(configuration.idempotencyKeyHours * 3600))
    }

    /// The receivers of the configuration, as the webhook sender takes them.
    static func targets(_ duty: DutyConfiguration) -> [WebhookSender.Target] {
        duty.receivers.map { .init(name: $0.name, url: $0.url, secret: $0.secret, timeout: $0.timeout) }
    }

    /// Every receiver's name (webhooks and the SMS gateway): the `receiver` label of the metrics.
    static func receiverNames(_ duty: DutyConfiguration) -> [String] {
        duty.receivers.map(\.name) + (duty.sms.map { [$0.name] } ?? [])
    }

    /// The SMS receiver of the configuration, as the text sender takes it.
    static func gateway(_ duty: DutyConfiguration) -> SMSGateway? {
        duty.sms.map {
            SMSGateway(
                name: $0.name, provider: $0.provider, url: $0.url, username: $0.username, password: $0.password,
                from: $0.from, timeout: $0.timeout)
        }
    }

    /// The inbound SMS endpoint's settings of the configuration's SMS receiver.
    static func inbound(_ duty: DutyConfiguration) -> [TextInbox.Gateway] {
        guard let sms = duty.sms else { return [] }
        // 46elks authenticates with the inbound password; Twilio signs with the auth token.
        let secret = sms.provider == .elks46 ? sms.inboundPassword : sms.password
        guard let secret else { return [] }
        return [
            TextInbox.Gateway(
                provider: sms.provider, secret: secret, allowedSources: sms.allowedSources, publicURL: sms.inboundURL,
                textsPerNumberPerHour: sms.textsPerNumberPerHour)
        ]
    }

    /// The listeners: those systemd passed in (socket activation), else the configured ones.
    private func listeners() throws -> (listeners: [Listener], inherited: Bool) {
        let inherited: [InheritedSocket]
        do {
            inherited = try SocketActivation.inheritedListeners()
        } catch {
            throw StartupFailure(description: "\(error)")
        }
        if !inherited.isEmpty {
            // Plain HTTP off loopback only when the configuration says so, as for [server] http (review L5).
            for socket in inherited where !socket.isUnix && !configuration.insecureHTTP {
                let bare = socket.address.hasPrefix("http://") ? String(socket.address.dropFirst(7)) : socket.address
                if let address = DeskConfiguration.HostPort(bare), !address.isLoopback {
                    throw StartupFailure(
                        description:
                            "the inherited listener \(bare) (\(socket.name)) is plain HTTP off loopback: tokens "
                            + "and console sessions would cross the network unencrypted; make the socket unit's "
                            + "ListenStream= a loopback address behind a TLS proxy, or set insecure_http = true in [server]",
                        isConfiguration: true)
                }
            }
            logger.notice(
                "socket-activated: serving on the listeners systemd passed; [server] http and unix_socket are not used",
                metadata: ["listeners": "\(inherited.map(\.address).joined(separator: ", "))"])
            return (inherited.map { .inherited(descriptor: $0.descriptor, name: $0.name, address: $0.address) }, true)
        }
        var listeners: [Listener] = []
        if let http = configuration.http { listeners.append(.tcp(host: http.host, port: http.port)) }
        if let path = configuration.unixSocket { listeners.append(.unix(path: path)) }
        return (listeners, false)
    }

    /// The database file and its WAL, in bytes.
    static func databaseBytes(_ path: String) -> Int? {
        let sizes = [path, path + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? nil
        }
        return sizes.isEmpty ? nil : sizes.reduce(0, +)
    }

    private func serve(
        _ desk: Desk, _ accessMemory: AccessMemory, _ timerWakeup: Wakeup, _ store: SQLDeskStore,
        _ database: any DeskStorageBackend, _ metrics: DeskMetrics, _ events: EventHub, _ api: APIEffects
    ) async throws {
        let (listeners, inherited) = try listeners()
        // In the database: every deskd on it knows every session, and a restart signs nobody out.
        let console = ConsoleSessions(store: store)
        let access = AccessControl(
            local: configuration.access,
            tokens: TokenAuthority(
                store: store, commands: desk.commands, clock: SystemWallClock(), memory: accessMemory),
            console: console)
        let limits = configuration.limits
        let sender = DeliverySenders(
            webhooks: WebhookSender(targets: Self.targets(configuration.duty)),
            texts: TextSender(gateway: Self.gateway(configuration.duty)))
        let texts = TextInbox(gateways: Self.inbound(configuration.duty)) { [sender] number, message in
            // Not stored, so not retried: a number no responder has gets one attempt.
            _ = await sender.texts.sendNow(to: number, message: message)
        }
        var settings = APISettings(
            maxBodyBytes: configuration.maxBodyBytes, maxJSONDepth: configuration.maxJSONDepth,
            maxHeaderCount: limits.maxHeaderCount, maxHeaderBytes: limits.maxHeaderBytes,
            headerTimeout: TimeInterval(limits.headerTimeoutSeconds),
            bodyTimeout: TimeInterval(limits.bodyTimeoutSeconds),
            idleTimeout: TimeInterval(limits.idleTimeoutSeconds), maxConnections: limits.maxConnections,
            rateLimits: limits.rates.mapValues { APISettings.RateLimit(perSecond: $0.perSecond, burst: $0.burst) },
            anonymousRateLimit: APISettings.RateLimit(
                perSecond: limits.anonymousRate.perSecond, burst: limits.anonymousRate.burst),
            signInRateLimit: APISettings.RateLimit(
                perSecond: limits.signInRate.perSecond, burst: limits.signInRate.burst),
            trustedProxies: Set(configuration.trustedProxies), texts: texts)
        settings.maxConnectionsPerPeer = limits.maxConnectionsPerPeer
        let logger = logger
        let expected = listeners.count
        let ready = ReadyLatch(expected: expected)
        let notifier = SystemdNotifier()
        // One `STATUS=` line for ready, the periodic refresh and reloads: open incidents and the
        // call-outs still waiting for an answer, for `systemctl status deskd`.
        // While PostgreSQL is away (a failover, a restart) the line says so and why.
        let statusLine: @Sendable () async -> String? = {
            let summary: OpenIncidentSummary
            do {
                summary = try await desk.incidents.openIncidentSummary()
            } catch DeskError.unavailable(let reason) {
                return "Serving as \(instance); the database is unavailable: \(reason)"
            } catch {
                return nil
            }
            let waiting = try? await desk.duty.callOutsAwaitingAnswer()
            return "Serving as \(instance); \(summary.description)"
                + (waiting.map { "; \($0) call-outs awaiting an answer" } ?? "")
        }
        let services: [any Service]
        do {
            services = try DeskServer.services(
                desk: desk, access: access, settings: settings, listeners: listeners, logger: logger,
                metrics: metrics, events: events,
                onListening: { listener in
                    logger.info("listening on \(listener)")
                    // Browsers reach the console on the TCP listener: deskctl console's URL names it.
                    switch listener {
                    case .tcp(let host, let port): console.listening(host: host, port: port)
                    case .inherited(_, _, let address): console.listening(address: address)
                    case .unix: break
                    }
                    ready.arrive()
                }
            )
        } catch {
            // The senders' HTTP clients must be shut down before they go (a listener in use ends here).
            await sender.shutdown()
            throw StartupFailure(description: "\(error)")
        }
        let readiness = ReadinessService(
            latch: ready, notifier: notifier, status: statusLine, listeners: expected, logger: logger)
        let supervision = SupervisionService(
            notifier: notifier, logger: logger,
            check: WatchdogCheck(serverEngine: database is PostgresDeskDatabase, logger: logger) {
                try await desk.incidents.ping()
            }.callAsFunction,
            status: statusLine)
        let timers = DeskTimersService(desk: desk, sender: sender, wakeup: timerWakeup, logger: logger)
        let reloader = Reloader(
            configPath: configPath, running: configuration, desk: desk, sender: sender, texts: texts, access: access,
            database: database, metrics: metrics, notifier: notifier, status: statusLine, logger: logger)
        let feed: [any Service] =
            (database as? PostgresDeskDatabase).map {
                [TimelineFeedService(database: $0, desk: desk, api: api, logger: logger)]
            } ?? []
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                // The event hub last: shut down first, so open live streams end before the listeners stop.
                services: (services + feed + [
                    readiness, supervision, timers, reloader, ChainHeadService(records: desk.records, logger: logger),
                    ChainCheckService(records: desk.records, metrics: metrics, logger: logger),
                    EventHubService(hub: events),
                ]).map {
                    ServiceGroupConfiguration.ServiceConfiguration(service: $0)
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            // The timers shut the senders down when they end; a failed group may not have run them.
            await sender.shutdown()
            if !inherited { removeSocket() }
            throw StartupFailure(description: "serving failed: \(error)")
        }
        // An inherited socket belongs to systemd, which keeps it open across restarts.
        if !inherited { removeSocket() }
        // Every writer has stopped: this head is the last one until the next start.
        do {
            ChainHeadLog(logger: logger).record(try await desk.records.chainHead(), "at shutdown")
        } catch {
            logger.error("could not read the timeline's chain head at shutdown: \(error)")
        }
        logger.notice("deskd stopped")
    }

    private func removeSocket() {
        if let path = configuration.unixSocket { UnixSocketFile.remove(path) }
    }
}

/// A start-up failure, for one clear log line and the exit status.
struct StartupFailure: Error, CustomStringConvertible {
    var description: String
    var isConfiguration = false
    /// The database file is damaged: restarting cannot help (exit status 76, which the unit does not restart).
    var isDamagedDatabase = false
}

/// The desk's use cases, as the API and the daemon reach them: writes as commands through one
/// runner, reports through their intake, and the read sides. Holds no logic of its own.
public struct Desk: Sendable {
    /// Every write: commands through the pipeline.
    public let commands: CommandRunner
    /// Reports: validation and classification before their command; the classifier's dry run.
    public let intake: ReportIntake
    /// Incidents, reports and the timeline.
    public let incidents: IncidentReads
    /// Rosters, call-outs and follow-ups.
    public let duty: DutyReads
    /// Verification, the chain head and backups.
    public let records: TimelineRecords
    /// Erasing personal data by the retention policy.
    public let retention: RetentionPurge
    /// The duty timers' work.
    public let timers: DutyTimers
    /// The trends: figures per week, area and phase.
    public let stats: StatsReads

    /// Puts together a desk over its stores (SQLite's `SQLDeskStore` is all of them).
    public init(
        store: any DeskStore & DutyStore & StatsReader & CommandPipeline, clock: any WallClock, settings: LiveSettings,
        classifier: Classifier, observers: [CommandObserver] = []
    ) {
        let commands = CommandRunner(pipeline: store, clock: clock, settings: settings, observers: observers)
        self.commands = commands
        intake = ReportIntake(settings: settings, clock: clock, classifier: classifier)
        incidents = IncidentReads(store: store, settings: settings)
        duty = DutyReads(incidents: store, store: store, settings: settings, clock: clock)
        records = TimelineRecords(store: store)
        retention = RetentionPurge(store: store, runner: commands, clock: clock)
        timers = DutyTimers(store: store, runner: commands, clock: clock)
        stats = StatsReads(store: store, settings: settings, clock: clock)
    }

    /// The settings in force.
    public var settings: LiveSettings { commands.settings }
}

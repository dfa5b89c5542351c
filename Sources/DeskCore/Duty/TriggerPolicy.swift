import Foundation

/// Which roles to call out, how many, and how fast they must answer, by phase (and optionally
/// category and severity). Read from the `[[trigger]]` tables of the configuration.
public struct TriggerPolicy: Sendable, Hashable {
    /// One line of the policy.
    public struct Rule: Sendable, Hashable {
        public var phase: Phase
        /// Only incidents of this category; nil: any.
        public var category: Category?
        /// Only incidents at least this severe; nil: any.
        public var minSeverity: Int?
        public var role: DutyRole
        public var count: Int
        /// An unacknowledged call-out escalates after this long.
        public var ackWithin: TimeInterval
        /// Psychosocial check-ins after the incident, as offsets from the call-out.
        public var followUps: [TimeInterval]
        /// What the responder is asked to do, e.g. a preparedness task.
        public var task: String?

        /// Creates a rule.
        public init(
            phase: Phase, category: Category? = nil, minSeverity: Int? = nil, role: DutyRole, count: Int,
            ackWithin: TimeInterval, followUps: [TimeInterval] = [], task: String? = nil
        ) {
            self.phase = phase
            self.category = category
            self.minSeverity = minSeverity
            self.role = role
            self.count = count
            self.ackWithin = ackWithin
            self.followUps = followUps
            self.task = task
        }

        func matches(_ incident: Incident) -> Bool {
            guard incident.phase == phase else { return false }
            if let category, incident.category != category { return false }
            if let minSeverity, (incident.severity ?? 0) < minSeverity { return false }
            return true
        }
    }

    public var rules: [Rule]
    /// How long past its due time a follow-up may stay open before it goes to the coordinator.
    public var followUpGrace: TimeInterval
    /// Responders called when an area's rotations, its neighbours' and its coordinators are exhausted.
    public var nationalDutyOfficers: [String]

    /// Creates a policy.
    public init(rules: [Rule], followUpGrace: TimeInterval = 86_400, nationalDutyOfficers: [String] = []) {
        self.rules = rules
        self.followUpGrace = followUpGrace
        self.nationalDutyOfficers = nationalDutyOfficers
    }

    /// The defaults: `during` → first aid ×2 and psychosocial ×1 on scene; `after` → psychosocial ×2
    /// with follow-ups at +1, +7 and +30 days; `before` → the area's coordinator with a preparedness task.
    public static let standard = TriggerPolicy(rules: [
        Rule(phase: .during, role: .firstAid, count: 2, ackWithin: 5 * 60, task: "First aid on scene"),
        Rule(
            phase: .during, role: .psychosocial, count: 1, ackWithin: 10 * 60, task: "Psychosocial first aid on scene"),
        Rule(
            phase: .after, role: .psychosocial, count: 2, ackWithin: 60 * 60,
            followUps: [1 * 86_400, 7 * 86_400, 30 * 86_400], task: "Psychosocial support for those affected"),
        Rule(
            phase: .before, role: .coordinator, count: 1, ackWithin: 4 * 3600,
            task: "Preparedness: assess the risk and inform residents and partners"),
    ])

    /// What an incident needs now: per role, the largest count and the shortest answer time of
    /// every matching rule, with their follow-ups and the first task given.
    public func needs(for incident: Incident) -> [StaffingNeed] {
        var byRole: [DutyRole: StaffingNeed] = [:]
        for rule in rules where rule.matches(incident) {
            if var need = byRole[rule.role] {
                need.count = max(need.count, rule.count)
                need.ackWithin = min(need.ackWithin, rule.ackWithin)
                need.followUps = Array(Set(need.followUps + rule.followUps)).sorted()
                need.task = need.task ?? rule.task
                byRole[rule.role] = need
            } else {
                byRole[rule.role] = StaffingNeed(
                    role: rule.role, count: rule.count, ackWithin: rule.ackWithin, followUps: rule.followUps.sorted(),
                    task: rule.task)
            }
        }
        return byRole.values.sorted { $0.role < $1.role }
    }
}

/// How many people of one role an incident needs.
public struct StaffingNeed: Sendable, Hashable {
    public var role: DutyRole
    public var count: Int
    public var ackWithin: TimeInterval
    public var followUps: [TimeInterval]
    public var task: String?
}

import Foundation

/// Who is on duty for one role in one area, taking turns: each participant holds one shift of
/// `shiftDays` days (1: daily, 7: weekly), handing off at `handoff` local time, in order.
///
/// Rotations of the same area and role stack in layers like mature on-call tools: a higher layer
/// (e.g. a weekend cover) goes before a lower one while it is in effect.
public struct Rotation: Sendable, Hashable, Codable {
    public var id: String
    public var area: String
    public var role: DutyRole
    /// Higher layers go first; rotations of one area, role and layer must not overlap in time.
    public var layer: Int
    /// 1 for a daily rotation, 7 for a weekly one.
    public var shiftDays: Int
    /// The local time of day at which one participant hands off to the next.
    public var handoff: LocalTime
    /// The first shift starts at `handoff` on this date.
    public var starts: LocalDate
    /// No shift starts on or after this date's hand-off; nil: open-ended.
    public var ends: LocalDate?
    /// Responder ids in turn order; the first holds the first shift.
    public var participants: [String]

    enum CodingKeys: String, CodingKey {
        case id, area, role, layer, handoff, starts, ends, participants
        case shiftDays = "shift_days"
    }

    /// Decodes a rotation; `layer` defaults to 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        area = try container.decode(String.self, forKey: .area)
        role = try container.decode(DutyRole.self, forKey: .role)
        layer = try container.decodeIfPresent(Int.self, forKey: .layer) ?? 0
        shiftDays = try container.decode(Int.self, forKey: .shiftDays)
        handoff = try container.decode(LocalTime.self, forKey: .handoff)
        starts = try container.decode(LocalDate.self, forKey: .starts)
        ends = try container.decodeIfPresent(LocalDate.self, forKey: .ends)
        participants = try container.decode([String].self, forKey: .participants)
    }

    /// Creates a rotation.
    public init(
        id: String, area: String, role: DutyRole, layer: Int = 0, shiftDays: Int, handoff: LocalTime,
        starts: LocalDate, ends: LocalDate? = nil, participants: [String]
    ) {
        self.id = id
        self.area = area
        self.role = role
        self.layer = layer
        self.shiftDays = shiftDays
        self.handoff = handoff
        self.starts = starts
        self.ends = ends
        self.participants = participants
    }

    /// One shift of a rotation.
    public struct Shift: Sendable, Hashable {
        /// The shift's number since the rotation started (0 for the first).
        public var index: Int
        /// Index into `participants` of the person on duty.
        public var participant: Int
        public var start: Date
        /// The next hand-off.
        public var end: Date
    }

    /// The shift in effect at `instant`, or nil before the rotation starts, after it ends, or
    /// when it has nobody in it.
    public func shift(at instant: Date, calendar: LocalCalendar) -> Shift? {
        guard !participants.isEmpty, shiftDays > 0 else { return nil }
        // The "shift day" of an instant is its local date, or the day before when it falls before
        // that date's hand-off. Counting whole local days keeps hand-offs at the same wall time
        // across DST changes (a shift is then 23 or 25 hours long).
        var day = calendar.date(of: instant)
        if instant < calendar.instant(day, handoff) { day = day.adding(days: -1) }
        let elapsed = day.daysSinceEpoch - starts.daysSinceEpoch
        guard elapsed >= 0 else { return nil }
        let index = elapsed / shiftDays
        let first = starts.adding(days: index * shiftDays)
        if let ends, first >= ends { return nil }
        return Shift(
            index: index, participant: index % participants.count, start: calendar.instant(first, handoff),
            end: calendar.instant(first.adding(days: shiftDays), handoff))
    }

    /// The instant the rotation's first shift starts.
    public func firstStart(calendar: LocalCalendar) -> Date { calendar.instant(starts, handoff) }

    /// Whether this rotation and `other` could both be in effect on some day.
    func overlaps(_ other: Rotation) -> Bool {
        let farFuture = LocalDate(year: 9999, month: 12, day: 31)
        return starts < (other.ends ?? farFuture) && other.starts < (ends ?? farFuture)
    }
}

/// "I take this shift": `responder` is on duty for `role` in `area` from `starts` until `ends`,
/// ahead of every rotation.
public struct RosterOverride: Sendable, Hashable, Codable {
    public var id: String
    public var area: String
    public var role: DutyRole
    public var responder: String
    public var starts: Date
    public var ends: Date
    public var reason: String?

    /// Creates an override.
    public init(
        id: String, area: String, role: DutyRole, responder: String, starts: Date, ends: Date, reason: String? = nil
    ) {
        self.id = id
        self.area = area
        self.role = role
        self.responder = responder
        self.starts = starts
        self.ends = ends
        self.reason = reason
    }

    func covers(_ instant: Date) -> Bool { starts <= instant && instant < ends }
}

/// A time when a responder cannot be called out (holiday, illness); they are skipped.
public struct Unavailability: Sendable, Hashable, Codable {
    public var responder: String
    public var starts: Date
    public var ends: Date
    public var reason: String?

    /// Creates an unavailability.
    public init(responder: String, starts: Date, ends: Date, reason: String? = nil) {
        self.responder = responder
        self.starts = starts
        self.ends = ends
        self.reason = reason
    }

    func covers(_ instant: Date) -> Bool { starts <= instant && instant < ends }
}

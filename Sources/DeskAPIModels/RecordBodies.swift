import DeskCore
import Foundation

/// `POST /v1/purge`.
public struct PurgeRequest: StrictBody, Codable, Sendable, Hashable {
    public var dryRun: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dryRun = "dry_run"
    }

    /// The members a client may send.
    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]

    /// Creates a request.
    public init(dryRun: Bool) { self.dryRun = dryRun }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun) ?? false
    }
}

/// `GET /v1/incidents/{id}/export`: one incident's whole record.
public struct IncidentExportBody: Codable, Sendable {
    public var exportedAt: Date
    public var incident: IncidentBody
    public var timeline: [EventBody]
    public var callOuts: [CallOutBody]
    public var followUps: [FollowUpBody]

    enum CodingKeys: String, CodingKey {
        case incident, timeline
        case exportedAt = "exported_at"
        case callOuts = "callouts"
        case followUps = "followups"
    }

    /// Creates a body.
    public init(
        exportedAt: Date, incident: IncidentBody, timeline: [EventBody], callOuts: [CallOutBody],
        followUps: [FollowUpBody]
    ) {
        self.exportedAt = exportedAt
        self.incident = incident
        self.timeline = timeline
        self.callOuts = callOuts
        self.followUps = followUps
    }
}

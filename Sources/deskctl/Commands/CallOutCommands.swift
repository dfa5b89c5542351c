import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl callout …`
struct CallOutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callout", abstract: "See and answer call-outs.",
        subcommands: [CallOutList.self, CallOutAck.self, CallOutDecline.self])
}

/// `deskctl callout list [--mine] [--status] [--incident]`
struct CallOutList: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List call-outs, newest first.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Only mine (the responder bound to my local user).")
    var mine = false

    @Option(help: "Only this state: pending, notified, acknowledged, declined, escalated, expired, cancelled.")
    var status: CallOut.State?

    @Option(help: "Only this incident's.")
    var incident: String?

    func execute(_ client: DeskClient) async throws {
        let body: ItemsBody<CallOutBody> = try await client.get(
            "/v1/callouts",
            query: [("mine", mine ? "true" : nil), ("status", status?.rawValue), ("incident", incident)])
        if connection.json { return try printJSON(body) }
        if body.items.isEmpty { return Output.line(mine ? "No call-outs for you." : "No call-outs.") }
        var table = Table(
            "ID", "STATE", "INCIDENT", "AREA", "ROLE", "RESPONDER", "ANSWER BY", "SENT", "ANSWERED", "TASK")
        for callOut in body.items {
            table.add(
                callOut.id, callOut.state, callOut.incidentID, callOut.area, callOut.role, callOut.responder,
                ["pending", "notified"].contains(callOut.state) ? Describe.time(callOut.dueAt) : "-",
                Self.channel(callOut.sentVia), Self.channel(callOut.answeredVia), callOut.task ?? "-")
        }
        Output.line(table.render())
    }

    /// `SMS`, `webhook`, `CLI`, `API`, `desk`; `-` when none yet.
    static func channel(_ name: String?) -> String {
        switch name {
        case "sms": return "SMS"
        case "cli": return "CLI"
        case "api": return "API"
        case let other?: return other
        case nil: return "-"
        }
    }
}

/// `deskctl callout ack ID [--note]`
struct CallOutAck: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge one of my call-outs.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The call-out's id.")
    var id: String

    @Option(help: "A note for the desk, e.g. when you expect to be there.")
    var note: String?

    func execute(_ client: DeskClient) async throws {
        let answer: CallOutAnswerBody = try await client.post(
            "/v1/callouts/\(id.pathEscaped)/ack", body: AckRequest(note: note))
        if connection.json { return try printJSON(answer) }
        Output.line("Call-out \(answer.callOut.id) acknowledged: incident \(answer.callOut.incidentID)")
    }
}

/// `deskctl callout decline ID --reason R`
struct CallOutDecline: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline", abstract: "Decline one of my call-outs; the next person is called at once.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The call-out's id.")
    var id: String

    @Option(help: "Why (required).")
    var reason: String

    func execute(_ client: DeskClient) async throws {
        let answer: CallOutAnswerBody = try await client.post(
            "/v1/callouts/\(id.pathEscaped)/decline", body: DeclineRequest(reason: reason))
        if connection.json { return try printJSON(answer) }
        let next = answer.replacement.map { "; \($0.responder) is called instead" } ?? "; nobody is left to call"
        Output.line("Call-out \(answer.callOut.id) declined\(next)")
    }
}

/// `deskctl followup …`
struct FollowUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followup", abstract: "Psychosocial follow-ups: list and record them.",
        subcommands: [FollowUpList.self, FollowUpDone.self])
}

/// `deskctl followup list [--mine] [--overdue]`
struct FollowUpList: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List follow-ups, soonest due first.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Only mine (owned by me or escalated to me).")
    var mine = false

    @Flag(help: "Only those past their due time and not done.")
    var overdue = false

    @Option(help: "Only this incident's.")
    var incident: String?

    func execute(_ client: DeskClient) async throws {
        let body: ItemsBody<FollowUpBody> = try await client.get(
            "/v1/followups",
            query: [("mine", mine ? "true" : nil), ("overdue", overdue ? "true" : nil), ("incident", incident)])
        if connection.json { return try printJSON(body) }
        if body.items.isEmpty { return Output.line("No follow-ups.") }
        var table = Table("ID", "DUE", "CHECK-IN", "STATE", "INCIDENT", "AREA", "OWNER")
        for followUp in body.items {
            table.add(
                followUp.id, Describe.time(followUp.dueAt), followUp.label, followUp.state, followUp.incidentID,
                followUp.area, (followUp.owner ?? "-") + (followUp.escalatedTo.map { " → \($0)" } ?? ""))
        }
        Output.line(table.render())
    }
}

/// `deskctl followup done ID --outcome O`
struct FollowUpDone: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "done", abstract: "Record a check-in as done, with its outcome.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The follow-up's id.")
    var id: String

    @Option(help: "What came of it (required).")
    var outcome: String

    func execute(_ client: DeskClient) async throws {
        let done: FollowUpBody = try await client.post(
            "/v1/followups/\(id.pathEscaped)/done", body: FollowUpDoneRequest(outcome: outcome))
        if connection.json { return try printJSON(done) }
        Output.line("Follow-up \(done.id) (\(done.label)) done")
    }
}

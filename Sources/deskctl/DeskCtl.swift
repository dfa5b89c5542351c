import ArgumentParser

/// `deskctl`: the Incident Desk command-line client. It talks to `deskd` over its API only.
@main
struct DeskCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deskctl",
        abstract: "Report and follow incidents on an Incident Desk.",
        discussion: """
            Talks to deskd over its Unix socket (--socket, $DESKCTL_SOCKET, default /run/deskd/deskd.sock) \
            or over HTTP (--url, $DESKCTL_URL). Exit status: 0 on success, 1 when the desk refuses the \
            request (the reason is printed as "title: detail"), 64 for wrong usage, 69 when deskd cannot \
            be reached.
            """,
        subcommands: [
            ReportCommand.self, ClassifyCommand.self, IncidentCommand.self, AreaCommand.self, VerifyCommand.self,
            BackupCommand.self, RosterCommand.self, ResponderCommand.self, OverrideCommand.self,
            CallOutCommand.self, FollowUpCommand.self, TokenCommand.self, PurgeCommand.self, ConsoleCommand.self,
            StatsCommand.self,
        ]
    )
}

/// `deskctl incident …`
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "List, show and act on incidents.",
        subcommands: [
            IncidentList.self, IncidentShow.self, IncidentTimeline.self, IncidentNote.self, IncidentPhase.self,
            IncidentConfirm.self, IncidentSplit.self, IncidentClose.self, IncidentReopen.self, IncidentExport.self,
        ]
    )
}

/// `deskctl area …`
struct AreaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "area", abstract: "The areas the desk serves.", subcommands: [AreaList.self]
    )
}

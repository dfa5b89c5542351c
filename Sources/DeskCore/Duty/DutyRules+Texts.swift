import Foundation

extension DutyRules {
    /// Queues a text to `responder` through the desk's SMS receiver, written in the responder's
    /// language; nothing when no SMS receiver is configured or the contact is not a phone number
    /// (the webhooks still carry the notice).
    static func text(
        to responder: Responder?, notice: String, incident: DeskID, callOut: DeskID?, into change: inout DutyChange,
        context: DutyContext, message: (TextLanguage) -> String
    ) {
        guard let receiver = context.textReceiver, let responder, let number = PhoneNumber(responder.contact) else {
            return
        }
        change.newDeliveries.append(
            TextDelivery.make(
                id: context.stamp.ids.next(), receiver: receiver, notice: notice, to: number,
                message: message(responder.textLanguage(at: number)), incidentID: incident, calloutID: callOut,
                createdAt: context.now))
    }

    /// The area's display name (its id when it is not in the directory).
    static func areaName(_ id: String, _ context: DutyContext) -> String {
        context.areas.all.first { $0.id == id }?.name ?? id
    }
}

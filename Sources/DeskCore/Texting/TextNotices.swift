/// The texts the desk sends responders, in Swedish or English: short (GSM-7, at most two
/// segments), each naming a reference the responder can answer with.
public enum TextNotices {
    /// A call-out (first or after an escalation).
    ///
    /// Example: `Röda Korset: utlarmning, första hjälpen. Brand i trapphus, Rinkeby. Svara JA 4F2 eller NEJ 4F2`.
    public static func callOut(
        _ callOut: CallOut, incident: Incident, areaName: String, in language: TextLanguage
    )
        -> String
    {
        let reference = ShortReference.of(callOut.id)
        switch language {
        case .swedish:
            return fit(
                "Röda Korset: utlarmning, \(role(callOut.role, language)). ", incident.title,
                ", \(areaName). Svara JA \(reference) eller NEJ \(reference)")
        case .english:
            return fit(
                "Red Cross call-out, \(role(callOut.role, language)). ", incident.title,
                ", \(areaName). Reply YES \(reference) or NO \(reference)")
        }
    }

    /// An overdue follow-up handed on to the coordinator (or national duty officer).
    public static func followUpHandedOn(
        _ followUp: FollowUp, incident: Incident, areaName: String, in language: TextLanguage
    ) -> String {
        let reference = ShortReference.of(followUp.id)
        switch language {
        case .swedish:
            return fit(
                "Röda Korset: uppföljning \(followUp.label) är försenad och lämnas till dig. ", incident.title,
                ", \(areaName). Svara KLAR \(reference) när den är gjord")
        case .english:
            return fit(
                "Red Cross: follow-up \(followUp.label) is overdue and handed to you. ", incident.title,
                ", \(areaName). Reply DONE \(reference) when it is done")
        }
    }

    /// The answer to a text.
    public static func reply(_ reply: TextReply, in language: TextLanguage) -> String {
        let sv = language == .swedish
        switch reply {
        case .acknowledged(let reference, let title):
            return fit(sv ? "Tack! Du är anmäld till \(reference): " : "Thanks, you are on \(reference): ", title, "")
        case .declined(let reference):
            return sv
                ? "Uppfattat: NEJ till \(reference). Vi kallar nästa person."
                : "Noted: NO to \(reference). We are calling the next person."
        case .completed(let reference):
            return sv ? "Tack! Uppföljning \(reference) är klar." : "Thanks, follow-up \(reference) is done."
        case .reported(let reference, let title, let phase):
            return fit(
                sv
                    ? "Tack! Rapporten är mottagen: ärende \(reference), \(phaseWord(phase, language)). "
                    : "Thanks, report received: incident \(reference), \(phaseWord(phase, language)). ", title, "")
        case .nothingOpen:
            return sv
                ? "Du har ingen öppen utlarmning att svara på."
                : "You have no open call-out to answer."
        case .ambiguous(let references):
            let list = references.joined(separator: ", ")
            return GSM7.text(
                sv
                    ? "Vilken? Svara med referensen, t.ex. JA \(references.first ?? "")... Öppna: \(list)"
                    : "Which one? Reply with the reference, e.g. YES \(references.first ?? "")... Open: \(list)")
        case .help:
            return sv
                ? "Röda Korset-desken: svara JA eller NEJ och referensen (JA 4F2), KLAR och referensen för en "
                    + "uppföljning, eller rapportera med området först: \"Rinkeby: brand i trapphuset\"."
                : "Red Cross desk: reply YES or NO and the reference (YES 4F2), DONE and the reference for a "
                    + "follow-up, or report with the area first: \"Rinkeby: fire in the stairwell\"."
        case .unknownSender:
            return sv
                ? "Det här numret är inte registrerat hos Röda Korsets desk. Vid nödläge: ring 112."
                : "This number is not registered with the Red Cross desk. In an emergency call 112."
        }
    }

    /// `head + middle + tail` in at most two GSM-7 segments: only the middle (free text) is shortened.
    static func fit(_ head: String, _ middle: String, _ tail: String) -> String {
        let head = GSM7.text(head)
        let tail = GSM7.text(tail)
        let room = GSM7.twoSegments - GSM7.septets(head) - GSM7.septets(tail)
        return head + GSM7.text(middle, limit: max(3, room)) + tail
    }

    static func phaseWord(_ phase: Phase, _ language: TextLanguage) -> String {
        switch (phase, language) {
        case (.before, .swedish): return "förebyggande"
        case (.during, .swedish): return "pågår"
        case (.after, .swedish): return "efterarbete"
        case (.unclassified, .swedish): return "ej bedömt"
        case (.before, .english): return "before"
        case (.during, .english): return "ongoing"
        case (.after, .english): return "aftermath"
        case (.unclassified, .english): return "not yet assessed"
        }
    }

    static func role(_ role: DutyRole, _ language: TextLanguage) -> String {
        switch (role, language) {
        case (.firstAid, .swedish): return "första hjälpen"
        case (.psychosocial, .swedish): return "psykosocialt stöd"
        case (.coordinator, .swedish): return "samordnare"
        case (.firstAid, .english): return "first aid"
        case (.psychosocial, .english): return "psychosocial support"
        case (.coordinator, .english): return "coordinator"
        }
    }
}

/// What the desk answers a text with.
public enum TextReply: Sendable, Hashable {
    /// The call-out `reference` (of the incident titled so) is acknowledged.
    case acknowledged(reference: String, title: String)
    case declined(reference: String)
    /// The follow-up `reference` is done.
    case completed(reference: String)
    /// A report by text joined or opened the incident `reference` (titled so), now in `phase`.
    case reported(reference: String, title: String, phase: Phase)
    /// A yes or no with nothing open to answer.
    case nothingOpen
    /// A yes or no without a reference while several call-outs are open.
    case ambiguous([String])
    /// How to answer (sent once).
    case help
    /// To a number no responder has.
    case unknownSender
}

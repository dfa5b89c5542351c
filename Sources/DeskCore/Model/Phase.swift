/// Where an incident stands in the crisis model.
///
/// `before` is prevention and preparedness, `during` acute response, `after` long-term
/// psychosocial support. `unclassified` is an incident nobody (and no classifier) has placed yet.
public enum Phase: String, Sendable, Codable, CaseIterable, Hashable {
    case before
    case during
    case after
    case unclassified

    /// The phases a person may assign: every phase but `unclassified`.
    public static let assignable: [Phase] = [.before, .during, .after]

    /// `before, during, after`: the assignable phases, as error messages name them.
    public static let assignableNames = assignable.map(\.rawValue).joined(separator: ", ")

    /// The phase a person may assign that `text` names; nil for `unclassified` or any other text.
    public init?(assignable text: String) {
        guard let phase = Phase(rawValue: text), phase != .unclassified else { return nil }
        self = phase
    }
}

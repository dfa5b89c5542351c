/// The trained weights a classifier reads, as deskd loads them from the installed files
/// (DeskConfig's `ModelFiles`; `WeightsFile` is their format): DeskCore receives them, it never
/// reads a file.
public struct ClassifierModels: Sendable {
    /// The phase model for Swedish and English.
    public var phase: PhaseModel
    /// The phase model for every other language; nil when it is not installed (those reports then
    /// go to review with their language named).
    public var otherLanguages: PhaseModel?
    /// Names each report's language.
    public var identifier: LanguageIdentifier
    /// Which training run the identifier's profiles come from.
    public var identifierVersion: String

    /// Creates the set.
    public init(
        phase: PhaseModel, otherLanguages: PhaseModel?, identifier: LanguageIdentifier, identifierVersion: String
    ) {
        self.phase = phase
        self.otherLanguages = otherLanguages
        self.identifier = identifier
        self.identifierVersion = identifierVersion
    }
}

/// What a responder's text asks for: a yes or no to a call-out, a follow-up done, or something
/// else. The first word decides (any case, trailing punctuation ignored); a three-hex-digit second
/// word is the reference; the rest is the note, reason or outcome.
///
/// Example: `TextCommand("ja 4f2 på väg") == .yes(reference: "4F2", rest: "på väg")`.
public enum TextCommand: Sendable, Hashable {
    /// `JA`, `YES`, `OK`, `1`.
    case yes(reference: String?, rest: String?)
    /// `NEJ`, `NO`, `2`.
    case no(reference: String?, rest: String?)
    /// `KLAR`, `DONE`.
    case done(reference: String?, rest: String?)
    /// Anything else.
    case other

    static let yesWords: Set<String> = ["JA", "YES", "OK", "1"]
    static let noWords: Set<String> = ["NEJ", "NO", "2"]
    static let doneWords: Set<String> = ["KLAR", "DONE"]

    /// Parses `text`.
    public init(_ text: String) {
        var words = text.split(whereSeparator: \.isWhitespace)[...]
        guard let first = words.popFirst() else {
            self = .other
            return
        }
        let word = first.trimmingCharacters(in: ".,!:;").uppercased()
        var reference: String?
        if let second = words.first, ShortReference.isReference(second.trimmingCharacters(in: ".,!:;")[...]) {
            reference = second.trimmingCharacters(in: ".,!:;").uppercased()
            words.removeFirst()
        }
        let rest = words.isEmpty ? nil : words.joined(separator: " ")
        if Self.yesWords.contains(word) {
            self = .yes(reference: reference, rest: rest)
        } else if Self.noWords.contains(word) {
            self = .no(reference: reference, rest: rest)
        } else if Self.doneWords.contains(word) {
            self = .done(reference: reference, rest: rest)
        } else {
            self = .other
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}

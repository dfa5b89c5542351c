/// Sentences, written for this check and in no corpus, whose probabilities the trainer records
/// and the shipped model must reproduce (`PhaseModelAgreementTests`).
enum AgreementTexts {
    static let fixturePath = "Tests/ClassifierTests/Fixtures/model-agreement.json"

    static let all = [
        "Det brinner i en bil på parkeringen vid Husby centrum, brandkåren är på väg",
        "Två grupper har drabbat samman vid tunnelbanan och polisen har precis kommit",
        "Föräldrarna på skolan vill ha ett samtalsstöd efter skjutningen förra månaden",
        "Kommunen varnar för att konflikten kan blossa upp igen under helgen",
        "a car is burning outside the school right now, people are filming",
        "The neighbours still can't sleep weeks after the explosion in the stairwell",
        "Police have raised the risk level ahead of Saturday's derby",
        "brand",
        "ok",
        "Vi behöver fler volontärer till kursen i första hjälpen i maj",
        "shots fired near the square, one person down, ambulance on the way",
        "Minnesstund för de döda i lördags, många ungdomar kom",
    ]
}

"""Language of short answers and their lemmas, on sentences written here."""

from __future__ import annotations

import pytest
import simplemma

from karsta.feedback.language import (
    LANGUAGES,
    LanguageGuess,
    content_lemmas,
    detect_language,
    language_scores,
    lemmas,
    stop_words,
    words,
)

# Short survey answers as customers write them, ten in each language.
ANSWERS = {
    "fi": [
        "Jonotusaika oli liian pitkä",
        "Laskusta puuttui rivi",
        "Asiakaspalvelija oli todella ystävällinen",
        "Puhelu katkesi kahdesti",
        "Sain vastauksen nopeasti, kiitos",
        "Ajanvaraus ei toiminut verkossa",
        "Odotin jonossa puoli tuntia",
        "Hyvää palvelua",
        "En saanut apua ongelmaani",
        "Laskut tulevat aina myöhässä",
    ],
    "sv": [
        "Väntetiden var för lång",
        "Fakturan var fel",
        "Mycket trevlig personal",
        "Samtalet bröts två gånger",
        "Jag fick svar snabbt, tack",
        "Tidsbokningen fungerade inte på webben",
        "Jag väntade i kön en halvtimme",
        "Snabb och trevlig service",
        "Jag fick ingen hjälp med mitt problem",
        "Fakturorna kommer alltid sent",
    ],
    "en": [
        "The waiting time was far too long",
        "My bill was wrong",
        "Very friendly staff",
        "The call dropped twice",
        "I got an answer quickly, thanks",
        "Booking an appointment online did not work",
        "I waited in the queue for half an hour",
        "Fast and friendly service",
        "Nobody could help me with my problem",
        "The invoices always come late",
    ],
}


def test_short_answers_are_recognised_or_left_to_the_recorded_language() -> None:
    guesses = {lang: [detect_language(text) for text in texts] for lang, texts in ANSWERS.items()}
    sure = [(lang, g) for lang, found in guesses.items() for g in found if g.language]
    wrong = [(lang, g) for lang, g in sure if g.language != lang]
    report = {lang: [g.language for g in found] for lang, found in guesses.items()}
    # Measured on these 30 answers (3 to 7 words): all 30 are sure and right. An unsure
    # one would go to the recorded language or to "unknown", never to a guess.
    assert wrong == [], report
    assert len(sure) == 30, report
    unsure = [g for found in guesses.values() for g in found if g.language is None]
    assert all(g.source == "unknown" for g in unsure)


def test_an_unsure_answer_takes_the_recorded_language_and_says_so() -> None:
    # "tack" and "ok" are words of more than one language: the detection is not sure.
    assert detect_language("tack", "sv-FI") == LanguageGuess("sv", "recorded")
    assert detect_language("ok", "fi") == LanguageGuess("fi", "recorded")
    assert detect_language("ok", None) == LanguageGuess(None, "unknown")
    assert detect_language("ok", "de") == LanguageGuess(None, "unknown")
    assert detect_language("", "fi") == LanguageGuess("fi", "recorded")
    # A sure detection wins over a recorded language that disagrees.
    assert detect_language("Laskusta puuttui rivi", "sv") == LanguageGuess("fi", "detected")


def test_finnish_inflections_have_one_lemma() -> None:
    text = "Laskusta puuttui rivi, laskuun tuli virhe ja laskut tulivat myöhässä."
    assert lemmas(text, "fi")[:1] == ["lasku"]
    found = content_lemmas(text, "fi")
    assert found.count("lasku") == 3
    assert {"laskusta", "laskuun", "laskut"}.isdisjoint(found)
    assert content_lemmas("Jonotusajat ovat pitkiä, odotin jonossa", "fi") == [
        "jonotusaika",
        "pitkä",
        "odottaa",
        "jono",
    ]


def test_swedish_inflections_have_one_lemma() -> None:
    found = content_lemmas("Fakturan var fel och fakturorna kom sent, fakturor igen", "sv")
    assert found.count("faktura") == 3
    assert content_lemmas("Väntetiden i kundtjänsten", "sv") == ["väntetid", "kundtjänst"]


def test_stop_words_links_and_redaction_tags_are_not_content() -> None:
    assert "ja" in stop_words("fi")
    assert "och" in stop_words("sv")
    assert "the" in stop_words("en")
    assert words("Katso https://example.fi/x ja soita [phone], t. [name]") == [
        "katso",
        "ja",
        "soita",
        "t",
    ]
    assert content_lemmas("The bills were late [name]", "en") == ["bill", "late"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_language_has_a_stop_word_list_from_the_package(language: str) -> None:
    assert len(stop_words(language)) > 100


def test_language_scores_are_simplemmas_own() -> None:
    # The remembered lookup changes the speed, never the answer: the shares are those
    # of simplemma.langdetect, ties (broken by its relaxed sampler) included.
    texts = [*(t for found in ANSWERS.values() for t in found), "ok", "tack", "bra service", ""]
    for text in texts * 2:  # the second round reads remembered words
        assert language_scores(text) == simplemma.langdetect(text, lang=LANGUAGES), text

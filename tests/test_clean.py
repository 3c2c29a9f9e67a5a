from __future__ import annotations

from storyline.clean import clean_document
from storyline.clean.boilerplate import classify, default_lexicon
from storyline.clean.lang import detect
from storyline.clean.text import repair
from storyline.models import Overrides, RawDocument

NOISY = """Photo: the harbour of Valletta at dawn, seen from the Upper Barrakka Gardens.

Maria Borg | Pool | Reuters

Source LinkMalta reopens its main cruise terminal after repairs

World News

VALLETTA – Malta reopened its main cruise terminal on Monday after three months of repairs to the quay damaged in a winter storm, the transport ministry said.

Share this article

The work cost 14 million euros, more than twice the first estimate, and was finished two weeks late, officials said.

Advertisement

“The quay is stronger than it was before the storm,” transport minister Aaron Farrugia said at the reopening ceremony.

Subscribe to our newsletter for the latest news from the Mediterranean.

Read more: Storm damage along the coast

Tourism operators said the closure had cost them bookings during the spring season, when cruise traffic usually peaks.

Joseph Camilleri

Learn More →

Leave a Reply

Your email address will not be published. Required fields are marked *

Name *

Email *

Post Comment
"""


def _raw(text: str, **kw: object) -> RawDocument:
    return RawDocument(origin="t.txt", format="text", text=text, **kw)  # type: ignore[arg-type]


def test_removes_boilerplate_and_finds_headline() -> None:
    doc = clean_document(_raw(NOISY))
    assert doc.title == "Malta reopens its main cruise terminal after repairs"
    assert not doc.title_inferred
    kept = doc.text.split("\n\n")
    assert kept[0].startswith("VALLETTA – Malta reopened")
    assert len(kept) == 4
    removed = {r.text: r.reason for r in doc.removed}
    assert removed["Maria Borg | Pool | Reuters"] == "photo credit"
    assert removed["Source Link"] == "source-link marker"
    assert removed["World News"] == "section label"
    assert removed["Share this article"] == "share or follow line"
    assert removed["Advertisement"] == "advertisement marker"
    assert removed["Learn More →"] == "call-to-action link"
    assert removed["Joseph Camilleri"] == "byline"
    assert removed["Your email address will not be published. Required fields are marked *"] == (
        "comment form"
    )
    assert "Name *" in removed and "Post Comment" in removed
    assert doc.byline == "Joseph Camilleri"


def test_caption_above_credit_is_removed() -> None:
    doc = clean_document(_raw(NOISY))
    reasons = [r.reason for r in doc.removed]
    assert reasons[0] in ("photo credit", "photo caption")
    assert all("Upper Barrakka" not in p for p in doc.text.split("\n\n"))


def test_sentences_that_mention_keywords_are_kept() -> None:
    text = (
        "Regulators approve merger of two rail operators\n\n"
        "The regulator said on Friday it would let the merger go ahead.\n\n"
        "Critics urged passengers to read more about the fare changes before they subscribe "
        "to the new season tickets, which go on sale next month at higher prices.\n\n"
        "By Friday evening, shares in both companies had risen by more than 5 percent.\n\n"
        "The deal is expected to close in the spring."
    )
    doc = clean_document(_raw(text))
    assert doc.removed == ()
    assert len(doc.text.split("\n\n")) == 4


def test_headline_not_taken_for_label() -> None:
    text = ("Quake hits Andes\n\nA strong earthquake shook northern Chile on Sunday, rattling "
            "buildings in three mining towns near the border.\n\nNo damage was reported.\n\n"
            "The agency said.")
    doc = clean_document(_raw(text))
    assert doc.title == "Quake hits Andes"


def test_title_inferred_from_lead_when_no_headline() -> None:
    text = (
        "ROME – Italy's parliament passed the budget on Thursday after a long night of votes, "
        "the speaker announced.\n\nThe opposition walked out before the final vote."
    )
    doc = clean_document(_raw(text))
    assert doc.title_inferred
    assert doc.title.startswith("Italy's parliament passed the budget")


def test_mojibake_repaired() -> None:
    broken = "Finnish President Sauli NiinistÃ¶ said the damage was â€œseriousâ€\x9d."
    assert repair(broken) == "Finnish President Sauli Niinistö said the damage was “serious”."


def test_language_detection() -> None:
    assert detect("Die Europäische Zentralbank hat die Leitzinsen erneut erhöht, teilte sie mit.")[0] == "de"
    assert detect("El terremoto dejó más de dos mil muertos en la provincia de Al Haouz.")[0] == "es"
    assert detect("ok") == (None, None)


def test_overrides_win() -> None:
    doc = clean_document(
        _raw(NOISY, published="2020-01-01", published_from="metadata", lang="fr"),
        Overrides(source="Malta Wire", published="2023-05-02", lang="en"),
    )
    assert (doc.published, doc.published_from) == ("2023-05-02", "flag")
    assert doc.lang == "en" and doc.source == "Malta Wire"


def test_publication_date_not_taken_from_caption() -> None:
    text = (
        "The minister boards a plane in Brussels on March 3, 2021.\n\n"
        "Jan Peeters | AFP\n\nMinister heads to Asia for trade talks\n\n"
        "BRUSSELS – The trade minister left for Tokyo on Sunday for a week of talks, "
        "her office said.\n\nShe will also visit Seoul."
    )
    doc = clean_document(_raw(text))
    assert doc.published is None and doc.published_from is None


def test_dateline_gives_inferred_date() -> None:
    text = (
        "Parliament passes water law\n\nMADRID, June 14, 2023 – The Spanish parliament passed "
        "a law on water use on Wednesday.\n\nIt takes effect next year."
    )
    doc = clean_document(_raw(text))
    assert (doc.published, doc.published_from) == ("2023-06-14", "inferred")


def test_lexicon_in_german_and_spanish() -> None:
    lines = [
        "Die Regierung hat am Mittwoch ein neues Gesetz beschlossen, sagte ein Sprecher.",
        "Lesen Sie auch: Streit um das Heizungsgesetz",
        "Ihre E-Mail-Adresse wird nicht veröffentlicht.",
        "Suscríbete a nuestro boletín",
        "Leer más: El Gobierno aprueba la ley",
        "Der Bundestag soll im Herbst darüber abstimmen, hieß es aus Regierungskreisen.",
        "Das Gesetz ist umstritten, weil es hohe Kosten verursacht.",
    ]
    verdicts = classify(lines, default_lexicon(), has_title=True)
    assert [v.index for v in verdicts] == [1, 2, 3, 4]


def test_feed_section_stripped_from_outlet_name() -> None:
    raw = _raw(NOISY, source="Global Wire Service - Top News")
    assert clean_document(raw).source == "Global Wire Service"
    raw = _raw(NOISY, source="Foo - Bar Baz")
    assert clean_document(raw).source == "Foo - Bar Baz"


def test_outlet_from_web_host_when_unnamed() -> None:
    raw = _raw(NOISY, url="https://www.harbordaily.example/world/x")
    assert clean_document(raw).source == "harbordaily.example"

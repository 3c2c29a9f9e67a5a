"""Direct quotes and their speakers (extract.quotes) and the PolNeAR harness (evaluation.quotes).

Mentions are built by hand, so that these tests do not depend on the entity recogniser.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from storyline.evaluation.quotes import evaluate_quotes, speaker_correct
from storyline.extract import quotes as quotes_module
from storyline.extract.nlp import pipeline
from storyline.extract.quotes import (
    MAX_UNCLOSED,
    default_lexicon,
    find_quotes,
    parse_lexicon,
)
from storyline.extract.types import EntityKind, Mention, Quote
from storyline.interfaces.cli import app


def mentions(text: str, *names: str | tuple[str, EntityKind] | tuple[str, EntityKind, str]
             ) -> list[Mention]:
    """Every occurrence of each name: "Jane Doe", ("Beijing", "GPE"), ("Doe", "PERSON", canon)."""
    out = []
    for spec in names:
        kind: EntityKind = "PERSON"
        if isinstance(spec, str):
            name = canonical = spec
        else:
            name, kind, canonical = spec[0], spec[1], spec[-1] if len(spec) == 3 else spec[0]
        i = text.find(name)
        while i >= 0:
            out.append(Mention(i, i + len(name), name, kind, 0, canonical, "test"))
            i = text.find(name, i + 1)
    return out


def run(text: str, *names: str | tuple[str, EntityKind] | tuple[str, EntityKind, str],
        lang: str = "en") -> list[Quote]:
    return find_quotes(pipeline(lang)(text), mentions(text, *names))


def one(text: str, *names: str | tuple[str, EntityKind] | tuple[str, EntityKind, str],
        lang: str = "en") -> Quote:
    found = run(text, *names, lang=lang)
    assert len(found) == 1, found
    return found[0]


def words(text: str, q: Quote) -> str | None:
    """The words that name the speaker."""
    if q.speaker_start is None or q.speaker_end is None:
        return None
    return text[q.speaker_start:q.speaker_end]


# -- marks ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "quoted"), [
    ('"We will rebuild the bridge," said Jane Doe.', "We will rebuild the bridge"),
    ("“We will rebuild the bridge,” said Jane Doe.", "We will rebuild the bridge"),
    ("„Wir bauen die Brücke wieder auf“, sagte Jane Doe.", "Wir bauen die Brücke wieder auf"),
    ("»Wir bauen die Brücke wieder auf«, sagte Jane Doe.", "Wir bauen die Brücke wieder auf"),
    ("« Nous reconstruirons le pont », a déclaré Jane Doe.", "Nous reconstruirons le pont"),
    ("«Reconstruiremos el puente», dijo Jane Doe.", "Reconstruiremos el puente"),
    ("‹We will rebuild the bridge,› said Jane Doe.", "We will rebuild the bridge"),
    ("''We will rebuild the bridge,'' said Jane Doe.", "We will rebuild the bridge"),
    ("‘We will rebuild the bridge,’ said Jane Doe.", "We will rebuild the bridge"),
])
def test_quote_marks(text: str, quoted: str) -> None:
    lang = {"„": "de", "»": "de", "«": "es"}.get(text[0], "fr" if text[0] == "«" else "en")
    if "déclaré" in text:
        lang = "fr"
    q = one(text, "Jane Doe", lang=lang)
    assert q.text == quoted
    assert text[q.start:q.end] == quoted
    assert q.speaker == "Jane Doe" and words(text, q) == "Jane Doe"
    assert not q.partial


def test_apostrophes_are_not_quotes() -> None:
    text = ("The mayor didn’t say it’s over. Voters’ patience ran out in the ’90s, "
            "and rock 'n' roll can't fix that. He is 6'2\" tall.")
    assert run(text) == []


def test_single_quotes_need_a_closing_mark_after_a_word() -> None:
    text = "Doe’s motto: ‘Be the voice that people hear.’ She kept it."
    q = one(text, "Doe")
    assert q.text == "Be the voice that people hear."


def test_nested_quotes_belong_to_the_outer_quote() -> None:
    text = "“He told me ‘never again,’ and walked out,” Jane Doe said."
    q = one(text, "Jane Doe")
    assert q.text == "He told me ‘never again,’ and walked out"
    assert q.speaker == "Jane Doe"
    german = "„Er sagte ‚nie wieder‘ und ging“, sagte Jane Doe."
    assert one(german, "Jane Doe", lang="de").text == "Er sagte ‚nie wieder‘ und ging"


def test_multi_paragraph_quote() -> None:
    text = ("“The first paragraph of the statement ends without a closing mark.\n\n"
            "“The second one closes it,” Jane Doe said.\n\nThe meeting ended.")
    q = one(text, "Jane Doe")
    assert q.text.startswith("The first paragraph") and q.text.endswith("closes it")
    assert "\n\n“The second" in q.text
    assert q.speaker == "Jane Doe" and q.cue == "said"


def test_unclosed_quote_stops_at_the_paragraph_end() -> None:
    text = ("Jane Doe said: “This quote never closes.\n\n"
            "The next paragraph is the reporter's narration and must not be swallowed.")
    q = one(text, "Jane Doe")
    assert q.text == "This quote never closes."
    assert q.speaker == "Jane Doe"


def test_unclosed_quote_in_one_huge_paragraph_is_capped() -> None:
    text = "Jane Doe said: “It goes on. " + "And on and on. " * 2000
    q = one(text, "Jane Doe")
    assert len(q.text) <= MAX_UNCLOSED
    assert q.text.endswith(".")


# -- attribution patterns ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "names", "speaker", "named_by", "cue"), [
    ("“Prices will rise,” Jane Doe said.", ["Jane Doe"], "Jane Doe", "Jane Doe", "said"),
    ("“Prices will rise,” said Jane Doe.", ["Jane Doe"], "Jane Doe", "Jane Doe", "said"),
    ("“Prices will rise,” Jane Doe says.", ["Jane Doe"], "Jane Doe", "Jane Doe", "says"),
    ("Jane Doe said: “Prices will rise.”", ["Jane Doe"], "Jane Doe", "Jane Doe", "said"),
    ("Jane Doe said, “Prices will rise.”", ["Jane Doe"], "Jane Doe", "Jane Doe", "said"),
    ("According to Jane Doe, “prices will rise.”", ["Jane Doe"], "Jane Doe", "Jane Doe",
     "according to"),
    ("“Prices will rise,” according to Jane Doe.", ["Jane Doe"], "Jane Doe", "Jane Doe",
     "according to"),
    ("“We are deeply concerned,” the White House said in a statement.",
     [("White House", "ORG")], "White House", "White House", "said in a statement"),
    ("“The talks were candid and constructive,” according to a readout released by Beijing.",
     [("Beijing", "GPE")], "Beijing", "Beijing", "according to"),
    ("A readout released by the Kremlin said: “The talks were constructive.”",
     [("Kremlin", "ORG")], "Kremlin", "Kremlin", "said"),
    ("“We will not back down,” Jane Doe told reporters on Monday.", ["Jane Doe"],
     "Jane Doe", "Jane Doe", "told reporters"),
    ("“Prices will rise,” Jane Doe told Reuters.", ["Jane Doe", ("Reuters", "ORG")],
     "Jane Doe", "Jane Doe", "told Reuters"),
    ("“Prices will rise,” Jane Doe added.", ["Jane Doe"], "Jane Doe", "Jane Doe", "added"),
    ("“Prices will rise,” Jane Doe warned.", ["Jane Doe"], "Jane Doe", "Jane Doe", "warned"),
    ("“Prices will rise,” Jane Doe wrote on Twitter.", ["Jane Doe"], "Jane Doe", "Jane Doe",
     "wrote on Twitter"),
    ("“Prices will rise,” Jane Doe tweeted.", ["Jane Doe"], "Jane Doe", "Jane Doe", "tweeted"),
    ("“Prices will rise,” Jane Doe insisted.", ["Jane Doe"], "Jane Doe", "Jane Doe", "insisted"),
    ("“Prices will rise,” the spokesman noted.", [], "the spokesman", "the spokesman", "noted"),
    ("“Prices will rise,” officials said.", [], "officials", "officials", "said"),
    ("White House press secretary Jane Doe said: “The president is confident.”",
     [("White House", "ORG"), "Jane Doe"], "Jane Doe", "Jane Doe", "said"),
    ("Sen. Jane Doe (D-Ohio) said, “This bill is dead.”", ["Jane Doe"], "Jane Doe",
     "Jane Doe", "said"),
    ("Doe, a professor of economics at the University of Chicago, said: “Rates must fall.”",
     [("Doe", "PERSON", "Jane Doe"), ("University of Chicago", "ORG")], "Jane Doe", "Doe",
     "said"),
    ("“Rates must fall,” said Doe, a professor at the University of Chicago.",
     [("Doe", "PERSON", "Jane Doe"), ("University of Chicago", "ORG")], "Jane Doe", "Doe",
     "said"),
    ("“Rates must fall,” Jane Doe, who teaches economics at the university, said on Monday.",
     ["Jane Doe"], "Jane Doe", "Jane Doe", "said"),
    ("Jane Doe praised the workers, saying, “They saved the town.”", ["Jane Doe"], "Jane Doe",
     "Jane Doe", "saying"),
    ("“Beijing will respond,” Beijing said.", [("Beijing", "GPE")], "Beijing", "Beijing",
     "said"),
])
def test_attribution_patterns(text: str, names: list[str | tuple[str, EntityKind]],
                              speaker: str, named_by: str, cue: str) -> None:
    q = one(text, *names)
    assert (q.speaker, words(text, q), q.cue) == (speaker, named_by, cue)


def test_person_is_preferred_over_place_near_the_cue() -> None:
    text = "“We are ready,” said White House spokeswoman Jane Doe."
    q = one(text, ("White House", "ORG"), "Jane Doe")
    assert q.speaker == "Jane Doe"


def test_told_takes_the_listener_as_a_listener() -> None:
    text = "Jane Doe told Reuters: “We are ready.”"
    q = one(text, "Jane Doe", ("Reuters", "ORG"))
    assert q.speaker == "Jane Doe" and q.cue == "told Reuters"


def test_subordinate_clause_after_a_quote_is_not_an_attribution() -> None:
    text = ("Jane Doe spoke first. He said during the debate, “That makes me smart,” when "
            "Mary Roe blasted him for it.")
    q = one(text, "Jane Doe", "Mary Roe")
    assert q.speaker == "Jane Doe" and words(text, q) == "He"


@pytest.mark.parametrize(("lang", "text", "speaker", "named_by", "cue"), [
    ("de", "„Wir schaffen das“, sagte Angela Merkel am Montag.", "Angela Merkel",
     "Angela Merkel", "sagte"),
    ("de", "Angela Merkel erklärte: „Wir schaffen das.“", "Angela Merkel", "Angela Merkel",
     "erklärte"),
    ("de", "Angela Merkel kam spät. „Wir schaffen das“, sagte sie.", "Angela Merkel", "sie",
     "sagte"),
    ("de", "»Wir schaffen das«, so Angela Merkel.", "Angela Merkel", "Angela Merkel", "so"),
    ("es", "«Vamos a ganar», afirmó Angela Merkel.", "Angela Merkel", "Angela Merkel",
     "afirmó"),
    ("es", "Angela Merkel llegó. «Vamos a ganar», dijo ella.", "Angela Merkel", "ella", "dijo"),
    ("es", "Según Angela Merkel, «la economía crece».", "Angela Merkel", "Angela Merkel",
     "según"),
    ("fr", "« Nous allons gagner », a déclaré Angela Merkel.", "Angela Merkel",
     "Angela Merkel", "a déclaré"),
    ("fr", "Angela Merkel est arrivée. « Nous allons gagner », a-t-elle ajouté.",
     "Angela Merkel", "elle", "a-t-elle ajouté"),
])
def test_german_spanish_french(lang: str, text: str, speaker: str, named_by: str,
                               cue: str) -> None:
    q = one(text, "Angela Merkel", lang=lang)
    assert (q.speaker, words(text, q), q.cue) == (speaker, named_by, cue)


def test_spanish_dropped_subject() -> None:
    text = "Angela Merkel habló en Madrid. «Vamos a ganar», dijo."
    q = one(text, "Angela Merkel", lang="es")
    assert q.speaker == "Angela Merkel" and q.cue == "dijo"


# -- pronouns and continuation -------------------------------------------------------------

def test_pronoun_resolves_to_the_nearest_preceding_person() -> None:
    text = ("Mary Roe met Jane Doe at the border on Tuesday. "
            "“We have agreed on nothing yet,” she said.")
    q = one(text, "Mary Roe", "Jane Doe")
    assert q.speaker == "Jane Doe"  # nearest PERSON before the pronoun: gender-agnostic
    assert words(text, q) == "she"
    assert q.cue == "said"


def test_they_and_it() -> None:
    text = "Acme Corp cut 500 jobs. “The market has changed,” it said."
    q = one(text, ("Acme Corp", "ORG"))
    assert q.speaker == "Acme Corp" and words(text, q) == "it"
    text = "Jane Doe and her lawyers left. “We will appeal,” they said."
    assert one(text, "Jane Doe").speaker == "Jane Doe"


def test_unresolvable_pronoun_has_no_speaker() -> None:
    q = one("“We will appeal,” she said.")
    assert q.speaker is None and q.speaker_start is None and q.cue is None


def test_continuation_takes_the_previous_speaker() -> None:
    text = ("“It is over,” Jane Doe said.\n\n“We lost. We will come back next year.”\n\n"
            "The team flew home on Sunday.")
    first, second = run(text, "Jane Doe")
    assert first.speaker == "Jane Doe" and first.cue == "said"
    assert second.speaker == "Jane Doe" and second.cue == "continued"
    assert words(text, second) == "Jane Doe"  # the words that named the speaker
    assert second.sentence > first.sentence


def test_continuation_in_the_same_paragraph() -> None:
    text = "“It is over,” said Jane Doe. “We will be back.”"
    _, second = run(text, "Jane Doe")
    assert (second.speaker, second.cue) == ("Jane Doe", "continued")


def test_no_continuation_across_a_narrative_paragraph() -> None:
    text = ("“It is over,” Jane Doe said.\n\nThe team flew home on Sunday.\n\n"
            "The airport was closed.\n\n“Nobody expected this.”")
    first, last = run(text, "Jane Doe")
    assert first.speaker == "Jane Doe" and last.speaker is None


# -- partial and scare quotes --------------------------------------------------------------

def test_partial_quote_inside_a_sentence() -> None:
    text = "Jane Doe called the decision “a grave mistake” on Tuesday."
    q = one(text, "Jane Doe")
    assert q.partial and q.text == "a grave mistake"
    assert q.speaker == "Jane Doe" and q.cue == "called"


def test_partial_quote_with_attribution_at_the_end_of_the_sentence() -> None:
    text = ("Jane Doe spoke. “The only way this ends is in court” for the executives, "
            "she said.")
    q = one(text, "Jane Doe")
    assert q.partial  # the sentence runs on after the closing mark
    assert q.speaker == "Jane Doe" and words(text, q) == "she"


def test_scare_quotes_have_no_speaker() -> None:
    q = one("The “spy” balloon drifted east on Friday, officials said.")
    assert q.partial and q.speaker is None and q.cue is None
    q = one("Officials said the so-called “spy” balloon drifted east.")
    assert q.partial and q.speaker is None


def test_short_quote_with_a_cue_right_there_is_attributed() -> None:
    text = "Jane Doe called the balloon a “spy” craft."
    q = one(text, "Jane Doe")
    assert q.partial and q.speaker == "Jane Doe" and q.cue == "called"


def test_quoted_titles_are_not_speech() -> None:
    text = "Jane Doe spoke on this weekend's broadcast of “Fox News Sunday,” her aides said."
    q = one(text, "Jane Doe")
    assert q.speaker is None and q.partial


# -- bad input -----------------------------------------------------------------------------

def test_empty_and_blank_documents() -> None:
    assert run("") == []
    assert run("   \n\n  ") == []


def test_document_without_sentence_boundaries() -> None:
    doc = spacy.blank("en")("“No sentencizer here,” Jane Doe said.")
    [q] = find_quotes(doc, mentions(doc.text, "Jane Doe"))
    assert q.speaker == "Jane Doe" and q.sentence == 0


def test_non_latin_scripts() -> None:
    [q] = run("«Мы победим», — сказал Путин.", ("Путин", "PERSON"), lang="ru")
    assert q.text == "Мы победим" and q.speaker == "Путин"
    found = run("他说：“我们会赢。”她说「好」。", lang="zh")
    assert [q.text for q in found] == ["我们会赢。", "好"]
    assert all(q.speaker is None for q in found)
    [q] = run("قال الوزير «سنفوز في الانتخابات» أمس.", lang="ar")
    assert q.text == "سنفوز في الانتخابات"


@pytest.mark.parametrize("text", [
    "“a " * 30000,
    '"a ' * 30000,
    ("He said “yes and " * 2000) + " ”" * 2000,
    ("word " * 15000) + "“quoted words here” " + ("more " * 15000),
    "\"\"\"\"“”„“«»‹›‘’''" * 600,
    'He said "',
    "“",
    "”quoted”",
])
def test_bad_input_is_fast_and_bounded(text: str) -> None:
    doc = pipeline("en")(text)
    t0 = time.perf_counter()
    found = find_quotes(doc, [])
    assert time.perf_counter() - t0 < 5
    for q in found:
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start:q.end] == q.text
        assert len(q.text) <= quotes_module.MAX_QUOTE_CHARS


def test_mentions_out_of_order_and_overlapping() -> None:
    text = "“We are ready,” said White House spokeswoman Jane Doe."
    ms = mentions(text, "Jane Doe", ("White House", "ORG"), ("House", "ORG"))
    [q] = find_quotes(pipeline("en")(text), list(reversed(ms)))
    assert q.speaker == "Jane Doe"


# -- the lexicon ---------------------------------------------------------------------------

def test_lexicon_is_extensible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "“We will win,” Jane Doe harrumphed."
    assert one(text, "Jane Doe").speaker is None
    extra = tmp_path / "verbs.txt"
    extra.write_text("# mine\n[verbs]\nharrumphed\n", encoding="utf-8")
    monkeypatch.setenv("STORYLINE_SPEECH_VERBS", str(extra))
    default_lexicon.cache_clear()
    try:
        q = one(text, "Jane Doe")
        assert (q.speaker, q.cue) == ("Jane Doe", "harrumphed")
    finally:
        monkeypatch.delenv("STORYLINE_SPEECH_VERBS")
        default_lexicon.cache_clear()
    lex = parse_lexicon(["[verbs]\nbellowed\n[according]\nas per\n"])
    doc = pipeline("en")("“Go,” Jane Doe bellowed.")
    [q] = find_quotes(doc, mentions(doc.text, "Jane Doe"), lex)
    assert q.cue == "bellowed"


# -- readouts, statements and reporting verbs other than "said" ----------------------------

@pytest.mark.parametrize(("text", "names", "speaker", "named_by", "cue"), [
    ('The Foreign Office said in a readout that both ministers want to "keep the channels '
     'open".', [("Foreign Office", "ORG")], "Foreign Office", "Foreign Office",
     "said in a readout"),
    ('A readout released by the ministry said the envoys agreed to "meet again soon".', [],
     "the ministry", "the ministry", "said"),
    ('According to a statement from the Harbour Authority, the closure was "purely '
     'precautionary".', [("Harbour Authority", "ORG")], "Harbour Authority",
     "Harbour Authority", "according to"),
    ('According to a statement from the agency, the closure was "purely precautionary".', [],
     "the agency", "the agency", "according to"),
    ('A statement by the regulator said the fine was "proportionate and fair".', [],
     "the regulator", "the regulator", "said"),
    ("The agency's statement said the closure was \"purely precautionary\".", [],
     "The agency", "The agency", "said"),
    ('A government statement described the rally as "unlawful and dangerous".', [],
     "government", "government", "described"),
    ('"Talks were productive and frank," according to a readout of the meeting released by '
     "the Office of the Premier.", [("Office of the Premier", "ORG")], "Office of the Premier",
     "Office of the Premier", "according to"),
    ('The statement, issued by the cabinet office, called the strike "unjustified and '
     'illegal".', [], "the cabinet office", "The statement", "called"),
])
def test_readouts_and_statements(text: str, names: list[str | tuple[str, EntityKind]],
                                 speaker: str, named_by: str, cue: str) -> None:
    q = one(text, *names)
    assert (q.speaker, words(text, q), q.cue) == (speaker, named_by, cue)


def test_the_statement_speaks_for_whoever_issued_it() -> None:
    text = ("The Port Authority released a statement late on Tuesday.\n\n"
            "“No vessel will be allowed to dock,” the statement said. “Crews must stay aboard.”")
    first, second = run(text, ("Port Authority", "ORG"))
    assert (first.speaker, words(text, first), first.cue) == (
        "Port Authority", "the statement", "said")
    assert (second.speaker, second.cue) == ("Port Authority", "continued")
    text = ("Beijing said in a readout that the call was long. The readout called the talks "
            "“candid, in-depth and constructive”.")
    q = one(text, ("Beijing", "GPE"))
    assert (q.speaker, words(text, q), q.cue) == ("Beijing", "The readout", "called")
    text = ("The Cabinet Office published a readout of the call. According to the readout, "
            "the premier “raised concerns” about tariffs.")
    q = one(text, ("Cabinet Office", "ORG"))
    assert (q.speaker, q.cue) == ("Cabinet Office", "according to")
    # Nobody is said to have issued it: the words stay the speaker.
    q = one("According to the statement, the talks were “frank and productive”.")
    assert q.speaker == "the statement"


def test_the_ministry_is_the_ministry_named_before() -> None:
    text = ("The Water Ministry ordered the sluices opened overnight. "
            "“We had no other choice,” the ministry said.")
    q = one(text, ("Water Ministry", "ORG"))
    assert (q.speaker, words(text, q), q.cue) == ("Water Ministry", "the ministry", "said")
    text = ("The Trade Ministry announced the talks on Friday. A readout released by the "
            "ministry said the envoys agreed to “meet again soon”.")
    q = one(text, ("Trade Ministry", "ORG"))
    assert (q.speaker, words(text, q)) == ("Trade Ministry", "the ministry")
    # A ministry of another name is not it.
    text = "The Trade Ministry met. “We had no other choice,” the agency said."
    assert one(text, ("Trade Ministry", "ORG")).speaker == "the agency"


@pytest.mark.parametrize(("text", "names", "speaker", "cue"), [
    ('Ruritania accused Freedonia of "reckless provocation" near the border.',
     [("Ruritania", "GPE"), ("Freedonia", "GPE")], "Ruritania", "accused"),
    ('The government of Ruritania accused Freedonia of an "unnecessarily reckless" manoeuvre.',
     [("Ruritania", "GPE"), ("Freedonia", "GPE")], "Ruritania", "accused"),
    ('The union called it "a betrayal of every worker".', [], "The union", "called"),
    ('Jane Doe described the ruling as "deeply flawed".', ["Jane Doe"], "Jane Doe",
     "described"),
    ('Freedonia denounced the sanctions as "economic warfare".', [("Freedonia", "GPE")],
     "Freedonia", "denounced"),
    ('The opposition condemned the verdict as "a travesty".', [], "The opposition",
     "condemned"),
    ('The Red Cross urged both sides to "spare civilians and hospitals".',
     [("Red Cross", "ORG")], "Red Cross", "urged"),
    ('The central bank warned of "a painful adjustment" next year.', [], "The central bank",
     "warned"),
    ('The White House hailed the agreement as "historic".', [("White House", "ORG")],
     "White House", "hailed"),
    ('Freedonia dismissed the report as "pure fiction".', [("Freedonia", "GPE")], "Freedonia",
     "dismissed"),
    ('The airline blamed the delays on "staff shortages".', [], "The airline", "blamed"),
    ('Jane Doe went on television to accuse the board of "a cover-up".', ["Jane Doe"],
     "Jane Doe", "accuse"),
    ('The dismissed workers described the closure as "brutal".', [], "The dismissed workers",
     "described"),
])
def test_reporting_verbs_other_than_said(text: str, names: list[str | tuple[str, EntityKind]],
                                         speaker: str, cue: str) -> None:
    q = one(text, *names)
    assert (q.speaker, q.cue) == (speaker, cue)


@pytest.mark.parametrize("text", [
    'The coach was accused of "gross negligence" by the club.',
    'A driver accused of "reckless endangerment" appeared in court on Monday.',
    'The plan, widely criticised as "unworkable", was shelved.',
    'The calls for "a fresh start" grew louder after the vote.',
    'Her calls for "calm and restraint" went unheard.',
])
def test_passives_and_nouns_are_not_cues(text: str) -> None:
    assert one(text).speaker is None


def test_what_she_called_is_the_main_clause_subject() -> None:
    text = "Jane Doe criticised Mary Roe for what she called “a reckless gamble”."
    q = one(text, "Jane Doe", "Mary Roe")
    assert (q.speaker, words(text, q), q.cue) == ("Jane Doe", "she", "called")


def test_headline_name_and_colon() -> None:
    text = "A word from Jane Doe: “Never give up on your town.”\n\nShe spoke on Monday."
    q = one(text, "Jane Doe")
    assert (q.speaker, q.cue) == ("Jane Doe", ":")
    text = "The guest list included Jane Doe: “Never give up on your town.”"
    assert one(text, "Jane Doe").speaker is None


def test_name_before_a_colon_is_preferred_to_a_pronoun_after() -> None:
    text = ("Jane Doe warned the chief executive: “You ignored every warning,” she said. "
            "“You failed this town.”")
    first, second = run(text, "Jane Doe")
    assert (first.speaker, words(text, first)) == ("Jane Doe", "Jane Doe")
    # The quote that continues it is named by the words nearest to it: "she".
    assert (second.speaker, words(text, second), second.cue) == ("Jane Doe", "she",
                                                                 "continued")


# -- the PolNeAR harness -------------------------------------------------------------------

ARTICLE = (
    "Mayor sets out plan.\n\n"
    "“We will rebuild the bridge by spring,” Jane Doe said on Monday.\n\n"
    "“It will cost less than people fear.”\n\n"
    "The council called the plan “ambitious” and said it would vote next week, "
    "according to Mary Roe.\n\n"
    "Residents watched “Bridge Watch” on television. \"It's about time,\" he said.\n"
)


def _span(text: str, part: str, after: int = 0) -> list[list[int]]:
    found = re.compile(rf"(?<!\w){re.escape(part)}(?!\w)").search(text, after)
    assert found is not None
    return [[found.start(), found.end()]]


def _record(article: str, source: str, cue: str, content: str, quoted: bool,
            text: str, annotator: str = "aaaa", after: int = 0) -> dict[str, object]:
    return {"article": article, "annotator": annotator, "compartment": "dev",
            "publisher": "test", "publication_date": "2016-09-01",
            "attribution_type": "Attribution",
            "source": [{"text": source, "offsets": _span(text, source, after)}],
            "cue": [{"text": cue, "offsets": _span(text, cue, after)}],
            "content": [{"text": content, "offsets": _span(text, content, after)}],
            "content_is_quoted": quoted}


@pytest.fixture
def polnear(tmp_path: Path) -> Path:
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "derived").mkdir()
    name = "test_2016-09-01_mayor-sets-out-plan"
    (tmp_path / "dev" / "text" / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    t = ARTICLE
    records = [
        _record(name, "Jane Doe", "said", "“We will rebuild the bridge by spring,”", True, t),
        _record(name, "Jane Doe", "said", "“It will cost less than people fear.”", True, t),
        _record(name, "Mary Roe", "according to",
                "The council called the plan “ambitious” and said it would vote next week",
                False, t),
        _record(name, "he", "said", "\"It's about time,\"", True, t, after=t.index('"It')),
        # A second annotator of the same article is ignored (the first by name is used).
        _record(name, "Jane Doe", "said", "“It will cost less than people fear.”", True, t,
                annotator="zzzz"),
    ]
    path = tmp_path / "derived" / "polnear_dev_attributions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_harness_scores_the_fixture(polnear: Path) -> None:
    report = evaluate_quotes(polnear, mistakes=True)
    assert report.articles == 1
    assert (report.detection.gold, report.detection.matched) == (3, 3)
    # “ambitious” lies inside a non-quoted attribution: don't-care, unless strict.
    assert report.ignored <= 1
    assert report.detection.precision == 1.0
    assert report.detection.recall == 1.0
    assert report.speakers == 3
    assert report.speaker_accuracy == 1.0
    assert report.exact.matched == 3
    assert all(not line.startswith(("missed", "false")) for line in report.mistakes)


def test_harness_parts_and_folder(polnear: Path) -> None:
    folder = polnear.parent.parent
    assert evaluate_quotes(folder, "tune").articles == 1
    assert evaluate_quotes(folder, "held-out").articles == 0
    with pytest.raises(ValueError):
        evaluate_quotes(folder, "train")


def test_speaker_rule() -> None:
    from storyline.evaluation.quotes import GoldQuote

    gold = GoldQuote("a", 0, 10, ((20, 30),), "Mr. Obama, the president,")
    q = Quote(0, 10, "x", 0, "Barack Obama", 100, 105, "said", False)
    assert speaker_correct(q, gold)  # the name, though another mention
    q = Quote(0, 10, "x", 0, "Someone Else", 25, 28, "said", False)
    assert speaker_correct(q, gold)  # the span
    q = Quote(0, 10, "x", 0, "Someone Else", 100, 105, "said", False)
    assert not speaker_correct(q, gold)
    pronoun = GoldQuote("a", 0, 10, ((20, 22),), "he")
    q = Quote(0, 10, "x", 0, "he", 100, 102, "said", False)
    assert not speaker_correct(q, pronoun)  # a pronoun only by its span


def test_cli_eval_quotes(polnear: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "quotes", str(polnear), "--format", "json",
                                 "--mistakes"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["speaker accuracy"] == 1.0
    assert data["detection"][0]["F1"] == 1.0
    assert isinstance(data["mistakes"], list)
    result = runner.invoke(app, ["eval", "quotes", str(polnear)])
    assert result.exit_code == 0, result.output
    assert "overlap>=50%" in result.output
    result = runner.invoke(app, ["eval", "quotes", str(polnear.parent / "missing.jsonl")])
    assert result.exit_code == 2

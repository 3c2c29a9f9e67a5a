"""The story report: claims, alignment, conflicts and the assembled report, on fixtures of
our own and on the sample corpus, whose labels record its conflicts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline import Storyline
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.numbers import find_quantities, parse_number
from storyline.analyse.report import build_report
from storyline.analyse.types import Conflict, StoryReport
from storyline.extract.run import extract
from storyline.interfaces.cli import app, sample_corpus, sample_labels
from storyline.interfaces.report import to_markdown

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "seeds"


def _article(aid: str, text: str, source: str | None, published: str | None = "2024-03-06",
             lang: str = "en", copy_of: str | None = None) -> ArticleInput:
    x = extract(text, lang, published)
    return ArticleInput(id=aid, title=text.split("\n")[0], text=text, source=source,
                        published=published, lang=lang, sentences=x.sentences,
                        mentions=x.mentions, timexes=x.timexes, quotes=x.quotes,
                        events=x.events, copy_of=copy_of, copy_kind="near" if copy_of else None)


A = ("A weather balloon from Veldora drifted over the port of Amsel on Monday. "
     "At least 12 people were injured when debris fell on the harbour, the port authority "
     "said. Navy divers recovered the wreckage on Tuesday.")
B = ("A suspected spy balloon from Veldora was shot down over Amsel on Monday. "
     "About 30 people were injured by falling debris, hospital officials said. "
     "Veldora insisted the craft was a civilian research balloon.")


def _story(*articles: ArticleInput) -> StoryInputs:
    return StoryInputs("s1", "Balloon over Amsel", tuple(articles))


def test_quantities_read_ranges_and_measures() -> None:
    text = "Between 18,000 and 20,000 people may have died, and about 40 were injured."
    found = {q.measure: q for q in find_quantities(text, 0, len(text), "en")}
    assert (found["deaths"].low, found["deaths"].high) == (18000, 20000)
    assert (found["injured"].low, found["injured"].high) == pytest.approx((36, 44))
    assert parse_number("2.122", "es") == 2122 and parse_number("2.5", "en") == 2.5
    assert find_quantities("Spain won 1-0 in 2023.", 0, 22, "en") == []


def test_conflicts_figures_and_descriptors_with_a_partys_claim() -> None:
    report = build_report(_story(_article("a", A, "Harbour Post"),
                                 _article("b", B, "Coastal Times")))
    kinds = {(c.kind, c.about): c for c in report.conflicts}
    injured = kinds["number", "injured"]
    assert {v.wording for v in injured.variants} == {"At least 12", "About 30"}
    assert "cannot all be true" not in injured.note  # ">=12" and "~30" overlap
    balloon = kinds["descriptor", "balloon"]
    words = {v.wording: v for v in balloon.variants}
    assert {"weather balloon", "spy balloon", "civilian research balloon"} <= set(words)
    assert words["civilian research balloon"].attributed_to == "Veldora"
    assert words["spy balloon"].attributed_to is None
    assert words["weather balloon"].sources == ("Harbour Post",)
    for v in balloon.variants:  # every variant cites the sentence it comes from
        for c in v.citations:
            text = {"a": A, "b": B}[c.article_id]
            assert " ".join(text[c.start:c.end].split()) == c.text


def test_copies_count_once_and_only_one_source_facts() -> None:
    copy = A.replace("recovered", "pulled out")
    report = build_report(_story(_article("a", A, "Harbour Post"),
                                 _article("c", copy, "Copy Site", copy_of="a"),
                                 _article("b", B, "Coastal Times")))
    divers = next(f for f in (*report.shared_facts, *report.single_source_facts)
                  if "divers" in f.text)
    assert divers.independent == 1 and divers.copies == ("c",)
    assert len(divers.citations) == 2 and divers.sources == ("Harbour Post",)
    assert divers in report.single_source_facts
    assert report.copies[0].original == "a" and report.copies[0].copies[0].article_id == "c"
    column = next(c for c in report.sources if c.source == "Copy Site")
    assert column.copies == {"c": "a"}


def test_bad_input_one_article_all_copies_no_dates_other_language() -> None:
    one = build_report(_story(_article("a", A, None, published=None)))
    assert any("one article" in n for n in one.notes)
    assert any("no publication date" in n for n in one.notes)
    assert one.conflicts == () and one.shared_facts == ()
    copies = build_report(_story(_article("a", A, "X"), _article("c", A + " ", "Y",
                                                                 copy_of="a")))
    assert any("copies of one text" in n for n in copies.notes)
    assert all(f.independent == 1 for f in copies.single_source_facts)
    german = ("Ein Wetterballon aus Veldora trieb am Montag über den Hafen von Amsel. "
              "Mindestens 12 Menschen wurden verletzt.")
    mixed = build_report(_story(_article("a", A, "X"), _article("d", german, "Y",
                                                                lang="de")))
    assert any("'de'" in n and "aligned" in n for n in mixed.notes)


# --- the sample corpus ---------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Storyline, dict[str, str]]]:
    db = tmp_path_factory.mktemp("report") / "sample.db"
    with Storyline(db) as sl:
        result = sl.ingest([sample_corpus()])
        root = str(sample_corpus())
        ids = {origin[len(root) + 1:]: aid for origin, aid in result.origins.items()}
        yield sl, ids


def _reports(sl: Storyline) -> dict[str, StoryReport]:
    return {s["id"]: sl.report(s["id"]) for s in sl.stories(limit=None)}


def _found(conflicts: list[Conflict], a: str, b: str, kind: str) -> bool:
    for c in conflicts:
        if c.kind != kind:
            continue
        arts = [{x.article_id for x in v.citations} for v in c.variants]
        if any(a in x and b in y for i, x in enumerate(arts) for j, y in enumerate(arts)
               if i != j):
            return True
    return False


def test_sample_conflicts_against_labels(sample: tuple[Storyline, dict[str, str]]) -> None:
    sl, ids = sample
    reports = _reports(sl)
    conflicts = [c for r in reports.values() for c in r.conflicts]
    labels = json.loads(sample_labels().read_text())["conflicts"]
    same_story = [lab for lab in labels if all(k in ids for k in lab["keys"]) and
                  sl.article(ids[lab["keys"][0]]).story_id  # type: ignore[union-attr]
                  == sl.article(ids[lab["keys"][1]]).story_id]  # type: ignore[union-attr]
    found = [lab for lab in same_story if _found(conflicts, ids[lab["keys"][0]],
                                                 ids[lab["keys"][1]], lab["kind"])]
    # The labelled disagreements that the report must show (pairs whose articles the
    # stories stage put in one story).
    must = {("spy balloon", "surveillance balloon"), ("spy balloon", "civilian airship"),
            ("blown up", "collapsed"), ("2,012", "2.122")}
    shown = {(lab["a"], lab["b"]) for lab in found}
    assert must & {(lab["a"], lab["b"]) for lab in same_story} <= shown
    assert len(found) >= len(same_story) // 2


def test_sample_blinken_report(sample: tuple[Storyline, dict[str, str]]) -> None:
    sl, _ = sample
    story = next(s for s in sl.stories(limit=None) if "Blinken" in s["headline"])
    report = sl.report(story["id"])
    assert set(report.languages) == {"de", "en"}
    assert 3 <= len(report.summary) <= 6
    assert any(e.earliest.startswith("2023-02") for e in report.timeline)
    assert any(e.after_publication or e.status == "planned" for e in report.timeline)
    speakers = {q.speaker for q in report.quotes}
    assert "Matthew Miller" in speakers
    assert report.shared_facts and report.single_source_facts
    wire = next(f for f in report.shared_facts if len(f.citations) > f.independent)
    assert wire.copies  # the syndicated copies are shown, and counted once
    balloon = next(c for c in report.conflicts if c.about == "balloon")
    assert any(v.attributed_to for v in balloon.variants)
    assert report.copies


def test_sample_kakhovka_report(sample: tuple[Storyline, dict[str, str]]) -> None:
    sl, _ = sample
    story = next(s for s in sl.stories(limit=None) if "Kakhovka" in s["headline"]
                 and s["article_count"] > 2)
    report = sl.report(story["id"])
    names = {e.name: e.kind for e in report.entities}
    # The wire naming itself in its dateline is a byline, not one of the story's bodies;
    # the dam's town is a place, and "River" no organisation.
    assert "Global Wire Service" not in names
    assert names.get("Kakhovka") == "GPE" and "River" not in names
    # "retook Kherson in November", told in June: last November, not a plan.
    kherson = [e for e in report.timeline if "Kherson" in e.text and "November" in e.text]
    assert kherson and all(e.earliest.startswith("2022-11") and not e.after_publication
                           for e in kherson)


def test_show_formats(sample: tuple[Storyline, dict[str, str]], tmp_path: Path) -> None:
    sl, _ = sample
    story = max(sl.stories(limit=None), key=lambda s: s["article_count"])
    db = ["--db", str(sl.db_path)]
    runner = CliRunner()
    md = runner.invoke(app, ["show", story["id"], *db])
    assert md.exit_code == 0 and "## Timeline" in md.output and "## Conflicts" in md.output
    js = runner.invoke(app, ["show", story["id"], "--format", "json", *db])
    data = json.loads(js.output)
    assert data["story_id"] == story["id"] and data["schema_version"] == 2
    out = tmp_path / "story.html"
    html = runner.invoke(app, ["show", story["id"], "--format", "html", "-o", str(out), *db])
    assert html.exit_code == 0 and out.read_text().startswith("<!DOCTYPE html>")
    assert runner.invoke(app, ["show", story["id"], "--format", "pdf", *db]).exit_code == 2


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seeds_one_story_both_sources(tmp_path: Path) -> None:
    with Storyline(tmp_path / "seeds.db") as sl:
        sl.ingest([SEEDS], published="2023-06-14")
        stories = sl.stories(limit=None)
        assert len(stories) == 1
        report = sl.report(stories[0]["id"])
    assert len(report.article_ids) == 2 and len(report.sources) == 2
    assert any(e.earliest < "2023-03" for e in report.timeline)  # months back
    assert any(q.speaker == "Matt Miller" for q in report.quotes)
    assert {f.sources[0] for f in report.single_source_facts} == {
        c.source for c in report.sources}
    balloon = next(c for c in report.conflicts if c.about == "balloon")
    assert len({v.wording for v in balloon.variants}) >= 3


def test_actor_conflicts_one_act_two_doers() -> None:
    a = _article("a", "Russian troops shelled Kherson on Monday. Four people were hurt.",
                 "Harbour Post")
    b = _article("b", "Ukrainian artillery shelled Kherson on Monday, the mayor said. "
                 "Windows were broken.", "Coastal Times")
    report = build_report(_story(a, b))
    actor = [c for c in report.conflicts if c.kind == "actor"]
    assert len(actor) == 1 and "Kherson" in actor[0].about
    assert {v.wording for v in actor[0].variants} == {"Russian troops", "Ukrainian"}
    assert {v.sources for v in actor[0].variants} == {("Harbour Post",), ("Coastal Times",)}
    # Parties' claims reported by the sources: shown, but not as the sources' dispute.
    c = _article("c", "Kyiv said Russian forces attacked Orlivka on Monday.", "Harbour Post")
    d = _article("d", "Moscow said Ukrainian drones attacked Orlivka on Monday.",
                 "Coastal Times")
    parties = [x for x in build_report(_story(c, d)).conflicts if x.kind == "actor"]
    assert len(parties) == 1 and not parties[0].between_sources
    assert {v.attributed_to for v in parties[0].variants} == {"Kyiv", "Moscow"}
    # A source naming both doers disputes nothing; one side's two units are one doer.
    both = _article("e", "Russian troops shelled Kherson on Monday. Ukrainian artillery "
                    "shelled Kherson on Monday too.", "Valley Wire")
    assert not [x for x in build_report(_story(both, a)).conflicts if x.kind == "actor"]
    same = _article("f", "Russian forces shelled Kherson on Monday.", "Valley Wire")
    assert not [x for x in build_report(_story(a, same)).conflicts if x.kind == "actor"]


def test_a_translation_is_aligned_sentence_by_sentence_with_its_original() -> None:
    from storyline.analyse.align import align
    from storyline.analyse.claims import claims_of

    german = ("Ein Wetterballon aus Veldora trieb am Montag über den Hafen von Amsel. "
              "Mindestens zwölf Menschen wurden durch herabfallende Trümmer verletzt. "
              "Taucher der Marine bargen das Wrack am Dienstag. "
              "Die Stimmung in der Stadt blieb ruhig.")
    english = ("A weather balloon from Veldora drifted over the port of Amsel on Monday. "
               "At least twelve people were hurt by falling debris. "
               "Navy divers recovered the wreck on Tuesday. "
               "The mood in the town stayed calm.")
    story = _story(_article("de1", german, "Amsel Bote", lang="de"),
                   _article("en1", english, "Wire Digest", copy_of="de1"))
    claims = claims_of(story)
    alignment = align(claims)
    assert len(alignment.translations) == 4  # every sentence, in order
    for x, y in alignment.translations:
        assert claims[x].article == "de1" and claims[y].article == "en1"
    together = [g for g in alignment.groups if {claims[i].article for i in g} == {"de1", "en1"}]
    assert len(together) == 4
    report = build_report(story)
    assert any("4 sentence by sentence with a translation" in n for n in report.notes)
    # The translation adds nothing of its own: the original's outlet alone states it all.
    column = next(c for c in report.sources if c.source == "Wire Digest")
    assert column.only_here == ()
    # Sentences naming different things are never paired, whatever their place.
    other = _article("en2", "Talks on fishing quotas with Norway resumed in Oslo. " * 1,
                     "Wire Digest", copy_of="de1")
    claims = claims_of(_story(_article("de1", german, "Amsel Bote", lang="de"), other))
    assert align(claims).translations == ()


def test_place_conflicts_one_act_placed_where_it_cannot_be_both() -> None:
    def places(first: str, second: str) -> list[Conflict]:
        a = _article("a", first, "Harbour Post")
        b = _article("b", second, "Coastal Times")
        return [c for c in build_report(_story(a, b)).conflicts if c.kind == "place"]

    apart = places("Russian troops shelled a Ukrainian convoy in Kharkiv on Monday.",
                   "Russian troops shelled a Ukrainian convoy in Odesa on Monday.")
    assert len(apart) == 1 and "2024-03-04" in apart[0].about
    assert {v.wording: v.sources for v in apart[0].variants} == {
        "Kharkiv": ("Harbour Post",), "Odesa": ("Coastal Times",)}
    assert apart[0].between_sources
    # One place is what officials say: the sources report their claim.
    said = places("Russian troops shelled a Ukrainian convoy in Kharkiv on Monday.",
                  "Russian troops shelled a Ukrainian convoy in Odesa on Monday, "
                  "regional officials said.")
    assert len(said) == 1 and not said[0].between_sources
    assert {v.wording: v.attributed_to for v in said[0].variants}["Kharkiv"] is None
    # Two countries are apart whatever the distance.
    assert places("Israeli jets struck Hamas targets in Gaza on Monday.",
                  "Israeli jets struck Hamas targets in Lebanon on Monday.")
    # A town and its own country contain each other; two towns 30 km apart may be one place.
    assert not places("Russian troops shelled a Ukrainian convoy in Kharkiv on Monday.",
                      "Russian troops shelled a Ukrainian convoy in Ukraine on Monday.")
    assert not places("Russian troops shelled a Ukrainian convoy in Kyiv on Monday.",
                      "Russian troops shelled a Ukrainian convoy in Brovary on Monday.")
    # Unnamed sides ("police", "protesters") in two cities are two events, not a dispute.
    assert not places("Police arrested protesters in Paris on Monday.",
                      "Police arrested protesters in Lyon on Monday.")
    # Different days: two acts.
    assert not places("Russian troops shelled a Ukrainian convoy in Kharkiv on Monday.",
                      "Russian troops shelled a Ukrainian convoy in Odesa on Tuesday.")


def test_a_supply_counted_in_hours_is_a_figure_and_falls_with_time() -> None:
    monday = _article("a", "The lost submersible had roughly 70 hours of oxygen remaining, "
                      "the coast guard said. Ships searched the area overnight.",
                      "Harbour Post", published="2023-06-19")
    tuesday = _article("b", "The crew of the lost submersible have about 40 hours of "
                       "breathable air left, officials said. The search area was widened.",
                       "Coastal Times", published="2023-06-20")
    air = [c for c in build_report(_story(monday, tuesday)).conflicts
           if c.about == "air supply"]
    assert len(air) == 1 and {v.wording for v in air[0].variants} == {"roughly 70",
                                                                      "about 40"}
    assert "later reports give lower figures" in air[0].note
    # A stretch of time is still no figure: "talks lasted five hours" counts nothing.
    talks = _article("c", "The talks lasted five hours, the ministry said on Monday.",
                     "Harbour Post")
    from storyline.analyse.claims import claims_of
    assert all(not c.quantities for c in claims_of(_story(talks)))


def test_figures_that_are_not_the_storys_count() -> None:
    def quantities(text: str) -> list[tuple[str, str]]:
        return [(q.text, q.measure) for q in find_quantities(text, 0, len(text), "en")]

    assert quantities("Ana Ruiz, a 35-year-old teacher, was among 12 people killed.") == [
        ("12", "deaths")]
    assert quantities("The victims, aged 70 and 72, drowned.") == []
    assert quantities("The army sent 400 soldiers and 20 boats to help with the "
                      "evacuation.") == [("400", "soldier"), ("20", "boat")]
    assert quantities("More than 40,000 people need to be evacuated.") == [
        ("More than 40,000", "displaced")]
    assert quantities("At least 30 migrants died when the boat sank.") == [
        ("At least 30", "deaths")]
    assert quantities("A storm killed more than a dozen people.") == [
        ("more than a dozen", "deaths")]
    # A toll of earlier days, in an article with no date to place "last week" by, is
    # background, not a rival figure for the story's toll.
    a = _article("a", "Floods in Orrin killed 120 people on Monday.", "Harbour Post")
    b = _article("b", "Floods in Orrin killed 120 people. The same storm killed more than a "
                 "dozen people in Brackenford last week.", "Coastal Times", published=None)
    assert not [c for c in build_report(_story(a, b)).conflicts if c.kind == "number"]


def test_events_table_complete_timeline_one_entry_per_sentence() -> None:
    a = _article("a", "Mayor Mira Holt will visit Orrin to meet flood victims. Holt accused "
                 "the water board of negligence and rejected its apology on Monday.",
                 "Harbour Post")
    report = build_report(_story(a))
    accused = [e for e in report.events if e.text.startswith("Holt accused")]
    assert {e.event_type for e in accused} >= {"ACCUSE", "REJECT"}
    assert [e.text for e in report.timeline].count(accused[0].text) == 1
    # An undated planned visit has no day on the timeline but is in the events table.
    visit = [e for e in report.events if "will visit" in e.text]
    assert visit and all(e.date == "" and e.status == "planned" for e in visit)
    assert not any("will visit" in e.text for e in report.timeline)
    assert "undated" in to_markdown(report)


def test_attribution_names_the_record_and_drops_linking_words() -> None:
    from storyline.analyse.claims import attribution

    def who(text: str, lang: str = "en") -> str | None:
        a = _article("a", text, "Wire", lang=lang)
        return attribution(a, 0, len(text))

    assert who("According to the official account of the meeting, Holt asked for "
               "calm.") == "the official account"
    assert who("Nach amtlichen Angaben wurden zwölf Menschen verletzt.",
               "de") == "amtlichen Angaben"
    assert who("The dam failed, while port officials said the gates were "
               "open.") == "port officials"
    # a name inside the quoted words is not their speaker: the one after the verb is
    assert who("“Both sides wanted this, and now politics in Lisbon has taken over,” said "
               "Marta Kowalski, a researcher at a Porto university.") == "Marta Kowalski"


def test_a_fact_is_worded_by_what_its_reports_share() -> None:
    """Three reports of one rate rise, the second adding a story of its own: the fact takes
    the wording whose words the others also say, not the earliest nor the longest."""
    from scipy import sparse

    from storyline.analyse.report import central

    terms = [["ecb", "rais", "deposit", "rate", "record", "thursday"],
             ["euro", "fell", "low", "dollar", "ecb", "rais", "deposit", "rate", "record",
              "hint", "peak"],
             ["ecb", "push", "deposit", "rate", "record", "thursday"]]
    lower = np.array([[0.0, 0.0, 0.0], [0.7, 0.0, 0.0], [0.8, 0.75, 0.0]])
    similarity = sparse.csr_matrix(lower)
    assert central([0, 1, 2], similarity, terms) == 0  # all its words said elsewhere
    assert central([1, 0, 2], similarity, terms) == 0  # whatever the order
    assert central([0, 1, 2], similarity, terms, eligible=[1, 2]) == 2  # only those may word it
    assert central([1, 0], similarity, terms[:2]) == 1  # two reports: the first given
    assert central([0, 1, 2], similarity, terms, eligible=[]) == 0

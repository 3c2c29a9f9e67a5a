"""Entities across articles: misspelt and shortened names meet their person, and no two
different people merge (checked on the sample corpus labels, written by us)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline import Storyline
from storyline.extract.canonical import Occurrence, near_spelling, resolve
from storyline.extract.run import extract
from storyline.extract.types import Mention
from storyline.interfaces.cli import sample_corpus, sample_labels


def _m(text: str, kind: str = "PERSON", canonical: str | None = None) -> Mention:
    return Mention(0, len(text), text, kind, 0, canonical or text)  # type: ignore[arg-type]


def test_near_spellings() -> None:
    assert near_spelling("antony blinkin", "antony blinken")
    assert near_spelling("qin gnag", "qin gang")
    assert not near_spelling("kim jong un", "kim jong il")  # short words must match
    assert not near_spelling("antony blinken", "blinken")


def test_context_decides_a_near_spelling() -> None:
    occ = [
        Occurrence("a1", "s1", None, _m("John Smith")),
        Occurrence("a1", "s1", None, _m("Acme Corp", "ORG")),
        Occurrence("a2", "s2", None, _m("Joan Smith")),
        Occurrence("a2", "s2", None, _m("Other Ltd", "ORG")),
    ]
    _, ids = resolve(occ)
    assert ids[0] != ids[2]  # nothing shared: two people
    occ[2] = Occurrence("a2", "s1", None, _m("Joan Smith"))
    _, ids = resolve(occ)
    assert ids[0] == ids[2]  # same story: one person, misspelt


def test_lone_surname_joins_the_person_of_its_story() -> None:
    occ = [
        Occurrence("a1", "s1", "2023-06-14", Mention(0, 14, "Antony Blinken", "PERSON", 0,
                                                     "Antony Blinken", role="secretary of state")),
        Occurrence("a2", "s1", "2023-06-15", _m("Blinken")),
        Occurrence("a3", "s9", None, _m("Nora Blinken")),
    ]
    entities, ids = resolve(occ)
    assert ids[0] == ids[1] != ids[2]
    blinken = next(e for e in entities if e.id == ids[0])
    assert blinken.name == "Antony Blinken" and blinken.mentions == 2
    assert blinken.roles == (("secretary of state", "2023-06-14"),)


def test_a_family_name_written_first_joins_its_person_within_the_story() -> None:
    occ = [Occurrence("a1", "s1", None, _m("Qin Gang")),
           Occurrence("a2", "s1", None, _m("Qin"))]
    _, ids = resolve(occ)
    assert ids[0] == ids[1]
    # In another story only: not proof enough.
    _, ids = resolve([occ[0], Occurrence("a3", "s2", None, _m("Qin"))])
    assert ids[0] != ids[1]
    # A last-word match wins: "Lee" is Mary Lee's, not Lee Kuan's.
    occ = [Occurrence("a1", "s1", None, _m("Mary Lee")),
           Occurrence("a2", "s1", None, _m("Lee Kuan")),
           Occurrence("a3", "s1", None, _m("Lee"))]
    _, ids = resolve(occ)
    assert ids[2] == ids[0] != ids[1]


def test_sample_corpus_people_are_canonical(tmp_path: Path) -> None:
    labels = json.loads(sample_labels().read_text("utf-8"))
    occ: list[Occurrence] = []
    with Storyline(tmp_path / "s.db") as sl:
        sl.ingest([sample_corpus()], workers=1)
        for row in sl.articles(limit=None):
            art = sl.article(row.id)
            assert art is not None
            for m in extract(art.text, art.lang).mentions:
                occ.append(Occurrence(art.id, art.story_id, art.published, m))
    entities, ids = resolve(occ)
    name = {e.id: e.name for e in entities}
    found: dict[str, set[str]] = {}
    for o, i in zip(occ, ids, strict=True):
        found.setdefault(o.mention.text, set()).add(name[i])
    labelled = {(e.get("surface", e["text"]), e["text"]) for a in labels["articles"]
                for e in a.get("entities", []) if e["kind"] == "PERSON"}
    misspelt = {(s, t) for s, t in labelled if s != t}
    assert len(misspelt) >= 4
    for surface, canonical in labelled:
        assert found.get(surface) == {canonical}, surface
    people = {t for _, t in labelled}
    merged = {n for n in name.values() if n in people}
    assert merged == people  # every labelled person is its own entity


def test_entities_and_quotes_from_the_store(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.interfaces.cli import app

    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        sl.ingest([sample_corpus()], workers=1)
        blinken = sl.entities(kind="PERSON", name="Blinken")
        assert [e.name for e in blinken] == ["Antony Blinken"]
        assert {"Antony Blinkin", "Blinken"} <= set(blinken[0].aliases)
        assert ("secretary of state", "2023-02-04") in blinken[0].roles
        places = sl.entities(kind="GPE", name="Peking")
        assert places and places[0].name == "Beijing" and places[0].geonameid
        quotes = sl.quotes(speaker="Miller")
        assert quotes and all(q.speaker == "Matthew Miller" for q in quotes)
        assert all(q.speaker_id == "person:matthew-miller" for q in quotes)
        quoted = sl.article(quotes[0].article_id)
        assert quoted is not None and quoted.story_id is not None
        story = sl.story(quoted.story_id)
        assert story is not None
        in_story = sl.quotes(story=story["id"])
        assert {q.article_id for q in in_story} <= set(story["article_ids"])
    runner = CliRunner()
    out = runner.invoke(app, ["entities", "--db", str(db), "--kind", "person", "--format",
                              "json", "--name", "qin"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["name"] == "Qin Gang"
    out = runner.invoke(app, ["quotes", "--db", str(db), "--story", "nope"])
    assert out.exit_code != 0 and "no story" in out.output


def test_ambiguous_places_follow_their_story() -> None:
    def place(text: str) -> Mention:
        from storyline.extract.gazetteer import load

        e = load().lookup(text)[0]
        return Mention(0, len(text), text, "GPE", 0, e.canonical, "gazetteer", e.country,
                       e.geonameid)

    occ = [
        Occurrence("a1", "s1", None, place("Paris")),
        Occurrence("a1", "s1", None, place("Lyon")),
        Occurrence("a2", "s2", None, place("Paris")),
        Occurrence("a2", "s2", None, place("Texas")),
        Occurrence("a2", "s2", None, place("Dallas")),
        Occurrence("a3", "s3", None, place("Georgia")),
        Occurrence("a3", "s3", None, place("Tbilisi")),
    ]
    entities, ids = resolve(occ)
    by_id = {e.id: e for e in entities}
    assert by_id[ids[0]].country == "FR" and by_id[ids[0]].capital_of == "FR"
    assert by_id[ids[2]].country == "US" and ids[2] != ids[0]  # Paris, Texas
    assert by_id[ids[5]].country == "GE"


def test_an_extraction_failure_keeps_the_article(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.extract.run as run

    def broken(text: str, lang: str | None) -> run.Extraction:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(run, "extract", broken)
    path = tmp_path / "a.txt"
    path.write_text("Ministers meet in Lisbon\n\nForeign Minister Ana Duarte met her Spanish "
                    "counterpart in Lisbon on Tuesday, officials said.\n\nThe two discussed "
                    "water sharing on the rivers that cross their border.\n", "utf-8")
    with Storyline(tmp_path / "s.db") as sl:
        report = sl.ingest([path], workers=1)
        assert len(report.ingested) == 1 and not report.rejected
        assert sl.entities() == [] and sl.quotes() == []


def test_a_guessed_organisation_is_the_person_of_its_story() -> None:
    occ = [
        Occurrence("a1", "s1", None, Mention(0, 9, "Joe Biden", "PERSON", 0, "Joe Biden",
                                             "title")),
        Occurrence("a2", "s1", None, Mention(0, 5, "Biden", "ORG", 0, "Biden", "capitalised")),
        Occurrence("a3", "s2", None, Mention(0, 5, "Biden", "ORG", 0, "Biden", "capitalised")),
    ]
    entities, ids = resolve(occ)
    assert ids[0] == ids[1] != ids[2]  # only within the story
    assert next(e for e in entities if e.id == ids[0]).mentions == 2

"""Dates and events from ingest to the store, the API, the CLI's GDELT-shaped table and the
HTTP API: one story told by two outlets and copied by a third."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import Storyline
from storyline.interfaces.cli import app
from storyline.interfaces.event_table import COLUMNS

FIRST = """Brazilian president visits Lisbon

Brazilian President Marta Quintero visited Lisbon on Wednesday and met Portuguese Prime \
Minister Rui Salgado to discuss a new trade agreement between the two countries.

The two leaders signed a memorandum on renewable energy cooperation, officials said. \
Quintero will travel to Madrid next week, her office said.

Salgado said the talks had been "frank and productive" and that Portugal would support \
Brazil's bid to host a climate summit.
"""
SECOND = """Quintero and Salgado hold talks in Lisbon

Marta Quintero, the Brazilian president, visited Lisbon on Wednesday, where she held \
talks with Prime Minister Rui Salgado about trade and energy.

Quintero called off a planned visit to Rome, citing a crisis at home. Italy's government \
said it regretted the decision.
"""
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("events")
    (tmp / "a.txt").write_text(FIRST)
    (tmp / "b.txt").write_text(SECOND)
    copy = FIRST.replace("officials said", "officials told reporters")
    (tmp / "c.txt").write_text(copy + "\nThis article first appeared on Harbour Wire.\n")
    db = tmp / "events.db"
    with Storyline(db) as sl:
        # Published on Friday 15 March 2024: "Wednesday" is the 13th, "next week" W12.
        for name, source, day in (("a", "Harbour Wire", "2024-03-15"),
                                  ("b", "Coastal Times", "2024-03-15"),
                                  ("c", "Mirror Site", "2024-03-16")):
            report = sl.ingest([tmp / f"{name}.txt"], source=source, published=day)
            assert len(report.ingested) == 1, report.summary()
    return db


def _visits(sl: Storyline) -> list:  # type: ignore[type-arg]
    return [r for r in sl.events(type="CONSULT", limit=None)
            if r.event.trigger == "visited" and r.event.source is not None
            and r.event.source.country == "BRA"]


def test_events_are_stored_dated_and_counted_once_per_copy(store: Path) -> None:
    with Storyline(store) as sl:
        visits = _visits(sl)
        assert len(visits) == 3  # each article reports the visit
        assert {r.day for r in visits} == {"2024-03-13"}
        assert all(r.event.source and r.event.source.code == "BRA-GOV" for r in visits)
        assert all(r.event.mode == "visit" and r.event.status == "happened" for r in visits)
        assert all("visited Lisbon" in r.evidence for r in visits)
        # Three articles, two independent sources: the copy counts once.
        assert {(r.articles, r.independent) for r in visits} == {(3, 2)}
        story = visits[0].story_id
        assert story is not None
        (event,) = [e for e in sl.story_events(story)
                    if e.type == "CONSULT" and e.date == "2024-03-13"
                    and e.source is not None and e.source.country == "BRA"
                    and e.reports[0].event.trigger == "visited"]
        assert (event.articles, event.independent) == (3, 2)
        assert event.sources[0] in ("Harbour Wire", "Coastal Times")
        assert "Mirror Site" not in event.sources  # a copy is not a source


def test_planned_and_called_off_are_told_apart(store: Path) -> None:
    with Storyline(store) as sl:
        # every event the rules find: this is about statuses, not confidence
        planned = sl.events(status="planned", limit=None, min_confidence=0)
        negated = sl.events(status="negated", limit=None, min_confidence=0)
        assert any(r.event.trigger.startswith("travel") and r.event.date == "2024-W12"
                   for r in planned)
        assert any(r.event.target is not None and r.event.target.country == "ITA"
                   for r in negated)
        assert not any(r.event.target is not None and r.event.target.country == "ITA"
                       and r.event.status == "happened" for r in sl.events(limit=None))


def test_filters_validate_and_select(store: Path) -> None:
    with Storyline(store) as sl:
        assert all(r.event.type == "CONSULT" for r in sl.events(type="consult", min_confidence=0))
        assert _visits(sl) and all(
            "BRA" in {(r.event.source.country if r.event.source else None),
                      (r.event.target.country if r.event.target else None)}
            for r in sl.events(actor="BRA", limit=None, min_confidence=0))
        assert sl.events(since="2024-03-14", type="CONSULT", limit=None,
                         min_confidence=0) != []
        assert all(r.day is not None and r.day >= "2024-03-14"
                   for r in sl.events(since="2024-03-14", limit=None, min_confidence=0))
        with pytest.raises(ValueError, match="type must be one of"):
            sl.events(type="PARTY")
        with pytest.raises(ValueError, match="status must be"):
            sl.events(status="rumoured")


def test_cli_csv_is_the_documented_event_table(store: Path) -> None:
    result = runner.invoke(app, ["events", "--type", "CONSULT", "--format", "csv",
                                 "--db", str(store)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and list(rows[0]) == list(COLUMNS)
    documented = Path(__file__).parents[1].joinpath("docs", "events.md").read_text()
    assert all(f"`{c}`" in documented for c in COLUMNS if not c.startswith("Actor2"))
    visit = next(r for r in rows if r["Trigger"] == "visited" and r["Actor1CountryCode"] == "BRA")
    assert visit["Day"] == "20240313" and visit["DateGranularity"] == "day"
    assert visit["Actor1Code"] == "BRA-GOV" and visit["QuadClass"] == "1"
    assert (visit["NumArticles"], visit["NumSources"]) == ("3", "2")
    assert visit["DATEADDED"] in ("20240315", "20240316")


def test_cli_distinct_events_of_a_story(store: Path) -> None:
    with Storyline(store) as sl:
        story = _visits(sl)[0].story_id
    assert story is not None
    result = runner.invoke(app, ["events", "--story", story, "--distinct", "--format", "json",
                                 "--db", str(store)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    visit = [r for r in rows if r["type"] == "CONSULT" and r["date"] == "2024-03-13"
             and r["source"] and r["source"]["country"] == "BRA"
             and r["reports"][0]["trigger"] == "visited"]
    assert len(visit) == 1 and (visit[0]["articles"], visit[0]["sources"]) == (3, 2)
    assert "Mirror Site" not in visit[0]["outlets"]
    result = runner.invoke(app, ["events", "--distinct", "--db", str(store)])
    assert result.exit_code != 0 and "--distinct needs --story" in result.output


def test_cli_dates_lists_values_against_the_publication_date(store: Path) -> None:
    with Storyline(store) as sl:
        article = _visits(sl)[0].article_id
    result = runner.invoke(app, ["dates", article, "--format", "json", "--db", str(store)])
    assert result.exit_code == 0, result.output
    values = {r["text"]: r["value"] for r in json.loads(result.output)}
    assert values.get("Wednesday") == "2024-03-13"
    result = runner.invoke(app, ["dates", "no-such-article", "--db", str(store)])
    assert result.exit_code != 0 and "no article" in result.output


def test_reextract_fills_a_store_from_before_events(store: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(store) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    with sqlite3.connect(old) as db:  # as a store from before migration 7 would be
        db.execute("DELETE FROM events")
        db.execute("DELETE FROM timexes")
    with Storyline(old) as sl:
        assert sl.events() == []
        assert sl.reextract() == 3
        assert len(_visits(sl)) == 3
        assert sl.counts()["articles"] == 3


def test_http_events_and_dates(store: Path) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from storyline.interfaces.web.app import create_app

    with TestClient(base_url="http://127.0.0.1", app=create_app(store)) as client:
        r = client.get("/api/events", params={"type": "CONSULT", "actor": "BRA"})
        assert r.status_code == 200
        rows = r.json()
        assert rows and all(x["event"]["type"] == "CONSULT" for x in rows)
        assert any(x["event"]["source"] and x["event"]["source"]["country"] == "BRA"
                   for x in rows)
        assert client.get("/api/events", params={"type": "PARTY"}).status_code == 422
        assert client.get("/api/events", params={"story": "nope"}).status_code == 404
        article = rows[0]["article_id"]
        dates = client.get(f"/api/articles/{article}/dates").json()
        assert any(d["text"] == "Wednesday" and d["value"] == "2024-03-13" for d in dates)
        assert client.get("/api/articles/nope/dates").status_code == 404

"""``storyline export``: every table in every format, read back (Parquet through DuckDB),
filters, the versioned schema each file carries, and the one-line errors."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from storyline import Storyline
from storyline.extract.event_confidence import default_min_confidence
from storyline.extract.types import PLOVER_TYPES
from storyline.interfaces import export as ex
from storyline.interfaces.cli import app, sample_corpus

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[1] / "docs" / "export.md"
BLINKEN_HTML = "html/a_02_blinken_harbordaily.html"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The sample corpus in a store of its own; origin (relative) → article id."""
    db = tmp_path_factory.mktemp("export") / "sample.db"
    with Storyline(db) as sl:
        result = sl.ingest([sample_corpus()], workers=1)
    root = str(sample_corpus())
    yield db, {o[len(root) + 1:]: aid for o, aid in result.origins.items()}


@pytest.fixture(scope="module")
def exported(store: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
             ) -> Path:
    """Every table in every format, written by the CLI into one folder."""
    db, _ = store
    out = tmp_path_factory.mktemp("files")
    for name in ex.TABLES:
        for fmt in ex.FORMATS:
            result = runner.invoke(app, ["export", name, "--format", fmt,
                                         "-o", str(out / f"{name}.{fmt}"), "--db", str(db)])
            assert result.exit_code == 0, result.output
    return out


def _run(db: Path, *args: str) -> Any:
    return runner.invoke(app, ["export", *args, "--db", str(db)])


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _parquet(path: Path, where: str = "") -> list[dict[str, Any]]:
    rel = duckdb.sql(f"SELECT * FROM '{path}' {where}")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def _duck_type(kind: pa.DataType) -> str:
    """The DuckDB type a Parquet column of this Arrow type reads as."""
    if pa.types.is_list(kind):
        return _duck_type(kind.value_type) + "[]"
    if pa.types.is_struct(kind):  # field names compared unquoted (keywords are quoted)
        inner = ", ".join(f"{kind.field(i).name} {_duck_type(kind.field(i).type)}"
                          for i in range(kind.num_fields))
        return f"STRUCT({inner})"
    return {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.int32(): "INTEGER",
            pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN"}[kind]


# --- every table, every format -----------------------------------------------------------

@pytest.mark.parametrize("name", list(ex.TABLES))
def test_parquet_columns_and_types_match_the_schema(exported: Path, name: str) -> None:
    described = duckdb.sql(f"DESCRIBE SELECT * FROM '{exported / (name + '.parquet')}'"
                           ).fetchall()
    columns = ex.TABLES[name].columns
    assert [d[0] for d in described] == [c.name for c in columns]
    assert [d[1].replace('"', "") for d in described] == [_duck_type(c.type) for c in columns]
    meta = pq.read_schema(exported / f"{name}.parquet").metadata
    assert meta[b"storyline.export_schema"] == b"1"
    assert meta[b"storyline.table"] == name.encode()


@pytest.mark.parametrize("name", list(ex.TABLES))
def test_every_format_holds_the_same_rows(exported: Path, name: str) -> None:
    names = [c.name for c in ex.TABLES[name].columns]
    lines = _jsonl(exported / f"{name}.jsonl")
    table = _csv(exported / f"{name}.csv")
    count = duckdb.sql(f"SELECT count(*) FROM '{exported / (name + '.parquet')}'").fetchall()[0]
    assert lines, name  # the sample corpus has some of everything
    assert count == (len(lines),) and len(table) == len(lines)
    assert all(list(line) == names for line in lines)
    assert list(table[0]) == names
    for fmt in ex.FORMATS:
        side = json.loads((exported / f"{name}.{fmt}.schema.json").read_text())
        assert side["storyline.export_schema"] == ex.SCHEMA_VERSION == 1
        assert (side["table"], side["format"], side["rows"]) == (name, fmt, len(lines))
        assert [c["name"] for c in side["columns"]] == names
        assert all(c["type"] and c["description"] for c in side["columns"])


def test_counts_match_the_api(store: tuple[Path, dict[str, str]], exported: Path) -> None:
    db, _ = store
    with Storyline(db) as sl:
        expected = {"articles": len(sl.articles(limit=None)),
                    "stories": len(sl.stories(limit=None)),
                    "entities": len(sl.entities(limit=None)),
                    "mentions": len(sl.mentions()),
                    "quotes": len(sl.quotes(limit=None)),
                    "events": len(sl.events(limit=None)),
                    "events-gdelt": len(sl.events(limit=None))}
    for name, n in expected.items():
        assert len(_jsonl(exported / f"{name}.jsonl")) == n, name
    assert expected["articles"] == 49


def test_an_article_round_trips_exactly(store: tuple[Path, dict[str, str]],
                                        exported: Path) -> None:
    db, ids = store
    aid = ids[BLINKEN_HTML]
    with Storyline(db) as sl:
        article = sl.article(aid)
    assert article is not None
    assert article.title == ("Blinken heads to Beijing this weekend as Washington and "
                             "Beijing try to steady ties")
    line = next(r for r in _jsonl(exported / "articles.jsonl") if r["article_id"] == aid)
    cell = next(r for r in _csv(exported / "articles.csv") if r["article_id"] == aid)
    (row,) = _parquet(exported / "articles.parquet", f"WHERE article_id = '{aid}'")
    for got in (line, cell, row):
        assert (got["title"], got["source"], got["text"]) == (
            article.title, "Harbor Daily", article.text)
        assert got["story_id"] == article.story_id and got["url"] == article.url
    assert (line["published"], row["published"], cell["published"]) == ("2023-06-14",) * 3
    # Types survive where the format has them; CSV writes true/false and empty for null.
    assert line["partial"] is False and row["partial"] is False and cell["partial"] == "false"
    assert row["lang_score"] == line["lang_score"]
    missing = next(r for r in _jsonl(exported / "articles.jsonl") if r["url"] is None)
    assert next(r for r in _csv(exported / "articles.csv")
                if r["article_id"] == missing["article_id"])["url"] == ""


def test_lists_are_lists_and_csv_json_text(exported: Path) -> None:
    row = _parquet(exported / "stories.parquet", "WHERE article_count = 5 LIMIT 1")[0]
    line = next(r for r in _jsonl(exported / "stories.jsonl") if r["story_id"] == row["story_id"])
    cell = next(r for r in _csv(exported / "stories.csv") if r["story_id"] == row["story_id"])
    assert isinstance(row["article_ids"], list) and len(row["article_ids"]) == 5
    assert line["article_ids"] == row["article_ids"] == json.loads(cell["article_ids"])
    assert line["sources"] == row["sources"] == json.loads(cell["sources"])
    assert line["sources"] == sorted(line["sources"])
    (beijing,) = _parquet(exported / "entities.parquet", "WHERE entity_id = 'gpe:beijing'")
    assert "Peking" in beijing["aliases"] and beijing["capital_of"] == "CN"
    people = [r for r in _jsonl(exported / "entities.jsonl") if r["roles"]]
    assert people and all(set(r) == {"role", "first_reported"}
                          for p in people for r in p["roles"])


def test_offsets_point_at_their_text(store: tuple[Path, dict[str, str]],
                                     exported: Path) -> None:
    db, _ = store
    with Storyline(db) as sl:
        texts = {a.id: a.text for a in sl.articles(limit=None)}
    facts = _parquet(exported / "facts.parquet")
    assert {f["kind"] for f in facts} == {"shared", "single-source"}
    for fact in facts:
        assert fact["citations"] and len(fact["outlets"]) == fact["independent_sources"]
        assert fact["text"] in [c["text"] for c in fact["citations"]]
        for c in fact["citations"]:
            assert texts[c["article_id"]][c["start"]:c["end"]] == c["text"]
    shared = [f for f in facts if f["kind"] == "shared"]
    assert shared and all(f["independent_sources"] >= 2 for f in shared)
    assert len({(f["story_id"], f["fact_id"]) for f in facts}) == len(facts)
    for m in _jsonl(exported / "mentions.jsonl"):
        assert texts[m["article_id"]][m["start"]:m["end"]] == m["text"]
    for q in _jsonl(exported / "quotes.jsonl"):
        assert texts[q["article_id"]][q["start"]:q["end"]] == q["text"]
    for e in _parquet(exported / "events.parquet"):
        text = texts[e["article_id"]]
        assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
        assert " ".join(text[e["evidence_start"]:e["evidence_end"]].split()) == e["evidence"]
        assert e["event_id"] == f"{e['article_id']}-{e['trigger_start']}"


def test_mentions_name_the_exported_entities(exported: Path) -> None:
    entities = {e["entity_id"]: e for e in _jsonl(exported / "entities.jsonl")}
    mentions = _jsonl(exported / "mentions.jsonl")
    counts: dict[str, int] = {}
    for m in mentions:
        assert entities[m["entity_id"]]["name"] == m["entity_name"]
        counts[m["entity_id"]] = counts.get(m["entity_id"], 0) + 1
    assert counts == {i: e["mentions"] for i, e in entities.items()}
    blinken = [m for m in mentions if m["entity_id"] == "person:antony-blinken"]
    assert {m["text"] for m in blinken} >= {"Blinken", "Antony Blinken"}


def test_gdelt_table_is_the_event_table_renamed(store: tuple[Path, dict[str, str]],
                                                exported: Path) -> None:
    db, _ = store
    gdelt = _parquet(exported / "events-gdelt.parquet")
    events = {e["event_id"]: e for e in _jsonl(exported / "events.jsonl")}
    assert len(gdelt) == len(events) and {g["GLOBALEVENTID"] for g in gdelt} == set(events)
    csv_rows = {r["GlobalEventID"]: r for r in _csv_stdout(db, ["events", "--format", "csv",
                                                                "--limit", "0"])}
    for g in gdelt:
        e = events[g["GLOBALEVENTID"]]
        assert g["EventCode"] == e["type"] and g["EventCode"] in PLOVER_TYPES
        assert (g["NumArticles"], g["NumSources"]) == (e["articles"], e["independent_sources"])
        assert (g["Actor1Name"], g["Actor1CountryCode"]) == (e["source_name"],
                                                             e["source_country"])
        assert (g["Actor2Name"], g["ActionGeo_FullName"]) == (e["target_name"], e["location"])
        assert (g["Evidence"], g["EvidenceStart"], g["SOURCEURL"]) == (
            e["evidence"], e["evidence_start"], e["url"])
        if e["day"] is None:  # no date and no publication date: nothing is made up
            assert (g["SQLDATE"], g["Year"], g["DateGranularity"]) == (None, None, None)
        elif g["DateGranularity"] == "day":
            assert g["SQLDATE"] == int(e["day"].replace("-", ""))
        else:  # a month or year is not placed on its first day
            assert g["SQLDATE"] is None and g["Year"] == int(e["day"][:4])
        shown = csv_rows[g["GLOBALEVENTID"]]  # storyline events --format csv, same values
        assert shown["Day"] == ("" if g["SQLDATE"] is None else str(g["SQLDATE"]))
        assert shown["Actor1Code"] == (g["Actor1Code"] or "")
    assert any(g["Actor1CountryCode"] is None for g in gdelt)  # unknown stays null
    assert any(g["ActionGeo_Lat"] is not None for g in gdelt)


def _csv_stdout(db: Path, args: list[str]) -> list[dict[str, str]]:
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(result.output.splitlines()))


# --- standard output, filters, empty results ----------------------------------------------

def test_jsonl_to_standard_output_by_default(store: tuple[Path, dict[str, str]]) -> None:
    db, ids = store
    result = _run(db, "quotes")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 127 and {q["article_id"] for q in rows} <= set(ids.values())
    biden = [q for q in rows if q["speaker_id"] == "person:joe-biden"]
    assert biden and all(q["speaker"] == "Joe Biden" for q in biden)
    result = _run(db, "stories", "--format", "csv")
    assert result.output.splitlines()[0] == ",".join(c.name for c in ex.STORY_COLUMNS)


def test_filters_narrow_the_rows(store: tuple[Path, dict[str, str]]) -> None:
    db, ids = store

    def rows(*args: str) -> list[dict[str, Any]]:
        result = _run(db, *args)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.output.splitlines()]

    every = rows("articles")
    assert len(every) == 49
    assert [a["source"] for a in rows("articles", "--source", "Atlantic Courier")] == [
        "Atlantic Courier"] * 4
    assert {a["lang"] for a in rows("articles", "--lang", "de")} == {"de"}
    june = rows("articles", "--since", "2023-06-01", "--until", "2023-06-30")
    assert 0 < len(june) < len(every)
    assert all("2023-06-01" <= a["published"][:10] <= "2023-06-30" for a in june)

    blinken = next(a for a in every if a["article_id"] == ids[BLINKEN_HTML])
    story = blinken["story_id"]
    members = rows("articles", "--story", story)
    assert ids[BLINKEN_HTML] in {a["article_id"] for a in members}
    assert {a["story_id"] for a in members} == {story} and len(members) < len(every)
    assert [s["story_id"] for s in rows("stories", "--story", story)] == [story]
    member_ids = {a["article_id"] for a in members}
    for name in ("mentions", "quotes", "events", "events-gdelt"):
        key = "ArticleID" if name == "events-gdelt" else "article_id"
        scoped, whole = rows(name, "--story", story), rows(name)
        assert scoped and len(scoped) < len(whole), name
        assert {r[key] for r in scoped} <= member_ids, name
    assert {e["name"] for e in rows("entities", "--story", story)} >= {"Antony Blinken",
                                                                        "Beijing"}
    facts = rows("facts", "--story", story)
    assert facts and {f["story_id"] for f in facts} == {story}
    late = rows("events", "--since", "2023-09-01")
    assert late and all(e["day"] >= "2023-09" for e in late)
    assert len(late) < len(rows("events"))
    # the events shown by default, or every event the rules find
    shown, every_event = rows("events"), rows("events", "--min-confidence", "0")
    assert len(shown) < len(every_event)
    assert all(e["confidence"] >= default_min_confidence() for e in shown)
    assert len(rows("events-gdelt", "--min-confidence", "0")) == len(every_event)
    # --story takes a prefix, as elsewhere
    assert len(rows("quotes", "--story", story[:6])) == len(rows("quotes", "--story", story))


def test_empty_results_are_valid_files(store: tuple[Path, dict[str, str]],
                                       tmp_path: Path) -> None:
    db, _ = store
    for fmt in ex.FORMATS:
        out = tmp_path / f"none.{fmt}"
        result = _run(db, "articles", "--source", "No Such Outlet", "-f", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        side = json.loads(ex.sidecar(out).read_text())
        assert side["rows"] == 0 and side["filters"] == {"source": "No Such Outlet"}
    assert (tmp_path / "none.jsonl").read_text() == ""
    assert (tmp_path / "none.csv").read_text() == ",".join(
        c.name for c in ex.ARTICLE_COLUMNS) + "\n"
    empty = pq.read_table(tmp_path / "none.parquet")
    assert empty.num_rows == 0 and empty.column_names == [c.name for c in ex.ARTICLE_COLUMNS]
    assert duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'none.parquet'}'").fetchall()[0] == (0,)


def test_batches_and_pages_change_nothing(store: tuple[Path, dict[str, str]],
                                          exported: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Many small Parquet batches and article pages give the same rows as one."""
    db, _ = store
    monkeypatch.setattr(ex, "BATCH", 7)
    for name in ("articles", "mentions"):
        with Storyline(db) as sl:
            n = ex.export(sl, name, "parquet", tmp_path / f"{name}.parquet")
        assert pq.ParquetFile(tmp_path / f"{name}.parquet").metadata.num_row_groups > 1
        small = pq.read_table(tmp_path / f"{name}.parquet").to_pylist()
        whole = pq.read_table(exported / f"{name}.parquet").to_pylist()
        assert n == len(small) and small == whole
        if name == "articles":  # paged 7 at a time: each article once
            assert len({a["article_id"] for a in small}) == len(small) == 49


def test_schema_option_prints_the_schema(store: tuple[Path, dict[str, str]]) -> None:
    db, _ = store
    result = _run(db, "events-gdelt", "--schema")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["storyline.export_schema"] == 1 and doc["table"] == "events-gdelt"
    assert [c["name"] for c in doc["columns"]][:2] == ["GLOBALEVENTID", "SQLDATE"]
    assert {"name": "SQLDATE", "type": "int32"} in [
        {k: c[k] for k in ("name", "type")} for c in doc["columns"]]


# --- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["nope"], "unknown table 'nope': choose articles, stories, entities, mentions, quotes, "
               "events, events-gdelt, facts"),
    (["events", "--format", "xml"], "unknown format 'xml': choose jsonl, csv, parquet"),
    (["events", "--format", "parquet"], "parquet is binary: give an output file with -o PATH"),
    (["quotes", "--lang", "en"], "--lang does not apply to the quotes table (it takes --story)"),
    (["quotes", "--min-confidence", "0"],
     "--min-confidence does not apply to the quotes table (it takes --story)"),
    (["articles", "--since", "someday"], "not a date"),
    (["facts", "--story", "zzzzzz"], "no story 'zzzzzz'"),
    (["entities", "--story", "zzzzzz"], "no story 'zzzzzz'"),
])
def test_errors_are_one_line(store: tuple[Path, dict[str, str]],
                             args: list[str], expected: str) -> None:
    db, _ = store
    result = _run(db, *args)
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert expected in result.output


def test_a_failed_export_leaves_no_file(store: tuple[Path, dict[str, str]],
                                        tmp_path: Path) -> None:
    db, _ = store
    out = tmp_path / "f.parquet"
    result = _run(db, "facts", "--story", "zzzzzz", "-f", "parquet", "-o", str(out))
    assert result.exit_code != 0 and not out.exists() and not ex.sidecar(out).exists()
    assert list(tmp_path.iterdir()) == []


# --- docs --------------------------------------------------------------------------------

def test_docs_describe_every_column() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for name, t in ex.TABLES.items():
        section = re.search(rf"^## `{re.escape(name)}`\n(.*?)(?=^## |\Z)", docs,
                            re.MULTILINE | re.DOTALL)
        assert section, name
        for c in t.columns:
            assert f"| `{c.name}` | {ex.type_name(c.type)} |" in section.group(1), (name, c.name)
    assert f"version {ex.SCHEMA_VERSION}" in docs.lower()

"""The demo's last screen (a digest that fits one terminal screen) and the ingest progress
total behind its progress bar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import article_text
from storyline import Storyline
from storyline.analyse.digest import StoryDigest
from storyline.analyse.types import (
    Citation,
    Conflict,
    SourceColumn,
    StoryReport,
    SummarySentence,
    Variant,
)
from storyline.interfaces.cli import app
from storyline.interfaces.demo_digest import Line, build_digest, render
from storyline.models import IngestReport, Reject


def _story(n: int, articles: int, headline: str) -> dict[str, Any]:
    return {"id": f"s{n:011d}", "headline": headline, "article_count": articles,
            "sources": [f"Outlet {i}" for i in range(articles)],
            "first_seen": "2024-05-10T08:00:00", "last_seen": "2024-05-11T09:00:00"}


def _column(name: str) -> SourceColumn:
    return SourceColumn(source=name, article_ids=(name[:3],), copies={}, languages=("en",),
                        fact_ids=(), only_here=())


def _focus(story_id: str) -> StoryReport:
    cite = Citation(article_id="a", source="Lakeside Gazette", published="2024-05-10",
                    start=0, end=10, text="")
    summary = tuple(SummarySentence(f"Sentence {i} of the summary " + "word " * 40, cite)
                    for i in range(4))
    conflict = Conflict(kind="number", about="people hurt", variants=(
        Variant(wording="nine", value="9", citations=(), sources=("Lakeside Gazette",)),
        Variant(wording="fourteen", value="14", citations=(), sources=("Northern Ledger",))))
    return StoryReport(
        story_id=story_id, headline="Ferry aground off Tolmar", first_seen="2024-05-10",
        last_seen="2024-05-11", article_ids=("a", "b", "c"), languages=("en",),
        independent_sources=2, summary=summary, timeline=(), entities=(), events=(),
        quotes=(), sources=(_column("Lakeside Gazette"), _column("Northern Ledger"),
                            _column("Tolmar Wire")),
        shared_facts=(), single_source_facts=(), conflicts=(conflict,), copies=(),
        articles=())


def _disputed(story: dict[str, Any]) -> bool:
    return bool(story["article_count"] % 2)


def _lines(stories: list[dict[str, Any]], width: int = 100) -> list[Line]:
    counts = {s["id"]: StoryDigest(s["id"], sources=4, independent_sources=3,
                                   conflicts=int(_disputed(s)), shared_facts=1)
              for s in stories}
    ingest = IngestReport(ingested=["x"] * 40, rejected=[
        Reject("/data/in/empty.txt", "empty file"),
        Reject("/data/in/login.html", "not an article: login or paywall page")])
    top = max(stories, key=lambda s: s["article_count"])
    digest = build_digest(stories, counts, _focus(top["id"]), ingest, store="/tmp/d b.db")
    return render(digest, width)


def test_digest_fits_one_screen_and_says_what_matters() -> None:
    stories = [_story(n, 1 if n % 3 == 0 else 2 + n % 4, f"Headline number {n} " + "x" * 90)
               for n in range(30)]
    lines = _lines(stories)
    text = "\n".join(line for _, line in lines)
    assert len(lines) <= 42
    assert max(len(line) for _, line in lines) <= 100
    listed = [line for _, line in lines if line.startswith("  s0")]
    assert len(listed) == 12
    # Multi-article stories first: the twelve listed have more than one article.
    multi = [s for s in stories if s["article_count"] > 1]
    assert [line.split()[0] for line in listed] == [s["id"] for s in multi[:12]]
    assert "  and 18 more (storyline stories --db '/tmp/d b.db')" in text
    assert all("4 sources, 3 independent" in line for line in listed)
    assert [line.endswith("  disputed") for line in listed] == [
        _disputed(s) for s in multi[:12]]
    assert "…" in listed[0]  # the headline is clipped to fit
    # The biggest story: its headline, counts from its report, three summary sentences in
    # at most two lines each, the conflict and its sides.
    assert "Ferry aground off Tolmar" in text
    assert "2024-05-10 → 2024-05-11 · 3 articles · 3 sources, 2 independent · en" in text
    assert sum(line.startswith("  • ") for _, line in lines) == 3
    assert '  ! people hurt: "nine" (Lakeside Gazette) vs "fourteen" (Northern Ledger)' in text
    assert ("40 ingested, 0 already stored, 2 rejected — empty.txt: empty file; login.html: "
            "not an article" in text)
    assert " 1 2 --db '/tmp/d b.db'" in text  # compare by number
    assert "storyline serve --db '/tmp/d b.db'" in text


def test_digest_at_80_columns() -> None:
    stories = [_story(n, 2 + n, f"Headline {n} " + "y" * 80) for n in range(3)]
    lines = _lines(stories, 80)
    assert max(len(line) for _, line in lines) <= 80
    listed = [line for _, line in lines if line.startswith("  s0")]
    # Short counts leave the headline room.
    assert all("4 src, 3 indep." in line and "Headline" in line for line in listed)
    assert len(lines) < 30


def test_demo_ends_with_the_digest_not_the_report(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "-f", "table", "--no-serve"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip("\n").splitlines()
    assert len(lines) <= 42
    assert lines[0].startswith("Sample corpus: ")
    assert "## Summary" not in result.output  # the full report is one `show` away
    assert any("rejected — " in line for line in lines)
    with Storyline(db) as sl:
        top = max(sl.stories(limit=None), key=lambda s: s["article_count"])
        report = sl.report(top["id"])
    assert any(line.startswith(f"The biggest story, {top['id']}") for line in lines)
    # The story page's counts.
    assert (f"{len(report.sources)} sources, {report.independent_sources} independent"
            in result.stdout)
    assert f"storyline show {top['id']} --db {db}" in result.stdout


def test_progress_total_is_the_number_of_units(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(article_text(1))
    (folder / "b.txt").write_text(article_text(2))
    (folder / "c.txt").write_text("")  # a reject: one unit too
    rows = [{"title": f"Line {i}", "text": article_text(10 + i)} for i in range(3)]
    (folder / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ticks: list[str] = []
    totals: list[tuple[int, int]] = []  # (total told, ticks so far)

    def tick(origin: str) -> None:
        ticks.append(origin)
        assert len(ticks) <= totals[-1][0]  # never more done than the total shown

    with Storyline(tmp_path / "s.db") as sl:
        report = sl.ingest([folder], progress=tick,
                           progress_total=lambda n: totals.append((n, len(ticks))))
        assert len(report.ingested) == 5 and len(report.rejected) == 1
        assert totals[0] == (4, 0)  # four files, counted before any is read
        assert totals[-1][0] == len(ticks) == 6  # with the JSON Lines file's three lines
        assert all(told >= done for told, done in totals)
        again = sl.ingest([folder / "a.txt"], progress=ticks.append)  # the total is optional
        assert len(again.already_stored) == 1

"""Choosing a story's outlets for ``compare``: by name, by article id or prefix, or by
number in the story's source list; one clear line when a choice matches nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import Storyline
from storyline.analyse.compare import compare_sources, resolve_outlets
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.report import build_report
from storyline.analyse.types import StoryReport
from storyline.extract.run import extract
from storyline.interfaces.cli import app

TEXTS = {
    "a1b2c3d4e5f60001": ("Lakeside Gazette",
                         "A ferry ran aground near the island of Tolmar on Friday. "
                         "Nine passengers were hurt as the ferry struck the rocks. "
                         "Coast guard boats towed the ferry back to port."),
    "a1b2c3d4e5f60002": (None,
                         "A ferry ran aground near the island of Tolmar on Friday. "
                         "Fourteen passengers were hurt as the ferry struck the rocks. "
                         "The ferry company suspended its crossings until Monday."),
    "f9e8d7c6b5a40003": ("Northern Ledger",
                         "A ferry ran aground near the island of Tolmar on Friday. "
                         "The ferry company suspended its crossings until Monday. "
                         "Divers inspected the hull over the weekend."),
}


def _report() -> StoryReport:
    articles = []
    for aid, (source, text) in TEXTS.items():
        x = extract(text, "en", "2024-05-10")
        articles.append(ArticleInput(
            id=aid, title=text.split(".")[0], text=text, source=source,
            published="2024-05-10", lang="en", sentences=x.sentences, mentions=x.mentions,
            timexes=x.timexes, quotes=x.quotes, events=x.events))
    return build_report(StoryInputs("s1", "Ferry aground off Tolmar", tuple(articles)))


def _outlet_of(report: StoryReport, article_id: str) -> str:
    return next(c.source for c in report.sources if article_id in c.article_ids)


def test_names_ids_prefixes_and_numbers_choose_outlets() -> None:
    report = _report()
    unnamed = _outlet_of(report, "a1b2c3d4e5f60002")
    assert unnamed.startswith("unknown source (")
    names = [c.source for c in report.sources]
    assert resolve_outlets(report, ["lakeside GAZETTE"]) == ["Lakeside Gazette"]
    assert resolve_outlets(report, ["a1b2c3d4e5f60002"]) == [unnamed]  # a whole id
    assert resolve_outlets(report, ["f9e8d7"]) == ["Northern Ledger"]  # a 6-character prefix
    assert resolve_outlets(report, ["3", "1"]) == [names[2], names[0]]  # show's numbering
    assert resolve_outlets(report, [unnamed.upper(), "", "  "]) == [unnamed]
    # The same outlet asked for twice, by name and by number, counts once.
    number = str(names.index("Northern Ledger") + 1)
    assert resolve_outlets(report, ["Northern Ledger", number]) == ["Northern Ledger"]
    both = compare_sources(report, ["a1b2c3d4e5f60002", "f9e8d7"])
    assert both.sources == (unnamed, "Northern Ledger")


def test_errors_are_one_line_and_list_the_choices() -> None:
    report = _report()
    with pytest.raises(ValueError) as unknown:
        resolve_outlets(report, ["Daily Planet", "a1b2c"])  # 5 characters: not a prefix
    message = str(unknown.value)
    assert "\n" not in message
    assert "no outlet 'Daily Planet', 'a1b2c'" in message
    assert all(f"{n} {c.source}" in message for n, c in enumerate(report.sources, 1))
    with pytest.raises(ValueError, match=r"prefix 'a1b2c3' is ambiguous.*a1b2c3d4e5f60001 "
                                         r"\(Lakeside Gazette\).*a1b2c3d4e5f60002"):
        resolve_outlets(report, ["a1b2c3"])
    with pytest.raises(ValueError, match=r"source number 4 is out of range: story s1 has 3 "
                                         r"outlets \(1 .*; 3 "):
        resolve_outlets(report, ["4"])
    with pytest.raises(ValueError, match="out of range"):
        resolve_outlets(report, ["0"])
    with pytest.raises(ValueError, match="two or more"):
        compare_sources(report, ["Lakeside Gazette", "a1b2c3d4e5f60001"])


def test_cli_compare_by_number_and_show_numbers_the_sources(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for aid, (_, text) in TEXTS.items():
        (folder / f"{aid}.txt").write_text(f"Ferry aground off Tolmar\n\n{text}\n")
    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        sl.ingest([folder], published="2024-05-10")
        story = max(sl.stories(limit=None), key=lambda s: s["article_count"])
        assert story["article_count"] == 3
        report = sl.report(story["id"])
        article = report.sources[1].article_ids[0]
    runner = CliRunner()
    shown = runner.invoke(app, ["show", story["id"], "-f", "table", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    for n, column in enumerate(report.sources, 1):
        assert re.search(rf"^\s*{n}\. {re.escape(column.source)} ", shown.output, re.M)
    by_number = runner.invoke(app, ["compare", story["id"], "1", article[:8], "--db", str(db)])
    assert by_number.exit_code == 0, by_number.output
    first, second = report.sources[0].source, report.sources[1].source
    assert by_number.output.startswith(f"# {first} vs {second}")
    wrong = runner.invoke(app, ["compare", story["id"], "1", "7", "--db", str(db)])
    assert wrong.exit_code == 2
    assert "error: source number 7 is out of range" in wrong.output

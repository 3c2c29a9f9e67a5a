"""Comparing chosen outlets of a story: what all state, what each alone states among them,
and the conflicts in which they take different sides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import Storyline
from storyline.analyse.compare import compare_sources, facts_by_id, match_sources
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.report import build_report
from storyline.analyse.types import StoryReport
from storyline.extract.run import extract
from storyline.interfaces.cli import app, sample_corpus
from storyline.interfaces.report import comparison_markdown

TEXTS = {
    "a": ("Harbour Post",
          "A weather balloon from Veldora drifted over the port of Amsel on Monday. "
          "At least 12 people were injured when debris fell on the harbour. "
          "Navy divers recovered the wreckage on Tuesday."),
    "b": ("Coastal Times",
          "A spy balloon from Veldora drifted over the port of Amsel on Monday. "
          "About 30 people were injured when debris fell on the harbour. "
          "The mayor of Amsel closed the beaches until Friday."),
    "c": ("Valley Wire",
          "A balloon from Veldora drifted over the port of Amsel on Monday. "
          "The mayor of Amsel closed the beaches until Friday. "
          "Fishing boats stayed in port for the whole week."),
}


def _report() -> StoryReport:
    articles = []
    for aid, (source, text) in TEXTS.items():
        x = extract(text, "en", "2024-03-06")
        articles.append(ArticleInput(
            id=aid, title=text.split(".")[0], text=text, source=source,
            published="2024-03-06", lang="en", sentences=x.sentences, mentions=x.mentions,
            timexes=x.timexes, quotes=x.quotes, events=x.events))
    return build_report(StoryInputs("s1", "Balloon over Amsel", tuple(articles)))


def test_what_all_state_and_what_each_alone_states() -> None:
    report = _report()
    facts = facts_by_id(report)
    two = compare_sources(report, ["harbour post", "COASTAL  times"])
    assert two.sources == ("Harbour Post", "Coastal Times")  # the report's own names
    assert any("drifted over the port" in facts[f].text for f in two.common)
    post, times = two.only
    assert any("divers" in facts[f].text for f in post.only_here)
    assert any("beaches" in facts[f].text for f in times.only_here)
    # Against Harbour Post alone, the beaches are Coastal Times' own; with Valley Wire in the
    # comparison too, they are shared by some but not all.
    three = compare_sources(report, ["Harbour Post", "Coastal Times", "Valley Wire"])
    assert any("beaches" in facts[f].text for f in three.some)
    assert not any("beaches" in facts[f].text for o in three.only for f in o.only_here)
    # The injured figures and the balloon's descriptor: the two outlets take sides.
    kinds = {report.conflicts[k - 1].kind for k in two.conflicts}
    assert "number" in kinds


def test_bad_outlets_are_named() -> None:
    report = _report()
    with pytest.raises(ValueError, match=r"no outlet 'Daily Planet'.*Harbour Post"):
        compare_sources(report, ["Harbour Post", "Daily Planet"])
    with pytest.raises(ValueError, match="two or more"):
        compare_sources(report, ["Harbour Post", "harbour post"])
    assert match_sources(report, ["valley wire", "x", "  "]) == (["Valley Wire"], ["x"])


def test_markdown_cites_each_outlets_own_sentence() -> None:
    report = _report()
    md = comparison_markdown(report, compare_sources(report, ["Harbour Post",
                                                              "Coastal Times"]))
    assert md.startswith("# Harbour Post vs Coastal Times")
    assert "## Stated by both" in md and "## Only Coastal Times, of these" in md
    assert "closed the beaches until Friday. [b]" in md
    # a fact both state: shown once, with how the other words it
    assert "  - Coastal Times: A spy balloon from Veldora drifted over the port of Amsel" in md
    assert "## Conflicts between them" in md


def test_cli_compare_on_the_sample_corpus(tmp_path: Path) -> None:
    db = tmp_path / "sample.db"
    with Storyline(db) as sl:
        sl.ingest([str(sample_corpus())])
        story = max(sl.stories(limit=None), key=lambda s: len(s["sources"]))
    a, b = story["sources"][:2]
    runner = CliRunner()
    md = runner.invoke(app, ["compare", story["id"], a, b, "--db", str(db)])
    assert md.exit_code == 0, md.output
    assert md.output.startswith(f"# {a} vs {b}") or md.output.startswith(f"# {b} vs {a}")
    js = runner.invoke(app, ["compare", story["id"], a, b, "-f", "json", "--db", str(db)])
    data = json.loads(js.output)
    assert set(data["sources"]) == {a, b} and len(data["only"]) == 2
    bad = runner.invoke(app, ["compare", story["id"], a, "No Such Outlet", "--db", str(db)])
    assert bad.exit_code == 2 and "No Such Outlet" in bad.output

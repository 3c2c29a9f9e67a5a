"""The bundled sample corpus: what the demo shows and later issues evaluate on."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PARAGRAPHS, html_page
from storyline import Storyline
from storyline.evaluation.cleaning import evaluate_cleaning
from storyline.evaluation.extraction import evaluate_extraction
from storyline.interfaces.cli import app, sample_corpus, sample_labels

LABELS = json.loads(sample_labels().read_text("utf-8"))


def test_labels_describe_a_rich_corpus() -> None:
    articles = LABELS["articles"]
    assert len(articles) >= 40
    assert len({a["story"] for a in articles}) >= 8
    assert len({a["source"] for a in articles}) >= 10
    assert {"de", "es"} <= {a["lang"] for a in articles}
    kinds = Counter(a["copy_kind"] for a in articles if a["copy_of"])
    assert kinds["syndicated"] >= 3 and kinds["translation"] >= 1 and kinds["copy-site"] >= 1
    assert {c["kind"] for c in LABELS["conflicts"]} >= {"number", "date", "descriptor"}
    assert sum(len(a.get("quotes", [])) for a in articles) >= 20
    formats = {a["key"].split("/")[0] for a in articles}
    assert formats == {"text", "html", "feeds", "jsonl", "archive"}


def test_every_labelled_article_is_ingested(tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        report = sl.ingest([sample_corpus()], workers=1)
        assert len(report.ingested) == len(LABELS["articles"])
        rejected = {Path(r.origin).name for r in report.rejected}
        assert rejected == {Path(r["key"]).name for r in LABELS["rejects"]}
        by_lang = Counter(a.lang for a in sl.articles(limit=None))
        labelled = Counter(a["lang"] for a in LABELS["articles"])
        assert by_lang == labelled


def test_cleaning_against_labels() -> None:
    labels = sample_labels()
    report = evaluate_cleaning(labels, (labels.parent / "articles").resolve())
    assert report.unmatched_labels == []
    assert report.total.boilerplate >= 60
    assert report.total.recall >= 0.95
    assert report.total.loss_rate <= 0.01


def test_demo_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "demo.db"), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    assert f"{len(LABELS['articles'])} ingested, 0 already stored, 3 rejected" in result.output
    stories = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert sum(s["article_count"] for s in stories) == len(LABELS["articles"])
    assert all(s["headline"] for s in stories)
    # newest first (by the latest report), undated last: the one listing order
    seen = [s["last_seen"] for s in stories]
    assert seen == sorted((d for d in seen if d), reverse=True) + [d for d in seen if not d]


def test_extraction_harness_on_own_fixture(tmp_path: Path) -> None:
    (tmp_path / "original").mkdir()
    truth = {}
    for i in range(3):
        page = html_page(f"Headline {i} about water", url=f"https://x.example/{i}")
        (tmp_path / "original" / f"p{i}.html.gz").write_bytes(gzip.compress(page.encode()))
        truth[f"p{i}"] = {"headline": f"Headline {i} about water",
                          "articleBody": " ".join(PARAGRAPHS)}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    report = evaluate_extraction(tmp_path)
    assert report.pages == 3 and not report.rejected
    assert report.cleaned.recall > 0.95 and report.cleaned.precision > 0.9


def test_demo_refuses_a_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--db", "postgresql://analyst@db/newsroom",
                                      "--no-serve"])
    assert result.exit_code == 2 and "takes a file, not a database URL" in result.output
    assert list(tmp_path.iterdir()) == []  # no "postgresql:" folder made of the URL

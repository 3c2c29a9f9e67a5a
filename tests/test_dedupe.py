from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from conftest import article_text
from storyline import Storyline
from storyline.dedupe.groups import pick_original
from storyline.dedupe.near import COPY_THRESHOLD, copy_score
from storyline.evaluation.dupes import evaluate_dupes, make_copy
from storyline.interfaces.cli import app, sample_corpus
from storyline.models import Article

SAMPLE = sample_corpus()


def _sample_texts() -> list[str]:
    with Storyline(":memory:") as sl:
        sl.ingest([SAMPLE], workers=1)
        return [a.text for a in sl.articles(limit=None) if len(a.text.split()) > 150]


def test_copy_kinds_score_above_threshold() -> None:
    text = _sample_texts()[0]
    paragraphs = text.split("\n\n")
    kept = "\n\n".join(paragraphs[: max(2, int(len(paragraphs) * 0.7))])
    wrapped = "Source Link\n\nLeave a Reply\n\n" + text + "\n\nPost Comment\n\nName *"
    reordered = "\n\n".join([paragraphs[0], *reversed(paragraphs[1:])])
    edited, _ = make_copy(text, random.Random(3), ["alpha", "beta", "gamma", "delta"])
    for copy in (kept, wrapped, reordered, edited):
        assert copy_score(text, copy) >= COPY_THRESHOLD


def test_sample_corpus_copies_are_linked_and_distinct_articles_are_not(tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        sl.ingest([SAMPLE], workers=1)
        groups = sl.dupes()
        by_source = {g.original: sl.article(g.original) for g in groups}
        sources = {
            frozenset(
                (sl.article(i).source or sl.article(i).origin.rsplit("/", 1)[-1])  # type: ignore[union-attr]
                for i in g.ids
            )
            for g in groups
        }
    wire = next(s for s in sources if "Global Wire Service" in s)
    assert {"Harbor Daily", "Midland Post"} <= wire and len(wire) == 5
    assert any(o is not None and o.source == "Global Wire Service" for o in by_source.values())
    # Every group stays within one labelled story: no same-story article taken for a copy.
    labels = json.loads((SAMPLE.parent / "labels.json").read_text())
    assert sum(1 for a in labels["articles"] if a["copy_of"]) == sum(
        len(g.copies) for g in groups)


def test_original_is_earliest_then_most_complete() -> None:
    def art(i: str, published: str | None, n: int) -> Article:
        return Article(id=i, title=i, text="word " * n, origin=i, format="text",
                       content_hash=i, published=published)

    first, _ = pick_original([art("a", "2023-06-15", 500), art("b", "2023-06-14T18:00:00Z", 100),
                              art("c", "2023-06-14T09:00:00Z", 90)])
    assert first.id == "c"
    first, reason = pick_original([art("a", None, 100), art("b", None, 300)])
    assert first.id == "b" and "most complete" in reason


def test_flood_of_identical_texts_stays_cheap(tmp_path: Path) -> None:
    folder = tmp_path / "flood"
    folder.mkdir()
    for i in range(300):
        (folder / f"{i:04}.txt").write_text(article_text(i))
    with Storyline(tmp_path / "f.db") as sl:
        sl.ingest([folder], workers=1)
        indexed = sl.store._db.execute("SELECT sum(indexed) FROM signatures").fetchone()[0]
        groups = sl.dupes()
    assert indexed <= 3
    assert len(groups) == 1 and len(groups[0].copies) == 299


def test_generated_copies_harness(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps({"text": t}) for t in _sample_texts()))
    score = evaluate_dupes(docs, seed=5, n=20)
    assert score.true_pairs == 20
    assert score.recall >= 0.9 and score.precision >= 0.9


def test_dupes_cli_json(tmp_path: Path) -> None:
    db = str(tmp_path / "d.db")
    CliRunner().invoke(app, ["ingest", str(SAMPLE), "--db", db])
    result = CliRunner().invoke(app, ["dupes", "--db", db, "--format", "json"])
    groups = json.loads(result.output)
    assert len(groups) == 4
    methods = {c["method"] for g in groups for c in g["copies"]}
    assert methods == {"near", "translation"}
    assert all(c["similarity"] >= COPY_THRESHOLD for g in groups for c in g["copies"]
               if c["method"] == "near")


def test_translated_copy_is_flagged_across_languages(tmp_path: Path) -> None:
    with Storyline(tmp_path / "t.db") as sl:
        sl.ingest([SAMPLE], workers=1)
        translated = [g for g in sl.dupes() if any(c.method == "translation" for c in g.copies)]
        assert len(translated) == 1
        group = translated[0]
        original = sl.article(group.original)
        copy = sl.article(group.copies[0].article_id)
        assert original is not None and copy is not None
        assert (original.lang, copy.lang) == ("de", "en")
        assert original.story_id == copy.story_id

"""Fact-alignment labels of the sample corpus and the ``eval facts`` harness."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storyline import Storyline
from storyline.evaluation.facts import _key, default_labels, evaluate_facts, load_pairs
from storyline.interfaces.cli import app, sample_corpus, sample_labels

FACTS = json.loads(default_labels().read_text("utf-8"))
STORY_OF = {a["key"]: a["story"]
            for a in json.loads(sample_labels().read_text("utf-8"))["articles"]}


def test_labels_are_rich_enough() -> None:
    pairs = load_pairs(FACTS)
    positives = [p for p in pairs if p.positive]
    negatives = [p for p in pairs if not p.positive]
    assert len(positives) >= 40 and len(negatives) >= 25
    assert len({f["story"] for f in FACTS["facts"]}) >= 4
    assert FACTS["about"]
    for group in [*FACTS["facts"], *FACTS["negatives"]]:
        articles = [s["article"] for s in group["statements"]]
        assert len(set(articles)) == len(articles) >= 2, group["note"]
        assert {STORY_OF[a] for a in articles} == {group["story"]}, group["note"]
    assert all(len(n["statements"]) == 2 for n in FACTS["negatives"])


def test_every_labelled_text_is_in_its_article(tmp_path: Path) -> None:
    corpus = sample_corpus().resolve()
    with Storyline(tmp_path / "s.db") as sl:
        report = sl.ingest([corpus], workers=1)
        ids = {_key(origin, corpus): aid for origin, aid in report.origins.items()}
        for group in [*FACTS["facts"], *FACTS["negatives"]]:
            for s in group["statements"]:
                article = sl.article(ids[s["article"]])
                assert article is not None
                assert s["text"] in article.text, (s["article"], s["text"])


def test_harness_on_the_sample() -> None:
    report = evaluate_facts(default_labels())
    total = report.total
    assert total.positives == sum(1 for p in load_pairs(FACTS) if p.positive)
    assert total.negatives == len(FACTS["negatives"])
    assert report.unmapped == []  # every statement stands for a claim
    for split in report.splits():
        assert 0.0 <= split.recall <= 1.0
        assert 0 <= split.violated <= split.negatives
    assert 0 < total.found <= total.positives
    copies = next(s for s in report.splits() if s.name == "copies")
    assert copies.recall == 1.0  # a copy's sentences always join their original's


def _article(title: str, *paragraphs: str) -> str:
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


SAME = ("The Greyford bridge over the river Lune reopened to traffic on Monday after two "
        "years of repairs costing 40 million pounds.")
TOLLS = "Mayor Alice Brennan said the council would review the bridge tolls next spring."
RIBBON = ("Mayor Alice Brennan cut the ribbon at a ceremony attended by hundreds of cheering "
          "residents and schoolchildren.")


def _tiny_corpus(root: Path) -> Path:
    (root / "articles").mkdir()
    (root / "articles" / "a.txt").write_text(_article(
        "Greyford bridge reopens after repairs", SAME,
        "Engineers replaced the rusted steel cables and rebuilt both stone piers, which had "
        "been damaged by the floods of the winter before last.",
        TOLLS,
        "Local shops near the crossing said trade had fallen by a third while it was closed "
        "and that they hoped customers would now return."), "utf-8")
    (root / "articles" / "b.txt").write_text(_article(
        "Traffic returns to the Greyford bridge", SAME,
        RIBBON,
        "Bus companies said three routes that had been diverted through the ring road "
        "would return to the bridge from the start of next week.",
        "Cyclists' groups welcomed a new protected lane on the eastern side of the deck, "
        "which had been one of their main demands during the works."), "utf-8")
    (root / "labels.json").write_text(json.dumps({"articles": [
        {"key": "a.txt", "story": "t1"}, {"key": "b.txt", "story": "t1"}]}), "utf-8")
    labels = {
        "about": "a test",
        "facts": [{"story": "t1", "note": "reopened", "statements": [
            {"article": "a.txt", "text": SAME}, {"article": "b.txt", "text": SAME}]},
            {"story": "t1", "note": "unmappable", "statements": [
                {"article": "a.txt", "text": TOLLS},
                {"article": "b.txt", "text": "words that are not in the article"}]}],
        "negatives": [{"story": "t1", "note": "tolls vs. ribbon", "statements": [
            {"article": "a.txt", "text": TOLLS}, {"article": "b.txt", "text": RIBBON}]}],
    }
    path = root / "facts.json"
    path.write_text(json.dumps(labels), "utf-8")
    return path


def test_tiny_case_pair_found_negative_kept_apart(tmp_path: Path) -> None:
    report = evaluate_facts(_tiny_corpus(tmp_path))
    by_note = {o.pair.note: o for o in report.outcomes}
    assert by_note["reopened"].together and not by_note["reopened"].cross_language
    assert by_note["reopened"].shares_words
    assert not by_note["tolls vs. ribbon"].together
    assert not by_note["unmappable"].together  # counted as a miss, and listed
    assert [(u[1], u[3]) for u in report.unmapped] == [
        ("b.txt", "text not found in the article")]
    assert (report.total.positives, report.total.found) == (2, 1)
    assert (report.total.negatives, report.total.violated) == (1, 0)


def test_cli_json(tmp_path: Path) -> None:
    path = _tiny_corpus(tmp_path)
    result = CliRunner().invoke(app, ["eval", "facts", "--labels", str(path), "--format",
                                      "json", "--mistakes"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["pair_recall"] == 0.5 and out["negative_violations"] == 0
    assert out["command"] == f"storyline eval facts --labels {path}"
    assert len(out["missed"]) == 1 and out["unmapped"][0]["article"] == "b.txt"
    assert out["splits"][0]["pairs"] == "all"

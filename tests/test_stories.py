from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storyline import Storyline
from storyline.evaluation.clusters import evaluate_clusters, score_clustering
from storyline.evaluation.convert import sample as sample_records
from storyline.interfaces.cli import app, sample_corpus, sample_labels

SAMPLE = sample_corpus()
LABELS = json.loads(sample_labels().read_text("utf-8"))


def _gold_by_origin() -> dict[str, str]:
    return {a["key"]: a["story"] for a in LABELS["articles"]}


def _key(origin: str) -> str:
    path, _, record = origin.partition("#")
    return Path(path).resolve().relative_to(SAMPLE.resolve()).as_posix() + (
        f"#{record}" if record else "")


def test_sample_stories_are_pure_and_deterministic(tmp_path: Path) -> None:
    assignments = []
    for name in ("one.db", "two.db"):
        with Storyline(tmp_path / name) as sl:
            sl.ingest([SAMPLE], workers=1)
            assignments.append({_key(a.origin): a.story_id for a in sl.articles(limit=None)})
    assert assignments[0] == assignments[1], "same input, same order: same stories and ids"
    gold = _gold_by_origin()
    score = score_clustering(gold, {k: v or "" for k, v in assignments[0].items()})
    assert score.bcubed_precision >= 0.9
    assert score.predicted_clusters < len(gold)


def test_incremental_batches_never_recluster(tmp_path: Path) -> None:
    with Storyline(tmp_path / "inc.db") as sl:
        sl.ingest([SAMPLE / "html"], workers=1)
        before = {a.id: a.story_id for a in sl.articles(limit=None)}
        sl.ingest([SAMPLE], workers=1)
        after = {a.id: a.story_id for a in sl.articles(limit=None)}
        resolved = {aid: sl.store.stories.resolve(after[aid] or "") for aid in before}
        original = {aid: sl.store.stories.resolve(sid or "") for aid, sid in before.items()}
    assert resolved == original, "a later batch only adds to (or merges) existing stories"
    assert len(after) == len(LABELS["articles"])


def test_story_listing_and_filters(tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        sl.ingest([SAMPLE], workers=1)
        stories = sl.stories(limit=None)
        assert sum(s["article_count"] for s in stories) == len(LABELS["articles"])
        big = max(stories, key=lambda s: s["article_count"])
        for key in ("id", "headline", "article_ids", "sources", "first_seen", "last_seen"):
            assert key in big
        assert big["article_count"] == len(big["article_ids"]) > 1
        assert all(s["first_seen"] is None or s["first_seen"] >= "2023-06-01"
                   for s in sl.stories(since="2023-06-01", limit=None))
        balloon = sl.stories(query="balloon", limit=None)
        assert balloon and all(
            any("balloon" in (a.text + a.title).lower()
                for a in sl.store.articles_by_id(s["article_ids"]).values())
            for s in balloon)
        assert sl.stories(entity="Qin Gang", limit=None)
        detail = sl.story(big["id"][:8])
        assert detail is not None and len(detail["articles"]) == big["article_count"]


def test_why_explains_every_article(tmp_path: Path) -> None:
    with Storyline(tmp_path / "w.db") as sl:
        sl.ingest([SAMPLE], workers=1)
        for article in sl.articles(limit=None):
            why = sl.why(article.id)
            assert why is not None and why["decision"]["method"] in (
                "new", "joined", "copy", "translation", "merged")
            if why["decision"]["method"] == "joined":
                assert why["shared_terms"] or why["shared_names"]


def test_cli_stories_show_why(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "c.db")]
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(SAMPLE), *db])
    listed = json.loads(runner.invoke(app, ["stories", "--format", "json", *db]).output)
    top = listed[0]
    shown = runner.invoke(app, ["show", top["id"], "--format", "table", *db])
    assert shown.exit_code == 0 and top["headline"][:20] in shown.output
    why = runner.invoke(app, ["why", top["article_ids"][-1], "--format", "table", *db])
    assert why.exit_code == 0 and "placed by" in why.output
    assert runner.invoke(app, ["show", "nope", *db]).exit_code == 1


def test_clusters_harness_on_sample_records(tmp_path: Path) -> None:
    records = list(sample_records(sample_labels()))
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    score = evaluate_clusters(path)
    assert score.articles == len(LABELS["articles"]) and score.gold_clusters == 9
    assert 0 < score.bcubed_f1 <= 1 and -1 <= score.ari <= 1


def test_scores_of_a_perfect_and_a_lumped_clustering() -> None:
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    perfect = score_clustering(gold, {"a": "1", "b": "1", "c": "2", "d": "2"})
    assert perfect.bcubed_f1 == 1.0 and perfect.ari == 1.0 and perfect.pairwise_f1 == 1.0
    lumped = score_clustering(gold, dict.fromkeys(gold, "1"))
    assert lumped.bcubed_recall == 1.0 and lumped.bcubed_precision == 0.5


def test_corrections_hold_and_later_articles_follow(tmp_path: Path) -> None:
    from conftest import article_text

    with Storyline(tmp_path / "c.db") as sl:
        sl.ingest([SAMPLE], workers=1)
        # the newest story of three or more articles (its first is an original report)
        big = next(s for s in sl.stories(limit=None) if s["article_count"] >= 3)
        chosen = big["article_ids"][:1]
        new = sl.split(big["id"], chosen)
        assert sl.article(chosen[0]).story_id == new  # type: ignore[union-attr]
        assert sl.why(chosen[0])["decision"]["pinned"]  # type: ignore[index]
        assert sl.store.stories.merge_forbidden(big["id"], new)
        # Re-ingest changes nothing; the split holds.
        again = sl.ingest([SAMPLE], workers=1)
        assert again.ingested == []
        assert sl.article(chosen[0]).story_id == new  # type: ignore[union-attr]
        # A new article that copies the split-off one joins the split-off part.
        original = sl.article(chosen[0])
        assert original is not None
        copy = tmp_path / "copy.txt"
        copy.write_text(original.title + "\n\n" + original.text.replace("\n\n", "\n\nAlso, ", 1))
        report = sl.ingest([copy], workers=1)
        assert sl.article(report.ingested[0]).story_id == new  # type: ignore[union-attr]
        # Move an article between stories, then merge two stories.
        others = [s for s in sl.stories(limit=None) if s["id"] not in (big["id"], new)]
        target = others[0]["id"]
        moved = big["article_ids"][1]
        assert sl.move(moved, target) == target
        assert sl.article(moved).story_id == target  # type: ignore[union-attr]
        kept = sl.merge(target, others[1]["id"])
        dropped = others[1]["id"] if kept == target else target
        assert sl.story(dropped)["id"] == kept  # type: ignore[index]
        kinds = [k for k, _, _ in sl.store.stories.corrections()]
        assert kinds[-3:] == ["split", "move", "merge"]
        unrelated = tmp_path / "unrelated.txt"
        unrelated.write_text(article_text(1))
        sl.ingest([unrelated], workers=1)
        assert sl.article(chosen[0]).story_id == new  # type: ignore[union-attr]


def test_correction_errors_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "e.db")]
    runner.invoke(app, ["ingest", str(SAMPLE), *db])
    result = runner.invoke(app, ["merge", "nope", "nada", *db])
    assert result.exit_code == 1 and "no story" in result.output
    result = runner.invoke(app, ["move", "ffffffffff", "nope", *db])
    assert result.exit_code == 1 and "no article" in result.output


def test_pairs_harness_on_sample_pairs(tmp_path: Path) -> None:
    import csv
    import itertools

    from storyline.evaluation.pairs import evaluate_pairs

    records = [r for r in sample_records(sample_labels()) if r["lang"] == "en"]
    rows = []
    for a, b in itertools.islice(itertools.combinations(records, 2), 0, 400, 7):
        rows.append({"pair_id": f"{a['id']}_{b['id']}", "lang1": "en", "lang2": "en",
                     "text1": a["title"] + "\n" + a["text"], "text2": b["title"] + "\n" + b["text"],
                     "Overall": "1.0" if a["story"] == b["story"] else "4.0"})
    path = tmp_path / "pairs.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    results = {r.lang_pair: r for r in evaluate_pairs(path)}
    assert results["all"].pairs == len(rows)
    assert results["en-en"].pearson > 0.5


def test_awkward_articles_are_handled(tmp_path: Path) -> None:
    """Identical generic titles, one-word titles, no dates, mixed languages: no crash, no
    story built on a title alone."""
    quake = ("A strong earthquake struck the High Atlas mountains late on Friday, killing "
             "hundreds of people in villages south of Marrakech, the interior ministry said. "
             "Rescue teams from Spain and Qatar arrived on Sunday.")
    rates = ("The European Central Bank raised its deposit rate to 4 percent on Thursday, "
             "its tenth increase in a row, and signalled that borrowing costs may have peaked, "
             "Christine Lagarde told reporters in Frankfurt.")
    mixed = ("Die EZB hat den Leitzins erneut erhöht. The European Central Bank said inflation "
             "remained too high. El Banco Central Europeo subió los tipos.")
    docs = [{"title": "Live updates", "text": quake}, {"title": "Live updates", "text": rates},
            {"title": "Quake", "text": quake.replace("hundreds", "more than 800")},
            {"title": "Rates", "text": mixed}, {"title": "Live updates", "text": "   "}]
    path = tmp_path / "awkward.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs))
    with Storyline(tmp_path / "a.db") as sl:
        report = sl.ingest([path], workers=1)
        assert len(report.ingested) == 4 and len(report.rejected) == 1
        by_title = {}
        for a in sl.articles(limit=None):
            by_title.setdefault(a.text[:20], a.story_id)
        quake_story = by_title[quake[:20]]
        assert by_title[rates[:20]] != quake_story, "a shared generic title is no story"
        assert all(a.published is None for a in sl.articles(limit=None))
        for a in sl.articles(limit=None):
            assert sl.why(a.id) is not None


def test_eval_commands_reject_bad_files_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    runner = CliRunner()
    for command in (["eval", "dupes", str(bad)], ["eval", "clusters", str(bad)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "bad.jsonl:1: invalid JSON" in result.output


def test_headlines_are_original_reports_in_the_story_language(tmp_path: Path) -> None:
    with Storyline(tmp_path / "s.db") as sl:
        sl.ingest([sample_corpus()], workers=1)
        copies = {c.article_id for g in sl.dupes() for c in g.copies}
        for story in sl.stories(limit=None):
            if story["article_count"] < 2:
                continue
            full = sl.story(story["id"])
            assert full is not None
            langs = [a.lang for a in full["articles"]]
            main = max(set(langs), key=lambda k: (langs.count(k), k == "en"))
            head = next(a for a in full["articles"] if a.title == story["headline"])
            assert head.lang == main, story["headline"]
            assert not head.title_inferred or all(a.title_inferred for a in full["articles"])
            assert head.id not in copies or all(a.id in copies for a in full["articles"])

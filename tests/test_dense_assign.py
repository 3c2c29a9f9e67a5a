"""Dense embeddings as a same-story signal in the incremental assignment (opt-in).

Most tests use a fake, deterministic encoder (no torch): words are mapped to concepts
(synonyms share one), and the concepts present are hashed into 16 dimensions. Two articles
written with synonyms share no sparse term but get the same embedding. The last test builds
a tiny real sentence-transformers model and skips without the extra.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import build_tiny_model, placed_stories
from storyline import Storyline
from storyline.evaluation.clusters import cluster_records, evaluate_clusters
from storyline.evaluation.convert import sample as sample_records
from storyline.ingest.units import Unit
from storyline.interfaces.cli import app, sample_labels
from storyline.semantic.vectors import (
    EmbeddingsError,
    ModelMismatchError,
    Vectors,
    is_multilingual,
)
from storyline.store import Store
from storyline.stories import assign
from storyline.stories.features import features
from storyline.stories.score import DENSE_ZERO, Match

DIM = 16
CONCEPTS = {
    **dict.fromkeys(["volcano", "volcanic", "erupted", "erupts", "eruption", "lava",
                     "magma", "crater"], "volcano"),
    **dict.fromkeys(["village", "villages", "hamlet", "hamlets", "settlement"], "place"),
    **dict.fromkeys(["evacuated", "evacuation", "fled", "flee", "leaving"], "leave"),
    **dict.fromkeys(["residents", "inhabitants", "villagers", "locals", "families"], "people"),
    **dict.fromkeys(["bank", "lender", "rates", "interest", "inflation", "prices"], "money"),
    **dict.fromkeys(["football", "match", "goal", "striker", "league", "stadium"], "sport"),
}


class ConceptEncoder:
    """Fake encoder: the concepts a text mentions, hashed into DIM dimensions, normalised."""

    def __init__(self, name: str = "fake-concepts-A") -> None:
        self.name = name
        self.calls: list[int] = []

    def encode(self, texts: list[str]) -> Vectors:
        self.calls.append(len(texts))
        rows = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for concept in {CONCEPTS[w] for w in re.findall(r"[a-z]+", text.lower())
                            if w in CONCEPTS}:
                rows[i, zlib.crc32(concept.encode()) % DIM] = 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return rows / norms


# Two reports of one eruption in words that do not overlap (the premise is checked below).
VOLCANO_A = ("Volcano erupts, villagers evacuated",
             "Lava from the volcano reached two villages on Sunday and officials evacuated "
             "the villagers overnight. Emergency crews described glowing rivers of molten rock "
             "crossing roads and orchards while helicopters watched from above.")
VOLCANO_B = ("Eruption forces hamlet inhabitants to flee",
             "Magma poured down slopes near a hamlet, so its inhabitants fled before dawn. "
             "Rescuers said burning debris blocked highways; aircraft surveyed smouldering "
             "farmland, and shelters opened in schools nearby.")
BANK = ("Central bank raises interest rates again",
        "The central bank lifted interest rates by a quarter point on Thursday, saying "
        "inflation remained too high. Economists expect one more increase before summer as "
        "prices for food and energy keep climbing across the country.")
FOOTBALL = ("Late goal wins the league match",
            "A striker scored in stoppage time to win the league match on Saturday, sending the "
            "stadium into celebration. The coach praised his players for never giving up after "
            "falling behind early in the second half.")


def _unit(key: str, article: tuple[str, str], day: str = "2023-06-01", lang: str = "en") -> Unit:
    title, text = article
    return Unit(origin=f"t#{key}", format="jsonl", data=text, title=title, source="Test",
                published=day, published_from="metadata", lang=lang)


def _ingest(store: Store, units: list[Unit], **kwargs: Any) -> dict[str, str]:
    """Ingest units one batch, return key → (resolved) story id."""
    return placed_stories(store, units, **kwargs)


def _place(db: Path, units: list[Unit], **kwargs: Any) -> dict[str, str]:
    with Store(db) as store:
        return _ingest(store, units, **kwargs)


def _check_dense(db: Path) -> int:
    """Every live story's dense centroid is the sum of its members' stored embeddings (and
    has their count); retired stories keep none. Returns how many stories have one."""
    with Store(db) as store:
        tables = store.stories
        live = tables.live_story_ids()
        with_dense = 0
        for sid in live:
            embedded = tables.embeddings(tables.members(sid))
            centroid = tables.dense_centroid(sid)
            if not embedded:
                assert centroid is None, sid
                continue
            assert centroid is not None, sid
            assert centroid.members == len(embedded)
            assert np.allclose(centroid.total, np.sum(list(embedded.values()), axis=0), atol=1e-5)
            with_dense += 1
    db_ = sqlite3.connect(db)
    try:
        rows = {r[0] for r in db_.execute("SELECT story_id FROM story_dense")}
    finally:
        db_.close()
    assert rows <= set(live), f"dense rows of retired stories: {rows - set(live)}"
    return with_dense


def test_premise_no_shared_terms_same_embedding() -> None:
    a = features(*VOLCANO_A, "en")
    b = features(*VOLCANO_B, "en")
    assert not set(a) & set(b)
    rows = ConceptEncoder().encode([" ".join(VOLCANO_A), " ".join(VOLCANO_B), " ".join(BANK)])
    assert float(rows[0] @ rows[1]) == pytest.approx(1.0)
    assert float(rows[0] @ rows[2]) < 0.5


def test_dense_part_joins_an_article_sharing_no_terms(tmp_path: Path) -> None:
    units = [_unit("bank", BANK), _unit("a", VOLCANO_A), _unit("b", VOLCANO_B, "2023-06-02")]
    sparse = _place(tmp_path / "sparse.db", units)
    assert sparse["a"] != sparse["b"]  # not even a candidate: no shared term
    low = _place(tmp_path / "low.db", units, encoder=ConceptEncoder(), dense_weight=0.1)
    assert low["a"] != low["b"]  # 0.1 * 1.0 stays under the join threshold
    encoder = ConceptEncoder()
    high = _place(tmp_path / "high.db", units, encoder=encoder, dense_weight=0.8)
    assert high["a"] == high["b"] != high["bank"]
    assert encoder.calls == [3]  # the whole chunk in one call
    with Storyline(tmp_path / "high.db") as sl:
        b = next(a for a in sl.articles(limit=None) if a.origin == "t#b")
        why = sl.why(b.id)
    assert why is not None
    assert why["decision"]["method"] == "joined"
    assert why["decision"]["dense"] == pytest.approx(1.0, abs=1e-3)  # float16 rows
    assert why["decision"]["score"] == pytest.approx(0.8, abs=1e-3)  # 0.2 * 0 + 0.8 * 1
    # (vectors are used at the precision they are stored in, float16: cosines to ~1e-3)
    assert why["now"]["dense"] == pytest.approx(1.0, abs=1e-3) and why["now"]["dense_weight"] == 0.8
    assert why["now"]["embedding_model"] == "fake-concepts-A"
    assert _check_dense(tmp_path / "high.db") == 2


def test_english_model_only_for_english_unless_multilingual(tmp_path: Path) -> None:
    units = [_unit("a", VOLCANO_A, lang="de"), _unit("b", VOLCANO_B, "2023-06-02", lang="de")]
    english = ConceptEncoder("fake-english")
    assert not is_multilingual(english.name)
    placed = _place(tmp_path / "en.db", units, encoder=english, dense_weight=0.8)
    assert placed["a"] != placed["b"] and english.calls == []  # nothing to encode
    multi = ConceptEncoder("fake-multilingual")
    assert is_multilingual(multi.name)
    placed = _place(tmp_path / "multi.db", units, encoder=multi, dense_weight=0.8)
    assert placed["a"] == placed["b"]


def test_dense_score_formula() -> None:
    m = Match(0.5, 0.2, 0.5, False, dense=0.9, dense_weight=0.25)
    assert m.sparse == pytest.approx(0.7 * 0.5 + 0.3 * 0.2)
    assert m.dense_evidence == pytest.approx((0.9 - DENSE_ZERO) / (1 - DENSE_ZERO))
    assert m.score == pytest.approx((0.75 * m.sparse + 0.25 * m.dense_evidence) * 0.5)
    assert Match(0.5, 0.2, 1.0, False, dense=DENSE_ZERO - 0.1, dense_weight=0.5).score == (
        pytest.approx(0.5 * m.sparse))  # below the no-evidence point the dense part is 0
    assert Match(0.5, 0.2, 1.0, False, dense=0.9, dense_weight=0.5, dense_zero=0.0
                 ).score == pytest.approx(0.5 * m.sparse + 0.5 * 0.9)  # the raw cosine
    plain = Match(0.5, 0.2, 0.5, False)
    assert plain.dense_evidence is None
    assert plain.score == (0.7 * 0.5 + 0.3 * 0.2) * 0.5  # exactly the sparse score
    cross = Match(0.5, 0.2, 1.0, True, dense=1.0, dense_weight=0.5)
    assert cross.score == pytest.approx(0.5 * 0.2 + 0.5 * 1.0)


def test_corrections_and_auto_merge_keep_dense_centroids(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    bridge = ("Volcano eruption: villagers evacuated as hamlet inhabitants flee",
              "Lava reached two villages on Sunday and magma poured down slopes near a hamlet. "
              "Officials evacuated the villagers overnight; the inhabitants fled before dawn.")
    units = [_unit("a", VOLCANO_A), _unit("b", VOLCANO_B), _unit("bank", BANK),
             _unit("sport", FOOTBALL), _unit("bridge", bridge, "2023-06-02")]
    # At weight 0.2, a and b (no shared term) stay apart; the bridge matches both strongly.
    placed = _place(db, units, encoder=ConceptEncoder(), dense_weight=0.2)
    assert placed["a"] == placed["b"] == placed["bridge"]
    with Storyline(db) as sl:
        ids = {a.origin.removeprefix("t#"): a.id for a in sl.articles(limit=None)}
        why = sl.why(ids["bridge"])
        assert why is not None and why["decision"]["method"] == "merged"
    assert _check_dense(db) == 3

    with Storyline(db) as sl:
        volcano = sl.store.stories.resolve(placed["a"])
        new = sl.split(volcano, [ids["b"]])
    assert _check_dense(db) == 4
    with Storyline(db) as sl:
        sl.move(ids["bank"], new)
    assert _check_dense(db) == 3  # the bank story emptied and retired
    with Storyline(db) as sl:
        kept = sl.merge(volcano, new)
        story = sl.story(kept)
        assert story is not None and story["article_count"] == 4
    assert _check_dense(db) == 2
    # Later ingests keep adding to the corrected centroids.
    later = _unit("c", ("Crater villagers flee again", "Volcanic ash fell on the hamlet; "
                        "families fled as lava advanced. The crater kept rumbling through the "
                        "night while shelters filled up."), "2023-06-03")
    with Store(db) as store:
        _ingest(store, [later], encoder=ConceptEncoder(), dense_weight=0.2)
    assert _check_dense(db) == 2


def test_a_store_keeps_its_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "m.db"
    _place(db, [_unit("a", VOLCANO_A)], encoder=ConceptEncoder("fake-A"))
    with Store(db) as store:
        assert store.stories.meta("embedding_model") == "fake-A"
        assert store.stories.meta("embedding_dim") == str(DIM)
        batches = store._db.execute("SELECT count(*) FROM batches").fetchone()[0]
        with pytest.raises(ModelMismatchError, match=r"'fake-A', not 'fake-B'.*never mixes"):
            _ingest(store, [_unit("b", VOLCANO_B)], encoder=ConceptEncoder("fake-B"))
        assert store._db.execute("SELECT count(*) FROM batches").fetchone()[0] == batches
        assert store._db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        # Without embeddings the store still takes articles (sparse only), consistently.
        placed = _ingest(store, [_unit("b", VOLCANO_B), _unit("bank", BANK)])
        assert placed["b"] != placed["bank"]
    assert _check_dense(db) == 1

    # The CLI says so in one line and exits 2; without --embeddings it notes the model.
    monkeypatch.setattr("storyline.semantic.load.load_transformer",
                        lambda model=None, **_: ConceptEncoder("fake-B"))
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"title": FOOTBALL[0], "text": FOOTBALL[1], "lang": "en"}) + "\n")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--embeddings", "b",
                                 "--workers", "1"])
    assert result.exit_code == 2 and "fake-A" in result.output and "\n" not in (
        result.output.strip())
    # --embeddings none: placed on the sparse score, and the CLI notes the store's model
    result = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--workers", "1",
                                 "--embeddings", "none"])
    assert result.exit_code == 0 and "has embeddings (fake-A)" in result.output
    # By default an ingest takes the store's own model ...
    monkeypatch.setattr("storyline.semantic.load.load_transformer",
                        lambda model=None, **_: ConceptEncoder(str(model)))
    def one(name: str, title: str) -> Path:
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps({"title": title, "lang": "en", "text": (
            f"{title}. The harbour council met on Thursday to discuss the plan, which would "
            "add a second quay, new cranes and a rail siding by the end of next year.")})
            + "\n")
        return path

    result = runner.invoke(app, ["ingest", str(one("other", "Port expansion approved")),
                                 "--db", str(db), "--workers", "1", "--format", "jsonl"])
    assert result.exit_code == 0 and "placed without" not in result.output
    with Store(db) as store:
        vectors = store._db.execute("SELECT count(*) FROM article_embeddings").fetchone()[0]
    assert vectors == 2  # the first article's and this one's: the store's model placed it

    # ... and when this machine cannot load it, the batch is placed without, and says so.
    def missing(model: object = None, **_: object) -> None:
        raise EmbeddingsError("the embeddings extra is not installed")

    monkeypatch.setattr("storyline.semantic.load.load_transformer", missing)
    result = runner.invoke(app, ["ingest", str(one("third", "Harbour tolls to rise")),
                                 "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0 and "cannot be loaded here" in result.output


def test_without_encoder_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    records = list(sample_records(sample_labels()))
    sparse = cluster_records(records)
    # The dense path at weight 0 with no extra candidates makes exactly the same decisions.
    monkeypatch.setattr(assign, "DENSE_CANDIDATES", 0)
    assert cluster_records(records, encoder=ConceptEncoder(), dense_weight=0.0) == sparse
    monkeypatch.undo()
    # The sample figures do not fall below those measured before embeddings existed.
    path = tmp_path / "sample.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    score = evaluate_clusters(path)
    assert score.bcubed_precision >= 0.9637 and score.bcubed_recall >= 0.6612
    # And no dense data is written without an encoder.
    db = tmp_path / "plain.db"
    _place(db, [_unit("a", VOLCANO_A), _unit("b", VOLCANO_B), _unit("bank", BANK)])
    with Store(db) as store:
        assert store.stories.meta("embedding_model") == ""
        assert not store.stories.has_embeddings()
        assert store._db.execute("SELECT count(*) FROM story_dense").fetchone()[0] == 0
        assert store._db.execute(
            "SELECT count(*) FROM assignments WHERE dense IS NOT NULL").fetchone()[0] == 0


def test_cli_embeddings_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"title": t, "text": x, "lang": "en",
                                        "published": "2023-06-01"}) + "\n"
                            for t, x in (VOLCANO_A, VOLCANO_B)))
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    for command in (["ingest", str(path), "--db", db], ["eval", "clusters", str(path)]):
        result = runner.invoke(app, [*command, "--dense-weight", "0.5", "--embeddings", "none"])
        assert result.exit_code == 2 and "--dense-weight needs embeddings" in result.output

    loaded: list[str | None] = []

    def fake_load(model: str | None = None, **_: Any) -> ConceptEncoder:
        loaded.append(model)
        return ConceptEncoder()

    monkeypatch.setattr("storyline.semantic.load.load_transformer", fake_load)
    result = runner.invoke(app, ["ingest", str(path), "--db", db, "--workers", "1"],
                           env={"STORYLINE_EMBEDDINGS": "default"})
    assert result.exit_code == 0, result.output
    assert loaded == ["minilm"]  # "default": the older name of the bundled MiniLM
    with Store(db) as store:
        assert store.stories.meta("embedding_model") == "fake-concepts-A"
        assert store.stories.has_embeddings()
    result = runner.invoke(app, ["ingest", str(path), "--db", db, "--embeddings", "none"],
                           env={"STORYLINE_EMBEDDINGS": "default"})
    assert result.exit_code == 0 and loaded == ["minilm"]  # 'none' overrides the variable

    with Storyline(db) as sl:
        ids = [a.id for a in sl.articles(limit=None)]
    result = runner.invoke(app, ["why", ids[0], "--db", db, "--format", "table"])
    assert result.exit_code == 0

    records = tmp_path / "clusters.jsonl"
    records.write_text("".join(json.dumps({"id": k, "title": t, "text": x, "story": "volcano",
                                           "lang": "en", "published": "2023-06-01"}) + "\n"
                               for k, (t, x) in (("a", VOLCANO_A), ("b", VOLCANO_B))))
    result = runner.invoke(app, ["eval", "clusters", str(records), "--format", "json",
                                 "--embeddings", "default", "--dense-weight", "0.8"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["dense weight"] == 0.8 and row["model"] == "fake-concepts-A"
    assert row["predicted clusters"] == 1 and row["B3 F1"] == 1.0


def test_missing_extra_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name.split(".")[0] in ("sentence_transformers", "torch") else real(
            name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    path = tmp_path / "in.txt"
    path.write_text(" ".join(VOLCANO_A))
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "x.db"),
                                      "--embeddings", "default"])
    assert result.exit_code == 2
    assert "storyline[embeddings]" in result.output and len(result.output.strip().splitlines()) == 1
    with Storyline(tmp_path / "x.db") as sl:
        assert sl.articles(limit=None) == []  # refused before reading anything
        with pytest.raises(ValueError, match="needs embeddings"):
            sl.ingest([path], dense_weight=0.5, embeddings=None)


# --- with the extra: a tiny real model ---------------------------------------------------

TINY_WORDS = ["portugal", "desalination", "plan", "algarve", "water", "drought", "plants",
              "lisbon", "minister", "euros", "election", "vote", "parliament", "party", "seats"]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny sentence-transformers model built by the tests (see conftest)."""
    pytest.importorskip("sentence_transformers")
    return build_tiny_model(tmp_path_factory.mktemp("tiny"), TINY_WORDS)


TINY_TEXTS = [
    "Portugal approves desalination plan\n\nLISBON – The Portuguese government approved a plan "
    "on Tuesday to build two desalination plants in the drought-hit Algarve, the environment "
    "minister said. The plants will cost 120 million euros and should be ready by 2026, "
    "officials said in Lisbon, where reservoirs stand at a third of their capacity.",
    "Algarve to get desalination plants\n\nPortugal will build desalination plants in the "
    "Algarve after months of drought, minister Duarte Cordeiro said in Lisbon on Tuesday. The "
    "120 million euro plan aims to secure water for farms and towns by 2026, he told "
    "reporters after the cabinet meeting.",
]


def test_ingest_with_tiny_real_model(tiny_model: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    paths = []
    for n, text in enumerate(TINY_TEXTS):
        paths.append(tmp_path / f"{n}.txt")
        paths[-1].write_text(text)
    db = tmp_path / "tiny.db"
    with Storyline(db) as sl:
        report = sl.ingest(paths, published="2023-06-13", embeddings=str(tiny_model),
                           dense_weight=0.3)
        assert len(report.ingested) == 2
        tables = sl.store.stories
        assert tables.meta("embedding_model") == str(tiny_model)
        rows = tables.embeddings(report.ingested)
        assert len(rows) == 2 and all(r.shape == (32,) and r.dtype == np.float32
                                      for r in rows.values())
        assert np.allclose([np.linalg.norm(r) for r in rows.values()], 1.0, atol=1e-5)
        second = sl.article(report.ingested[1])
        assert second is not None and second.lang == "en"
        why = sl.why(second.id)
        assert why is not None and why["decision"]["method"] == "joined"
        assert -1.0 <= why["decision"]["dense"] <= 1.0
        assert why["now"]["dense"] == pytest.approx(why["decision"]["dense"], abs=1e-3)
    assert _check_dense(db) == 1

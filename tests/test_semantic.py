"""The semantic layer of the default install: the static sentence model loads from its
package's own files (never the network), gives unit or zero rows for any input, and is what
``--embeddings static`` means everywhere."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline import Storyline
from storyline.interfaces.cli import app
from storyline.semantic import static
from storyline.semantic.load import load_encoder, spec_of
from storyline.semantic.static import STATIC_NAME, StaticEncoder, load_static
from storyline.semantic.transformer import BUNDLED_NAME
from storyline.semantic.vectors import EmbeddingsError, ModelMismatchError


@pytest.fixture(scope="module")
def encoder() -> StaticEncoder:
    return load_static()


def test_it_loads_from_the_package_without_touching_the_network(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*_: object, **__: object) -> None:
        raise AssertionError("the static model tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    model = load_static()
    assert model.encode(["Ministers met in Vienna."]).shape == (1, 256)


def test_loading_leaves_logging_and_torch_alone() -> None:
    code = ("import logging, sys\n"
            "before = (logging.getLogger().level, list(logging.getLogger().handlers))\n"
            "from storyline.semantic.static import load_static\n"
            "load_static().encode(['a test sentence'])\n"
            "after = (logging.getLogger().level, list(logging.getLogger().handlers))\n"
            "sys.exit(0 if before == after and 'torch' not in sys.modules else 1)\n")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_missing_model_file_is_one_line_and_no_download(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(static, "package_folder", lambda: tmp_path)
    with pytest.raises(EmbeddingsError, match="nothing is downloaded") as info:
        load_static()
    assert "\n" not in str(info.value)


def test_rows_are_unit_or_zero_for_any_input(encoder: StaticEncoder) -> None:
    texts = ["", "   \n", "word", "九州南部で記録的な大雨が続いている。",
             "الأمطار الغزيرة تضرب المدينة", "Ministers – 会談 – Вена", "flood " * 200_000,
             "\x00\x01"]
    rows = encoder.encode(texts)
    assert rows.shape == (len(texts), 256) and rows.dtype == np.float32
    norms = np.linalg.norm(rows, axis=1)
    assert norms[0] == 0 and norms[1] == 0  # no words: no vector
    assert np.all((np.abs(norms - 1) < 1e-4) | (norms == 0))
    assert np.all(np.abs(norms[2:7] - 1) < 1e-4)
    assert encoder.encode([]).shape == (0, 256)


def test_the_same_thing_in_other_words_is_nearer_than_another_story(
        encoder: StaticEncoder) -> None:
    pairs = [
        ("The two sides agreed to keep open lines of communication.",
         "Both governments promised to maintain open channels of communication.",
         "The central bank raised interest rates by a quarter point."),
        ("Rescuers pulled three survivors from the rubble on Tuesday.",
         "Three people were rescued alive from collapsed buildings.",
         "The football club signed a new striker for the season."),
        ("The dam burst and floodwater swamped nearby villages.",
         "Villages downstream were flooded after the dam collapsed.",
         "Parliament approved the budget after a long debate."),
    ]
    for a, same, other in pairs:
        rows = encoder.encode([a, same, other])
        assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.1, (a, same, other)


def test_names_pick_the_model_and_stores_record_it() -> None:
    assert isinstance(load_encoder("static"), StaticEncoder)
    assert isinstance(load_encoder(STATIC_NAME), StaticEncoder)
    assert spec_of(STATIC_NAME) == "static" and spec_of(BUNDLED_NAME) == "minilm"
    assert spec_of("/models/x") == "/models/x"


def test_ingest_and_eval_with_the_static_model(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    rows = [
        ("a", "quake", "Earthquake shakes mountain villages",
         "A strong earthquake struck the mountain region overnight, destroying homes in "
         "several villages and forcing thousands of residents to sleep outdoors, officials "
         "said on Saturday as rescuers searched the rubble."),
        ("b", "quake", "Survivors sleep outside after the quake",
         "Thousands of villagers spent a second night in the open after the earthquake "
         "flattened their houses, while rescue teams dug through debris looking for people "
         "still missing in the mountains."),
        ("c", "rates", "Central bank raises rates again",
         "The central bank lifted its main interest rate by a quarter point on Thursday, "
         "its tenth increase in a row, and said inflation was still too high for comfort "
         "despite signs of a slowing economy."),
    ]
    records.write_text("".join(json.dumps({"id": k, "story": s, "title": t, "text": x,
                                           "lang": "en", "published": "2023-09-09"}) + "\n"
                               for k, s, t, x in rows))
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "clusters", str(records), "--format", "json",
                                 "--embeddings", "static"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["model"] == STATIC_NAME
    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        report = sl.ingest([records], embeddings="static")
        assert len(report.ingested) == 3
        assert sl.store.stories.meta("embedding_model") == STATIC_NAME
    # Another model on this store is refused in one line, and nothing changes.
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"title": "Rates", "text": rows[2][3] + " Markets fell.",
                                 "lang": "en"}) + "\n")

    class Other:
        name = "another-model"

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 8), dtype=np.float32) / np.sqrt(8)

    with Storyline(db) as sl, pytest.raises(ModelMismatchError) as info:
        sl.ingest([other], embeddings=Other())
    assert STATIC_NAME in str(info.value) and "\n" not in str(info.value)
    with Storyline(db) as sl:
        assert sl.counts()["articles"] == 3


def test_logging_is_untouched_in_process(encoder: StaticEncoder) -> None:
    assert not any(type(h).__module__.startswith("wordllama")
                   for h in logging.getLogger().handlers)


def test_article_vectors_are_stored_as_float16_and_old_float32_rows_still_read(
        tmp_path: Path) -> None:
    from conftest import article_text

    files = []
    for i in range(2):
        files.append(tmp_path / f"a{i}.txt")
        files[-1].write_text(article_text(i))
    with Storyline(tmp_path / "s.db") as sl:
        report = sl.ingest(files, embeddings="static", lang="en")
        db = sl.store._db
        sizes = [r[0] for r in db.execute("SELECT length(vector) FROM article_embeddings")]
        new, old = report.ingested
        vectors = sl.store.stories.embeddings([new, old])
        with sl.store.transaction():  # as a store written before float16 would hold it
            db.execute("UPDATE article_embeddings SET vector=? WHERE article_id=?",
                       (vectors[old].astype("<f4").tobytes(), old))
        again = sl.store.stories.embeddings([new, old])
    assert sizes == [512, 512]  # half of float32's 1,024 bytes
    assert again[old].tolist() == vectors[old].tolist()
    assert again[new].tolist() == vectors[new].tolist()
    assert abs(float(np.linalg.norm(again[new])) - 1.0) < 1e-3


class Hashed:
    """A stand-in model: 8 dimensions from the text's words (deterministic, no weights)."""

    name = "hashed-8"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.fail:
            raise RuntimeError("the model broke half-way")
        rows = np.zeros((len(texts), 8), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                rows[i, sum(map(ord, word)) % 8] += 1.0
        return rows


def test_reembed_replaces_every_vector_and_centroid_and_nothing_else(tmp_path: Path) -> None:
    from conftest import article_text
    from storyline.store.story_tables import as_stored

    files = []
    for i in range(4):
        files.append(tmp_path / f"a{i}.txt")
        files[-1].write_text(article_text(i))
    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        sl.ingest(files, embeddings="static", lang="en")
        stories = {s["id"]: s["article_ids"] for s in sl.stories(limit=None)}
        with pytest.raises(RuntimeError):  # a failure half-way changes nothing
            sl.reembed(Hashed(fail=True))
        assert sl.store.stories.meta("embedding_model") == STATIC_NAME
        done = sl.reembed(Hashed())
        assert (done.model, done.previous, done.articles, done.skipped) == (
            "hashed-8", STATIC_NAME, 4, 0)
        tables = sl.store.stories
        assert tables.meta("embedding_model") == "hashed-8" and tables.meta(
            "embedding_dim") == "8"
        assert {s["id"]: s["article_ids"] for s in sl.stories(limit=None)} == stories
        for story_id, members in stories.items():
            rows = tables.embeddings(members)
            assert len(rows) == len(members)
            centroid = tables.dense_centroid(story_id)
            assert centroid is not None and centroid.members == len(members)
            assert np.allclose(centroid.total, np.sum([rows[m] for m in members], axis=0),
                               atol=1e-6)
        expected = as_stored(Hashed().encode([article_text(0)]))  # title + lead as stored
        assert expected.shape == (1, 8)
        more = tmp_path / "more.txt"
        more.write_text(article_text(9))
        assert len(sl.ingest([more], embeddings=Hashed(), lang="en").ingested) == 1
        with pytest.raises(ModelMismatchError):
            sl.ingest([tmp_path / "a0.txt"], embeddings="static")
    result = CliRunner().invoke(app, ["reembed", "--embeddings", "static", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "wordllama-l2-supercat-256 (was hashed-8): 5 articles embedded" in result.output
    bad = CliRunner().invoke(app, ["reembed", "--embeddings", str(tmp_path / "nowhere"),
                                   "--db", str(db)])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1


def test_the_same_input_with_the_static_model_gives_the_same_stories(tmp_path: Path) -> None:
    from conftest import article_text

    files = []
    for i in range(6):
        files.append(tmp_path / f"a{i}.txt")
        files[-1].write_text(article_text(i % 3) + ("\n\nA later update." if i >= 3 else ""))
    runs = []
    for name in ("one.db", "two.db"):
        with Storyline(tmp_path / name) as sl:
            sl.ingest(files, embeddings="static", lang="en")
            runs.append(sorted((s["id"], tuple(s["article_ids"]))
                               for s in sl.stories(limit=None)))
    assert runs[0] == runs[1]

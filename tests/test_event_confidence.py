"""Event confidence: every event carries one, what is shown by default is above the
shipped threshold, and the model file is what the code expects."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from storyline.api import Storyline
from storyline.evaluation.events import evaluate_events
from storyline.extract.event_confidence import (
    FEATURES,
    ConfidenceModel,
    default_min_confidence,
    load_model,
    parse_model,
    score_events,
    shown,
)
from storyline.extract.run import extract

TEXT = ("Russian troops attacked the Ukrainian town of Izium on Tuesday, officials said.\n\n"
        "The foreign minister of Finland will visit Oslo next week to meet Norway's prime "
        "minister.\n\n"
        "Shares of the carmaker rose 3 percent after it agreed to buy a battery start-up.")


def test_the_shipped_model_matches_the_code() -> None:
    data = json.loads(resources.files("storyline").joinpath(
        "data", "models", "event_confidence.json").read_text("utf-8"))
    assert tuple(data["judge"]["features"]) == FEATURES
    model = load_model()
    assert model.judge_weights.shape == (len(FEATURES),)
    assert model.gate_weights.shape == (2 * 256 + 17,)  # sentence, window, type
    assert 0.0 < default_min_confidence() < 1.0
    assert "CC BY-SA 4.0" in data["about"]  # the licence of what it was trained on


def test_a_model_of_other_features_is_refused() -> None:
    data = json.loads(resources.files("storyline").joinpath(
        "data", "models", "event_confidence.json").read_text("utf-8"))
    data["judge"]["features"] = ["gate", "something_else"]
    with pytest.raises(ValueError, match="rebuild it"):
        parse_model(data)


def test_spans_are_pooled_from_the_texts_own_tokens() -> None:
    from storyline.semantic.load import load_encoder
    from storyline.semantic.static import StaticEncoder

    encoder = load_encoder("static")
    assert isinstance(encoder, StaticEncoder)
    text = "Government jets bombed the harbour of Tartus on Tuesday."
    whole, parts = encoder.encode_spans([text, ""], [[(0, 23), (200, 210)], [(0, 5)]])
    assert np.allclose(whole[0], encoder.encode([text])[0], atol=1e-5)
    assert float(np.linalg.norm(parts[0][0])) == pytest.approx(1.0, abs=1e-5)
    assert float(parts[0][0] @ encoder.encode(["Government jets bombed"])[0]) > 0.99
    assert not parts[0][1].any() and not whole[1].any() and not parts[1].any()


def test_every_event_has_a_confidence() -> None:
    events = extract(TEXT, "en", "2024-06-12").events
    assert events
    assert all(e.confidence is not None and 0.0 <= e.confidence <= 1.0 for e in events)
    unscored = extract(TEXT, "en", "2024-06-12", score=False).events
    assert all(e.confidence is None for e in unscored)
    assert [e.trigger for e in unscored] == [e.trigger for e in events]


def test_the_judge_reads_the_gate() -> None:
    """The same event in a sentence the gate thinks political is surer than in one it
    does not: the confidence follows the gate's logit."""
    events = list(extract(TEXT, "en", "2024-06-12", score=False).events)
    model = load_model()

    def fixed(value: float) -> ConfidenceModel:
        return replace(model, gate_weights=np.zeros_like(model.gate_weights), gate_bias=value)

    class Flat:
        def encode_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]
                         ) -> tuple[np.ndarray, list[np.ndarray]]:
            return (np.zeros((len(texts), 256), dtype=np.float32),
                    [np.zeros((len(s), 256), dtype=np.float32) for s in spans])

    low = score_events(events, TEXT, encoder=Flat(), model=fixed(-4.0))
    high = score_events(events, TEXT, encoder=Flat(), model=fixed(4.0))
    assert model.judge_weights[FEATURES.index("gate")] > 0
    for a, b in zip(low, high, strict=True):
        assert a.confidence is not None and b.confidence is not None
        assert a.confidence < b.confidence


def test_shown_uses_the_threshold() -> None:
    e = extract(TEXT, "en", "2024-06-12").events[0]
    t = default_min_confidence()
    assert shown(replace(e, confidence=t)) and not shown(replace(e, confidence=t - 0.01))
    assert shown(replace(e, confidence=0.0), 0.0)
    assert shown(replace(e, confidence=None))  # stored before events had a confidence


def test_the_api_hides_unsure_events_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    with Storyline(tmp_path / "s.db") as sl:
        sl.ingest([tmp_path / "a.txt"], published="2024-06-12")
        every = sl.events(min_confidence=0.0, limit=None)
        default = sl.events(limit=None)
        assert every and len(default) <= len(every)
        assert all(r.event.confidence is not None
                   and r.event.confidence >= default_min_confidence() for r in default)
        with pytest.raises(ValueError, match="min_confidence"):
            sl.events(min_confidence=1.5)


def _no_event_folder(root: Path) -> Path:
    """A tiny stand-in for ../shared/eval: two MEANTIME-shaped documents and a UCI-shaped
    headline file, all written here."""
    corpus = root / "meantime-newsreader-en" / "intra_cross-doc_annotation" / "corpus_x"
    corpus.mkdir(parents=True)
    sentences = [["Acme", "headline"], ["May", "1"],
                 ["Acme", "Corp", "said", "its", "quarterly", "profit", "rose", "sharply", "."],
                 ["The", "company", "'s", "shares", "closed", "two", "percent", "higher", "."]]
    for n in range(2):
        tokens = "".join(f'<token sentence="{i}" number="{j}">{w}</token>'
                         for i, s in enumerate(sentences) for j, w in enumerate(s))
        (corpus / f"doc{n}.xml").write_text(f"<Document>{tokens}</Document>")
    uci = root / "uci-news-aggregator-sample"
    uci.mkdir()
    (uci / "uci-news-aggregator-first6367.csv").write_text(
        "ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP\n"
        "1,New phone sales beat forecasts in spring quarter,u,p,t,s,h,1\n"
        "2,Film festival opens with a comedy about a baker,u,p,e,s,h,1\n")
    return root


def test_no_event_sentences_are_scored(tmp_path: Path) -> None:
    root = _no_event_folder(tmp_path)
    report = evaluate_events(root, part="all", min_confidence=default_min_confidence())
    assert report.format == "no-event" and report.records == 6
    assert all(o.record.label == "NONE" for o in report.outcomes)
    assert report.accuracy == sum(o.predicted == "NONE" for o in report.outcomes) / 6

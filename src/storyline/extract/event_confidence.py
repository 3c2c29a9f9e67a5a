"""How sure an event is: a learned probability that a rule event is right, so that what is
shown by default is what an analyst would sign.

The rules of ``events.py`` propose events; two small logistic models, trained by
``scripts/train_event_confidence.py`` and shipped in ``data/models/event_confidence.json``,
judge them:

1. *the sentence gate*: does this sentence report a political event at all? Its input is
   the sentence's static vector (``semantic.static``) and the PLOVER types the rules found
   in it. It is what tells "Germany's carmakers agreed on a price" (business news: PLOVER
   codes nothing) from "Germany agreed to send tanks".
2. *the event judge*: is this event right? Its input is the gate's logit and what the rule
   saw: whether it found a source and a target, whether the sentence reports speech,
   whether it is a run-on (a flattened table) or in capitals (a wire), how many events
   the sentence holds and whether this is the first, and the type the statement codes.
   The status is left out: the training labels code a called-off or promised act as
   another type, so the judge would learn to doubt every planned or cancelled event.
   (Words inside a quotation never reach it: ``find_events`` leaves them out.)

Why not a learned classifier of the type itself: trained on the data we may ship (the
PLOVER gold records' tune half, the NGEC synthetic leads), it typed the held-out gold half
worse than the rules (0.59 against 0.71; ``benchmarks/README.md``, "Event confidence"). The
rules keep the type; the models keep the rules honest.

Weights are read once per process. An event's ``confidence`` is the judge's probability.
``DEFAULT_MIN_CONFIDENCE`` (in the model file) is the threshold chosen on the training
data's cross-validated scores; ``events``, the report, the CSV and the web hide events
under it unless asked.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Protocol, cast

import numpy as np

from storyline.extract.events import coded_type
from storyline.extract.types import PLOVER_TYPES, Event

#: Names of the judge's inputs, in the order of its weights.
FEATURES: tuple[str, ...] = (
    "gate", "source", "target", "source_country", "target_country", "source_sector",
    "target_sector", "source_after", "target_before", "far_source", "passive", "speech",
    "very_long", "caps", "log_events", "first", "multiword", "cameo",
    *(f"type_{t}" for t in PLOVER_TYPES))
_TYPE_AT = FEATURES.index("type_AGREE")
#: Reporting words: the sentence tells what someone said (the act may be the saying).
_SPEECH = re.compile(r"\b(?:said|says|say|told|tells|according to|stated|added|claimed|"
                     r"insisted|argued|noted|wrote|quoted)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
#: Words past which a "sentence" is likely a flattened table or a run-on list. (The length
#: itself is not an input: the no-event sets are short headlines, so it would learn that
#: short means no event.)
LONG = 80
#: Characters between a source and its trigger past which the source is a guess.
FAR_CHARS = 60
_BE = frozenset({"was", "were", "been", "being", "is", "are", "be"})
#: Characters either side of a trigger in its window (about six words).
WINDOW_CHARS = 40


@dataclass(frozen=True, slots=True)
class ConfidenceModel:
    """The gate's weights (``gate_inputs``: sentence vector, window vector, type) and the
    judge's (one per ``FEATURES`` name), with their intercepts and the default threshold."""

    gate_weights: np.ndarray
    gate_bias: float
    judge_weights: np.ndarray
    judge_bias: float
    threshold: float
    encoder: str


def window(event: Event) -> tuple[int, int]:
    """The trigger and up to ``WINDOW`` tokens either side of it, inside its sentence, as a
    character span: what tells "fired rockets" from "fired the coach"."""
    return max(event.start, event.trigger_start - WINDOW_CHARS), min(
        event.end, event.trigger_end + WINDOW_CHARS)


def kind_of(event: Event, sentence: str) -> str:
    """The type the statement codes (``coded_type``), else the act's own."""
    return coded_type(event, sentence) or event.type


class SpanEncoder(Protocol):
    """What the gate needs of a sentence model (``semantic.static.StaticEncoder``)."""

    def encode_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]
                     ) -> tuple[np.ndarray, list[np.ndarray]]: ...


def gate_inputs(sentence: np.ndarray, near: np.ndarray, kind: str) -> np.ndarray:
    """The sentence's vector, the trigger window's, then one column per PLOVER type (the
    event's) and one for a type outside the list."""
    one = np.zeros(len(PLOVER_TYPES) + 1, dtype=np.float32)
    one[PLOVER_TYPES.index(kind) if kind in PLOVER_TYPES else -1] = 1.0
    return np.concatenate([sentence.astype(np.float32), near.astype(np.float32), one])


def gate_rows(events: Sequence[Event], text: str, encoder: SpanEncoder,
              kinds: Sequence[str] | None = None) -> np.ndarray:
    """One gate input row per event: each sentence is tokenised once, its events' windows
    are pooled from the same tokens. ``kinds``: the events' ``kind_of``, if known."""
    if not events:
        return np.zeros((0, 0), dtype=np.float32)
    if kinds is None:
        kinds = [kind_of(e, text[e.start:e.end]) for e in events]
    spans = sorted({(e.start, e.end) for e in events})
    at = {span: i for i, span in enumerate(spans)}
    wanted: list[list[tuple[int, int]]] = [[] for _ in spans]
    slot: list[tuple[int, int]] = []
    for e in events:
        i = at[(e.start, e.end)]
        a, b = window(e)
        slot.append((i, len(wanted[i])))
        wanted[i].append((a - e.start, b - e.start))
    whole, parts = encoder.encode_spans([text[a:b] for a, b in spans], wanted)
    return np.stack([gate_inputs(whole[i], parts[i][j], kind)
                     for kind, (i, j) in zip(kinds, slot, strict=True)])


def judge_inputs(event: Event, sentence: str, gate_logit: float, events_in_sentence: int,
                 first: bool) -> np.ndarray:
    rows = judge_matrix([event], {(event.start, event.end): sentence}, [gate_logit],
                        [events_in_sentence], [first])
    return np.asarray(rows[0], dtype=np.float32)


def judge_matrix(events: Sequence[Event], sentences: dict[tuple[int, int], str],
                 gates: Sequence[float], counts: Sequence[int], firsts: Sequence[bool],
                 kinds: Sequence[str] | None = None) -> np.ndarray:
    """The judge's inputs, one row per event; what depends on the sentence alone is read
    once per sentence. ``kinds``: the events' ``kind_of``, if known."""
    per_sentence: dict[tuple[int, int], tuple[float, float, float]] = {}
    for span, sentence in sentences.items():
        letters = [c for c in sentence if c.isalpha()]
        caps = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
        per_sentence[span] = (float(bool(_SPEECH.search(sentence))),
                              float(len(_WORD.findall(sentence)) > LONG), float(caps > 0.6))
    x = np.zeros((len(events), len(FEATURES)), dtype=np.float32)
    for row, (e, gate, count, first) in enumerate(zip(events, gates, counts, firsts,
                                                      strict=True)):
        src, tgt = e.source, e.target
        speech, very_long, caps_flag = per_sentence[(e.start, e.end)]
        sentence = sentences[(e.start, e.end)]
        before = sentence[:max(0, e.trigger_start - e.start)].split()[-3:]
        values = (
            gate, src is not None, tgt is not None,
            src is not None and src.country is not None,
            tgt is not None and tgt.country is not None,
            src is not None and src.sector is not None,
            tgt is not None and tgt.sector is not None,
            # the doer after the act, the one acted on before it: passives, or a mix-up
            src is not None and src.start > e.trigger_start,
            tgt is not None and tgt.start < e.trigger_start,
            src is not None and abs(e.trigger_start - src.end) > FAR_CHARS,
            any(w.lower() in _BE for w in before),
            speech, very_long, caps_flag, math.log(max(1, count)), first,
            len(e.trigger.split()) > 1, "cameo=" in e.pattern)
        x[row, :len(values)] = values
        kind = kinds[row] if kinds is not None else kind_of(e, sentence)
        if kind in PLOVER_TYPES:
            x[row, _TYPE_AT + PLOVER_TYPES.index(kind)] = 1.0
    return x


def score_events(events: Sequence[Event], text: str, encoder: SpanEncoder | None = None,
                 model: ConfidenceModel | None = None) -> list[Event]:
    """The events with ``confidence`` set. ``encoder`` gives the vectors (default: the
    static model the weights were fitted with); only sentences that hold an event are
    encoded, once each."""
    if not events:
        return []
    model = model or load_model()
    kinds = [kind_of(e, text[e.start:e.end]) for e in events]
    gates = gate_rows(events, text, encoder or _static(), kinds) @ model.gate_weights \
        + model.gate_bias
    counts = Counter(e.sentence for e in events)
    seen: set[int] = set()
    firsts = [False] * len(events)
    for k in sorted(range(len(events)), key=lambda k: events[k].trigger_start):
        firsts[k] = events[k].sentence not in seen
        seen.add(events[k].sentence)
    sentences = {(e.start, e.end): text[e.start:e.end] for e in events}
    x = judge_matrix(events, sentences, [float(g) for g in gates],
                     [counts[e.sentence] for e in events], firsts, kinds)
    logits = np.clip(x @ model.judge_weights + model.judge_bias, -30.0, 30.0)
    probs = 1.0 / (1.0 + np.exp(-logits))
    return [replace(e, confidence=round(float(p), 4)) for e, p in zip(events, probs,
                                                                      strict=True)]


def _static() -> SpanEncoder:
    from storyline.semantic.load import load_encoder
    from storyline.semantic.static import STATIC

    return cast(SpanEncoder, load_encoder(STATIC))


def parse_model(data: dict[str, object]) -> ConfidenceModel:
    gate = data["gate"]
    judge = data["judge"]
    if not isinstance(gate, dict) or not isinstance(judge, dict):
        raise ValueError("event confidence model: 'gate' and 'judge' must be objects")
    names = tuple(judge["features"])
    if names != FEATURES:
        raise ValueError("event confidence model: its features are not this version's; "
                         "rebuild it with scripts/train_event_confidence.py")
    return ConfidenceModel(
        gate_weights=np.asarray(gate["weights"], dtype=np.float32),
        gate_bias=float(gate["bias"]),
        judge_weights=np.asarray(judge["weights"], dtype=np.float32),
        judge_bias=float(judge["bias"]),
        threshold=float(str(data["default_min_confidence"])),
        encoder=str(data["encoder"]))


@lru_cache(maxsize=1)
def load_model() -> ConfidenceModel:
    """The shipped model (read once per process: it is read-only)."""
    text = resources.files("storyline").joinpath("data", "models", "event_confidence.json"
                                                 ).read_text("utf-8")
    return parse_model(json.loads(text))


def default_min_confidence() -> float:
    return load_model().threshold


def shown(event: Event, min_confidence: float | None = None) -> bool:
    """Whether ``event`` is shown at ``min_confidence`` (None: the default threshold). An
    event stored before events had a confidence is shown, as it was."""
    if event.confidence is None:
        return True
    threshold = default_min_confidence() if min_confidence is None else min_confidence
    return event.confidence >= threshold

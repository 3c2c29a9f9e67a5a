"""Sentences labelled with a PLOVER type or "no event", for training and checking the
event confidence model (``extract/event_confidence.py``).

Every reader takes a folder of ``../shared/eval`` where it lives (nothing is copied into
the project) and a ``part``: ``tune`` or ``held-out``, split by record or document
position, so that a model fitted on one part is checked on the other.

- ``gsr``: the PLOVER gold-standard records (CC BY-SA 4.0), types remapped to the POLECAT
  set; ``tune`` the even records, ``held-out`` the odd ones, as ``storyline eval events``.
- ``ngec``: the NGEC synthetic stories (the repository is MIT; machine-written text, the
  label is the prompted type): the story's first sentence, where a wire story states its
  event. ``tune`` the even stories.
- ``meantime``: every sentence of the MEANTIME Wikinews articles (CC BY 4.0) on Airbus,
  Apple, car makers and stock markets, as "no event": business and market news, where
  PLOVER codes nothing. ``tune`` the even documents of each corpus.
- ``uci``: the UCI News Aggregator headlines (CC BY 4.0) of business, technology,
  entertainment and health, as "no event". ``tune`` the even rows.

The no-event sets are not clean: a few market sentences do report a strike or a lawsuit.
They stand for the news Storyline reads that is not about political actors, which is most
of it.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storyline.evaluation.events import NONE, read_plover_gsr

PARTS = ("tune", "held-out", "all")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")
_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", "%", ")", "]", "'s", "n't",
                              "'re", "'ve", "'ll", "'d", "'m", "”", "’"})
_NO_SPACE_AFTER = frozenset({"(", "[", "$", "“", "‘"})


@dataclass(frozen=True, slots=True)
class Sentence:
    """One labelled sentence: ``label`` is a PLOVER type or ``NONE``."""

    text: str
    label: str
    corpus: str
    id: str


def _keep(index: int, part: str) -> bool:
    if part == "all":
        return True
    return (index % 2 == 0) == (part == "tune")


def gsr(path: Path, part: str) -> list[Sentence]:
    return [Sentence(r.text, r.label, "gsr", r.id)
            for i, r in enumerate(read_plover_gsr(path)) if _keep(i, part)]


def first_sentence(text: str) -> str:
    """The first sentence of a story's first paragraph (a wire lead)."""
    para = next((p.strip() for p in text.split("\n") if len(p.split()) >= 6), "")
    parts = _SENTENCE_END.split(para, maxsplit=1)
    return parts[0].strip() if parts else ""


def ngec(path: Path, part: str) -> list[Sentence]:
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if not _keep(i, part):
                continue
            label = (row.get("label") or "").strip().upper()
            lead = first_sentence(row.get("text") or "")
            if label and len(lead.split()) >= 6:
                out.append(Sentence(lead, label, "ngec", str(i)))
    return out


def detokenise(tokens: list[str]) -> str:
    out = ""
    for tok in tokens:
        if out and tok not in _NO_SPACE_BEFORE and out[-1] not in "($[“‘":
            out += " "
        out += tok
    return out


def meantime(folder: Path, part: str) -> list[Sentence]:
    out = []
    root = folder / "intra_cross-doc_annotation"
    for corpus in sorted(p for p in root.iterdir() if p.is_dir()):
        for i, doc in enumerate(sorted(corpus.glob("*.xml"))):
            if not _keep(i, part):
                continue
            sentences: dict[int, list[str]] = {}
            for tok in ET.parse(doc).getroot().iter("token"):
                sentences.setdefault(int(tok.get("sentence", "0")), []).append(tok.text or "")
            for n, toks in sorted(sentences.items()):
                if n < 2 or len(toks) < 6:  # the headline and the dateline
                    continue
                out.append(Sentence(detokenise(toks), NONE, "meantime", f"{doc.stem}:{n}"))
    return out


def uci(path: Path, part: str) -> list[Sentence]:
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            title = (row.get("TITLE") or "").strip()
            if _keep(i, part) and len(title.split()) >= 5:
                out.append(Sentence(title, NONE, "uci", row.get("ID") or str(i)))
    return out


def corpora(eval_root: Path) -> dict[str, Path]:
    """Where each reader finds its data under ``../shared/eval``."""
    return {
        "gsr": eval_root / "events-plover-gsr" / "PLOVER_GSR_CAMEO.json",
        "ngec": eval_root / "events-ngec-synthetic-plover" / "gpt_synthetic_events_2023-10-19.csv",
        "meantime": eval_root / "meantime-newsreader-en",
        "uci": eval_root / "uci-news-aggregator-sample" / "uci-news-aggregator-first6367.csv",
    }


READERS = {"gsr": gsr, "ngec": ngec, "meantime": meantime, "uci": uci}


def read(eval_root: Path, names: tuple[str, ...], part: str) -> list[Sentence]:
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    paths = corpora(eval_root)
    out: list[Sentence] = []
    for name in names:
        if not paths[name].exists():
            raise FileNotFoundError(f"{paths[name]}: {name} data not found")
        out.extend(READERS[name](paths[name], part))
    return out

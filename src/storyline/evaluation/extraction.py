"""Main-text extraction of news pages, scored on word overlap with human-labelled text.

Data format: the L3S-GN1 layout (``ground-truth.json`` mapping a page id to its
``articleBody`` and ``headline``, and ``original/<id>.html.gz``). Each page is scored twice:
trafilatura's extraction alone (the baseline) and after Storyline's cleaning, so the
cleaner's effect on real pages is measured, not assumed.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from storyline.clean import clean_document
from storyline.ingest.decode import DecodeError, declared_charset, decode
from storyline.ingest.html import parse_html
from storyline.models import Reject

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Overlap:
    """Micro- and macro-averaged word precision/recall over pages."""

    hit: int = 0
    system: int = 0
    gold: int = 0
    per_page: list[tuple[float, float, float]] = field(default_factory=list)

    def add(self, system: str, gold: str) -> None:
        sys_words, gold_words = _bag(system), _bag(gold)
        hit = sum((sys_words & gold_words).values())
        n_sys, n_gold = sum(sys_words.values()), sum(gold_words.values())
        self.hit += hit
        self.system += n_sys
        self.gold += n_gold
        p = hit / n_sys if n_sys else 0.0
        r = hit / n_gold if n_gold else 1.0
        self.per_page.append((p, r, _f1(p, r)))

    @property
    def precision(self) -> float:
        return self.hit / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.hit / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def macro_f1(self) -> float:
        return sum(f for _, _, f in self.per_page) / len(self.per_page) if self.per_page else 0.0


@dataclass
class ExtractionReport:
    pages: int
    rejected: list[tuple[str, str]]
    baseline: Overlap
    cleaned: Overlap
    removed_lines: int
    removed_gold_words: int


def _bag(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_extraction(folder: Path, limit: int | None = None) -> ExtractionReport:
    truth: dict[str, dict[str, str]] = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    baseline, cleaned = Overlap(), Overlap()
    rejected: list[tuple[str, str]] = []
    removed_lines = removed_gold = 0
    for page_id in sorted(truth)[:limit]:
        gold_doc = truth[page_id]
        gold = " ".join(filter(None, (gold_doc.get("headline"), gold_doc.get("articleBody"))))
        path = folder / "original" / f"{page_id}.html.gz"
        data = gzip.decompress(path.read_bytes())
        try:
            raw = parse_html(decode(data, declared=declared_charset(data)), origin=str(path))
        except DecodeError as exc:
            raw = Reject(str(path), str(exc))
        if isinstance(raw, Reject):
            rejected.append((page_id, raw.reason))
            baseline.add("", gold)
            cleaned.add("", gold)
            continue
        baseline.add(f"{raw.title or ''}\n{raw.text}", gold)
        try:
            doc = clean_document(raw)
            cleaned.add(f"{doc.title}\n{doc.text}", gold)
            removed_lines += len(doc.removed)
            gold_bag = _bag(gold)
            removed_gold += sum(
                (_bag(" ".join(r.text for r in doc.removed)) & gold_bag).values()
            )
        except ValueError:
            cleaned.add("", gold)
    return ExtractionReport(
        pages=len(baseline.per_page),
        rejected=rejected,
        baseline=baseline,
        cleaned=cleaned,
        removed_lines=removed_lines,
        removed_gold_words=removed_gold,
    )

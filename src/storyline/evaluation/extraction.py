"""Main-text extraction of news pages against human-labelled article bodies.

Two folder layouts are read, both a ``ground-truth.json`` mapping a page id to its
``articleBody``, plus gzipped pages:

* L3S-GN1: ``original/<id>.html.gz``;
* Scrapinghub article-extraction-benchmark: ``html/<id>.html.gz``.

Three systems are scored on every page, so Storyline is measured against the extractor it
builds on rather than assumed to improve it: plain ``trafilatura.extract`` with its default
settings, Storyline's ``parse_html``, and ``parse_html`` followed by cleaning. A page
Storyline rejects as a non-article counts as empty output for its two rows. Only article
bodies are compared (a title is metadata, and the baseline gives none).

Two measures: word-bag overlap (micro and macro averaged), and the Scrapinghub benchmark's
own measure, 4-token shingles, so figures on that benchmark are comparable with its table.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import trafilatura

from storyline.clean import clean_document
from storyline.ingest.decode import DecodeError, declared_charset, decode
from storyline.ingest.html import parse_html
from storyline.models import Reject

Layout = Literal["l3s-gn1", "scrapinghub"]

#: Page folder of each layout.
PAGE_FOLDERS: dict[Layout, str] = {"l3s-gn1": "original", "scrapinghub": "html"}
#: Tokens per shingle in the Scrapinghub measure.
SHINGLE_TOKENS = 4
BASELINE = "trafilatura.extract (baseline)"
PARSED = "storyline parse_html"
CLEANED = "storyline parse_html + clean"

_WORD = re.compile(r"\w+", re.UNICODE)


class LayoutError(ValueError):
    """The folder is not one of the known layouts; the message is one line for the user."""


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
class Shingles:
    """The Scrapinghub benchmark's measure, re-implemented from its description.

    Each page's true/false positive and false negative shingle counts are scaled to sum to 1,
    so long pages do not outweigh short ones. Precision is averaged over the pages with any
    output (an empty output has no precision, only a recall of 0), recall over the pages with
    any gold text, and F1 is taken of the two averages.
    """

    per_page: list[tuple[float, float, float]] = field(default_factory=list)

    def add(self, system: str, gold: str) -> None:
        sys_sh, gold_sh = _shingles(system), _shingles(gold)
        tp = sum((sys_sh & gold_sh).values())
        fp, fn = sum(sys_sh.values()) - tp, sum(gold_sh.values()) - tp
        total = tp + fp + fn
        self.per_page.append((tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0))

    @property
    def precision(self) -> float:
        scores = [tp / (tp + fp) for tp, fp, _ in self.per_page if tp + fp > 0]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def recall(self) -> float:
        scores = [tp / (tp + fn) for tp, _, fn in self.per_page if tp + fn > 0]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


@dataclass
class SystemScore:
    name: str
    words: Overlap = field(default_factory=Overlap)
    shingles: Shingles = field(default_factory=Shingles)

    def add(self, system: str, gold: str) -> None:
        self.words.add(system, gold)
        self.shingles.add(system, gold)


@dataclass
class ExtractionReport:
    layout: Layout
    pages: int
    rejected: list[tuple[str, str]]
    systems: list[SystemScore]
    removed_lines: int
    removed_gold_words: int

    @property
    def cleaned(self) -> Overlap:
        """Word overlap of Storyline's full extraction (parse and clean)."""
        return self.systems[-1].words


def _bag(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    """Runs of 4 tokens, case kept; a text of fewer tokens is one shingle of them all."""
    tokens = _WORD.findall(text)
    if len(tokens) < SHINGLE_TOKENS:
        return Counter([tuple(tokens)]) if tokens else Counter()
    n = SHINGLE_TOKENS
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def detect_layout(folder: Path) -> Layout:
    """Which layout ``folder`` is in, or a LayoutError that says what is missing."""
    if not folder.is_dir():
        raise LayoutError(f"{folder}: no such folder")
    if not (folder / "ground-truth.json").is_file():
        raise LayoutError(
            f"{folder}: no ground-truth.json (expected the L3S-GN1 or Scrapinghub layout)"
        )
    for layout, pages in PAGE_FOLDERS.items():
        if (folder / pages).is_dir():
            return layout
    raise LayoutError(
        f"{folder}: neither original/ (L3S-GN1) nor html/ (Scrapinghub) holds the pages"
    )


def _load_truth(folder: Path) -> dict[str, dict[str, str]]:
    try:
        truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayoutError(f"{folder / 'ground-truth.json'}: not readable JSON ({exc})") from None
    if not isinstance(truth, dict) or not all(isinstance(v, dict) for v in truth.values()):
        raise LayoutError(f"{folder / 'ground-truth.json'}: expected {{page id: {{articleBody}}}}")
    return truth


def evaluate_extraction(folder: Path, limit: int | None = None) -> ExtractionReport:
    """Score the three systems on the pages of ``folder`` (the first ``limit`` by id)."""
    layout = detect_layout(folder)
    truth = _load_truth(folder)
    ids = sorted(truth)[:limit]
    pages = folder / PAGE_FOLDERS[layout]
    missing = [i for i in ids if not (pages / f"{i}.html.gz").is_file()]
    if missing:
        raise LayoutError(
            f"{pages}: {len(missing)} of {len(ids)} pages missing (first: {missing[0]}.html.gz)"
        )
    base, parsed, cleaned = SystemScore(BASELINE), SystemScore(PARSED), SystemScore(CLEANED)
    rejected: list[tuple[str, str]] = []
    removed_lines = removed_gold = 0
    for page_id in ids:
        gold = truth[page_id].get("articleBody") or ""
        path = pages / f"{page_id}.html.gz"
        data = gzip.decompress(path.read_bytes())
        try:
            html = decode(data, declared=declared_charset(data))
        except DecodeError as exc:
            rejected.append((page_id, str(exc)))
            for system in (base, parsed, cleaned):
                system.add("", gold)
            continue
        # The baseline gets the same decoded text, so only extraction differs between rows.
        base.add(trafilatura.extract(html) or "", gold)
        raw = parse_html(html, origin=str(path))
        if isinstance(raw, Reject):
            rejected.append((page_id, raw.reason))
            parsed.add("", gold)
            cleaned.add("", gold)
            continue
        parsed.add(raw.text, gold)
        try:
            doc = clean_document(raw)
        except ValueError as exc:
            rejected.append((page_id, str(exc)))
            cleaned.add("", gold)
            continue
        cleaned.add(doc.text, gold)
        removed_lines += len(doc.removed)
        gold_bag = _bag(gold)
        removed_gold += sum((_bag(" ".join(r.text for r in doc.removed)) & gold_bag).values())
    return ExtractionReport(
        layout=layout,
        pages=len(ids),
        rejected=rejected,
        systems=[base, parsed, cleaned],
        removed_lines=removed_lines,
        removed_gold_words=removed_gold,
    )

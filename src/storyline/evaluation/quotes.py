"""Direct quotations and their speakers against PolNeAR (Newell et al., LREC 2018).

Input: ``derived/polnear_<split>_attributions.jsonl`` of the PolNeAR folder (one record per
attribution: article, annotator, source/cue/content with character offsets,
``content_is_quoted``), the article texts in ``<folder>/<split>/text/<article>.txt``. Each
article goes through the same path as ingest: ``nlp.pipeline("en")``, ``find_mentions(doc)``,
``find_quotes(doc, mentions)``.

Scoring, exactly:

* Annotator: articles annotated by several people use the alphabetically first annotator.
* Gold quotes: the content of each attribution with ``content_is_quoted`` (content opens
  with a quote mark). Its content segments are merged where only whitespace separates them
  (a quote split at paragraph breaks), and each merged piece that opens with a quote mark is
  one gold quote: "“A,” he said, “B.”" is two gold quotes with the same speaker.
* Counted system quotes: every quote except partial quotes with no speaker (the scare quotes
  and quoted titles the extractor reports as unattributed phrases). The ``all quotes`` row
  counts those too.
* Don't-care: a counted system quote that matches no gold quote but lies (for at least half
  its length) inside the content of an attribution that is *not* ``content_is_quoted`` (a
  quoted fragment of reported speech, "reports that … “keep the details under wraps”") is
  left out of precision: the annotation neither confirms nor denies it as a quote. The
  ``strict`` row counts it as a false positive.
* Match: a system quote and a gold quote match when their character spans overlap by at least
  50% of the longer of the two; pairs are taken one-to-one, largest overlap first. ``exact``
  instead requires equal spans once quote marks, spaces and ``,.;:`` are trimmed from both.
* Speaker accuracy, over matched gold quotes whose attribution has a source: correct when the
  system's speaker span overlaps the gold source span; or, for a gold source that is not a
  pronoun, when the system's speaker name contains, as a word, the last capitalised word
  (titles such as "Mr." skipped) of the gold source before its first comma (gold "Mr.
  Obama" / system "Barack Obama"; gold "Douglas Holtz-Eakin, an economist," / system "Douglas
  Holtz-Eakin"). PolNeAR has no coreference, so a gold pronoun source ("he") is matched by
  span only. No speaker is wrong. Accuracy is also reported for pronoun and named gold
  sources separately.
* Parts: ``tune`` is the articles at even positions in name order, ``held-out`` those at odd
  positions. Rules developed while looking at PolNeAR errors were developed on ``tune`` only;
  report ``held-out`` (or both) as the unbiased figure.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.extract.entities import find_mentions
from storyline.extract.nlp import pipeline
from storyline.extract.quotes import find_quotes
from storyline.extract.types import Quote

PARTS = ("all", "tune", "held-out")
_OPEN_MARKS = "\"“”„«»‘'"
_TRIM = " \t\r\n\"“”„«»‘’'‹›,.;:"
_PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them", "we", "i", "you",
                       "who", "which", "that", "his", "its", "their"})
_TITLES = frozenset({"Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Rev", "President",
                     "Senator", "Secretary", "Judge", "Prof", "The", "A"})


@dataclass(frozen=True, slots=True)
class GoldQuote:
    article: str
    start: int
    end: int
    source: tuple[tuple[int, int], ...]
    source_text: str


@dataclass
class ArticleData:
    name: str
    text: str
    gold: list[GoldQuote]
    #: Content spans of attributions that are not direct quotes (the don't-care zone).
    indirect: list[tuple[int, int]]


@dataclass
class Counts:
    system: int = 0
    gold: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.system if self.system else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class QuoteReport:
    part: str
    articles: int = 0
    detection: Counts = field(default_factory=Counts)
    exact: Counts = field(default_factory=Counts)
    strict: Counts = field(default_factory=Counts)
    all_quotes: Counts = field(default_factory=Counts)
    ignored: int = 0
    speakers: int = 0
    speakers_right: int = 0
    pronoun: list[int] = field(default_factory=lambda: [0, 0])
    named: list[int] = field(default_factory=lambda: [0, 0])
    seconds: float = 0.0
    mistakes: list[str] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_right / self.speakers if self.speakers else 0.0

    def rows(self) -> list[dict[str, Any]]:
        def row(name: str, c: Counts) -> dict[str, Any]:
            return {"scoring": name, "system": c.system, "gold": c.gold, "matched": c.matched,
                    "precision": round(c.precision, 4), "recall": round(c.recall, 4),
                    "F1": round(c.f1, 4)}
        return [row("overlap>=50%", self.detection), row("exact", self.exact),
                row("strict (no don't-care)", self.strict), row("all quotes", self.all_quotes)]

    def as_dict(self) -> dict[str, Any]:
        def acc(pair: list[int]) -> float:
            return round(pair[0] / pair[1], 4) if pair[1] else 0.0
        return {
            "part": self.part, "articles": self.articles, "detection": self.rows(),
            "ignored (don't-care)": self.ignored,
            "speaker accuracy": round(self.speaker_accuracy, 4),
            "speakers scored": self.speakers,
            "speaker accuracy, pronoun gold": acc(self.pronoun),
            "speaker accuracy, named gold": acc(self.named),
            "articles/s (entities+quotes)": round(self.articles / self.seconds, 1)
            if self.seconds else 0.0,
        }


def _offsets(parts: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    return sorted((int(a), int(b)) for p in parts for a, b in p.get("offsets", []))


def _gold_quotes(article: str, text: str, record: dict[str, Any]) -> list[GoldQuote]:
    segments = _offsets(record.get("content", []))
    merged: list[list[int]] = []
    for a, b in segments:
        if merged and not text[merged[-1][1]:a].strip():
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    source = tuple(_offsets(record.get("source", [])))
    source_text = " ".join(p.get("text", "") for p in record.get("source", []))
    return [GoldQuote(article, a, b, source, source_text) for a, b in merged
            if text[a:b].lstrip()[:1] in _OPEN_MARKS]


def load(path: Path, texts: Path | None = None) -> list[ArticleData]:
    """Articles with their gold quotes, from the derived JSON Lines (or the PolNeAR folder)."""
    if path.is_dir():
        found = sorted(path.glob("derived/polnear_dev_attributions.jsonl")) or sorted(
            path.glob("derived/*.jsonl"))
        if not found:
            raise ValueError(f"{path}: no derived/polnear_*_attributions.jsonl")
        path = found[0]
    records: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    compartments: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                records[rec["article"]][rec["annotator"]].append(rec)
                compartments[rec["article"]] = rec.get("compartment", "dev")
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: not a PolNeAR attribution record ({exc})") from exc
    out = []
    for article in sorted(records):
        folder = texts or path.parent.parent / compartments[article] / "text"
        text = (folder / f"{article}.txt").read_text(encoding="utf-8")
        annotator = min(records[article])
        gold: dict[tuple[int, int], GoldQuote] = {}
        indirect = []
        for rec in records[article][annotator]:
            if rec.get("content_is_quoted"):
                for g in _gold_quotes(article, text, rec):
                    gold.setdefault((g.start, g.end), g)
            else:
                indirect.extend(_offsets(rec.get("content", [])))
        out.append(ArticleData(article, text, sorted(gold.values(), key=lambda g: g.start),
                               indirect))
    return out


def select(articles: list[ArticleData], part: str) -> list[ArticleData]:
    """The ``tune`` (even positions by name), ``held-out`` (odd) or ``all`` articles."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    ordered = sorted(articles, key=lambda a: a.name)
    if part == "all":
        return ordered
    return ordered[0::2] if part == "tune" else ordered[1::2]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _match(system: list[Quote], gold: list[GoldQuote]) -> list[tuple[int, int]]:
    pairs = []
    for i, q in enumerate(system):
        for j, g in enumerate(gold):
            ov = _overlap((q.start, q.end), (g.start, g.end))
            if ov and ov >= 0.5 * max(q.end - q.start, g.end - g.start):
                pairs.append((ov, i, j))
    used_s: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_s and j not in used_g:
            used_s.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return a, b


def _head_name(source: str) -> str | None:
    """The last capitalised word of the gold source before its first comma ("Obama")."""
    words = re.findall(r"[^\W\d_][\w’'.-]*", source.split(",")[0])
    names = [w.rstrip(".") for w in words if w[0].isupper() and w.rstrip(".") not in _TITLES]
    return names[-1] if names else None


def speaker_correct(q: Quote, g: GoldQuote) -> bool:
    """The speaker rule of the module docstring."""
    if q.speaker is None:
        return False
    if q.speaker_start is not None and q.speaker_end is not None and any(
            _overlap((q.speaker_start, q.speaker_end), s) for s in g.source):
        return True
    if g.source_text.strip().lower() in _PRONOUNS:
        return False
    head = _head_name(g.source_text)
    return head is not None and re.search(
        rf"(?<![\w-]){re.escape(head)}(?![\w-])", q.speaker, re.IGNORECASE) is not None


def evaluate_quotes(path: Path, part: str = "all", texts: Path | None = None,
                    mistakes: bool = False) -> QuoteReport:
    """Score ``find_quotes`` on one part of a PolNeAR split (see the module docstring)."""
    articles = select(load(path, texts), part)
    nlp = pipeline("en")
    report = QuoteReport(part, len(articles))
    for art in articles:
        doc = nlp(art.text)
        t0 = time.perf_counter()
        quotes = find_quotes(doc, find_mentions(doc))
        report.seconds += time.perf_counter() - t0
        _score(report, art, quotes, mistakes)
    return report


def _score(report: QuoteReport, art: ArticleData, quotes: list[Quote], mistakes: bool) -> None:
    text, gold = art.text, art.gold
    counted = [q for q in quotes if not (q.partial and q.speaker is None)]
    pairs = _match(counted, gold)
    matched_s = {i for i, _ in pairs}
    ignored = {i for i, q in enumerate(counted) if i not in matched_s and any(
        _overlap((q.start, q.end), s) >= 0.5 * (q.end - q.start) for s in art.indirect)}
    report.ignored += len(ignored)
    for counts, n_sys in ((report.detection, len(counted) - len(ignored)),
                          (report.strict, len(counted))):
        counts.system += n_sys
        counts.gold += len(gold)
        counts.matched += len(pairs)
    every = _match(quotes, gold)
    report.all_quotes.system += len(quotes)
    report.all_quotes.gold += len(gold)
    report.all_quotes.matched += len(every)
    gold_trim = {_trimmed(text, g.start, g.end) for g in gold}
    report.exact.gold += len(gold)
    report.exact.system += len(counted) - len(ignored)
    report.exact.matched += sum(_trimmed(text, q.start, q.end) in gold_trim for q in counted)
    for i, j in pairs:
        q, g = counted[i], gold[j]
        if not g.source:
            continue
        right = speaker_correct(q, g)
        report.speakers += 1
        report.speakers_right += right
        bucket = report.pronoun if g.source_text.strip().lower() in _PRONOUNS else report.named
        bucket[0] += right
        bucket[1] += 1
        if mistakes and not right:
            got = f"{q.speaker!r} [{q.cue}]" if q.speaker else "no speaker"
            report.mistakes.append(
                f"speaker {art.name}@{q.start}: gold {g.source_text!r}, got {got}: "
                f"{_snippet(text, q.start, q.end)}")
    if mistakes:
        found_g = {j for _, j in pairs}
        for j, g in enumerate(gold):
            if j not in found_g:
                report.mistakes.append(
                    f"missed  {art.name}@{g.start}: {_snippet(text, g.start, g.end)}")
        for i, q in enumerate(counted):
            if i not in matched_s:
                kind = "ignored" if i in ignored else "false  "
                report.mistakes.append(
                    f"{kind} {art.name}@{q.start}: {_snippet(text, q.start, q.end)} "
                    f"[{q.speaker}, {q.cue}]")


def _snippet(text: str, a: int, b: int, width: int = 60) -> str:
    body = text[a:b] if b - a <= 2 * width else text[a:a + width] + " … " + text[b - width:b]
    return " ".join(f"{text[max(0, a - 30):a]}⟦{body}⟧{text[b:b + 40]}".split())

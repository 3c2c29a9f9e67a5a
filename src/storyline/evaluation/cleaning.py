"""How well cleaning separates boilerplate from article lines, against labelled lines.

The labels file lists, per article, the exact input lines that are boilerplate. A labelled
line counts as caught when the cleaner removed a line with the same text (after the same
character repair) or when it is nowhere in the output (HTML extraction dropped it); every
other removed line is a mistake: an article line lost.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.clean.text import repair
from storyline.ingest.read import iter_units
from storyline.ingest.sources import expand
from storyline.models import Article
from storyline.pipeline import Processed, process_stream


@dataclass
class CleaningScore:
    boilerplate: int = 0
    caught: int = 0
    article_lines: int = 0
    lost: int = 0
    missed_lines: list[tuple[str, str]] = field(default_factory=list)
    lost_lines: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.boilerplate if self.boilerplate else 1.0

    @property
    def loss_rate(self) -> float:
        return self.lost / self.article_lines if self.article_lines else 0.0


@dataclass
class CleaningReport:
    total: CleaningScore
    by_format: dict[str, CleaningScore]
    articles: int
    unmatched_labels: list[str]


def _norm(line: str) -> str:
    return " ".join(repair(line).split())


def evaluate_cleaning(labels_path: Path, corpus: Path) -> CleaningReport:
    """Run ingest+clean over ``corpus`` and score removals against ``labels_path``."""
    labels: dict[str, Any] = json.loads(labels_path.read_text("utf-8"))
    wanted = {a["key"]: a for a in labels["articles"]}
    results: dict[str, Article] = {}
    units = iter_units(expand([str(corpus)]))
    for item in process_stream(units, workers=1):
        if not isinstance(item, Processed):
            continue
        path, _, record = item.article.origin.partition("#")
        key = Path(path).relative_to(corpus).as_posix() + (f"#{record}" if record else "")
        results[key] = item.article
    total = CleaningScore()
    by_format: dict[str, CleaningScore] = defaultdict(CleaningScore)
    unmatched = sorted(set(wanted) - set(results))
    for key, label in wanted.items():
        article = results.get(key)
        if article is None:
            continue
        boiler = {_norm(line) for line in label.get("boilerplate_lines", [])}
        removed = {_norm(r.text): r.reason for r in article.removed}
        kept_lines = len(article.text.split("\n\n")) + (0 if article.title_inferred else 1)
        output = [_norm(p) for p in (article.title, *article.text.split("\n\n"))]
        # Gone is gone: boilerplate that extraction already dropped counts as removed too.
        caught = {b for b in boiler if b in removed or not any(b in p for p in output)}
        lost = [(text, reason) for text, reason in removed.items() if text not in boiler]
        # A glued prefix ("Source Link", "Home » World »") is part of a line, not a line.
        lost = [(t, r) for t, r in lost if r != "source-link marker" or t not in _prefixes(label)]
        for score in (total, by_format[article.format]):
            score.boilerplate += len(boiler)
            score.caught += len(caught)
            score.article_lines += kept_lines + len(lost)
            score.lost += len(lost)
            score.missed_lines += [(key, line) for line in sorted(boiler - caught)]
            score.lost_lines += [(key, t, r) for t, r in lost]
    return CleaningReport(total, dict(by_format), len(results), unmatched)


def _prefixes(label: dict[str, Any]) -> set[str]:
    prefix = label.get("title_prefix")
    return {_norm(prefix)} if prefix else set()

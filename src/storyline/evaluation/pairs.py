"""Same-story similarity of article pairs against human judgements (SemEval-2022 Task 8).

CSV columns: pair_id, lang1, lang2, text1, text2, Overall (1 = same story … 4 = unrelated)
and the other dimensions. The system's similarity is the score the story stage uses to
decide whether an article joins a story, computed article-to-article; document frequencies
come from all texts of the file, as a store holding them would have. Pearson and Spearman
are reported against ``5 - Overall`` (so that higher means more similar), overall and per
language pair.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from scipy.stats import pearsonr, spearmanr

from storyline.clean import clean_document
from storyline.clean.text import repair
from storyline.models import RawDocument
from storyline.stories.features import features, sublinear
from storyline.stories.score import match, weigh


@dataclass(frozen=True, slots=True)
class PairResult:
    lang_pair: str
    pairs: int
    pearson: float
    spearman: float


def _split_title(text: str) -> tuple[str, str]:
    text = repair(text)
    first, _, rest = text.strip().partition("\n")
    return (first.strip(), rest.strip()) if rest.strip() else ("", first.strip())


def read_pairs(path: Path, *, include_flagged: bool = False) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = {"text1", "text2", "Overall"} - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    if not include_flagged:
        rows = [r for r in rows if r.get("scrape_junk_suspect", "0") in ("0", "")
                and r.get("mojibake_suspect", "0") in ("0", "")]
    return [r for r in rows if r["text1"].strip() and r["text2"].strip() and r["Overall"]]


def _raw(text: str, lang: str) -> tuple[str, str]:
    title, body = _split_title(text)
    try:
        doc = clean_document(RawDocument(origin="pair", format="text", text=body,
                                         title=title or None, lang=lang))
        return doc.title, doc.text
    except ValueError:
        return title, body


def similarities(rows: list[dict[str, str]]) -> list[float]:
    """The story-stage score for every pair (document frequencies over the whole file)."""
    texts: dict[tuple[str, str], Counter[str]] = {}
    for r in rows:
        for side in ("1", "2"):
            key = (r[f"text{side}"], r.get(f"lang{side}", ""))
            if key not in texts:
                given = (r.get(f"title{side}") or "").strip()
                title, body = (given, key[0]) if given else _raw(*key)
                texts[key] = features(title, body, key[1] or None)
    df: Counter[str] = Counter()
    for counts in texts.values():
        df.update(counts.keys())
    n = len(texts)
    vectors = {k: weigh(sublinear(c), df, n) for k, c in texts.items()}
    out = []
    for r in rows:
        a = vectors[(r["text1"], r.get("lang1", ""))]
        b = vectors[(r["text2"], r.get("lang2", ""))]
        cross = bool(r.get("lang1")) and r.get("lang1") != r.get("lang2")
        out.append(match(a, b, days=None, cross_language=cross).score)
    return out


def evaluate_pairs(path: Path) -> list[PairResult]:
    rows = read_pairs(path)
    scores = similarities(rows)
    gold = [5.0 - float(r["Overall"]) for r in rows]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[f"{r.get('lang1', '?')}-{r.get('lang2', '?')}"].append(i)
    results = [_result("all", list(range(len(rows))), scores, gold)]
    for pair, idx in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        results.append(_result(pair, idx, scores, gold))
    return results


def _result(name: str, idx: list[int], scores: list[float], gold: list[float]) -> PairResult:
    s = [scores[i] for i in idx]
    g = [gold[i] for i in idx]
    if len(idx) < 3 or len(set(s)) < 2:
        return PairResult(name, len(idx), float("nan"), float("nan"))
    return PairResult(name, len(idx), float(pearsonr(s, g)[0]), float(spearmanr(s, g)[0]))

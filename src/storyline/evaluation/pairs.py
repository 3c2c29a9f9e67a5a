"""Same-story similarity of article pairs against human judgements (SemEval-2022 Task 8).

CSV columns: pair_id, lang1, lang2, text1, text2, Overall (1 = same story … 4 = unrelated)
and the other dimensions. The system's similarity is the score the story stage uses to
decide whether an article joins a story, computed article-to-article; document frequencies
come from all texts of the file, as a store holding them would have. Pearson and Spearman
are reported against ``5 - Overall`` (so that higher means more similar), overall and per
language pair.

Optionally (the ``storyline[embeddings]`` extra) the score is the dense cosine of sentence
embeddings of title + lead, or a blend ``(1 - dense_weight) * sparse + dense_weight * dense``.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

from storyline.clean import clean_document
from storyline.clean.text import repair
from storyline.models import RawDocument
from storyline.semantic.vectors import (
    Encoder,
    article_text,
    covers,
    is_multilingual,
    model_name,
    normalise,
)
from storyline.stories.features import features, sublinear
from storyline.stories.score import DENSE_ZERO, match, weigh


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


Key = tuple[str, str]


def _articles(rows: list[dict[str, str]]) -> dict[Key, tuple[str, str]]:
    """(title, body) of every distinct text of the file, keyed by (text, lang)."""
    articles: dict[Key, tuple[str, str]] = {}
    for r in rows:
        for side in ("1", "2"):
            key = (r[f"text{side}"], r.get(f"lang{side}", ""))
            if key not in articles:
                given = (r.get(f"title{side}") or "").strip()
                articles[key] = (given, key[0]) if given else _raw(*key)
    return articles


def _keys(r: dict[str, str]) -> tuple[Key, Key]:
    return (r["text1"], r.get("lang1", "")), (r["text2"], r.get("lang2", ""))


def _sparse(rows: list[dict[str, str]], articles: dict[Key, tuple[str, str]]) -> list[float]:
    texts = {k: features(title, body, k[1] or None) for k, (title, body) in articles.items()}
    df: Counter[str] = Counter()
    for counts in texts.values():
        df.update(counts.keys())
    n = len(texts)
    vectors = {k: weigh(sublinear(c), df, n) for k, c in texts.items()}
    out = []
    for r in rows:
        a, b = _keys(r)
        cross = bool(r.get("lang1")) and r.get("lang1") != r.get("lang2")
        out.append(match(vectors[a], vectors[b], days=None, cross_language=cross).score)
    return out


def _dense(rows: list[dict[str, str]], articles: dict[Key, tuple[str, str]],
           encoder: Encoder) -> list[float]:
    keys = list(articles)
    vectors = encoder.encode([article_text(*articles[k]) for k in keys])
    if vectors.shape[0] != len(keys):
        raise ValueError(f"encoder returned {vectors.shape[0]} rows for {len(keys)} texts")
    vectors = normalise(vectors)  # the Encoder contract, enforced: dot product = cosine
    index = {k: i for i, k in enumerate(keys)}
    pairs = [_keys(r) for r in rows]
    left = vectors[[index[a] for a, _ in pairs]]
    right = vectors[[index[b] for _, b in pairs]]
    return [float(x) for x in np.einsum("ij,ij->i", left, right)]


def similarities(rows: list[dict[str, str]]) -> list[float]:
    """The story-stage score for every pair (document frequencies over the whole file)."""
    return _sparse(rows, _articles(rows))


def dense_similarities(rows: list[dict[str, str]], encoder: Encoder) -> list[float]:
    """Cosine of the two articles' embeddings (title + first words of the body) per pair."""
    return _dense(rows, _articles(rows), encoder)


def blend(sparse: list[float], dense: list[float | None], dense_weight: float,
          dense_zero: float = DENSE_ZERO) -> list[float]:
    """The story stage's score: ``(1 - w) * sparse + w * evidence``, where the evidence is
    the dense cosine rescaled so that ``dense_zero`` and below count as nothing; a pair the
    model does not cover (None: another language for an English model) keeps its sparse
    score, as in story assignment."""
    _check_weight(dense_weight)
    out = []
    for s, d in zip(sparse, dense, strict=True):
        if d is None:
            out.append(s)
            continue
        evidence = max(0.0, (d - dense_zero) / (1.0 - dense_zero)) if dense_zero < 1 else 0.0
        out.append((1.0 - dense_weight) * s + dense_weight * evidence)
    return out


def _check_weight(dense_weight: float) -> None:
    if not 0.0 <= dense_weight <= 1.0:
        raise ValueError(f"dense weight must be between 0 and 1, not {dense_weight}")


def pair_scores(rows: list[dict[str, str]], *, encoder: Encoder | None = None,
                dense_weight: float | None = None) -> list[float]:
    """Sparse scores without an encoder; with one, dense (``dense_weight`` None or 1) or the
    blend (the sparse side is only computed when it has weight)."""
    if encoder is None:
        if dense_weight is not None:
            raise ValueError("a dense weight needs an embedding model")
        return similarities(rows)
    weight = 1.0 if dense_weight is None else dense_weight
    _check_weight(weight)
    articles = _articles(rows)
    dense = _dense(rows, articles, encoder)
    if weight == 1.0:
        return dense
    multilingual = is_multilingual(model_name(encoder))
    covered: list[float | None] = [
        d if covers(r.get("lang1") or None, multilingual) and
        covers(r.get("lang2") or None, multilingual) else None
        for d, r in zip(dense, rows, strict=True)]
    return blend(_sparse(rows, articles), covered, weight)


def evaluate_pairs(path: Path, *, encoder: Encoder | None = None,
                   dense_weight: float | None = None) -> list[PairResult]:
    rows = read_pairs(path)
    scores = pair_scores(rows, encoder=encoder, dense_weight=dense_weight)
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

"""Claims that state the same thing in other words, across a story's articles, become one
fact with every source that states it.

Two claims of one language meet by their words (TF-IDF cosine over stemmed content words,
fitted on the story) and by what they pin down (names, figures, dates); claims of different
languages meet only through the latter, which is why a translated report aligns on "Blinken",
"Beijing", "June 18" but not on its wording. Grouping is greedy and deterministic: claims in
story order join the fact they match best on average, and a fact takes at most one claim
per article (an article repeating itself does not confirm itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.analyse.claims import Claim

#: Combined similarity at which two claims state the same fact.
SAME_FACT = 0.38
#: Weight of the words against the anchors (names, figures, dates) for one language.
LEXICAL_WEIGHT = 0.75
#: Across languages: anchors two claims must share (and the share of their anchors).
CROSS_LANGUAGE_ANCHORS = 2
CROSS_LANGUAGE_OVERLAP = 0.4


@dataclass(frozen=True, slots=True)
class Alignment:
    """Facts as lists of claim indices (first claim first) and the pairwise similarity
    matrix the grouping used (sparse, upper triangle unused)."""

    groups: tuple[tuple[int, ...], ...]
    similarity: sparse.csr_matrix


def similarity(claims: Sequence[Claim]) -> sparse.csr_matrix:
    """Pairwise similarity of claims (0 for claims of one article, and below a floor)."""
    n = len(claims)
    if n == 0:
        return sparse.csr_matrix((0, 0))
    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True, norm="l2")
    docs = [c.terms for c in claims]
    try:
        x = vectorizer.fit_transform(docs)
    except ValueError:  # no terms at all
        x = sparse.csr_matrix((n, 1))
    cos = (x @ x.T).tocoo()
    langs = [c.lang for c in claims]
    anchors = [c.anchors for c in claims]
    out: dict[tuple[int, int], float] = {}
    for i, j, v in zip(cos.row.tolist(), cos.col.tolist(), cos.data.tolist(), strict=True):
        if i >= j or claims[i].article == claims[j].article or langs[i] != langs[j]:
            continue
        shared = anchors[i] & anchors[j]
        union = anchors[i] | anchors[j]
        overlap = len(shared) / len(union) if union else 0.0
        score = LEXICAL_WEIGHT * v + (1 - LEXICAL_WEIGHT) * overlap
        if score >= 0.2:
            out[i, j] = score
    _cross_language(claims, anchors, out)
    if not out:
        return sparse.csr_matrix((n, n))
    keys = list(out)
    rows = np.array([k[0] for k in keys] + [k[1] for k in keys])
    cols = np.array([k[1] for k in keys] + [k[0] for k in keys])
    vals = np.array(list(out.values()) * 2)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n, n))


def _cross_language(claims: Sequence[Claim], anchors: list[frozenset[str]],
                    out: dict[tuple[int, int], float]) -> None:
    """Claims of different languages that share enough names, figures and dates."""
    langs = {c.lang for c in claims}
    if len(langs) < 2:
        return
    index: dict[str, list[int]] = {}
    for i, a in enumerate(anchors):
        for x in a:
            index.setdefault(x, []).append(i)
    counts: dict[tuple[int, int], int] = {}
    for members in index.values():
        if len(members) > 200:  # an anchor every claim shares tells nothing
            continue
        for p, i in enumerate(members):
            for j in members[p + 1:]:
                if claims[i].lang != claims[j].lang and claims[i].article != claims[j].article:
                    counts[i, j] = counts.get((i, j), 0) + 1
    for (i, j), shared in counts.items():
        if shared < CROSS_LANGUAGE_ANCHORS:
            continue
        overlap = shared / len(anchors[i] | anchors[j])
        if overlap >= CROSS_LANGUAGE_OVERLAP:
            out[i, j] = max(out.get((i, j), 0.0), SAME_FACT + 0.1 * overlap)


def align(claims: Sequence[Claim], threshold: float = SAME_FACT) -> Alignment:
    """Group claims into facts (see the module docstring)."""
    sim = similarity(claims)
    fact_of: list[int] = []
    members: list[list[int]] = []
    articles: list[set[str]] = []
    for i, claim in enumerate(claims):
        row = sim.getrow(i)
        totals: dict[int, float] = {}
        for j, v in zip(row.indices.tolist(), row.data.tolist(), strict=True):
            if j < i:
                totals[fact_of[j]] = totals.get(fact_of[j], 0.0) + v
        best, best_score = -1, threshold
        for f, total in sorted(totals.items()):
            if claim.article in articles[f]:
                continue
            score = total / len(members[f])
            if score >= best_score:
                best, best_score = f, score
        if best < 0:
            best = len(members)
            members.append([])
            articles.append(set())
        fact_of.append(best)
        members[best].append(i)
        articles[best].add(claim.article)
    return Alignment(tuple(tuple(m) for m in members), sim)

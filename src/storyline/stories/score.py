"""Sparse TF-IDF vectors and the same-story score between an article and a story.

The score blends lexical cosine with a names-and-numbers cosine (which is what carries
across languages), then discounts by the time between them: two reports a month apart
are rarely the same event. With the optional embeddings, the dense cosine of sentence
embeddings (title and lead) is blended in: ``(1 - w) * sparse + w * evidence``, where the
evidence rescales the cosine so that what unrelated news of one domain gets counts as none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

Vector = dict[str, float]

#: Share of the lexical cosine in the same-language score (the rest: names and numbers).
LEXICAL_SHARE = 0.7
#: Names and numbers tell events apart better than words do.
ENTITY_BOOST = 1.6
#: Terms kept per article vector and per story centroid.
ARTICLE_TERMS = 120
CENTROID_TERMS = 250
#: Within this many days, time does not count against a match.
GRACE_DAYS = 3.0
#: Beyond the grace period, the score halves every this many days.
HALF_LIFE_DAYS = 7.0
#: The dense cosine that counts as no evidence: a sentence encoder gives unrelated reports
#: of one domain (two US politics stories) cosines of 0.3-0.5, so the raw cosine would lift
#: every score. Evidence = max(0, (cos - DENSE_ZERO) / (1 - DENSE_ZERO)). Chosen with the
#: dense weight on AllSides validation (all-MiniLM-L6-v2); 0 would be the raw cosine.
DENSE_ZERO = 0.5


def _boost() -> float:
    return ENTITY_BOOST  # read at call time, so the tuning script can vary it


def is_entity(term: str) -> bool:
    return term.startswith(("e:", "n:"))


def idf(df: int, n: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1.0


def weigh(raw: Mapping[str, float], df: Mapping[str, int], n: int) -> Vector:
    """TF-IDF with names and numbers boosted, L2-normalised, top ARTICLE_TERMS terms."""
    boost, log_n = _boost(), math.log(n + 1)
    vec: Vector = {}
    for t, w in raw.items():
        x = w * (log_n - math.log(df.get(t, 0) + 1) + 1.0)  # = w * idf(df, n)
        vec[t] = x * boost if t.startswith(("e:", "n:")) else x
    return normalise(top(vec, ARTICLE_TERMS))


def top(vec: Mapping[str, float], k: int) -> Vector:
    """The k heaviest terms; ties go to the alphabetically first term (deterministic)."""
    if len(vec) <= k:
        return dict(vec)
    keys = sorted(vec)
    keys.sort(key=vec.__getitem__, reverse=True)  # stable: ties stay alphabetical
    return {t: vec[t] for t in keys[:k]}


def normalise(vec: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm else dict(vec)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = _dot(a, b)
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def entity_part(vec: Mapping[str, float]) -> Vector:
    return {t: w for t, w in vec.items() if is_entity(t)}


def time_factor(days: float | None) -> float:
    if days is None:
        return 1.0
    extra = max(0.0, abs(days) - GRACE_DAYS)
    return float(0.5 ** (extra / HALF_LIFE_DAYS))


@dataclass(frozen=True, slots=True)
class Match:
    """The parts of a same-story score, kept so the decision can be explained."""

    lexical: float
    names: float
    time: float
    cross_language: bool
    #: Cosine of the article's embedding with the story's dense centroid; None when no
    #: embedding takes part (no encoder, a language the model does not cover, ...).
    dense: float | None = None
    #: Share of the dense evidence in the score, w: ``(1 - w) * sparse + w * evidence``.
    dense_weight: float = 0.0
    #: The dense cosine that counts as no evidence (see ``DENSE_ZERO``).
    dense_zero: float = DENSE_ZERO

    @property
    def sparse(self) -> float:
        """The score from words, names and numbers alone, before the time discount."""
        if self.cross_language:
            # Words rarely match across languages; names and numbers carry the match.
            return self.names
        return LEXICAL_SHARE * self.lexical + (1 - LEXICAL_SHARE) * self.names

    @property
    def dense_evidence(self) -> float | None:
        """The dense cosine rescaled so that ``dense_zero`` and below count as 0, 1 as 1."""
        if self.dense is None:
            return None
        return max(0.0, (self.dense - self.dense_zero) / (1.0 - self.dense_zero))

    @property
    def score(self) -> float:
        base = self.sparse
        evidence = self.dense_evidence
        if evidence is not None:
            base = (1.0 - self.dense_weight) * base + self.dense_weight * evidence
        return base * self.time


def match(article: Mapping[str, float], story: Mapping[str, float], *, days: float | None,
          cross_language: bool) -> Match:
    return Match(
        lexical=cosine(article, story),
        names=cosine(entity_part(article), entity_part(story)),
        time=time_factor(days),
        cross_language=cross_language,
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A vector with its norms and names-and-numbers part precomputed (compared often)."""

    vec: Vector
    norm: float
    names: Vector
    names_norm: float

    @classmethod
    def of(cls, vec: Mapping[str, float]) -> Prepared:
        names = entity_part(vec)
        return cls(dict(vec), math.sqrt(sum(w * w for w in vec.values())), names,
                   math.sqrt(sum(w * w for w in names.values())))


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Over the shared terms only (few, found by a set intersection in C); fsum is exact,
    so the result does not depend on the (per-process) order of the set."""
    return math.fsum(a[t] * b[t] for t in a.keys() & b.keys())


def match_prepared(a: Prepared, b: Prepared, *, days: float | None,
                   cross_language: bool, dense: float | None = None,
                   dense_weight: float = 0.0) -> Match:
    """``match`` for prepared vectors: the same numbers, without recomputing norms."""
    lexical = _dot(a.vec, b.vec) / (a.norm * b.norm) if a.norm and b.norm else 0.0
    names = (_dot(a.names, b.names) / (a.names_norm * b.names_norm)
             if a.names_norm and b.names_norm else 0.0)
    return Match(lexical, names, time_factor(days), cross_language, dense, dense_weight)


def add_into(centroid: Vector, vec: Mapping[str, float], sign: float = 1.0) -> Vector:
    out = dict(centroid)
    for t, w in vec.items():
        out[t] = out.get(t, 0.0) + sign * w
    return top({t: w for t, w in out.items() if w > 1e-9}, CENTROID_TERMS)

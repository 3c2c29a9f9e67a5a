"""Claims that state the same thing in other words, across a story's articles, become one
fact with every source that states it.

Two claims of one language meet by their words (TF-IDF cosine over stemmed content words,
fitted on the story) and by what they pin down (names, figures, dates); claims of different
languages meet only through the latter, which is why a translated report aligns on "Blinken",
"Beijing", "June 18" but not on its wording. Grouping is greedy and deterministic: claims in
story order join the fact they match best on average, and a fact takes at most one claim
per article (an article repeating itself does not confirm itself).

With sentence embeddings (``vectors`` below: each claim's text without its names, so that
the vector says what is said about them) two claims also meet by meaning. For a model with
fitted pair weights (``PairWeights``: the default install's static model) a pair of one
language the model covers is scored by a logistic model of its words, anchors and embedding
cosine, fitted on real reports of one event (ECB+ development topics; see
``scripts/train_fact_pairs.py``): the evidence is weighed together instead of the strongest
one winning. For other models a cosine of ``DENSE_SAME`` scores ``SAME_FACT`` whatever the
words, so "motorists began crossing the span" can join "the bridge opened to traffic".
Across languages only when the model is multilingual.

A translated copy (dedupe's ``translation``: one article is another's text in another
language) says what its original says, sentence by sentence: its claims are paired with the
original's in order, by length, shared anchors and position (as sentence aligners of
parallel text do), and each pair is one fact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.analyse.claims import Claim
from storyline.semantic.vectors import covers

#: Combined similarity at which two claims state the same fact.
SAME_FACT = 0.38
#: Weight of the words against the anchors (names, figures, dates) for one language.
LEXICAL_WEIGHT = 0.75
#: Across languages: anchors two claims must share (and the share of their anchors).
CROSS_LANGUAGE_ANCHORS = 2
CROSS_LANGUAGE_OVERLAP = 0.4
#: Claim pairs (rows × columns) compared at once: bounds the memory a block of rows takes.
_BLOCK = 4_000_000
#: Embedding cosine at which two claims count as the same fact by meaning alone.
DENSE_SAME = 0.8
#: Pairs whose combined score falls below this are not kept in the matrix.
_FLOOR = 0.2
#: A translated copy's claim and its original's, paired in order: their similarity.
TRANSLATION_SAME = 0.9
#: The least pairing score (length, anchors and position; 0–1) for such a pair.
TRANSLATION_MATCH = 0.55


#: Combined-score units per logit unit of a learned pair score (``PairWeights``): a pair at
#: the weights' threshold scores ``SAME_FACT``, 1.8 logits below it the floor (0.2), so a
#: weak pair is not "alike" for the conflict finder (``ALIKE`` 0.25 is 1.3 logits below).
_LOGIT_SCALE = 0.1


@dataclass(frozen=True, slots=True)
class PairWeights:
    """A logistic model of "these two claims state one fact", for one embedding model:
    logit = lexical·words + anchors·overlap + meaning·cosine + bias; a pair is one fact
    from ``threshold`` (a logit) on."""

    model: str
    lexical: float
    anchors: float
    meaning: float
    bias: float
    threshold: float

    def score(self, words: np.ndarray, overlap: np.ndarray, cosine: np.ndarray
              ) -> np.ndarray:
        """On the combined scale: ``SAME_FACT`` at the threshold."""
        logit = (self.lexical * words + self.anchors * overlap + self.meaning * cosine
                 + self.bias)
        return np.clip(SAME_FACT + _LOGIT_SCALE * (logit - self.threshold), 0.0, 1.0)


def pair_weights(model: str) -> PairWeights | None:
    """The shipped pair weights fitted with ``model`` (None if there are none)."""
    return _shipped_weights().get(model)


@lru_cache(maxsize=1)
def _shipped_weights() -> dict[str, PairWeights]:
    path = resources.files("storyline").joinpath("data", "models", "fact_pairs.json")
    table = json.loads(path.read_text("utf-8"))
    return {name: PairWeights(model=name, **{k: float(w[k]) for k in (
        "lexical", "anchors", "meaning", "bias", "threshold")})
        for name, w in table["models"].items()}


@dataclass(frozen=True, slots=True)
class Alignment:
    """Facts as lists of claim indices (first claim first) and the pairwise similarity
    matrix the grouping used (sparse, upper triangle unused)."""

    groups: tuple[tuple[int, ...], ...]
    similarity: sparse.csr_matrix
    #: (original's claim, translation's claim) pairs of translated copies, paired in order.
    translations: tuple[tuple[int, int], ...] = ()


def similarity(claims: Sequence[Claim], vectors: np.ndarray | None = None, *,
               multilingual: bool = False, weights: PairWeights | None = None
               ) -> sparse.csr_matrix:
    """Pairwise similarity of claims (0 for claims of one article, and below a floor).

    Vectorised over blocks of rows of the upper triangle; each kept pair's score is the
    same floating-point expression, of the same cosine entry, as in a pair-by-pair loop
    (``tests/test_analyse_align.py`` checks it against one). ``vectors``: the claims'
    L2-normalised embeddings, one row per claim (see the module docstring)."""
    n = len(claims)
    if vectors is not None and vectors.shape[0] != n:
        raise ValueError(f"{vectors.shape[0]} embeddings for {n} claims")
    if n == 0:
        return sparse.csr_matrix((0, 0))
    x = term_vectors(claims)
    incidence = _incidence([c.anchors for c in claims])
    sizes = np.diff(incidence.indptr)  # anchors per claim
    lang = _codes([c.lang for c in claims])
    article = _codes([c.article for c in claims])
    one_lang = len(set(lang.tolist())) < 2
    covered = np.array([covers(c.lang, multilingual) for c in claims], dtype=bool)
    # Claims come article by article: the pairs to compare with claim i are then those
    # from the end of its article on (else any later claim of another article).
    after = _article_ends(article)
    # Across languages the anchors of what is stated count, not those of an attribution
    # frame ("…,” sagte Lagarde in Frankfurt / "At her press conference in Frankfurt,
    # Lagarde …"), and only those shared by at most 200 claims (one every claim shares
    # tells nothing).
    stated = None if one_lang else _incidence([c.stated_anchors for c in claims])
    stated_sizes = None if stated is None else np.diff(stated.indptr)
    cross = (None if stated is None else
             stated[:, np.flatnonzero(stated.getnnz(axis=0) <= 200)].tocsr())
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    step = max(1, _BLOCK // n)
    for a in range(0, n, step):
        e = min(n, a + step)
        # anchors each claim of the block shares with each claim from ``a`` on
        shared = (incidence[a:e] @ incidence[a:].T).toarray()
        # words: cosine of the TF-IDF vectors (zero, and so absent, without a shared term)
        cos = (x[a:e] @ x[a:].T).tocoo()
        i, j, v = cos.row + a, cos.col + a, cos.data
        keep = j >= after[i] if after is not None else (j > i) & (article[i] != article[j])
        if not one_lang:
            keep &= lang[i] == lang[j]
        i, j, v = i[keep], j[keep], v[keep]
        common = shared[i - a, j - a]
        union = sizes[i] + sizes[j] - common
        overlap = np.divide(common, union, out=np.zeros(len(common)), where=union > 0)
        score = LEXICAL_WEIGHT * v + (1 - LEXICAL_WEIGHT) * overlap
        keep = score >= _FLOOR
        i, j, v = i[keep], j[keep], score[keep]
        if cross is not None and stated is not None and stated_sizes is not None:
            ci, cj, cv = _cross_language(cross[a:e] @ cross[a:].T, a,
                                         (stated[a:e] @ stated[a:].T).toarray(), stated_sizes,
                                         lang, article)
            order = np.argsort(np.concatenate([i, ci]), kind="stable")  # row by row
            i, j, v = (np.concatenate([i, ci])[order], np.concatenate([j, cj])[order],
                       np.concatenate([v, cv])[order])
        if vectors is not None and weights is not None:
            i, j, v = _learned(weights, vectors, a, e, (i, j, v), x, shared, sizes, lang,
                               article, after, covered)
        elif vectors is not None:
            i, j, v = _with_meaning(vectors, a, e, (i, j, v), lang, article, after,
                                    multilingual)
        rows.append(i)
        cols.append(j)
        vals.append(v)
    return _symmetric(n, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))


def _with_meaning(vectors: np.ndarray, a: int, e: int,
                  pairs: tuple[np.ndarray, np.ndarray, np.ndarray], lang: np.ndarray,
                  article: np.ndarray, after: np.ndarray | None, multilingual: bool
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The block's pairs with the embedding signal: each pair scores the larger of its
    words-and-anchors score and ``SAME_FACT * cosine / DENSE_SAME``; pairs only the
    embeddings find are added. Row by row, as ``_symmetric`` wants them."""
    i, j, v = pairs
    block = np.zeros((e - a, len(article) - a))
    block[i - a, j - a] = v
    meaning = np.asarray(vectors[a:e] @ vectors[a:].T, dtype=np.float64)
    rows = np.arange(a, e)[:, None]
    cols = np.arange(a, len(article))[None, :]
    valid = (cols >= after[rows]) if after is not None else (
        (cols > rows) & (article[rows] != article[cols]))
    if not multilingual:
        valid &= lang[rows] == lang[cols]
    np.maximum(block, np.where(valid, SAME_FACT * meaning / DENSE_SAME, 0.0), out=block)
    r, c = np.nonzero(block >= _FLOOR)
    return r + a, c + a, block[r, c]


def term_vectors(claims: Sequence[Claim]) -> sparse.csr_matrix:
    """The claims' L2-normalised TF-IDF vectors over their terms, fitted on them (the
    story): the words side of the similarity."""
    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True, norm="l2")
    try:
        return sparse.csr_matrix(vectorizer.fit_transform([c.terms for c in claims]))
    except ValueError:  # no terms at all
        return sparse.csr_matrix((len(claims), 1))


def _learned(weights: PairWeights, vectors: np.ndarray, a: int, e: int,
             pairs: tuple[np.ndarray, np.ndarray, np.ndarray], x: sparse.csr_matrix,
             shared: np.ndarray, sizes: np.ndarray, lang: np.ndarray, article: np.ndarray,
             after: np.ndarray | None, covered: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The block's pairs with the learned score where it is higher, for pairs of one
    language the model covers; other pairs keep theirs. Row by row, as ``_symmetric``
    wants them.

    ``PairWeights.score`` computed in place on the block's cosine (float32): the words
    and the anchors only add where a pair shares some, and only pairs that reach the floor
    leave the block (on a 1,000-article story this halves the time of a plain
    ``np.where`` over float64 blocks)."""
    i, j, v = pairs
    n = len(article)
    width = n - a
    # logit − threshold, in place
    logit = np.asarray(vectors[a:e] @ vectors[a:].T, dtype=np.float32)
    logit *= np.float32(weights.meaning)
    logit += np.float32(weights.bias - weights.threshold)
    words = (x[a:e] @ x[a:].T).tocoo()
    logit[words.row, words.col] += (weights.lexical * words.data).astype(np.float32)
    sr, sc = np.nonzero(shared)
    common = shared[sr, sc]
    union = sizes[sr + a] + sizes[sc + a] - common
    logit[sr, sc] += (weights.anchors * common / union).astype(np.float32)
    # the pairs that may be compared and reach the floor
    rows = np.arange(a, e)[:, None]
    cols = np.arange(a, n)[None, :]
    mask = logit >= np.float32((_FLOOR - SAME_FACT) / _LOGIT_SCALE)
    mask &= (cols >= after[rows]) if after is not None else (
        (cols > rows) & (article[rows] != article[cols]))
    if not (covered.all() and (lang == lang[0]).all()):
        mask &= (lang[rows] == lang[cols]) & covered[rows] & covered[cols]
    r, c = np.nonzero(mask)
    score = np.minimum(SAME_FACT + _LOGIT_SCALE * logit[r, c].astype(np.float64), 1.0)
    # the union of both lists, the higher score where a pair is in both
    key = np.concatenate([(i - a).astype(np.int64) * width + (j - a),
                          r.astype(np.int64) * width + c])
    value = np.concatenate([v, score])
    order = np.lexsort((-value, key))
    key, value = key[order], value[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, value = key[first], value[first]
    r, c = np.divmod(key, width)
    return r + a, c + a, value


def _incidence(anchors: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    """Claims × anchors, 1 where the claim has the anchor."""
    column: dict[str, int] = {}
    indices = [column.setdefault(x, len(column)) for a in anchors for x in a]
    indptr = np.cumsum([0, *(len(a) for a in anchors)])
    return sparse.csr_matrix((np.ones(len(indices), dtype=np.int32),
                              np.array(indices, dtype=np.int64), indptr),
                             shape=(len(anchors), max(1, len(column))))


def _codes(values: Sequence[str | None]) -> np.ndarray:
    """The values as integers, equal where the values are."""
    seen: dict[str | None, int] = {}
    return np.array([seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)


def _cross_language(counts: sparse.spmatrix, a: int, shared: np.ndarray, sizes: np.ndarray,
                    lang: np.ndarray, article: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Claims of different languages that share enough names, figures and dates, for one
    block of rows from ``a`` (``counts``: the anchors they share that are not too common;
    ``shared``: all the anchors they share)."""
    counts = counts.tocoo()
    i, j, k = counts.row + a, counts.col + a, counts.data
    keep = ((j > i) & (lang[i] != lang[j]) & (article[i] != article[j])
            & (k >= CROSS_LANGUAGE_ANCHORS))
    i, j, k = i[keep], j[keep], k[keep]
    overlap = k / (sizes[i] + sizes[j] - shared[i - a, j - a])
    keep = overlap >= CROSS_LANGUAGE_OVERLAP
    return i[keep], j[keep], SAME_FACT + 0.1 * overlap[keep]


def _article_ends(article: np.ndarray) -> np.ndarray | None:
    """For each claim, the index just past its article's claims, when each article's claims
    are consecutive (else None)."""
    n = len(article)
    starts = np.flatnonzero(np.diff(article)) + 1
    if len(starts) + 1 != len(np.unique(article)):
        return None
    ends = np.append(starts, n)
    return np.repeat(ends, np.diff(np.concatenate([[0], ends])))


def _symmetric(n: int, i: np.ndarray, j: np.ndarray, v: np.ndarray) -> sparse.csr_matrix:
    """The symmetric n×n matrix of the upper-triangle entries (i < j), given row by row:
    sorted (canonical) CSR, built by transposing rather than sorting."""
    if len(v) == 0:
        return sparse.csr_matrix((n, n))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(i, minlength=n))])
    upper = sparse.csr_matrix((v, j, indptr), shape=(n, n))
    lower = upper.T.tocsr()  # a transposition comes out sorted
    return lower + lower.T.tocsr()  # no entry in both: the sum is each entry


def translation_pairs(claims: Sequence[Claim]) -> list[tuple[int, int]]:
    """(original's claim, translation's claim) index pairs of every translated copy among
    ``claims`` (an article whose copy group's original is in another language)."""
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_article.setdefault(c.article, []).append(i)
    pairs: list[tuple[int, int]] = []
    for article, mine in by_article.items():
        original = claims[mine[0]].original
        theirs = by_article.get(original)
        if original == article or not theirs or \
                claims[theirs[0]].lang == claims[mine[0]].lang:
            continue  # in one language the words align a copy well enough
        pairs += _in_order(claims, theirs, mine)
    return pairs


def _in_order(claims: Sequence[Claim], xs: Sequence[int], ys: Sequence[int]
              ) -> list[tuple[int, int]]:
    """The best monotone pairing of two claim sequences (dynamic programming over the
    pairs' scores above ``TRANSLATION_MATCH``; a claim may stay unpaired)."""
    n, m = len(xs), len(ys)
    gain = np.zeros((n, m))
    for a, x in enumerate(xs):
        for b, y in enumerate(ys):
            gain[a, b] = _pair_score(claims[x], claims[y], a / max(1, n - 1),
                                     b / max(1, m - 1)) - TRANSLATION_MATCH
    best = np.zeros((n + 1, m + 1))
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            best[a, b] = max(best[a + 1, b], best[a, b + 1],
                             best[a + 1, b + 1] + gain[a, b] if gain[a, b] > 0 else 0.0)
    out = []
    a = b = 0
    while a < n and b < m:
        if gain[a, b] > 0 and best[a, b] == best[a + 1, b + 1] + gain[a, b]:
            out.append((xs[a], ys[b]))
            a, b = a + 1, b + 1
        elif best[a, b] == best[a + 1, b]:
            a += 1
        else:
            b += 1
    return out


def _pair_score(x: Claim, y: Claim, px: float, py: float) -> float:
    """How surely ``y`` translates ``x`` (0–1): similar length, the same names, figures
    and dates (none shared where both have some rules it out), and a similar place in the
    text."""
    ax, ay = x.anchors, y.anchors
    if ax and ay and not ax & ay:
        return 0.0
    # neither pins anything down: no evidence either way; one of them alone: a little
    anchors = len(ax & ay) / len(ax | ay) if ax and ay else 0.5 if not ax and not ay else 0.2
    lx, ly = len(x.text), len(y.text)
    length = min(lx, ly) / max(lx, ly, 1)
    return 0.4 * length + 0.4 * anchors + 0.2 * (1.0 - abs(px - py))


def _with_translations(sim: sparse.csr_matrix, pairs: Sequence[tuple[int, int]]
                       ) -> sparse.csr_matrix:
    if not pairs:
        return sim
    i = np.array([p[0] for p in pairs] + [p[1] for p in pairs])
    j = np.array([p[1] for p in pairs] + [p[0] for p in pairs])
    paired = sparse.csr_matrix((np.full(len(i), TRANSLATION_SAME), (i, j)), shape=sim.shape)
    return sparse.csr_matrix(sim.maximum(paired))


def align(claims: Sequence[Claim], threshold: float = SAME_FACT,
          vectors: np.ndarray | None = None, *, multilingual: bool = False,
          weights: PairWeights | None = None) -> Alignment:
    """Group claims into facts (see the module docstring)."""
    sim = similarity(claims, vectors, multilingual=multilingual, weights=weights)
    sim.sort_indices()
    indptr, indices, data = sim.indptr, sim.indices, sim.data
    fact_of = np.zeros(len(claims), dtype=np.int64)
    members: list[list[int]] = []
    articles: list[set[str]] = []
    for i, claim in enumerate(claims):
        lo, hi = indptr[i], indptr[i + 1]
        hi = lo + int(np.searchsorted(indices[lo:hi], i))  # the claims before this one
        best = -1
        if hi > lo:
            facts = fact_of[indices[lo:hi]]
            # summed in claim order, as a running total per fact would be
            totals = np.bincount(facts, weights=data[lo:hi])
            candidates = [f for f in np.flatnonzero(np.bincount(facts)).tolist()
                          if claim.article not in articles[f]]
            if candidates:
                scores = totals[candidates] / np.array([len(members[f]) for f in candidates])
                top = scores.max()
                if top >= threshold:  # the best average; the last such fact on a tie
                    best = candidates[int(np.flatnonzero(scores == top)[-1])]
        if best < 0:
            best = len(members)
            members.append([])
            articles.append(set())
        fact_of[i] = best
        members[best].append(i)
        articles[best].add(claim.article)
    # A translated claim and its original are one fact: their facts merge when no article
    # would then state the fact twice. (Paired after the grouping, not in it: a strong pair
    # would pull the translation away from the other reports of its language.)
    pairs = translation_pairs(claims)
    for x, y in pairs:
        fx, fy = int(fact_of[x]), int(fact_of[y])
        if fx == fy or articles[fx] & articles[fy]:
            continue
        keep, gone = min(fx, fy), max(fx, fy)
        for k in members[gone]:
            fact_of[k] = keep
        members[keep] = sorted(members[keep] + members[gone])
        articles[keep] |= articles[gone]
        members[gone], articles[gone] = [], set()
    groups = sorted((tuple(m) for m in members if m), key=lambda g: g[0])
    return Alignment(tuple(groups), _with_translations(sim, pairs), tuple(pairs))

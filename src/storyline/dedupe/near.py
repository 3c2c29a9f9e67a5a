"""Near duplicates: syndicated copies, light rewrites, copy sites that wrap a story in junk.

Candidates come from MinHash LSH (datasketch) over word bigrams, with a low Jaccard
threshold so that a copy which kept 70% of the original, or added as much junk, is still
retrieved; each candidate is then verified on exact bigram *containment*, which is what a
copy preserves whatever was cut or added around it. Bigrams rather than longer shingles
because an edited copy (synonyms swapped, words dropped) keeps few 5-grams but many bigrams.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz.distance import LCSseq

NUM_PERM = 128
#: LSH retrieval threshold on (estimated) Jaccard: low on purpose, verification decides.
LSH_THRESHOLD = 0.12
#: A candidate is a copy when this share of the shorter text's words aligns with the other.
COPY_THRESHOLD = 0.55
#: Texts shorter than this many words are too short to call copies by shingles.
MIN_WORDS = 25

#: Estimated bigram containment below which a retrieved candidate is not checked further
#: (generated copies with 40% of words edited keep about 0.25).
MIN_CONTAINMENT = 0.15
#: Verified candidates per new article at most (the closest by estimated Jaccard).
MAX_CANDIDATES = 20
#: Additions searched directly before they are merged into the sorted buckets.
PENDING = 1024
#: Odd 64-bit constant for mixing band values into one key (wraps, on purpose).
_MIX = np.uint64(0x9E3779B97F4A7C15)

_WORD = re.compile(r"\w+", re.UNICODE)
SEED = 7


@dataclass(frozen=True, slots=True)
class Signature:
    """What near-duplicate detection keeps of an article: MinHash values and size."""

    hashvalues: bytes
    shingles: int


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def shingle_ids(text: str) -> set[int]:
    """Word bigrams as stable 32-bit ids (crc32: identical across processes and runs)."""
    toks = words(text)
    return {zlib.crc32(f"{a} {b}".encode()) for a, b in itertools.pairwise(toks)}


def _minhash(ids: Iterable[int]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    m.update_batch(list(ids))
    return m


def signature(text: str) -> Signature | None:
    """None when the text is too short to compare by shingles."""
    if len(_WORD.findall(text)) < MIN_WORDS:
        return None
    ids = shingle_ids(text)
    return Signature(_minhash(ids).hashvalues.astype(np.uint64).tobytes(), len(ids))


def _units(text: str) -> list[list[str]]:
    return [u for u in (words(line) for line in text.split("\n")) if u]


def copy_score(a: str, b: str) -> float:
    """Share of the shorter text's words that reappear, in order, in some unit of the other.

    Each paragraph (or line) of the shorter text is aligned to its best paragraph in the
    longer one by longest common word subsequence, so reordered paragraphs, wrapped junk
    and a cut-off end cost nothing, and edited words cost only themselves.
    """
    ua, ub = _units(a), _units(b)
    if sum(map(len, ua)) > sum(map(len, ub)):
        ua, ub = ub, ua
    total = sum(map(len, ua))
    if not total or not ub:
        return 0.0
    matched = 0
    for unit in ua:
        matched += max(LCSseq.similarity(unit, other) for other in ub)
    return matched / total


def containment(a: set[int], b: set[int]) -> float:
    """Share of the smaller set found in the larger one."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class NearDuplicateIndex:
    """LSH over stored signatures, kept in flat numpy arrays; rebuilt from the store per batch.

    Banding follows datasketch's MinHashLSH (its optimal bands and rows for the threshold),
    but the buckets are one sorted array of band keys instead of a dict of sets per band:
    datasketch's in-memory storage costs about 19 kB per document at 64 bands (1.9 GB for
    100k stored articles), these arrays about 1.5 kB. Its persistent backends (Redis,
    Cassandra) are no option for a one-file offline store.
    """

    def __init__(self, threshold: float = COPY_THRESHOLD) -> None:
        self.threshold = threshold
        self._bands, self._rows_per_band = _banding()
        self._keys: list[str] = []
        self._row_of: dict[str, int] = {}
        self._matrix = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._sizes = np.zeros(1024, dtype=np.float64)
        self._alive = np.zeros(1024, dtype=bool)
        # Merged buckets: band keys sorted, with the row each came from.
        self._sorted = np.zeros(0, dtype=np.uint64)
        self._sorted_rows = np.zeros(0, dtype=np.int64)
        # Recent additions, searched directly until there are enough to merge.
        self._pending = np.zeros((PENDING, self._bands), dtype=np.uint64)
        self._pending_rows = np.zeros(PENDING, dtype=np.int64)
        self._n_pending = 0

    def __len__(self) -> int:
        return len(self._row_of)

    def _band_keys(self, values: np.ndarray) -> np.ndarray:
        """One 64-bit key per band (and band number, so bands never share a bucket)."""
        bands = values[..., : self._bands * self._rows_per_band].astype(np.uint64)
        bands = bands.reshape(*values.shape[:-1], self._bands, self._rows_per_band)
        key = np.zeros(bands.shape[:-1], dtype=np.uint64)
        for j in range(self._rows_per_band):
            key = key * _MIX ^ bands[..., j]
        return key * _MIX ^ np.arange(self._bands, dtype=np.uint64)

    def add(self, key: str, sig: Signature) -> None:
        if key in self._row_of:
            return
        row = len(self._keys)
        if row >= len(self._matrix):
            grow = len(self._matrix)
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._sizes = np.concatenate([self._sizes, np.zeros(grow)])
            self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
        values = _values(sig)
        self._matrix[row] = values
        self._sizes[row] = sig.shingles
        self._alive[row] = True
        self._keys.append(key)
        self._row_of[key] = row
        self._pending[self._n_pending] = self._band_keys(values)
        self._pending_rows[self._n_pending] = row
        self._n_pending += 1
        if self._n_pending == len(self._pending):
            self._merge()

    def _merge(self) -> None:
        """Insert the pending keys into the sorted buckets (one pass over the arrays)."""
        keys = self._pending[: self._n_pending].ravel()
        rows = np.repeat(self._pending_rows[: self._n_pending], self._bands)
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        at = np.searchsorted(self._sorted, keys, side="right")
        self._sorted = np.insert(self._sorted, at, keys)
        self._sorted_rows = np.insert(self._sorted_rows, at, rows)
        self._n_pending = 0

    def remove(self, key: str) -> None:
        """Only ever recent additions (a rolled-back chunk): their rows are marked dead."""
        row = self._row_of.pop(key, None)
        if row is not None:
            self._alive[row] = False

    def _retrieve(self, values: np.ndarray) -> np.ndarray:
        """Rows sharing at least one band with ``values``."""
        query = self._band_keys(values)
        found = []
        if len(self._sorted):
            lo = np.searchsorted(self._sorted, query, side="left")
            hi = np.searchsorted(self._sorted, query, side="right")
            for a, b in zip(lo[hi > lo], hi[hi > lo], strict=True):
                found.append(self._sorted_rows[a:b])
        if self._n_pending:
            hits = (self._pending[: self._n_pending] == query).any(axis=1)
            found.append(self._pending_rows[: self._n_pending][hits])
        if not found:
            return np.zeros(0, dtype=np.int64)
        rows = np.unique(np.concatenate(found))
        return rows[self._alive[rows]]

    def candidates(self, sig: Signature, limit: int = MAX_CANDIDATES) -> list[str]:
        """The ``limit`` most similar retrieved keys, by estimated Jaccard (ties by key).

        The limit keeps a flood of near-identical texts (templates, live blogs) from making
        each new article cost a comparison with every one before it: copies link to their
        closest relatives, and groups are the connected components of those links.
        """
        mine = _values(sig)
        rows = self._retrieve(mine)
        if not len(rows):
            return []
        keys = [self._keys[r] for r in rows]
        by_key = np.argsort(np.asarray(keys), kind="stable")
        rows = rows[by_key]
        keys = [keys[i] for i in by_key]
        jaccard = (self._matrix[rows] == mine).mean(axis=1)
        # LSH lets through pairs below its threshold; drop those whose estimated bigram
        # containment is too low for any copy before the (costlier) alignment check.
        sizes = self._sizes[rows]
        smaller = np.maximum(np.minimum(sizes, sig.shingles), 1.0)
        contained = jaccard * (sizes + sig.shingles) / ((1.0 + jaccard) * smaller)
        keep = np.flatnonzero(contained >= MIN_CONTAINMENT)
        order = keep[np.argsort(-jaccard[keep], kind="stable")][:limit]
        return [keys[i] for i in order]


def _values(sig: Signature) -> np.ndarray:
    return np.frombuffer(sig.hashvalues, dtype=np.uint64).astype(np.uint32)


@functools.cache
def _banding() -> tuple[int, int]:
    """datasketch's choice of bands and rows for LSH_THRESHOLD (false negatives weighted as
    much as false positives)."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return int(lsh.b), int(lsh.r)

"""Near duplicates: syndicated copies, light rewrites, copy sites that wrap a story in junk.

Candidates come from MinHash LSH (datasketch) over word bigrams, with a low Jaccard
threshold so that a copy which kept 70% of the original, or added as much junk, is still
retrieved; each candidate is then verified on exact bigram *containment*, which is what a
copy preserves whatever was cut or added around it. Bigrams rather than longer shingles
because an edited copy (synonyms swapped, words dropped) keeps few 5-grams but many bigrams.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
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

_WORD = re.compile(r"\w+", re.UNICODE)
SEED = 7
_SCHEME = MinHash(num_perm=NUM_PERM, seed=SEED).scheme


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
    """An in-memory LSH over stored signatures; rebuilt from the store at the start of a batch.

    datasketch's persistent backends are Redis and Cassandra; Storyline's store is one SQLite
    file, so signatures live there and the LSH is rebuilt (100k signatures: about a second).
    """

    def __init__(self, threshold: float = COPY_THRESHOLD) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._sizes = np.zeros(1024, dtype=np.float64)
        self.threshold = threshold

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, key: str, sig: Signature) -> None:
        if key not in self._rows:
            lean = _lean(sig)
            self._lsh.insert(key, lean, check_duplication=False)
            row = len(self._rows)
            if row >= len(self._matrix):
                self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
                self._sizes = np.concatenate([self._sizes, np.zeros_like(self._sizes)])
            self._matrix[row] = lean.hashvalues
            self._sizes[row] = sig.shingles
            self._rows[key] = row

    def remove(self, key: str) -> None:
        """Only ever the most recent additions (a rolled-back chunk), so rows stay packed."""
        if self._rows.pop(key, None) is not None:
            self._lsh.remove(key)

    def candidates(self, sig: Signature, limit: int = MAX_CANDIDATES) -> list[str]:
        """The ``limit`` most similar retrieved keys, by estimated Jaccard (ties by key).

        The limit keeps a flood of near-identical texts (templates, live blogs) from making
        each new article cost a comparison with every one before it: copies link to their
        closest relatives, and groups are the connected components of those links.
        """
        found = self._lsh.query(_lean(sig))
        if not found:
            return []
        keys = sorted(found)
        mine = np.frombuffer(sig.hashvalues, dtype=np.uint64).astype(np.uint32)
        rows = np.fromiter((self._rows[k] for k in keys), dtype=np.int64, count=len(keys))
        jaccard = (self._matrix[rows] == mine).mean(axis=1)
        # LSH lets through pairs below its threshold; drop those whose estimated bigram
        # containment is too low for any copy before the (costlier) alignment check.
        sizes = self._sizes[rows]
        smaller = np.maximum(np.minimum(sizes, sig.shingles), 1.0)
        contained = jaccard * (sizes + sig.shingles) / ((1.0 + jaccard) * smaller)
        keep = np.flatnonzero(contained >= MIN_CONTAINMENT)
        order = keep[np.argsort(-jaccard[keep], kind="stable")][:limit]
        return [keys[i] for i in order]


def _lean(sig: Signature) -> LeanMinHash:
    values = np.frombuffer(sig.hashvalues, dtype=np.uint64)
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=_SCHEME)

"""Dense centroids of live stories held as one matrix: an article's nearest stories by
embedding are one matrix-vector product away.

Used by the story assigner when embeddings are on. The store stays the source of truth: the
assigner writes every change to ``story_dense`` and mirrors it here, and reloads the stories
around each chunk's dates (``StoryTables.dense_window``) before assigning it.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from storyline.stories.records import Dense, DenseCentroid


def ordinal(value: str | None, default: float) -> float:
    """The day of an ISO date(time) as a number (``default`` when missing or unreadable)."""
    if not value:
        return default
    try:
        return float(date.fromisoformat(value[:10]).toordinal())
    except ValueError:
        return default


class DenseStories:
    """Story id → dense centroid (sum of member rows), its norm and its days, in arrays."""

    _rows: dict[str, int]
    _ids: list[str]
    _members: list[int]
    _totals: Dense
    _norms: Dense
    _first: np.ndarray
    _last: np.ndarray
    _live: np.ndarray
    _free: list[int]

    def __init__(self) -> None:
        self.clear()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._rows

    def clear(self) -> None:
        self._rows, self._ids, self._members, self._free = {}, [], [], []
        self._totals = np.zeros((0, 0), dtype=np.float32)
        self._norms = np.zeros(0, dtype=np.float32)
        self._first = np.zeros(0, dtype=np.float64)
        self._last = np.zeros(0, dtype=np.float64)
        self._live = np.zeros(0, dtype=bool)

    def get(self, story_id: str) -> DenseCentroid | None:
        i = self._rows.get(story_id)
        if i is None:
            return None
        return DenseCentroid(story_id, self._totals[i].copy(), self._members[i])

    def put(self, centroid: DenseCentroid) -> None:
        """Add or replace a story's row (a story with no embedded member is dropped)."""
        if centroid.members <= 0:
            self.drop(centroid.story_id)
            return
        total = np.asarray(centroid.total, dtype=np.float32)
        i = self._rows.get(centroid.story_id)
        if i is None:
            i = self._slot(total.shape[0])
            self._rows[centroid.story_id] = i
            self._ids[i] = centroid.story_id
        self._totals[i] = total
        self._norms[i] = float(np.linalg.norm(total))
        self._members[i] = centroid.members
        self._live[i] = True
        self.move(centroid.story_id, centroid.first_seen, centroid.last_seen)

    def move(self, story_id: str, first_seen: str | None, last_seen: str | None) -> None:
        """Keep a story's days in step (an undated story is in every window)."""
        i = self._rows.get(story_id)
        if i is not None:
            self._first[i] = ordinal(first_seen, -math.inf)
            self._last[i] = ordinal(last_seen, math.inf)

    def drop(self, story_id: str) -> None:
        i = self._rows.pop(story_id, None)
        if i is not None:
            self._live[i] = False
            self._norms[i] = 0.0
            self._free.append(i)

    def cosine(self, story_id: str, vector: Dense) -> float | None:
        """Cosine of a unit ``vector`` with a story's centroid; None without one."""
        i = self._rows.get(story_id)
        if i is None or not self._norms[i]:
            return None
        return float(self._totals[i] @ vector) / float(self._norms[i])

    def nearest(self, vector: Dense, *, since: float | None, until: float | None, k: int,
                floor: float) -> list[tuple[str, float]]:
        """Up to ``k`` stories inside the window [since, until] (day numbers) whose cosine
        with the unit ``vector`` reaches ``floor``, best first (ties by id)."""
        n = len(self._ids)
        if not self._rows or k <= 0:
            return []
        ok = self._live[:n] & (self._norms[:n] > 0)
        if since is not None:
            ok &= self._last[:n] >= since
        if until is not None:
            ok &= self._first[:n] <= until
        if not ok.any():
            return []
        norms = np.where(ok, self._norms[:n], 1.0)
        cos = np.where(ok, (self._totals[:n] @ vector) / norms, -np.inf)
        keep = np.flatnonzero(cos >= floor)
        if keep.size > k:
            keep = keep[np.argpartition(-cos[keep], k - 1)[:k]]
        found = [(self._ids[i], float(cos[i])) for i in keep]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def _slot(self, dim: int) -> int:
        if self._free:
            return self._free.pop()
        n = len(self._ids)
        if n >= self._totals.shape[0] or self._totals.shape[1] != dim:
            if self._totals.shape[1] not in (0, dim):
                raise ValueError(f"dense rows of {dim} values after rows of "
                                 f"{self._totals.shape[1]}")
            size = max(64, 2 * n)
            self._totals = _grow(self._totals, (size, dim))
            self._norms = _grow(self._norms, (size,))
            self._first = _grow(self._first, (size,))
            self._last = _grow(self._last, (size,))
            self._live = _grow(self._live, (size,))
        self._ids.append("")
        self._members.append(0)
        return n


def _grow(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=array.dtype)
    if array.size:
        out[: array.shape[0], ...] = array
    return out

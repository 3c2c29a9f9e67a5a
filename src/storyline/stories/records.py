"""The stories stage's records: a story row, an article's placement, a dense centroid.

They belong to the stage, not to the store (as the extraction records live in
``extract/types.py``): the store reads and writes them, and any backend must give them back
the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

#: Dense rows (article embeddings, story dense centroids) as float32 arrays.
Dense = npt.NDArray[np.float32]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class StoryRow:
    id: str
    headline: str
    headline_article: str | None
    headline_score: float
    first_seen: str | None
    last_seen: str | None
    article_count: int
    centroid: dict[str, float]
    langs: dict[str, int]
    merged_into: str | None = None
    created_at: str = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class Assignment:
    article_id: str
    story_id: str
    method: str
    score: float | None
    runner_up: str | None
    runner_up_score: float | None
    pinned: bool
    at: str
    #: Dense cosine with the chosen story when embeddings took part, else None.
    dense: float | None = None


@dataclass(frozen=True, slots=True)
class DenseCentroid:
    """A story's dense centroid: the sum of its embedded members' rows, and how many."""

    story_id: str
    total: Dense
    members: int
    first_seen: str | None = None
    last_seen: str | None = None

"""Giving a store's articles the vectors of another sentence model (``storyline reembed``).

A store never mixes models, so a new model replaces every article vector and every story's
dense centroid in one transaction: all or nothing. Stories and their members do not change
(nothing is re-clustered); only what later articles are compared against does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np

from storyline.models import Article
from storyline.semantic.vectors import (
    Encoder,
    article_text,
    covers,
    is_multilingual,
    model_name,
    normalise,
)
from storyline.store import Store
from storyline.store.story_tables import as_stored

#: Articles encoded at once.
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Reembedded:
    model: str
    previous: str | None
    articles: int
    #: Articles the model does not cover (its language): they keep no vector.
    skipped: int
    stories: int


def reembed(store: Store, encoder: Encoder,
            progress: Callable[[int], None] | None = None) -> Reembedded:
    """Replace every article vector with ``encoder``'s and every dense centroid with the
    sum of its members' new vectors; ``progress`` gets the number of articles done."""
    tables = store.stories
    model = model_name(encoder)
    multilingual = is_multilingual(model)
    previous = tables.meta("embedding_model") or None
    done = skipped = 0
    dim: int | None = None
    with store.transaction():
        tables.clear_embeddings()
        for chunk in _chunks(store.iter_articles()):
            covered = [a for a in chunk if covers(a.lang, multilingual)]
            skipped += len(chunk) - len(covered)
            if covered:
                rows = encoder.encode([article_text(a.title, a.text) for a in covered])
                if rows.ndim != 2 or rows.shape[0] != len(covered):
                    raise ValueError(f"the encoder gave {rows.shape[0]} rows for "
                                     f"{len(covered)} texts")
                rows = as_stored(normalise(rows))
                dim = int(rows.shape[1])
                for article, row in zip(covered, rows, strict=True):
                    tables.save_embedding(article.id, row)
            done += len(chunk)
            if progress is not None:
                progress(done)
        if dim is not None:
            tables.set_meta("embedding_model", model)
            tables.set_meta("embedding_dim", str(dim))
        stories = 0
        for story_id in tables.live_story_ids():
            embedded = tables.embeddings(tables.members(story_id))
            if not embedded:
                continue
            rows = np.stack([embedded[a] for a in sorted(embedded)])
            total = np.asarray(np.sum(rows, axis=0, dtype=np.float64), dtype=np.float32)
            tables.save_dense(story_id, total, len(embedded))
            stories += 1
    return Reembedded(model, previous, done - skipped, skipped, stories)


def _chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    it = iter(articles)
    while chunk := list(islice(it, CHUNK)):
        yield chunk

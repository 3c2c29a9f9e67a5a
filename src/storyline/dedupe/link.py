"""Link each newly stored article to the stored articles it copies (or that copy it).

Runs in the main process inside the ingest transaction, right after the article is stored;
the LSH index is built from the stored signatures the first time it is needed, then kept in
step with the batch (and rolled back with it).
"""

from __future__ import annotations

from storyline.dedupe.near import NearDuplicateIndex, Signature, copy_score
from storyline.models import Article
from storyline.store import Store

#: Verified links per new article at most; the closest candidates come first.
MAX_LINKS = 3
#: A copy this close to a stored article is not indexed itself: that article stands for it.
REPRESENTED = 0.9


class CopyLinker:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._index: NearDuplicateIndex | None = None
        self._added: list[str] = []

    def _ensure(self) -> NearDuplicateIndex:
        if self._index is None:
            self._index = NearDuplicateIndex()
            for article_id, minhash, shingles in self._store.iter_signatures():
                self._index.add(article_id, Signature(minhash, shingles))
        return self._index

    def reload(self) -> None:
        """Forget the index: another process has added articles since it was read, and it
        is read again from the store when next needed."""
        self._index = None
        self._added.clear()

    def checkpoint(self) -> int:
        return len(self._added)

    def rollback(self, checkpoint: int) -> None:
        """Forget what was indexed since ``checkpoint`` (its transaction was rolled back)."""
        if self._index is not None:
            for key in self._added[checkpoint:]:
                self._index.remove(key)
        del self._added[checkpoint:]

    def link(self, article: Article, sig: Signature | None) -> list[tuple[str, float]]:
        """Store links from ``article`` to the stored articles it is a near copy of."""
        if sig is None:
            return []
        index = self._ensure()
        found = []
        for other in index.candidates(sig):
            text = self._store.article_text(other)
            if text is None:
                continue
            score = copy_score(article.text, text)
            if score >= index.threshold:
                self._store.add_copy_link(article.id, other, score, "near")
                found.append((other, score))
                if len(found) >= MAX_LINKS:
                    break  # enough to join its copy group; groups are connected components
        # A near-verbatim copy is represented in the index by what it copies: a flood of
        # identical texts then costs one index entry, not one per copy.
        represented = any(score >= REPRESENTED for _, score in found)
        self._store.add_signature(article.id, sig.hashvalues, sig.shingles,
                                  indexed=not represented)
        if not represented:
            index.add(article.id, sig)
            self._added.append(article.id)
        return found

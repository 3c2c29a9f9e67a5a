"""SQL for the stories stage: stories, their term index, article vectors, corrections.

Kept apart from ``store.py`` so each stage's tables have one home; it shares the store's
backend connection, so everything happens inside the store's transactions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from storyline.analyse.digest import StoryDigest
from storyline.store.backend import Backend
from storyline.store.chunks import in_chunks
from storyline.store.query import plain_text, prefix_range
from storyline.stories.records import Assignment, Dense, DenseCentroid, StoryRow

__all__ = ["Assignment", "Dense", "DenseCentroid", "StoryRow", "StoryTables", "as_stored"]


#: Postings read per query term at most (most recently seen stories first).
POSTINGS_PER_TERM = 400

#: The one order of story lists (the store's ``stories_newest`` index): newest last report
#: first, then newest first report, undated stories last; ties by id.
LISTING_ORDER = ("coalesce(s.last_seen, '') DESC, coalesce(s.first_seen, '') DESC, s.id")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _blob(vector: Dense) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def _row(blob: bytes) -> Dense:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)  # a writable copy


def _half_blob(vector: Dense) -> bytes:
    """An article's unit vector in half the space: float16 keeps a cosine to about 1e-3,
    which no decision here is that close to. (Centroids are sums: they stay float32.)"""
    return np.ascontiguousarray(vector, dtype="<f2").tobytes()


def as_stored(rows: Dense) -> Dense:
    """Article vectors as the store gives them back (float16 precision, as float32)."""
    return np.asarray(rows, dtype="<f2").astype(np.float32)


def _article_row(blob: bytes, dim: int | None) -> Dense:
    """An article's stored vector: float16 now, float32 in stores written before
    (told apart by size against the store's recorded dimension)."""
    half = dim is not None and len(blob) == 2 * dim
    return np.frombuffer(blob, dtype="<f2" if half else "<f4").astype(np.float32)


class StoryTables:
    def __init__(self, db: Backend) -> None:
        self._db = db

    # -- statistics ----------------------------------------------------------------------
    def meta(self, key: str, default: str = "") -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta(key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET "
            "value=excluded.value", (key, value),
        )

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for part, marks in in_chunks(terms):
            for term, df in self._db.execute(
                f"SELECT term, df FROM term_df WHERE term IN ({marks})", part
            ):
                out[term] = int(df)
        return out

    def set_document_frequencies(self, counts: dict[str, int]) -> None:
        self._db.executemany(
            "INSERT INTO term_df(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET "
            "df = excluded.df", sorted(counts.items()),
        )

    # -- stories -------------------------------------------------------------------------
    def get(self, story_id: str) -> StoryRow | None:
        row = self._db.execute(
            "SELECT id, headline, headline_article, headline_score, first_seen, last_seen, "
            "article_count, centroid, langs, merged_into, created_at FROM stories WHERE id=?",
            (story_id,),
        ).fetchone()
        if row is None:
            return None
        return StoryRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                        json.loads(row[7]), json.loads(row[8]), row[9], row[10])

    def resolve(self, story_id: str) -> str:
        """Follow merge aliases to the story that lives on."""
        seen = set()
        current = story_id
        while current not in seen:
            seen.add(current)
            row = self._db.execute(
                "SELECT merged_into FROM stories WHERE id=?", (current,)
            ).fetchone()
            if row is None or row[0] is None:
                return current
            current = row[0]
        return current

    def save(self, story: StoryRow, index_terms: Sequence[str] | None) -> None:
        """Write a story; ``index_terms`` None keeps its lookup terms as they are."""
        self._db.execute(
            "INSERT INTO stories(id, headline, headline_article, headline_score, first_seen, "
            "last_seen, article_count, centroid, langs, merged_into, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "headline=excluded.headline, headline_article=excluded.headline_article, "
            "headline_score=excluded.headline_score, first_seen=excluded.first_seen, "
            "last_seen=excluded.last_seen, article_count=excluded.article_count, "
            "centroid=excluded.centroid, langs=excluded.langs, merged_into=excluded.merged_into",
            (story.id, story.headline, story.headline_article, story.headline_score,
             story.first_seen, story.last_seen, story.article_count, _dumps(story.centroid),
             _dumps(story.langs), story.merged_into, story.created_at),
        )
        if index_terms is None:
            return
        self._db.execute("DELETE FROM story_terms WHERE story_id=?", (story.id,))
        self._db.executemany(
            "INSERT INTO story_terms(term, story_id, seen_until) VALUES (?,?,?) "
            "ON CONFLICT DO NOTHING",
            ((t, story.id, story.last_seen or "~") for t in index_terms),
        )

    def move_window(self, story_id: str, last_seen: str | None) -> None:
        """Keep the term index's copy of a story's last date in step (terms unchanged)."""
        self._db.execute("UPDATE story_terms SET seen_until=? WHERE story_id=?",
                         (last_seen or "~", story_id))

    def retire(self, story_id: str, into: str) -> None:
        self._db.execute("DELETE FROM story_terms WHERE story_id=?", (story_id,))
        self._db.execute("DELETE FROM story_dense WHERE story_id=?", (story_id,))
        self._db.execute("DELETE FROM story_digests WHERE story_id=?", (story_id,))
        self._db.execute(
            "UPDATE stories SET merged_into=?, article_count=0, centroid='{}' WHERE id=?",
            (into, story_id),
        )

    def candidates(self, terms: Sequence[str], *, since: str | None, until: str | None,
                   limit: int, per_term: int = POSTINGS_PER_TERM) -> list[str]:
        """Live stories sharing the most index terms with ``terms``, within a time window.

        Each term contributes at most ``per_term`` postings, the most recently seen
        stories first (read in order from the (term, seen_until, story_id) index), so a
        common term costs the same in a store of a thousand stories or a million.
        """
        if not terms:
            return []
        one = ("SELECT story_id FROM (SELECT story_id FROM story_terms WHERE term = ? "
               "AND seen_until >= ? ORDER BY seen_until DESC, story_id DESC LIMIT ?) AS p")
        sql = (f"WITH hits(story_id) AS ({' UNION ALL '.join([one] * len(terms))}) "
               "SELECT h.story_id, count(*) AS shared FROM hits h "
               "JOIN stories s ON s.id = h.story_id WHERE s.merged_into IS NULL")
        params: list[Any] = []
        for term in terms:
            params += [term, since or "", per_term]
        if until:
            sql += " AND (s.first_seen IS NULL OR s.first_seen <= ?)"
            params.append(until)
        sql += " GROUP BY h.story_id ORDER BY shared DESC, h.story_id LIMIT ?"
        params.append(limit)
        return [row[0] for row in self._db.execute(sql, params)]

    # -- articles in stories -------------------------------------------------------------
    def set_article_story(self, article_id: str, story_id: str) -> None:
        self._db.execute("UPDATE articles SET story_id=? WHERE id=?", (story_id, article_id))

    def members(self, story_id: str) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT id FROM articles WHERE story_id=? ORDER BY coalesce(published, ''), pk",
            (story_id,),
        )]

    def save_vector(self, article_id: str, vector: dict[str, float]) -> None:
        self._db.execute(
            "INSERT INTO article_vectors(article_id, features) VALUES (?,?) "
            "ON CONFLICT(article_id) DO UPDATE SET features=excluded.features",
            (article_id, _dumps({t: round(w, 5) for t, w in vector.items()})),
        )

    def vectors(self, article_ids: Iterable[str]) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for part, marks in in_chunks(article_ids):
            for aid, feats in self._db.execute(
                f"SELECT article_id, features FROM article_vectors WHERE article_id IN "
                f"({marks})", part,
            ):
                out[aid] = json.loads(feats)
        return out

    def record_assignment(self, a: Assignment) -> None:
        self._db.execute(
            "INSERT INTO assignments(article_id, story_id, method, score, runner_up, "
            "runner_up_score, pinned, at, dense) VALUES (?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(article_id) DO UPDATE SET story_id=excluded.story_id, "
            "method=excluded.method, score=excluded.score, runner_up=excluded.runner_up, "
            "runner_up_score=excluded.runner_up_score, pinned=excluded.pinned, at=excluded.at, "
            "dense=excluded.dense",
            (a.article_id, a.story_id, a.method, a.score, a.runner_up, a.runner_up_score,
             int(a.pinned), a.at, a.dense),
        )

    def assignment(self, article_id: str) -> Assignment | None:
        row = self._db.execute(
            "SELECT article_id, story_id, method, score, runner_up, runner_up_score, pinned, at, "
            "dense FROM assignments WHERE article_id=?", (article_id,),
        ).fetchone()
        if row is None:
            return None
        return Assignment(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), row[7],
                          row[8])

    # -- dense embeddings (optional) -----------------------------------------------------
    def save_embedding(self, article_id: str, vector: Dense) -> None:
        self._db.execute(
            "INSERT INTO article_embeddings(article_id, vector) VALUES (?,?) "
            "ON CONFLICT(article_id) DO UPDATE SET vector=excluded.vector",
            (article_id, _half_blob(vector)),
        )

    def embeddings(self, article_ids: Iterable[str]) -> dict[str, Dense]:
        out: dict[str, Dense] = {}
        recorded = self.meta("embedding_dim")
        dim = int(recorded) if recorded else None
        for part, marks in in_chunks(article_ids):
            for aid, blob in self._db.execute(
                f"SELECT article_id, vector FROM article_embeddings WHERE article_id IN "
                f"({marks})", part,
            ):
                out[aid] = _article_row(blob, dim)
        return out

    def clear_embeddings(self) -> None:
        """Forget every article vector, dense centroid and the model that made them (call
        inside a transaction: ``reembed`` writes new ones in the same one)."""
        self._db.execute("DELETE FROM article_embeddings")
        self._db.execute("DELETE FROM story_dense")
        self._db.execute("DELETE FROM meta WHERE key IN ('embedding_model', 'embedding_dim')")

    def has_embeddings(self) -> bool:
        return self._db.execute("SELECT 1 FROM article_embeddings LIMIT 1").fetchone() is not None

    def dense_centroid(self, story_id: str) -> DenseCentroid | None:
        row = self._db.execute(
            "SELECT d.centroid, d.members, s.first_seen, s.last_seen FROM story_dense d "
            "LEFT JOIN stories s ON s.id = d.story_id WHERE d.story_id=?", (story_id,),
        ).fetchone()
        return None if row is None else DenseCentroid(story_id, _row(row[0]), int(row[1]),
                                                      row[2], row[3])

    def dense_window(self, *, since: str | None, until: str | None,
                     limit: int) -> list[DenseCentroid]:
        """Dense centroids of the live stories a time window's articles may join (the same
        window as ``candidates``; undated stories are in every window), newest first."""
        sql = ("SELECT d.story_id, d.centroid, d.members, s.first_seen, s.last_seen "
               "FROM story_dense d JOIN stories s ON s.id = d.story_id "
               "WHERE s.merged_into IS NULL")
        params: list[Any] = []
        if since:
            sql += " AND coalesce(s.last_seen, '~') >= ?"
            params.append(since)
        if until:
            sql += " AND (s.first_seen IS NULL OR s.first_seen <= ?)"
            params.append(until)
        sql += " ORDER BY coalesce(s.last_seen, '~') DESC, d.story_id LIMIT ?"
        params.append(limit)
        return [DenseCentroid(r[0], _row(r[1]), int(r[2]), r[3], r[4])
                for r in self._db.execute(sql, params)]

    def save_dense(self, story_id: str, total: Dense, members: int) -> None:
        """Write a story's dense centroid; no embedded member deletes it."""
        if members <= 0:
            self._db.execute("DELETE FROM story_dense WHERE story_id=?", (story_id,))
            return
        self._db.execute(
            "INSERT INTO story_dense(story_id, centroid, members) VALUES (?,?,?) "
            "ON CONFLICT(story_id) DO UPDATE SET centroid=excluded.centroid, "
            "members=excluded.members",
            (story_id, _blob(total), members),
        )

    # -- corrections ---------------------------------------------------------------------
    def record_correction(self, kind: str, args: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO corrections(kind, args, at) VALUES (?,?,?)", (kind, _dumps(args), _now())
        )

    def corrections(self) -> list[tuple[str, dict[str, Any], str]]:
        return [(r[0], json.loads(r[1]), r[2]) for r in self._db.execute(
            "SELECT kind, args, at FROM corrections ORDER BY id")]

    def forbid_merge(self, a: str, b: str) -> None:
        x, y = sorted((a, b))
        self._db.execute("INSERT INTO cannot_link(a, b) VALUES (?,?) ON CONFLICT DO NOTHING",
                         (x, y))

    def allow_merge(self, a: str, b: str) -> None:
        x, y = sorted((a, b))
        self._db.execute("DELETE FROM cannot_link WHERE a=? AND b=?", (x, y))

    def merge_forbidden(self, a: str, b: str) -> bool:
        x, y = sorted((a, b))
        return self._db.execute(
            "SELECT 1 FROM cannot_link WHERE a=? AND b=?", (x, y)
        ).fetchone() is not None

    def aliases(self, story_id: str) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT id FROM stories WHERE merged_into=? ORDER BY id", (story_id,))]

    def ids_with_prefix(self, prefix: str) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT id FROM stories WHERE id >= ? AND id < ? LIMIT 2", prefix_range(prefix))]

    # -- listing -------------------------------------------------------------------------
    def summaries(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        phrase: str | None = None,
        query: str | None = None,
        lang: str | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Live stories with their articles, sources and languages, in the listing order
        (``LISTING_ORDER``): newest last report first, then newest first report, undated
        stories last. The filters are ``count``'s."""
        where, params = self._where(since=since, until=until, source=source, phrase=phrase,
                                    query=query, lang=lang, ids=ids)
        sql = ("SELECT s.id, s.headline, s.first_seen, s.last_seen, s.article_count "
               f"FROM stories s WHERE {where} ORDER BY {LISTING_ORDER}")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        rows = self._db.execute(sql, params).fetchall()
        if limit is None and offset:
            rows = rows[offset:]
        # Every listed story's members in a few queries, not one query per story.
        members_of: dict[str, list[tuple[str, str | None, str | None]]] = {}
        for part, marks in in_chunks([r[0] for r in rows]):
            for sid, aid, source_, lang_ in self._db.execute(
                f"SELECT story_id, id, source, lang FROM articles WHERE story_id IN ({marks}) "
                "ORDER BY coalesce(published, ''), pk", part,
            ):
                members_of.setdefault(sid, []).append((aid, source_, lang_))
        out = []
        for sid, headline, first, last, count in rows:
            members = members_of.get(sid, [])
            out.append({
                "id": sid, "headline": headline, "article_ids": [m[0] for m in members],
                "sources": sorted({m[1] for m in members if m[1]}),
                "languages": sorted({m[2] for m in members if m[2]}),
                "first_seen": first, "last_seen": last, "article_count": count,
            })
        return out

    def count(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        phrase: str | None = None,
        query: str | None = None,
        lang: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> int:
        """How many live stories match. ``since`` keeps stories last reported on or after
        that day; ``until``, first reported on or before it (undated stories are in every
        window). ``phrase`` (a name, as words in that order) and ``query`` (plain words,
        all of them) keep stories with an article that matches; both are plain text, which
        the store turns into its own search syntax. ``source`` keeps stories with an
        article from that outlet (any case), ``lang`` with an article in that language,
        ``ids`` those stories only."""
        where, params = self._where(since=since, until=until, source=source, phrase=phrase,
                                    query=query, lang=lang, ids=ids)
        return int(self._db.execute(f"SELECT count(*) FROM stories s WHERE {where}",
                                    params).fetchone()[0])

    def _where(self, *, since: str | None, until: str | None, source: str | None,
               phrase: str | None, query: str | None, lang: str | None,
               ids: Sequence[str] | None) -> tuple[str, list[Any]]:
        where = ["s.merged_into IS NULL", "s.article_count > 0"]
        params: list[Any] = []
        if since:
            where.append("coalesce(s.last_seen, '') >= ?")
            params.append(since)
        if until:
            where.append("(s.first_seen IS NULL OR substr(s.first_seen, 1, ?) <= ?)")
            params += [len(until), until]
        if source:
            where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id "
                         "AND lower(a.source) = lower(?))")
            params.append(source)
        if lang:
            where.append("EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id "
                         "AND lower(a.lang) = lower(?))")
            params.append(lang)
        phrase, query = plain_text(phrase), plain_text(query)
        if phrase or query:
            matches, found = self._db.search(phrase=phrase, query=query)
            where.append("s.id IN (SELECT a.story_id FROM articles a WHERE a.pk IN "
                         f"(SELECT m.pk FROM ({matches}) m))")
            params += found
        if ids is not None:
            where.append(f"s.id IN ({','.join('?' * len(ids))})" if ids else "1 = 0")
            params += list(ids)
        return " AND ".join(where), params

    # -- digests (the counts a story list shows; ``analyse/digest.py``) -------------------
    def digest_fingerprints(self, story_ids: Iterable[str]) -> dict[str, str]:
        """Story id → a fingerprint of what its digest is computed from: its articles,
        the copy links touching them (copies count once) and how much extraction each
        holds (``reextract`` changes it). Unchanged fingerprint, unchanged report counts."""
        parts: dict[str, list[str]] = {}
        story_of: dict[str, str] = {}
        for part, marks in in_chunks(story_ids):
            for sid, aid in self._db.execute(
                    f"SELECT story_id, id FROM articles WHERE story_id IN ({marks})", part):
                story_of[aid] = sid
                parts.setdefault(sid, []).append(f"a {aid}")
        for part, marks in in_chunks(story_of):
            for a, b, method in self._db.execute(
                    f"SELECT a, b, method FROM copy_links WHERE a IN ({marks}) "
                    f"OR b IN ({marks})", part + part):
                for end in {a, b} & story_of.keys():
                    parts[story_of[end]].append(f"c {a} {b} {method}")
            for table in ("mentions", "events"):
                for aid, n in self._db.execute(
                        f"SELECT article_id, count(*) FROM {table} WHERE article_id IN "
                        f"({marks}) GROUP BY article_id", part):
                    parts[story_of[aid]].append(f"{table[0]} {aid} {n}")
        return {sid: hashlib.sha1("\n".join(sorted(set(lines))).encode()).hexdigest()
                for sid, lines in parts.items()}

    def digests(self, story_ids: Iterable[str]) -> dict[str, tuple[str, str, StoryDigest]]:
        """Stored digests: story id → (fingerprint, analysis version, digest)."""
        out: dict[str, tuple[str, str, StoryDigest]] = {}
        for part, marks in in_chunks(story_ids):
            for r in self._db.execute(
                    "SELECT story_id, fingerprint, version, sources, independent_sources, "
                    f"conflicts, shared_facts FROM story_digests WHERE story_id IN ({marks})",
                    part):
                out[r[0]] = (r[1], r[2], StoryDigest(r[0], int(r[3]), int(r[4]), int(r[5]),
                                                     int(r[6])))
        return out

    def save_digest(self, digest: StoryDigest, fingerprint: str, version: str) -> None:
        """Write a story's digest (call inside a transaction: ``Store.cache_transaction``)."""
        self._db.execute(
            "INSERT INTO story_digests(story_id, fingerprint, version, sources, "
            "independent_sources, conflicts, shared_facts, computed_at) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(story_id) DO UPDATE SET "
            "fingerprint=excluded.fingerprint, version=excluded.version, "
            "sources=excluded.sources, independent_sources=excluded.independent_sources, "
            "conflicts=excluded.conflicts, shared_facts=excluded.shared_facts, "
            "computed_at=excluded.computed_at",
            (digest.story_id, fingerprint, version, digest.sources,
             digest.independent_sources, digest.conflicts, digest.shared_facts, _now()),
        )

    def live_story_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT id FROM stories WHERE merged_into IS NULL ORDER BY coalesce(last_seen, '') "
            "DESC, id")]

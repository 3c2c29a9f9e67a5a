"""The store: articles, ingest batches, rejects, signatures and copy links, in SQL that every
backend runs (``backend.py``); the stories and extraction stages' tables sit beside it.

Writes happen in explicit transactions; a batch commits in chunks so an interrupted ingest
keeps every chunk that finished and leaves no half-written article behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from storyline.models import Article, Reject, RemovedLine
from storyline.store import owner
from storyline.store.backend import Backend, Row
from storyline.store.chunks import in_chunks
from storyline.store.extraction_tables import ExtractionTables
from storyline.store.query import plain_text, prefix_range
from storyline.store.story_tables import StoryTables

AddStatus = Literal["ingested", "already stored"]

_ARTICLE_COLUMNS = (
    "id, title, text, origin, format, content_hash, source, url, published, published_from, "
    "lang, lang_score, byline, partial, title_inferred, removed, story_id, ingested_at"
)


@dataclass(frozen=True, slots=True)
class RejectRow:
    origin: str
    reason: str
    first_seen: str
    last_seen: str
    times: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "reason": self.reason,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "times": self.times,
        }


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    source: str | None = None
    lang: str | None = None
    since: str | None = None
    until: str | None = None
    query: str | None = None
    limit: int | None = 100
    offset: int = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A Storyline store: a SQLite file (the default) or a PostgreSQL database (``location``
    ``postgresql://…``). Use as a context manager, or call ``close``."""

    def __init__(self, location: str | Path | Backend) -> None:
        if isinstance(location, str | Path):
            from storyline.store.open import connect

            self._db: Backend = connect(location)
        else:
            self._db = location
        try:
            self._db.migrate()
        except BaseException:
            self._db.close()
            raise
        self.location = self._db.location
        self.stories = StoryTables(self._db)
        self.extraction = ExtractionTables(self._db)

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self._db.schema_version

    def files(self) -> list[Path]:
        """The files that hold the store (none on a server): ingests must not read them."""
        return self._db.files()

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing: commit on success, roll back on any exception (Ctrl-C included).

        The store's write lock is taken at once: while it is held no other process (another
        ingest, a web upload) writes, so what the transaction reads stays true until it
        commits."""
        return self._db.transaction()

    def cache_transaction(self) -> AbstractContextManager[None]:
        """All or nothing, for derived data the store keeps (story digests): waits at most a
        moment for other writers and changes no cache key. StoreError when the store cannot
        be written now (read-only file, busy, inside another transaction); the caller then
        goes on without storing."""
        return self._db.cache_transaction()

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see the store as it was at their first read, whatever other
        processes commit meanwhile. For readers that page through a table, such as
        exports."""
        return self._db.snapshot()

    def others_wrote(self) -> bool:
        """Whether another connection committed since this one's last transaction (True
        the first time). Call inside ``transaction``: a writer that keeps state between
        transactions (the story assigner's statistics, the copy index) must reload it
        then, or it would write back values another process has since changed."""
        return self._db.others_wrote()

    # -- batches -------------------------------------------------------------------------
    def begin_batch(self, inputs: Sequence[str]) -> int:
        """Record a new running batch and its owner; first mark the batches of ingests
        that died without finishing (``mark_stale_batches``)."""
        me = owner.current()
        with self.transaction():
            self._mark_stale_batches()
            row = self._db.execute(
                "INSERT INTO batches(started_at, inputs, pid, host, pid_scope, pid_start) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (_now(), json.dumps(list(inputs)), me.pid, me.host, me.scope, me.start),
            ).fetchone()
        return int(row[0])

    def mark_stale_batches(self) -> list[int]:
        """Mark ``interrupted`` the running batches whose process is gone (killed, or its
        machine restarted); returns their ids. A batch whose process may still run (it
        does, or it is on another host, or its owner was not recorded) is left alone."""
        with self.transaction():
            return self._mark_stale_batches()

    def _mark_stale_batches(self) -> list[int]:
        rows = self._db.execute(
            "SELECT id, pid, host, pid_scope, pid_start FROM batches "
            "WHERE status='running' AND pid IS NOT NULL AND host IS NOT NULL").fetchall()
        stale = [int(r[0]) for r in rows
                 if owner.is_dead(owner.Owner(int(r[1]), str(r[2]), r[3], r[4]))]
        for batch_id in stale:
            # Its committed chunks are kept: count them (other counts died with it).
            self._db.execute(
                "UPDATE batches SET status='interrupted', ingested=(SELECT count(*) FROM "
                "articles WHERE batch_id=?) WHERE id=? AND status='running'",
                (batch_id, batch_id))
        return stale

    def finish_batch(
        self, batch_id: int, *, status: str, ingested: int, already_stored: int, rejected: int
    ) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE batches SET finished_at=?, status=?, ingested=?, already_stored=?, "
                "rejected=? WHERE id=?",
                (_now(), status, ingested, already_stored, rejected, batch_id),
            )

    # -- writes (call inside ``transaction``) --------------------------------------------
    def add_article(self, article: Article, batch_id: int | None = None) -> AddStatus:
        """Insert unless the same id, URL or normalised content is stored already (one
        statement: any of the three unique keys taken means "already stored")."""
        row = self._db.execute(
            f"INSERT INTO articles({_ARTICLE_COLUMNS}, batch_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING pk",
            (
                article.id, article.title, article.text, article.origin, article.format,
                article.content_hash, article.source, article.url, article.published,
                article.published_from, article.lang, article.lang_score, article.byline,
                int(article.partial), int(article.title_inferred),
                json.dumps([[r.line, r.text, r.reason] for r in article.removed],
                           ensure_ascii=False),
                article.story_id, article.ingested_at, batch_id,
            ),
        ).fetchone()
        return "ingested" if row is not None else "already stored"

    def existing_id(self, article: Article) -> str | None:
        """The id under which this article (same id, content or URL) is already stored."""
        row = self._db.execute(
            "SELECT id FROM articles WHERE id=? OR content_hash=? OR (url IS NOT NULL AND url=?) "
            "ORDER BY pk LIMIT 1",
            (article.id, article.content_hash, article.url),
        ).fetchone()
        return str(row[0]) if row else None

    def add_reject(self, reject: Reject, batch_id: int | None = None) -> None:
        now = _now()
        self._db.execute(
            "INSERT INTO rejects(origin, reason, first_seen, last_seen, batch_id) "
            "VALUES (?,?,?,?,?) ON CONFLICT(origin, reason) DO UPDATE SET "
            "last_seen=excluded.last_seen, times=rejects.times+1, batch_id=excluded.batch_id",
            (reject.origin, reject.reason, now, now, batch_id),
        )

    def add_signature(
        self, article_id: str, minhash: bytes, shingles: int, *, indexed: bool = True
    ) -> None:
        self._db.execute(
            "INSERT INTO signatures(article_id, minhash, shingles, indexed) VALUES (?,?,?,?) "
            "ON CONFLICT(article_id) DO UPDATE SET minhash=excluded.minhash, "
            "shingles=excluded.shingles, indexed=excluded.indexed",
            (article_id, minhash, shingles, int(indexed)),
        )

    def add_copy_link(self, a: str, b: str, similarity: float, method: str) -> None:
        a, b = sorted((a, b))
        self._db.execute(
            "INSERT INTO copy_links(a, b, similarity, method) VALUES (?,?,?,?) "
            "ON CONFLICT(a, b) DO UPDATE SET similarity=excluded.similarity, "
            "method=excluded.method",
            (a, b, round(similarity, 4), method),
        )

    # -- reads ---------------------------------------------------------------------------
    def iter_signatures(self) -> Iterator[tuple[str, bytes, int]]:
        for row in self._db.execute(
            "SELECT article_id, minhash, shingles FROM signatures WHERE indexed = 1"
        ):
            yield row[0], row[1], row[2]

    def article_text(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM articles WHERE id=?", (article_id,)).fetchone()
        return str(row[0]) if row else None

    def copy_links(self, ids: Iterable[str] | None = None) -> list[tuple[str, str, float, str]]:
        """Copy links (a < b), all of them or those touching ``ids``."""
        if ids is None:
            rows = self._db.execute("SELECT a, b, similarity, method FROM copy_links")
            return [(r[0], r[1], r[2], r[3]) for r in rows]
        found: list[tuple[str, str, float, str]] = []
        for part, marks in in_chunks(ids):
            rows = self._db.execute(
                f"SELECT a, b, similarity, method FROM copy_links WHERE a IN ({marks}) "
                f"OR b IN ({marks})", part + part,
            )
            found += [(r[0], r[1], r[2], r[3]) for r in rows]
        return sorted(set(found))

    def fingerprint(self) -> tuple[int, ...]:
        """Changes whenever articles, mentions or story membership change (ingest,
        re-extraction, corrections): the key of caches over the whole store."""
        return self._db.fingerprint()

    def counts(self) -> dict[str, int]:
        one = self._db.execute
        return {
            "articles": int(one("SELECT count(*) FROM articles").fetchone()[0]),
            "stories": int(one("SELECT count(*) FROM stories WHERE merged_into IS NULL "
                               "AND article_count > 0").fetchone()[0]),
            "rejects": int(one("SELECT count(*) FROM rejects").fetchone()[0]),
        }

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """The outlets (``sources``) and language codes (``languages``) of the stored
        articles, each with its number of articles, most articles first."""
        out: dict[str, list[tuple[str, int]]] = {}
        for name, column in (("sources", "source"), ("languages", "lang")):
            out[name] = [(str(r[0]), int(r[1])) for r in self._db.execute(
                f"SELECT {column}, count(*) AS n FROM articles WHERE {column} IS NOT NULL "
                f"AND {column} != '' GROUP BY {column} ORDER BY n DESC, {column}")]
        return out

    def article_meta(self, ids: Iterable[str] | None = None
                     ) -> dict[str, tuple[str | None, str | None, str | None]]:
        """id → (story id, published, source) without the texts (all articles when None)."""
        sql = "SELECT id, story_id, published, source FROM articles"
        if ids is None:
            return {r[0]: (r[1], r[2], r[3]) for r in self._db.execute(sql)}
        out = {}
        for part, marks in in_chunks(ids):
            for r in self._db.execute(f"{sql} WHERE id IN ({marks})", part):
                out[r[0]] = (r[1], r[2], r[3])
        return out

    def articles_by_id(self, ids: Iterable[str]) -> dict[str, Article]:
        out: dict[str, Article] = {}
        for part, marks in in_chunks(ids):
            for row in self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", part
            ):
                out[row["id"]] = _article(row)
        return out

    def count_articles(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def article(self, ref: str) -> Article | None:
        """An article by id, or by a unique id prefix of at least 4 characters."""
        row = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id=?", (ref,)
        ).fetchone()
        if row is None and len(ref) >= 4:
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id >= ? AND id < ? LIMIT 2",
                prefix_range(ref),
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return _article(row) if row is not None else None

    def articles(self, flt: ArticleFilter | None = None) -> list[Article]:
        flt = flt or ArticleFilter()
        where: list[str] = []
        params: list[Any] = []
        join = ""
        searched = plain_text(flt.query)
        if searched:
            matches, params = self._db.search(query=searched)
            join = f"JOIN ({matches}) m ON m.pk = articles.pk"
        if flt.source:
            where.append("lower(source) = lower(?)")
            params.append(flt.source)
        if flt.lang:
            where.append("lang = ?")
            params.append(flt.lang)
        if flt.since:
            where.append("published >= ?")
            params.append(flt.since)
        if flt.until:
            where.append("substr(published, 1, ?) <= ?")
            params += [len(flt.until), flt.until]
        sql = f"SELECT {_qualified()} FROM articles {join}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        order = "m.rank, articles.pk" if searched else "coalesce(published, '') DESC, pk"
        sql += f" ORDER BY {order}"
        if flt.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [flt.limit, flt.offset]
        return [_article(r) for r in self._db.execute(sql, params)]

    def rejects(self, limit: int | None = 100) -> list[RejectRow]:
        sql = "SELECT origin, reason, first_seen, last_seen, times FROM rejects ORDER BY id DESC"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [RejectRow(*tuple(r)) for r in self._db.execute(sql, params)]

    def iter_articles(self) -> Iterable[Article]:
        for row in self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY pk"):
            yield _article(row)


def _qualified() -> str:
    return ", ".join(f"articles.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))


def _article(row: Row) -> Article:
    removed = tuple(RemovedLine(int(a), str(b), str(c)) for a, b, c in json.loads(row["removed"]))
    return Article(
        id=row["id"],
        title=row["title"],
        text=row["text"],
        origin=row["origin"],
        format=row["format"],
        content_hash=row["content_hash"],
        source=row["source"],
        url=row["url"],
        published=row["published"],
        published_from=row["published_from"],
        lang=row["lang"],
        lang_score=row["lang_score"],
        byline=row["byline"],
        partial=bool(row["partial"]),
        title_inferred=bool(row["title_inferred"]),
        removed=removed,
        story_id=row["story_id"],
        ingested_at=row["ingested_at"],
    )

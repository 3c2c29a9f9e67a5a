"""The embedded store: one SQLite file with FTS5 full-text search.

Writes happen in explicit transactions; a batch commits in chunks so an interrupted ingest
keeps every chunk that finished and leaves no half-written article behind.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from storyline.models import Article, Reject, RemovedLine
from storyline.store import owner
from storyline.store.chunks import in_chunks
from storyline.store.extraction_tables import ExtractionTables
from storyline.store.migrations import MIGRATIONS, SCHEMA_VERSION
from storyline.store.query import fts_query, prefix_range
from storyline.store.story_tables import StoryTables

AddStatus = Literal["ingested", "already stored"]

_ARTICLE_COLUMNS = (
    "id, title, text, origin, format, content_hash, source, url, published, published_from, "
    "lang, lang_score, byline, partial, title_inferred, removed, story_id, ingested_at"
)


class StoreError(RuntimeError):
    """The store cannot be opened or used (newer schema, not a database, locked...)."""


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


_BUSY_TIMEOUT = 30.0


def _switch_to_wal(db: sqlite3.Connection) -> None:
    """Set WAL mode, waiting out other connections that are creating the same new file.

    SQLite answers "database is locked" at once, without calling its busy handler, when
    two connections race to change a fresh file's journal mode (a server's request and
    its ingest thread opening a new store together), so the wait is ours.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT
    pause = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_files(path: str | Path) -> list[Path]:
    """Every file a store at ``path`` keeps: the database and SQLite's write-ahead log,
    shared-memory index and rollback journal beside it (an ingest of a folder holding the
    store must not read them; removing a store removes them all)."""
    path = Path(path)
    return [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


class Store:
    """A Storyline store in one SQLite file. Use as a context manager, or call ``close``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=_BUSY_TIMEOUT)
            _switch_to_wal(self._db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot open as a Storyline store ({exc})") from None
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=NORMAL")
        #: ``PRAGMA data_version`` as this connection last left the store (``others_wrote``).
        self._seen_version: int | None = None
        self._migrate()
        self.stories = StoryTables(self._db)
        self.extraction = ExtractionTables(self._db)

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this Storyline "
                f"understands ({SCHEMA_VERSION}); upgrade Storyline"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                # Another connection may have migrated the store since we looked (two
                # opened at once, as a server's request and its ingest thread): the write
                # lock is ours now, so look again.
                if int(self._db.execute("PRAGMA user_version").fetchone()[0]) > number:
                    continue
                for statement in _split_sql(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit on success, roll back on any exception (Ctrl-C included).

        ``BEGIN IMMEDIATE`` takes the store's write lock at once: while it is held no other
        process (another ingest, a web upload) writes, so what the transaction reads stays
        true until it commits."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._seen_version = None
            raise
        self._seen_version = self._data_version()  # still ours: nobody wrote since BEGIN
        self._db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see the store as it was at their first read, whatever other
        processes commit meanwhile (a read transaction: in WAL mode writers go on). For
        readers that page through a table, such as exports."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")  # nothing was written: this only ends the read

    def others_wrote(self) -> bool:
        """Whether another connection committed since this one's last transaction (True
        the first time). Call inside ``transaction``: a writer that keeps state between
        transactions (the story assigner's statistics, the copy index) must reload it
        then, or it would write back values another process has since changed."""
        version = self._data_version()
        changed = version != self._seen_version
        self._seen_version = version
        return changed

    def _data_version(self) -> int:
        # changes when another connection commits; never for this connection's own commits
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    # -- batches -------------------------------------------------------------------------
    def begin_batch(self, inputs: Sequence[str]) -> int:
        """Record a new running batch and its owner; first mark the batches of ingests
        that died without finishing (``mark_stale_batches``)."""
        me = owner.current()
        with self.transaction():
            self._mark_stale_batches()
            cur = self._db.execute(
                "INSERT INTO batches(started_at, inputs, pid, host, pid_scope, pid_start) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), json.dumps(list(inputs)), me.pid, me.host, me.scope, me.start),
            )
        return int(cur.lastrowid or 0)

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
        """Insert unless the same URL or the same normalised content is stored already."""
        row = self._db.execute(
            "SELECT 1 FROM articles WHERE id=? OR content_hash=? OR (url IS NOT NULL AND url=?)",
            (article.id, article.content_hash, article.url),
        ).fetchone()
        if row is not None:
            return "already stored"
        self._db.execute(
            f"INSERT INTO articles({_ARTICLE_COLUMNS}, batch_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.id, article.title, article.text, article.origin, article.format,
                article.content_hash, article.source, article.url, article.published,
                article.published_from, article.lang, article.lang_score, article.byline,
                int(article.partial), int(article.title_inferred),
                json.dumps([[r.line, r.text, r.reason] for r in article.removed],
                           ensure_ascii=False),
                article.story_id, article.ingested_at, batch_id,
            ),
        )
        return "ingested"

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
            "last_seen=excluded.last_seen, times=times+1, batch_id=excluded.batch_id",
            (reject.origin, reject.reason, now, now, batch_id),
        )

    def add_signature(
        self, article_id: str, minhash: bytes, shingles: int, *, indexed: bool = True
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO signatures(article_id, minhash, shingles, indexed) "
            "VALUES (?,?,?,?)",
            (article_id, minhash, shingles, int(indexed)),
        )

    def add_copy_link(self, a: str, b: str, similarity: float, method: str) -> None:
        a, b = sorted((a, b))
        self._db.execute(
            "INSERT OR REPLACE INTO copy_links(a, b, similarity, method) VALUES (?,?,?,?)",
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
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT ifnull(max(rowid), 0) FROM "
            "mentions), (SELECT count(*) FROM mentions), (SELECT ifnull(max(rowid), 0) FROM "
            "assignments), (SELECT ifnull(max(rowid), 0) FROM corrections)").fetchone()
        return tuple(int(x) for x in row)

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
        if flt.query:
            join = "JOIN articles_fts ON articles_fts.rowid = articles.pk"
            where.append("articles_fts MATCH ?")
            params.append(fts_query(flt.query))
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
        order = "bm25(articles_fts)" if flt.query else "coalesce(published, '') DESC, pk"
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


def _article(row: sqlite3.Row) -> Article:
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


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; trigger bodies keep their inner semicolons."""
    statements, current = [], []
    depth = 0
    for line in script.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        current.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            depth += 1
        if upper == "END;":
            depth -= 1
        if depth == 0 and stripped.endswith(";"):
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements

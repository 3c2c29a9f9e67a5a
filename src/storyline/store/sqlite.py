"""The embedded backend: one SQLite file in WAL mode, with FTS5 full-text search.

Writers take turns with ``BEGIN IMMEDIATE`` (the file's write lock, held for one chunk);
``PRAGMA data_version`` tells a writer that another connection committed meanwhile.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storyline.store.errors import StoreError
from storyline.store.migrations import MIGRATIONS, SCHEMA_VERSION
from storyline.store.query import fts_phrase, fts_query

_BUSY_TIMEOUT = 30.0
#: Seconds a write of derived data (``cache_transaction``) waits for the write lock: a
#: page does not wait out an ingest's chunk to store what it can compute again.
_CACHE_WAIT = 0.2


def store_files(path: str | Path) -> list[Path]:
    """Every file a store at ``path`` keeps: the database and SQLite's write-ahead log,
    shared-memory index and rollback journal beside it (an ingest of a folder holding the
    store must not read them; removing a store removes them all)."""
    path = Path(path)
    return [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


class SQLiteBackend:
    """A store's SQLite file (``:memory:`` for a throwaway one)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.location = str(path)
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

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def close(self) -> None:
        self._db.close()

    def files(self) -> list[Path]:
        return [] if self.location == ":memory:" else store_files(self.path)

    # -- schema --------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location}: schema version {version} is newer than this Storyline "
                f"understands ({SCHEMA_VERSION}); upgrade Storyline"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                # Another connection may have migrated the store since we looked (two
                # opened at once, as a server's request and its ingest thread): the write
                # lock is ours now, so look again.
                if self.schema_version > number:
                    continue
                for statement in _split_sql(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        # BEGIN IMMEDIATE takes the write lock now, not at the first write
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
    def cache_transaction(self) -> Iterator[None]:
        if self._db.in_transaction:
            raise StoreError(f"{self.location}: already inside a transaction")
        self._db.execute(f"PRAGMA busy_timeout = {int(_CACHE_WAIT * 1000)}")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.location}: cannot write now ({exc})") from None
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT * 1000)}")
        try:
            yield
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{self.location}: cannot write now ({exc})") from None
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # a read transaction: in WAL mode writers go on, and we keep our moment
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")  # nothing was written: this only ends the read

    def others_wrote(self) -> bool:
        version = self._data_version()
        changed = version != self._seen_version
        self._seen_version = version
        return changed

    def _data_version(self) -> int:
        # changes when another connection commits; never for this connection's own commits
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def fingerprint(self) -> tuple[int, ...]:
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT coalesce(max(rowid), 0) FROM "
            "mentions), (SELECT count(*) FROM mentions), (SELECT coalesce(max(rowid), 0) FROM "
            "assignments), (SELECT coalesce(max(rowid), 0) FROM corrections)").fetchone()
        return tuple(int(x) for x in row)

    # -- full-text search ----------------------------------------------------------------
    def search(self, *, phrase: str | None = None, query: str | None = None
               ) -> tuple[str, list[Any]]:
        terms = ([fts_phrase(phrase)] if phrase else []) + ([fts_query(query)] if query else [])
        return ("SELECT rowid AS pk, bm25(articles_fts) AS rank FROM articles_fts "
                "WHERE articles_fts MATCH ?", [" ".join(terms)])


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

"""The team backend: a PostgreSQL database through psycopg 3 (``--db postgresql://…``).

Writers take turns with a transaction-scoped advisory lock, the counterpart of SQLite's
``BEGIN IMMEDIATE``: the order-dependent steps (copy linking, story assignment) see every
commit before theirs. A ``writes`` counter, raised by every write transaction, tells a
writer that another one committed meanwhile, and keys the caches over the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.store.errors import StoreError
from storyline.store.migrations import SCHEMA_VERSION
from storyline.store.postgres_schema import MIGRATIONS, TEXT_SEARCH_CONFIGS

#: The advisory lock every writer of a store takes (advisory locks are per database).
WRITE_LOCK = 0x53746F72  # "Stor"

#: Characters no search can mean (PostgreSQL text cannot hold a NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def redacted(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", url)


class PostgresBackend:
    """A store in a PostgreSQL database (13 or newer)."""

    def __init__(self, url: str) -> None:
        self.location = redacted(url)
        try:
            import psycopg
        except ImportError:
            raise StoreError(f"{self.location}: a PostgreSQL store needs psycopg: "
                             "pip install 'storyline[postgres]'") from None
        self._psycopg = psycopg
        try:
            self._conn = psycopg.connect(url, autocommit=True, row_factory=_row_factory,
                                         connect_timeout=10)
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreError(f"{self.location}: cannot connect ({reason})") from None
        #: ``writes`` as this connection last left the store (``others_wrote``).
        self._seen_writes: int | None = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._connection_errors():
            return self._conn.execute(_placeholders(sql), params or None)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._connection_errors(), self._conn.cursor() as cur:
            cur.executemany(_placeholders(sql), rows)

    @contextmanager
    def _connection_errors(self) -> Iterator[None]:
        """A server gone mid-work (restarted, the connection cut) is one line: the open
        transaction is lost on the server's side, what was committed stays."""
        try:
            yield
        except self._psycopg.OperationalError as exc:
            if not self._conn.closed and not self._conn.broken:
                raise
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreError(f"{self.location}: lost the connection ({reason})") from None

    def close(self) -> None:
        self._conn.close()

    def files(self) -> list[Path]:
        return []

    # -- schema --------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        row = self._conn.execute("SELECT to_regclass('storyline_state')").fetchone()
        if row is None or row[0] is None:
            return 0
        return int(self._value("SELECT schema_version FROM storyline_state"))

    def migrate(self) -> None:
        with self._locked():
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS storyline_state (one INTEGER PRIMARY KEY "
                "CHECK (one = 1), schema_version INTEGER NOT NULL, writes BIGINT NOT NULL)")
            self._conn.execute("INSERT INTO storyline_state VALUES (1, 0, 0) "
                               "ON CONFLICT (one) DO NOTHING")
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.location}: schema version {version} is newer than this Storyline "
                    f"understands ({SCHEMA_VERSION}); upgrade Storyline")
            for target, script in MIGRATIONS:
                if target > version:
                    self._conn.execute(script.encode())  # several statements, no parameters
                    self._conn.execute("UPDATE storyline_state SET schema_version = %s",
                                       (target,))

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._conn.execute("BEGIN")
        try:
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield
        except BaseException:
            self._rollback()
            raise
        self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        self._seen_writes = None
        if not self._conn.closed:
            self._conn.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._locked():
            yield
            # ours: the lock kept other writers out
            self._seen_writes = int(self._value(
                "UPDATE storyline_state SET writes = writes + 1 RETURNING writes"))

    @contextmanager
    def cache_transaction(self) -> Iterator[None]:
        # No advisory lock and no ``writes`` bump: derived data changes no cache key.
        from psycopg.pq import TransactionStatus

        if self._conn.info.transaction_status != TransactionStatus.IDLE:
            raise StoreError(f"{self.location}: already inside a transaction")
        try:
            self._conn.execute("BEGIN")
            self._conn.execute("SET LOCAL lock_timeout = '200ms'")
            yield
            self._conn.execute("COMMIT")
        except self._psycopg.Error as exc:
            if not self._conn.closed and not self._conn.broken:
                self._conn.execute("ROLLBACK")
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreError(f"{self.location}: cannot write now ({reason})") from None
        except BaseException:
            if not self._conn.closed and not self._conn.broken:
                self._conn.execute("ROLLBACK")
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        from psycopg.pq import TransactionStatus

        if self._conn.info.transaction_status != TransactionStatus.IDLE:
            yield
            return
        self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def others_wrote(self) -> bool:
        writes = self._writes()
        changed = writes != self._seen_writes
        self._seen_writes = writes
        return changed

    def _writes(self) -> int:
        return int(self._value("SELECT writes FROM storyline_state"))

    def fingerprint(self) -> tuple[int, ...]:
        return (int(self._value("SELECT count(*) FROM articles")),
                int(self._value("SELECT writes FROM storyline_state")))

    def _value(self, sql: str) -> Any:
        row = self._conn.execute(sql).fetchone()
        if row is None:
            raise StoreError(f"{self.location}: no answer to {sql!r}")
        return row[0]

    # -- full-text search ----------------------------------------------------------------
    def search(self, *, phrase: str | None = None, query: str | None = None
               ) -> tuple[str, list[Any]]:
        # Each article is matched by the query stemmed in the article's own language, as
        # its vector was ("floods" finds an English "flooded"); stemming the query in every
        # language would let a Hungarian stem of "balloon" ("ball") find a football report.
        parses = [(phrase, "phraseto_tsquery"), (query, "plainto_tsquery")]
        texts = [(_CONTROL.sub(" ", text), parse) for text, parse in parses if text]
        groups: dict[str, list[str]] = {}
        for code, config in TEXT_SEARCH_CONFIGS.items():
            groups.setdefault(config, []).append(code)
        known = ", ".join(f"'{code}'" for code in sorted(TEXT_SEARCH_CONFIGS))
        langs = [(f"a.lang IN ({', '.join(repr(c) for c in sorted(codes))})", config)
                 for config, codes in sorted(groups.items())]
        langs.append((f"(a.lang IS NULL OR a.lang NOT IN ({known}))", "simple"))
        words = [text for text, _ in texts]

        def stemmed(config: str) -> str:
            return "(" + " && ".join(f"{parse}('{config}', ?)" for _, parse in texts) + ")"

        own = "CASE " + " ".join(f"WHEN {test} THEN {stemmed(config)}"
                                 for test, config in langs) + " END"
        anyone = " || ".join(stemmed(config) for _, config in langs)
        # The union of every stemming finds the candidates on the GIN index (a stable
        # expression, computed once); the article's own language then decides.
        return (f"SELECT a.pk, -ts_rank(a.search, {own}) AS rank FROM articles a "
                f"WHERE a.search @@ ({anyone}) AND a.search @@ {own}",
                words * (3 * len(langs)))


# -- rows and placeholders -----------------------------------------------------------------
@lru_cache(maxsize=4096)
def _placeholders(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled); text
    inside quotes is left alone."""
    out = []
    for k, piece in enumerate(re.split(r"('(?:[^']|'')*')", sql)):
        out.append(piece if k % 2 else piece.replace("%", "%%").replace("?", "%s"))
    return "".join(out)


@lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[tuple[Any, ...]]:
    index = {name: k for k, name in enumerate(names)}

    class PgRow(tuple[Any, ...]):
        """A row by position and by column name, as sqlite3.Row is."""

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                return tuple.__getitem__(self, index[key])
            return tuple.__getitem__(self, key)

        def keys(self) -> list[str]:
            return list(names)

    return PgRow


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    from psycopg.rows import no_result

    if cursor.description is None:
        return no_result
    row = _row_class(tuple(d.name for d in cursor.description))
    return row

"""What a database must do for the store: the one interface between Storyline's SQL and a
database engine (SQLite embedded, PostgreSQL for teams).

The store's tables and queries are written once, in SQL both engines read the same way
(``?`` placeholders, ``ON CONFLICT`` upserts, ``RETURNING``). What differs lives behind
:class:`Backend`: connecting, migrating, how a write transaction is serialised against
other processes, how a reader sees one moment, full-text search, and the change marker
that caches key on. Nothing above ``store/`` sees which engine it talks to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol


class Row(Protocol):
    """A result row: by position (``row[0]``, slices, unpacking) and by column name."""

    def __getitem__(self, key: Any) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Backend(Protocol):
    """A connection to one store's database."""

    #: Where the store lives, as the user named it (a file path, or a URL without password).
    location: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement written with ``?`` placeholders."""
        ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing, and serialised against every other writer of the store: while
        it is open no other process writes, so what it reads stays true until it commits."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one moment of the store while other processes write."""
        ...

    def cache_transaction(self) -> AbstractContextManager[None]:
        """All or nothing, for derived data only (such as story digests): it waits at most
        a moment for other writers and is not counted as a change of the store
        (``fingerprint``, ``others_wrote`` of this connection). Raises StoreError when the
        store cannot be written now (read-only, busy, inside another transaction)."""
        ...

    def others_wrote(self) -> bool:
        """Inside ``transaction``: whether another connection committed since this one's
        last transaction (True the first time)."""
        ...

    @property
    def schema_version(self) -> int: ...

    def migrate(self) -> None:
        """Bring the schema to this Storyline's version (StoreError if it is newer)."""
        ...

    def fingerprint(self) -> tuple[int, ...]:
        """Changes whenever articles, mentions, story membership or corrections change."""
        ...

    def search(self, *, phrase: str | None = None, query: str | None = None
               ) -> tuple[str, list[Any]]:
        """A ``SELECT pk, rank`` of the articles matching plain-text ``phrase`` (its words in
        that order) and ``query`` (all its words), lower ``rank`` first, with its
        parameters. User text is never search syntax."""
        ...

    def files(self) -> list[Path]:
        """The files that hold the store (none for a server database): an ingest of a
        folder that holds the store must not read them."""
        ...

    def close(self) -> None: ...

"""Which backend a store location names: ``postgresql://…`` (or ``postgres://…``) is a
PostgreSQL database, anything else a SQLite file."""

from __future__ import annotations

from pathlib import Path

from storyline.store.backend import Backend
from storyline.store.postgres import PostgresBackend, is_url
from storyline.store.sqlite import SQLiteBackend


def connect(location: str | Path) -> Backend:
    if is_url(location):
        return PostgresBackend(str(location))
    return SQLiteBackend(location)

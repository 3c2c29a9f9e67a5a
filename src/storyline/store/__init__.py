"""Store stage: where articles, stories, entities and events live.

SQLite is the default: one file, no server. A ``postgresql://…`` location is a PostgreSQL
database, for teams (``store/postgres.py``). The location is, in order: an explicit path
or URL, ``STORYLINE_DB``, or ``storyline.db`` in the user's data folder. Everything above
this package talks to :class:`Store`; each database engine hides behind ``backend.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from storyline.store.errors import StoreError
from storyline.store.postgres import is_url
from storyline.store.sqlite import store_files
from storyline.store.store import ArticleFilter, RejectRow, Store

__all__ = ["ArticleFilter", "RejectRow", "Store", "StoreError", "default_db_path", "is_url",
           "resolve_db", "store_files"]


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("storyline", appauthor=False)) / "storyline.db"


def resolve_db(location: str | Path | None = None) -> str | Path:
    """The store a user means: a path stays a Path, a database URL stays a string."""
    chosen = location or os.environ.get("STORYLINE_DB") or default_db_path()
    return chosen if isinstance(chosen, Path) or is_url(chosen) else Path(chosen)

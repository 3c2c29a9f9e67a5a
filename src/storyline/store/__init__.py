"""Store stage: where articles (and later stories, entities, events) live.

SQLite is the default: one file, no server. The location is, in order: an explicit path,
``STORYLINE_DB``, or ``storyline.db`` in the user's data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from storyline.store.sqlite import ArticleFilter, RejectRow, Store, StoreError, store_files

__all__ = ["ArticleFilter", "RejectRow", "Store", "StoreError", "default_db_path", "resolve_db",
           "store_files"]


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("storyline", appauthor=False)) / "storyline.db"


def resolve_db(path: str | Path | None = None) -> Path:
    if path:
        return Path(path)
    env = os.environ.get("STORYLINE_DB")
    return Path(env) if env else default_db_path()

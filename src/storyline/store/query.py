"""User text as query values: search terms that can never be FTS5 syntax, and id
prefixes that can never be LIKE patterns. Search input is plain text above the store."""

from __future__ import annotations

import re

#: Characters no search can mean: FTS5 stops reading a query at a NUL (an error).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(text: str | None) -> str | None:
    """User search text as plain words (control characters out), None when none is left:
    such a search filters nothing, on every backend."""
    words = _CONTROL.sub(" ", text or "").split()
    return " ".join(words) if words else None


def fts_query(query: str) -> str:
    """Quote every term so user text can never be FTS5 syntax (a stray quote or NEAR)."""
    terms = [t.replace('"', '""') for t in _CONTROL.sub(" ", query).split()]
    return " ".join(f'"{t}"' for t in terms if t)


def fts_phrase(text: str) -> str:
    """User text as one FTS5 phrase (its words in this order)."""
    return '"' + " ".join(_CONTROL.sub(" ", text).split()).replace('"', '""') + '"'


def prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds ``lo <= id < hi`` of the ids that start with ``prefix``: an index range, where
    ``LIKE 'prefix%'`` needs escaping and fails on long input ("pattern too complex")."""
    return prefix, prefix + "\U0010ffff"

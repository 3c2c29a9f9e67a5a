"""The unit of parallel work: one article's raw payload plus what its container said about it.

Containers (WARC, JSON Lines, feeds) are opened in the main process and split into units;
single-document files travel as a path and are read by the worker that parses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.models import DateOrigin, InputFormat, Reject

#: A single article larger than this is not an article (logs, dumps, books), whatever
#: brings it: a file, a feed item, a JSON line, a WARC record or standard input.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Feeds are parsed whole, so they get a bound too.
MAX_FEED_BYTES = 50 * 1024 * 1024


def too_large(origin: str, size: int | None = None) -> Reject:
    """The one reason every reader gives for an article over ``MAX_DOCUMENT_BYTES``."""
    what = f"{size / 1e6:.1f} MB" if size is not None else "over 10 MB"
    return Reject(origin, f"too large for one article ({what}; limit 10 MB)")


@dataclass(frozen=True, slots=True)
class Unit:
    """``format`` is how the article is stored; WARC units carry HTML, feed units fragments."""

    origin: str
    format: InputFormat
    path: str | None = None
    data: bytes | str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    published_from: DateOrigin | None = None
    lang: str | None = None
    byline: str | None = None
    partial: bool = False

"""The unit of parallel work: one article's raw payload plus what its container said about it.

Containers (WARC, JSON Lines, feeds) are opened in the main process and split into units;
single-document files travel as a path and are read by the worker that parses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.models import DateOrigin, InputFormat


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

"""SQLite limits bound parameters per statement; long ``IN (...)`` lists go in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CHUNK = 500


def in_chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[tuple[list[str], str]]:
    """Yield (values, "?,?,…") pairs of at most ``size`` values each."""
    wanted = list(values)
    for start in range(0, len(wanted), size):
        part = wanted[start : start + size]
        yield part, ",".join("?" * len(part))

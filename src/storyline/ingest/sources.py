"""Turn what the user named (files, folders, globs, URLs, ``-``) into a stream of inputs.

Nothing is read here beyond file names; a path that names nothing readable becomes a
Reject with its reason, and the stream goes on.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.ingest.fetch import fetch, is_url
from storyline.models import Reject

STDIN = "-"


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read, or the bytes of standard input (``data`` set, ``path`` None)."""

    origin: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None


def _is_hidden(path: Path) -> bool:
    return path.name.startswith(".")


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder in a stable order, skipping hidden files and folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def expand(
    paths: Iterable[str], *, stdin: bytes | None = None, exclude: Iterable[Path] = ()
) -> Iterator[InputFile | Reject]:
    """Expand user-given paths in order. ``stdin`` holds the bytes read for ``-``.

    ``exclude`` names files never to read, such as the store being written to.
    """
    seen: set[Path] = {p.resolve() for p in exclude}
    for spec in paths:
        if spec == STDIN:
            if stdin is None:
                yield Reject("<stdin>", "standard input was not provided")
            else:
                yield InputFile("<stdin>", data=stdin)
            continue
        if is_url(spec):
            data = fetch(spec)
            yield data if isinstance(data, Reject) else InputFile(spec, data=data, url=spec)
            continue
        candidates: list[Path]
        if glob.has_magic(spec):
            candidates = [Path(p) for p in sorted(glob.glob(spec, recursive=True))]
            if not candidates:
                yield Reject(spec, "no file matches this pattern")
                continue
        else:
            candidates = [Path(spec)]
        for path in candidates:
            yield from _expand_one(path, seen)


def _expand_one(path: Path, seen: set[Path]) -> Iterator[InputFile | Reject]:
    if not path.exists():
        yield Reject(str(path), "no such file or directory")
        return
    if path.is_dir():
        found = False
        for file in _walk(path):
            found = True
            yield from _file(file, seen)
        if not found:
            yield Reject(str(path), "folder holds no readable files")
        return
    yield from _file(path, seen)


def _file(path: Path, seen: set[Path]) -> Iterator[InputFile | Reject]:
    try:
        key = path.resolve()
    except OSError as exc:  # pragma: no cover - e.g. symlink loops
        yield Reject(str(path), f"cannot resolve path ({exc.strerror or exc})")
        return
    if key in seen:
        return
    seen.add(key)
    if not path.is_file():
        yield Reject(str(path), "not a regular file")
    elif not os.access(path, os.R_OK):
        yield Reject(str(path), "permission denied")
    else:
        yield InputFile(str(path), path=path)

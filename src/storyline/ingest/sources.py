"""Turn what the user named (files, folders, globs, URLs, ``-``) into a stream of inputs.

Nothing is read here beyond file names; a path that names nothing readable becomes a
Reject with its reason, and the stream goes on.
"""

from __future__ import annotations

import errno
import glob
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storyline.ingest.decode import SNIFF_BYTES, sniff
from storyline.ingest.fetch import fetch, is_url
from storyline.ingest.units import MAX_DOCUMENT_BYTES, MAX_FEED_BYTES, too_large
from storyline.models import Reject

STDIN = "-"
STDIN_ORIGIN = "<stdin>"
#: Standard input is read and spooled in pieces of this size.
SPOOL_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read, or the bytes of standard input (``data`` set, ``path`` None)."""

    origin: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None


def _walk(folder: Path) -> Iterator[Path | Reject]:
    """Files under a folder in a stable order, skipping hidden files and folders; a
    subfolder that cannot be read is a reject, and the walk goes on."""
    failed: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=failed.append):
        while failed:
            yield _unreadable_folder(failed.pop(0))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name
    for exc in failed:
        yield _unreadable_folder(exc)


def _unreadable_folder(exc: OSError) -> Reject:
    return Reject(str(exc.filename or "?"), f"cannot read folder ({exc.strerror or exc})")


def _broken_link(path: Path) -> str | None:
    """Why a symbolic link leads nowhere (a loop, a missing target), or None."""
    if not path.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return "symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    return None


def expand(
    paths: Iterable[str], *, stdin: bytes | BinaryIO | None = None,
    exclude: Iterable[Path] = ()
) -> Iterator[InputFile | Reject]:
    """Expand user-given paths in order. ``stdin`` is what ``-`` reads: its bytes, or a
    stream read as it comes (``spool_stdin``), never whole into memory.

    ``exclude`` names files never to read, such as the store being written to.
    """
    seen: set[Path] = {p.resolve() for p in exclude}
    for spec in paths:
        if spec == STDIN:
            if stdin is None:
                yield Reject(STDIN_ORIGIN, "standard input was not provided")
            elif isinstance(stdin, bytes | bytearray):
                yield InputFile(STDIN_ORIGIN, data=bytes(stdin))
            else:
                yield from spool_stdin(stdin)
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
    broken = _broken_link(path)
    if broken:
        yield Reject(str(path), broken)
        return
    if not path.exists():
        yield Reject(str(path), "no such file or directory")
        return
    if path.is_dir():
        found = False
        for file in _walk(path):
            if isinstance(file, Reject):
                yield file
                continue
            found = True
            yield from _file(file, seen)
        if not found:
            yield Reject(str(path), "folder holds no readable files")
        return
    yield from _file(path, seen)


def _file(path: Path, seen: set[Path]) -> Iterator[InputFile | Reject]:
    broken = _broken_link(path)
    if broken:
        yield Reject(str(path), broken)
        return
    try:
        key = path.resolve()
    except (OSError, RuntimeError) as exc:
        yield Reject(str(path), f"cannot resolve path ({getattr(exc, 'strerror', '') or exc})")
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


def spool_stdin(stream: BinaryIO) -> Iterator[InputFile | Reject]:
    """Standard input without holding it in memory, under the same limits as a file.

    One article (text, HTML, a feed) is read up to its size limit and no further: a
    bigger input is rejected without reading the rest. Containers (WARC, JSON Lines) may
    be any size: they are spooled to a temporary file, read from there and deleted.
    """
    head = stream.read(SNIFF_BYTES)
    if not head:
        yield Reject(STDIN_ORIGIN, "empty file")
        return
    kind = sniff(head)
    if kind not in ("warc", "jsonl"):
        limit = MAX_FEED_BYTES if kind == "feed" else MAX_DOCUMENT_BYTES
        data = head + stream.read(limit + 1 - len(head)) if kind is not None else head
        if len(data) > limit:
            yield (too_large(STDIN_ORIGIN) if kind != "feed" else
                   Reject(STDIN_ORIGIN, "feed too large (over 50 MB; limit 50 MB)"))
        else:
            yield InputFile(STDIN_ORIGIN, data=data)
        return
    with tempfile.TemporaryDirectory(prefix="storyline-stdin-") as folder:
        path = Path(folder) / "stdin"
        with path.open("wb") as out:
            out.write(head)
            while chunk := stream.read(SPOOL_CHUNK):
                out.write(chunk)
        yield InputFile(STDIN_ORIGIN, path=path)

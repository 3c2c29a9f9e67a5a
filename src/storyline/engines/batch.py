"""Archives too big for one ingest: a distributed map to Parquet, then a load into a store.

``map_inputs`` runs the parallel stages (read, parse, clean, extract, signatures,
features) one task per big input file or run of small ones (``plan``), on this machine's
processes or a Dask cluster, and each task writes its part of the result as
``part-NNNNNN.parquet`` (atomically: a part is there whole or not at all). ``read_folder``
then feeds the parts, in input order, to the order-dependent stages (copy links, story
placement, the store's writes): the store is the one ``storyline ingest`` of the same
inputs gives.

A rerun of the map redoes only the parts that are missing or were made from other inputs
or options; a rerun of the load stores nothing twice (articles already stored are
recognised as such).
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from storyline import __version__
from storyline.dedupe.near import Signature
from storyline.ingest.read import iter_units
from storyline.ingest.sources import InputFile, expand
from storyline.models import Article, InputFormat, Notice, Overrides, Reject

if typing.TYPE_CHECKING:
    from storyline.pipeline import Result

#: The layout of the Parquet parts and the manifest; a load refuses any other.
FORMAT = 1
MANIFEST = "_storyline_batch.json"
#: Rows per Parquet row group (a part is written, and read, this many results at a time).
ROWS_PER_GROUP = 500


class BatchError(ValueError):
    """A folder that cannot be loaded, or a map that cannot run: one line for the user."""


#: Small inputs share a task, since a task costs milliseconds to schedule and a
#: one-article page about 15 ms of work: at most this many inputs ...
INPUTS_PER_PART = 32
#: ... and this many bytes of them in one part; a bigger input (a WARC, a JSON Lines
#: file) is a part of its own.
BYTES_PER_PART = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Part:
    """Consecutive inputs of the map and the part file their results go to."""

    index: int
    origins: tuple[str, ...]
    key: str  # what the part was made from: inputs' identity, format and overrides

    @property
    def name(self) -> str:
        return f"part-{self.index:06d}.parquet"


def plan(paths: Sequence[str], fmt: InputFormat | None, overrides: Overrides | None
         ) -> list[tuple[Part, list[InputFile | Reject]]]:
    """The map's tasks in input order: runs of small inputs, or one big input, each."""
    groups: list[list[InputFile | Reject]] = []
    room = 0
    for item in expand(paths):
        size = _size(item)
        if not groups or len(groups[-1]) >= INPUTS_PER_PART or size > room:
            groups.append([])
            room = BYTES_PER_PART
        groups[-1].append(item)
        room -= size
    return [(Part(k, tuple(i.origin for i in group),
                  json.dumps([_key(i, fmt, overrides) for i in group])), group)
            for k, group in enumerate(groups)]


def _size(item: InputFile | Reject) -> int:
    if isinstance(item, InputFile) and item.path is not None:
        try:
            return item.path.stat().st_size
        except OSError:
            return 0
    return 0


def _key(item: InputFile | Reject, fmt: InputFormat | None, overrides: Overrides | None
         ) -> dict[str, Any]:
    identity: dict[str, Any] = {"origin": item.origin, "format": fmt,
                                "overrides": dataclasses.asdict(overrides or Overrides())}
    if isinstance(item, InputFile) and item.path is not None:
        try:
            stat = item.path.stat()
            identity.update(size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        except OSError:
            pass
    elif isinstance(item, Reject):
        identity["reject"] = item.reason
    return identity


# -- the map ---------------------------------------------------------------------------------
def map_inputs(paths: Sequence[str], out: str | Path, executor: Executor, *,
               fmt: InputFormat | None = None, overrides: Overrides | None = None,
               ) -> dict[str, int]:
    """Run the map; returns counts (parts, reused, articles, rejects)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tasks = plan(paths, fmt, overrides)
    if not tasks:
        raise BatchError("nothing to map: no input files")
    counts = {"parts": len(tasks), "reused": 0, "articles": 0, "rejects": 0, "notices": 0}
    pending = []
    for part, items in tasks:
        done = _part_counts(folder / part.name, part.key)
        if done is not None:
            counts["reused"] += 1
            _add(counts, done)
        else:
            pending.append(executor.submit(map_part, part, items, str(folder), fmt, overrides))
    for future in pending:
        _add(counts, future.result())
    manifest = {"format": FORMAT, "storyline": __version__, "inputs": list(paths),
                "parts": [{"part": p.name, "inputs": list(p.origins)} for p, _ in tasks],
                **{k: counts[k] for k in ("articles", "rejects", "notices")}}
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
    os.replace(temporary, folder / MANIFEST)
    return counts


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key in ("articles", "rejects", "notices"):
        counts[key] += more.get(key, 0)


def map_part(part: Part, items: Sequence[InputFile | Reject], folder: str,
             fmt: InputFormat | None, overrides: Overrides | None) -> dict[str, int]:
    """One task: process its inputs and write their part (a temporary file, then
    renamed)."""

    from storyline.pipeline import process_unit

    final = Path(folder) / part.name
    temporary = final.with_name(f".{part.name}.{os.getpid()}.tmp")
    counts = {"articles": 0, "rejects": 0, "notices": 0}
    schema = _schema().with_metadata({b"storyline.batch_format": str(FORMAT).encode(),
                                      b"storyline.version": __version__.encode(),
                                      b"storyline.key": part.key.encode()})

    def results() -> Iterator[Result]:
        for unit in iter_units(items, fmt):
            yield unit if isinstance(unit, Reject | Notice) else process_unit(unit, overrides)

    with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
        rows: list[dict[str, Any]] = []
        for seq, result in enumerate(results()):
            row = encode_result(seq, result)
            counts[{"article": "articles", "reject": "rejects",
                    "notice": "notices"}[row["kind"]]] += 1
            rows.append(row)
            if len(rows) >= ROWS_PER_GROUP:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows or not counts["articles"] + counts["rejects"] + counts["notices"]:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    os.replace(temporary, final)
    return counts


def _part_counts(path: Path, key: str) -> dict[str, int] | None:
    """The counts of a finished part made from ``key``; None when it must be made again."""
    if not path.exists():
        return None

    try:
        meta = pq.read_metadata(path)
        stored = meta.metadata or {}
        if (stored.get(b"storyline.batch_format") != str(FORMAT).encode()
                or stored.get(b"storyline.key") != key.encode()):
            return None
        kinds = pq.read_table(path, columns=["kind"]).column("kind").to_pylist()
    except (OSError, ValueError):  # unreadable: made again
        return None
    return {"articles": kinds.count("article"), "rejects": kinds.count("reject"),
            "notices": kinds.count("notice")}


# -- the load ---------------------------------------------------------------------------------
def read_folder(out: str | Path) -> Iterator[Result]:
    """The results of a finished map, in input order. Raises BatchError (before yielding
    anything) for a folder that is not a finished map of this format."""

    folder = Path(out)
    parts = check_folder(folder)
    for name in parts:
        source = pq.ParquetFile(folder / name)
        for batch in source.iter_batches(batch_size=ROWS_PER_GROUP):
            for row in batch.to_pylist():
                yield decode_result(row)


def check_folder(folder: Path) -> list[str]:
    """The part names of a finished map of this format, in order."""

    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise BatchError(f"{folder}: no such folder")
    if not manifest_path.exists():
        raise BatchError(f"{folder}: not a finished map (no {MANIFEST}; run the map again)")
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BatchError(f"{manifest_path}: unreadable ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BatchError(f"{folder}: written by Storyline {manifest.get('storyline', '?')} in "
                         f"batch format {manifest.get('format')!r}; this Storyline "
                         f"({__version__}) reads format {FORMAT}: run the map again")
    names = [str(p["part"]) for p in manifest.get("parts", [])]
    for name in names:
        path = folder / name
        if not path.exists():
            raise BatchError(f"{path}: missing (run the map again to redo it)")
        try:
            stored = pq.read_metadata(path).metadata or {}
        except (OSError, ValueError) as exc:
            raise BatchError(f"{path}: not a readable Parquet part ({exc})") from None
        if stored.get(b"storyline.batch_format") != str(FORMAT).encode():
            raise BatchError(f"{path}: a part of another batch format; run the map again")
    return names


# -- one result as one row ---------------------------------------------------------------------
def _schema() -> Any:

    return pa.schema([
        pa.field("seq", pa.int64(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # article | reject | notice
        pa.field("origin", pa.string(), nullable=False),
        pa.field("article_id", pa.string()),
        pa.field("minhash", pa.binary()),
        pa.field("shingles", pa.int64()),
        #: JSON: the article, its features and extraction; a reject's reason; a notice
        pa.field("record", pa.string(), nullable=False),
    ])


def encode_result(seq: int, result: Result) -> dict[str, Any]:
    if isinstance(result, Reject):
        return {"seq": seq, "kind": "reject", "origin": result.origin, "article_id": None,
                "minhash": None, "shingles": None,
                "record": json.dumps({"reason": result.reason}, ensure_ascii=False)}
    if isinstance(result, Notice):
        return {"seq": seq, "kind": "notice", "origin": result.origin, "article_id": None,
                "minhash": None, "shingles": None,
                "record": json.dumps({"message": result.message}, ensure_ascii=False)}
    record = {"article": _plain(result.article), "features": result.features,
              "extraction": _plain(result.extraction)}
    sig = result.signature
    return {"seq": seq, "kind": "article", "origin": result.article.origin,
            "article_id": result.article.id,
            "minhash": sig.hashvalues if sig is not None else None,
            "shingles": sig.shingles if sig is not None else None,
            "record": json.dumps(record, ensure_ascii=False, separators=(",", ":"))}


def decode_result(row: dict[str, Any]) -> Result:
    from storyline.extract.run import Extraction
    from storyline.pipeline import Processed

    record = json.loads(row["record"])
    if row["kind"] == "reject":
        return Reject(row["origin"], record["reason"])
    if row["kind"] == "notice":
        return Notice(row["origin"], record["message"])
    sig = (Signature(bytes(row["minhash"]), int(row["shingles"]))
           if row["minhash"] is not None else None)
    extraction = record["extraction"]
    return Processed(_build(Article, record["article"]), sig,
                     {str(k): float(v) for k, v in record["features"].items()},
                     _build(Extraction, extraction) if extraction is not None else None)


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and scalars as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _build(kind: Any, value: Any) -> Any:
    """A JSON value back into ``kind`` (a dataclass, tuple, optional or scalar type)."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=True))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _build(hints[f.name], value[f.name])
                       for f in dataclasses.fields(kind) if f.name in value})
    return value

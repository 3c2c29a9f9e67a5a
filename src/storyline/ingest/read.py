"""Dispatch inputs to the right reader, in two halves.

``iter_units`` runs in the main process: it sniffs each file and splits containers into
units. ``parse_unit`` is pure and runs in workers: one unit in, one RawDocument or Reject out.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.ingest.decode import (
    SNIFF_BYTES,
    DecodeError,
    binary_kind,
    declared_charset,
    decode,
    expected_from_name,
    gunzip_head,
    is_gzip,
    sniff,
)
from storyline.ingest.feed import iter_feed
from storyline.ingest.html import extract_text_blocks, parse_html
from storyline.ingest.jsonl import iter_jsonl
from storyline.ingest.metadata import lang_or_note, plain_metadata
from storyline.ingest.sources import InputFile
from storyline.ingest.units import MAX_DOCUMENT_BYTES, MAX_FEED_BYTES, Unit, too_large
from storyline.ingest.warc import iter_warc
from storyline.models import InputFormat, Notice, RawDocument, Reject


def iter_units(
    inputs: Iterable[InputFile | Reject], fmt: InputFormat | None = None
) -> Iterator[Unit | Reject | Notice]:
    """Split inputs into units; ``fmt`` forces a format instead of sniffing."""
    for item in inputs:
        if isinstance(item, Reject):
            yield item
            continue
        try:
            yield from _units_of(item, fmt)
        except OSError as exc:
            yield Reject(item.origin, f"cannot read file ({exc.strerror or exc})")


def _head(item: InputFile) -> bytes:
    if item.data is not None:
        return item.data[:SNIFF_BYTES]
    assert item.path is not None
    with item.path.open("rb") as fh:
        return fh.read(SNIFF_BYTES)


def _size(item: InputFile) -> int:
    if item.data is not None:
        return len(item.data)
    assert item.path is not None
    return item.path.stat().st_size


def _all_bytes(item: InputFile) -> bytes:
    if item.data is not None:
        return item.data
    assert item.path is not None
    return item.path.read_bytes()


def _units_of(item: InputFile, forced: InputFormat | None) -> Iterator[Unit | Reject | Notice]:
    size = _size(item)
    if size == 0:
        yield Reject(item.origin, "empty file")
        return
    head = _head(item)
    name = item.origin
    detected = sniff(head)
    fmt = forced or detected
    promised = expected_from_name(name)
    if forced is None and promised is not None and detected != promised:
        what = _describe(head, detected)
        yield Reject(item.origin, f"named like a {promised} file but content is {what}")
        return
    if fmt is None:
        yield Reject(item.origin, f"unsupported input: {_describe(head, detected)}")
        return
    if fmt == "json":
        yield Reject(item.origin, "a JSON document, not JSON Lines (one article object per line)")
        return
    if fmt == "warc":
        if item.path is None:
            yield from iter_warc_bytes(item)
        else:
            yield from iter_warc(item.path, item.origin)
    elif fmt == "jsonl":
        yield from iter_jsonl(_lines(item), item.origin)
    elif fmt == "feed":
        if size > MAX_FEED_BYTES:
            yield Reject(item.origin, f"feed too large ({size / 1e6:.1f} MB; limit 50 MB)")
            return
        yield from iter_feed(_all_bytes(item), item.origin)
    elif size > MAX_DOCUMENT_BYTES:
        yield too_large(item.origin, size)
    elif item.path is not None:
        yield Unit(origin=item.origin, format=fmt, path=str(item.path))
    else:
        yield Unit(origin=item.origin, format=fmt, data=item.data, url=item.url)


def iter_warc_bytes(item: InputFile) -> Iterator[Unit | Reject]:
    """WARC from standard input: spool to a temporary file so warcio can stream it."""
    import tempfile

    assert item.data is not None
    with tempfile.NamedTemporaryFile(suffix=".warc") as tmp:
        tmp.write(item.data)
        tmp.flush()
        yield from iter_warc(Path(tmp.name), item.origin)


def _lines(item: InputFile) -> Iterator[bytes]:
    if item.data is not None:
        yield from io.BytesIO(item.data)
        return
    assert item.path is not None
    with item.path.open("rb") as fh:
        yield from fh


def _describe(head: bytes, detected: str | None) -> str:
    if is_gzip(head):
        return "gzip data that is not a WARC archive" if not gunzip_head(head).startswith(
            b"WARC/"
        ) else "a WARC archive"
    kind = binary_kind(head)
    if kind:
        return f"binary ({kind})"
    return {
        "text": "plain text",
        "html": "HTML",
        "feed": "XML",
        "jsonl": "JSON",
        "warc": "a WARC archive",
        "json": "a JSON document",
    }.get(detected or "", "unrecognised")


def parse_unit(unit: Unit) -> RawDocument | Reject:
    """Turn one unit into a RawDocument. Pure apart from reading ``unit.path``."""
    try:
        data = unit.data
        if data is None:
            assert unit.path is not None
            data = Path(unit.path).read_bytes()
        if unit.format in ("html", "warc"):
            raw = data if isinstance(data, str) else decode(data, declared=declared_charset(data))
            doc = parse_html(raw, origin=unit.origin, url=unit.url)
            if isinstance(doc, Reject):
                return doc
            return plain_metadata(_merge(doc, unit))
        text = data if isinstance(data, str) else decode(data)
        if unit.format == "feed":
            text = extract_text_blocks(text) if "<" in text else text
        if not text.strip():
            return Reject(unit.origin, "no text (only whitespace)")
        return plain_metadata(
            _merge(RawDocument(origin=unit.origin, format=unit.format, text=text), unit))
    except DecodeError as exc:
        return Reject(unit.origin, str(exc))
    except OSError as exc:
        return Reject(unit.origin, f"cannot read file ({exc.strerror or exc})")


def _merge(doc: RawDocument, unit: Unit) -> RawDocument:
    """Fill what the document lacks from what its container said (the document wins)."""
    published, published_from = doc.published, doc.published_from
    if not published and unit.published:
        published, published_from = unit.published, unit.published_from
    return RawDocument(
        origin=doc.origin,
        format=unit.format,
        text=doc.text,
        title=unit.title or doc.title,
        source=doc.source or unit.source,
        url=doc.url or unit.url,
        published=published,
        published_from=published_from,
        lang=lang_or_note(doc.lang)[0] or unit.lang,  # a page's lang="…" may be anything
        byline=doc.byline or unit.byline,
        partial=unit.partial,
    )

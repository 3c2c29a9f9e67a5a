"""Bytes to text, and what kind of input the bytes are.

Format and encoding are decided from the content; the file name is only a hint, because
news dumps are full of ``.txt`` files holding HTML and ``.html`` files holding nothing.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from typing import Literal

import charset_normalizer

from storyline.models import InputFormat

#: How much of a file is read to decide what it is.
SNIFF_BYTES = 8192

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"RIFF", "media file"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
    (b"SQLite format 3", "SQLite database"),
)

_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_HTML_MARK = re.compile(
    rb"<(!doctype\s+html|html|head|body|article|p|div|h1|meta|title)[\s>/]", re.I
)
_XML_CHARSET = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset=["']?([A-Za-z0-9._-]+)""", re.I
)


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can trust."""


def is_gzip(head: bytes) -> bool:
    return head[:2] == b"\x1f\x8b"


def gunzip_head(head: bytes) -> bytes:
    """Decompress as much of a gzip prefix as is there (the rest may be cut off)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
    except zlib.error:
        return b""


def binary_kind(head: bytes) -> str | None:
    """Name the kind of binary content, or None if the bytes may be text."""
    for magic, kind in _BINARY_MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    sample = head[:SNIFF_BYTES]
    if b"\x00" in sample:
        return "binary data"
    if sample:
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if controls / len(sample) > 0.05:
            return "binary data"
    return None


def sniff(head: bytes) -> InputFormat | Literal["json"] | None:
    """Guess the input format from the first bytes; None means "not something we read".

    "json" (a single JSON document) is recognised only to be refused with a clear reason.
    """
    if is_gzip(head):
        inner = gunzip_head(head)
        return "warc" if inner.startswith(b"WARC/") else None
    if head.startswith(b"WARC/"):
        return "warc"
    if binary_kind(head) is not None:
        return None
    text = _strip_bom(head).lstrip()
    if _FEED_ROOT.search(text[:2048]):
        return "feed"
    if text[:1] in (b"{", b"[") and (kind := _json_kind(text)):
        return kind
    if text[:1] == b"<" and _HTML_MARK.search(text[:4096]):
        return "html"
    if text.startswith(b"<?xml"):
        return "feed"  # XML that is not a feed is rejected by the feed reader, with its reason
    return "text"


#: How a JSON document opens: "[{", '["', "[1,", "[]", '{"' (or the bracket alone on its line).
_JSON_OPENING = re.compile(
    rb'^(\[\s*([{\["\]]|-?\d+(\.\d+)?\s*[,\]]|true|false|null)|\{\s*"|[\[{]\s*$)')


def _json_kind(text: bytes) -> Literal["jsonl", "json"] | None:
    """JSON Lines has a whole object on its first line; a JSON document opens like one;
    text that merely starts with a bracket ("[Update] Ministers meet…") is neither."""
    first = text.split(b"\n", 1)[0].strip()
    if len(first) >= SNIFF_BYTES - 16:  # a long first line: cut by sniffing, trust its shape
        return "jsonl" if first.startswith(b'{"') else "json" if _JSON_OPENING.match(
            first) else None
    try:
        return "jsonl" if isinstance(json.loads(first), dict) else "json"
    except ValueError:
        return "json" if _JSON_OPENING.match(first) else None


def expected_from_name(name: str) -> InputFormat | None:
    """The format a file name promises, for container formats where a mismatch is an error."""
    lower = name.lower()
    if lower.endswith((".warc", ".warc.gz")):
        return "warc"
    if lower.endswith((".rss", ".atom")):
        return "feed"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return None


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares for itself (XML declaration or HTML meta)."""
    head = data[:4096]
    m = _XML_CHARSET.search(head) or _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, *, declared: str | None = None) -> str:
    """Decode bytes, trusting in order: a BOM, strict UTF-8, a declared charset, detection.

    Raises DecodeError when the bytes are binary or no encoding explains them.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    kind = binary_kind(data[:SNIFF_BYTES])
    if kind is not None:
        raise DecodeError(f"binary content ({kind}), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    # Mostly-UTF-8 with a few broken bytes is far more common than a legacy encoding that
    # happens to contain valid UTF-8 sequences; keep it UTF-8 with replacement characters.
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    best = charset_normalizer.from_bytes(data[:262144]).best()
    if best is None or best.encoding is None:
        raise DecodeError(f"not valid UTF-8 and no legacy encoding fits ({utf8_error.reason})")
    encoding = _prefer_western(best.encoding)
    return data.decode(encoding, errors="replace")


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 127) - bad
    return multibyte > 0 and bad <= max(1, multibyte // 50)


def _prefer_western(encoding: str) -> str:
    """cp1250 and cp1252 are near-twins; news text in Latin script is far more often cp1252."""
    return "cp1252" if encoding in ("cp1250", "windows_1250", "latin_1", "iso8859_2") else encoding

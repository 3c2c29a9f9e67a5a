"""JSON Lines: one article per line, only ``text`` required.

A bad line is rejected with its line number; the lines around it are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from storyline.ingest.metadata import lang_or_note, published_or_note
from storyline.ingest.units import MAX_DOCUMENT_BYTES, Unit, too_large
from storyline.models import Notice, Reject

FIELDS = ("title", "text", "url", "source", "published", "lang")


def iter_jsonl(lines: Iterable[bytes], origin: str) -> Iterator[Unit | Reject | Notice]:
    """A unit per good line, a reject per bad one; a bad date or language in a good line is
    dropped with a notice (the article is kept)."""
    seen_any = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        seen_any = True
        where = f"{origin}#L{number}"
        if len(raw) > MAX_DOCUMENT_BYTES:
            yield too_large(where, len(raw))
            continue
        try:
            record: Any = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield Reject(where, "line is not valid UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield Reject(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Reject(where, f"expected a JSON object, got {type(record).__name__}")
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            yield Reject(where, "no 'text' field with article text")
            continue
        bad = [k for k in FIELDS if k in record and record[k] is not None
               and not isinstance(record[k], str)]
        if bad:
            yield Reject(where, f"field(s) {', '.join(bad)} must be strings")
            continue
        published, bad_date = published_or_note(_opt(record, "published"))
        lang, bad_lang = lang_or_note(_opt(record, "lang"))
        for note in (bad_date, bad_lang):
            if note:
                yield Notice(where, note)
        yield Unit(
            origin=where,
            format="jsonl",
            data=text,
            title=_opt(record, "title"),
            url=_opt(record, "url"),
            source=_opt(record, "source"),
            published=published,
            published_from="metadata" if published else None,
            lang=lang,
        )
    if not seen_any:
        yield Reject(origin, "JSON Lines file holds no records")


def _opt(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None

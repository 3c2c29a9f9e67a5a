"""RSS and Atom feeds: each item becomes an article.

Items that carry only a summary are kept, flagged ``partial``, so a user can see that the
story rests on a teaser and fetch the page if it matters.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import feedparser

from storyline.ingest.metadata import lang_or_note
from storyline.ingest.units import MAX_DOCUMENT_BYTES, Unit, too_large
from storyline.models import Notice, Reject


def iter_feed(data: bytes, origin: str) -> Iterator[Unit | Reject | Notice]:
    """A unit per item; an item over the article size limit is a reject of its own."""
    parsed: Any = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        reason = "not an RSS/Atom feed"
        exc = parsed.get("bozo_exception")
        if exc is not None:
            reason += f" ({str(exc).strip().splitlines()[0][:120]})"
        yield Reject(origin, reason)
        return
    if not entries:
        yield Reject(origin, "feed holds no items")
        return
    broken = parsed.get("bozo_exception") if parsed.get("bozo") else None
    usable = [e for e in entries if _has_text(e)]
    if broken is not None and not usable:
        detail = str(broken).strip().splitlines()[0][:120] if str(broken).strip() else ""
        yield Reject(origin, f"not a well-formed feed ({detail or type(broken).__name__})")
        return
    feed_title = (parsed.feed.get("title") or "").strip() or None
    for index, entry in enumerate(entries, start=1):
        link = (entry.get("link") or "").strip() or None
        key = link or (entry.get("id") or "").strip() or f"item-{index}"
        contents = entry.get("content") or []
        body = max((c.get("value") or "" for c in contents), key=len, default="")
        partial = not body.strip()
        if partial:
            body = entry.get("summary") or ""
        where = f"{origin}#{key}"
        size = len(body.encode("utf-8", "surrogatepass"))
        if size > MAX_DOCUMENT_BYTES:
            yield too_large(where, size)
            continue
        published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
        lang, bad_lang = lang_or_note(_lang(entry, parsed))
        if bad_lang:
            yield Notice(where, bad_lang)
        yield Unit(
            origin=where,
            format="feed",
            data=body,
            title=(entry.get("title") or "").strip() or None,
            url=link,
            source=feed_title,
            published=published,
            published_from="metadata" if published else None,
            lang=lang,
            byline=(entry.get("author") or "").strip() or None,
            partial=partial,
        )


def _has_text(entry: Any) -> bool:
    contents = entry.get("content") or []
    return any((c.get("value") or "").strip() for c in contents) or bool(
        (entry.get("summary") or "").strip()
    )


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def _lang(entry: Any, parsed: Any) -> str | None:
    for holder in (entry, parsed.feed):
        value = holder.get("language") or (holder.get("title_detail") or {}).get("language")
        if value:
            return str(value)
    return None

"""Exact identity: the same article read twice must get the same id and be stored once.

Identity is the canonical URL when there is one, else the normalised content; two copies of
one text under different URLs are caught by the content hash at store time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from storyline.models import Article, CleanDocument

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|src|smid)$", re.I)


def normalise_for_hash(text: str) -> str:
    """Case, accents, punctuation and spacing do not make a different article."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _NON_WORD.sub(" ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha1(normalise_for_hash(text).encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """Lower-case host, no fragment, no tracking parameters, no trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    host = parts.netloc.lower().removeprefix("www.")
    return urlunsplit(("https", host, path, query, ""))


def article_id(url: str | None, digest: str) -> str:
    """Stable 16-hex-digit id from the canonical URL, or from the content hash."""
    key = canonical_url(url) or f"content:{digest}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def identify(doc: CleanDocument, *, now: datetime | None = None) -> Article:
    """Give a cleaned document its identity and become an Article."""
    digest = content_hash(doc.text)
    raw = doc.raw
    url = raw.url
    return Article(
        id=article_id(url, digest),
        title=doc.title,
        text=doc.text,
        origin=raw.origin,
        format=raw.format,
        content_hash=digest,
        source=doc.source,
        url=url,
        published=doc.published,
        published_from=doc.published_from,
        lang=doc.lang,
        lang_score=doc.lang_score,
        byline=doc.byline,
        partial=raw.partial,
        title_inferred=doc.title_inferred,
        removed=doc.removed,
        ingested_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )

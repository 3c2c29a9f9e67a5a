"""What an input says about its articles (publication date, language) is checked before it
is believed: a value that is not a date or a language code is dropped, never stored as given,
so nothing downstream has to distrust it (``2024-03-05<script>`` is not a date).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from storyline.clean.dates import DateError, parse_user_date
from storyline.models import RawDocument

#: Control characters: no outlet, byline or title holds one (and a database may refuse a
#: NUL outright: PostgreSQL text cannot store it).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MetadataError(ValueError):
    """A publication date or language that cannot be used as given."""


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    import pycountry

    return frozenset(str(lang.alpha_2) for lang in pycountry.languages
                     if getattr(lang, "alpha_2", None))


def check_lang(value: str) -> str:
    """An ISO 639-1 code ("en"), from a code with a region ("en-US", "pt_BR") too."""
    code = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if len(code) == 2 and code.isascii() and code in _languages():
        return code
    raise MetadataError(f"language must be an ISO 639-1 code such as en, de or es, "
                        f"not {_show(value)}")


def check_published(value: str) -> str:
    """An ISO 8601 date or datetime, or a written date with day, month and year."""
    try:
        return parse_user_date(value)
    except DateError:
        raise MetadataError(f"publication date {_show(value)} is not a date (give an ISO "
                            f"date or datetime such as 2023-06-14)") from None


def lang_or_note(value: str | None) -> tuple[str | None, str | None]:
    """(the language code, None), or (None, why the value was dropped)."""
    return _or_note(value, check_lang)


def published_or_note(value: str | None) -> tuple[str | None, str | None]:
    """(the publication date, None), or (None, why the value was dropped)."""
    return _or_note(value, check_published)


def _or_note(value: str | None, check: Callable[[str], str]) -> tuple[str | None, str | None]:
    if value is None or not value.strip():
        return None, None
    try:
        return check(value), None
    except MetadataError as exc:
        return None, f"{exc}; dropped"


def _show(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def plain_metadata(doc: RawDocument) -> RawDocument:
    """The document with control characters out of its title, outlet and byline, and
    without a URL that holds one or any space (not a URL a browser would send)."""
    def plain(value: str | None) -> str | None:
        if value is None or not _CONTROL.search(value):
            return value
        return " ".join(_CONTROL.sub(" ", value).split()) or None

    url = doc.url
    if url is not None and (_CONTROL.search(url) or any(c.isspace() for c in url.strip())):
        url = None
    fields = {"title": plain(doc.title), "source": plain(doc.source),
              "byline": plain(doc.byline), "url": url}
    if all(fields[k] == getattr(doc, k) for k in fields):
        return doc
    return replace(doc, **fields)  # type: ignore[arg-type]

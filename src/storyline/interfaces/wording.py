"""How report values are worded for people, shared by every renderer (Markdown, the
self-contained HTML report, the web pages) so that a date, a kind or a party's claim reads
the same everywhere.

All input is untrusted article text: ``clean`` makes it one line without control
characters; escaping for HTML is the templates' job.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ALNUM = re.compile(r"[\W_]+")
#: Extraction's entity labels in words a reader knows.
_KIND_LABEL = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place"}


def clean(text: str | None) -> str:
    """One line of plain text: article text may carry newlines and terminal escapes."""
    return _SPACE.sub(" ", _CONTROL.sub("", text or "")).strip()


def day_label(value: str | None) -> str:
    """A publication date as its day (times of day add noise to a citation)."""
    if not value:
        return "undated"
    return value[:10] if _ISO_DAY.match(value) else clean(value)


def kind_label(kind: str) -> str:
    return _KIND_LABEL.get(kind.upper(), clean(kind).lower())


def claim_label(party: str) -> str:
    """"Beijing's claim", "the Greens' claim"."""
    party = clean(party)
    return f"{party}' claim" if party.endswith("s") else f"{party}'s claim"


def differs(value: str, wording: str) -> bool:
    """Whether the compared value says more than the wording: "2012" adds nothing to
    "about 2,012", "2023-02-14" does to "last Tuesday"."""
    return _ALNUM.sub("", value).lower() not in _ALNUM.sub("", wording).lower()

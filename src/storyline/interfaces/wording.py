"""How report values are worded for people, shared by every renderer (Markdown, the
self-contained HTML report, the web pages) so that a date, a kind or a party's claim reads
the same everywhere.

All input is untrusted article text: ``clean`` makes it one line without control
characters; escaping for HTML is the templates' job.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storyline.analyse.types import TimelineEntry

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ALNUM = re.compile(r"[\W_]+")
#: Extraction's entity labels in words a reader knows.
_KIND_LABEL = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PART_OF_DAY = {"MO": "morning", "MI": "midday", "AF": "afternoon", "EV": "evening",
                "NI": "night", "DT": "daytime"}
_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
_MOD_WORDS = {"START": "early", "MID": "mid", "END": "late", "APPROX": "about",
              "BEFORE": "before", "AFTER": "after", "ON_OR_BEFORE": "by",
              "ON_OR_AFTER": "from", "LESS_THAN": "under", "MORE_THAN": "over"}
#: Granularities the date label already says (a range adds nothing to them).
_SAID = frozenset({"day", "part-of-day", "hour", "minute", "week", "weekend", "month",
                   "year", "quarter", "half", "season", "decade", "century"})
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}|MO|MI|AF|EV|NI|DT))?")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
_PERIOD = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)$")


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


def date_label(value: str, mod: str | None = None) -> str:
    """A TimeML date in words a reader knows: "2023-06-18 morning", "early Feb 2023",
    "week 24 of 2023", "Q1 2023"; anything else as it is."""
    value = clean(value)
    if not value:
        return "undated"
    if m := _DAY.match(value):
        label = f"{m[1]}-{m[2]}-{m[3]}"
        if m[4]:
            label += " " + _PART_OF_DAY.get(m[4], m[4])
    elif (m := _MONTH.match(value)) and 1 <= int(m[2]) <= 12:
        label = f"{_MONTHS[int(m[2]) - 1]} {m[1]}"
    elif (m := _WEEK.match(value)) and 1 <= int(m[2]) <= 53:
        try:
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            label = value
        else:
            first = monday + timedelta(days=5) if m[3] else monday
            label = (f"{'weekend' if m[3] else 'week'} of {first.day} "
                     f"{_MONTHS[first.month - 1]} {first.year}")
    elif m := _PERIOD.match(value):
        label = f"{_SEASONS.get(m[2], m[2])} {m[1]}"
    elif re.fullmatch(r"\d{3}", value):
        label = f"{value}0s"
    else:
        label = value
    word = _MOD_WORDS.get((mod or "").upper())
    return f"{word} {label}" if word else label


def date_parts(e: TimelineEntry) -> tuple[str, str]:
    """The date's label and a note: the words it was read from, what a week or weekend
    spans, the granularity when the label does not say it."""
    if not e.date:
        return "undated", ""
    label = date_label(e.date, e.mod)
    said = clean(e.date_text)
    notes = [f"“{said}”"] if said and said.casefold() != e.date.casefold() \
        and said.casefold() not in label.casefold() else []
    gran = clean(e.granularity)
    if gran and gran not in _SAID and gran != "unknown":
        notes.append(gran)
    if e.earliest and e.latest and e.earliest != e.latest and (
            gran not in _SAID or e.mod):
        notes.append(f"{e.earliest} to {e.latest}")
    return label, ", ".join(notes)

"""Publication dates: parsing what users and documents say, inferring what they don't.

A publication date is never invented: no date stays None, and "today" is never a default.
Only a date stamp line or a dateline at the very start of an article counts as evidence;
dates further down (photo captions, background events) are about something else.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_MONTHS = (
    r"(?i:jan(uary|uar)?|feb(ruary|ruar)?|m[aä]r(ch|z)?|apr(il)?|ma[iy]|june?|juni|july?|juli|"
    r"aug(ust)?|sep(t(ember)?)?|o[ck]t(ober)?|nov(ember)?|de[cz](ember)?|enero|febrero|marzo|"
    r"abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\.?"
)
_WRITTEN_DATE = (
    rf"({_MONTHS}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\.?\s+(de\s+)?{_MONTHS}"
    rf"(\s+de)?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})"
)
#: "Published: June 14, 2023", "Veröffentlicht am 14. Juni 2023"
_STAMP = re.compile(
    rf"^(published|posted|first published|veröffentlicht|publicado|publié)\b(\s+(on|am|el|le))?"
    rf"\s*:?\s*(?P<date>{_WRITTEN_DATE})",
    re.I,
)
#: "WASHINGTON, June 14, 2023 —" at the start of the lead.
_DATELINE = re.compile(
    rf"^[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{{2,40}}(,\s*[A-ZÀ-Þ][\w.]+)?\s*,?\s*\(?(?P<date>{_WRITTEN_DATE})\)?"
    r"\s*(\([^)]{1,30}\))?\s*[-–—:]",
)


class DateError(ValueError):
    """A date given by the user could not be understood."""


def parse_user_date(value: str) -> str:
    """Normalise a date given on the command line or in the API to ISO 8601.

    Accepts ISO dates and datetimes and written dates with day, month and year
    ("14 June 2023", "June 14, 2023"); refuses anything vaguer rather than guess.
    """
    value = value.strip()
    if _ISO.match(value):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise DateError(f"not a valid date: {value!r} ({exc})") from None
        return value
    parsed = _parse_written(value)
    if parsed is None:
        raise DateError(f"not a date with day, month and year: {value!r}")
    return parsed


def _parse_written(value: str) -> str | None:
    import dateparser

    result = dateparser.parse(
        value,
        languages=["en", "de", "es", "fr"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return result.date().isoformat() if result else None


def infer_published(stamp_lines: list[str], lead: str | None) -> str | None:
    """A publication date from a date-stamp line or the lead's dateline, else None."""
    for line in stamp_lines:
        m = _STAMP.match(line)
        if m and (found := _parse_written(m.group("date"))):
            return found
    if lead:
        m = _DATELINE.match(lead)
        if m and (found := _parse_written(m.group("date"))):
            return found
    return None


def is_plausible(iso: str, *, today: date | None = None) -> bool:
    """Dates before the web or after today are metadata errors, not publication dates."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return False
    return date(1990, 1, 1) <= day <= (today or date.today())

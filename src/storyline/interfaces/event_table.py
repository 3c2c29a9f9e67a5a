"""Events as a GDELT-shaped table: the columns GDELT 2.0 users know, filled from PLOVER
events, plus the evidence GDELT does not keep. ``docs/events.md`` documents every column.

GDELT codes actors as one run of three-letter codes ("CHNGOV"); Storyline writes the same
parts with a dash ("CHN-GOV") and the parts in their own columns too. Event codes are
PLOVER types, not CAMEO codes; ``QuadClass`` keeps GDELT's four classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storyline.extract.gazetteer import Entry, load
from storyline.extract.types import QUAD_CLASS, Actor

if TYPE_CHECKING:
    from storyline.api import EventRow

COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "DateGranularity",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
    "EventCode", "EventMode", "EventStatus", "QuadClass",
    "NumArticles", "NumSources",
    "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
    "ArticleID", "StoryID", "Source", "Published", "DateText", "Trigger", "Evidence",
    "Pattern", "Confidence",
)


def table_row(row: EventRow) -> dict[str, Any]:
    """One event row as the table's columns (values as CSV writes them)."""
    e = row.event
    day = row.day or ""
    digits = day.replace("-", "")
    place = _place(e.location, e.location_geonameid)
    return {
        "GlobalEventID": f"{row.article_id}-{e.trigger_start}",
        "Day": digits if len(digits) == 8 else "",
        "MonthYear": digits[:6] if len(digits) >= 6 else "",
        "Year": digits[:4],
        "DateGranularity": {8: "day", 6: "month", 4: "year"}.get(len(digits), ""),
        **_actor("Actor1", e.source), **_actor("Actor2", e.target),
        "EventCode": e.type, "EventMode": e.mode or "", "EventStatus": e.status,
        "QuadClass": QUAD_CLASS.get(e.type, ""),
        "NumArticles": row.articles, "NumSources": row.independent,
        "ActionGeo_FullName": e.location or "",
        "ActionGeo_CountryCode": (place.country or "") if place else "",
        "ActionGeo_Lat": place.lat if place and place.lat is not None else "",
        "ActionGeo_Long": place.lon if place and place.lon is not None else "",
        "ActionGeo_FeatureID": e.location_geonameid or "",
        "DATEADDED": (row.published or "")[:10].replace("-", ""),
        "SOURCEURL": row.url or "",
        "ArticleID": row.article_id, "StoryID": row.story_id or "", "Source": row.source or "",
        "Published": row.published or "", "DateText": e.date_text or "",
        "Trigger": e.trigger, "Evidence": row.evidence, "Pattern": e.pattern,
        "Confidence": "" if e.confidence is None else e.confidence,
    }


def _actor(prefix: str, actor: Actor | None) -> dict[str, str]:
    if actor is None:
        return {f"{prefix}Code": "", f"{prefix}Name": "", f"{prefix}CountryCode": "",
                f"{prefix}Type1Code": ""}
    return {f"{prefix}Code": actor.code or "", f"{prefix}Name": actor.canonical,
            f"{prefix}CountryCode": actor.country or "", f"{prefix}Type1Code": actor.sector or ""}


def _place(name: str | None, geonameid: int | None) -> Entry | None:
    if not name:
        return None
    entries = load().lookup(name)
    return next((x for x in entries if geonameid is None or x.geonameid == geonameid),
                entries[0] if entries else None)

"""A story's events: the same event reported by several articles is one event, counted by
the articles and the independent sources that report it.

Copies count once: five sites running the same wire story are one independent report,
however many articles that makes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from storyline.extract.types import Actor, Event, EventStatus

#: When reports disagree on the status and the count is even, the stronger claim wins.
_STATUS_ORDER: dict[str, int] = {"happened": 0, "planned": 1, "negated": 2}


@dataclass(frozen=True, slots=True)
class Report:
    """One article's report of an event."""

    article_id: str
    source: str | None
    published: str | None
    event: Event


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """A distinct event of a story, with every report of it (in publication order)."""

    type: str
    mode: str | None
    source: Actor | None
    target: Actor | None
    status: EventStatus
    #: How many independent reports give each status ("happened": 3, "negated": 1): a
    #: disagreement is worth showing.
    statuses: dict[str, int]
    location: str | None
    location_geonameid: int | None
    #: The most precise date any report gives (TimeML value) and its words.
    date: str | None
    date_text: str | None
    reports: tuple[Report, ...]
    articles: int
    #: Reports that are not copies of one another (copy groups count once).
    independent: int
    #: Outlets of the independent reports, first reporter first.
    sources: tuple[str, ...]
    first_reported: str | None


def aggregate(reports: Sequence[Report], original_of: Mapping[str, str] | None = None
              ) -> list[StoryEvent]:
    """Group reports by ``event_key``; ``original_of`` maps a copy's article id to its copy
    group's original (articles absent from it are their own original). Ordered by date
    (the event's own, else its first report), undated last."""
    from storyline.extract.events import event_key  # (spaCy, and so thinc, only if needed)

    originals = original_of or {}
    groups: dict[Hashable, list[Report]] = {}
    for r in reports:
        groups.setdefault(event_key(r.event), []).append(r)
    out = [_story_event(sorted(g, key=_report_order), originals) for g in groups.values()]
    out.sort(key=lambda e: (_day(e.date) or (e.first_reported or "~")[:10], e.type))
    return out


def _report_order(r: Report) -> tuple[str, str, int]:
    return r.published or "~", r.article_id, r.event.trigger_start


def _story_event(reports: list[Report], originals: Mapping[str, str]) -> StoryEvent:
    first = reports[0].event
    independent: dict[str, Report] = {}
    for r in reports:
        independent.setdefault(originals.get(r.article_id, r.article_id), r)
    statuses: Counter[str] = Counter(r.event.status for r in independent.values())
    status = cast(EventStatus, min(statuses, key=lambda s: (-statuses[s],
                                                            _STATUS_ORDER.get(s, 9))))
    dated = [r.event for r in reports if r.event.date]
    best = max(dated, key=lambda e: len(e.date or "")) if dated else None
    located = next((r.event for r in reports if r.event.location), None)
    sources: list[str] = []
    for r in independent.values():
        if r.source and r.source not in sources:
            sources.append(r.source)
    return StoryEvent(
        type=first.type, mode=next((r.event.mode for r in reports if r.event.mode), None),
        source=first.source, target=first.target, status=status,
        statuses=dict(statuses),
        location=located.location if located else None,
        location_geonameid=located.location_geonameid if located else None,
        date=best.date if best else None, date_text=best.date_text if best else None,
        reports=tuple(reports), articles=len({r.article_id for r in reports}),
        independent=len(independent), sources=tuple(sources),
        first_reported=reports[0].published,
    )


def _day(value: str | None) -> str | None:
    """The sortable calendar prefix of a TimeML value ("2023-06-14", "2023-06", "2023"),
    None for weeks, durations and references."""
    if not value or not value[:4].isdigit():
        return None
    head = value[:10]
    return head if all(c.isdigit() or c == "-" for c in head) else value[:4]

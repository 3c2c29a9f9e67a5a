"""A story's events: the same event reported by several articles is one event, counted by
the articles and the independent sources that report it.

Copies count once: five sites running the same wire story are one independent report,
however many articles that makes.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from storyline.extract.types import TODAY, Actor, Event, EventStatus

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
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
    #: How sure the event is, from all its independent reports (``corroborated``).
    confidence: float | None = None


#: Types whose sides act together: "A met B" and "B met A" are one meeting.
RECIPROCAL = frozenset({"CONSULT", "COOPERATE", "AGREE"})


def aggregate(reports: Sequence[Report], original_of: Mapping[str, str] | None = None,
              min_confidence: float | None = None) -> list[StoryEvent]:
    """One event per real event: reports of the same type whose actors agree (the same
    entity, or the same government; a side one report leaves out does not disagree) and
    whose dates overlap ("this week" holds "Friday") are one event. A report with no date
    joins only an undated event of its status (it could be any of the dated ones), a
    report that leaves a side out joins only when a single event fits it, and reports of one
    article with different statuses are different events.
    ``original_of`` maps a copy's article id to its copy group's original (articles
    absent from it are their own original). Every report counts, however unsure;
    ``min_confidence`` then keeps the events whose corroborated confidence reaches it (and
    those with none). Ordered by date (the event's own, else
    its first report), undated last."""
    originals = original_of or {}
    clusters: list[_Cluster] = []
    index: dict[tuple[str, str], list[int]] = {}
    for r in sorted(reports, key=_report_order):
        here = _Facts.of(r)
        candidates = sorted({i for k in here.keys for i in index.get((r.event.type, k), ())})
        taking = [i for i in candidates if clusters[i].takes(here, r.article_id)]
        # a report that leaves a side out joins only when one event can be its
        chosen = taking[0] if len(taking) == 1 or (taking and here.source and here.target) \
            else None
        if chosen is None:
            chosen = len(clusters)
            clusters.append(_Cluster([], here))
        clusters[chosen].add(r, here)
        for k in here.keys:
            index.setdefault((r.event.type, k), []).append(chosen)
    out = [_story_event(c.reports, originals) for c in clusters]
    if min_confidence is not None:
        out = [e for e in out if e.confidence is None or e.confidence >= min_confidence]
    out.sort(key=lambda e: (_day(e.date) or (e.first_reported or "~")[:10], e.type))
    return out


def _keys(a: Actor | None) -> frozenset[str]:
    """What an actor can be matched by: its name, and its government when it has one
    ("Beijing" and "China" are both CHN-GOV)."""
    if a is None:
        return frozenset()
    out = {"name:" + a.canonical.casefold()}
    if a.country:
        out.add("code:" + (a.code or a.country))
    return frozenset(out)


def _agree(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or bool(a & b)


def _named_alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """The same entity by name, not only the same government ("Beijing" and "China" are
    one government; a report that leaves a side out needs a name to join on)."""
    return any(k.startswith("name:") for k in a & b)


@dataclass(frozen=True, slots=True)
class _Facts:
    """What decides whether a report is of an event: its sides and its date range."""

    source: frozenset[str]
    target: frozenset[str]
    span: tuple[str, str] | None
    status: str

    #: The span is the report's day, not the event's own date (news of the day).
    reported: bool = False

    @classmethod
    def of(cls, r: Report) -> _Facts:
        e = r.event
        if e.date == TODAY:
            day = r.published[:10] if r.published else None
            return cls(_keys(e.source), _keys(e.target), (day, day) if day else None,
                       e.status, reported=True)
        span = value_range(e.date) if e.date else None
        if span is not None and e.date_text:
            from storyline.extract.timex import narrowed  # (regex tables: only if needed)

            span = narrowed(*span, e.date_text)  # "early June" is not mid-June
        return cls(_keys(e.source), _keys(e.target), span, e.status)

    @property
    def keys(self) -> frozenset[str]:
        return self.source | self.target


@dataclass
class _Cluster:
    reports: list[Report]
    first: _Facts

    def add(self, r: Report, facts: _Facts) -> None:
        """Take the report: its sides join the event's, and an own date narrows the
        event's range (a report day only stands in until one comes)."""
        self.reports.append(r)
        c = self.first
        span, reported = c.span, c.reported
        if facts.span is not None and not facts.reported:
            if span is None or reported:
                span, reported = facts.span, False
            else:
                span = (max(facts.span[0], span[0]), min(facts.span[1], span[1]))
        elif span is None:
            span, reported = facts.span, facts.reported
        self.first = _Facts(c.source | facts.source, c.target | facts.target, span, c.status,
                            reported)

    def takes(self, f: _Facts, article_id: str = "") -> bool:
        c = self.first
        if any(r.article_id == article_id and r.event.status != f.status
               for r in self.reports):
            # one article telling a called-off visit and a meeting that happened the same
            # month tells two events; sources that disagree on a status are one disputed
            return False
        kind = self.reports[0].event.type
        if kind in RECIPROCAL:
            mine, theirs = c.source | c.target, f.source | f.target
            complete = bool(c.source and c.target and f.source and f.target)
            sides = (bool(mine & theirs) if complete else _named_alike(mine, theirs)) and (
                (_agree(c.source, f.source) and _agree(c.target, f.target))
                or (_agree(c.source, f.target) and _agree(c.target, f.source)))
        else:
            complete = bool(c.source and c.target and f.source and f.target)
            shared = (c.source & f.source) | (c.target & f.target)
            sides = _agree(c.source, f.source) and _agree(c.target, f.target) and (
                bool(shared) if complete else _named_alike(shared, shared))
        if not sides:
            return False
        if c.span is not None and f.span is not None:
            return c.span[0] <= f.span[1] and f.span[0] <= c.span[1]
        # an undated report could be any of the dated ones: it joins undated ones only
        return c.span is None and f.span is None and c.status == f.status


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
    # The most precise calendar date any report gives; else a reference ("PRESENT_REF").
    dated = [r.event for r in reports if r.event.date and r.event.date[:4].isdigit()]
    best = max(dated, key=lambda e: len(e.date or "")) if dated else next(
        (r.event for r in reports if r.event.date), None)
    full = next((r.event for r in reports if r.event.source and r.event.target), first)
    located = next((r.event for r in reports if r.event.location), None)
    sources: list[str] = []
    for r in independent.values():
        if r.source and r.source not in sources:
            sources.append(r.source)
    return StoryEvent(
        type=first.type, mode=next((r.event.mode for r in reports if r.event.mode), None),
        source=full.source, target=full.target, status=status,
        statuses=dict(statuses),
        location=located.location if located else None,
        location_geonameid=located.location_geonameid if located else None,
        date=best.date if best else None, date_text=best.date_text if best else None,
        reports=tuple(reports), articles=len({r.article_id for r in reports}),
        independent=len(independent), sources=tuple(sources),
        first_reported=reports[0].published,
        confidence=corroborated(reports, originals),
    )


def corroborated(reports: Sequence[Report], originals: Mapping[str, str]) -> float | None:
    """How sure the event is, from every independent report of it: each copy group counts
    once, with its surest report, and each independent report is a further chance that the
    event is real (1 − Π(1 − pᵢ)): two outlets that each barely make the cut for a meeting
    make it surely. None when no report has a confidence (stored before there was one)."""
    best: dict[str, float] = {}
    for r in reports:
        if r.event.confidence is None:
            continue
        key = originals.get(r.article_id, r.article_id)
        best[key] = max(best.get(key, 0.0), r.event.confidence)
    if not best:
        return None
    miss = 1.0
    for p in best.values():
        miss *= 1.0 - p
    return round(1.0 - miss, 4)


def value_range(value: str | None) -> tuple[str, str] | None:
    """First and last day (ISO) of a TimeML calendar value: a day, week, month, quarter,
    half-year or year; None for anything else (durations, references)."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            return d, d
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return (date(y, mo, 1).isoformat(),
                    date(y, mo, calendar.monthrange(y, mo)[1]).isoformat())
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday.isoformat(), (monday + timedelta(days=6)).isoformat()
        if m := _QUARTER.match(value):
            y, last = int(m[1]), 3 * int(m[2])
            return (date(y, last - 2, 1).isoformat(),
                    date(y, last, calendar.monthrange(y, last)[1]).isoformat())
        if m := _HALF.match(value):
            return (f"{m[1]}-01-01", f"{m[1]}-06-30") if m[2] == "1" else (
                f"{m[1]}-07-01", f"{m[1]}-12-31")
        if m := _YEAR.match(value):
            return f"{m[1]}-01-01", f"{m[1]}-12-31"
    except ValueError:
        return None
    return None


def _day(value: str | None) -> str | None:
    """The sortable calendar prefix of a TimeML value ("2023-06-14", "2023-06", "2023"),
    None for weeks, durations and references."""
    if not value or not value[:4].isdigit():
        return None
    head = value[:10]
    return head if all(c.isdigit() or c == "-" for c in head) else value[:4]

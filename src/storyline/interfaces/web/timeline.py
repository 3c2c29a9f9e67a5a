"""A story's events laid out on a time axis, each at its own granularity: a day is a dot, a
month or a year is a bar over its span (not a dot on its first day), planned events are
hollow, called-off ones crossed. Pure geometry for the SVG the story page draws."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from storyline.analyse.events import StoryEvent

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
#: Drawing width of the axis, in SVG units (the SVG scales to the page).
WIDTH = 1000
LANE_HEIGHT = 22
#: Marks closer than this (SVG units) go on separate lanes.
GAP = 14


def value_range(value: str | None) -> tuple[date, date] | None:
    """The first and last day a TimeML date value stands for; None for durations,
    references and anything that is not a calendar date."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _MONTH.match(value):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return monday, monday + timedelta(days=6)
        if m := _QUARTER.match(value):
            y, q = int(m[1]), int(m[2])
            last = 3 * q
            return date(y, last - 2, 1), date(y, last, calendar.monthrange(y, last)[1])
        if m := _HALF.match(value):
            y, h = int(m[1]), int(m[2])
            return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1),
                                                                    date(y, 12, 31))
        if m := _YEAR.match(value):
            y = int(m[1])
            return date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None
    return None


@dataclass(frozen=True, slots=True)
class Mark:
    event: StoryEvent
    first: date
    last: date
    x: float
    width: float  # 0 for a single day
    lane: int
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    lanes: int
    start: date
    end: date
    #: Events with no calendar date (listed in the table only).
    undated: int

    @property
    def height(self) -> int:
        return 34 + self.lanes * LANE_HEIGHT


def layout(events: Sequence[StoryEvent]) -> Timeline | None:
    """Marks for the dated events (the event's own date, else the day of its first report);
    None when nothing is dated."""
    spans: list[tuple[StoryEvent, date, date]] = []
    undated = 0
    for e in events:
        found = value_range(e.date) or value_range((e.first_reported or "")[:10])
        if found is None:
            undated += 1
        else:
            spans.append((e, *found))
    if not spans:
        return None
    start = min(s for _, s, _ in spans)
    end = max(t for _, _, t in spans)
    pad = max(1, (end - start).days // 30)
    start, end = start - timedelta(days=pad), end + timedelta(days=pad)
    days = max(1, (end - start).days)

    def x_of(d: date) -> float:
        return round((d - start).days / days * WIDTH, 1)

    lanes_end: list[float] = []
    marks = []
    for e, first, last in sorted(spans, key=lambda s: (s[1], s[2])):
        x, x2 = x_of(first), x_of(last + timedelta(days=1)) if last > first else x_of(first)
        lane = next((i for i, right in enumerate(lanes_end) if x > right + GAP), None)
        if lane is None:
            lane = len(lanes_end)
            lanes_end.append(0.0)
        lanes_end[lane] = max(x2, x)
        who = e.source.canonical if e.source else "?"
        whom = f" → {e.target.canonical}" if e.target else ""
        when = e.date_text or e.date or f"reported {first.isoformat()}"
        label = (f"{e.type}{' (' + e.mode + ')' if e.mode else ''}: {who}{whom}; {when}; "
                 f"{e.status}; {e.independent} source{'s' if e.independent != 1 else ''}")
        marks.append(Mark(e, first, last, x, round(x2 - x, 1), lane, label))
    return Timeline(tuple(marks), _ticks(start, end, x_of), len(lanes_end), start, end,
                    undated)


def _ticks(start: date, end: date, to_x: Callable[[date], float]) -> tuple[Tick, ...]:
    """Day ticks for spans up to two months, month ticks up to two years, years beyond."""
    out: list[Tick] = []
    if (end - start).days <= 62:
        day = start
        step = max(1, (end - start).days // 8)
        while day <= end:
            out.append(Tick(to_x(day), day.strftime("%d %b")))
            day += timedelta(days=step)
    elif (end - start).days <= 730:
        y, m = start.year, start.month
        while date(y, m, 1) <= end:
            if date(y, m, 1) >= start:
                out.append(Tick(to_x(date(y, m, 1)),
                                date(y, m, 1).strftime("%b %Y" if m == 1 else "%b")))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        for y in range(start.year + 1, end.year + 1):
            out.append(Tick(to_x(date(y, 1, 1)), str(y)))
    return tuple(out)

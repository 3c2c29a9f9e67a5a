"""A story's events laid out on a time axis, each at its own granularity: a day is a dot, a
month or a year is a bar over its span (not a dot on its first day), planned events are
hollow, called-off ones crossed. Pure geometry for the SVG the story page draws.

A long stretch with nothing in it (the months between a February background event and the
June story) is cut short: the axis breaks there (``Timeline.breaks``), each part keeping
its own scale, so that a week of dense news is not squeezed into a sliver.

:func:`layout` draws extracted events (:class:`StoryEvent`); :func:`layout_entries` draws a
story report's timeline (:class:`TimelineEntry`: events and dated statements, the
statements on lanes of their own below the events)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from storyline.analyse.events import StoryEvent
from storyline.analyse.events import value_range as iso_range
from storyline.analyse.types import TimelineEntry

#: Drawing width of the axis, in SVG units (the SVG scales to the page).
WIDTH = 1000
LANE_HEIGHT = 22
#: Marks closer than this (SVG units) go on separate lanes.
GAP = 14
#: Event types drawn in a warning colour ("tone"), and what the legend calls each tone:
#: the legend must explain every colour the chart uses.
TONES = {"ASSAULT": "force", "COERCE": "force", "PROTEST": "hostile", "ACCUSE": "hostile",
         "THREATEN": "hostile", "REJECT": "hostile"}
TONE_LABELS = {"force": "use of force or coercion",
               "hostile": "protest, accusation, threat or rejection"}
#: Characters of an entry's text kept in its mark's tooltip.
LABEL_TEXT = 160
#: Width of a cut-short stretch of the axis, and the least width of a part, in SVG units.
BREAK_WIDTH = 36
MIN_PART = 90
#: Tick labels at least this far apart (SVG units).
TICK_SPACING = 56
#: A day on which marks start is this much wider, per mark, than an empty day …
DENSITY = 6
#: … and all the empty days of a part together are at most as wide as this many.
QUIET_DAYS = 60


def value_range(value: str | None) -> tuple[date, date] | None:
    """The first and last day a TimeML date value stands for (the rule's home is
    :func:`storyline.analyse.events.value_range`), as dates to place on the axis."""
    found = iso_range(value)
    return (date.fromisoformat(found[0]), date.fromisoformat(found[1])) if found else None


@dataclass(frozen=True, slots=True)
class Mark:
    #: What the mark stands for.
    event: StoryEvent | TimelineEntry
    first: date
    last: date
    x: float
    width: float  # 0 for a single day
    lane: int
    label: str
    #: "happened", "planned" (hollow) or "negated" (crossed).
    status: str = "happened"
    #: "event" or "fact" (a dated statement).
    kind: str = "event"
    #: The page of the first report (``/articles/ID``, with its sentence's anchor if known).
    href: str = ""
    #: Extra CSS class: the event type ("qassault").
    css: str = ""


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
    #: Lane of the first dated statement (``kind == "fact"``); ``lanes`` when there is none.
    fact_lane: int = -1
    #: Where the axis is cut short: (x of the cut's middle, first and last day left out).
    breaks: tuple[tuple[float, date, date], ...] = ()
    #: The warning colours used (keys of ``TONE_LABELS``), in legend order.
    tones: tuple[str, ...] = ()
    #: The x range of the story's key days (when its reports appeared): a narrow screen
    #: shows this part first.
    focus: tuple[float, float] | None = None

    @property
    def tone_labels(self) -> tuple[tuple[str, str], ...]:
        return tuple((t, TONE_LABELS[t]) for t in self.tones)

    @property
    def height(self) -> int:
        return 34 + self.lanes * LANE_HEIGHT


def layout(events: Sequence[StoryEvent]) -> Timeline | None:
    """Marks for the dated events (the event's own date, else the day of its first report);
    None when nothing is dated."""
    spans: list[_Span] = []
    undated = 0
    for e in events:
        found = value_range(e.date) or value_range((e.first_reported or "")[:10])
        if found is None:
            undated += 1
            continue
        first = found[0]
        who = e.source.canonical if e.source else "?"
        whom = f" → {e.target.canonical}" if e.target else ""
        when = e.date_text or e.date or f"reported {first.isoformat()}"
        label = (f"{e.type}{' (' + e.mode + ')' if e.mode else ''}: {who}{whom}; {when}; "
                 f"{e.status}; {e.independent} source{'s' if e.independent != 1 else ''}")
        href = f"/articles/{quote(e.reports[0].article_id, safe='')}" if e.reports else ""
        spans.append(_Span(e, *found, label, e.status, "event", href, _css(e.type)))
    return _layout(spans, undated)


def _css(event_type: str | None) -> str:
    """The mark's classes: its type ("qassault") and its tone, if it has one."""
    if not event_type:
        return ""
    tone = TONES.get(event_type.upper())
    return f"q{event_type.lower()}" + (f" tone-{tone}" if tone else "")


def entry_range(entry: TimelineEntry) -> tuple[date, date] | None:
    """The days a report's timeline entry stands for: its ``earliest`` to ``latest`` (which
    narrow "early June" to its first days), else what its TimeML value spans."""
    try:
        first, last = date.fromisoformat(entry.earliest[:10]), date.fromisoformat(
            entry.latest[:10])
    except (TypeError, ValueError):
        return value_range(entry.date)
    return (first, last) if first <= last else (last, first)


def layout_entries(entries: Sequence[TimelineEntry],
                   when: Callable[[TimelineEntry], str] | None = None,
                   key_days: tuple[date, date] | None = None) -> Timeline | None:
    """Marks for a report's timeline: events on the upper lanes, dated statements on lanes
    of their own below them; None when nothing has a calendar date. ``when`` words an
    entry's date for its tooltip (by default its TimeML value and words); ``key_days``
    (the days the story was reported) sets the chart's ``focus``."""
    spans: list[_Span] = []
    undated = 0
    for e in entries:
        found = entry_range(e)
        if found is None:
            undated += 1
            continue
        status = e.shown_status
        date_words = when(e) if when else e.date + (
            f" “{e.date_text}”" if e.date_text else "") + (
            f" ({e.granularity})" if e.granularity not in ("day", "") else "")
        what = " ".join(e.text.split())
        if len(what) > LABEL_TEXT:
            what = what[:LABEL_TEXT - 1].rstrip() + "…"
        head = (f"{e.event_type}: {e.who or '?'}{' → ' + e.whom if e.whom else ''}"
                if e.kind == "event" and e.event_type else "statement")
        sources = ", ".join(s or "unknown source" for s in e.sources) or "no named source"
        label = (f"{date_words} · {head}{'' if status == 'happened' else ' (' + status + ')'} · "
                 f"{what} · {e.independent} source{'s' if e.independent != 1 else ''}: "
                 f"{sources}")
        href = ""
        if e.citations:
            c = e.citations[0]
            href = f"/articles/{quote(c.article_id, safe='')}#c-{c.start}"
        css = _css(e.event_type) if e.kind == "event" else ""
        spans.append(_Span(e, *found, label, status, e.kind, href, css))
    return _layout(spans, undated, key_days)


@dataclass(frozen=True, slots=True)
class _Span:
    item: StoryEvent | TimelineEntry
    first: date
    last: date
    label: str
    status: str
    kind: str
    href: str
    css: str


def _parts(spans: Sequence[_Span]) -> list[tuple[date, date, int]]:
    """The stretches of time the marks cover, (first day, last day, marks), split where
    nothing happens for long: two weeks at least, and a sixth of the whole span or half a
    year."""
    ordered = sorted(spans, key=lambda s: (s.first, s.last))
    total = (max(s.last for s in spans) - ordered[0].first).days
    cut = max(14, min(total // 6, 182))
    parts: list[tuple[date, date, int]] = []
    for sp in ordered:
        if parts and (sp.first - parts[-1][1]).days <= cut:
            first, last, n = parts[-1]
            parts[-1] = (first, max(last, sp.last), n + 1)
        else:
            parts.append((sp.first, sp.last, 1))
    return parts


def _axis(spans: Sequence[_Span]) -> tuple[Callable[[date, bool], float], date, date,
                                           tuple[Tick, ...], tuple[tuple[float, date, date],
                                                                   ...]]:
    """x of a day, the axis' first and last day, its ticks and its breaks.

    Within a part, a day's width grows with the dots on it (``DENSITY`` times theirs more
    than an empty day's), so a busy week is spread out and a quiet month
    shrinks; the ticks show the scale."""
    parts = _parts(spans)
    starts: dict[date, int] = {}
    for sp in spans:  # dots: a bar takes its width from its days
        if sp.last == sp.first:
            starts[sp.first] = starts.get(sp.first, 0) + 1
    padded: list[tuple[date, date]] = []
    cums: list[list[float]] = []  # per part: the width (in day weights) before each day
    for first, last, _ in parts:
        pad = max(1, (last - first).days // 30)
        a, b = first - timedelta(days=pad), last + timedelta(days=pad)
        # An empty day of a long part is narrower: its empty days weigh QUIET_DAYS at most.
        base = min(1.0, QUIET_DAYS / max(1, (b - a).days + 1))
        cum = [0.0]
        for i in range((b - a).days + 1):
            cum.append(cum[-1] + base + DENSITY * starts.get(a + timedelta(days=i), 0))
        padded.append((a, b))
        cums.append(cum)
    room = WIDTH - BREAK_WIDTH * (len(padded) - 1)
    widths = [max(MIN_PART, room * c[-1] / sum(c[-1] for c in cums)) for c in cums]
    widths = [w * room / sum(widths) for w in widths]
    lefts: list[float] = []
    x = 0.0
    for w in widths:
        lefts.append(x)
        x += w + BREAK_WIDTH

    def x_of(d: date, middle: bool = False) -> float:
        """Where day ``d`` starts (or, ``middle``, its middle)."""
        for i, (a, b) in enumerate(padded):
            if d <= b or i == len(padded) - 1:
                cum = cums[i]
                at = min(len(cum) - 2, max(0, (d - a).days))
                here = (cum[at] + cum[at + 1]) / 2 if middle else cum[at]
                return round(lefts[i] + here / cum[-1] * widths[i], 1)
        return float(WIDTH)  # pragma: no cover (the last part takes any later day)

    ticks: list[Tick] = []
    for a, b in padded:
        ticks.extend(_ticks(a, b, x_of, starts))
    breaks = tuple((round(left - BREAK_WIDTH / 2, 1), prev[1] + timedelta(days=1),
                    cur[0] - timedelta(days=1))
                   for prev, cur, left in zip(padded, padded[1:], lefts[1:], strict=False))
    return x_of, padded[0][0], padded[-1][1], tuple(ticks), breaks


def _layout(spans: list[_Span], undated: int,
            key_days: tuple[date, date] | None = None) -> Timeline | None:
    if not spans:
        return None
    x_of, start, end, ticks, breaks = _axis(spans)

    marks: list[Mark] = []
    lanes = 0
    fact_lane = -1
    # Events first, statements on their own lanes below.
    for kind in ("event", "fact"):
        group = sorted((s for s in spans if s.kind == kind), key=lambda s: (s.first, s.last))
        if kind == "fact" and group:
            fact_lane = lanes
        lanes_end: list[float] = []
        for s in group:
            if s.last > s.first:  # a bar over its days
                x, x2 = x_of(s.first, False), x_of(s.last + timedelta(days=1), False)
            else:  # a dot in the middle of its day
                x = x2 = x_of(s.first, True)
            lane = next((i for i, right in enumerate(lanes_end) if x > right + GAP), None)
            if lane is None:
                lane = len(lanes_end)
                lanes_end.append(0.0)
            lanes_end[lane] = max(x2, x)
            marks.append(Mark(s.item, s.first, s.last, x, round(x2 - x, 1), lanes + lane,
                              s.label, s.status, s.kind, s.href, s.css))
        lanes += len(lanes_end)
    tones = {c[5:] for m in marks for c in m.css.split() if c.startswith("tone-")}
    return Timeline(tuple(marks), ticks, lanes, start, end, undated,
                    fact_lane if fact_lane >= 0 else lanes, breaks,
                    tuple(t for t in TONE_LABELS if t in tones), _focus(marks, key_days))


def _focus(marks: Sequence[Mark], key_days: tuple[date, date] | None
           ) -> tuple[float, float] | None:
    """The x range of the marks that touch the key days (a day either side), else of the
    latest marks' part of the axis: where a reader of the story's news looks first."""
    if not marks:
        return None
    if key_days is not None:
        lo, hi = key_days[0] - timedelta(days=1), key_days[1] + timedelta(days=1)
        near = [m for m in marks if m.first <= hi and m.last >= lo]
        if near:
            return (min(m.x for m in near), max(m.x + m.width for m in near))
    latest = max(marks, key=lambda m: (m.last, m.x))
    return (latest.x, latest.x + latest.width)


def _ticks(start: date, end: date, to_x: Callable[[date, bool], float],
           busy: dict[date, int] | None = None) -> tuple[Tick, ...]:
    """Day ticks (under the day's middle, the busiest days first) for spans up to two
    months, month ticks up to two years, years beyond; none closer than ``TICK_SPACING``
    to another."""
    candidates: list[tuple[float, str]] = []
    days = (end - start).days
    if days <= 62:
        ordered = sorted((start + timedelta(days=i) for i in range(days + 1)),
                         key=lambda d: (-(busy or {}).get(d, 0), d))
        candidates = [(to_x(d, True), d.strftime("%d %b")) for d in ordered]
    elif days <= 730:
        # the busiest days by name, then months where there is room
        candidates = [(to_x(d, True), d.strftime("%d %b"))
                      for d, n in sorted((busy or {}).items(), key=lambda x: (-x[1], x[0]))
                      if n >= 2 and start <= d <= end]
        y, m = start.year, start.month
        while date(y, m, 1) <= end:
            if date(y, m, 1) >= start:
                candidates.append((to_x(date(y, m, 1), False),
                                   date(y, m, 1).strftime("%b %Y" if m == 1 else "%b")))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        candidates = [(to_x(date(y, 1, 1), False), str(y))
                      for y in range(start.year + 1, end.year + 1)]
    out: list[Tick] = []
    for x, label in candidates:
        if x <= WIDTH - 8 * len(label) and all(abs(x - t.x) >= TICK_SPACING for t in out):
            out.append(Tick(x, label))
    out.sort(key=lambda t: t.x)
    if out and 62 < days <= 730 and len(out[0].label) == 3:  # the first month: its year
        first = start if start.day == 1 else date(start.year + start.month // 12,
                                                  start.month % 12 + 1, 1)
        out[0] = Tick(out[0].x, f"{out[0].label} {first.year}")
    return tuple(out)

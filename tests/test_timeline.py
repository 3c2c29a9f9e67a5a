"""The story timeline's geometry: each event at its own granularity."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from storyline.analyse.events import Report, StoryEvent
from storyline.analyse.types import Citation, TimelineEntry
from storyline.extract.types import Actor, Event
from storyline.interfaces.web.timeline import WIDTH, layout, layout_entries, value_range


def test_values_stand_for_their_whole_span() -> None:
    assert value_range("2023-06-14") == (date(2023, 6, 14), date(2023, 6, 14))
    assert value_range("2023-06-14T15:00") == (date(2023, 6, 14), date(2023, 6, 14))
    assert value_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert value_range("2023-W24") == (date(2023, 6, 12), date(2023, 6, 18))
    assert value_range("2023-W24-WE") == (date(2023, 6, 12), date(2023, 6, 18))
    assert value_range("2023-Q1") == (date(2023, 1, 1), date(2023, 3, 31))
    assert value_range("2023-H2") == (date(2023, 7, 1), date(2023, 12, 31))
    assert value_range("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    for nothing in (None, "", "P3D", "PAST_REF", "2023-02-31", "2023-13"):
        assert value_range(nothing) is None


def _event(kind: str, date_value: str | None, status: str = "happened",
           published: str = "2023-06-14") -> StoryEvent:
    e = Event(kind, None, 0, 0, 10, "met", 0, 3, Actor(0, 3, "Ana", "Ana Ruiz", "ESP", "GOV"),
              None, status, date=date_value)  # type: ignore[arg-type]
    return StoryEvent(kind, None, e.source, None, e.status, {status: 1}, None, None,
                      date_value, None, (Report("a1", "Wire", published, e),), 1, 1,
                      ("Wire",), published)


def test_layout_places_days_as_dots_and_months_as_bars() -> None:
    events = [_event("CONSULT", "2023-06-14"), _event("ASSAULT", "2023-02"),
              _event("CONSULT", "2023-06-20", "planned"), _event("AID", "P3D")]
    t = layout(events)
    assert t is not None
    by_type = {(m.event.type, m.event.status): m for m in t.marks}
    feb = by_type[("ASSAULT", "happened")]
    day = by_type[("CONSULT", "happened")]
    assert feb.width > 50 and day.width == 0  # a month is a bar, a day a dot
    assert feb.x < day.x < by_type[("CONSULT", "planned")].x <= WIDTH
    assert t.start <= date(2023, 2, 1) and t.end >= date(2023, 6, 20)
    # "P3D" has no calendar date: placed at its first report's day instead.
    assert any(m.event.type == "AID" and m.first == date(2023, 6, 14) for m in t.marks)
    assert t.ticks and all(0 <= tick.x <= WIDTH for tick in t.ticks)
    assert "CONSULT: Ana Ruiz" in day.label and "1 source" in day.label


def test_nothing_dated_draws_nothing() -> None:
    assert layout([]) is None
    assert layout([_event("AID", "FUTURE_REF", published="")]) is None


def _entry(value: str, first: str, last: str, kind: str = "event", status: str = "happened",
           after: bool = False) -> TimelineEntry:
    cite = Citation("a1", "Wire", "2023-06-14", 40, 80, "Talks began.")
    return TimelineEntry(value, "month" if len(value) == 7 else "day", first, last,
                         "Talks <b>began</b>.", kind, status,  # type: ignore[arg-type]
                         "CONSULT" if kind == "event" else None, "Ana Ruiz", None, (cite,),
                         ("Wire",), 1, after, None, "in June" if len(value) == 7 else None)


def test_layout_entries_puts_statements_below_and_cuts_empty_stretches() -> None:
    entries = [_entry("2023-02", "2023-02-01", "2023-02-28"),
               _entry("2023-06-14", "2023-06-14", "2023-06-14"),
               _entry("2023-06-14", "2023-06-14", "2023-06-14", kind="fact"),
               _entry("2023-06-15", "2023-06-15", "2023-06-15", status="negated"),
               _entry("2023-06-20", "2023-06-20", "2023-06-20", after=True),
               _entry("", "", "")]  # no date: in the list only
    t = layout_entries(entries)
    assert t is not None and t.undated == 1 and len(t.marks) == 5
    events = [m for m in t.marks if m.kind == "event"]
    facts = [m for m in t.marks if m.kind == "fact"]
    assert facts and all(m.lane >= t.fact_lane for m in facts)
    assert all(m.lane < t.fact_lane for m in events)
    by_day = {m.first.isoformat(): m for m in events}
    assert by_day["2023-02-01"].width > 50  # the month is a bar
    assert by_day["2023-06-15"].status == "negated"
    assert by_day["2023-06-20"].status == "planned"  # dated after its report: announced
    assert by_day["2023-06-14"].href == "/articles/a1#c-40"
    assert "Ana Ruiz" in by_day["2023-06-14"].label and "1 source" in by_day["2023-06-14"].label
    # March to mid-June holds nothing: the axis is cut there, not drawn to scale
    ((x, first, last),) = t.breaks
    assert by_day["2023-02-01"].x < x < by_day["2023-06-14"].x
    assert first <= date(2023, 3, 7) and last >= date(2023, 6, 7)
    assert all(0 <= m.x <= WIDTH for m in t.marks) and all(0 <= k.x <= WIDTH for k in t.ticks)
    xs = sorted(k.x for k in t.ticks)
    assert all(b - a >= 50 for a, b in pairwise(xs))  # labels do not collide


def test_busy_days_get_room() -> None:
    """Ten events on one day and one on each of two quiet days: the busy day is spread
    out, the quiet stretch shrinks."""
    busy = [_entry("2023-06-18", "2023-06-18", "2023-06-18") for _ in range(10)]
    quiet = [_entry("2023-06-01", "2023-06-01", "2023-06-01"),
             _entry("2023-06-10", "2023-06-10", "2023-06-10")]
    t = layout_entries(busy + quiet)
    assert t is not None
    x = {m.first.day: m.x for m in t.marks}
    # nine quiet days between the 1st and the 10th take less room than the 17th and 18th
    assert x[10] - x[1] < WIDTH / 2


def test_the_chart_opens_on_the_key_days_and_names_its_colours() -> None:
    """A narrow screen scrolls the chart to the days the story was reported; the legend
    gets a key for each warning colour the marks use, and only for those."""
    from dataclasses import replace

    from storyline.interfaces.web.timeline import TONE_LABELS

    background = replace(_entry("2023-02", "2023-02-01", "2023-02-28"), event_type="ASSAULT")
    news = [_entry("2023-06-14", "2023-06-14", "2023-06-14"),
            _entry("2023-06-18", "2023-06-18", "2023-06-18", status="planned")]
    chart = layout_entries([background, *news],
                           key_days=(date(2023, 6, 14), date(2023, 6, 15)))
    assert chart is not None and chart.focus is not None
    key = [m for m in chart.marks if m.first >= date(2023, 6, 14)]
    old = [m for m in chart.marks if m.first < date(2023, 6, 1)]
    # the reported days, and the day after the story's last report (18 June is further)
    assert chart.focus[0] == min(m.x for m in key) and chart.focus[0] > max(
        m.x + m.width for m in old)
    assert chart.focus[1] < max(m.x for m in key)
    assert chart.tones == ("force",) and chart.tone_labels == (("force", TONE_LABELS["force"]),)
    assert "tone-force" in old[0].css and "qassault" in old[0].css
    # without key days, the latest mark
    latest = layout_entries(news)
    assert latest is not None and latest.focus == (max(m.x for m in latest.marks),) * 2
    assert latest.tones == ()


def test_shown_status_reads_a_date_after_publication_as_planned() -> None:
    assert _entry("2023-06-18", "2023-06-18", "2023-06-18").shown_status == "happened"
    assert _entry("2023-06-18", "2023-06-18", "2023-06-18",
                  after=True).shown_status == "planned"
    assert _entry("2023-06-18", "2023-06-18", "2023-06-18", status="negated",
                  after=True).shown_status == "negated"

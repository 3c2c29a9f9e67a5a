"""The story timeline's geometry: each event at its own granularity."""

from __future__ import annotations

from datetime import date

from storyline.analyse.events import Report, StoryEvent
from storyline.extract.types import Actor, Event
from storyline.interfaces.web.timeline import WIDTH, layout, value_range


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

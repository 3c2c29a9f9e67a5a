"""Events read from the sentence's structure and its story: quotes are not acts, purpose
clauses are the act they serve, dates come from the narrative, and one real event reported
several times is one event."""

from __future__ import annotations

from storyline.analyse.events import Report, aggregate, value_range
from storyline.extract.run import extract
from storyline.extract.types import Actor, Event

PUBLISHED = "2024-06-12"  # a Wednesday


def _events(text: str, published: str = PUBLISHED) -> list[Event]:
    return list(extract(text, "en", published).events)


def test_words_inside_a_quote_are_not_the_speakers_act() -> None:
    found = _events("“We will bomb their harbours and crush their fleet,” a senator said "
                    "on Tuesday.")
    assert not any(e.type == "ASSAULT" for e in found)
    # the same words outside a quote are an act
    assert any(e.type == "ASSAULT" for e in _events(
        "Government jets bombed the harbour of Tartus on Tuesday."))


def test_a_purpose_clause_is_the_act_it_serves() -> None:
    found = _events("Foreign Minister Lena Varga will travel to Ottawa next week to meet "
                    "with senior Canadian officials.")
    consult = [e for e in found if e.type == "CONSULT"]
    assert len(consult) == 1  # the meeting is the trip
    trip = consult[0]
    assert trip.status == "planned"
    assert trip.source is not None and trip.source.canonical == "Lena Varga"


def test_a_role_set_before_a_name_is_that_person_not_a_partner() -> None:
    found = _events("Last month, the Hungarian prime minister's chief of staff, Peter Kovacs, "
                    "and Canada's top diplomat, Anne Roy, met in Geneva.")
    meeting = next(e for e in found if e.type == "CONSULT")
    names = {meeting.source.canonical if meeting.source else None,
             meeting.target.canonical if meeting.target else None}
    assert names == {"Peter Kovacs", "Anne Roy"}
    assert meeting.date == "2024-05"


def test_an_undated_past_act_takes_the_date_the_narrative_set() -> None:
    text = ("Canada and Hungary traded barbs on Wednesday over fishing rights.\n\n"
            "In early March, a dispute over fishing quotas had strained relations between "
            "the two countries.\n\n"
            "Hungarian patrol boats seized two Canadian trawlers. Ottawa accused Budapest "
            "of piracy.")
    found = _events(text)
    seized = next(e for e in found if e.trigger.startswith("seized"))
    accused = next(e for e in found if e.trigger.startswith("accused"))
    assert seized.date == "2024-03" and accused.date == "2024-03"


def test_the_narrative_date_fades_after_two_paragraphs() -> None:
    text = ("Lena Varga spoke in Ottawa on Wednesday.\n\n"
            "In early March, a dispute over quotas strained relations.\n\n"
            "Fishing is a large industry in both countries.\n\n"
            "Fleets from both countries sail far.\n\n"
            "Ottawa accused Budapest of piracy.")
    accused = next(e for e in _events(text) if e.trigger.startswith("accused"))
    assert accused.date is None  # background with no date stays undated


def test_news_of_the_day_and_background() -> None:
    text = ("Lena Varga is meeting Canadian officials in Ottawa.\n\n"
            "Relations have been tense for years.\n\n"
            "Years ago the two countries fought over fishing grounds, and Ottawa accused "
            "Budapest of piracy.")
    found = _events(text)
    meeting = next(e for e in found if e.type == "CONSULT")
    assert meeting.date == "PRESENT_REF"  # told in the present: listed on the day
    accused = next(e for e in found if e.trigger.startswith("accused"))
    assert accused.date is None  # background, outside the lead: undated


def test_an_act_told_for_a_later_day_is_planned() -> None:
    found = _events("Foreign Minister Lena Varga is traveling to Canada at the end of the "
                    "week.")
    trip = next(e for e in found if e.type == "CONSULT")
    assert trip.status == "planned"
    assert trip.date == "2024-W24"


def _report(article: str, kind: str, source: str | None, target: str | None,
            date: str | None, status: str = "happened", date_text: str | None = None,
            published: str = PUBLISHED, country: str | None = None) -> Report:
    def actor(name: str | None) -> Actor | None:
        return None if name is None else Actor(0, len(name), name, name,
                                               country if name == target else None)
    e = Event(type=kind, mode=None, sentence=0, start=0, end=10, trigger="t",
              trigger_start=0, trigger_end=1, source=actor(source), target=actor(target),
              status=status, date=date, date_text=date_text)  # type: ignore[arg-type]
    return Report(article, f"outlet {article}", published, e)


def test_one_event_per_real_event() -> None:
    reports = [
        _report("a", "CONSULT", "Lena Varga", "Ottawa", "2024-W24", "planned"),
        _report("b", "CONSULT", "Lena Varga", "Ottawa", "2024-06-14", "planned"),
        # a reciprocal act told the other way round
        _report("c", "CONSULT", "Peter Kovacs", "Anne Roy", "2024-05"),
        _report("d", "CONSULT", "Anne Roy", "Peter Kovacs", "2024-05"),
        # the same people a month earlier: another meeting
        _report("d", "CONSULT", "Anne Roy", "Peter Kovacs", "2024-04"),
        # a report that leaves the target out joins by the named source
        _report("e", "CONSULT", "Lena Varga", None, "2024-06-14", "planned"),
    ]
    events = aggregate(reports)
    sizes = sorted(len(e.reports) for e in events)
    assert sizes == [1, 2, 3]
    trip = next(e for e in events if len(e.reports) == 3)
    assert trip.independent == 3 and trip.date == "2024-06-14"


def test_one_article_with_two_statuses_tells_two_events() -> None:
    # a called-off February visit and a February meeting, both in article "a", are two
    # events; another outlet calling the visit off joins the called-off one
    reports = [
        _report("a", "CONSULT", "Lena Varga", "Canada", "2024-02", "negated"),
        _report("a", "CONSULT", "Lena Varga", "Canada", "2024-02"),
        _report("b", "CONSULT", "Lena Varga", "Canada", "2024-02", "negated"),
    ]
    events = aggregate(reports)
    assert sorted((e.status, len(e.reports)) for e in events) == [
        ("happened", 1), ("negated", 2)]
    # two sources disagreeing on the status stay one disputed event
    disputed = aggregate([_report("a", "CONSULT", "Lena Varga", "Canada", "2024-02"),
                          _report("b", "CONSULT", "Lena Varga", "Canada", "2024-02",
                                  "negated")])
    assert len(disputed) == 1 and disputed[0].statuses == {"happened": 1, "negated": 1}


def test_edges_of_a_month_do_not_meet() -> None:
    reports = [
        _report("a", "CONSULT", "Lena Varga", "Canada", "2024-06", date_text="early June"),
        _report("b", "CONSULT", "Lena Varga", "Canada", "2024-06", date_text="late June"),
    ]
    assert len(aggregate(reports)) == 2
    assert value_range("2024-W24") == ("2024-06-10", "2024-06-16")
    assert value_range("PRESENT_REF") is None


def test_a_flattened_table_or_endless_sentence_gives_no_events() -> None:
    table = " | ".join(["Country | Sanctions | Troops | Attacks | Talks"] * 200)
    assert _events(table) == []
    endless = " and ".join(["the army attacked the town"] * 1000) + "."
    assert _events(endless) == []
    # an ordinary sentence next to them still counts
    assert _events(table + "\n\nGovernment jets bombed the harbour of Tartus on Tuesday.")


def test_a_call_between_two_people_is_a_phone_consultation() -> None:
    (call,) = [e for e in _events("The trip follows a late-night call between Lena Varga "
                                  "and Canada's Foreign Minister Anne Roy.")
               if e.type == "CONSULT"]
    assert call.mode == "phone"
    assert {call.source.canonical if call.source else None,
            call.target.canonical if call.target else None} == {"Lena Varga", "Anne Roy"}


def test_a_participle_before_a_noun_is_an_adjective_not_an_act() -> None:
    found = _events("Washington and its allies have imposed several rounds of coordinated "
                    "sanctions on Moscow.")
    assert [e.type for e in found] == ["SANCTION"]  # no COOPERATE for "coordinated"
    assert _events("Russia is now the most sanctioned country in the world.") == []
    assert [e.type for e in _events("The Senate sanctioned the deal on Monday.")] \
        == ["SANCTION"]


def test_a_nouns_from_names_its_doer() -> None:
    (threat,) = _events("Threats from Beijing against Taiwan are causing disputes.")
    assert threat.type == "THREATEN"
    assert threat.source is not None and threat.source.canonical == "Beijing"
    assert threat.target is not None and threat.target.canonical == "Taiwan"
    # a verb's "from" is where, not who
    (pullout,) = _events("Russian troops withdrew from Kherson on Friday.")
    assert pullout.source is not None and pullout.source.canonical != "Kherson"


def test_who_reports_an_act_and_who_suffers_it_do_not_do_it() -> None:
    found = _events("Three villagers were wounded in the attack, according to the local "
                    "police.")
    attack = next(e for e in found if e.trigger == "attack")
    assert attack.source is None  # the wounded are not the attackers
    assert attack.target is None or "police" not in attack.target.canonical
    (raid,) = _events("Rebels attacked the convoy near Goma, according to the United "
                      "Nations.")
    assert raid.source is not None and raid.source.canonical.lower() == "rebels"


def test_a_date_that_is_no_calendar_date_ends_the_narrative() -> None:
    text = ("In early March, a dispute over fishing quotas strained relations.\n\n"
            "A few days ago, new incidents at sea raised tensions. Ottawa accused Budapest "
            "of piracy.")
    accused = next(e for e in _events(text) if e.trigger.startswith("accused"))
    assert accused.date != "2024-03"  # "a few days ago", not March, is the time here


def test_an_undated_report_does_not_join_a_dated_event() -> None:
    reports = [_report("a", "ACCUSE", "Ottawa", "Budapest", "2024-02"),
               _report("b", "ACCUSE", "Ottawa", "Budapest", None),
               _report("c", "ACCUSE", "Ottawa", "Budapest", None)]
    assert sorted(len(e.reports) for e in aggregate(reports)) == [1, 2]


def test_a_report_missing_a_side_joins_only_an_unambiguous_event() -> None:
    reports = [_report("a", "CONSULT", "Lena Varga", "London", None, "planned"),
               _report("a", "CONSULT", "Lena Varga", "officials", None, "planned"),
               _report("b", "CONSULT", "Lena Varga", None, None, "planned")]
    assert sorted(len(e.reports) for e in aggregate(reports)) == [1, 1, 1]
    assert sorted(len(e.reports) for e in aggregate(reports[1:])) == [2]

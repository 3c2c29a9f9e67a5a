"""Event extraction: PLOVER types, modes, arguments, status, location, date, user lexicon."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyline.extract.entities import find_mentions, with_roles
from storyline.extract.events import EVENT_TYPES, coded_type, event_key, find_events, lexicon
from storyline.extract.nlp import pipeline
from storyline.extract.types import Actor, Event, Timex


def events(text: str, timexes: tuple[Timex, ...] = ()) -> list[Event]:
    doc = pipeline("en")(text)
    return find_events(doc, with_roles(find_mentions(doc)), timexes)


def first(text: str) -> Event:
    found = events(text)
    assert found, text
    return found[0]


@pytest.mark.parametrize(("text", "kind"), [
    ("Armenia and Azerbaijan agreed on Tuesday to reopen their shared railway line.", "AGREE"),
    ("The Kenyan president met his Ugandan counterpart to discuss the pipeline.", "CONSULT"),
    ("The Dutch government praised Ghana for holding a peaceful election.", "SUPPORT"),
    ("Norway and Iceland will cooperate on fisheries research, officials said.", "COOPERATE"),
    ("Japan donated medical equipment to Vietnam.", "AID"),
    ("Ethiopia withdrew its soldiers from the disputed border town.", "RETREAT"),
    ("The junta lifted the nationwide curfew after three weeks.", "CONCEDE"),
    ("Mexico urged Guatemala to tighten border checks.", "REQUEST"),
    ("Peru accused Bolivia of harbouring smugglers.", "ACCUSE"),
    ("Chile rejected the proposal made by Argentina.", "REJECT"),
    ("The militia threatened Kampala with new attacks.", "THREATEN"),
    ("Thousands of teachers demonstrated outside the parliament in Nairobi.", "PROTEST"),
    ("Canada imposed sanctions on Belarus over the crackdown.", "SANCTION"),
    ("Serbia deployed troops to the border with Kosovo.", "MOBILIZE"),
    ("Police arrested two journalists in Minsk.", "COERCE"),
    ("Gunmen attacked a police station in northern Mali.", "ASSAULT"),
])
def test_each_type(text: str, kind: str) -> None:
    assert first(text).type == kind


def test_all_types_in_lexicon() -> None:
    kinds = {p.type for ps in lexicon().patterns.values() for p in ps}
    assert set(EVENT_TYPES) <= kinds
    assert lexicon().size > 300


def test_actor_codes_and_arguments() -> None:
    e = first("Chinese Foreign Minister Qin Gang met U.S. Secretary of State Antony Blinken "
              "in Beijing on Monday.")
    assert (e.type, e.trigger) == ("CONSULT", "met")
    assert e.source is not None and e.source.code == "CHN-GOV"
    assert e.source.canonical == "Qin Gang"
    assert e.target is not None and e.target.code == "USA-GOV"
    assert e.location == "Beijing" and e.location_geonameid == 1816670


def test_capital_and_country_act_as_government() -> None:
    e = first("Beijing rejected the complaint from Tokyo.")
    assert e.type == "REJECT"
    assert e.source is not None and e.source.code == "CHN-GOV"
    assert e.target is not None and e.target.code == "JPN-GOV"


def test_group_nouns_with_demonyms() -> None:
    e = first("Russian troops shelled Ukrainian positions near Kharkiv.")
    assert e.type == "ASSAULT" and e.mode == "heavy-weapons"
    assert e.source is not None and e.source.code == "RUS-MIL"
    assert e.target is not None and e.target.country == "UKR"
    assert e.location == "Kharkiv"
    p = first("Police detained dozens of protesters.")
    assert p.type == "COERCE" and p.mode == "arrest"
    assert p.source is not None and p.source.sector == "COP"
    assert p.target is not None and p.target.text == "protesters"


def test_igo_actor() -> None:
    e = first("NATO condemned Moscow for the missile tests.")
    assert e.type == "ACCUSE"
    assert e.source is not None and e.source.code == "NATO-IGO"
    assert e.target is not None and e.target.code == "RUS-GOV"


def test_passive_voice_swaps_arguments() -> None:
    e = first("The convoy was attacked by Somali militants.")
    assert e.type == "ASSAULT"
    assert e.source is not None and e.source.code == "SOM-REB"
    e = first("Two Turkish soldiers were killed by Kurdish rebels.")
    assert e.source is not None and e.source.sector == "REB"
    assert e.target is not None and e.target.code == "TUR-MIL"


def test_reciprocal() -> None:
    e = first("Egypt and Sudan agreed to share water data.")
    assert e.type == "AGREE"
    assert e.source is not None and e.source.code == "EGY-GOV"
    assert e.target is not None and e.target.code == "SDN-GOV"
    e = first("Talks between Colombia and Venezuela resumed in Havana.")
    assert e.type == "CONSULT"
    assert (e.source.code if e.source else None, e.target.code if e.target else None) == (
        "COL-GOV", "VEN-GOV")


def test_modes() -> None:
    assert first("The Indian prime minister spoke by phone with the French president."
                 ).mode == "phone"
    assert first("Germany's chancellor visited Poland.").mode == "visit"
    assert first("Prisoners began a hunger strike in Istanbul.").mode == "hunger"
    assert first("Warplanes bombed a market in Idlib.").mode in ("aerial", "explosives")
    assert first("An air strike hit the town.").mode == "aerial"
    assert first("Riot police fired tear gas at students.").mode == "crowd-control"


def test_planned() -> None:
    e = first("The Brazilian president will travel to Lisbon next week.")
    assert (e.type, e.mode, e.status) == ("CONSULT", "visit", "planned")
    assert e.target is not None and e.target.country == "PRT"
    assert coded_type(e) == "AGREE"  # a promise to meet is PLOVER AGREE
    expel = events("Tehran plans to expel the ambassador.")
    assert [(x.type, x.status) for x in expel] == [("SANCTION", "planned")]
    assert coded_type(expel[0]) == "THREATEN"


def test_negated_and_cancelled() -> None:
    e = first("The two ministers did not meet in Geneva.")
    assert (e.type, e.status) == ("CONSULT", "negated")
    e = first("The talks between Serbia and Kosovo were called off.")
    assert (e.type, e.status) == ("CONSULT", "negated")
    assert first("Hungary cancelled the visit of the Ukrainian envoy.").status == "negated"
    # a relative clause that calls it off; "due to" a noun is a cause, not a plan
    assert first("Rutte made up for a trip to Warsaw that he cancelled in March."
                 ).status == "negated"
    cause = first("The cut was due to allegations of fraud by the company.")
    assert cause.type == "ACCUSE" and cause.status == "happened"
    assert first("The Dutch premier is due to visit Warsaw.").status == "planned"


def test_denial_is_not_the_act() -> None:
    found = events("Beijing denied sending warships to the strait.")
    assert found[0].type == "REJECT" and found[0].status == "happened"
    mobilize = [e for e in found if e.type == "MOBILIZE"]
    assert mobilize and mobilize[0].status == "negated"
    assert coded_type(mobilize[0]) is None


def test_refusal() -> None:
    found = events("Syria refused to accept the refugees.")
    assert found[0].type == "REJECT"
    assert all(e.status == "negated" for e in found[1:])


def test_date_from_timex() -> None:
    text = "Angola signed a trade deal with Namibia on Friday. Talks start in May."
    friday = Timex(42, 48, "Friday", 0, "DATE", "2024-03-08", "day")
    may = Timex(64, 67, "May", 1, "DATE", "2024-05", "month")
    duration = Timex(0, 6, "Angola", 0, "DURATION", None, "duration")
    found = events(text, (friday, may, duration))
    sign = found[0]
    assert sign.type == "SUPPORT" and sign.date == "2024-03-08" and sign.date_text == "Friday"
    talks = next(e for e in found if e.sentence == 1)
    assert talks.type == "CONSULT" and talks.date == "2024-05"
    assert event_key(sign)[3] == "2024-03-08" and event_key(talks)[3] is None


def test_evidence_spans() -> None:
    text = "Rain fell. Nigeria arrested the ship's crew."
    e = first(text)
    assert text[e.start:e.end] == "Nigeria arrested the ship's crew."
    assert text[e.trigger_start:e.trigger_end] == e.trigger == "arrested"
    assert e.sentence == 1 and e.pattern.startswith("arrest\tCOERCE")


def test_event_key() -> None:
    a = Actor(0, 5, "China", "China", "CHN", "GOV")
    b = Actor(10, 15, "Japan", "Japan", "JPN", "GOV")
    e1 = Event("ACCUSE", None, 0, 0, 20, "accused", 6, 13, a, b, date="2024-02-01T10:00")
    e2 = Event("ACCUSE", "allege", 3, 50, 90, "blamed", 56, 62,
               Actor(50, 57, "Beijing", "Beijing", "CHN", "GOV"), b, date="2024-02-01")
    assert event_key(e1) == event_key(e2) == ("ACCUSE", "CHN-GOV", "JPN-GOV", "2024-02-01")
    group = Actor(0, 8, "students", "students")
    e3 = Event("PROTEST", None, 0, 0, 9, "marched", 9, 16, group, None, date="2024-W05")
    assert event_key(e3) == ("PROTEST", "students", None, None)


def test_user_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The Zambian cabinet greenlit a new road for Malawi."
    assert not events(text)
    extra = tmp_path / "mine.tsv"
    extra.write_text("# mine\ngreenlit\tSUPPORT\t-\tSRC _ for TGT\n", "utf-8")
    agents = tmp_path / "agents.tsv"
    agents.write_text("cabinet\tEXE\n", "utf-8")
    monkeypatch.setenv("STORYLINE_EVENTS", os.pathsep.join([str(extra), str(agents)]))
    e = first(text)
    assert e.type == "SUPPORT" and e.pattern.startswith("greenlit")
    assert e.source is not None and e.source.code == "ZMB-EXE"
    assert e.target is not None and e.target.country == "MWI"


def test_not_events() -> None:
    assert not events("The weather was mild and the markets were quiet.")
    assert not events("He took part in order to learn.")
    assert not events("The singer gave a press conference in March.") or all(
        e.type != "PROTEST" for e in events("The singer gave a press conference in March."))


def test_bad_input() -> None:
    nlp = pipeline("en")
    assert find_events(nlp(""), []) == []
    assert find_events(nlp("   \n\n  "), []) == []
    caps = "POLICE ARRESTED PROTESTERS IN LAGOS AFTER CLASHES."
    found = events(caps)
    assert found and found[0].type == "COERCE"
    many = ", ".join(["France", "Spain", "Italy", "Greece", "Malta", "Cyprus", "Croatia",
                      "Albania", "Portugal", "Turkey"]) + " condemned the attack on Libya."
    found = events(many)
    assert found[0].type == "ACCUSE" and found[0].source is not None
    long = "Officials said " + "and the talks went on " * 400 + "before Chad attacked Niger."
    assert events(long) == []  # 2,000 words with no full stop: no sentence to read
    long = "Officials said " + "and the talks went on " * 20 + "before Chad attacked Niger."
    found = events(long)
    assert found[-1].type == "ASSAULT" and found[-1].target is not None
    assert found[-1].target.code == "NER-GOV"
    assert events("by by by the the attacked was was by") is not None


def test_demand_put_as_obligation() -> None:
    e = first("Ireland said Britain must reopen the crossing.")
    assert e.type == "REQUEST"
    assert e.source is not None and e.source.code == "IRL-GOV"
    assert e.target is not None and e.target.code == "GBR-GOV"


def test_possessive_country_owns_institution() -> None:
    e = first("Kenya's Supreme Court rejected the appeal.")
    assert e.type == "REJECT"
    assert e.source is not None and e.source.country == "KEN"


def test_group_words_as_modifiers_and_compounds() -> None:
    e = first("Japan promised military aid to Laos.")
    assert e.type == "AGREE"
    assert e.target is not None and e.target.code == "LAO-GOV"
    e = first("Government forces shelled the rebel stronghold.")
    assert e.source is not None and e.source.text == "Government forces"
    assert e.source.sector == "MIL"


def test_one_huge_sentence_is_fast() -> None:
    import time
    text = "France attacked Spain and police arrested protesters in Lyon " * 300
    t0 = time.perf_counter()
    found = events(text)
    assert found == []  # 3,000 words with no full stop: no sentence to read
    assert time.perf_counter() - t0 < 5


# ------------------------------------------------------------- the CAMEO lexicon


def test_cameo_lexicon_parses_fully() -> None:
    import re

    from storyline.extract.events import _data, _lines, parse_pattern

    text = _data("cameo.tsv")
    assert "676801cd9cb2924bbbad09f86d15c9323e7097bf" in text
    assert "MIT License" in text and "Open Event Data Alliance" in text
    rows = _lines(text)
    assert len(rows) > 1000
    for cells in rows:
        assert len(cells) == 5, cells
        assert re.fullmatch(r"cameo=(\d{2,4}|---)", cells[4]), cells
        p = parse_pattern(cells)
        assert p is not None, cells
        assert p.line.endswith(cells[4]) and p.words == tuple(cells[0].split())
        assert all(w == w.lower() for w in p.words)
        assert (p.type == "-") == (cells[4] == "cameo=---" or cells[4].startswith("cameo=01"))


def test_cameo_blockers_only_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYLINE_CAMEO_EVENTS", raising=False)
    loaded = [p for ps in lexicon().patterns.values() for p in ps if "cameo=" in p.line]
    assert loaded and all(p.type == "-" for p in loaded)
    text = "Uruguay rushed relief to the flooded coastal towns of Chile."
    assert not any("cameo=" in e.pattern for e in events(text))


def test_cameo_verb_yields_its_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_CAMEO_EVENTS", "1")
    e = first("Uruguay rushed relief to the flooded coastal towns of Chile.")
    assert e.type == "AID" and e.trigger.startswith("rushed relief")
    assert e.pattern.startswith("rush * relief\tAID") and "cameo=073" in e.pattern
    assert e.source is not None and e.source.country == "URY"


def test_hand_lexicon_wins_over_cameo(monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.extract.events as ev

    real = ev._data
    fake = "# test\nmeet\tASSAULT\t-\tSRC _ TGT\tcameo=190\nglower at\tACCUSE\t-\tSRC _ TGT\tcameo=111\n"
    monkeypatch.setattr(ev, "_data", lambda name: fake if name == "cameo.tsv" else real(name))
    monkeypatch.setenv("STORYLINE_CAMEO_EVENTS", "1")
    ev._lexicon.cache_clear()
    try:
        meet = next(p for p in lexicon().patterns["meet"] if p.words == ("meet",))
        assert meet.type == "CONSULT" and "cameo=" not in meet.line
        e = first("The Bolivian president met the Paraguayan foreign minister in Asuncion.")
        assert e.type == "CONSULT" and "cameo=" not in e.pattern
        e = first("Bolivia glowered at Paraguay over the river dam.")
        assert e.type == "ACCUSE" and e.pattern.endswith("cameo=111")
    finally:
        ev._lexicon.cache_clear()

"""find_timexes: detection and TIMEX3 normalisation on fresh news-like sentences."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from storyline.extract.nlp import pipeline
from storyline.extract.timex import find_timexes
from storyline.extract.types import Timex

#: A Wednesday.
PUB = date(2023, 6, 14)


def run(text: str, published: date | datetime | None = PUB, lang: str = "en") -> list[Timex]:
    return find_timexes(pipeline(lang)(text), published)


def one(text: str, published: date | datetime | None = PUB, lang: str = "en") -> Timex:
    found = run(text, published, lang)
    assert len(found) == 1, found
    return found[0]


def values(text: str, published: date | datetime | None = PUB, lang: str = "en"
           ) -> list[tuple[str, str | None]]:
    return [(t.text, t.value) for t in run(text, published, lang)]


# --- absolute dates ------------------------------------------------------------------------


def test_full_date_offsets_sentence_and_bounds() -> None:
    text = "Ministers met in Lisbon. The treaty was signed on June 14, 2023, in the old palace."
    t = one(text)
    assert (t.text, t.type, t.value, t.granularity) == ("June 14, 2023", "DATE", "2023-06-14",
                                                        "day")
    assert text[t.start:t.end] == t.text
    assert t.sentence == 1
    assert (t.earliest, t.latest, t.anchored) == ("2023-06-14", "2023-06-14", False)


def test_month_year_quarter_half_season_and_decade() -> None:
    assert values("Exports fell in March 2021 and again in the third quarter of 2022.") == [
        ("March 2021", "2021-03"), ("the third quarter of 2022", "2022-Q3")]
    t = one("The plan covers the first half of 2024 only.")
    assert (t.value, t.granularity, t.earliest, t.latest) == ("2024-H1", "half", "2024-01-01",
                                                             "2024-06-30")
    assert one("Water ran short in the summer of 2018, farmers recall.").value == "2018-SU"
    t = one("Inflation was low in the 1990s across the region.")
    assert (t.value, t.granularity, t.earliest, t.latest) == ("199X", "decade", "1990-01-01",
                                                             "1999-12-31")
    assert one("The 1800s saw the railway arrive.").value == "18XX"
    # A match's half is no half of the year.
    assert values("Her first-half strike settled the final.") == []


def test_iso_and_numeric_dates() -> None:
    assert values("The filing is dated 2022-11-03.") == [("2022-11-03", "2022-11-03")]
    assert values("The deadline was 25/12/2020 for all bids.") == [("25/12/2020", "2020-12-25")]


def test_times_and_parts_of_day() -> None:
    assert values("The blast hit at 3:40 p.m. yesterday near the port.") == [
        ("3:40 p.m. yesterday", "2023-06-13T15:40")]
    assert values("Trading stopped at 14:30 UTC on the exchange.") == [
        ("14:30 UTC", "2023-06-14T14:30Z")]
    t = one("Rescuers reached the village this morning.")
    assert (t.type, t.value, t.granularity) == ("TIME", "2023-06-14TMO", "part-of-day")
    assert one("Crowds gathered again tonight in the square.").value == "2023-06-14TNI"


# --- relative expressions ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("Shares slid today after the report.", "2023-06-14"),
    ("The minister resigned yesterday.", "2023-06-13"),
    ("Talks resume tomorrow in Geneva.", "2023-06-15"),
    ("Prices rose this week.", "2023-W24"),
    ("The strike began last week.", "2023-W23"),
    ("Sales slowed last month.", "2023-05"),
    ("The vote is due next month.", "2023-07"),
    ("Growth picked up this year.", "2023"),
    ("Elections are held next year.", "2024"),
    ("The plant closed two days ago.", "2023-06-12"),
    ("The firm was sold three months ago.", "2023-03"),
    ("The shop opened two weeks ago.", "2023-W22"),
])
def test_relative_to_publication(text: str, value: str) -> None:
    t = one(text)
    assert t.value == value
    assert t.anchored


def test_refs() -> None:
    assert values("Prices are now falling, and recently rents fell too.") == [
        ("now", "PRESENT_REF"), ("recently", "PAST_REF")]
    assert values("Nobody can know the future, he said.") == [("the future", "FUTURE_REF")]


def test_vague_past_has_a_range_ending_at_the_anchor() -> None:
    t = one("The ship left port a few days ago.")
    assert (t.value, t.earliest, t.latest) == ("PAST_REF", "2023-06-07", "2023-06-14")


def test_modifiers_narrow_the_range() -> None:
    t = one("The talks collapsed in early June, diplomats say.")
    assert (t.value, t.mod, t.earliest, t.latest) == ("2023-06", "START", "2023-06-01",
                                                     "2023-06-10")
    t = one("Output rebounded in late 2022.")
    assert (t.value, t.mod, t.earliest, t.latest) == ("2022", "END", "2022-09-01",
                                                     "2022-12-31")
    t = one("The deal was struck earlier this month.")
    assert (t.value, t.mod, t.latest) == ("2023-06", "START", "2023-06-10")
    assert one("The site was founded around 2010.").mod == "APPROX"


def test_durations() -> None:
    t = one("The siege lasted more than two years.")
    assert (t.type, t.value, t.mod) == ("DURATION", "P2Y", "MORE_THAN")
    assert one("The flight took five hours.").value == "PT5H"
    assert one("Workers struck for 3 days.").value == "P3D"
    assert one("The talks ran for two and a half years.").value == "P2Y6M"
    assert one("Shares rose in recent months.").value == "PXM"
    t = one("Wages stalled over the past year.")
    assert (t.text, t.type, t.value) == ("the past year", "DURATION", "P1Y")
    assert one("They waited for years.").value == "PXY"
    t = one("Inflation fell for about three weeks.")
    assert (t.value, t.mod) == ("P3W", "APPROX")


def test_sets() -> None:
    assert values("The council meets every week, and the bulletin is published weekly.") == [
        ("every week", "P1W"), ("weekly", "P1W")]
    t = one("Inspections happen every Monday.")
    assert (t.type, t.value) == ("SET", "XXXX-WXX-1")


# --- tense decides which June or Friday -----------------------------------------------------


def test_weekday_by_tense() -> None:
    assert values("The company announced Monday that it will close its plant on Friday.") == [
        ("Monday", "2023-06-12"), ("Friday", "2023-06-16")]
    assert one("The mayor spoke Wednesday.").value == "2023-06-14"
    assert one("The team will travel on Tuesday.").value == "2023-06-20"


def test_month_without_year_by_tense() -> None:
    # published in June 2023: a past September is 2022's, a coming one 2023's
    assert one("The factory was shut in September.").value == "2022-09"
    assert one("The factory will reopen in September.").value == "2023-09"
    assert one("The law was passed in March.").value == "2023-03"
    assert one("The summit will take place in March.").value == "2024-03"
    # irregular past tenses are cues too; a passive "is heard" is not a past
    assert one("Rebels retook the city, on the far bank, in November.").value == "2022-11"
    assert one("The army withdrew from the town in October.").value == "2022-10"
    assert one("The appeal is heard in May.").value == "2023-05"


# --- what is not a time expression --------------------------------------------------------


def test_not_dates() -> None:
    assert run("China is the world's second-largest economy.") == []
    assert run("The Sunday Times reported the leak.") == []
    assert run("The army sent 1,500 troops to the border.") == []
    assert run("City won 2-1 in the final.") == []
    assert run("Call 555-2020 for tickets.") == []
    assert run("A 58-year-old man was arrested.") == []
    assert run("Thousands joined a march through the capital.") == []
    assert run("Protesters march on parliament.") == []


def test_may_the_name_is_not_a_month() -> None:
    assert run("Theresa May met the delegation.") == []
    assert run("Prime Minister May spoke to reporters.") == []
    assert values("Brian May played in May 2019.") == [("May 2019", "2019-05")]


def test_election_year_is_tagged_like_timeml() -> None:
    # TimeML (and the gold data) tag the year inside "the 2024 election" as a DATE.
    assert values("Candidates prepare for the 2024 election.") == [("2024", "2024")]


# --- no publication date, bad input --------------------------------------------------------


def test_no_publication_date() -> None:
    found = run("On 3 May 2021 the mine flooded; rescue work continued yesterday.", None)
    assert [(t.text, t.value, t.anchored, t.note) for t in found] == [
        ("3 May 2021", "2021-05-03", False, None),
        ("yesterday", None, False, "no publication date")]


def test_datetime_publication_is_accepted() -> None:
    assert one("The vote was held yesterday.", datetime(2023, 6, 14, 23, 59)).value == \
        "2023-06-13"


def test_impossible_dates() -> None:
    t = one("The report is dated 31 February 2023.")
    assert t.value is None
    assert t.note is not None and "invalid" in t.note
    assert run("The code lists item 3023 and 0099.") == []


def test_empty_caps_and_long_text() -> None:
    assert run("") == []
    assert run("   \n ") == []
    caps = run("TRADING HALTED ON FRIDAY AFTER THE CRASH.")
    assert [(t.text, t.value) for t in caps] == [("FRIDAY", "2023-06-09")]
    long = "Markets fell on Friday. " * 3000
    found = run(long)
    assert len(found) == 3000
    assert all(t.value == "2023-06-09" for t in found)


def test_no_sentences_doc() -> None:
    from spacy.lang.en import English

    doc = English()("The plant closed yesterday.")
    t = find_timexes(doc, PUB)
    assert [(x.text, x.value, x.sentence) for x in t] == [("yesterday", "2023-06-13", 0)]


# --- German and Spanish --------------------------------------------------------------------


def test_german() -> None:
    assert values("Die Regierung hat am 14. Juni 2023 entschieden.", lang="de") == [
        ("14. Juni 2023", "2023-06-14")]
    assert values("Der Minister sprach gestern, heute tagt der Rat.", lang="de") == [
        ("gestern", "2023-06-13"), ("heute", "2023-06-14")]
    assert values("Die Wahl findet morgen statt.", lang="de") == [("morgen", "2023-06-15")]
    assert values("Die Firma hat am Montag Insolvenz angemeldet.", lang="de") == [
        ("Montag", "2023-06-12")]


def test_spanish() -> None:
    assert values("El acuerdo se firmó el 14 de junio de 2023.", lang="es") == [
        ("14 de junio de 2023", "2023-06-14")]
    assert values("El ministro habló ayer y hoy se reúne el gabinete.", lang="es") == [
        ("ayer", "2023-06-13"), ("hoy", "2023-06-14")]
    assert values("La votación será mañana.", lang="es") == [("mañana", "2023-06-15")]
    assert values("La empresa dijo el miércoles que cierra.", lang="es") == [
        ("miércoles", "2023-06-14")]
    assert run("Llovió por la mañana.", lang="es") == []


def test_narrative_anchor_and_unclear_later() -> None:
    found = run("The mill opened in 1987. The following year it doubled output, and that "
                "month the owner left. Three weeks later it was sold.")
    assert [(t.text, t.value, t.anchored) for t in found] == [
        ("1987", "1987", False), ("The following year", "1988", False),
        ("that month", None, False), ("Three weeks later", "P3W", False)]
    assert found[1].note == "anchored to the date before it in the text"
    assert found[2].note == "anchor unclear"
    assert found[3].type == "DURATION" and found[3].note is not None


def test_season_bounds_and_foreign_weeks() -> None:
    t = one("Snow closed the pass in the winter of 2021.")
    assert (t.value, t.earliest, t.latest) == ("2021-WI", "2021-12-01", "2022-02-28")
    t = one("Prices rose last summer.")
    assert (t.value, t.earliest, t.latest) == ("2022-SU", "2022-06-01", "2022-08-31")
    assert values("Der Vertrag wurde letzte Woche unterzeichnet.", lang="de") == [
        ("letzte Woche", "2023-W23")]
    assert values("El contrato se firmó la semana pasada.", lang="es") == [
        ("la semana pasada", "2023-W23")]
    assert values("Las elecciones son el próximo año.", lang="es") == [
        ("el próximo año", "2024")]


def test_language_decides_the_tables() -> None:
    assert run("The band Hoy played in Ayer, Massachusetts.") == []
    assert values("Las ventas cayeron en mayo de 2022.", lang="es") == [
        ("mayo de 2022", "2022-05")]
    assert values("Der Gipfel war im Mai 2022.", lang="de") == [("Mai 2022", "2022-05")]


def test_spoken_years_and_years_before_verbs() -> None:
    assert values("The crash came in nineteen ninety-six, the anchor said.") == [
        ("nineteen ninety-six", "1996")]
    assert values("In 2008 was the worst slump.") == [("2008", "2008")]
    assert run("He owed twenty two dollars.") == []
    assert run("Some 2000 people marched.") == []


def test_the_day_is_the_day_last_named() -> None:
    found = run("Shares fell on Monday. The index lost 3% to end the day at a low.")
    assert [(t.text, t.value) for t in found] == [("Monday", "2023-06-12"),
                                                  ("the day", "2023-06-12")]
    t = one("Stocks rallied to end the day higher.")
    assert (t.value, t.anchored) == ("2023-06-14", True)
    assert run("He recalled the day he left the army.") == []


def test_centuries() -> None:
    t = one("It was the worst flood of the 20th century.")
    assert (t.value, t.granularity, t.earliest, t.latest) == ("19XX", "century", "1900-01-01",
                                                             "1999-12-31")
    assert one("The chapel dates from the 11th century.").value == "10XX"
    assert one("Trade grew in the late nineteenth century.").mod == "END"

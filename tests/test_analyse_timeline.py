"""The story timeline: dated events and dated statements, each at its own granularity,
the same statement from several articles one entry, copies counted once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from storyline import Storyline
from storyline.analyse.events import Report, StoryEvent, aggregate
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.summary import headline, summarise
from storyline.analyse.timeline import build_timeline
from storyline.analyse.types import TimelineEntry
from storyline.extract.nlp import pipeline
from storyline.extract.run import extract
from storyline.extract.types import Actor, Event, Timex
from storyline.interfaces.cli import sample_corpus

BRIDGE = (
    "PORTO VERDE — The city opened the new Ribeira harbour bridge on Wednesday after four "
    "years of work, mayor Helena Prado said.\n\n"
    "The council first approved the bridge in March 2021. Construction stopped in February "
    "2023 after the steel supplier Ferrovia Lda went bankrupt. Work resumed on 14 February "
    "2023 under a new contract.\n\n"
    "A second crossing is scheduled to open on 2 September 2023, Prado told reporters. "
    "The harbour festival on 30 September 2023 marks the anniversary of the port.")
RIVER = (
    "Steel work on the Ribeira bridge stopped in February 2023 when the supplier Ferrovia "
    "Lda went bankrupt, council engineers said. Engineers had warned the council on 31 "
    "January 2023 that the supplier was in trouble. The council met on 1 February 2023 to "
    "look for a new supplier.")


def _article(aid: str, text: str, *, source: str | None, published: str | None,
             copy_of: str | None = None, lang: str = "en",
             events: tuple[Event, ...] | None = None) -> ArticleInput:
    """An article as the store would give it: real extraction, real sentence spans."""
    ex = extract(text, lang, published)
    sentences = tuple((s.start_char, s.end_char) for s in pipeline(lang)(text).sents)
    return ArticleInput(aid, f"Title {aid}", text, source, published, lang, sentences,
                        ex.mentions, ex.timexes, ex.quotes,
                        ex.events if events is None else events, copy_of,
                        "exact" if copy_of else None)


def _story(*articles: ArticleInput) -> StoryInputs:
    ordered = sorted(articles, key=lambda a: (a.published or "~", a.id))
    return StoryInputs("s1", "A bridge", tuple(ordered))


def _events(story: StoryInputs) -> list[StoryEvent]:
    reports = [Report(a.id, a.source, a.published, e) for a in story.articles
               for e in a.events]
    return aggregate(reports, {a.id: a.copy_of for a in story.articles if a.copy_of})


def _find(timeline: tuple[TimelineEntry, ...], words: str) -> list[TimelineEntry]:
    return [e for e in timeline if words in e.text]


def _event(article: ArticleInput, words: str, trigger: str, type_: str, *, who: str,
           whom: str, status: str, date: str | None, date_text: str | None) -> Event:
    """An event on the sentence of ``article`` holding ``words``."""
    at = article.text.index(words)
    index = next(i for i, (s, e) in enumerate(article.sentences) if s <= at < e)
    start, end = article.sentences[index]
    t = article.text.index(trigger, start)
    return Event(type_, None, index, start, end, trigger, t, t + len(trigger),
                 Actor(start, start + 1, who, who), Actor(start, start + 1, whom, whom),
                 status, date=date, date_text=date_text)  # type: ignore[arg-type]


def _assert_citations_quote_text(story: StoryInputs, entries: tuple[TimelineEntry, ...]
                                 ) -> None:
    for e in entries:
        assert e.text == e.citations[0].text
        for c in e.citations:
            a = story.article(c.article_id)
            assert a is not None
            assert c.text == " ".join(a.text[c.start:c.end].split())
            assert c.copy_of == a.copy_of


def test_a_month_spans_its_month_and_sorts_among_days_by_its_range() -> None:
    story = _story(_article("a", BRIDGE, source="Harbor Daily", published="2023-06-14",
                            events=()),
                   _article("r", RIVER, source="River Times", published="2023-06-15",
                            events=()))
    timeline = build_timeline(story, [])
    _assert_citations_quote_text(story, timeline)
    [feb] = [e for e in timeline if e.date == "2023-02"]
    assert (feb.granularity, feb.earliest, feb.latest) == ("month", "2023-02-01", "2023-02-28")
    dates = [e.date for e in timeline]
    # 31 Jan, then 1 Feb (a day starting with the month, narrower), the month, 14 Feb.
    assert dates.index("2023-01-31") < dates.index("2023-02-01") < dates.index("2023-02") \
        < dates.index("2023-02-14")
    assert [(e.earliest, e.latest, e.text) for e in timeline] == sorted(
        (e.earliest, e.latest, e.text) for e in timeline)
    # Background more than two years before publication stays on the timeline.
    assert timeline[0].date == "2021-03" and timeline[0].earliest == "2021-03-01"
    # "on Wednesday" only restates the lead's day: the opening is on it, once.
    assert len(_find(timeline, "opened the new Ribeira harbour bridge")) == 1


def test_a_background_event_months_before_publication_is_on_the_timeline() -> None:
    text = ("The mayor will visit Lisbon on 20 June 2023 to sign the loan, her office said. "
            "Helena Prado called off a visit to Lisbon in early February 2023 after the "
            "supplier collapsed.")
    plain = _article("a", text, source="Harbor Daily", published="2023-06-14", events=())
    called_off = _event(plain, "called off", "called off a visit", "CONSULT",
                        who="Helena Prado", whom="Lisbon", status="negated",
                        date="2023-02", date_text="early February 2023")
    will_visit = _event(plain, "will visit", "visit", "CONSULT", who="Helena Prado",
                        whom="Lisbon", status="planned", date="2023-06-20",
                        date_text="20 June 2023")
    story = _story(replace(plain, events=(called_off, will_visit)))
    timeline = build_timeline(story, _events(story))
    _assert_citations_quote_text(story, timeline)

    [feb] = [e for e in timeline if e.kind == "event" and e.date == "2023-02"]
    assert (feb.event_type, feb.who, feb.whom, feb.status) == (
        "CONSULT", "Helena Prado", "Lisbon", "negated")
    assert feb.text.startswith("Helena Prado called off a visit to Lisbon")
    # The range is the time expression's own: "early February" is the month's first third.
    assert feb.earliest == "2023-02-01" and feb.latest < "2023-02-28"
    assert not feb.after_publication and feb.sources == ("Harbor Daily",)
    # The event's date is not listed again as a fact of the same sentence.
    assert len(_find(timeline, "called off a visit")) == 1

    [june] = [e for e in timeline if e.kind == "event" and e.date == "2023-06-20"]
    assert june.status == "planned" and june.after_publication
    assert timeline.index(feb) < timeline.index(june)


def test_planned_statements_after_publication_are_marked() -> None:
    story = _story(_article("a", BRIDGE, source="Harbor Daily", published="2023-06-14",
                            events=()))
    timeline = build_timeline(story, [])
    [second] = _find(timeline, "second crossing")
    assert second.kind == "fact" and second.date == "2023-09-02"
    assert second.after_publication and second.status == "planned"
    # After publication but stated as a plain fact: kept as happened, marked all the same.
    [festival] = _find(timeline, "harbour festival")
    assert festival.after_publication and festival.status == "happened"
    [stopped] = _find(timeline, "Construction stopped")
    assert not stopped.after_publication and stopped.status == "happened"


def test_news_of_the_day_stands_on_its_first_reports_day_only_when_it_happened() -> None:
    text = ("Dock workers blocked the harbour gates in protest. "
            "The union plans to block the ferry terminal as well.")
    plain = _article("a", text, source="Harbor Daily", published="2023-06-14T09:00:00Z",
                     events=())
    protest = _event(plain, "blocked", "blocked", "PROTEST", who="dock workers",
                     whom="harbour", status="happened", date="PRESENT_REF", date_text=None)
    threat = _event(plain, "plans to", "block", "PROTEST", who="union", whom="ferry",
                    status="planned", date=None, date_text=None)
    story = _story(replace(plain, events=(protest, threat)))
    timeline = build_timeline(story, _events(story))
    assert [(e.date, e.granularity, e.status, e.after_publication) for e in timeline] == [
        ("2023-06-14", "day", "happened", False)]
    assert timeline[0].text.startswith("Dock workers blocked")
    # an undated act that is not news of the day (background) stays off the timeline
    story = _story(replace(plain, events=(replace(protest, date=None), threat)))
    assert build_timeline(story, _events(story)) == ()


def test_idle_quotes_and_events_with_no_one_named_stay_off() -> None:
    text = ("“Yesterday it was calm,” said one resident. “This morning the water was at my "
            "door.” The Ribeira council met on 13 June 2023. “We warned Ferrovia on Monday,” "
            "the mayor said. The gate must not open.")
    plain = _article("a", text, source="Harbor Daily", published="2023-06-14", events=())
    nobody = replace(_event(plain, "must not", "open", "REQUEST", who="x", whom="y",
                            status="happened", date=None, date_text=None),
                     source=None, target=None)
    story = _story(replace(plain, events=(nobody,)))
    timeline = build_timeline(story, _events(story))
    texts = [e.text for e in timeline]
    assert not _find(timeline, "calm") and not _find(timeline, "at my door")
    assert _find(timeline, "council met")  # a dated fact outside quotes
    assert _find(timeline, "warned Ferrovia")  # a quote that names someone is a statement
    assert not _find(timeline, "must not open"), texts


def test_the_same_fact_in_an_article_and_its_copy_is_one_entry_counted_once() -> None:
    original = _article("a", BRIDGE, source="Harbor Daily", published="2023-06-14",
                        events=())
    copy = _article("c", BRIDGE, source="Copy Site", published="2023-06-14", copy_of="a",
                    events=())
    undated = _article("u", BRIDGE, source=None, published=None, copy_of="a", events=())
    story = _story(original, copy, undated)
    timeline = build_timeline(story, [])
    _assert_citations_quote_text(story, timeline)
    [stopped] = _find(timeline, "Construction stopped")
    assert stopped.independent == 1 and stopped.sources == ("Harbor Daily",)
    assert [c.article_id for c in stopped.citations] == ["a", "c", "u"]
    assert [c.copy_of for c in stopped.citations] == [None, "a", "a"]
    # Every entry: one independent report, whatever the number of copies.
    assert all(e.independent == 1 for e in timeline)
    assert len({e.text for e in timeline}) == len({(e.text, e.date) for e in timeline})


def test_the_same_fact_from_two_sources_cites_both() -> None:
    story = _story(_article("a", BRIDGE, source="Harbor Daily", published="2023-06-14",
                            events=()),
                   _article("r", RIVER, source="River Times", published="2023-06-15",
                            events=()))
    timeline = build_timeline(story, [])
    [stopped] = [e for e in timeline if e.date == "2023-02"]
    assert stopped.independent == 2
    assert stopped.sources == ("Harbor Daily", "River Times")
    assert [c.article_id for c in stopped.citations] == ["a", "r"]
    assert stopped.text.startswith("Construction stopped in February 2023")
    # Statements one source alone makes stay single-source.
    [warned] = _find(timeline, "Engineers had warned")
    assert warned.independent == 1 and warned.sources == ("River Times",)


def test_undated_articles_contribute_nothing_relative() -> None:
    text = "Officials met on Tuesday. The port reopened in March 2021 after repairs."
    story = _story(_article("u", text, source="Somewhere", published=None, events=()))
    timeline = build_timeline(story, [])
    assert [e.date for e in timeline] == ["2021-03"]  # the absolute date only


def test_a_month_given_by_hand_keeps_its_range() -> None:
    """Timexes built directly: a week sits across its seven days, a quarter across three
    months, and PRESENT_REF or durations never make an entry."""
    parts = ["Talks ran all week.", "Output fell in the first quarter.",
             "Prices are high now.", "The strike lasted three days."]
    text = " ".join(parts)
    starts = [text.index(p) for p in parts]
    sents = tuple((s, s + len(p)) for s, p in zip(starts, parts, strict=True))

    def timex(words: str, value: str, gran: str, lo: str | None = None,
              hi: str | None = None, type_: str = "DATE") -> Timex:
        at = text.index(words)
        index = next(i for i, (s, e) in enumerate(sents) if s <= at < e)
        return Timex(at, at + len(words), words, index, type_, value, gran,  # type: ignore[arg-type]
                     earliest=lo, latest=hi)

    timexes = (timex("all week", "2023-W24", "week", "2023-06-12", "2023-06-18"),
               timex("the first quarter", "2023-Q1", "quarter", "2023-01-01", "2023-03-31"),
               timex("now", "PRESENT_REF", "unknown"),
               timex("three days", "P3D", "duration", type_="DURATION"))
    a = ArticleInput("a", "t", text, "Wire", "2023-06-14", "en", sents, timexes=timexes)
    timeline = build_timeline(_story(a), [])
    assert [(e.date, e.earliest, e.latest) for e in timeline] == [
        ("2023-Q1", "2023-01-01", "2023-03-31"), ("2023-W24", "2023-06-12", "2023-06-18")]
    assert timeline[0].text == "Output fell in the first quarter."


# --- the bundled sample corpus ----------------------------------------------------------


def _story_inputs(sl: Storyline, story_id: str) -> StoryInputs:
    """StoryInputs from a store (sentences split again with the extraction pipeline)."""
    ids = sl.store.stories.members(story_id)
    stored = sl.store.articles_by_id(ids)
    ex = sl.store.extraction
    mentions = {a: [m for i, m in ex.mentions(ids) if i == a] for a in ids}
    timexes = {a: [t for i, t in ex.timexes(ids) if i == a] for a in ids}
    quotes = {a: [q for i, q in ex.quotes(ids) if i == a] for a in ids}
    events = {a: [e for i, e in ex.events(ids) if i == a] for a in ids}
    copy_of = {c.article_id: (g.original, c.method) for g in sl.dupes(ids) for c in g.copies
               if g.original in stored}
    articles = []
    for a in stored.values():
        sentences = tuple((s.start_char, s.end_char) for s in pipeline(a.lang)(a.text).sents)
        original, kind = copy_of.get(a.id, (None, None))
        articles.append(ArticleInput(
            a.id, a.title, a.text, a.source, a.published, a.lang, sentences,
            tuple(mentions[a.id]), tuple(timexes[a.id]), tuple(quotes[a.id]),
            tuple(events[a.id]), copy_of=original, copy_kind=kind))
    row = sl.store.stories.get(story_id)
    return StoryInputs(story_id, row.headline if row else "", tuple(
        sorted(articles, key=lambda a: (a.published or "~", a.id))))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Storyline, str]]:
    with Storyline(tmp_path_factory.mktemp("sample") / "s.db") as sl:
        sl.ingest([sample_corpus()], workers=1)
        [blinken] = [s["id"] for s in sl.stories(limit=None)
                     if "Blinken" in s["headline"] and "Beijing" in s["headline"]]
        yield sl, blinken


def test_sample_blinken_timeline_reaches_back_to_february(
        sample: tuple[Storyline, str]) -> None:
    sl, story_id = sample
    story = _story_inputs(sl, story_id)
    events = sl.story_events(story_id)
    started = time.perf_counter()
    timeline = build_timeline(story, events)
    assert time.perf_counter() - started < 1.0
    published = {a.published[:7] for a in story.articles if a.published}
    assert published == {"2023-06"}
    assert timeline[0].earliest.startswith("2023-02")
    february = [e for e in timeline if e.date.startswith("2023-02")]
    assert any("balloon" in e.text or "February" in e.text for e in february)
    assert all(e.earliest <= e.latest for e in timeline)
    # The wire story and its copies are one report of the called-off trip.
    for e in february:
        assert e.independent == len({story.original(c.article_id) for c in e.citations})
    _assert_citations_quote_text(story, timeline)
    assert timeline == build_timeline(story, events)  # deterministic


def test_sample_blinken_summary_and_headline(sample: tuple[Storyline, str]) -> None:
    sl, story_id = sample
    story = _story_inputs(sl, story_id)
    summary = summarise(story)
    assert 3 <= len(summary) <= 6
    copies = {a.id for a in story.articles if a.copy_of}
    assert not copies & {s.citation.article_id for s in summary}
    assert any("Blinken" in s.text for s in summary)
    assert "Blinken" in headline(story)

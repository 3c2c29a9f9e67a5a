"""A story's timeline: its dated events and other dated statements, each at its own
granularity and with every independent report of it.

Two kinds of entries:

* ``event``: a distinct event of the story (``analyse.events.aggregate``) that has a
  calendar date of its own, in the words of the first independent report that gives that
  date (the shown sentence then says what the date says). An event with no date of its
  own is placed on the publication day of its first report only when it is reported as
  having happened (the report is the evidence that it had happened by then), with no
  other mark; an undated planned or called-off event has no day to stand on and is left
  out.
* ``fact``: any other article sentence holding a calendar date ("talks were first planned
  for early February", "Sullivan met Wang Yi in May"). The same dated statement told by
  several articles is one entry citing each of them; copies of one text count once.
  A date inside a direct quote that names nothing ("“This morning it was at my door,” she
  said") is a witness's colour, not a dated fact, and an undated event with neither actor
  named ("It must not be harmed") has too little to stand on: both are left off.

Entries are ordered by ``(earliest, latest, text)``: a month-level item sits at its
month's start, before the days inside it, and of two items starting the same day the
narrower comes first, so the order reads as "what is known to have come first". Distance
from publication is never a filter: background weeks or months before still belongs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from storyline.analyse.events import Report, StoryEvent, value_range
from storyline.analyse.inputs import ArticleInput, StoryInputs, cite, sentence_span
from storyline.analyse.types import Citation, TimelineEntry
from storyline.extract.types import TODAY, EventStatus, Timex

#: Words that make a statement about a later date an announcement, not a report:
#: "will", "plans to", "is scheduled", "is expected", "is due to" (and de/es/fr kin).
_PLANNED = re.compile(
    r"\b(?:will|'ll|shall|would|to\s+be|plans?|planned|planning|scheduled|expected|"
    r"due\s+to|set\s+to|is\s+to|are\s+to|intends?|intended|"
    r"wird|werden|soll|sollen|geplant|plant|erwartet|voraussichtlich|"
    r"será|serán|previst[oa]s?|prevé|planea|se\s+espera|va\s+a|van\s+a|"
    r"sera|seront|prévue?s?|doit|doivent|devrait)\b",
    re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_OPENING = "“„«‘‚"
#: token_set_ratio (0–100) at which two sentences with the same date tell the same thing.
_SAME_WORDS = 70
#: … or, when they share one name, this much (paraphrases of one statement).
_SAME_WORDS_ONE_NAME = 50
#: fuzz.ratio at which a copy's sentence is the sentence of its original (a copy site
#: may retouch a word or two).
_COPY_WORDS = 88
#: Entries sharing a word with more than this many others are not compared through it.
_POSTINGS = 64


def build_timeline(story: StoryInputs, events: Sequence[StoryEvent]
                   ) -> tuple[TimelineEntry, ...]:
    """The story's dated events and dated statements, in time order (see the module's
    docstring for what goes on it and why)."""
    by_id = {a.id: a for a in story.articles}
    entries: list[_Entry] = []
    # (article, sentence) → the date ranges its event entries stand at
    covered: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for se in events:
        if se.source is None and se.target is None and not (se.date or "")[:1].isdigit():
            continue  # "It must not be harmed": no one named, no date; too little to place
        entry = _event_entry(se, by_id)
        if entry is None:
            continue
        entries.append(entry)
        for r in se.reports:
            covered.setdefault((r.article_id, r.event.sentence), []).append(
                (entry.earliest, entry.latest))
    entries.extend(_fact_entries(story.articles, covered))
    copies = _copies(story.articles)
    out = [_finish(e, copies) for e in entries]
    out.sort(key=lambda e: (e.earliest, e.latest, e.text, e.kind, e.event_type or "",
                            e.who or "", e.whom or "", e.date))
    return tuple(out)


def story_events(story: StoryInputs, events: Sequence[StoryEvent]
                 ) -> tuple[TimelineEntry, ...]:
    """Every distinct event of the story as an entry, in the order given: those with no
    day to stand on (an undated planned event) too, with an empty ``date``, so the
    events table misses nothing the timeline cannot place."""
    by_id = {a.id: a for a in story.articles}
    copies = _copies(story.articles)
    out = []
    for se in events:
        entry = _event_entry(se, by_id) or _undated_entry(se, by_id)
        if entry is not None:
            out.append(_finish(entry, copies))
    return tuple(out)


def one_per_sentence(entries: Sequence[TimelineEntry]) -> tuple[TimelineEntry, ...]:
    """The timeline a person reads: one sentence that reports several events at one date
    ("accused … and rejected …") is one entry, the best attested of them (most
    independent sources, then with both actors named), in the place of the first."""
    best: dict[tuple[str, str, str], TimelineEntry] = {}
    for e in entries:
        key = (e.earliest, e.latest, e.text)
        held = best.get(key)
        if held is None or _attested(e) > _attested(held):
            best[key] = e
    seen: set[tuple[str, str, str]] = set()
    out = []
    for e in entries:
        key = (e.earliest, e.latest, e.text)
        if key not in seen:
            seen.add(key)
            out.append(best[key])
    return tuple(out)


def _attested(e: TimelineEntry) -> tuple[int, int, int]:
    return (e.independent, (e.who is not None) + (e.whom is not None), e.kind == "event")


# --- entries under construction --------------------------------------------------------


@dataclass(slots=True)
class _Said:
    """One article sentence that states something at a date."""

    article: ArticleInput
    sentence: int
    start: int
    end: int
    #: For comparison: the sentence's words, case and punctuation folded.
    words: str
    names: frozenset[str]


@dataclass(slots=True)
class _Entry:
    kind: Literal["event", "fact"]
    date: str
    granularity: str
    earliest: str
    latest: str
    status: EventStatus
    event_type: str | None
    who: str | None
    whom: str | None
    #: The time expression's modifier (START, MID, END, APPROX, …) and its words.
    mod: str | None = None
    date_text: str | None = None
    #: The statement whose words are shown first, then every other report of it.
    said: list[_Said] = field(default_factory=list)
    #: An event's corroborated confidence (None for statements and unscored events).
    confidence: float | None = None


def _original(a: ArticleInput) -> str:
    return a.copy_of or a.id


def _said(a: ArticleInput, sentence: int, span: tuple[int, int] | None = None) -> _Said:
    start, end = _trim(a.text, *(span or sentence_span(a, sentence)))
    names = frozenset(m.canonical.casefold() for m in a.mentions if m.sentence == sentence)
    return _Said(a, sentence, start, end, default_process(a.text[start:end]), names)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces and the opening quote mark a sentence
    splitter leaves at the end of the sentence before a quotation."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in _OPENING):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


# --- events ----------------------------------------------------------------------------


def _event_entry(se: StoryEvent, by_id: Mapping[str, ArticleInput]) -> _Entry | None:
    """The entry of a dated event, or of news of the day (``PRESENT_REF``: at its first
    report's publication day); None for an undated one: background with no date is not
    the publication day's news."""
    reports = [r for r in se.reports if r.article_id in by_id]
    if not reports:
        return None
    dated = _dating(se, reports, by_id)
    mod: str | None = None
    date_text: str | None = None
    if dated is not None:
        lead, value, gran, lo, hi, timex = dated
        status = se.status
        if timex is not None:
            mod, date_text = timex.mod, timex.text
        else:
            date_text = se.date_text
    else:
        if se.status != "happened" or se.date != TODAY:
            return None
        days = [d for r in reports if (d := _iso_day(by_id[r.article_id].published))]
        if not days:
            return None
        lo = hi = value = min(days)
        gran = "day"
        lead = min(reports, key=lambda r: by_id[r.article_id].copy_of is not None)
        status = se.status
    entry = _Entry("event", value, gran, lo, hi, status, se.type,
                   se.source.canonical if se.source else None,
                   se.target.canonical if se.target else None, mod, date_text,
                   confidence=se.confidence)
    seen: set[str] = set()
    for r in [lead, *(r for r in reports if r is not lead)]:  # one report per article
        if r.article_id in seen:
            continue
        seen.add(r.article_id)
        a = by_id[r.article_id]
        entry.said.append(_said(a, r.event.sentence, (r.event.start, r.event.end)))
    return entry


def _undated_entry(se: StoryEvent, by_id: Mapping[str, ArticleInput]) -> _Entry | None:
    """An event with no date of its own and no publication day to stand on."""
    reports = sorted((r for r in se.reports if r.article_id in by_id),
                     key=lambda r: by_id[r.article_id].copy_of is not None)
    if not reports:
        return None
    entry = _Entry("event", "", "", "", "", se.status, se.type,
                   se.source.canonical if se.source else None,
                   se.target.canonical if se.target else None, confidence=se.confidence)
    seen: set[str] = set()
    for r in reports:
        if r.article_id not in seen:
            seen.add(r.article_id)
            entry.said.append(_said(by_id[r.article_id], r.event.sentence,
                                    (r.event.start, r.event.end)))
    return entry


def _dating(se: StoryEvent, reports: Sequence[Report], by_id: Mapping[str, ArticleInput]
            ) -> tuple[Report, str, str, str, str, Timex | None] | None:
    """The report that gives the event's date, with the date's value, granularity and
    range (the time expression's own range, so "early February" is its first days)."""
    if not se.date or not se.date[:1].isdigit():
        return None
    fallback = value_range(se.date)
    # An independent report's words rather than a copy's, when one gives the date.
    for r in sorted(reports, key=lambda r: by_id[r.article_id].copy_of is not None):
        if r.event.date != se.date:
            continue
        t = _timex_of(by_id[r.article_id].timexes, r.event.sentence, se.date, se.date_text)
        if t is not None and t.earliest and t.latest:
            return r, se.date, t.granularity, t.earliest, t.latest, t
        if fallback is not None:
            return r, se.date, _granularity(se.date), *fallback, None
    return None


def _timex_of(timexes: Iterable[Timex], sentence: int, value: str, text: str | None
              ) -> Timex | None:
    """The time expression an event's date came from: same value, same sentence
    preferred, then the same words anywhere in the article."""
    same = [t for t in timexes if t.value == value]
    return (next((t for t in same if t.sentence == sentence), None)
            or next((t for t in same if text and t.text == text), None)
            or (same[0] if same else None))


def _granularity(value: str) -> str:
    if _DAY.match(value):
        return "day"
    if _MONTH.match(value):
        return "month"
    if _WEEK.match(value):
        return "week"
    if _QUARTER.match(value):
        return "quarter"
    return "year"


# --- facts -----------------------------------------------------------------------------


def _usable(t: Timex) -> bool:
    """A calendar date with a known range: not a duration, set, or PRESENT_REF."""
    return (t.type in ("DATE", "TIME") and bool(t.value) and (t.value or "")[:1].isdigit()
            and bool(t.earliest) and bool(t.latest))


def _fact_entries(articles: Sequence[ArticleInput],
                  covered: Mapping[tuple[str, int], list[tuple[str, str]]]) -> list[_Entry]:
    """Dated sentences not already on the timeline as events, the same statement from
    several articles grouped into one entry.

    A date in an event's sentence is covered when one range holds the other ("Monday"
    and "Monday afternoon"); another date there is a statement of its own ("met Wang Yi
    last month, and spoke with Qin on Tuesday")."""
    # Calendar value → its entries: the time of day left out ("Sunday" and "Sunday
    # morning" are one day), as is the modifier ("February", "early February").
    groups: dict[str, _Facts] = {}
    out: list[_Entry] = []
    # Originals before copies: a fact's shown words are an independent report's.
    for a in sorted(articles, key=lambda a: a.copy_of is not None):
        pubday = _iso_day(a.published)
        usable = [t for t in a.timexes if _usable(t) and 0 <= t.sentence < len(a.sentences)]
        taken: set[tuple[int, str]] = set()
        for t in usable:
            value = t.value or ""
            lo, hi = t.earliest or "", t.latest or ""
            events_here = covered.get((a.id, t.sentence), [])
            if _idle_quote(a, t.start):
                continue
            if (t.sentence, value) in taken or any(
                    (x <= lo and hi <= y) or (lo <= x and y <= hi) for x, y in events_here):
                continue
            if pubday and lo == hi == pubday and (
                    events_here
                    or any(o.sentence == t.sentence and o.earliest != pubday
                           for o in usable)):
                continue  # "said on Wednesday": when it was said, not what it is about
            taken.add((t.sentence, value))
            said = _said(a, t.sentence)
            facts = groups.setdefault(value.split("T", 1)[0], _Facts())
            entry = facts.match(said)
            if entry is None:
                entry = _Entry("fact", value, t.granularity, lo, hi, "happened", None, None,
                               None, t.mod, t.text)
                facts.add(entry, said)
                out.append(entry)
            elif all(s.article.id != a.id for s in entry.said):
                entry.said.append(said)
    return out


def _idle_quote(a: ArticleInput, offset: int) -> bool:
    """Whether ``offset`` is inside a direct quote that names no one and nothing
    ("“Yesterday it was calm,” she said"): a witness's colour, not a dated fact."""
    for q in a.quotes:
        if q.start <= offset < q.end and not q.partial:
            return not any(q.start <= m.start < q.end for m in a.mentions)
    return False


@dataclass(slots=True)
class _Facts:
    """The fact entries of one date, indexed so that matching a sentence against
    hundreds of them stays cheap: exact words by hash, then only the entries sharing a
    name or two words with it are compared (a posting list longer than ``_POSTINGS``
    is a word too common among them to tell anything, and is not followed)."""

    entries: list[_Entry] = field(default_factory=list)
    exact: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    by_word: dict[str, list[int]] = field(default_factory=dict)

    def add(self, entry: _Entry, said: _Said) -> None:
        entry.said.append(said)
        i = len(self.entries)
        self.entries.append(entry)
        self.exact.setdefault(said.words, i)
        for n in said.names:
            self.by_name.setdefault(n, []).append(i)
        for w in _tokens(said.words):
            self.by_word.setdefault(w, []).append(i)

    def match(self, said: _Said) -> _Entry | None:
        """The first entry telling the same thing."""
        if (i := self.exact.get(said.words)) is not None:
            return self.entries[i]
        shared: Counter[int] = Counter()
        for w in _tokens(said.words):
            if len(found := self.by_word.get(w, ())) <= _POSTINGS:
                shared.update(found)
        near = {i for i, n in shared.items() if n >= 2}
        for n in said.names:
            if len(found := self.by_name.get(n, ())) <= _POSTINGS:
                near.update(found)
        return next((self.entries[i] for i in sorted(near)
                     if _same_fact(self.entries[i].said[0], said)), None)


def _tokens(words: str) -> set[str]:
    return {w for w in words.split() if len(w) >= 4}


def _same_fact(a: _Said, b: _Said) -> bool:
    """Two sentences about the same dates tell the same thing: much the same words, or the
    same names (two sources, or two languages, name the same people and places)."""
    shared = len(a.names & b.names)
    if shared >= 2:
        return True
    cutoff = _SAME_WORDS_ONE_NAME if shared else _SAME_WORDS
    return fuzz.token_set_ratio(a.words, b.words, score_cutoff=cutoff) > 0


# --- finishing -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Copies:
    """Each original's copies in the story, with their sentences' words (folded once)."""

    of: Mapping[str, Sequence[ArticleInput]]
    words: Mapping[str, Sequence[str]]
    #: Per copy: words → the copy's sentence that matches them (None: none does), filled
    #: as looked up (the same sentences are cited entry after entry); a sentence's own
    #: words, identical, find it without a look-up.
    matched: Mapping[str, dict[str, int | None]] = field(default_factory=dict)


def _copies(articles: Sequence[ArticleInput]) -> _Copies:
    of: dict[str, list[ArticleInput]] = {}
    words: dict[str, list[str]] = {}
    matched: dict[str, dict[str, int | None]] = {}
    for a in articles:
        if a.copy_of:
            of.setdefault(a.copy_of, []).append(a)
            words[a.id] = [default_process(a.text[x:y]) for x, y in a.sentences]
            first: dict[str, int | None] = {}
            for k, w in enumerate(words[a.id]):
                first.setdefault(w, k)  # identical scores 100, and the first best wins
            matched[a.id] = first
    return _Copies(of, words, matched)


def _with_copies(said: list[_Said], copies: _Copies) -> list[_Said]:
    """Add the copies that carry a cited sentence but were not matched on their own (an
    undated copy cannot resolve "last month", yet it repeats the statement)."""
    cited = {s.article.id for s in said}
    # Each original's cited wordings, at the first sentence that has them: a copy joins at
    # the first cited sentence of its original that it carries, so only the first of equal
    # wordings needs looking up.
    wordings: dict[str, dict[str, int]] = {}
    for n, s in enumerate(said):
        if (key := _original(s.article)) in copies.of:
            wordings.setdefault(key, {}).setdefault(s.words, n)
    found: list[tuple[int, int, ArticleInput, int]] = []
    for key, first in wordings.items():
        for rank, c in enumerate(copies.of[key]):
            if c.id in cited or not c.sentences:
                continue
            matched = copies.matched[c.id]
            for words, n in first.items():
                best = matched.get(words, -1)
                if best == -1:
                    hit = process.extractOne(words, copies.words[c.id], scorer=fuzz.ratio,
                                             score_cutoff=_COPY_WORDS)
                    best = matched[words] = None if hit is None else hit[2]
                if best is not None:
                    found.append((n, rank, c, best))
                    break
    # in the order of the sentence each copy joins at, then of the copies
    found.sort(key=lambda f: (f[0], f[1]))
    return [*said, *(_said(c, best) for _, _, c, best in found)]


def _finish(e: _Entry, copies: _Copies) -> TimelineEntry:
    """Citations one per independent report (the shown one first), copies after."""
    said = _with_copies(e.said, copies)
    first: dict[str, _Said] = {}
    for s in said:
        held = first.get(key := _original(s.article))
        # A group's own original stands for it rather than a copy met earlier (unless
        # that copy's words are the ones shown).
        if held is None or (held.article.copy_of and not s.article.copy_of
                            and held is not said[0]):
            first[key] = s
    independent = list(first.values())
    shown = {id(s) for s in independent}
    rest = [s for s in said if id(s) not in shown]
    citations = tuple(_cite(s) for s in [*independent, *rest])
    sources: list[str] = []
    for s in independent:
        if s.article.outlet not in sources:
            sources.append(s.article.outlet)
    last_pub = max((d for s in said if (d := _iso_day(s.article.published))), default=None)
    after = bool(last_pub) and e.earliest > (last_pub or "")
    status = e.status
    if e.kind == "fact" and after and _PLANNED.search(citations[0].text):
        status = "planned"
    return TimelineEntry(
        date=e.date, granularity=e.granularity, earliest=e.earliest, latest=e.latest,
        text=citations[0].text, kind=e.kind, status=status, event_type=e.event_type,
        who=e.who, whom=e.whom, citations=citations,
        sources=tuple(sources), independent=len(independent), after_publication=after,
        mod=e.mod, date_text=e.date_text, confidence=e.confidence)


def _cite(s: _Said) -> Citation:
    return cite(s.article, s.start, s.end)


def _iso_day(published: str | None) -> str | None:
    """The publication day (YYYY-MM-DD), None when missing or not a date."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10]).isoformat()
    except ValueError:
        return None

"""The extraction stage: one article's text to its mentions, quotes, time expressions and
events (pure; runs in the ingest workers next to cleaning)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from spacy.tokens import Doc

from storyline.extract.entities import find_mentions, with_roles
from storyline.extract.event_confidence import score_events
from storyline.extract.events import find_events
from storyline.extract.nlp import MAX_CHARS, TEXT_KEY, pipeline, text_of
from storyline.extract.quotes import find_quotes
from storyline.extract.timex import find_timexes
from storyline.extract.types import Event, Mention, Quote, Timex


@dataclass(frozen=True, slots=True)
class Extraction:
    """Offsets are into the article's cleaned ``text`` (the title is not analysed apart:
    the names in a headline come back in its lead)."""

    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    timexes: tuple[Timex, ...] = ()
    events: tuple[Event, ...] = ()
    #: Sentence spans (``Mention.sentence`` and the others index into them): the units the
    #: story analysis aligns and cites.
    sentences: tuple[tuple[int, int], ...] = ()


def anchor(published: str | None) -> date | datetime | None:
    """The publication date or time relative expressions resolve against (None: unknown,
    or not a date the store could have written)."""
    if not published:
        return None
    try:
        if len(published) <= 10:
            return date.fromisoformat(published)
        return datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None


def extract(text: str, lang: str | None, published: str | None = None, *,
            score: bool = True) -> Extraction:
    """Entities, quotes, dates and events of a text; a text longer than the pipeline takes
    is cut at the last paragraph break before the limit (the cut is rare: 200,000
    characters). ``published`` (ISO date or time) anchors "yesterday", "last week" …
    ``score=False`` leaves the events' confidence unset (for training the model that
    sets it)."""
    if len(text) > MAX_CHARS:
        cut = text.rfind("\n", 0, MAX_CHARS)
        text = text[: cut if cut > 0 else MAX_CHARS]
    doc = pipeline(lang)(text)
    doc.user_data[TEXT_KEY] = text  # the doc's text is the input: no need to rebuild it
    mentions = with_roles(find_mentions(doc))
    when = anchor(published)
    timexes = find_timexes(doc, when)
    quotes = find_quotes(doc, mentions)
    day = when.date() if isinstance(when, datetime) else when
    events = find_events(doc, mentions, timexes, quotes, day)
    if score:
        events = score_events(events, text)
    return Extraction(tuple(mentions), tuple(quotes), tuple(timexes), tuple(events),
                      sentence_spans(doc))


def sentence_spans(doc: Doc) -> tuple[tuple[int, int], ...]:
    """Character spans of the doc's sentences, trailing whitespace left out."""
    text = text_of(doc)
    spans = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    return tuple(spans)


def split_sentences(text: str, lang: str | None) -> tuple[tuple[int, int], ...]:
    """Sentence spans of a text stored before sentences were (same pipeline, same
    indices as its mentions)."""
    if len(text) > MAX_CHARS:
        cut = text.rfind("\n", 0, MAX_CHARS)
        text = text[: cut if cut > 0 else MAX_CHARS]
    doc = pipeline(lang)(text)
    doc.user_data[TEXT_KEY] = text
    return sentence_spans(doc)

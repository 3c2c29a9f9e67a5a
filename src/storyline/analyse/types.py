"""What a story report holds: every item cites the articles and character spans it rests on.

These are the stable machine interface of ``storyline show --format json`` (``to_dict``
gives the JSON; ``docs/report.md`` documents it field by field).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: Bumped when a field changes meaning or disappears (adding fields does not bump it).
SCHEMA_VERSION = 2


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a statement is: the article, its outlet, and the span of its sentence."""

    article_id: str
    source: str | None
    published: str | None
    start: int
    end: int
    text: str
    #: When the article is a copy (a syndicated or rewritten text), the article it copies.
    copy_of: str | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the story's articles state, with every article that states it.

    ``sources`` counts independent reports: copies of one text count once (``copies``
    lists them), so five sites running one wire story are one source, not five.
    """

    id: str
    #: The wording shown: the statement of the first independent report.
    text: str
    citations: tuple[Citation, ...]
    #: Outlets of the independent reports, first reporter first.
    sources: tuple[str, ...]
    independent: int
    #: Article ids that carry the fact only as copies of another article's text.
    copies: tuple[str, ...]
    #: Entity names, numbers and date values the statement carries (why it was aligned).
    entities: tuple[str, ...]
    numbers: tuple[str, ...]
    dates: tuple[str, ...]
    #: Who the statement is attributed to ("Ukrainian officials said …"), if anyone.
    attributed_to: str | None
    #: For a fact one source alone reports: how much it adds (new entities, numbers,
    #: events); higher is more.
    novelty: float = 0.0


ConflictKind = Literal["number", "date", "descriptor", "actor", "place"]


@dataclass(frozen=True, slots=True)
class Variant:
    """One side of a conflict: a wording and who uses it."""

    wording: str
    #: The normalised value compared (a number, a TimeML date, a descriptor's class).
    value: str
    citations: tuple[Citation, ...]
    sources: tuple[str, ...]
    #: A party's claim reported by the source ("Beijing said it was a civilian
    #: airship"), not the source's own statement.
    attributed_to: str | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that say different things about the same thing."""

    kind: ConflictKind
    #: What the variants are about: "people killed", "the dam", "balloon", an event.
    about: str
    variants: tuple[Variant, ...]
    #: One line for people: "2,012 vs more than 2,000 (compatible: a range and a figure
    #: inside it)".
    note: str = ""
    #: False when every variant but one is a party's claim: a disagreement between
    #: parties, which the sources report, rather than between the sources.
    between_sources: bool = True


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """Something that happened (or is planned) at a date, at that date's own granularity."""

    #: TimeML value ("2023-06-18", "2023-02", "2023-W24") and its granularity.
    date: str
    granularity: str
    #: First and last day the date stands for (a month spans its month).
    earliest: str
    latest: str
    #: What happened, in the words of the first report.
    text: str
    #: "event" (a who-did-what-to-whom record) or "fact" (another dated statement).
    kind: Literal["event", "fact"]
    status: Literal["happened", "planned", "negated"]
    #: The event's PLOVER type and actors, for event entries.
    event_type: str | None
    who: str | None
    whom: str | None
    citations: tuple[Citation, ...]
    sources: tuple[str, ...]
    independent: int
    #: Dated after the latest publication of its reports: announced, not (yet) happened.
    after_publication: bool = False
    #: The date's TIMEX3 modifier ("START" for "early June", "APPROX", …), if any.
    mod: str | None = None
    #: The words the date was read from ("early June", "last Tuesday"), when known.
    date_text: str | None = None
    #: An event's corroborated confidence (0–1): how surely the extraction is right.
    #: None for dated statements, and for events stored before there was one.
    confidence: float | None = None

    @property
    def shown_status(self) -> Literal["happened", "planned", "negated"]:
        """The status a reader is shown: an entry dated after its reports' publication
        is announced, not done, so it reads as planned whatever its verb's tense."""
        if self.status == "negated":
            return "negated"
        return "planned" if self.status == "planned" or self.after_publication else "happened"


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class KeyEntity:
    name: str
    kind: str
    entity_id: str
    mentions: int
    articles: int
    #: Roles reported next to the name ("secretary of state").
    roles: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuoteItem:
    text: str
    citation: Citation
    partial: bool


@dataclass(frozen=True, slots=True)
class SpeakerQuotes:
    speaker: str
    entity_id: str | None
    quotes: tuple[QuoteItem, ...]


@dataclass(frozen=True, slots=True)
class SourceColumn:
    """One outlet's coverage: its articles (copies marked) and the facts it states."""

    source: str
    article_ids: tuple[str, ...]
    #: Of ``article_ids``, those that copy another article (id → original id).
    copies: dict[str, str]
    languages: tuple[str, ...]
    fact_ids: tuple[str, ...]
    #: Facts this outlet alone states.
    only_here: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyRef:
    """One article that copies another's text."""

    article_id: str
    source: str | None
    #: How it copies: "exact", "near" (retouched), "translation", … (from dedupe).
    kind: str


@dataclass(frozen=True, slots=True)
class CopyItem:
    """An original text and the articles that copy it (they count as one source)."""

    original: str
    original_source: str | None
    copies: tuple[CopyRef, ...]


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article of the story, for the report's table of articles."""

    article_id: str
    title: str | None
    source: str | None
    published: str | None
    lang: str | None
    #: The article whose text this one copies, and how ("near", "translation", …).
    copy_of: str | None
    copy_kind: str | None
    #: Facts (shared or single-source, as listed) this article states.
    facts: int
    #: Facts this article's outlet alone states.
    only_here: int


@dataclass(frozen=True, slots=True)
class StoryReport:
    """Everything ``storyline show`` says about a story."""

    story_id: str
    headline: str
    first_seen: str | None
    last_seen: str | None
    article_ids: tuple[str, ...]
    languages: tuple[str, ...]
    #: Distinct outlets with at least one article that is not a copy: how many
    #: independent voices the story has.
    independent_sources: int
    summary: tuple[SummarySentence, ...]
    timeline: tuple[TimelineEntry, ...]
    entities: tuple[KeyEntity, ...]
    #: A story's distinct events (from extraction) with their sources.
    events: tuple[TimelineEntry, ...]
    quotes: tuple[SpeakerQuotes, ...]
    sources: tuple[SourceColumn, ...]
    #: Facts stated by two or more independent sources, most confirmed first.
    shared_facts: tuple[Fact, ...]
    #: Facts one source alone states, most informative first.
    single_source_facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    copies: tuple[CopyItem, ...]
    #: Every article of the story, in publication order.
    articles: tuple[ArticleRow, ...]
    #: What could not be done and why ("2 German articles: 3 of their 25 statements
    #: aligned through names and numbers"; "no publication dates").
    notes: tuple[str, ...] = field(default=())
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

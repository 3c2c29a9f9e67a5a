"""What extraction finds, with its evidence: character spans into the article text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityKind = Literal["PERSON", "ORG", "GPE", "LOC"]
ENTITY_KINDS: tuple[EntityKind, ...] = ("PERSON", "ORG", "GPE", "LOC")


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in the text: ``text[start:end]``, its kind, and the entity it names."""

    start: int
    end: int
    text: str
    kind: EntityKind
    sentence: int
    #: Canonical name of the entity within the article ("Blinken" → "Antony Blinken").
    canonical: str
    #: How it was recognised (gazetteer, title pattern, …): kept for explanations.
    rule: str = ""
    #: ISO 3166-1 alpha-2 country of a place, or of a national institution.
    country: str | None = None
    #: GeoNames id of a resolved place.
    geonameid: int | None = None
    #: A role reported next to a person ("foreign minister"), lower case.
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """Quoted words (inside the marks) and who they are attributed to.

    ``speaker`` is the canonical name; ``speaker_start``/``speaker_end`` span the words in
    the text that name the speaker (a pronoun resolved to ``speaker``, say), None when no
    speaker was found.
    """

    start: int
    end: int
    text: str
    sentence: int
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    #: The attribution cue: "said", "according to", "told reporters", "continued", …
    cue: str | None
    #: A quote that is only part of its sentence ("called it “a grave mistake”").
    partial: bool


TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
#: How precise a value is: a month-level date sits in its month, not on its first day.
Granularity = Literal["minute", "hour", "part-of-day", "day", "week", "weekend", "month",
                      "season", "quarter", "half", "year", "decade", "century", "duration",
                      "set", "unknown"]


@dataclass(frozen=True, slots=True)
class Timex:
    """A time expression, normalised TIMEX3-style against the publication date.

    ``value`` is a TimeML value ("2023-06-14", "2023-W24", "2023-05", "2023-Q1", "2023",
    "2023-06-14T15:00", "P3D", "PRESENT_REF", "PAST_REF", "FUTURE_REF"), or None when the
    expression is relative and there is nothing to anchor it to (``note`` says why).
    ``earliest``/``latest`` bound the time meant, as ISO dates (inclusive), when it is a
    date or a range ("a few days ago" → the week before the anchor); None otherwise.
    """

    start: int
    end: int
    text: str
    sentence: int
    type: TimexType
    value: str | None
    granularity: Granularity
    #: TIMEX3 modifier: START, MID, END ("early/mid/late"), APPROX, BEFORE, AFTER, …
    mod: str | None = None
    #: Resolved against the publication date (a relative expression) rather than read
    #: off the text (an absolute one).
    anchored: bool = False
    earliest: str | None = None
    latest: str | None = None
    note: str | None = None


EventStatus = Literal["happened", "planned", "negated"]
#: The date value of news of the day (TimeML's present reference): an event told in the
#: present ("is meeting", "has accused") or in the lead, with no date of its own. It is
#: listed under the publication day; any other undated event stays undated.
TODAY = "PRESENT_REF"
#: The 16 event types of PLOVER (the POLECAT version), from cooperation to violence.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
#: PLOVER's quad classes, as GDELT numbers them: 1 verbal cooperation, 2 material
#: cooperation, 3 verbal conflict, 4 material conflict.
QUAD_CLASS: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "CONCEDE": 2, "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4,
    "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does or undergoes an event: the words in the text, the entity they name, and
    its country and sector where they are known ("Chinese foreign ministry" → CHN, GOV)."""

    start: int
    end: int
    text: str
    #: Canonical entity name (a mention's ``canonical``), or the words themselves for a
    #: group with no name ("protesters", "police").
    canonical: str
    #: ISO 3166-1 alpha-3 country code, or an IGO code such as "NATO", "UN", "EU".
    country: str | None = None
    #: GOV, MIL, REB, CVL, BUS, MED, LEG, JUD, PTY, IGO, NGO, OPP, POL, … (PLOVER sectors).
    sector: str | None = None

    @property
    def code(self) -> str | None:
        """"CHN-GOV", "USA", "GOV" (a sector with no country): what GDELT-style tables
        show."""
        parts = [p for p in (self.country, self.sector) if p]
        return "-".join(parts) or None


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom (PLOVER), with the sentence that says so."""

    #: PLOVER event type: AGREE, CONSULT, SUPPORT, COOPERATE, AID, RETREAT, CONCEDE,
    #: REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.
    type: str
    #: PLOVER mode ("visit", "phone", "third-party", …) when the words say it.
    mode: str | None
    sentence: int
    #: The sentence's character span (the evidence).
    start: int
    end: int
    #: The words that name the event ("visited", "talks", "called off the visit").
    trigger: str
    trigger_start: int
    trigger_end: int
    source: Actor | None
    target: Actor | None
    #: happened; planned or announced ("will travel", "plans to"); negated, cancelled or
    #: denied ("called off the visit", "denied sending").
    status: EventStatus = "happened"
    #: Canonical place name and GeoNames id, when the sentence says where.
    location: str | None = None
    location_geonameid: int | None = None
    #: The time expression dating the event (its ``value``) and its words, when the
    #: sentence has one; None means "around the publication date" for reported events.
    date: str | None = None
    date_text: str | None = None
    #: The lexicon entry that matched (for explanations and for users extending it).
    pattern: str = ""
    #: Probability that the event is right (``event_confidence.py``); None for events
    #: stored before events had one.
    confidence: float | None = None

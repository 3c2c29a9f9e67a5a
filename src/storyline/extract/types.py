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

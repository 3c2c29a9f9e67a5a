"""The extraction stage: one article's text to its mentions and quotes (pure; runs in the
ingest workers next to cleaning)."""

from __future__ import annotations

from dataclasses import dataclass

from storyline.extract.entities import find_mentions, with_roles
from storyline.extract.nlp import MAX_CHARS, pipeline
from storyline.extract.quotes import find_quotes
from storyline.extract.types import Mention, Quote


@dataclass(frozen=True, slots=True)
class Extraction:
    """Offsets are into the article's cleaned ``text`` (the title is not analysed apart:
    the names in a headline come back in its lead)."""

    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]


def extract(text: str, lang: str | None) -> Extraction:
    """Entities and quotes of a text; a text longer than the pipeline takes is cut at the
    last paragraph break before the limit (the cut is rare: 200,000 characters)."""
    if len(text) > MAX_CHARS:
        cut = text.rfind("\n", 0, MAX_CHARS)
        text = text[: cut if cut > 0 else MAX_CHARS]
    doc = pipeline(lang)(text)
    mentions = with_roles(find_mentions(doc))
    return Extraction(tuple(mentions), tuple(find_quotes(doc, mentions)))

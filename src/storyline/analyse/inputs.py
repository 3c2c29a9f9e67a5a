"""What the analysis of one story reads: its articles with their text, sentences and
extraction, copy links and the story's entities. Built by the API from the store; the
analysis stages are pure functions of it (tests build it by hand).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from storyline.analyse.types import Citation
from storyline.extract.canonical import Entity
from storyline.extract.types import Event, Mention, Quote, Timex


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article of the story, with everything extraction found in it."""

    id: str
    title: str
    text: str
    source: str | None
    published: str | None
    lang: str | None
    #: Sentence spans into ``text``, in order; ``Mention.sentence`` etc. index into it.
    sentences: tuple[tuple[int, int], ...]
    mentions: tuple[Mention, ...] = ()
    timexes: tuple[Timex, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    #: The copy group's original when this article copies another one's text.
    copy_of: str | None = None
    #: How the copy was found ("exact", "near", "translation" …), for display.
    copy_kind: str | None = None

    @property
    def outlet(self) -> str:
        """The source, or a stand-in that still tells two unnamed outlets apart."""
        return self.source or f"unknown source ({self.id[:8]})"


@dataclass(frozen=True, slots=True)
class StoryInputs:
    story_id: str
    headline: str
    #: In publication order (undated last), then by id: the analysis is deterministic.
    articles: tuple[ArticleInput, ...]
    #: The story's entities, resolved across its articles (most mentioned first).
    entities: tuple[Entity, ...] = ()
    #: (article id, mention canonical name) → entity id.
    entity_of: Mapping[tuple[str, str], str] = field(default_factory=dict)
    _by_id: dict[str, ArticleInput] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Looked up once per claim and citation: a scan would be quadratic in big stories.
        object.__setattr__(self, "_by_id", {a.id: a for a in self.articles})

    def article(self, article_id: str) -> ArticleInput | None:
        return self._by_id.get(article_id)

    def original(self, article_id: str) -> str:
        """The id a copy counts as: its group's original (itself when it is no copy)."""
        a = self.article(article_id)
        return a.copy_of if a is not None and a.copy_of else article_id


def cite(article: ArticleInput, start: int, end: int) -> Citation:
    """The citation of ``article.text[start:end]`` (whitespace runs folded in ``text``)."""
    return Citation(article_id=article.id, source=article.source,
                    published=article.published, start=start, end=end,
                    text=" ".join(article.text[start:end].split()), copy_of=article.copy_of)


def sentence_span(article: ArticleInput, index: int) -> tuple[int, int]:
    """The span of sentence ``index`` (the whole text when the index is out of range)."""
    if 0 <= index < len(article.sentences):
        return article.sentences[index]
    return 0, len(article.text)


def sentence_at(article: ArticleInput, offset: int) -> int:
    """The index of the sentence holding character ``offset`` (-1 when none does)."""
    from bisect import bisect_right

    starts = [s for s, _ in article.sentences]
    i = bisect_right(starts, offset) - 1
    return i if i >= 0 and offset < article.sentences[i][1] else -1

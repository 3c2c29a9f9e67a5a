"""The HTTP API's response models: the OpenAPI schema's components that are not the
analysis dataclasses themselves (those, such as ``StoryReport``, are their own schema).

Each field's docstring is its description in ``/openapi.json`` and on ``/docs``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: Field docstrings become the schema's descriptions.
DESCRIBED = ConfigDict(use_attribute_docstrings=True)


class Health(BaseModel):
    """The server is up, and what its store holds."""

    model_config = DESCRIBED
    status: str
    """Always "ok" when the store could be read."""
    version: str
    """Storyline's version."""
    articles: int
    """Articles in the store."""
    stories: int
    """Stories in the store."""


class StorySummary(BaseModel):
    """One story of the list: what it is about, who reported it and when."""

    model_config = DESCRIBED
    id: str
    """The story's id (for /api/stories/{story_id})."""
    headline: str | None
    """The title of its most representative article."""
    article_ids: list[str]
    """Its articles."""
    sources: list[str]
    """The outlets that reported it."""
    languages: list[str]
    """The languages of its articles (ISO 639-1 codes)."""
    first_seen: str | None
    """The earliest publication date of its articles (null: none is dated)."""
    last_seen: str | None
    """The latest publication date of its articles."""
    article_count: int
    """How many articles it has."""
    source_count: int | None
    """How many outlets reported it, as its report counts them (an article without a
    named outlet counts as one of its own). These counts come from the story's report;
    null until that report has been built once (the server builds them in the
    background: a list never waits for reports)."""
    independent_sources: int | None
    """Outlets with at least one article that is not a copy of another."""
    conflicts: int | None
    """How many conflicts its report lists (sources saying different things)."""
    disputed: bool | None
    """Its report lists at least one conflict."""
    single_source: bool | None
    """One independent source at most: nothing to cross-check it against."""


class ArticleMeta(BaseModel):
    """An article's metadata, without its text."""

    model_config = DESCRIBED
    id: str
    """16 hex digits, stable: from the canonical URL, else from the normalised text."""
    title: str
    """Its headline."""
    source: str | None
    """The outlet (a flag, the site name, the feed title, or the web host)."""
    url: str | None
    """Its canonical URL."""
    published: str | None
    """Its publication date or datetime (ISO 8601), null when unknown."""
    published_from: str | None
    """Where that date came from: flag (given at ingest), metadata, inferred (from the
    text) or crawl."""
    lang: str | None
    """Its language (ISO 639-1 code)."""
    lang_score: float | None
    """The language detector's probability (null when the document or a flag said)."""
    byline: str | None
    """Its author line."""
    origin: str
    """Where it was read: the file name (never the server's folders), with #URL for a
    feed item or WARC record, #L<n> for a JSON Lines line."""
    format: str
    """The input format: text, html, feed, warc or jsonl."""
    partial: bool
    """True for a feed item with only a summary."""
    title_inferred: bool
    """True when the title was made from the lead sentence."""
    story_id: str | None
    """The story it belongs to."""
    ingested_at: str | None
    """When it was ingested."""
    content_hash: str
    """A hash of its cleaned text."""


class RemovedOut(BaseModel):
    """A line that cleaning took out of an article's text."""

    model_config = DESCRIBED
    line: int
    """Its line number in the text before cleaning."""
    text: str
    """The line."""
    reason: str
    """Why it was removed."""


class ArticleOut(ArticleMeta):
    """An article with its cleaned text."""

    model_config = DESCRIBED
    text: str
    """The cleaned body text, paragraphs separated by a blank line."""
    removed: list[RemovedOut]
    """The lines cleaning took out."""


class RoleOut(BaseModel):
    """A role a person holds (a title such as "Secretary of State")."""

    model_config = DESCRIBED
    role: str
    """The role."""
    first_reported: str | None
    """The date of the first article that names it."""


class EntityOut(BaseModel):
    """A person, organisation or place, merged across spellings and articles."""

    model_config = DESCRIBED
    id: str
    """The entity's id, such as ``person:antony-blinken``."""
    name: str
    """Its canonical name."""
    kind: str
    """PERSON, ORG, GPE or LOC."""
    aliases: list[str]
    """Other names it goes by in the articles."""
    mentions: int
    """How often the articles name it."""
    articles: list[str]
    """The articles that name it."""
    stories: list[str]
    """The stories that name it."""
    roles: list[RoleOut]
    """For people: their roles."""
    country: str | None
    """For places: the country code."""
    geonameid: int | None
    """For places: the GeoNames id."""
    capital_of: str | None
    """A national capital stands for its country's government: that country."""


class CoOccurrenceOut(BaseModel):
    """An entity named together with another."""

    model_config = DESCRIBED
    entity: EntityOut
    """The other entity."""
    articles: int
    """Articles that name both."""
    sentences: int
    """Sentences that name both."""


class EntityDetail(EntityOut):
    """An entity with the entities most often named with it."""

    model_config = DESCRIBED
    co_occurring: list[CoOccurrenceOut]
    """The entities named with it, most often first."""

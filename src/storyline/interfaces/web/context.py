"""What the routes of one app share, and the store lookups they all make.

``create_app`` builds one :class:`Context` and keeps it on ``app.state``; a route reaches it
through the :data:`Ctx` dependency. Nothing here is module-level state: two apps in one
process (on two stores) share nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from storyline.analyse.types import StoryReport
from storyline.api import ENTITY_ID as ENTITY_ID  # the pages tell an id from a name
from storyline.api import EntityCache, Storyline
from storyline.extract.canonical import Entity
from storyline.interfaces.web.uploads import Uploads
from storyline.semantic.load import load_encoder
from storyline.semantic.static import STATIC
from storyline.semantic.vectors import EmbeddingsError, Encoder


@dataclass(frozen=True, slots=True)
class Limits:
    """How much a page lists at once."""

    #: Stories on a page of the story list.
    page_size: int = 50
    #: Distinct events, and co-occurring entities, listed on an entity page.
    max_entity_events: int = 40
    max_co_occurring: int = 15
    #: Stories listed on an entity page (newest first); the story list has them all.
    max_entity_stories: int = 30


@dataclass(frozen=True, slots=True)
class Context:
    """One app's store, caches, templates and settings."""

    #: The store: a SQLite file or a database URL.
    db: str | Path
    #: Store-wide entities, resolved once between ingests (one per server).
    entity_cache: EntityCache
    templates: Jinja2Templates
    #: The uploads' jobs, or None when ingest over HTTP is off.
    uploads: Uploads | None
    #: The reports' sentence model, loaded at the first call (None: a broken install).
    report_encoder: Callable[[], Encoder | None]
    #: The page sizes, read at each request (``app.py``'s constants, which a test may set).
    limits: Callable[[], Limits]

    @contextmanager
    def opened(self) -> Iterator[Storyline]:
        """The store for one request (SQLite connections are not shared between threads)."""
        sl = Storyline(self.db, cache=self.entity_cache)
        try:
            yield sl
        finally:
            sl.close()

    def load_report(self, sl: Storyline, story_id: str, *,
                    min_confidence: float | None = None) -> tuple[dict[str, Any], StoryReport]:
        """The story (404 when there is none such) and its report, built once, with the
        events whose confidence reaches ``min_confidence`` (None: the calibrated default)."""
        story = load_story(sl, story_id)
        return story, sl.report(story["id"], embeddings=self.report_encoder(),
                                min_confidence=min_confidence)


def encoder_loader() -> Callable[[], Encoder | None]:
    """A loader of the reports' sentence model that loads it once (per app)."""

    @lru_cache(maxsize=1)
    def report_encoder() -> Encoder | None:
        try:
            return load_encoder(STATIC)
        except EmbeddingsError:  # a broken install: reports align by words alone
            return None

    return report_encoder


def get_context(request: Request) -> Context:
    """The app's :class:`Context` (a FastAPI dependency)."""
    context: Context = request.app.state.context
    return context


#: A route's parameter that receives the app's context.
Ctx = Annotated[Context, Depends(get_context)]


# -- lookups shared by the API and the pages ------------------------------------------------
def bad(exc: Exception) -> HTTPException:
    """A 422 that says what was wrong."""
    return HTTPException(status_code=422, detail=str(exc))


def load_story(sl: Storyline, story_id: str) -> dict[str, Any]:
    story = sl.story(story_id)
    if story is None:
        raise HTTPException(status_code=404, detail=f"no story with id {story_id!r}")
    return story


def entity_by_id(sl: Storyline, entity_id: str) -> Entity | None:
    return sl.entity(entity_id)


def find_stories(sl: Storyline, *, since: str | None, until: str | None,
                 source: str | None, entity: str | None, lang: str | None,
                 q: str | None, limit: int, offset: int = 0
                 ) -> tuple[list[dict[str, Any]], int]:
    """One page of the story list, with the counts its story pages show, and how many
    stories match (the rule is ``Storyline.stories``); a bad filter is a 422."""
    filters = {"since": since or None, "until": until or None, "source": source or None,
               "entity": entity or None, "lang": lang or None, "query": q or None}
    try:
        return (sl.stories(**filters, limit=limit, offset=offset, digests=True,
                           compute_digests=False),
                sl.count_stories(**filters))
    except ValueError as exc:
        raise bad(exc) from None

"""The HTTP API: every ``/api/...`` route, JSON in and out.

Each route opens the store for the request (``Context.opened``) and answers with the
response models of ``schemas.py`` or the analysis dataclasses; an unknown id is 404 and a
bad parameter 422, each with a ``detail`` that says what was wrong. Every route and every
parameter carries the summary and description that ``/docs`` shows.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from storyline import __version__ as _version
from storyline.analyse.compare import Comparison, compare_sources
from storyline.analyse.events import StoryEvent
from storyline.analyse.types import StoryReport
from storyline.api import EventRow
from storyline.extract.types import Timex
from storyline.interfaces.web.context import Ctx, bad, entity_by_id, find_stories
from storyline.interfaces.web.markup import co_dict, entity_dict, public_origin, summary_dict
from storyline.interfaces.web.schemas import (
    ArticleOut,
    EntityDetail,
    EntityOut,
    Health,
    StorySummary,
)

router = APIRouter(tags=["api"])

StoryId = Annotated[str, Path(description="A story's id (from /api/stories), one of its "
                                          "aliases, or a unique prefix of it")]
ArticleId = Annotated[str, Path(description="An article's id (from a story's article_ids), "
                                            "or a unique prefix of it")]
InStory = Annotated[str | None, Query(description="Only this story's articles (a story id)")]


@router.get("/api/health", response_model=Health, summary="Server and store status")
def health(ctx: Ctx) -> dict[str, Any]:
    """Whether the server is up, its version, and how many articles and stories its store
    holds: a cheap check for monitoring."""
    with ctx.opened() as sl:
        counts = sl.counts()
    return {"status": "ok", "version": _version, "articles": counts["articles"],
            "stories": counts["stories"]}


# -- the story list (its rule: ``context.find_stories``) ------------------------------------
@router.get("/api/stories", response_model=list[StorySummary], summary="List stories")
def api_stories(
    ctx: Ctx,
    response: Response,
    since: Annotated[str | None, Query(description="Last report on or after (a date)")] = None,
    until: Annotated[str | None, Query(description="First report on or before")] = None,
    source: Annotated[str | None, Query(description="Reported by this outlet (the "
                                                    "name, any case)")] = None,
    entity: Annotated[str | None, Query(
        description="Mentions this name (a phrase), or names this entity (an id from "
                    "/api/entities, such as person:antony-blinken)")] = None,
    lang: Annotated[str | None, Query(description="Has articles in this language",
                                      pattern="^[A-Za-z]{2,3}$")] = None,
    q: Annotated[str | None, Query(description="Full-text search over its articles")] = None,
    limit: Annotated[int, Query(ge=1, le=1000,
                                description="At most this many stories")] = 100,
    offset: Annotated[int, Query(ge=0, description="Skip this many stories first (for "
                                                   "paging)")] = 0,
) -> list[dict[str, Any]]:
    """Stories, newest first (by their latest report; undated stories last), each with
    the counts its story page shows (sources, independent sources, conflicts). The header
    ``X-Total-Count`` gives the number of stories matching, for paging with ``limit`` and
    ``offset``."""
    with ctx.opened() as sl:
        found, total = find_stories(sl, since=since, until=until, source=source,
                                    entity=entity, lang=lang, q=q, limit=limit, offset=offset)
    response.headers["X-Total-Count"] = str(total)
    return [summary_dict(s) for s in found]


@router.get("/api/stories/{story_id}", response_model=StoryReport, summary="A story's report")
def api_story(ctx: Ctx, story_id: StoryId) -> Response:
    """One story (by id, alias or unique prefix) as its report: summary, timeline,
    entities, events, quotes, each source's coverage, shared and single-source facts,
    conflicts, copies, articles and notes; every statement cites its article. The
    same JSON as ``storyline show STORY --format json``, documented field by field in
    docs/report.md (``schema_version`` 2)."""
    with ctx.opened() as sl:
        _, report = ctx.load_report(sl, story_id)
    # The dataclasses are the schema: no need to validate them again on the way out.
    return JSONResponse(report.to_dict())


@router.get("/api/stories/{story_id}/compare", response_model=Comparison,
            summary="Compare outlets of a story")
def api_compare(
    ctx: Ctx,
    story_id: StoryId,
    source: Annotated[list[str] | None, Query(
        description="An outlet of the story (as its report names it, any case); give "
                    "two or more: source=A&source=B")] = None,
) -> Response:
    """Two or more outlets of one story compared: the facts they all state
    (``common``), with three or more the facts some of them state (``some``), for each
    the facts it alone of them states (``only``: fact ids of the story report), and the
    conflicts (numbered from 1, as the report lists them) in which they take different
    sides. A name the story has no outlet for, or fewer than two different outlets,
    is 422 with what is wrong."""
    with ctx.opened() as sl:
        _, report = ctx.load_report(sl, story_id)
    try:
        comparison = compare_sources(report, source or [])
    except ValueError as exc:
        raise bad(exc) from None
    return JSONResponse(comparison.to_dict())


@router.get("/api/articles/{article_id}", response_model=ArticleOut, summary="An article")
def api_article(ctx: Ctx, article_id: ArticleId) -> dict[str, Any]:
    """One article (by id or unique prefix) with its cleaned text and removed lines."""
    with ctx.opened() as sl:
        found = sl.article(article_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}")
    out = found.to_dict()
    out["origin"] = public_origin(found.origin)
    return out


@router.get("/api/entities", response_model=list[EntityOut], summary="List entities")
def api_entities(
    ctx: Ctx,
    story: InStory = None,
    kind: Annotated[str | None, Query(description="PERSON, ORG, GPE or LOC")] = None,
    name: Annotated[str | None, Query(description="Name or alias contains this")] = None,
    limit: Annotated[int, Query(ge=1, le=10000,
                                description="At most this many entities")] = 100,
) -> list[dict[str, Any]]:
    """People, organisations and places, most mentioned first."""
    with ctx.opened() as sl:
        if story is not None and sl.story(story) is None:
            raise HTTPException(status_code=404, detail=f"no story with id {story!r}")
        try:
            found = sl.entities(story=story, kind=kind, name=name, limit=limit)
        except ValueError as exc:
            raise bad(exc) from None
    return [entity_dict(e) for e in found]


@router.get("/api/entities/{entity_id:path}", response_model=EntityDetail,
            summary="An entity and who is named with it")
def api_entity(
    ctx: Ctx,
    entity_id: Annotated[str, Path(description="An entity's id (from /api/entities), such "
                                               "as `person:antony-blinken`")],
    limit: Annotated[int, Query(ge=1, le=1000, description="Co-occurring entities")] = 12,
) -> dict[str, Any]:
    """One entity (by id) with the entities most often named with it: the articles and
    the sentences that name both."""
    with ctx.opened() as sl:
        entity = entity_by_id(sl, entity_id)
        if entity is None:
            raise HTTPException(status_code=404, detail=f"no entity with id {entity_id!r}")
        together = sl.co_occurrences(entity.id, limit=limit)
    return {**entity_dict(entity), "co_occurring": [co_dict(c) for c in together]}


@router.get("/api/events", response_model=list[EventRow] | list[StoryEvent],
            summary="List events (who did what to whom)")
def api_events(
    ctx: Ctx,
    story: InStory = None,
    type: Annotated[str | None, Query(
        description="PLOVER type: AGREE, CONSULT, … ASSAULT")] = None,
    actor: Annotated[str | None, Query(
        description="Source or target: name, words or code (CHN, USA-GOV)")] = None,
    since: Annotated[str | None, Query(description="From this day")] = None,
    until: Annotated[str | None, Query(description="Up to this day")] = None,
    status: Annotated[str | None, Query(
        description="happened, planned or negated")] = None,
    entity: Annotated[str | None, Query(
        description="Source or target is this entity (an id from /api/entities)")] = None,
    distinct: Annotated[bool, Query(
        description="With story (and no other filter): each distinct event once, with "
                    "every report of it and the independent sources (copies once)")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=10000,
                                description="At most this many events")] = 100,
    min_confidence: Annotated[float | None, Query(
        ge=0.0, le=1.0, description="Only events at least this sure (0: every event the "
                                    "rules find; default: the calibrated threshold)")
    ] = None,
) -> list[EventRow] | list[StoryEvent]:
    """Who did what to whom (PLOVER), each with the sentence that reports it and how
    many articles and independent sources of its story report the same event; the
    filters are those of ``storyline events``."""
    with ctx.opened() as sl:
        if story is not None and sl.story(story) is None:
            raise HTTPException(status_code=404, detail=f"no story with id {story!r}")
        if distinct:
            if story is None:
                raise HTTPException(status_code=422, detail="distinct needs a story")
            if any(v is not None for v in (type, actor, since, until, status, entity)):
                raise HTTPException(status_code=422, detail="distinct takes no filter "
                                    "but story (and limit)")
            return sl.story_events(story, min_confidence)[:limit]
        if entity is not None and entity_by_id(sl, entity) is None:
            raise HTTPException(status_code=404, detail=f"no entity with id {entity!r}")
        try:
            return sl.events(story=story, type=type, actor=actor, since=since,
                             until=until, status=status, entity=entity, limit=limit,
                             min_confidence=min_confidence)
        except ValueError as exc:
            raise bad(exc) from None


@router.get("/api/articles/{article_id}/dates", response_model=list[Timex],
            summary="An article's dates and times")
def api_dates(ctx: Ctx, article_id: ArticleId) -> list[Timex]:
    """Every time expression of the article, normalised against its publication date."""
    with ctx.opened() as sl:
        try:
            return sl.dates(article_id)[1]
        except ValueError:
            raise HTTPException(status_code=404,
                                detail=f"no article with id {article_id!r}") from None


@router.post("/api/ingest", status_code=202, summary="Upload a file to ingest")
async def api_ingest(
    ctx: Ctx,
    request: Request,
    filename: Annotated[str, Query(description="Name of the uploaded file; its "
                                               "extension picks the reader")],
    format: Annotated[str, Query(
        description="auto, text, html, feed, warc or jsonl")] = "auto",
    source: Annotated[str | None, Query(description="Outlet name for every article")] = None,
    published: Annotated[str | None, Query(description="Publication date")] = None,
    lang: Annotated[str | None, Query(description="Language code")] = None,
) -> dict[str, object]:
    """Upload one file as the request body (text, HTML, feed, WARC or JSON Lines) and
    ingest it in the background; poll ``/api/ingest/JOB`` for what it did. Off unless
    the server was started with ``--allow-ingest``; bodies over the limit get 413."""
    uploads = ctx.uploads
    if uploads is None:
        raise HTTPException(status_code=403, detail="ingest over HTTP is off: start the "
                            "server with --allow-ingest to turn it on")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > uploads.max_bytes:
        raise HTTPException(status_code=413, detail=f"upload of {int(declared):,} bytes "
                            f"is over the limit of {uploads.max_bytes:,}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > uploads.max_bytes:
            raise HTTPException(status_code=413, detail="upload is over the limit of "
                                f"{uploads.max_bytes:,} bytes")
    if not body:
        raise HTTPException(status_code=422, detail="empty upload: send the file as the "
                            "request body")
    try:
        job = uploads.submit(filename, bytes(body), format=format, source=source,
                             published=published, lang=lang)
    except ValueError as exc:
        raise bad(exc) from None
    return job.as_dict()


@router.get("/api/ingest/{job_id}", summary="An upload's ingest job")
def api_ingest_job(
    ctx: Ctx,
    job_id: Annotated[str, Path(description="The job id that POST /api/ingest answered")],
) -> dict[str, object]:
    """What an upload's ingest did: status (queued, running, done, failed), the
    articles ingested or already stored, and each reject with its reason."""
    job = ctx.uploads.get(job_id) if ctx.uploads is not None else None
    if job is None:
        raise HTTPException(status_code=404, detail=f"no ingest job {job_id!r}")
    return job.as_dict()

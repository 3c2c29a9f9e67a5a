"""The HTML pages: the story list, a story, an entity, an article, and the API's docs.

Server-rendered with Jinja2 (autoescape on, see ``markup.new_templates``); none of them is
in the OpenAPI schema.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path as FilePath
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from storyline.api import EventRow
from storyline.extract.canonical import Entity
from storyline.interfaces.web import story_view
from storyline.interfaces.web.context import ENTITY_ID, Ctx, entity_by_id, find_stories
from storyline.interfaces.web.markup import KIND_LABELS, api_docs, mark_text, sparkline
from storyline.interfaces.web.timeline import LANE_HEIGHT
from storyline.interfaces.web.timeline import WIDTH as TIMELINE_WIDTH

router = APIRouter(include_in_schema=False)

FAVICON = FilePath(__file__).parent / "static" / "favicon.svg"


# -- the story list (its rule: ``context.find_stories``) ------------------------------------
@router.get("/", response_class=HTMLResponse)
def page_index(ctx: Ctx, request: Request, q: str = "", since: str = "", until: str = "",
               source: str = "", entity: str = "", lang: str = "",
               offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    page_size = ctx.limits().page_size
    filters = {"q": q, "since": since, "until": until, "source": source,
               "entity": entity, "lang": lang}
    error = None
    named: Entity | None = None
    with ctx.opened() as sl:
        try:
            shown, total = find_stories(sl, since=since, until=until, source=source,
                                        entity=entity, lang=lang, q=q, limit=page_size,
                                        offset=offset)
        except HTTPException as exc:
            shown, total, error = [], 0, str(exc.detail)
        days = sl.coverage([s["id"] for s in shown])
        facets = sl.facets()
        if ENTITY_ID.match(entity.strip()):
            named = entity_by_id(sl, entity.strip())
    active = {k: v for k, v in filters.items() if v}

    def page_link(off: int) -> str:
        return "/?" + urlencode({**active, "offset": off})

    return ctx.templates.TemplateResponse(request, "index.html", {
        "stories": shown, "total": total,
        "sparks": {s["id"]: sparkline(days.get(s["id"], {}), s["article_count"])
                   for s in shown},
        "sources": facets["sources"], "languages": facets["languages"],
        "named": named,
        "offset": offset, "page_size": page_size, "filters": filters, "active": active,
        "error": error,
        "prev": page_link(max(0, offset - page_size)) if offset > 0 else None,
        "next": page_link(offset + page_size) if offset + page_size < total else None,
    }, status_code=422 if error else 200)


# -- a story, an entity, an article ---------------------------------------------------------
@router.get("/stories/{story_id}", response_class=HTMLResponse)
def page_story(ctx: Ctx, request: Request, story_id: str,
               compare: Annotated[list[str] | None, Query()] = None) -> Response:
    """The story report; ``?compare=A&compare=B`` compares those outlets (a wrong
    choice is a message on the page, which is otherwise whole)."""
    from storyline.extract.event_confidence import default_min_confidence

    # Every event, so that those under the threshold can be listed behind a toggle.
    with ctx.opened() as sl:
        story, report = ctx.load_report(sl, story_id, min_confidence=0.0)
    return ctx.templates.TemplateResponse(request, "story.html", {
        "view": story_view.build(report, aliases=story["aliases"], compare=compare or (),
                                 min_confidence=default_min_confidence()),
        "timeline_width": TIMELINE_WIDTH, "lane_height": LANE_HEIGHT,
    })


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def page_entity(ctx: Ctx, request: Request, entity_id: str) -> Response:
    from storyline.extract.events import event_key  # (spaCy: imported when needed)

    limits = ctx.limits()
    with ctx.opened() as sl:
        entity = entity_by_id(sl, entity_id)
        if entity is None:
            raise HTTPException(status_code=404, detail=f"no entity with id {entity_id!r}")
        stories = sl.store.stories.summaries(ids=list(entity.stories), limit=None)
        said = sl.quotes(speaker_id=entity.id, limit=None)
        together = sl.co_occurrences(entity.id, limit=limits.max_co_occurring)
        reports = sl.events(entity=entity.id, limit=None)
    stories.sort(key=lambda s: s["last_seen"] or "", reverse=True)
    headlines = {s["id"]: s["headline"] for s in stories}
    # Reports of the same event (same story, type, actors, day and status) listed once,
    # story by story (in the order of their first event), in date order within each.
    events: dict[tuple[object, ...], list[EventRow]] = {}
    for r in reports:
        events.setdefault((r.story_id, *event_key(r.event), r.event.status), []).append(r)
    shown = list(events.values())[:limits.max_entity_events]
    by_story: dict[str | None, list[list[EventRow]]] = {}
    for group in shown:
        by_story.setdefault(group[0].story_id, []).append(group)
    return ctx.templates.TemplateResponse(request, "entity.html", {
        "entity": entity, "stories": stories[:limits.max_entity_stories],
        "more_stories": max(0, len(stories) - limits.max_entity_stories), "quotes": said,
        "together": together,
        "scale": max((max(c.articles, c.sentences) for c in together), default=1),
        "event_stories": list(by_story.items()), "event_count": len(events),
        "more_events": max(0, len(events) - limits.max_entity_events),
        "headlines": headlines,
        "kind_label": KIND_LABELS.get(entity.kind, entity.kind)})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def page_article(ctx: Ctx, request: Request, article_id: str) -> Response:
    with ctx.opened() as sl:
        article = sl.article(article_id)
        if article is None:
            raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}")
        named = sl.article_entities(article.id)
        mentions = [(m, e.id) for m, e in named]
        entities = [e for _, e in named]
        quotes = [q for _, q in sl.store.extraction.quotes([article.id])]
        timexes = sl.dates(article.id)[1]
        story = sl.story(article.story_id) if article.story_id else None
    names = {e.id: e for e in entities}
    copies = {}
    if story:
        for g in story["copy_groups"]:
            if article.id in g.ids:
                copies = {"original": g.original,
                          "copies": [c.article_id for c in g.copies]}
    return ctx.templates.TemplateResponse(request, "article.html", {
        "article": article, "marked": mark_text(article.text, mentions, quotes, timexes),
        "date_count": len(timexes),
        "story": story, "copies": copies,
        "mentioned": sorted({names[eid] for _, eid in mentions if eid in names},
                            key=lambda e: (e.kind, e.name)),
        "quote_count": len(quotes),
        "removed_reasons": Counter(r.reason for r in article.removed).most_common()})


# -- the API's docs, and the icon -----------------------------------------------------------
@router.get("/docs", response_class=HTMLResponse)
def docs(ctx: Ctx, request: Request) -> Response:
    """The OpenAPI schema as a page, offline (the stock /docs page loads Swagger UI from a
    CDN); the schema itself is at /openapi.json."""
    schema = request.app.openapi()
    operations, models = api_docs(schema)
    return ctx.templates.TemplateResponse(request, "docs.html", {
        "schema": schema, "operations": operations, "models": models})


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it whatever the page links: the same icon as ``favicon.svg``."""
    return FileResponse(FAVICON, media_type="image/svg+xml")

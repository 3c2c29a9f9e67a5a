"""The web UI and HTTP API: ``create_app(db_path)`` returns a FastAPI application.

Every request opens its own :class:`~storyline.Storyline` on the store (SQLite connections
are not shared between threads) and closes it when the response is built. Pages are
server-rendered with Jinja2 (autoescape on); stored article text is untrusted and is only
ever inserted escaped (see :func:`mark_text`).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__ as _version
from storyline.analyse.compare import Comparison, compare_sources
from storyline.analyse.events import StoryEvent
from storyline.analyse.types import StoryReport
from storyline.api import CoOccurrence, EntityCache, EventRow, QuoteRow, Storyline
from storyline.clean.dates import parse_user_date
from storyline.extract.canonical import Entity
from storyline.extract.types import Mention, Quote, Timex
from storyline.interfaces.web import story_view
from storyline.interfaces.web.guard import Guard, default_hosts
from storyline.interfaces.web.timeline import LANE_HEIGHT
from storyline.interfaces.web.timeline import WIDTH as TIMELINE_WIDTH
from storyline.interfaces.web.uploads import MAX_UPLOAD_BYTES, Uploads
from storyline.models import Article
from storyline.semantic.load import load_encoder
from storyline.semantic.static import STATIC
from storyline.semantic.vectors import EmbeddingsError, Encoder
from storyline.store import is_url

HERE = Path(__file__).parent
logger = logging.getLogger("storyline.web")
KINDS = ("PERSON", "ORG", "GPE", "LOC")
KIND_LABELS = {"PERSON": "People", "ORG": "Organisations", "GPE": "Places", "LOC": "Places"}
PAGE_SIZE = 50


# -- response models (the OpenAPI schema) -----------------------------------------------------
class Health(BaseModel):
    status: str
    version: str
    articles: int
    stories: int


class StorySummary(BaseModel):
    id: str
    headline: str | None
    article_ids: list[str]
    sources: list[str]
    languages: list[str]
    first_seen: str | None
    last_seen: str | None
    article_count: int


class ArticleMeta(BaseModel):
    id: str
    title: str
    source: str | None
    url: str | None
    published: str | None
    published_from: str | None
    lang: str | None
    lang_score: float | None
    byline: str | None
    origin: str
    format: str
    partial: bool
    title_inferred: bool
    story_id: str | None
    ingested_at: str | None
    content_hash: str


class RemovedOut(BaseModel):
    line: int
    text: str
    reason: str


class ArticleOut(ArticleMeta):
    text: str
    removed: list[RemovedOut]


class RoleOut(BaseModel):
    role: str
    first_reported: str | None


class EntityOut(BaseModel):
    id: str
    name: str
    kind: str
    aliases: list[str]
    mentions: int
    articles: list[str]
    stories: list[str]
    roles: list[RoleOut]
    country: str | None
    geonameid: int | None
    capital_of: str | None


class CoOccurrenceOut(BaseModel):
    entity: EntityOut
    #: Articles, and sentences, that name both.
    articles: int
    sentences: int


class EntityDetail(EntityOut):
    co_occurring: list[CoOccurrenceOut]


# -- conversions ----------------------------------------------------------------------------
def article_meta(a: Article) -> dict[str, Any]:
    return a.to_dict(with_text=False)


def public_origin(origin: str) -> str:
    """The input's file name (and any ``#record`` part), never the server's folders.

    The CLI shows the whole path to the person who ingested the file; a page may be read
    by anyone the server answers, and folder names say who runs it and where.
    """
    path, hash_, fragment = origin.partition("#")
    if "://" in path:  # a URL is public already
        return origin
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name + hash_ + fragment


def entity_dict(e: Entity) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "kind": e.kind, "aliases": list(e.aliases),
            "mentions": e.mentions, "articles": list(e.articles), "stories": list(e.stories),
            "roles": [{"role": r, "first_reported": d} for r, d in e.roles],
            "country": e.country, "geonameid": e.geonameid, "capital_of": e.capital_of}


def quote_dict(q: QuoteRow) -> dict[str, Any]:
    return {"article_id": q.article_id, "source": q.source, "published": q.published,
            "speaker": q.speaker, "speaker_id": q.speaker_id, "text": q.text, "cue": q.cue,
            "partial": q.partial, "start": q.start, "end": q.end}


def summary_dict(s: dict[str, Any]) -> dict[str, Any]:
    return {k: s[k] for k in StorySummary.model_fields}


def co_dict(c: CoOccurrence) -> dict[str, Any]:
    return {"entity": entity_dict(c.entity), "articles": c.articles, "sentences": c.sentences}


#: An entity id as ``Storyline.entities()`` gives it ("person:antony-blinken").
ENTITY_ID = re.compile(r"^(person|org|gpe|loc):\S+$")


# -- the story list's sparkline -------------------------------------------------------------
SPARK_WIDTH, SPARK_HEIGHT = 140, 28
#: At most this many bars (longer stories get a bar per few days); at least this many slots,
#: so that a one-day story is one narrow bar, not a block.
SPARK_MAX_BARS, SPARK_MIN_SLOTS = 40, 10


@dataclass(frozen=True, slots=True)
class Spark:
    """An inline SVG sparkline: articles per day (or per few days) over a story's span."""

    #: (x, y, width, height, tooltip) of each non-empty bar, in SVG units.
    bars: list[tuple[float, float, float, float, str]]
    #: What the picture says, for screen readers and as its tooltip.
    label: str
    #: The scale, shown under it ("peak 4 a day").
    caption: str
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(days: Mapping[str, int], total: int | None = None) -> Spark | None:
    """The sparkline of a story's coverage (``Storyline.coverage``: day → articles), or
    None when none of its articles is dated. ``total`` counts undated articles too."""
    counts: dict[date, int] = {}
    for day, n in days.items():
        try:
            counts[date.fromisoformat(day[:10])] = counts.get(date.fromisoformat(day[:10]),
                                                              0) + n
        except ValueError:
            continue
    if not counts:
        return None
    first, last = min(counts), max(counts)
    span = (last - first).days + 1
    per = math.ceil(span / SPARK_MAX_BARS)  # days per bar
    bins = math.ceil(span / per)
    slots = max(bins, SPARK_MIN_SLOTS)
    binned = [0] * bins
    for d, n in counts.items():
        binned[(d - first).days // per] += n
    most = max(binned)
    width = SPARK_WIDTH / slots
    gap = 1.0 if width >= 3 else 0.0
    bars = []
    for i, n in enumerate(binned):
        if not n:
            continue
        start = first + timedelta(days=i * per)
        end = min(last, start + timedelta(days=per - 1))
        when = start.isoformat() if per == 1 else f"{start.isoformat()} – {end.isoformat()}"
        h = max(2.0, (SPARK_HEIGHT - 2) * n / most)
        bars.append((round(i * width, 2), round(SPARK_HEIGHT - 1 - h, 2),
                     round(max(1.0, width - gap), 2), round(h, 2),
                     f"{when}: {n} article{'s' if n != 1 else ''}"))
    dated = sum(counts.values())
    peak = max(counts.items(), key=lambda x: (x[1], -x[0].toordinal()))
    if span == 1:
        label = f"{dated} article{'s' if dated != 1 else ''} on {first.isoformat()}"
    else:
        label = (f"{dated} articles over {span} days, {first.isoformat()} to "
                 f"{last.isoformat()}; most on {peak[0].isoformat()} ({peak[1]})")
    undated = (total or dated) - dated
    if undated > 0:
        label += f"; {undated} undated"
    unit = "a day" if per == 1 else f"per {per} days"
    caption = f"{span} day{'s' if span != 1 else ''}, peak {most} {unit}"
    return Spark(bars, "Coverage: " + label,
                 caption + (f", +{undated} undated" if undated > 0 else ""))


#: Distinct events, and co-occurring entities, listed on an entity page.
MAX_ENTITY_EVENTS = 40
MAX_CO_OCCURRING = 15
#: Stories listed on an entity page (newest first); the story list has them all.
MAX_ENTITY_STORIES = 30


# -- marking up article text ----------------------------------------------------------------
def _non_overlapping(spans: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    kept: list[tuple[int, int, Any]] = []
    end = -1
    for s in sorted(spans, key=lambda x: (x[0], -x[1])):
        if s[0] >= end and s[1] > s[0]:
            kept.append(s)
            end = s[1]
    return kept


def mark_text(text: str, mentions: Sequence[tuple[Mention, str | None]],
              quotes: Sequence[Quote], timexes: Sequence[Timex] = ()) -> Markup:
    """The article text as HTML: quotes in ``<q>``-like marks, mentions as entity links,
    time expressions as ``<time>`` with their normalised value.

    Every piece of stored text is escaped; only the tags built here are markup. Spans that
    overlap one another (or cross a quote's edge) are dropped rather than mis-nested.
    """
    n = len(text)
    qspans = _non_overlapping([(max(0, q.start), min(n, q.end), q) for q in quotes])
    mspans = _non_overlapping([(max(0, m.start), min(n, m.end), (m, eid))
                               for m, eid in mentions]
                              + [(max(0, t.start), min(n, t.end), (t, None)) for t in timexes])
    # A mention must lie wholly inside or wholly outside every quote.
    mspans = [s for s in mspans
              if not any(qs < s[1] and s[0] < qe and not (qs <= s[0] and s[1] <= qe)
                         for qs, qe, _ in qspans)]

    def mentions_in(start: int, end: int) -> Markup:
        out = Markup()
        pos = start
        for ms, me, (m, eid) in mspans:
            if ms < start or me > end:
                continue
            out += escape(text[pos:ms])
            if isinstance(m, Timex):
                value = m.value or "unresolved"
                label = f"{m.type} {value}" + (f" ({m.mod})" if m.mod else "") + (
                    f", {m.earliest} – {m.latest}" if m.earliest and m.latest
                    and m.earliest != m.latest else "") + (f"; {m.note}" if m.note else "")
                out += Markup('<time class="timex" datetime="{}" title="{}">{}</time>').format(
                    m.value or "", label, escape(text[ms:me]))
                pos = me
                continue
            kind = str(m.kind).lower()
            label = f"{m.canonical} ({m.kind})" + (f", {m.role}" if m.role else "")
            inner = escape(text[ms:me])
            if eid:
                out += Markup('<a class="ent ent-{}" href="/entities/{}" title="{}">{}</a>').format(
                    kind, quote(eid, safe=""), label, inner)
            else:
                out += Markup('<span class="ent ent-{}" title="{}">{}</span>').format(
                    kind, label, inner)
            pos = me
        return out + escape(text[pos:end])

    out = Markup()
    pos = 0
    for qs, qe, q in qspans:
        out += mentions_in(pos, qs)
        who = f"quote: {q.speaker}" if q.speaker else "quote (speaker unknown)"
        out += Markup('<mark class="quote" title="{}">{}</mark>').format(
            who, mentions_in(qs, qe))
        pos = qe
    return out + mentions_in(pos, n)


def nul_parameter(request: Request) -> str | None:
    """Why a request's path or query cannot be served: a NUL is no part of any name,
    id or search, and the store cannot take one."""
    if "\x00" in request.url.path:
        return "the path holds a NUL character"
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            return f"parameter {key.replace(chr(0), '')!r} holds a NUL character"
    return None


#: Every page's scripts, styles and images come from Storyline itself; nothing inline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


# -- the application ------------------------------------------------------------------------
def create_app(db_path: str | Path, *, allow_ingest: bool = False,
               max_upload: int = MAX_UPLOAD_BYTES,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """A FastAPI app serving the store at ``db_path``: pages at ``/``, JSON under ``/api``.

    ``allow_ingest`` turns on ``POST /api/ingest`` (uploads of at most ``max_upload``
    bytes, ingested in the background; see ``uploads.py``). ``allowed_hosts`` are the
    names the server answers to (default: this machine's loopback names; see ``guard.py``);
    a request naming another host, or a cross-origin upload, is refused with 403."""
    db = db_path if is_url(db_path) else Path(db_path)
    guard = Guard.of(allowed_hosts if allowed_hosts is not None else default_hosts("127.0.0.1"))
    uploads = Uploads(db, max_upload) if allow_ingest else None
    # The stock /docs page loads Swagger UI from a CDN; ours is rendered here, offline.
    app = FastAPI(title="Storyline", version=_version, docs_url=None, redoc_url=None,
                  description="Stories, articles, entities and quotes of a Storyline store.")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def error_response(request: Request, status: int, detail: str) -> Response:
        if is_api(request) or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": detail}, status_code=status)
        return templates.TemplateResponse(request, "error.html",
                                          {"status": status, "detail": detail},
                                          status_code=status)

    @app.middleware("http")
    async def hardened(request: Request, call_next: Any) -> Response:
        """Defence in depth behind escaping: even markup that slipped through could not
        run a script, load anything from elsewhere, or frame the page. Every answer gets
        the headers, refusals and errors included; requests from elsewhere are refused
        (``guard.py``) and values no store can search (a NUL) are 422 before any route."""
        response: Response
        refusal = guard.refusal(request.method, request.headers)
        unreadable = None if refusal else nul_parameter(request)
        if refusal:
            response = error_response(request, 403, refusal)
        elif unreadable:
            response = error_response(request, 422, unreadable)
        else:
            try:
                response = await call_next(request)
            except Exception:  # logged by the server; the reader gets a page, not a trace
                logger.exception("error serving %s", request.url.path)
                response = error_response(request, 500, "internal error: the server log "
                                          "has the details")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.autoescape = True
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["origin"] = public_origin
    env.filters["day"] = lambda s: (s or "")[:10] or "undated"
    env.globals["KIND_LABELS"] = KIND_LABELS

    entity_cache = EntityCache()  # one per server: store-wide entities between ingests

    @lru_cache(maxsize=1)  # one per server: the reports' sentence model, loaded once
    def report_encoder() -> Encoder | None:
        try:
            return load_encoder(STATIC)
        except EmbeddingsError:  # a broken install: reports align by words alone
            return None

    def warm() -> None:
        """Resolve the store's entities before the first entity page asks (seconds on a
        big store); a failure here is the first request's to report."""
        try:
            with Storyline(db, cache=entity_cache) as sl:
                sl.entities(limit=1)
                # The story report's analysis loads spaCy, scikit-learn and its lexicons
                # (seconds, once): one report now spares the first reader the wait.
                newest = sl.stories(limit=1)
                if newest:
                    sl.report(newest[0]["id"], embeddings=report_encoder())
            for name in ("index.html", "story.html", "entity.html", "article.html"):
                env.get_template(name)
        except Exception:  # reported by the first request that meets it
            pass

    if is_url(db) or Path(db).exists():
        threading.Thread(target=warm, name="storyline-warm", daemon=True).start()

    @contextmanager
    def opened() -> Iterator[Storyline]:
        sl = Storyline(db, cache=entity_cache)
        try:
            yield sl
        finally:
            sl.close()

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors())
        return error_response(request, 422, detail)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request) -> Response:
        """The OpenAPI schema as a page (the schema itself is at /openapi.json)."""
        schema = app.openapi()
        return templates.TemplateResponse(request, "docs.html", {
            "schema": schema,
            "operations": [(path, method.upper(), op)
                           for path, ops in schema.get("paths", {}).items()
                           for method, op in ops.items()]})

    def bad(exc: Exception) -> HTTPException:
        return HTTPException(status_code=422, detail=str(exc))

    # -- API ----------------------------------------------------------------------------
    @app.get("/api/health", response_model=Health, tags=["api"])
    def health() -> dict[str, Any]:
        with opened() as sl:
            counts = sl.counts()
        return {"status": "ok", "version": _version, "articles": counts["articles"],
                "stories": counts["stories"]}

    def find_stories(sl: Storyline, *, since: str | None, until: str | None,
                     source: str | None, entity: str | None, lang: str | None,
                     q: str | None) -> list[dict[str, Any]]:
        """The stories the list shows. ``entity`` is a name (a phrase in the text) or an
        entity id ("person:antony-blinken": the stories that entity is named in)."""
        try:
            if since and until and parse_user_date(since)[:10] > parse_user_date(until)[:10]:
                raise ValueError(f"since ({since}) is after until ({until})")
            by_id = bool(entity and ENTITY_ID.match(entity.strip()))
            found = sl.stories(since=since or None, until=until or None, source=source or None,
                               entity=None if by_id else entity or None, query=q or None,
                               limit=None)
        except ValueError as exc:
            raise bad(exc) from None
        if entity and by_id:
            named = entity_by_id(sl, entity.strip())
            wanted = set(named.stories) if named else set()
            found = [s for s in found if s["id"] in wanted]
        if lang:
            found = [s for s in found if lang.lower() in s["languages"]]
        # Newest first (by the latest report), undated stories last.
        found.sort(key=lambda s: s["first_seen"] or "", reverse=True)
        found.sort(key=lambda s: s["last_seen"] or "", reverse=True)
        return found

    def entity_by_id(sl: Storyline, entity_id: str) -> Entity | None:
        return sl.entity(entity_id)

    @app.get("/api/stories", response_model=list[StorySummary], tags=["api"])
    def api_stories(
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
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        """Stories, newest first (by their latest report). The header ``X-Total-Count``
        gives the number of stories matching, for paging with ``limit`` and ``offset``."""
        with opened() as sl:
            found = find_stories(sl, since=since, until=until, source=source, entity=entity,
                                 lang=lang, q=q)
        response.headers["X-Total-Count"] = str(len(found))
        return [summary_dict(s) for s in found[offset:offset + limit]]

    def load_story(sl: Storyline, story_id: str) -> dict[str, Any]:
        story = sl.story(story_id)
        if story is None:
            raise HTTPException(status_code=404, detail=f"no story with id {story_id!r}")
        return story

    def load_report(sl: Storyline, story_id: str) -> tuple[dict[str, Any], StoryReport]:
        """The story (404 when there is none such) and its report, built once."""
        story = load_story(sl, story_id)
        return story, sl.report(story["id"], embeddings=report_encoder())

    @app.get("/api/stories/{story_id}", response_model=StoryReport, tags=["api"])
    def api_story(story_id: str) -> Response:
        """One story (by id, alias or unique prefix) as its report: summary, timeline,
        entities, events, quotes, each source's coverage, shared and single-source facts,
        conflicts, copies, articles and notes; every statement cites its article. The
        same JSON as ``storyline show STORY --format json``, documented field by field in
        docs/report.md (``schema_version`` 2)."""
        with opened() as sl:
            _, report = load_report(sl, story_id)
        # The dataclasses are the schema: no need to validate them again on the way out.
        return JSONResponse(report.to_dict())

    @app.get("/api/stories/{story_id}/compare", response_model=Comparison, tags=["api"])
    def api_compare(
        story_id: str,
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
        with opened() as sl:
            _, report = load_report(sl, story_id)
        try:
            comparison = compare_sources(report, source or [])
        except ValueError as exc:
            raise bad(exc) from None
        return JSONResponse(comparison.to_dict())

    @app.get("/api/articles/{article_id}", response_model=ArticleOut, tags=["api"])
    def api_article(article_id: str) -> dict[str, Any]:
        """One article (by id or unique prefix) with its cleaned text and removed lines."""
        with opened() as sl:
            found = sl.article(article_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}")
        out = found.to_dict()
        out["origin"] = public_origin(found.origin)
        return out

    @app.get("/api/entities", response_model=list[EntityOut], tags=["api"])
    def api_entities(
        story: Annotated[str | None, Query(description="Only this story's articles")] = None,
        kind: Annotated[str | None, Query(description="PERSON, ORG, GPE or LOC")] = None,
        name: Annotated[str | None, Query(description="Name or alias contains this")] = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 100,
    ) -> list[dict[str, Any]]:
        """People, organisations and places, most mentioned first."""
        with opened() as sl:
            if story is not None and sl.story(story) is None:
                raise HTTPException(status_code=404, detail=f"no story with id {story!r}")
            try:
                found = sl.entities(story=story, kind=kind, name=name, limit=limit)
            except ValueError as exc:
                raise bad(exc) from None
        return [entity_dict(e) for e in found]

    @app.get("/api/entities/{entity_id:path}", response_model=EntityDetail, tags=["api"])
    def api_entity(
        entity_id: str,
        limit: Annotated[int, Query(ge=1, le=1000, description="Co-occurring entities")] = 12,
    ) -> dict[str, Any]:
        """One entity (by id) with the entities most often named with it: the articles and
        the sentences that name both."""
        with opened() as sl:
            entity = entity_by_id(sl, entity_id)
            if entity is None:
                raise HTTPException(status_code=404, detail=f"no entity with id {entity_id!r}")
            together = sl.co_occurrences(entity.id, limit=limit)
        return {**entity_dict(entity), "co_occurring": [co_dict(c) for c in together]}

    @app.get("/api/events", response_model=list[EventRow] | list[StoryEvent], tags=["api"])
    def api_events(
        story: Annotated[str | None, Query(description="Only this story's articles")] = None,
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
        limit: Annotated[int, Query(ge=1, le=10000)] = 100,
        min_confidence: Annotated[float | None, Query(
            ge=0.0, le=1.0, description="Only events at least this sure (0: every event the "
                                        "rules find; default: the calibrated threshold)")
        ] = None,
    ) -> list[EventRow] | list[StoryEvent]:
        """Who did what to whom (PLOVER), each with the sentence that reports it and how
        many articles and independent sources of its story report the same event; the
        filters are those of ``storyline events``."""
        with opened() as sl:
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

    @app.get("/api/articles/{article_id}/dates", response_model=list[Timex], tags=["api"])
    def api_dates(article_id: str) -> list[Timex]:
        """Every time expression of the article, normalised against its publication date."""
        with opened() as sl:
            try:
                return sl.dates(article_id)[1]
            except ValueError:
                raise HTTPException(status_code=404,
                                    detail=f"no article with id {article_id!r}") from None

    @app.post("/api/ingest", status_code=202, tags=["api"])
    async def api_ingest(
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

    @app.get("/api/ingest/{job_id}", tags=["api"])
    def api_ingest_job(job_id: str) -> dict[str, object]:
        """What an upload's ingest did: status (queued, running, done, failed), the
        articles ingested or already stored, and each reject with its reason."""
        job = uploads.get(job_id) if uploads is not None else None
        if job is None:
            raise HTTPException(status_code=404, detail=f"no ingest job {job_id!r}")
        return job.as_dict()

    # -- pages --------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_index(request: Request, q: str = "", since: str = "", until: str = "",
                   source: str = "", entity: str = "", lang: str = "",
                   offset: Annotated[int, Query(ge=0)] = 0) -> Response:
        filters = {"q": q, "since": since, "until": until, "source": source,
                   "entity": entity, "lang": lang}
        error = None
        named: Entity | None = None
        with opened() as sl:
            try:
                found = find_stories(sl, since=since, until=until, source=source,
                                     entity=entity, lang=lang, q=q)
            except HTTPException as exc:
                found, error = [], str(exc.detail)
            shown = found[offset:offset + PAGE_SIZE]
            days = sl.coverage([s["id"] for s in shown])
            facets = sl.facets()
            if ENTITY_ID.match(entity.strip()):
                named = entity_by_id(sl, entity.strip())
        active = {k: v for k, v in filters.items() if v}

        def page_link(off: int) -> str:
            return "/?" + urlencode({**active, "offset": off})

        return templates.TemplateResponse(request, "index.html", {
            "stories": shown, "total": len(found),
            "sparks": {s["id"]: sparkline(days.get(s["id"], {}), s["article_count"])
                       for s in shown},
            "sources": facets["sources"], "languages": facets["languages"],
            "named": named,
            "offset": offset, "page_size": PAGE_SIZE, "filters": filters, "active": active,
            "error": error,
            "prev": page_link(max(0, offset - PAGE_SIZE)) if offset > 0 else None,
            "next": page_link(offset + PAGE_SIZE) if offset + PAGE_SIZE < len(found) else None,
        }, status_code=422 if error else 200)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_story(request: Request, story_id: str,
                   compare: Annotated[list[str] | None, Query()] = None) -> Response:
        """The story report; ``?compare=A&compare=B`` compares those outlets (a wrong
        choice is a message on the page, which is otherwise whole)."""
        with opened() as sl:
            story, report = load_report(sl, story_id)
        return templates.TemplateResponse(request, "story.html", {
            "view": story_view.build(report, aliases=story["aliases"], compare=compare or ()),
            "timeline_width": TIMELINE_WIDTH, "lane_height": LANE_HEIGHT,
        })

    @app.get("/entities/{entity_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def page_entity(request: Request, entity_id: str) -> Response:
        from storyline.extract.events import event_key  # (spaCy: imported when needed)

        with opened() as sl:
            entity = entity_by_id(sl, entity_id)
            if entity is None:
                raise HTTPException(status_code=404, detail=f"no entity with id {entity_id!r}")
            stories = sl.store.stories.summaries(ids=list(entity.stories), limit=None)
            said = sl.quotes(speaker_id=entity.id, limit=None)
            together = sl.co_occurrences(entity.id, limit=MAX_CO_OCCURRING)
            reports = sl.events(entity=entity.id, limit=None)
        stories.sort(key=lambda s: s["last_seen"] or "", reverse=True)
        headlines = {s["id"]: s["headline"] for s in stories}
        # Reports of the same event (same story, type, actors, day and status) listed once,
        # story by story (in the order of their first event), in date order within each.
        events: dict[tuple[object, ...], list[EventRow]] = {}
        for r in reports:
            events.setdefault((r.story_id, *event_key(r.event), r.event.status), []).append(r)
        shown = list(events.values())[:MAX_ENTITY_EVENTS]
        by_story: dict[str | None, list[list[EventRow]]] = {}
        for group in shown:
            by_story.setdefault(group[0].story_id, []).append(group)
        return templates.TemplateResponse(request, "entity.html", {
            "entity": entity, "stories": stories[:MAX_ENTITY_STORIES],
            "more_stories": max(0, len(stories) - MAX_ENTITY_STORIES), "quotes": said,
            "together": together,
            "scale": max((max(c.articles, c.sentences) for c in together), default=1),
            "event_stories": list(by_story.items()), "event_count": len(events),
            "more_events": max(0, len(events) - MAX_ENTITY_EVENTS),
            "headlines": headlines,
            "kind_label": KIND_LABELS.get(entity.kind, entity.kind)})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_article(request: Request, article_id: str) -> Response:
        with opened() as sl:
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
        return templates.TemplateResponse(request, "article.html", {
            "article": article, "marked": mark_text(article.text, mentions, quotes, timexes),
            "date_count": len(timexes),
            "story": story, "copies": copies,
            "mentioned": sorted({names[eid] for _, eid in mentions if eid in names},
                                key=lambda e: (e.kind, e.name)),
            "quote_count": len(quotes),
            "removed_reasons": Counter(r.reason for r in article.removed).most_common()})

    return app

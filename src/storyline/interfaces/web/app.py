"""The web UI and HTTP API: ``create_app(db_path)`` returns a FastAPI application.

Every request opens its own :class:`~storyline.Storyline` on the store (SQLite connections
are not shared between threads) and closes it when the response is built. Pages are
server-rendered with Jinja2 (autoescape on); stored article text is untrusted and is only
ever inserted escaped (see :func:`~storyline.interfaces.web.markup.mark_text`).

The routes live in ``api.py`` (JSON under ``/api``) and ``pages.py`` (HTML); presentation
helpers in ``markup.py``; what the routes of one app share in ``context.py``. This module
builds the app: the guard, security headers, error pages, static files, and the routers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__ as _version
from storyline.api import EntityCache, Storyline
from storyline.interfaces.web import api, pages
from storyline.interfaces.web.context import ENTITY_ID, Context, Limits, encoder_loader
from storyline.interfaces.web.guard import Guard, default_hosts
from storyline.interfaces.web.markup import (
    KIND_LABELS,
    KINDS,
    Spark,
    article_meta,
    co_dict,
    entity_dict,
    mark_text,
    new_templates,
    public_origin,
    quote_dict,
    sparkline,
    summary_dict,
)
from storyline.interfaces.web.schemas import (
    ArticleMeta,
    ArticleOut,
    CoOccurrenceOut,
    EntityDetail,
    EntityOut,
    Health,
    RemovedOut,
    RoleOut,
    StorySummary,
)
from storyline.interfaces.web.uploads import MAX_UPLOAD_BYTES, Uploads
from storyline.store import is_url

__all__ = [
    "CSP", "ENTITY_ID", "KINDS", "KIND_LABELS", "MAX_CO_OCCURRING", "MAX_ENTITY_EVENTS",
    "MAX_ENTITY_STORIES", "PAGE_SIZE", "ArticleMeta", "ArticleOut", "CoOccurrenceOut",
    "EntityDetail", "EntityOut", "Health", "RemovedOut", "RoleOut", "Spark", "StorySummary",
    "article_meta", "co_dict", "create_app", "entity_dict", "mark_text", "nul_parameter",
    "public_origin", "quote_dict", "sparkline", "summary_dict",
]

HERE = Path(__file__).parent
logger = logging.getLogger("storyline.web")

#: How much a page lists at once (see ``context.Limits``). Read at each request, so that
#: a test can make a page short without a store of thousands.
PAGE_SIZE = Limits().page_size
MAX_ENTITY_EVENTS = Limits().max_entity_events
MAX_CO_OCCURRING = Limits().max_co_occurring
MAX_ENTITY_STORIES = Limits().max_entity_stories

#: Every page's scripts, styles and images come from Storyline itself; nothing inline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def limits() -> Limits:
    """This module's page sizes as they are now."""
    return Limits(page_size=PAGE_SIZE, max_entity_events=MAX_ENTITY_EVENTS,
                  max_co_occurring=MAX_CO_OCCURRING, max_entity_stories=MAX_ENTITY_STORIES)


def nul_parameter(request: Request) -> str | None:
    """Why a request's path or query cannot be served: a NUL is no part of any name,
    id or search, and the store cannot take one."""
    if "\x00" in request.url.path:
        return "the path holds a NUL character"
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            return f"parameter {key.replace(chr(0), '')!r} holds a NUL character"
    return None


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def warm(context: Context) -> None:
    """Resolve the store's entities before the first entity page asks (seconds on a
    big store); a failure here is the first request's to report."""
    try:
        with Storyline(context.db, cache=context.entity_cache) as sl:
            sl.entities(limit=1)
            # The story report's analysis loads spaCy, scikit-learn and its lexicons
            # (seconds, once): one report now spares the first reader the wait.
            newest = sl.stories(limit=1)
            if newest:
                sl.report(newest[0]["id"], embeddings=context.report_encoder())
            # The list's first page shows each story's counts from its report: make any
            # missing ones now (they are kept in the store) rather than on the first visit.
            sl.stories(limit=PAGE_SIZE, digests=True)
        for name in ("index.html", "story.html", "entity.html", "article.html"):
            context.templates.env.get_template(name)
    except Exception:  # reported by the first request that meets it
        pass


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
    context = Context(db=db, entity_cache=EntityCache(),
                      templates=new_templates(HERE / "templates"),
                      uploads=Uploads(db, max_upload) if allow_ingest else None,
                      report_encoder=encoder_loader(), limits=limits)
    # The stock /docs page loads Swagger UI from a CDN; ours is rendered here, offline.
    app = FastAPI(title="Storyline", version=_version, docs_url=None, redoc_url=None,
                  description="Stories, articles, entities and quotes of a Storyline store.")
    app.state.context = context
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def error_response(request: Request, status: int, detail: str) -> Response:
        if is_api(request) or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": detail}, status_code=status)
        return context.templates.TemplateResponse(request, "error.html",
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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors())
        return error_response(request, 422, detail)

    app.include_router(api.router)
    app.include_router(pages.router)

    if is_url(db) or Path(db).exists():
        threading.Thread(target=warm, args=(context,), name="storyline-warm",
                         daemon=True).start()
    return app

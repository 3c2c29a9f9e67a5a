"""Pure presentation for the web UI and API: conversions to JSON shapes, the story list's
sparkline, article text as HTML, the Jinja filters, and the ``/docs`` page's view of the
OpenAPI schema.

Stored text is untrusted: whatever becomes markup here is escaped first, and only the tags
built here are markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from storyline.api import CoOccurrence, QuoteRow
from storyline.extract.canonical import Entity
from storyline.extract.types import Mention, Quote, Timex
from storyline.interfaces.web.schemas import StorySummary
from storyline.models import Article

KINDS = ("PERSON", "ORG", "GPE", "LOC")
KIND_LABELS = {"PERSON": "People", "ORG": "Organisations", "GPE": "Places", "LOC": "Places"}


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


# -- docstrings as HTML ---------------------------------------------------------------------
#: ``code`` (reStructuredText) or `code` (Markdown), on one line.
_INLINE_CODE = re.compile(r"``([^`\n]+?)``|`([^`\n]+)`")


def inline_code(text: object) -> Markup:
    """Text from a docstring as HTML: escaped, then its ``code`` spans as ``<code>``.

    The escaping comes first, so whatever the text holds stays text; only the ``<code>``
    tags built here are markup."""
    escaped = str(escape("" if text is None else str(text)))
    return Markup(_INLINE_CODE.sub(
        lambda m: f"<code>{m.group(1) if m.group(1) is not None else m.group(2)}</code>",
        escaped))


def paragraphs(text: object) -> Markup:
    """A docstring as paragraphs (blank lines part them), with :func:`inline_code`."""
    parts = re.split(r"\n\s*\n", "" if text is None else str(text).strip())
    return Markup("").join(Markup("<p>{}</p>").format(inline_code(" ".join(p.split())))
                           for p in parts if p.strip())


def path_breaks(path: object) -> Markup:
    """A URL path that may wrap after each ``/`` (and nowhere else) on a narrow screen."""
    return Markup(str(escape("" if path is None else str(path))).replace("/", "/<wbr>"))


# -- the /docs page: the OpenAPI schema as a reader wants it --------------------------------
_REF = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class DocParam:
    name: str
    where: str
    type: Markup
    default: str | None
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class DocOperation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    params: list[DocParam]
    status: str
    #: What a success returns: the model's name (linked) or a plain type ("JSON").
    returns: Markup


@dataclass(frozen=True, slots=True)
class DocField:
    name: str
    type: Markup
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class DocModel:
    name: str
    anchor: str
    description: str
    fields: list[DocField]

    @property
    def described(self) -> bool:
        """Whether any field has a description (else the table has no Meaning column)."""
        return any(f.description for f in self.fields)


def model_anchor(name: str) -> str:
    return "model-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def type_label(schema: Mapping[str, Any]) -> Markup:
    """A JSON schema's type in a few words ("list of string", "integer | null"); a model's
    name links to its fields."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(_REF)
        return Markup('<a href="#{}">{}</a>').format(model_anchor(name), name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return Markup(" | ").join(type_label(s) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, Mapping):
            return Markup("list of ") + type_label(items)
        if isinstance(schema.get("prefixItems"), list):
            return (Markup("[") + Markup(", ").join(type_label(s) for s in schema["prefixItems"])
                    + Markup("]"))
        return Markup("list")
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        return Markup("map of ") + type_label(schema["additionalProperties"])
    if "enum" in schema:  # each value kept whole: a line may break between values only
        return Markup(" | ").join(Markup('<span class="value">{}</span>').format(
            repr(v) if isinstance(v, str) else str(v)) for v in schema["enum"])
    if "const" in schema:
        return escape(repr(schema["const"]))
    if isinstance(kind, list):
        return escape(" | ".join(str(k) for k in kind))
    return escape(str(kind or "any"))


def _refs(schema: Any) -> set[str]:
    """The component names a schema refers to, directly."""
    if isinstance(schema, Mapping):
        found = {str(schema["$ref"]).removeprefix(_REF)} if "$ref" in schema else set()
        for value in schema.values():
            found |= _refs(value)
        return found
    if isinstance(schema, list):
        return set().union(*(_refs(v) for v in schema)) if schema else set()
    return set()


def _success(op: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """An operation's success status and its JSON schema (empty when none is declared)."""
    for status, response in op.get("responses", {}).items():
        if str(status).startswith("2"):
            return str(status), (response.get("content", {}).get("application/json", {})
                                 .get("schema", {}))
    return "200", {}


def api_docs(schema: Mapping[str, Any]) -> tuple[list[DocOperation], list[DocModel]]:
    """The operations of an OpenAPI schema, and the models their answers are made of (each
    with its fields), in the order a reader meets them."""
    operations: list[DocOperation] = []
    wanted: list[str] = []
    for path, ops in schema.get("paths", {}).items():
        for method, op in ops.items():
            status, ok = _success(op)
            params = []
            for p in op.get("parameters", []):
                sch = p.get("schema", {})
                default = sch.get("default")
                params.append(DocParam(
                    name=p["name"], where=p.get("in", ""), type=type_label(sch),
                    default=None if default is None else str(default).lower()
                    if isinstance(default, bool) else str(default),
                    required=bool(p.get("required")),
                    description=p.get("description") or sch.get("description") or ""))
            wanted += sorted(_refs(ok))
            operations.append(DocOperation(
                method=method.upper(), path=path, anchor=op.get("operationId", ""),
                summary=op.get("summary", ""), description=op.get("description", ""),
                params=params, status=status,
                returns=type_label(ok) if ok else Markup("JSON")))
    components = schema.get("components", {}).get("schemas", {})
    seen: list[str] = []
    while wanted:  # every model reachable from an answer, each once
        name = wanted.pop(0)
        if name in seen or name not in components:
            continue
        seen.append(name)
        wanted += sorted(_refs(components[name]))
    models = []
    for name in seen:
        comp = components[name]
        required = set(comp.get("required", ()))
        models.append(DocModel(
            name=name, anchor=model_anchor(name), description=comp.get("description", ""),
            fields=[DocField(field, type_label(fs), field in required, fs.get("description", ""))
                    for field, fs in comp.get("properties", {}).items()]))
    return operations, models


# -- templates ------------------------------------------------------------------------------
def new_templates(directory: Path) -> Jinja2Templates:
    """The pages' Jinja environment: autoescape on, and the filters the templates use."""
    templates = Jinja2Templates(directory=directory)
    env = templates.env
    env.autoescape = True
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["origin"] = public_origin
    env.filters["day"] = lambda s: (s or "")[:10] or "undated"
    env.filters["code"] = inline_code
    env.filters["paragraphs"] = paragraphs
    env.filters["path_breaks"] = path_breaks
    env.globals["KIND_LABELS"] = KIND_LABELS
    return templates

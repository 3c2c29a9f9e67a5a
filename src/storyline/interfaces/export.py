"""``storyline export``: the store's contents as files for pandas, DuckDB or Spark.

Each table has one schema (ordered columns, each with an Arrow type and a meaning) that
``docs/export.md`` documents. The schema is versioned: within ``SCHEMA_VERSION`` columns are
only ever added, never renamed, retyped or dropped, so a script written against version 1
keeps working on any version-1 file. Every written file says which version it follows: a
``NAME.schema.json`` sidecar beside it, and for Parquet also the file's own metadata.

Rows are read through the public API (``storyline.api.Storyline``) and written as they
come, in batches, never gathered into one list first.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import pyarrow as pa  # type: ignore[import-untyped]

from storyline.api import EventRow, Storyline
from storyline.extract.types import QUAD_CLASS, Actor
from storyline.interfaces.event_table import table_row

#: Bumped when a column is renamed, retyped, dropped or changes meaning (adding is not).
SCHEMA_VERSION = 1
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
#: Parquet metadata keys (and the sidecar's fields) that carry the version and table.
VERSION_KEY = "storyline.export_schema"
TABLE_KEY = "storyline.table"
#: Rows per Parquet record batch, and articles read per page.
BATCH = 1000

Row = dict[str, Any]


class Column(NamedTuple):
    """One column: its name, Arrow type and meaning (as docs/export.md gives it)."""

    name: str
    type: Any  # a pyarrow.DataType (pyarrow ships no type hints)
    description: str


@dataclass(frozen=True, slots=True)
class Filters:
    """The listing filters an export takes; each table accepts those its API call has."""

    story: str | None = None
    since: str | None = None
    until: str | None = None
    source: str | None = None
    lang: str | None = None
    #: Events at least this sure (None: the threshold events are shown at).
    min_confidence: float | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    #: The filters (``Filters`` field names) this table's rows can be narrowed by.
    filters: tuple[str, ...]
    rows: Callable[[Storyline, Filters], Iterator[Row]]


class ExportError(ValueError):
    """A bad table, format, filter or output: one line for the person who asked."""


# --- schemas -----------------------------------------------------------------------------

STR, INT, INT32, FLOAT, BOOL = pa.string(), pa.int64(), pa.int32(), pa.float64(), pa.bool_()
STRS = pa.list_(pa.string())
CITATION = pa.struct([
    ("article_id", STR), ("source", STR), ("published", STR), ("start", INT), ("end", INT),
    ("text", STR), ("copy_of", STR)])
ROLE = pa.struct([("role", STR), ("first_reported", STR)])


def _c(name: str, type_: Any, description: str) -> Column:
    return Column(name, type_, description)


ARTICLE_COLUMNS = (
    _c("article_id", STR, "Stable article id (16 hex digits)."),
    _c("story_id", STR, "The story the article belongs to (stories.story_id)."),
    _c("title", STR, "Headline."),
    _c("source", STR, "The outlet, when known."),
    _c("url", STR, "Canonical URL, when known."),
    _c("published", STR, "Publication date or date-time as stored (ISO 8601: 2023-06-14 or "
       "2023-06-14T09:30:00Z); null when unknown, never guessed."),
    _c("published_from", STR, "Where the date came from: flag, metadata, inferred or crawl."),
    _c("lang", STR, "ISO 639-1 language code."),
    _c("lang_score", FLOAT, "Confidence of the detected language (0-1); null when the flag "
       "or the document gave the language."),
    _c("byline", STR, "Author line, when found."),
    _c("origin", STR, "The input the article was read from (file, file#line, URL)."),
    _c("format", STR, "Input format: text, html, feed, warc or jsonl."),
    _c("content_hash", STR, "Hash of the normalised text (exact copies share it)."),
    _c("partial", BOOL, "True when the input held only part of the article (a feed summary)."),
    _c("title_inferred", BOOL, "True when the title was taken from the text, not metadata."),
    _c("ingested_at", STR, "When the article was stored (ISO 8601 with UTC offset)."),
    _c("text", STR, "The cleaned body text; every character offset in other tables points "
       "into it."),
)

STORY_COLUMNS = (
    _c("story_id", STR, "Story id."),
    _c("headline", STR, "The story's headline (from its articles)."),
    _c("article_count", INT, "Articles in the story."),
    _c("first_seen", STR, "Earliest publication of its articles (ISO 8601), null if none is "
       "dated."),
    _c("last_seen", STR, "Latest publication of its articles (ISO 8601)."),
    _c("sources", STRS, "Distinct outlets of its articles, sorted."),
    _c("languages", STRS, "Distinct languages of its articles, sorted."),
    _c("article_ids", STRS, "Its articles, in publication order."),
)

ENTITY_COLUMNS = (
    _c("entity_id", STR, "Entity id (kind:name, e.g. person:antony-blinken)."),
    _c("name", STR, "Canonical name."),
    _c("kind", STR, "PERSON, ORG, GPE or LOC."),
    _c("mentions", INT, "Mentions across the articles exported."),
    _c("article_count", INT, "Articles that name it."),
    _c("story_count", INT, "Stories whose articles name it."),
    _c("aliases", STRS, "Every spelling seen (short forms, misspellings, other languages)."),
    _c("roles", pa.list_(ROLE), "Roles reported next to a person's name, each with the "
       "publication date of its first report (null when undated)."),
    _c("country", STR, "ISO 3166-1 alpha-2 country of a place or national institution."),
    _c("geonameid", INT, "GeoNames id of a resolved place."),
    _c("capital_of", STR, "For a national capital: the country it stands for (alpha-2)."),
    _c("article_ids", STRS, "The articles that name it."),
    _c("story_ids", STRS, "The stories of those articles."),
)

MENTION_COLUMNS = (
    _c("article_id", STR, "The article the name is in."),
    _c("story_id", STR, "That article's story."),
    _c("published", STR, "That article's publication date (ISO 8601)."),
    _c("entity_id", STR, "The entity named (entities.entity_id)."),
    _c("entity_name", STR, "The entity's canonical name across articles."),
    _c("text", STR, "The words in the article: text[start:end]."),
    _c("canonical", STR, "The name within its article (\"Blinken\" -> \"Antony Blinken\")."),
    _c("kind", STR, "PERSON, ORG, GPE or LOC."),
    _c("start", INT, "Character offset of the name in articles.text."),
    _c("end", INT, "Character offset just past the name."),
    _c("sentence", INT, "Sentence number in the article (0-based)."),
    _c("rule", STR, "How it was recognised (gazetteer, title pattern, ...)."),
    _c("country", STR, "ISO 3166-1 alpha-2 country of a place or national institution."),
    _c("geonameid", INT, "GeoNames id of a resolved place."),
    _c("role", STR, "A role reported next to a person (\"foreign minister\"), lower case."),
)

QUOTE_COLUMNS = (
    _c("article_id", STR, "The article that reports the quote."),
    _c("source", STR, "That article's outlet."),
    _c("published", STR, "That article's publication date (ISO 8601)."),
    _c("speaker", STR, "Who said it (the entity's name), null when no speaker was found."),
    _c("speaker_id", STR, "The speaker's entity id (entities.entity_id), when resolved."),
    _c("text", STR, "The quoted words, inside the quotation marks."),
    _c("cue", STR, "The attribution cue: said, according to, told reporters, ..."),
    _c("partial", BOOL, "True when the quote is only part of its sentence."),
    _c("start", INT, "Character offset of the quoted words in articles.text."),
    _c("end", INT, "Character offset just past them."),
)


def _actor_columns(role: str, who: str) -> tuple[Column, ...]:
    return (
        _c(f"{role}_name", STR, f"The {who}'s canonical name (an entity, or group words "
           "such as \"protesters\"); null when the sentence names none."),
        _c(f"{role}_text", STR, f"The words that name the {who}."),
        _c(f"{role}_country", STR, "ISO 3166-1 alpha-3 country, or an international body's "
           "code (NATO, UN, EU); null when unknown."),
        _c(f"{role}_sector", STR, "PLOVER sector: GOV, MIL, REB, CVL, BUS, MED, ...; null "
           "when unknown."),
        _c(f"{role}_code", STR, "Country and sector as one code (CHN-GOV)."),
        _c(f"{role}_start", INT, "Character offset of those words in articles.text."),
        _c(f"{role}_end", INT, "Character offset just past them."),
    )


EVENT_COLUMNS = (
    _c("event_id", STR, "ARTICLEID-OFFSET: the article and the trigger's character offset; "
       "stable across runs."),
    _c("article_id", STR, "The article that reports the event."),
    _c("story_id", STR, "That article's story."),
    _c("outlet", STR, "That article's outlet."),
    _c("published", STR, "That article's publication date (ISO 8601)."),
    _c("url", STR, "That article's URL."),
    _c("day", STR, "The event's own day (2023-06-14, or 2023-06 / 2023 when the article "
       "gives only a month or year), else the publication day."),
    _c("date", STR, "The TimeML value of the time expression dating the event, if any."),
    _c("date_text", STR, "The words that date it (\"on Wednesday\")."),
    _c("type", STR, "PLOVER event type: AGREE, CONSULT, ..., ASSAULT."),
    _c("quad_class", INT32, "1 verbal cooperation, 2 material cooperation, 3 verbal "
       "conflict, 4 material conflict (from the type)."),
    _c("mode", STR, "PLOVER mode when the words say it (visit, phone, ...)."),
    _c("status", STR, "happened, planned or negated."),
    _c("trigger", STR, "The words that name the event."),
    _c("trigger_start", INT, "Character offset of the trigger in articles.text."),
    _c("trigger_end", INT, "Character offset just past it."),
    _c("sentence", INT, "Sentence number in the article (0-based)."),
    _c("evidence_start", INT, "Character offset of the sentence that reports the event."),
    _c("evidence_end", INT, "Character offset just past that sentence."),
    _c("evidence", STR, "That sentence (whitespace folded)."),
    *_actor_columns("source", "source actor (who acts)"),
    *_actor_columns("target", "target actor (who undergoes it)"),
    _c("location", STR, "Where it happened (canonical place name), when the sentence says."),
    _c("location_geonameid", INT, "That place's GeoNames id."),
    _c("articles", INT, "Articles of the story that report the same event."),
    _c("independent_sources", INT, "The same count with copies counted once."),
    _c("pattern", STR, "The lexicon pattern that matched."),
    _c("confidence", FLOAT, "Probability that the event is right (null: extracted before "
       "events had one). Exports hold the events shown by default; --min-confidence 0 "
       "exports every event."),
)

#: Events with the column names of GDELT 2.0's event table (as BigQuery names them) where
#: Storyline has the value, then Storyline's own columns. Nothing GDELT has that Storyline
#: does not (Goldstein, tone, CAMEO codes, actor geography) appears, even as nulls.
GDELT_COLUMNS = (
    _c("GLOBALEVENTID", STR, "ARTICLEID-OFFSET (a string, not GDELT's integer); stable."),
    _c("SQLDATE", INT32, "YYYYMMDD of the event's day (else the publication day); null "
       "when only a month or year is known."),
    _c("MonthYear", INT32, "YYYYMM; null when only a year is known."),
    _c("Year", INT32, "YYYY."),
    _c("DateGranularity", STR, "day, month or year: how precise the three dates are."),
    _c("Actor1Code", STR, "Source actor as COUNTRY-SECTOR (CHN-GOV); GDELT writes CHNGOV."),
    _c("Actor1Name", STR, "The source actor's canonical name."),
    _c("Actor1CountryCode", STR, "ISO 3166-1 alpha-3 (or NATO, UN, EU, ...), if known."),
    _c("Actor1Type1Code", STR, "PLOVER sector (GOV, MIL, ...), if known."),
    _c("Actor2Code", STR, "Target actor as COUNTRY-SECTOR."),
    _c("Actor2Name", STR, "The target actor's canonical name."),
    _c("Actor2CountryCode", STR, "ISO 3166-1 alpha-3 (or NATO, UN, EU, ...), if known."),
    _c("Actor2Type1Code", STR, "PLOVER sector, if known."),
    _c("EventCode", STR, "The PLOVER event type (AGREE ... ASSAULT), NOT a CAMEO code."),
    _c("EventMode", STR, "PLOVER mode, when the words say it (no GDELT counterpart)."),
    _c("EventStatus", STR, "happened, planned or negated (no GDELT counterpart)."),
    _c("QuadClass", INT32, "GDELT's four classes, from the PLOVER type."),
    _c("NumSources", INT32, "Independent sources of the story reporting the same event "
       "(copies once)."),
    _c("NumArticles", INT32, "Articles of the story reporting the same event."),
    _c("ActionGeo_FullName", STR, "Where it happened, when the sentence says."),
    _c("ActionGeo_CountryCode", STR, "That place's country, ISO 3166-1 alpha-2 (GDELT uses "
       "FIPS 10-4)."),
    _c("ActionGeo_Lat", FLOAT, "Latitude from the offline GeoNames gazetteer."),
    _c("ActionGeo_Long", FLOAT, "Longitude from the offline GeoNames gazetteer."),
    _c("ActionGeo_FeatureID", INT, "GeoNames id (GDELT: a GNS/GNIS id as text)."),
    _c("DATEADDED", INT, "YYYYMMDD of the article's publication (GDELT: when it was added)."),
    _c("SOURCEURL", STR, "The article's URL."),
    _c("ArticleID", STR, "Storyline's article id (articles.article_id)."),
    _c("StoryID", STR, "The article's story."),
    _c("Source", STR, "The article's outlet."),
    _c("Published", STR, "The article's publication date as stored (ISO 8601)."),
    _c("DateText", STR, "The words that date the event."),
    _c("Trigger", STR, "The words that name the event."),
    _c("TriggerStart", INT, "Character offset of the trigger in the article's text."),
    _c("TriggerEnd", INT, "Character offset just past it."),
    _c("Evidence", STR, "The sentence that reports the event: the citation."),
    _c("EvidenceStart", INT, "Character offset of that sentence in the article's text."),
    _c("EvidenceEnd", INT, "Character offset just past it."),
    _c("Pattern", STR, "The lexicon pattern that matched."),
    _c("Confidence", FLOAT, "Probability that the event is right (empty: extracted before "
       "events had one)."),
)

FACT_COLUMNS = (
    _c("story_id", STR, "The story whose report states the fact."),
    _c("fact_id", STR, "Fact id within its story (f1, f2, ...); (story_id, fact_id) is "
       "the key."),
    _c("kind", STR, "shared (two or more independent sources) or single-source."),
    _c("text", STR, "The wording shown: the statement of the first independent report."),
    _c("independent_sources", INT, "Independent reports (copies of one text count once)."),
    _c("outlets", STRS, "Outlets of the independent reports, first reporter first."),
    _c("copies", STRS, "Article ids that carry the fact only as copies of another text."),
    _c("attributed_to", STR, "Who the statement is attributed to, if anyone."),
    _c("entities", STRS, "Entity ids the statement names."),
    _c("numbers", STRS, "Numbers it carries."),
    _c("dates", STRS, "Date values (TimeML) it carries."),
    _c("novelty", FLOAT, "For a single-source fact, how much it adds (higher is more); "
       "0 for shared facts."),
    _c("citations", pa.list_(CITATION), "Every article stating it: article_id, its source "
       "and published, start/end character offsets of the statement in that article's "
       "text, the statement's text, and copy_of when the article copies another."),
)


# --- rows --------------------------------------------------------------------------------

def _story(sl: Storyline, ref: str) -> dict[str, Any]:
    found = sl.story(ref)
    if found is None:
        raise ExportError(f"no story {ref!r}")
    return found


def _article_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    members = set(_story(sl, f.story)["article_ids"]) if f.story else None
    for offset in itertools.count(0, BATCH):
        page = sl.articles(source=f.source, lang=f.lang, since=f.since, until=f.until,
                           limit=BATCH, offset=offset)
        for a in page:
            if members is None or a.id in members:
                yield {"article_id": a.id, "story_id": a.story_id, "title": a.title,
                       "source": a.source, "url": a.url, "published": a.published,
                       "published_from": a.published_from, "lang": a.lang,
                       "lang_score": a.lang_score, "byline": a.byline, "origin": a.origin,
                       "format": a.format, "content_hash": a.content_hash,
                       "partial": a.partial, "title_inferred": a.title_inferred,
                       "ingested_at": a.ingested_at, "text": a.text}
        if len(page) < BATCH:
            return


def _stories(sl: Storyline, f: Filters) -> list[dict[str, Any]]:
    found = sl.stories(since=f.since, until=f.until, source=f.source, limit=None)
    if f.story:
        sid = _story(sl, f.story)["id"]
        found = [s for s in found if s["id"] == sid]
    return found


def _story_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    for s in _stories(sl, f):
        yield {"story_id": s["id"], "headline": s["headline"],
               "article_count": s["article_count"], "first_seen": s["first_seen"],
               "last_seen": s["last_seen"], "sources": list(s["sources"]),
               "languages": list(s["languages"]), "article_ids": list(s["article_ids"])}


def _entity_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    for e in sl.entities(story=f.story, limit=None):
        yield {"entity_id": e.id, "name": e.name, "kind": e.kind, "mentions": e.mentions,
               "article_count": len(e.articles), "story_count": len(e.stories),
               "aliases": list(e.aliases),
               "roles": [{"role": r, "first_reported": d} for r, d in e.roles],
               "country": e.country, "geonameid": e.geonameid, "capital_of": e.capital_of,
               "article_ids": list(e.articles), "story_ids": list(e.stories)}


def _mention_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    for o, e in sl.mentions(story=f.story):
        m = o.mention
        yield {"article_id": o.article, "story_id": o.story, "published": o.published,
               "entity_id": e.id, "entity_name": e.name, "text": m.text,
               "canonical": m.canonical, "kind": m.kind, "start": m.start, "end": m.end,
               "sentence": m.sentence, "rule": m.rule or None, "country": m.country,
               "geonameid": m.geonameid, "role": m.role}


def _quote_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    for q in sl.quotes(story=f.story, limit=None):
        yield {"article_id": q.article_id, "source": q.source, "published": q.published,
               "speaker": q.speaker, "speaker_id": q.speaker_id, "text": q.text,
               "cue": q.cue, "partial": q.partial, "start": q.start, "end": q.end}


def _actor(role: str, a: Actor | None) -> Row:
    if a is None:
        return {f"{role}_{k}": None for k in ("name", "text", "country", "sector", "code",
                                              "start", "end")}
    return {f"{role}_name": a.canonical, f"{role}_text": a.text, f"{role}_country": a.country,
            f"{role}_sector": a.sector, f"{role}_code": a.code, f"{role}_start": a.start,
            f"{role}_end": a.end}


def _events(sl: Storyline, f: Filters) -> list[EventRow]:
    return sl.events(story=f.story, since=f.since, until=f.until, limit=None,
                     min_confidence=f.min_confidence)


def _event_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    for r in _events(sl, f):
        e = r.event
        yield {"event_id": f"{r.article_id}-{e.trigger_start}", "article_id": r.article_id,
               "story_id": r.story_id, "outlet": r.source, "published": r.published,
               "url": r.url, "day": r.day, "date": e.date, "date_text": e.date_text,
               "type": e.type, "quad_class": QUAD_CLASS.get(e.type), "mode": e.mode,
               "status": e.status, "trigger": e.trigger, "trigger_start": e.trigger_start,
               "trigger_end": e.trigger_end, "sentence": e.sentence,
               "evidence_start": e.start, "evidence_end": e.end, "evidence": r.evidence,
               **_actor("source", e.source), **_actor("target", e.target),
               "location": e.location, "location_geonameid": e.location_geonameid,
               "articles": r.articles, "independent_sources": r.independent,
               "pattern": e.pattern or None, "confidence": e.confidence}


#: GDELT column → the column of ``storyline events --format csv`` it takes its value from.
_GDELT_FROM = {"GLOBALEVENTID": "GlobalEventID", "SQLDATE": "Day"}


def _gdelt_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    """The values of the ``events --format csv`` table (one mapping for both), typed: its
    empty cells are nulls here."""
    kinds = {c.name: c.type for c in GDELT_COLUMNS}
    for r in _events(sl, f):
        cells = table_row(r)
        e = r.event
        cells |= {"TriggerStart": e.trigger_start, "TriggerEnd": e.trigger_end,
                  "EvidenceStart": e.start, "EvidenceEnd": e.end}
        row: Row = {}
        for name, kind in kinds.items():
            value = cells[_GDELT_FROM.get(name, name)]
            if value == "" or value is None:
                row[name] = None
            elif pa.types.is_integer(kind):
                row[name] = int(value)
            elif pa.types.is_floating(kind):
                row[name] = float(value)
            else:
                row[name] = str(value)
        yield row


def _fact_rows(sl: Storyline, f: Filters) -> Iterator[Row]:
    for s in _stories(sl, f):
        report = sl.report(s["id"])
        for kind, facts in (("shared", report.shared_facts),
                            ("single-source", report.single_source_facts)):
            for fact in facts:
                yield {"story_id": report.story_id, "fact_id": fact.id, "kind": kind,
                       "text": fact.text, "independent_sources": fact.independent,
                       "outlets": list(fact.sources), "copies": list(fact.copies),
                       "attributed_to": fact.attributed_to,
                       "entities": list(fact.entities), "numbers": list(fact.numbers),
                       "dates": list(fact.dates), "novelty": fact.novelty,
                       "citations": [asdict(c) for c in fact.citations]}


_STORY_FILTERS = ("story", "since", "until", "source")
TABLES: dict[str, Table] = {t.name: t for t in (
    Table("articles", "One row per stored article, with its cleaned text.",
          ARTICLE_COLUMNS, ("story", "since", "until", "source", "lang"), _article_rows),
    Table("stories", "One row per live story.", STORY_COLUMNS, _STORY_FILTERS,
          _story_rows),
    Table("entities", "One row per entity (a real-world person, organisation or place).",
          ENTITY_COLUMNS, ("story",), _entity_rows),
    Table("mentions", "One row per name found in an article, with the entity it names.",
          MENTION_COLUMNS, ("story",), _mention_rows),
    Table("quotes", "One row per direct quote.", QUOTE_COLUMNS, ("story",), _quote_rows),
    Table("events", "One row per event as an article reports it (PLOVER).",
          EVENT_COLUMNS, ("story", "since", "until", "min_confidence"), _event_rows),
    Table("events-gdelt", "The events table with GDELT 2.0 column names.",
          GDELT_COLUMNS, ("story", "since", "until", "min_confidence"), _gdelt_rows),
    Table("facts", "One row per fact of each story's report, with its citations.",
          FACT_COLUMNS, _STORY_FILTERS, _fact_rows),
)}


# --- schema ------------------------------------------------------------------------------

def table(name: str) -> Table:
    if name not in TABLES:
        raise ExportError(f"unknown table {name!r}: choose {', '.join(TABLES)}")
    return TABLES[name]


def arrow_schema(t: Table) -> Any:
    """The table's Arrow schema, carrying the version and table name in its metadata and
    each column's meaning in the field's."""
    fields = [pa.field(c.name, c.type, metadata={"description": c.description})
              for c in t.columns]
    return pa.schema(fields, metadata={VERSION_KEY: str(SCHEMA_VERSION), TABLE_KEY: t.name})


def type_name(kind: Any) -> str:
    """An Arrow type as the docs and sidecar write it: string, int64, list<string>, ..."""
    if pa.types.is_list(kind):
        return f"list<{type_name(kind.value_type)}>"
    if pa.types.is_struct(kind):
        inner = ", ".join(f"{kind.field(i).name}: {type_name(kind.field(i).type)}"
                          for i in range(kind.num_fields))
        return f"struct<{inner}>"
    return str(kind)


def schema_document(t: Table, fmt: str | None = None, rows: int | None = None,
                    filters: Filters | None = None) -> dict[str, Any]:
    """The sidecar's content: what a reader needs to trust the file without this code."""
    from storyline import __version__

    doc: dict[str, Any] = {VERSION_KEY: SCHEMA_VERSION, "table": t.name,
                           "description": t.description, "storyline_version": __version__}
    if fmt is not None:
        doc["format"] = fmt
    if rows is not None:
        doc["rows"] = rows
    if filters is not None:
        doc["filters"] = filters.given()
    doc["columns"] = [{"name": c.name, "type": type_name(c.type),
                       "description": c.description} for c in t.columns]
    return doc


def sidecar(output: Path) -> Path:
    """``events.parquet`` → ``events.parquet.schema.json``: one per file, so exports of
    one table in two formats side by side do not overwrite each other's."""
    return output.with_name(output.name + ".schema.json")


# --- writing -----------------------------------------------------------------------------

def check(name: str, fmt: str, output: Path | None, filters: Filters) -> Table:
    """Everything that can be refused before the store is read."""
    t = table(name)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise ExportError("parquet is binary: give an output file with -o PATH")
    for given in filters.given():
        if given not in t.filters:
            takes = ", ".join(f"--{x.replace('_', '-')}" for x in t.filters)
            raise ExportError(f"--{given.replace('_', '-')} does not apply to the {t.name} "
                              f"table (it takes {takes})")
    return t


def export(sl: Storyline, name: str, fmt: str = "jsonl", output: Path | None = None,
           filters: Filters | None = None, stream: TextIO | None = None) -> int:
    """Write one table; returns the number of rows. With ``output``, the file appears only
    when complete (written beside it, then renamed), with its sidecar; otherwise JSONL or
    CSV go to ``stream`` (standard output). Raises ExportError (or the API's ValueError
    for a bad date) before anything is written."""
    filters = filters or Filters()
    t = check(name, fmt, output, filters)
    with sl.snapshot():  # one moment of the store, while ingests go on
        return _export(sl, t, fmt, output, filters, stream)


def _export(sl: Storyline, t: Table, fmt: str, output: Path | None, filters: Filters,
            stream: TextIO | None) -> int:
    rows = t.rows(sl, filters)
    first = list(itertools.islice(rows, 1))  # the API's errors come before any output
    rows = itertools.chain(first, rows)
    if output is None:
        return _write_text(rows, t, fmt, stream or sys.stdout)
    part = output.with_name(output.name + ".part")
    try:
        if fmt == "parquet":
            n = _write_parquet(rows, t, part)
        else:
            with part.open("w", encoding="utf-8", newline="") as out:
                n = _write_text(rows, t, fmt, out)
        os.replace(part, output)
    finally:
        part.unlink(missing_ok=True)
    doc = schema_document(t, fmt, n, filters)
    sidecar(output).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                               encoding="utf-8")
    return n


def _write_text(rows: Iterable[Row], t: Table, fmt: str, out: TextIO) -> int:
    names = [c.name for c in t.columns]
    n = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({k: row[k] for k in names}, ensure_ascii=False) + "\n")
            n += 1
        return n
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_cell(row[k]) for k in names])
        n += 1
    return n


def _csv_cell(value: Any) -> Any:
    """Null is an empty cell, booleans true/false, lists and records JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_parquet(rows: Iterable[Row], t: Table, path: Path) -> int:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    schema = arrow_schema(t)
    n = 0
    rows = iter(rows)
    with pq.ParquetWriter(str(path), schema) as writer:
        while batch := list(itertools.islice(rows, BATCH)):
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
    return n

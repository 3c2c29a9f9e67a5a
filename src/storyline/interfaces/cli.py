"""The ``storyline`` command line (Typer + Rich).

Human output goes to a terminal as tables and progress bars; piped output is machine
readable and quiet. Errors are one line naming the input and the reason.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from storyline.analyse.events import StoryEvent
from storyline.api import EventRow, Storyline
from storyline.clean.dates import DateError
from storyline.extract.types import TODAY, Actor
from storyline.interfaces.cli_batch import batch_app
from storyline.interfaces.cli_common import (
    DbOption,
    FormatOption,
    InputFormatOption,
    LangOption,
    PublishedOption,
    SourceOption,
    WorkersOption,
    err,
    sample_corpus,
    sample_labels,
)
from storyline.interfaces.cli_common import check_format as _format
from storyline.interfaces.cli_common import embeddings_model as _embeddings_model
from storyline.interfaces.cli_common import engine as _engine
from storyline.interfaces.cli_common import fail as _fail
from storyline.interfaces.cli_common import open_store as _open
from storyline.interfaces.cli_common import print_report as _print_report
from storyline.interfaces.cli_eval import eval_app
from storyline.interfaces.event_table import COLUMNS, table_row
from storyline.interfaces.output import emit, printable
from storyline.models import Article, IngestReport
from storyline.semantic.load import AUTO
from storyline.semantic.static import STATIC
from storyline.semantic.vectors import EmbeddingsError
from storyline.store import StoreError, default_db_path, is_url, store_files

if TYPE_CHECKING:
    from storyline.analyse.types import StoryReport

__all__ = ["app", "main", "sample_corpus", "sample_labels"]

app = typer.Typer(
    help="Storyline: turn piles and streams of news articles into stories, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ARTICLE_COLUMNS = ("id", "published", "source", "lang", "title")


def article_row(article: Article) -> dict[str, Any]:
    return article.to_dict(with_text=False)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, or - for stdin.")],
    input_format: InputFormatOption = "auto",
    source: SourceOption = None,
    published: PublishedOption = None,
    lang: LangOption = None,
    workers: WorkersOption = None,
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL", envvar="STORYLINE_EMBEDDINGS", show_envvar=True,
        help="Sentence embeddings that also match stories: by default the model the store "
             "records, else 'static' (the default install's fast static model); 'minilm' "
             "for all-MiniLM-L6-v2 (the embeddings extra; 'default' is its older name), a "
             "local model folder or a cached model name; 'none' turns it off. English "
             "articles only, unless the model is multilingual. Offline. A store keeps the "
             "model it was first given.", show_default=False)] = None,
    dense_weight: Annotated[float | None, typer.Option(
        "--dense-weight", min=0.0, max=1.0,
        help="With --embeddings: the dense share of the story score, "
             "(1 - w) * sparse + w * dense evidence (default 0.5).",
        show_default=False)] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDRESS",
        help="Parse, clean and extract on a Dask cluster: a scheduler (tcp://host:8786) or "
             "'local' (--workers processes here). Needs storyline[dask] on every worker; "
             "this process still writes the store.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Read articles into the store. Bad inputs are reported and kept in the rejects list."""
    from storyline.pipeline import default_workers

    model = AUTO if embeddings is None else _embeddings_model(embeddings)
    if dense_weight is not None and model is None:
        _fail("--dense-weight needs embeddings (not --embeddings none)")
    stdin = sys.stdin.buffer if "-" in paths else None  # read as it comes, never whole
    with _open(db) as sl, _engine(dask, workers) as (executor, slots):
        report = _run_ingest(
            sl, paths, input_format=input_format, source=source, published=published,
            lang=lang, workers=slots or workers or default_workers(), stdin=stdin,
            embeddings=model, dense_weight=dense_weight, executor=executor,
        )
        stored_model = sl.store.stories.meta("embedding_model")
    _print_report(report)
    if stored_model and report.embeddings is None and report.ingested:
        from storyline.stories.assign import cli_model

        why = ("" if model is None else
               f"; its model cannot be loaded here: use --embeddings {cli_model(stored_model)} "
               "to see why")
        err.print(f"note: this store has embeddings ({stored_model}); these articles were "
                  f"placed without them" + (why or
                                            f" (use --embeddings {cli_model(stored_model)})"),
                  soft_wrap=True, markup=False)
    if report.interrupted:
        raise typer.Exit(130)


def _run_ingest(sl: Storyline, paths: list[str], **kwargs: Any) -> IngestReport:
    show = err.is_terminal and not os.environ.get("CI")
    progress = Progress(
        SpinnerColumn(), TextColumn("[bold]ingesting"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[origin]}", style="dim"), console=err, transient=True,
    ) if show else None
    with progress or nullcontext():
        task = progress.add_task("ingest", total=None, origin="") if progress else None

        def tick(origin: str) -> None:
            if progress is not None and task is not None:
                progress.update(task, advance=1, origin=origin[-60:])

        def total(n: int) -> None:
            if progress is not None and task is not None:
                progress.update(task, total=n)

        try:
            return sl.ingest(paths, format=kwargs.pop("input_format"), progress=tick,
                             progress_total=total if progress is not None else None, **kwargs)
        except (ValueError, DateError) as exc:
            _fail(str(exc))
        except EmbeddingsError as exc:
            from rich.markup import escape

            _fail(escape(str(exc)))  # keep "storyline[embeddings]" from being read as markup
    raise AssertionError("unreachable")


@app.command()
def articles(
    source: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only this language code.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before this date.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Full-text search.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """List stored articles, newest first (best match first with --query)."""
    output = _format(fmt)
    with _open(db) as sl:
        try:
            found = sl.articles(source=source, lang=lang, since=since, until=until,
                                query=query, limit=limit or None)
        except DateError as exc:
            _fail(str(exc))
    emit([article_row(a) for a in found], ARTICLE_COLUMNS, output,
         title=f"{len(found)} articles")


@app.command()
def article(
    ref: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    removed: Annotated[bool, typer.Option("--removed", help="Show what cleaning removed.")] = False,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """Show one article: metadata, cleaned text and (with --removed) the removed lines."""
    output = _format(fmt)
    with _open(db) as sl:
        found = sl.article(ref)
    if found is None:
        _fail(f"no article with id {ref!r}", code=1)
    if output != "table":
        emit([found.to_dict()], (*ARTICLE_COLUMNS, "origin", "text"), output)
        return
    out = Console(highlight=False)
    out.print(f"[bold]{found.title}[/bold]" + (" [dim](title inferred)[/dim]"
                                                if found.title_inferred else ""))
    meta = {
        "id": found.id, "source": found.source, "byline": found.byline,
        "published": _published(found), "lang": _lang(found), "url": found.url,
        "origin": found.origin, "format": found.format + (" (partial)" if found.partial else ""),
        "story": found.story_id,
    }
    for key, value in meta.items():
        if value:
            out.print(f"[dim]{key:>9}[/dim]  {value}", soft_wrap=True)
    out.print()
    out.print(found.text, soft_wrap=True, markup=False)
    if removed:
        out.print()
        out.print(f"[bold]Removed by cleaning[/bold] ({len(found.removed)} lines)")
        for line in found.removed:
            out.print(f"[dim]{line.line:>4}[/dim] [yellow]{line.reason}[/yellow]: ", end="")
            out.print(line.text, markup=False, soft_wrap=True)


def _published(a: Article) -> str:
    if not a.published:
        return "unknown"
    return f"{a.published} ({a.published_from})" if a.published_from else a.published


def _lang(a: Article) -> str | None:
    if a.lang and a.lang_score is not None:
        return f"{a.lang} (detected, p={a.lang_score:.2f})"
    return a.lang


@app.command()
def rejects(
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """List inputs that could not be ingested, with the reason."""
    output = _format(fmt)
    with _open(db) as sl:
        rows = [r.to_dict() for r in sl.rejects(limit or None)]
    emit(rows, ("origin", "reason", "last_seen", "times"), output, title=f"{len(rows)} rejects")


STORY_COLUMNS = ("id", "first_seen", "last_seen", "article_count", "sources", "languages",
                 "headline")
#: ``storyline stories``: the counts the story page shows, and whether sources disagree.
LIST_COLUMNS = ("id", "first_seen", "last_seen", "article_count", "source_count",
                "independent_sources", "disputed", "languages", "headline")
DIGEST_COLUMNS = (*STORY_COLUMNS[:-1], "source_count", "independent_sources", "conflicts",
                  "disputed", "single_source", "headline")


def _story_rows(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**s, "first_seen": (s["first_seen"] or "")[:10] or None,
             "last_seen": (s["last_seen"] or "")[:10] or None} for s in stories]


@app.command()
def stories(
    since: Annotated[str | None, typer.Option(help="Seen on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Seen on or before this date.")] = None,
    source: Annotated[str | None, typer.Option(help="With an article from this outlet.")] = None,
    entity: Annotated[str | None, typer.Option(
        help="Mentioning this name, or naming this entity id (person:antony-blinken).")] = None,
    lang: Annotated[str | None, typer.Option(help="With an article in this language.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Full-text search.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """List stories, newest first (by their latest report; undated last), with the story
    page's counts: sources, independent sources, and whether sources disagree."""
    output = _format(fmt)
    with _open(db) as sl:
        try:
            found = sl.stories(since=since, until=until, source=source, entity=entity,
                               lang=lang, query=query, limit=limit or None, digests=True)
            total = sl.count_stories(since=since, until=until, source=source, entity=entity,
                                     lang=lang, query=query)
        except (DateError, ValueError) as exc:
            _fail(str(exc))
    shown = f"{len(found)} of {total}" if total > len(found) else str(total)
    emit(_story_rows(found), LIST_COLUMNS if output == "table" else DIGEST_COLUMNS, output,
         title=f"{shown} stories")


@app.command()
def entities(
    story: Annotated[str | None, typer.Option(help="Only this story's articles.")] = None,
    kind: Annotated[str | None, typer.Option(help="PERSON | ORG | GPE | LOC")] = None,
    name: Annotated[str | None, typer.Option(help="Whose name or alias contains this.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """People, organisations and places: canonical name, aliases seen, roles, counts."""
    output = _format(fmt)
    with _open(db) as sl:
        try:
            found = sl.entities(story=story, kind=kind, name=name, limit=limit or None)
        except ValueError as exc:
            _fail(str(exc))
    rows = [{"id": e.id, "name": e.name, "kind": e.kind, "mentions": e.mentions,
             "articles": len(e.articles), "stories": len(e.stories),
             "aliases": list(e.aliases) if output in ("json", "jsonl") else
             "; ".join(e.aliases),
             "roles": [{"role": r, "first_reported": d} for r, d in e.roles]
             if output in ("json", "jsonl") else "; ".join(r for r, _ in e.roles),
             "country": e.country, "geonameid": e.geonameid, "capital_of": e.capital_of}
            for e in found]
    emit(rows, ("name", "kind", "mentions", "articles", "stories", "aliases", "roles"),
         output, title=f"{len(rows)} entities")


@app.command()
def quotes(
    story: Annotated[str | None, typer.Option(help="Only this story's articles.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Whose name contains this.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """Direct quotes with who said them, where and when they were reported."""
    output = _format(fmt)
    with _open(db) as sl:
        try:
            found = sl.quotes(story=story, speaker=speaker, limit=limit or None)
        except ValueError as exc:
            _fail(str(exc))
    rows = [{"published": (q.published or "")[:10] or None, "source": q.source,
             "speaker": q.speaker, "quote": q.text if output != "table" else _clip(q.text, 90),
             "cue": q.cue, "partial": q.partial, "article": q.article_id,
             "speaker_id": q.speaker_id, "start": q.start, "end": q.end} for q in found]
    emit(rows, ("published", "source", "speaker", "quote", "cue"), output,
         title=f"{len(rows)} quotes")


@app.command()
def events(
    story: Annotated[str | None, typer.Option(help="Only this story's articles.")] = None,
    type_: Annotated[str | None, typer.Option(
        "--type", help="PLOVER type: AGREE, CONSULT, … ASSAULT.")] = None,
    actor: Annotated[str | None, typer.Option(
        help="Source or target: a name, words, or a code (CHN, USA-GOV).")] = None,
    since: Annotated[str | None, typer.Option(help="From this day (event day).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day.")] = None,
    status: Annotated[str | None, typer.Option(
        help="happened | planned | negated")] = None,
    distinct: Annotated[bool, typer.Option(
        help="With --story: each distinct event once, with the articles and independent "
             "sources (copies once) that report it.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Show events at least this sure (0: every event the rules find; default: the "
             "calibrated threshold).", show_default=False)] = None,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """Who did what to whom (PLOVER), with the sentence that says so.

    ``--format csv`` is a GDELT-shaped event table (docs/events.md documents each column).
    """
    output = _format(fmt)
    if distinct:
        if story is None:
            _fail("--distinct needs --story")
        _distinct_events(story, output, limit, db, min_confidence)
        return
    with _open(db) as sl:
        try:
            found = sl.events(story=story, type=type_, actor=actor, since=since, until=until,
                              status=status, limit=limit or None,
                              min_confidence=min_confidence)
        except ValueError as exc:
            _fail(str(exc))
    if output == "csv":
        emit([table_row(r) for r in found], COLUMNS, output)
        return
    rows = [_event_row(r, output) for r in found]
    emit(rows, ("day", "type", "mode", "source", "target", "status", "where", "articles",
                "sources", "confidence", "evidence"), output, title=f"{len(rows)} events")


def _distinct_events(story: str, output: str, limit: int, db: str | None,
                     min_confidence: float | None) -> None:
    with _open(db) as sl:
        try:
            found = sl.story_events(story, min_confidence)
        except ValueError as exc:
            _fail(str(exc))
    table = output == "table"
    rows = [{"date": _event_date(e), "type": e.type,
             "mode": e.mode, "source": _actor_cell(e.source, table),
             "target": _actor_cell(e.target, table),
             "status": e.status, "statuses": e.statuses, "where": e.location,
             "articles": e.articles, "sources": e.independent, "confidence": e.confidence,
             "outlets": "; ".join(e.sources) if table else list(e.sources),
             "first_reported": e.first_reported, "date_text": e.date_text,
             "reports": [{"article": r.article_id, "outlet": r.source,
                          "published": r.published, "trigger": r.event.trigger,
                          "start": r.event.start, "end": r.event.end}
                         for r in e.reports]}
            for e in found[: limit or None]]
    emit(rows, ("date", "type", "mode", "source", "target", "status", "where", "articles",
                "sources", "confidence", "outlets"), output,
         title=f"{len(rows)} distinct events")


def _event_date(e: StoryEvent) -> str | None:
    """A distinct event's date: its own, the first report's day for news of the day,
    else none."""
    if e.date == TODAY:
        return (e.first_reported or "")[:10] or None
    return e.date


def _actor_cell(a: Actor | None, table: bool) -> Any:
    """An actor as a table cell ("Qin Gang (CHN-GOV)") or as a JSON object."""
    if a is None:
        return None
    if table:
        return f"{a.canonical} ({a.code})" if a.code else a.canonical
    return {"text": a.text, "name": a.canonical, "country": a.country, "sector": a.sector,
            "code": a.code, "start": a.start, "end": a.end}


def _event_row(r: EventRow, output: str) -> dict[str, Any]:
    e = r.event
    table = output == "table"
    return {"day": r.day, "type": e.type, "mode": e.mode, "source": _actor_cell(e.source, table),
            "target": _actor_cell(e.target, table), "status": e.status, "where": e.location,
            "geonameid": e.location_geonameid, "date": e.date, "date_text": e.date_text,
            "articles": r.articles, "sources": r.independent,
            "evidence": _clip(r.evidence, 80) if table else r.evidence,
            "trigger": e.trigger, "trigger_start": e.trigger_start,
            "trigger_end": e.trigger_end, "article": r.article_id, "story": r.story_id,
            "outlet": r.source, "published": r.published, "url": r.url,
            "pattern": e.pattern, "confidence": e.confidence}


@app.command("export")
def export_table(
    table: Annotated[str, typer.Argument(
        help="articles | stories | entities | mentions | quotes | events | events-gdelt "
             "| facts", show_default=False)],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="jsonl | csv | parquet (parquet needs -o).")] = "jsonl",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (and its schema to FILE.schema.json) "
        "instead of standard output.", show_default=False)] = None,
    story: Annotated[str | None, typer.Option(help="Only this story.")] = None,
    since: Annotated[str | None, typer.Option(
        help="From this date (articles: published; stories, facts: seen; events: event "
             "day).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date.")] = None,
    source: Annotated[str | None, typer.Option(
        help="Only this outlet (articles; stories and facts: with an article from it).")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Only this language (articles).")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="events, events-gdelt: only events at least this sure (0: every event; "
             "default: the threshold events are shown at).", show_default=False)] = None,
    schema: Annotated[bool, typer.Option(
        "--schema", help="Print the table's schema (JSON) instead of its rows.")] = False,
    db: DbOption = None,
) -> None:
    """Write a table of the store as JSON Lines, CSV or Parquet for pandas, DuckDB, Spark.

    Each table has a versioned schema, documented in docs/export.md.
    """
    from rich.markup import escape

    from storyline.interfaces import export as ex

    filters = ex.Filters(story=story, since=since, until=until, source=source, lang=lang,
                         min_confidence=min_confidence)
    try:
        chosen = ex.check(table, fmt, output, filters)
    except ex.ExportError as exc:
        _fail(escape(str(exc)))
    if schema:
        typer.echo(json.dumps(ex.schema_document(chosen), ensure_ascii=False, indent=2))
        return
    with _open(db) as sl:
        try:
            rows = ex.export(sl, table, fmt, output, filters)
        except ValueError as exc:  # ExportError, DateError, an unknown story
            _fail(escape(str(exc)))
        except BrokenPipeError:  # a reader such as head stopped early: not an error
            from contextlib import suppress

            with suppress(OSError, ValueError):  # no flush error at exit either
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        except OSError as exc:
            _fail(escape(f"cannot write {output}: {exc.strerror or exc}"))
    if output is not None:
        err.print(f"wrote {rows} {table} rows to {output} (schema: {ex.sidecar(output)})",
                  markup=False, soft_wrap=True)


@app.command()
def reextract(db: DbOption = None) -> None:
    """Extract entities, quotes, dates and events again from every stored article.

    For after an upgrade: stored articles, stories and corrections are kept.
    """
    with _open(db) as sl:
        total = sl.counts().get("articles", 0)
        with Progress(SpinnerColumn(), TextColumn("re-extracting"), BarColumn(),
                      MofNCompleteColumn(), console=Console(stderr=True),
                      transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("reextract", total=total)
            done = sl.reextract(lambda n, _total: bar.update(task, completed=n))
    Console(stderr=True).print(f"re-extracted {done} articles")


@app.command()
def reembed(
    embeddings: Annotated[str, typer.Option(
        "--embeddings", metavar="MODEL",
        help="The model to use from now on: 'static' (default install), 'minilm' (the "
             "embeddings extra), a local model folder or a cached model name.")],
    db: DbOption = None,
) -> None:
    """Give every stored article the sentence vectors of another model.

    A store keeps one model; this replaces it (articles and stories stay as they are).
    """
    from rich.markup import escape

    with _open(db) as sl:
        total = sl.counts().get("articles", 0)
        try:
            with Progress(SpinnerColumn(), TextColumn("re-embedding"), BarColumn(),
                          MofNCompleteColumn(), console=Console(stderr=True),
                          transient=True, disable=not sys.stderr.isatty()) as bar:
                task = bar.add_task("reembed", total=total)
                done = sl.reembed(embeddings, lambda n: bar.update(task, completed=n))
        except (EmbeddingsError, ValueError) as exc:
            _fail(escape(str(exc)))
    was = f" (was {done.previous})" if done.previous and done.previous != done.model else ""
    Console(stderr=True).print(
        f"{done.model}{was}: {done.articles} articles embedded, {done.skipped} not covered "
        f"by the model (their language), {done.stories} story centroids", markup=False)


@app.command()
def dates(
    article: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """Every time expression of an article, normalised against its publication date.

    Each with its value, granularity and the range of days it stands for.
    """
    output = _format(fmt)
    with _open(db) as sl:
        try:
            found, timexes = sl.dates(article)
        except ValueError as exc:
            _fail(str(exc))
    rows = [{"text": t.text, "type": t.type, "value": t.value, "granularity": t.granularity,
             "mod": t.mod, "anchored": t.anchored, "earliest": t.earliest, "latest": t.latest,
             "note": t.note, "sentence": t.sentence, "start": t.start, "end": t.end}
            for t in timexes]
    anchor = found.published or "no publication date"
    emit(rows, ("text", "type", "value", "granularity", "mod", "earliest", "latest", "note"),
         output, title=f"{len(rows)} time expressions in {found.id} (anchor: {anchor})")


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


SHOW_FORMATS = ("md", "json", "html", "table")


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Story id (or alias, or a unique prefix).")],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="md (a report to read) | json (the machine interface, "
        "docs/report.md) | html (one self-contained file) | table (the articles only).")]
    = "md",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file instead of standard output.")] = None,
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL", envvar="STORYLINE_EMBEDDINGS", show_envvar=True,
        help="Sentence embeddings that also align statements by meaning: 'static' (the "
             "default install's model, used when this is not given), 'minilm' (the "
             "embeddings extra), a local model folder or a cached model name; 'none' aligns "
             "by words, names, figures and dates only. Offline.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """A story report: what happened, when, who says what, and where sources differ.

    Headline, summary, timeline, people and places, events, quotes by speaker, sources side
    by side, what only one source says, conflicts, copies.
    """
    if fmt not in SHOW_FORMATS:
        _fail(f"--format must be one of {', '.join(SHOW_FORMATS)}, not {fmt!r}")
    with _open(db) as sl:
        story = sl.story(ref)
        if story is None:
            _fail(f"no story with id {ref!r}", code=1)
        try:
            report = sl.report(story["id"], embeddings=(
                STATIC if embeddings is None else _embeddings_model(embeddings)))
        except EmbeddingsError as exc:
            from rich.markup import escape

            _fail(escape(str(exc)))
        if fmt == "table":
            _show_articles(story, report)
            return
    from storyline.interfaces.report import to_html, to_json, to_markdown

    text = {"md": to_markdown, "json": to_json, "html": to_html}[fmt](report)
    if output is not None:
        try:
            output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
        err.print(f"wrote {output}")
        return
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def compare(
    ref: Annotated[str, typer.Argument(help="Story id (or alias, or a unique prefix).")],
    outlets: Annotated[list[str], typer.Argument(
        help="Two or more of the story's outlets: a name as `storyline show` gives it (any "
             "case), an article id of the story (or a prefix of 6+ characters) for its "
             "outlet, or a number in show's source list (1 is the first).",
        show_default=False)],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="md (to read) | json (the comparison's fact ids, for "
        "scripts; the facts are in `show --format json`).")] = "md",
    db: DbOption = None,
) -> None:
    """Chosen outlets of a story compared: what all state, what each alone states.

    Also the conflicts in which they take different sides. Copies count as their outlet's.
    """
    if fmt not in ("md", "json"):
        _fail(f"--format must be md or json, not {fmt!r}")
    from storyline.analyse.compare import compare_sources
    from storyline.interfaces.report import comparison_markdown

    with _open(db) as sl:
        story = sl.story(ref)
        if story is None:
            _fail(f"no story with id {ref!r}", code=1)
        report = sl.report(story["id"])
    try:
        comparison = compare_sources(report, outlets)
    except ValueError as exc:
        from rich.markup import escape

        _fail(escape(str(exc)))
    text = (comparison_markdown(report, comparison) if fmt == "md"
            else json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1) + "\n")
    sys.stdout.write(text)


def _show_articles(story: dict[str, Any], report: StoryReport) -> None:
    """The story's articles, after its numbered source list (the numbers compare takes)."""
    copies = {c.article_id: g.original for g in story["copy_groups"] for c in g.copies}
    rows = [{"id": a.id, "published": (a.published or "")[:10] or None, "source": a.source,
             "lang": a.lang, "copy_of": copies.get(a.id), "title": a.title}
            for a in story["articles"]]
    out = Console(highlight=False)
    out.print(f"[bold]{story['headline']}[/bold]", markup=True)
    out.print(f"[dim]story {story['id']} · {story['article_count']} articles · "
              f"{len(report.sources)} sources ({report.independent_sources} independent) · "
              f"languages {', '.join(story['languages'])} · "
              f"{(story['first_seen'] or '?')[:10]} → {(story['last_seen'] or '?')[:10]}[/dim]")
    if story["aliases"]:
        out.print(f"[dim]also known as {', '.join(story['aliases'])}[/dim]")
    from rich.markup import escape

    out.print("[bold]sources[/bold] [dim](compare takes a name, a number or an article "
              "id)[/dim]")
    sources = report.sources
    for n, column in enumerate(sources, 1):
        count = len(column.article_ids)
        out.print(f"{n:>3}. {escape(printable(column.source))} [dim]({count} "
                  f"article{'s' * (count != 1)}, {len(column.fact_ids)} facts)[/dim]",
                  soft_wrap=True)
    number = {c.source: n for n, c in enumerate(sources, 1)}
    outlet = {aid: c.source for c in sources for aid in c.article_ids}
    for row in rows:
        row["no."] = number.get(outlet.get(row["id"], ""))
    rows.sort(key=lambda r: (r["no."] or len(sources) + 1, r["published"] or ""))
    emit(rows, ("no.", "source", "published", "lang", "id", "copy_of", "title"), "table")


@app.command()
def why(
    ref: Annotated[str, typer.Argument(help="Article id (or a unique prefix).")],
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """Why an article is in its story: the decision, its score and the shared evidence."""
    output = _format(fmt)
    with _open(db) as sl:
        found = sl.why(ref)
    if found is None:
        _fail(f"no article {ref!r} in a story", code=1)
    if output != "table":
        emit([found], ("article_id", "story_id"), output)
        return
    out = Console(highlight=False)
    out.print(f"[bold]{found['title']}[/bold]  →  story {found['story_id']}: "
              f"{found['story_headline']}", markup=True)
    d = found["decision"]
    if d:
        runner = (f"; runner-up {d['runner_up']} at {d['runner_up_score']}"
                  if d["runner_up"] else "")
        dense = f", dense {d['dense']}" if d.get("dense") is not None else ""
        out.print(f"placed by: {d['method']} (score {d['score']}{dense}{runner})"
                  + (" · pinned by an analyst" if d["pinned"] else ""))
    now = found.get("now")
    if now:
        out.print(f"against the story now: score {now['score']} = lexical {now['lexical']}, "
                  f"names & numbers {now['names_and_numbers']}, time factor {now['time_factor']}"
                  + (" (cross-language: names and numbers only)" if now["cross_language"]
                     else ""))
        if now.get("dense") is not None:
            w = now["dense_weight"]
            out.print(f"  with embeddings: score = ({1 - w:g} × sparse {now['sparse']} + {w:g} × "
                      f"dense evidence {now['dense_evidence']}) × time factor; dense cosine "
                      f"{now['dense']}, model {now['embedding_model']}", markup=False)
        out.print(f"shared names: {', '.join(found['shared_names']) or '—'}")
        out.print(f"shared numbers: {', '.join(found['shared_numbers']) or '—'}")
        out.print("shared terms: " + (", ".join(t for t, _ in found["shared_terms"]) or "—"))
    for c in found.get("copies", []):
        out.print(f"copy link: {c['article_id']} (similarity {c['similarity']}, {c['method']})")


def _correct(action: Any, *args: Any, db: str | None) -> str:
    from storyline.stories.corrections import CorrectionError

    with _open(db) as sl:
        try:
            return str(action(sl, *args))
        except CorrectionError as exc:
            _fail(str(exc), code=1)


@app.command()
def merge(
    story_a: Annotated[str, typer.Argument(help="A story id.")],
    story_b: Annotated[str, typer.Argument(help="Another story id.")],
    db: DbOption = None,
) -> None:
    """Merge two stories (the older id survives; the other stays valid as an alias)."""
    kept = _correct(Storyline.merge, story_a, story_b, db=db)
    typer.echo(f"merged into story {kept}")


@app.command()
def split(
    story: Annotated[str, typer.Argument(help="The story to split.")],
    articles: Annotated[list[str], typer.Argument(help="Article ids to split off.")],
    db: DbOption = None,
) -> None:
    """Split articles off a story into a new one; the two are never merged back automatically."""
    new = _correct(Storyline.split, story, articles, db=db)
    typer.echo(f"split off into story {new}")


@app.command()
def move(
    article: Annotated[str, typer.Argument(help="The article to move.")],
    story: Annotated[str, typer.Argument(help="The story it belongs to.")],
    db: DbOption = None,
) -> None:
    """Move an article to another story and pin it there."""
    target = _correct(Storyline.move, article, story, db=db)
    typer.echo(f"moved to story {target}")


@app.command()
def dupes(
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """List copy groups: the likely original and the copies of it, with similarity."""
    output = _format(fmt)
    with _open(db) as sl:
        groups = sl.dupes()
        arts = sl.store.articles_by_id({i for g in groups for i in g.ids})
    if output in ("json", "jsonl"):
        rows = [
            {
                "original": g.original,
                "reason": g.reason,
                "copies": [
                    {"id": c.article_id, "similarity": c.similarity, "method": c.method}
                    for c in g.copies
                ],
            }
            for g in groups
        ]
        emit(rows, ("original", "copies"), output)
        return
    table = []
    for n, g in enumerate(groups, start=1):
        for role, aid, sim in [("original", g.original, None),
                               *(("copy", c.article_id, c.similarity) for c in g.copies)]:
            a = arts[aid]
            table.append({"group": n, "role": role, "id": aid, "source": a.source,
                          "published": (a.published or "")[:10], "lang": a.lang,
                          "similarity": "" if sim is None else f"{sim:.2f}",
                          "title": a.title})
    emit(table, ("group", "role", "id", "source", "published", "similarity", "title"), output,
         title=f"{len(groups)} copy groups")


@app.command()
def demo(
    db: Annotated[
        str | None, typer.Option("--db", metavar="FILE",
                                 help="Store file for the demo (recreated).")
    ] = None,
    fmt: FormatOption = None,
    serve_ui: Annotated[bool | None, typer.Option(
        "--serve/--no-serve",
        help="Then serve the web UI on localhost (default: when run in a terminal).")] = None,
    port: Annotated[int, typer.Option(help="Port for the web UI (the next free one if "
                                           "taken).")] = 8000,
) -> None:
    """Ingest the bundled sample corpus into a fresh store and serve the web UI on it.

    Ends with one screen: the stories, the biggest one's summary and conflicts, and the
    commands to go on with; then serves the UI (Ctrl-C stops).
    """
    from storyline.pipeline import default_workers

    if db and is_url(db):
        _fail("the demo recreates its store, so it takes a file, not a database URL: "
              "ingest the sample corpus into a server store with storyline ingest")
    path = Path(db) if db else default_db_path().with_name("demo.db")
    for file in store_files(path):
        file.unlink(missing_ok=True)
    output = _format(fmt)
    with _open(path) as sl:
        report = _run_ingest(sl, [str(sample_corpus())], input_format="auto", source=None,
                             published=None, lang=None, workers=default_workers(), stdin=None)
        found = sl.stories(limit=None)
        serving = serve_ui if serve_ui is not None else (sys.stdin.isatty()
                                                         and sys.stdout.isatty())
        free = _free_port("127.0.0.1", port) if serving else port
        if output == "table":
            _print_digest(sl, found, report, path, f"http://127.0.0.1:{free}/"
                          if serving else None)
        else:  # machine formats keep stdout for the stories alone
            _demo_machine(found, report, path, output)
            if serving:
                err.print("[bold]web UI:[/bold] the stories above, their sources, events and "
                          f"quotes: open http://127.0.0.1:{free}/  (Ctrl-C stops)")
    if serving:
        serve(host="127.0.0.1", port=free, allow_ingest=False, max_upload_mb=20.0,
              allowed_host=None, db=str(path))


def _print_digest(sl: Storyline, found: list[dict[str, Any]], report: IngestReport,
                  path: Path, web: str | None) -> None:
    """The demo's last screen (``demo_digest``), with the story page's counts."""
    from rich.text import Text

    from storyline.interfaces import demo_digest as dd

    shown, _ = dd.listed(found)
    top = dd.biggest(found)
    ids = [s["id"] for s in shown] + ([top["id"]] if top is not None else [])
    digests = sl.digests(ids)
    focus = sl.report(top["id"]) if top is not None else None
    digest = dd.build_digest(found, digests, focus, report, store=str(path), web=web)
    out = Console(highlight=False)
    for style, line in dd.render(digest, out.width):
        out.print(Text(line, style=style), soft_wrap=True)


def _demo_machine(found: list[dict[str, Any]], report: IngestReport, path: Path,
                  output: str) -> None:
    emit(_story_rows(found), STORY_COLUMNS, output,
         title=f"Sample corpus: {len(report.ingested)} articles in {len(found)} stories")
    _print_report(report, summary_to_stderr=True)
    top = max(found, key=lambda s: s["article_count"]) if found else None
    compare_hint = ""
    if top is not None and len(top["sources"]) >= 2:
        from rich.markup import escape

        a, b = top["sources"][:2]
        compare_hint = escape(f'; storyline compare {top["id"]} "{a}" "{b}" --db {path}')
    err.print(f"store: {path}  (next: storyline show STORY --db {path} [--format html]; "
              f"storyline entities --db {path}; storyline quotes --db {path}; "
              f"storyline events --db {path}{compare_hint})")


def _free_port(host: str, first: int, tries: int = 20) -> int:
    """``first``, or the next port up that nothing listens on."""
    import socket

    for port in range(first, first + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    return first


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind (localhost by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    allow_ingest: Annotated[bool, typer.Option(
        "--allow-ingest", help="Accept uploads at POST /api/ingest (off by default).")] = False,
    max_upload_mb: Annotated[float, typer.Option(
        help="Largest upload, in megabytes.")] = 20.0,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", metavar="NAME",
        help="Also answer requests that name this host (a proxy's or public name; "
             "repeatable). Others are refused, against DNS rebinding.")] = None,
    db: DbOption = None,
) -> None:
    """Serve the web UI and the HTTP API (JSON under /api, docs at /docs)."""
    import uvicorn

    from storyline.interfaces.web.app import create_app
    from storyline.interfaces.web.guard import default_hosts
    from storyline.interfaces.web.uploads import uploads_folder

    with _open(db) as sl:  # fail early, with one line, on a store that cannot be opened
        path, shown = sl.db_path, sl.store.location  # shown: without a password
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning:[/yellow] serving on {host}: anyone who can reach this "
                  "address can read the store")
    err.print(f"store: {shown}\nopen http://{'[' + host + ']' if ':' in host else host}:{port}/")
    if allow_ingest:
        area = uploads_folder(path)
        err.print(f"ingest over HTTP is on: POST /api/ingest?filename=NAME, at most "
                  f"{max_upload_mb:g} MB; uploads are kept in {area}")
    hosts = [*default_hosts(host), *(allowed_host or [])]
    uvicorn.run(create_app(path, allow_ingest=allow_ingest,
                           max_upload=int(max_upload_mb * 1024 * 1024), allowed_hosts=hosts),
                host=host, port=port, log_level="warning")


app.add_typer(batch_app, name="batch")
app.add_typer(eval_app, name="eval")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except StoreError as exc:  # a store that fails mid-command (a server gone): one line
        from rich.markup import escape

        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()

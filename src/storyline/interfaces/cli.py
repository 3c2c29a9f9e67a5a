"""The ``storyline`` command line (Typer + Rich).

Human output goes to a terminal as tables and progress bars; piped output is machine
readable and quiet. Errors are one line naming the input and the reason.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from storyline.analyse.events import StoryEvent
from storyline.api import EventRow, Storyline
from storyline.clean.dates import DateError
from storyline.extract.types import TODAY, Actor
from storyline.interfaces.event_table import COLUMNS, table_row
from storyline.interfaces.output import FORMATS, default_format, emit, printable
from storyline.models import Article, IngestReport
from storyline.semantic.load import AUTO
from storyline.semantic.static import STATIC
from storyline.semantic.vectors import EmbeddingsError, model_name
from storyline.store import StoreError, default_db_path, is_url, store_files

app = typer.Typer(
    help="Storyline: turn piles and streams of news articles into stories, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option("--db", metavar="FILE|URL",
                 help="Store: a SQLite file, or a postgresql://user@host/database URL "
                      "(default: $STORYLINE_DB or the per-user store).",
                 show_default=False),
]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table | json | jsonl | csv (table on a terminal).",
                 show_default=False),
]
ARTICLE_COLUMNS = ("id", "published", "source", "lang", "title")


def _open(db: str | Path | None) -> Storyline:
    try:
        return Storyline(db)
    except StoreError as exc:
        _fail(str(exc))


def _fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code)


def _format(value: str | None) -> str:
    fmt = value or default_format()
    if fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def article_row(article: Article) -> dict[str, Any]:
    return article.to_dict(with_text=False)


# What every article of a batch is said to be, for ingest and batch map alike.
InputFormatOption = Annotated[
    str, typer.Option("--format", help="auto | text | html | feed | warc | jsonl")]
SourceOption = Annotated[str | None, typer.Option(help="Outlet name for every article.")]
PublishedOption = Annotated[
    str | None, typer.Option(help="Publication date for every article (2023-06-14).")]
LangOption = Annotated[str | None, typer.Option(help="Language code for every article.")]
WorkersOption = Annotated[int | None, typer.Option(help="Worker processes (default: cores).")]


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


@contextmanager
def _engine(dask: str | None, workers: int | None) -> Iterator[tuple[Any, int | None]]:
    """(executor, its task slots) for --dask; (None, None) for this machine's pool."""
    if not dask:
        yield None, None
        return
    from storyline.engines.dask_engine import EngineError, dask_executor

    try:
        with dask_executor(dask.strip(), workers=workers) as (executor, slots):
            yield executor, slots
    except EngineError as exc:  # raised on the way in only: the ingest's own errors pass
        _fail(str(exc))


def _embeddings_model(value: str | None) -> str | None:
    """--embeddings / STORYLINE_EMBEDDINGS: None, '' or 'none' is off."""
    model = (value or "").strip()
    if model.lower() in ("", "none", "off"):
        return None
    return model


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

        try:
            return sl.ingest(paths, format=kwargs.pop("input_format"), progress=tick, **kwargs)
        except (ValueError, DateError) as exc:
            _fail(str(exc))
        except EmbeddingsError as exc:
            from rich.markup import escape

            _fail(escape(str(exc)))  # keep "storyline[embeddings]" from being read as markup
    raise AssertionError("unreachable")


def _print_report(report: IngestReport, *, summary_to_stderr: bool = False) -> None:
    from rich.markup import escape

    for notice in report.warnings:
        err.print(f"[yellow]warning[/yellow] {escape(printable(notice.text()))}",
                  soft_wrap=True, markup=True, highlight=False)
    for reject in report.rejected:
        err.print(f"[yellow]rejected[/yellow] {escape(printable(reject.message()))}",
                  soft_wrap=True, markup=True, highlight=False)
    typer.echo(report.summary(), err=summary_to_stderr)


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


def _story_rows(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**s, "first_seen": (s["first_seen"] or "")[:10] or None,
             "last_seen": (s["last_seen"] or "")[:10] or None} for s in stories]


@app.command()
def stories(
    since: Annotated[str | None, typer.Option(help="Seen on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Seen on or before this date.")] = None,
    source: Annotated[str | None, typer.Option(help="With an article from this outlet.")] = None,
    entity: Annotated[str | None, typer.Option(help="Mentioning this name.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Full-text search.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 100,
    fmt: FormatOption = None,
    db: DbOption = None,
) -> None:
    """List stories: multi-article stories first, newest first."""
    output = _format(fmt)
    with _open(db) as sl:
        try:
            found = sl.stories(since=since, until=until, source=source, entity=entity,
                               query=query, limit=limit or None)
        except DateError as exc:
            _fail(str(exc))
    emit(_story_rows(found), STORY_COLUMNS, output, title=f"{len(found)} stories")


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
        if fmt == "table":
            _show_articles(story)
            return
        from storyline.interfaces.report import to_html, to_json, to_markdown

        try:
            report = sl.report(story["id"], embeddings=(
                STATIC if embeddings is None else _embeddings_model(embeddings)))
        except EmbeddingsError as exc:
            from rich.markup import escape

            _fail(escape(str(exc)))
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
        help="Two or more of the story's outlets, as `storyline show` names them (any "
             "case).", show_default=False)],
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


def _show_articles(story: dict[str, Any]) -> None:
    copies = {c.article_id: g.original for g in story["copy_groups"] for c in g.copies}
    rows = [{"id": a.id, "published": (a.published or "")[:10] or None, "source": a.source,
             "lang": a.lang, "copy_of": copies.get(a.id), "title": a.title}
            for a in story["articles"]]
    out = Console(highlight=False)
    out.print(f"[bold]{story['headline']}[/bold]", markup=True)
    out.print(f"[dim]story {story['id']} · {story['article_count']} articles · "
              f"{len(story['sources'])} sources · languages {', '.join(story['languages'])} · "
              f"{(story['first_seen'] or '?')[:10]} → {(story['last_seen'] or '?')[:10]}[/dim]")
    if story["aliases"]:
        out.print(f"[dim]also known as {', '.join(story['aliases'])}[/dim]")
    rows.sort(key=lambda r: (r["source"] or "~", r["published"] or ""))
    emit(rows, ("source", "published", "lang", "id", "copy_of", "title"), "table")


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


def sample_corpus() -> Path:
    """The bundled sample corpus (written by the Storyline team for demos and tests)."""
    return Path(str(resources.files("storyline").joinpath("data", "sample", "articles")))


def sample_labels() -> Path:
    return Path(str(resources.files("storyline").joinpath("data", "sample", "labels.json")))


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

    Lists its stories, people, quotes and events, prints the biggest story's report, then
    serves the UI (Ctrl-C stops).
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
        top = max(found, key=lambda s: s["article_count"]) if found else None
        story_report = (sl.report(top["id"]) if top is not None and output == "table"
                        else None)
    emit(_story_rows(found), STORY_COLUMNS, output,
         title=f"Sample corpus: {len(report.ingested)} articles in {len(found)} stories")
    if story_report is not None:
        from storyline.interfaces.report import to_markdown

        Console(highlight=False).rule("The report of the biggest story (storyline show)")
        sys.stdout.write(to_markdown(story_report) + "\n")
    # Machine formats keep stdout for the stories alone.
    _print_report(report, summary_to_stderr=output != "table")
    compare_hint = ""
    if top is not None and len(top["sources"]) >= 2:
        from rich.markup import escape

        a, b = top["sources"][:2]
        compare_hint = escape(f'; storyline compare {top["id"]} "{a}" "{b}" --db {path}')
    err.print(f"store: {path}  (next: storyline show STORY --db {path} [--format html]; "
              f"storyline entities --db {path}; storyline quotes --db {path}; "
              f"storyline events --db {path}{compare_hint})")
    if serve_ui if serve_ui is not None else (sys.stdin.isatty() and sys.stdout.isatty()):
        free = _free_port("127.0.0.1", port)
        err.print("[bold]web UI:[/bold] the stories above, their sources, events and quotes: "
                  f"open http://127.0.0.1:{free}/  (Ctrl-C stops)")
        serve(host="127.0.0.1", port=free, allow_ingest=False, max_upload_mb=20.0,
              allowed_host=None, db=str(path))


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


batch_app = typer.Typer(
    help="Archives too big for one ingest: a parallel map to Parquet (here or on a Dask "
         "cluster), then a load into the store.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")


@batch_app.command("map")
def batch_map(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the Parquet parts.")],
    input_format: InputFormatOption = "auto",
    source: SourceOption = None,
    published: PublishedOption = None,
    lang: LangOption = None,
    workers: WorkersOption = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDRESS",
        help="Run the tasks on a Dask cluster (tcp://host:8786, or 'local'); the workers "
             "must read the inputs and write --out (shared storage).",
        show_default=False)] = None,
) -> None:
    """Read, clean and extract every input, one task per file, into Parquet parts.

    A rerun redoes only missing parts, or parts made from changed inputs or options.
    """
    from storyline.api import map_batch
    from storyline.engines.batch import BatchError

    try:
        with _engine(dask, workers) as (executor, _):
            counts = map_batch(paths, out, executor=executor, workers=workers,
                               format=input_format, source=source, published=published,
                               lang=lang)
    except (BatchError, ValueError, DateError) as exc:
        _fail(str(exc))
    parts = f"{counts['parts']} part" + ("s" if counts["parts"] != 1 else "")
    typer.echo(f"{parts} ({counts['reused']} reused): {counts['articles']} "
               f"articles, {counts['rejects']} rejected, in {out}")


@batch_app.command("load")
def batch_load(
    folder: Annotated[Path, typer.Argument(help="The folder a batch map wrote.")],
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL", envvar="STORYLINE_EMBEDDINGS",
        help="As for ingest.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Store a batch map's results in input order: the same store as ingest would give."""
    from storyline.engines.batch import BatchError

    model = AUTO if embeddings is None else _embeddings_model(embeddings)
    with _open(db) as sl:
        try:
            report = sl.load_batch(folder, embeddings=model)
        except BatchError as exc:
            _fail(str(exc))
        except EmbeddingsError as exc:
            from rich.markup import escape

            _fail(escape(str(exc)))
    _print_report(report)
    if report.interrupted:
        raise typer.Exit(130)


eval_app = typer.Typer(help="Measure Storyline against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("clean")
def eval_clean(
    labels: Annotated[
        Path | None, typer.Option(help="Labels file (default: sample corpus).")
    ] = None,
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder the labels describe.")] = None,
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List misses and losses.")] = False,
) -> None:
    """Boilerplate removal against labelled boilerplate lines (the sample corpus by default)."""
    from storyline.evaluation.cleaning import evaluate_cleaning

    labels = labels or sample_labels()
    corpus = (corpus or (labels.parent / "articles")).resolve()
    report = evaluate_cleaning(labels, corpus)
    rows = []
    for name, score in [*sorted(report.by_format.items()), ("all", report.total)]:
        rows.append({
            "format": name, "boilerplate lines": score.boilerplate, "removed": score.caught,
            "recall": f"{score.recall:.3f}", "article lines": score.article_lines,
            "lost": score.lost, "loss rate": f"{score.loss_rate:.4f}",
        })
    emit(rows, list(rows[0]), "table", title=f"Cleaning: {report.articles} articles")
    if report.unmatched_labels:
        err.print(f"{len(report.unmatched_labels)} labelled articles were not ingested: "
                  + ", ".join(report.unmatched_labels))
    if mistakes:
        for key, line in report.total.missed_lines:
            typer.echo(f"missed  {key}: {line}")
        for key, line, reason in report.total.lost_lines:
            typer.echo(f"lost    {key}: {line}  [{reason}]")


@eval_app.command("facts")
def eval_facts(
    labels: Annotated[Path | None, typer.Option(
        help="Fact labels (default: the sample corpus's facts.json; labels.json and "
             "articles/ beside it).", show_default=False)] = None,
    ecbplus: Annotated[Path | None, typer.Option(
        help="Instead of labels: ECB+ (ecbplus-event-clusters folder), sentences of one "
             "event cluster that mention the same event occurrence (positive) or only the "
             "same participants (negative).", show_default=False)] = None,
    split: Annotated[str, typer.Option(
        help="With --ecbplus: tune (topics 1, 5, 9, ...), check (3, 7, 11, ...), dev (both) "
             "or test (even topics, held out).")] = "check",
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Sentence embeddings, as show --embeddings: 'static' (the default install's "
             "model, as the report uses), 'minilm' (the embeddings extra), a local model "
             "folder or a cached model name; 'none' for words, names, figures and dates "
             "only. Offline.")] = STATIC,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed positive pairs and violated negatives.")] = False,
) -> None:
    """Fact alignment of the story report against labelled same-fact and different-fact
    statement pairs: pair recall and negative violations."""
    import tempfile

    from rich.markup import escape

    from storyline.evaluation import ecb_facts
    from storyline.evaluation.facts import default_labels, evaluate_facts
    from storyline.semantic.load import load_encoder

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    if ecbplus is not None and labels is not None:
        _fail("give --labels or --ecbplus, not both")
    try:
        model = _embeddings_model(embeddings)
        encoder = load_encoder(model) if model is not None else None
        with tempfile.TemporaryDirectory() as tmp:
            path = (ecb_facts.write(ecbplus, split, Path(tmp)) if ecbplus is not None
                    else labels or default_labels())
            report = evaluate_facts(path, encoder=encoder)
    except (OSError, ValueError, KeyError, EmbeddingsError) as exc:
        _fail(escape(str(exc)))
    command = ("storyline eval facts" + (f" --labels {labels}" if labels else "")
               + (f" --ecbplus {ecbplus} --split {split}" if ecbplus else "")
               + (f" --embeddings {embeddings}" if embeddings != STATIC else ""))
    if fmt == "json":
        typer.echo(json.dumps({**report.as_dict(mistakes=mistakes), "command": command},
                              ensure_ascii=False))
        return
    rows = [s.row() for s in report.splits()]
    emit(rows, list(rows[0]), "table", title=f"Facts: {report.stories} stories, "
         f"{report.claims} claims in {report.facts} facts"
         + (f" ({report.model})" if report.model else " (no embeddings)"))
    total = report.total
    typer.echo(f"pair recall {total.recall:.3f} ({total.found}/{total.positives}); negative "
               f"violations {total.violated}/{total.negatives}; statements matching no claim: "
               f"{len(report.unmapped)}; {report.seconds:.1f} s")
    for story, article, text, why in report.unmapped:
        typer.echo(f"unmapped {story} {article}: {text!r} ({why})")
    if mistakes:
        for kind, outcomes in (("missed", report.missed()), ("violated", report.violations())):
            for o in outcomes:
                typer.echo(f"{kind} {o.pair.story} [{o.pair.note}]")
                for claims in (o.claims_a, o.claims_b):
                    typer.echo("    " + (" | ".join(claims) or "(no claim)"))
    typer.echo(f"rerun: {command}")


@eval_app.command("pairs")
def eval_pairs(
    file: Annotated[Path, typer.Argument(help="SemEval-2022 Task 8 CSV (text1, text2, Overall).")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Score with sentence embeddings (needs storyline[embeddings]): 'default' for the "
             "bundled all-MiniLM-L6-v2, a local model folder or a cached model name. Offline.",
        show_default=False)] = None,
    dense_weight: Annotated[float | None, typer.Option(
        "--dense-weight", min=0.0, max=1.0,
        help="With --embeddings: score = (1 - w) * sparse + w * dense (default 1: dense only).",
        show_default=False)] = None,
) -> None:
    """Same-story similarity against human Overall scores: Pearson and Spearman."""
    from rich.markup import escape

    from storyline.evaluation.pairs import evaluate_pairs
    from storyline.semantic.load import load_encoder

    if dense_weight is not None and embeddings is None:
        _fail("--dense-weight needs --embeddings MODEL")
    try:
        encoder = load_encoder(embeddings) if embeddings is not None else None
        results = evaluate_pairs(file, encoder=encoder, dense_weight=dense_weight)
    except (OSError, ValueError, EmbeddingsError) as exc:
        _fail(escape(str(exc)))  # keep "storyline[embeddings]" from being read as markup
    rows: list[dict[str, Any]] = [
        {"languages": r.lang_pair, "pairs": r.pairs, "pearson": round(r.pearson, 4),
         "spearman": round(r.spearman, 4)} for r in results]
    title = f"Pairs: {file.name}"
    if encoder is not None:
        weight = 1.0 if dense_weight is None else dense_weight
        score = "dense" if weight == 1.0 else f"{1 - weight:g}*sparse+{weight:g}*evidence(dense)"
        rows = [{"score": score, **row} for row in rows]
        title += f" ({score}, {model_name(encoder)})"
    if fmt == "json":
        typer.echo(json.dumps(rows))
    else:
        emit(rows, list(rows[0]), "table", title=title)


@eval_app.command("clusters")
def eval_clusters(
    file: Annotated[Path, typer.Argument(help="JSON Lines: id, title, text, story[, published].")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List mixed stories.")] = False,
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Sentence embeddings that also match stories, as ingest --embeddings: "
             "'static' (the default install's model, what ingest uses by default), 'minilm' "
             "(the embeddings extra), a local model folder or a cached model name; 'none' "
             "for the sparse score alone. Offline.")] = STATIC,
    dense_weight: Annotated[float | None, typer.Option(
        "--dense-weight", min=0.0, max=1.0,
        help="With embeddings: score = (1 - w) * sparse + w * dense evidence (default 0.5).",
        show_default=False)] = None,
) -> None:
    """Story clustering through the incremental ingest path: B-cubed, pairwise F1, ARI, NMI."""
    from rich.markup import escape

    from storyline.evaluation.clusters import clusters_report
    from storyline.semantic.load import load_encoder
    from storyline.stories.assign import DENSE_WEIGHT

    model = _embeddings_model(embeddings)
    if dense_weight is not None and model is None:
        _fail("--dense-weight needs embeddings (not --embeddings none)")
    try:
        encoder = load_encoder(model) if model is not None else None
        score, mixed = clusters_report(file, encoder=encoder, dense_weight=dense_weight)
    except (OSError, ValueError, EmbeddingsError) as exc:
        _fail(escape(str(exc)))
    row = score.as_dict()
    title = f"Clusters: {file.name}"
    if encoder is not None:
        weight = DENSE_WEIGHT if dense_weight is None else dense_weight
        row |= {"dense weight": weight, "model": model_name(encoder)}
        title += f" (dense weight {weight:g}, {model_name(encoder)})"
    if fmt == "json":
        typer.echo(json.dumps(row))
    else:
        emit([row], list(row), "table", title=title)
    if mistakes:
        for story, members in mixed.items():
            typer.echo(f"{story}: " + " | ".join(f"[{g}] {t}" for g, t in members))


@eval_app.command("quotes")
def eval_quotes(
    file: Annotated[Path, typer.Argument(
        help="PolNeAR derived/polnear_<split>_attributions.jsonl (or the PolNeAR folder).")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    part: Annotated[str, typer.Option(
        help="all | tune (articles at even positions by name) | held-out (odd).")] = "all",
    texts: Annotated[Path | None, typer.Option(
        help="Folder of <article>.txt (default: <folder>/<split>/text).",
        show_default=False)] = None,
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed, false and ignored quotes and wrong speakers.")] = False,
) -> None:
    """Direct quotes and speakers against PolNeAR: detection P/R/F1, speaker accuracy."""
    from storyline.evaluation.quotes import evaluate_quotes

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate_quotes(file, part, texts, mistakes=mistakes)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    if fmt == "json":
        row = report.as_dict()
        typer.echo(json.dumps({**row, "mistakes": report.mistakes} if mistakes else row))
        return
    summary = {k: v for k, v in report.as_dict().items() if k not in ("detection", "part")}
    emit(report.rows(), list(report.rows()[0]), "table",
         title=f"Quotes: {file.name}, {report.part} ({report.articles} articles)")
    typer.echo("; ".join(f"{k}: {v}" for k, v in summary.items()))
    for line in report.mistakes:
        typer.echo(line)


@eval_app.command("convert")
def eval_convert(
    kind: Annotated[str, typer.Argument(
        help="ecbplus | allsides | basil | uci | sample | pac | wikiref")],
    source: Annotated[Path, typer.Argument(help="The dataset folder (or labels.json).")],
    split: Annotated[str | None, typer.Option(
        help="allsides: train|val|test|all; pac: train|dev|test|all; wikiref: 220|186|150; "
             "basil: nodates to drop dates.")] = None,
) -> None:
    """Write a development set as clusters JSON Lines on stdout (nothing is copied)."""
    from storyline.evaluation.convert import convert

    try:
        for record in convert(kind, source, split):
            typer.echo(json.dumps(record, ensure_ascii=False))
    except (OSError, ValueError, KeyError) as exc:
        _fail(f"{source}: {exc}")


@eval_app.command("dupes")
def eval_dupes(
    docs: Annotated[Path, typer.Argument(help="JSON Lines of source articles (field 'text').")],
    seed: Annotated[int, typer.Option(help="Seed of the generated copies.")] = 2,
    n: Annotated[int, typer.Option(help="How many copies to generate.")] = 300,
    mistakes: Annotated[bool, typer.Option("--mistakes", help="List wrong pairs.")] = False,
) -> None:
    """Near-duplicate detection on generated copies (5–40% edits, reorders, junk, cuts)."""
    from storyline.evaluation.dupes import evaluate_dupes

    try:
        score = evaluate_dupes(docs, seed=seed, n=n)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    rows = [{"edit rate": k, "copies found": f"{hit}/{total}"}
            for k, (hit, total) in score.by_edit.items()]
    emit(rows, ["edit rate", "copies found"], "table",
         title=f"{score.copies} copies of {score.originals} distinct articles (seed {seed})")
    typer.echo(f"pairs: true {score.true_pairs}, found {score.found}, correct {score.correct}; "
               f"precision {score.precision:.3f}, recall {score.recall:.3f}, F1 {score.f1:.3f}")
    if mistakes:
        for a, b, s in score.false_pairs:
            typer.echo(f"false  {a} ~ {b}  score {s:.2f}")
        for a, b, s in score.missed_pairs:
            typer.echo(f"missed {a} ~ {b}  score {s:.2f}")


@eval_app.command("extraction")
def eval_extraction(
    folder: Annotated[Path, typer.Argument(
        help="A folder in the L3S-GN1 or the Scrapinghub article-extraction-benchmark layout.")],
    limit: Annotated[int | None, typer.Option(help="Only the first N pages.")] = None,
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List the pages Storyline rejected.")] = False,
) -> None:
    """Main-text extraction of news pages: trafilatura alone vs. Storyline's parse and clean."""
    from storyline.evaluation.extraction import LayoutError, evaluate_extraction

    try:
        report = evaluate_extraction(folder, limit)
    except LayoutError as exc:
        _fail(str(exc))
    words = {"word P": "precision", "word R": "recall", "word F1 (micro)": "f1",
             "word F1 (macro)": "macro_f1"}
    shingles = {"shingle P": "precision", "shingle R": "recall", "shingle F1": "f1"}
    rows = [
        {"system": s.name,
         **{k: f"{getattr(s.words, a):.3f}" for k, a in words.items()},
         **{k: f"{getattr(s.shingles, a):.3f}" for k, a in shingles.items()}}
        for s in report.systems
    ]
    # Each benchmark's own measure first: shingles are the Scrapinghub benchmark's.
    own, other = (shingles, words) if report.layout == "scrapinghub" else (words, shingles)
    emit(rows, ["system", *own, *other], "table",
         title=f"Extraction: {report.pages} pages ({report.layout} layout)")
    typer.echo(f"rejected by Storyline (empty output in its rows): {len(report.rejected)}; "
               f"lines removed by cleaning: {report.removed_lines} "
               f"(holding {report.removed_gold_words} gold words)")
    if mistakes:
        for page, reason in report.rejected:
            typer.echo(f"rejected {page}: {reason}")


@eval_app.command("time")
def eval_time(
    file: Annotated[Path, typer.Argument(
        help="TimeML .tml file or folder, or MEANTIME folder or XML file.")],
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto | timeml | meantime")] = "auto",
    docs: Annotated[str, typer.Option(
        help="all | even | odd: documents by position (0-based) in file-name order, to tune "
             "on one half and report on the other")] = "all",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed, spurious and wrong-value expressions.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
) -> None:
    """Time expressions: detection (relaxed and strict), type and value, TempEval-3 style."""
    from rich.markup import escape

    from storyline.evaluation.time import evaluate_time

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate_time(file, input_format, limit, docs=docs)
    except (OSError, ValueError) as exc:
        _fail(escape(str(exc)))
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(mistakes=mistakes), ensure_ascii=False))
        return
    rows = report.rows()
    emit(rows, list(rows[0]), "table", title=f"Time expressions: {file.name} "
         f"({report.format}, {report.documents} documents, --docs {docs})")
    typer.echo(f"{report.documents} documents in {report.seconds:.2f} s")
    if mistakes:
        for m in report.mistakes:
            gold = f"{m.gold.text!r} {m.gold.type} {m.gold.value}" if m.gold else "-"
            system = f"{m.system.text!r} {m.system.type} {m.system.value}" if m.system else "-"
            typer.echo(f"{m.kind:<11} gold {gold}  system {system}  ({m.document})")
            typer.echo(f"    {m.context}")


@eval_app.command("entities")
def eval_entities(
    file: Annotated[Path, typer.Argument(
        help="CoNLL file (token … tag), re3d folder, or MEANTIME folder or XML file.")],
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto | conll | re3d | meantime")] = "auto",
    limit: Annotated[int | None, typer.Option(help="Only the first N documents.")] = None,
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List missed, spurious, wrong-type and wrong-boundary mentions.")
    ] = False,
    extent: Annotated[str, typer.Option(
        help="MEANTIME only: full (the annotated noun phrase) | name (the name inside it)")
    ] = "full",
    docs: Annotated[str, typer.Option(
        help="all | even | odd: documents by position (0-based), to tune on one half and "
             "report on the other")] = "all",
) -> None:
    """Named entities: exact-span precision, recall and F1 for PER, ORG, LOC and overall."""
    from rich.markup import escape

    from storyline.evaluation.entities import evaluate_entities

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate_entities(file, input_format, limit, extent=extent, docs=docs)
    except (OSError, ValueError) as exc:
        _fail(escape(str(exc)))
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(mistakes=mistakes), ensure_ascii=False))
        return
    rows = report.rows()
    emit(rows, list(rows[0]), "table", title=f"Entities: {file.name} ({report.format}, "
         f"{report.documents} documents)")
    typer.echo(f"{report.tokens} tokens in {report.seconds:.2f} s "
               f"({report.tokens_per_second:,.0f} tokens/s) after {report.setup_seconds:.2f} s "
               f"of setup; pipeline {report.pipeline}")
    if mistakes:
        for m in report.mistakes:
            types = f"{m.gold.type if m.gold else '-'}/{m.system.type if m.system else '-'}"
            texts = " ≠ ".join(dict.fromkeys(repr(t) for t in (m.gold_text, m.system_text) if t))
            note = f"  ({m.note})" if m.note else ""
            typer.echo(f"{m.kind:<13} {types:<7} {texts}  {m.where}{note}")
            typer.echo(f"    {m.sentence}")


@eval_app.command("events")
def eval_events(
    file: Annotated[Path, typer.Argument(
        help="PLOVER_GSR_CAMEO.json, PETR.UnitTest.records.jsonl, a CASE 2021 task 2 TSV, "
             "or the ../shared/eval folder for the no-event sentences.")],
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto | plover-gsr | petrarch | case2021 | no-event")
    ] = "auto",
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Count only events at least this confident (default: the threshold events "
             "are shown at; 0: every rule event).", show_default=False)] = None,
    part: Annotated[str, typer.Option(
        help="all | tune (even records) | held-out (odd records)")] = "all",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List the records whose main event is wrong.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    limit: Annotated[int | None, typer.Option(help="Only the first N records.")] = None,
    cameo_table: Annotated[Path | None, typer.Option(
        help="petrarch only: CAMEO2PLOVER-2021.txt (default: found beside the data)")
    ] = None,
) -> None:
    """Events: PLOVER type accuracy, per-type F1, actor accuracy, CAMEO roots, ACLED classes."""
    from rich.markup import escape

    from storyline.evaluation.events import evaluate_events, mistake_row
    from storyline.evaluation.events import rows as event_rows
    from storyline.extract.event_confidence import default_min_confidence

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    threshold = default_min_confidence() if min_confidence is None else min_confidence
    try:
        report = evaluate_events(file, input_format, part, limit, cameo_table=cameo_table,
                                 min_confidence=threshold)
    except (OSError, ValueError) as exc:
        _fail(escape(str(exc)))
    if fmt == "json":
        typer.echo(json.dumps(report.as_dict(mistakes=mistakes), ensure_ascii=False))
        return
    table = event_rows(report)
    emit(table, list(table[0]), "table", title=f"Events: {file.name} ({report.format}, "
         f"part {part}, {report.records} records)")
    for note in report.notes:
        typer.echo(note)
    summary = report.summary()
    typer.echo(" ".join(f"{k}={v}" for k, v in summary.items() if k not in ("format", "part")))
    for g, p, k in report.confusions():
        typer.echo(f"confused {g} → {p}: {k}")
    if mistakes:
        for o in report.scored():
            if not o.correct:
                m = mistake_row(o)
                typer.echo(f"{m['id']} gold {m['gold']} ({m['original']}) system {m['system']} "
                           f"{m['trigger']!r} {m['source']} → {m['target']}")
                typer.echo(f"    {m['text']}")


@eval_app.command("actors")
def eval_actors(
    eval_root: Annotated[Path, typer.Argument(help="The ../shared/eval folder.")],
    part: Annotated[str, typer.Option(
        help="tune (ECB+ topics 1, 5, 9, …; NGEC even rows) | check | all")] = "tune",
    mistakes: Annotated[bool, typer.Option(
        "--mistakes", help="List the events with a wrong or missing side.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Who did it to whom: event sides against the project's gold actors
    (STORYLINE_PARSER=off compares the word-order rules alone)."""
    from rich.markup import escape

    from storyline.evaluation.actors import ROLES, evaluate
    from storyline.extract.run import extract

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    try:
        report = evaluate(eval_root, lambda t: extract(t, "en", score=False).events, part)
    except (OSError, ValueError) as exc:
        _fail(escape(str(exc)))
    if fmt == "json":
        out: dict[str, object] = dict(report.figures())
        if mistakes:
            out["mistakes"] = report.mistakes
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    rows = [{"side": r, **{k: f"{v:.3f}" if k != "n" else str(int(v))
                            for k, v in report.sides[r].figures().items()}} for r in ROLES]
    emit(rows, list(rows[0]), "table", title=f"Event sides: part {part}, {report.events} "
         f"events ({report.not_found} gold events not reported)")
    if mistakes:
        for m in report.mistakes:
            typer.echo(f"{m['id']} {m['trigger']!r}: {m['source']} → {m['target']}  "
                       f"(gold {m['gold_source']} → {m['gold_target']})")
            typer.echo(f"    {m['sentence']}")


@eval_app.command("summary")
def eval_summary(
    data: Annotated[Path | None, typer.Option(
        help="The allsides-roundups-neus folder (or its naacl2022_probe folder); default "
             "../shared/eval/allsides-roundups-neus.", show_default=False)] = None,
    split: Annotated[str, typer.Option(
        help="val | test | train (develop on val, report test).")] = "val",
    limit: Annotated[int | None, typer.Option(
        min=1, help="Only the first N stories.")] = None,
    seed: Annotated[int, typer.Option(
        help="Seed of the random baselines and the bootstrap.")] = 0,
    embeddings: Annotated[str | None, typer.Option(
        "--embeddings", metavar="MODEL",
        help="Sentence embeddings the summary's fact alignment uses, as the report does: "
             "'static' (default), 'minilm', a local model folder; 'none' for words, "
             "names, figures and dates only. Offline.")] = STATIC,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Story summary and headline vs. AllSides' neutral roundups: ROUGE F1 and baselines."""
    from rich.markup import escape

    from storyline.evaluation.summary import TOKENS_NOTE, default_data, evaluate_summary
    from storyline.semantic.load import load_encoder

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    folder = data or default_data()
    try:
        model = _embeddings_model(embeddings)
        encoder = load_encoder(model) if model is not None else None
        report = evaluate_summary(folder, split, limit, seed=seed, encoder=encoder)
    except (OSError, ValueError, EmbeddingsError) as exc:
        _fail(escape(str(exc)))
    command = (f"storyline eval summary --data {folder} --split {split}"
               + (f" --limit {limit}" if limit is not None else "") + f" --seed {seed}"
               + (f" --embeddings {embeddings}" if embeddings != STATIC else ""))
    if fmt == "json":
        typer.echo(json.dumps({**report.as_dict(), "command": command}, ensure_ascii=False))
        return
    rows = report.rows()
    emit(rows, list(rows[0]), "table", title=f"Summary and headline vs. AllSides neutral "
         f"roundups: {split}, {report.stories} stories")
    typer.echo(f"{TOKENS_NOTE}. 95% CI: percentile bootstrap over stories, "
               f"{report.resamples} resamples, seed {seed}. k, w: sentences and words of "
               f"storyline's summary of each story. Summaries vs. the target's ARTICLE part, "
               f"headlines vs. its TITLE part.")
    typer.echo("Paired differences, same resamples (an interval above 0: storyline better):")
    for difference in report.differences:
        typer.echo(f"  {difference}")
    typer.echo(f"{report.stories} stories in {report.seconds:.1f} s; storyline's summary "
               f"empty for {report.empty_summaries}")
    typer.echo(f"rerun: {command}")


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

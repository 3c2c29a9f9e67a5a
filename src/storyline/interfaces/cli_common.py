"""What every ``storyline`` sub-app shares: the error console, the one-line failure, the
store and format options, and the bundled sample corpus.

Kept small and cheap to import: the CLI's start-up time is every command's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from storyline.api import Storyline
from storyline.interfaces.output import FORMATS, default_format, printable
from storyline.models import IngestReport
from storyline.store import StoreError

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

# What every article of a batch is said to be, for ingest and batch map alike.
InputFormatOption = Annotated[
    str, typer.Option("--format", help="auto | text | html | feed | warc | jsonl")]
SourceOption = Annotated[str | None, typer.Option(help="Outlet name for every article.")]
PublishedOption = Annotated[
    str | None, typer.Option(help="Publication date for every article (2023-06-14).")]
LangOption = Annotated[str | None, typer.Option(help="Language code for every article.")]
WorkersOption = Annotated[int | None, typer.Option(help="Worker processes (default: cores).")]


def fail(message: str, code: int = 2) -> NoReturn:
    """One red line on stderr, then exit: every CLI error looks the same."""
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code)


def open_store(db: str | Path | None) -> Storyline:
    try:
        return Storyline(db)
    except StoreError as exc:
        fail(str(exc))


def check_format(value: str | None) -> str:
    """--format of a listing: given, else table on a terminal and jsonl when piped."""
    fmt = value or default_format()
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def embeddings_model(value: str | None) -> str | None:
    """--embeddings / STORYLINE_EMBEDDINGS: None, '' or 'none' is off."""
    model = (value or "").strip()
    if model.lower() in ("", "none", "off"):
        return None
    return model


@contextmanager
def engine(dask: str | None, workers: int | None) -> Iterator[tuple[Any, int | None]]:
    """(executor, its task slots) for --dask; (None, None) for this machine's pool."""
    if not dask:
        yield None, None
        return
    from storyline.engines.dask_engine import EngineError, dask_executor

    try:
        with dask_executor(dask.strip(), workers=workers) as (executor, slots):
            yield executor, slots
    except EngineError as exc:  # raised on the way in only: the ingest's own errors pass
        fail(str(exc))


def print_report(report: IngestReport, *, summary_to_stderr: bool = False) -> None:
    """An ingest's warnings and rejects on stderr, one line each, then its summary."""
    from rich.markup import escape

    for notice in report.warnings:
        err.print(f"[yellow]warning[/yellow] {escape(printable(notice.text()))}",
                  soft_wrap=True, markup=True, highlight=False)
    for reject in report.rejected:
        err.print(f"[yellow]rejected[/yellow] {escape(printable(reject.message()))}",
                  soft_wrap=True, markup=True, highlight=False)
    typer.echo(report.summary(), err=summary_to_stderr)


def sample_corpus() -> Path:
    """The bundled sample corpus (written by the Storyline team for demos and tests)."""
    return Path(str(resources.files("storyline").joinpath("data", "sample", "articles")))


def sample_labels() -> Path:
    return Path(str(resources.files("storyline").joinpath("data", "sample", "labels.json")))

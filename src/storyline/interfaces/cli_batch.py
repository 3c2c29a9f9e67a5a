"""``storyline batch``: archives too big for one ingest, mapped to Parquet parts (here or
on a Dask cluster), then loaded into the store in input order."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.clean.dates import DateError
from storyline.interfaces.cli_common import (
    DbOption,
    InputFormatOption,
    LangOption,
    PublishedOption,
    SourceOption,
    WorkersOption,
    embeddings_model,
    engine,
    fail,
    open_store,
    print_report,
)
from storyline.semantic.load import AUTO
from storyline.semantic.vectors import EmbeddingsError

batch_app = typer.Typer(
    help="Archives too big for one ingest: a parallel map to Parquet (here or on a Dask "
         "cluster), then a load into the store.", no_args_is_help=True)


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
        with engine(dask, workers) as (executor, _):
            counts = map_batch(paths, out, executor=executor, workers=workers,
                               format=input_format, source=source, published=published,
                               lang=lang)
    except (BatchError, ValueError, DateError) as exc:
        fail(str(exc))
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

    model = AUTO if embeddings is None else embeddings_model(embeddings)
    with open_store(db) as sl:
        try:
            report = sl.load_batch(folder, embeddings=model)
        except BatchError as exc:
            fail(str(exc))
        except EmbeddingsError as exc:
            from rich.markup import escape

            fail(escape(str(exc)))
    print_report(report)
    if report.interrupted:
        raise typer.Exit(130)

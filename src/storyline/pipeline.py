"""The ingest pipeline: inputs → units → (parse → clean → identify) → store.

The middle part is pure and runs in worker processes; reading containers and writing the
store stay in the main process. Results come back in input order, so the same input always
gives the same store.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import closing, suppress
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain, islice
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO

from storyline.clean import clean_document
from storyline.dedupe import identify
from storyline.dedupe.link import CopyLinker
from storyline.dedupe.near import Signature, signature
from storyline.ingest.fetch import is_url
from storyline.ingest.read import iter_units, parse_unit
from storyline.ingest.sources import STDIN, InputFile, expand
from storyline.ingest.units import Unit
from storyline.models import Article, IngestReport, InputFormat, Notice, Overrides, Reject
from storyline.semantic.vectors import Encoder
from storyline.store import Store
from storyline.stories.assign import StoryAssigner
from storyline.stories.features import features, sublinear

#: Units sent to a worker at once; big enough to amortise pickling, small enough to balance.
TASK_SIZE = 32
#: Below this many units a pool costs more than it saves.
POOL_THRESHOLD = 64
#: Articles per committed chunk: an interrupted batch loses at most this much work.
COMMIT_EVERY = 500

if TYPE_CHECKING:
    from storyline.extract.run import Extraction

    _Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

Progress = Callable[[str], None]
#: Told how many times ``Progress`` will be called in all, as far as is known so far: each
#: input not yet opened counts one, and a container (JSON Lines, WARC, feed) adds its units
#: as it is split. Never less than the calls already made; exact once the inputs are read.
Total = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Processed:
    """What a worker hands back: the article, and the features later stages index."""

    article: Article
    signature: Signature | None
    features: dict[str, float]
    #: Entities, quotes, dates and events (None when extraction failed: the article is kept
    #: without them).
    extraction: Extraction | None = None


#: What the stream hands the store: an article, a reject, or a notice (bad metadata dropped
#: from an input that is still read), in input order.
Result = Processed | Reject | Notice
#: What needs no worker: it passes through the pool where it stands.
Passed = Reject | Notice


def process_unit(unit: Unit, overrides: Overrides | None = None) -> Result:
    """One unit to one Processed article or Reject. Never raises: a crash is a reject."""
    try:
        raw = parse_unit(unit)
        if isinstance(raw, Reject):
            return raw
        try:
            doc = clean_document(raw, overrides)
        except ValueError as exc:
            return Reject(unit.origin, str(exc))
        article = identify(doc)
        from storyline.extract.run import extract  # spaCy loads in workers, not at startup

        try:
            extraction: Extraction | None = extract(article.text, article.lang,
                                                    article.published)
        except Exception:  # an extraction bug must not lose the article
            extraction = None
        return Processed(article, signature(article.text),
                         sublinear(features(article.title, article.text, article.lang)),
                         extraction)
    except Exception as exc:  # one bad input must not stop the batch
        return Reject(unit.origin, f"could not be processed ({type(exc).__name__}: {exc})")


def _process_many(units: list[Unit], overrides: Overrides | None) -> list[Result]:
    return [process_unit(u, overrides) for u in units]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def pool_context() -> multiprocessing.context.BaseContext:
    # forkserver: no fork of a process that may run a progress-bar thread; spawn elsewhere.
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["storyline.pipeline"])
    return ctx


def process_stream(
    items: Iterable[Unit | Passed], *, overrides: Overrides | None = None, workers: int = 1,
    executor: Executor | None = None,
) -> Generator[Result, None, None]:
    """Process units in order, in a pool when there are enough of them to pay for one.

    ``executor`` runs the work elsewhere instead (a Dask cluster: ``engines/dask_engine.py``)
    with ``workers`` tasks in flight per worker slot; units read from files are sent with
    their bytes, so its workers need no access to the inputs. Close the generator to shut
    the pool down early (``ingest_units`` does on any error).
    """
    it = iter(items)
    job = partial(_process_many, overrides=overrides)
    if executor is not None:
        yield from _through(executor, job, (), (_with_bytes(u) for u in it), workers)
        return
    head = list(islice(it, POOL_THRESHOLD))
    if workers <= 1 or len(head) < POOL_THRESHOLD:
        for item in chain(head, it):  # not (*head, *it): that reads all input first
            yield item if isinstance(item, Passed) else process_unit(item, overrides)
        return
    # Only this process holds the write end: when it dies, even by SIGKILL, the workers
    # read EOF and exit, and with them the forkserver and the resource tracker (which stay
    # up while any worker holds their pipes).
    lifeline, lifeline_w = multiprocessing.Pipe(duplex=False)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=pool_context(), initializer=_init_worker,
            initargs=(lifeline,),
        ) as pool:
            yield from _through(pool, job, (*head,), it, workers)
    finally:
        lifeline_w.close()
        lifeline.close()


def _through(pool: Executor, job: Callable[[list[Unit]], list[Result]],
             head: tuple[Unit | Passed, ...], rest: Iterator[Unit | Passed],
             workers: int) -> Iterator[Result]:
    """Tasks through ``pool``, at most 2 × ``workers`` in flight, results in input order."""
    pending: deque[Future[list[Result]] | Passed] = deque()
    try:
        for task in _tasks(head, rest):
            pending.append(task if isinstance(task, Passed) else pool.submit(job, task))
            while len(pending) > 2 * workers:
                yield from _drain(pending.popleft())
        while pending:
            yield from _drain(pending.popleft())
    except BaseException:
        for waiting in pending:
            if not isinstance(waiting, Passed):
                waiting.cancel()
        if isinstance(pool, ProcessPoolExecutor):
            pool.shutdown(wait=False, cancel_futures=True)
        raise


def _with_bytes(item: Unit | Passed) -> Unit | Passed | Reject:
    """A file unit with its bytes in it, for workers that cannot read our files."""
    if isinstance(item, Passed) or item.path is None or item.data is not None:
        return item
    try:
        return replace(item, data=Path(item.path).read_bytes(), path=None)
    except OSError as exc:
        return Reject(item.origin, f"cannot read file ({exc.strerror or exc})")


def _init_worker(lifeline: Connection) -> None:
    """Ctrl-C is the main process's to handle: it rolls back and shuts the pool down. And a
    worker must not outlive the main process: with forkserver its parent is the forkserver,
    so watching the parent would not do; it watches the main process's pipe instead."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_main, args=(lifeline,), name="storyline-lifeline",
                     daemon=True).start()


def _exit_with_main(lifeline: Connection) -> None:
    with suppress(EOFError, OSError):
        lifeline.recv_bytes()  # nothing is ever sent: this ends (EOF) when the main process does
    os._exit(1)  # at once: the main thread may be blocked writing a result nobody reads


def _drain(task: Future[list[Result]] | Passed) -> Iterator[Result]:
    if isinstance(task, Passed):
        yield task
    else:
        yield from task.result()


def _tasks(head: tuple[Unit | Passed, ...], rest: Iterator[Unit | Passed]) -> Iterator[
    list[Unit] | Passed
]:
    """Group units into tasks, passing rejects through where they stand."""
    batch: list[Unit] = []
    for item in _chain(head, rest):
        if isinstance(item, Passed):
            if batch:
                yield batch
                batch = []
            yield item
            continue
        batch.append(item)
        if len(batch) >= TASK_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _chain(head: tuple[Unit | Passed, ...], rest: Iterator[Unit | Passed]) -> Iterator[
    Unit | Passed
]:
    yield from head
    yield from rest


def ingest(
    store: Store,
    paths: Sequence[str],
    *,
    fmt: InputFormat | None = None,
    overrides: Overrides | None = None,
    stdin: bytes | BinaryIO | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    encoder: Encoder | None = None,
    dense_weight: float | None = None,
    executor: Executor | None = None,
    total: Total | None = None,
) -> IngestReport:
    """Ingest paths into the store; see ``Storyline.ingest`` for the public entry point.

    Chunks of COMMIT_EVERY results are committed one transaction each. On Ctrl-C (or
    SIGTERM, see ``ingest_units``) the open chunk is rolled back, the batch is marked
    interrupted, and the report says so. ``total`` is told how many ``progress`` calls to
    expect (see ``Total``).
    """
    own = store.files()
    inputs = expand(paths, stdin=stdin, exclude=own)
    units = (iter_units(inputs, fmt) if total is None
             else _counted(inputs, fmt, count_inputs(paths, own), total))
    return ingest_units(store, units, label=list(paths), overrides=overrides, workers=workers,
                        progress=progress, encoder=encoder, dense_weight=dense_weight,
                        executor=executor)


def count_inputs(paths: Sequence[str], exclude: Iterable[Path] = ()) -> int:
    """How many inputs ``paths`` name, from file names alone (a folder walk, no reads):
    standard input and each URL count one, and are neither read nor fetched here."""
    remote = sum(1 for p in paths if p == STDIN or is_url(p))
    local = [p for p in paths if p != STDIN and not is_url(p)]
    return remote + sum(1 for _ in expand(local, exclude=exclude))


def _counted(inputs: Iterable[InputFile | Reject], fmt: InputFormat | None, expected: int,
             total: Total) -> Iterator[Unit | Reject | Notice]:
    """``iter_units`` that keeps ``total`` told: units seen plus inputs not yet opened.

    Every unit and reject gets one ``progress`` call, after it is yielded here, so the
    total told is never below the calls made."""
    seen, left = 0, expected
    told = expected
    total(told)
    for item in inputs:
        left = max(left - 1, 0)
        for unit in iter_units((item,), fmt):
            if not isinstance(unit, Notice):
                seen += 1
                if seen + left != told:
                    told = seen + left
                    total(told)
            yield unit
    if seen != told:
        total(seen)


def ingest_units(
    store: Store,
    units: Iterable[Unit | Passed],
    *,
    label: Sequence[str] = (),
    overrides: Overrides | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    encoder: Encoder | None = None,
    dense_weight: float | None = None,
    executor: Executor | None = None,
) -> IngestReport:
    """The stages after reading: process units (in a pool), store, link copies, assign stories.

    Also the entry point for evaluation harnesses, which build units from labelled records.
    With ``encoder``, articles are embedded in the main process, a chunk at a time, and the
    dense cosine joins the story score (``StoryAssigner``); raises ``ModelMismatchError``
    before anything is written if the store's embeddings come from another model.

    Ctrl-C, and SIGTERM when called on the main thread, stop the batch: the open chunk is
    rolled back, the pool shut down, the batch marked ``interrupted`` and the report says
    so (the CLI then exits 130 for both, since the batch ends the same way). Any other
    error marks the batch ``failed`` and is raised.
    """
    with closing(process_stream(units, overrides=overrides,
                                workers=workers or default_workers(),
                                executor=executor)) as results:
        return ingest_results(store, results, label=label, progress=progress,
                              encoder=encoder, dense_weight=dense_weight)


def ingest_results(
    store: Store,
    results: Iterable[Result],
    *,
    label: Sequence[str] = (),
    progress: Progress | None = None,
    encoder: Encoder | None = None,
    dense_weight: float | None = None,
) -> IngestReport:
    """The order-dependent stages over processed results, in their order: copy links,
    story placement, the store's writes, one transaction per chunk. ``ingest_units`` feeds
    it from the pool; a batch load (``engines/batch.py``) from a map's Parquet parts."""
    report = IngestReport()
    linker = CopyLinker(store)
    assigner = StoryAssigner(store, encoder, dense_weight=dense_weight)
    batch_id = store.begin_batch(label)
    report.batch_id = batch_id
    status = "failed"
    stream = iter(results)
    with _SigtermInterrupts() as sigterm:
        try:
            while True:
                chunk = list(islice(stream, COMMIT_EVERY))
                if not chunk:
                    break
                _commit_chunk(store, chunk, batch_id, report, progress, linker, assigner)
            status = "done"
        except BaseException as exc:
            # After a SIGTERM whatever breaks next (workers killed with us) is the interruption.
            if not (isinstance(exc, KeyboardInterrupt) or sigterm.fired):
                raise
            status = "interrupted"
            report.interrupted = True
        finally:
            store.finish_batch(
                batch_id,
                status=status,
                ingested=len(report.ingested),
                already_stored=len(report.already_stored),
                rejected=len(report.rejected),
            )
    return report


class _Terminated(KeyboardInterrupt):
    """SIGTERM, stopping an ingest the way Ctrl-C does."""


class _SigtermInterrupts:
    """Turns the first SIGTERM into ``_Terminated`` while an ingest runs, so that a killed
    ingest still shuts its pool down and records its batch; later ones wait for that.

    Python only lets the main thread set handlers (a server ingests in a background thread:
    there SIGTERM keeps its meaning). A SIGTERM that was ignored stays ignored, and one that
    a handler of the caller's was waiting for is passed on to it once the batch is recorded.
    """

    def __init__(self) -> None:
        self.fired = False
        self._previous: _Handler = None
        self._installed = False

    def __enter__(self) -> _SigtermInterrupts:
        if threading.current_thread() is not threading.main_thread():
            return self
        previous = signal.getsignal(signal.SIGTERM)
        if previous == signal.SIG_IGN:
            return self
        try:
            signal.signal(signal.SIGTERM, self._handle)
        except ValueError:  # not the main interpreter
            return self
        self._previous, self._installed = previous, True
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.fired:
            self.fired = True
            raise _Terminated

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self._installed:
            return
        # None: a handler set outside Python, which cannot be put back; the default is closest.
        previous = signal.SIG_DFL if self._previous is None else self._previous
        signal.signal(signal.SIGTERM, previous)
        if self.fired and callable(previous):
            signal.raise_signal(signal.SIGTERM)


def _commit_chunk(
    store: Store,
    chunk: list[Result],
    batch_id: int,
    report: IngestReport,
    progress: Progress | None,
    linker: CopyLinker,
    assigner: StoryAssigner,
) -> None:
    ingested: list[str] = []
    already: list[str] = []
    rejected: list[Reject] = []
    notices: list[Notice] = []
    origins: dict[str, str] = {}
    # Embeddings (when on) for the whole chunk in one call, before its transaction.
    articles = [item.article for item in chunk if isinstance(item, Processed)]
    assigner.prepare(articles)
    with store.transaction():
        # Other writers (ingests, uploads) take turns with us chunk by chunk: what we keep
        # between chunks is read again when one of them has committed since our last.
        if store.others_wrote():
            linker.reload()
            assigner.reload(articles)
        pending = linker.checkpoint()
        try:
            for item in chunk:
                if isinstance(item, Notice):  # said to the user; its article follows
                    notices.append(item)
                    continue
                if isinstance(item, Reject):
                    store.add_reject(item, batch_id)
                    rejected.append(item)
                    label = item.origin
                elif store.add_article(item.article, batch_id) == "ingested":
                    ingested.append(item.article.id)
                    if item.extraction is not None:
                        x = item.extraction
                        store.extraction.save(item.article.id, x.mentions, x.quotes,
                                              x.timexes, x.events, x.sentences, replace=False)
                    copies = linker.link(item.article, item.signature)
                    assigner.assign(item.article, item.features, [c for c, _ in copies])
                    origins[item.article.origin] = item.article.id
                    label = item.article.origin
                else:
                    stored_id = store.existing_id(item.article) or item.article.id
                    already.append(stored_id)
                    origins[item.article.origin] = stored_id
                    label = item.article.origin
                if progress is not None:
                    progress(label)
            assigner.flush()
        except BaseException:
            linker.rollback(pending)
            assigner.forget()
            raise
    report.ingested += ingested
    report.already_stored += already
    report.rejected += rejected
    report.warnings += notices
    report.origins.update(origins)

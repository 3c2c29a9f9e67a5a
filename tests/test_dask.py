"""Ingest on a real Dask cluster in local mode (worker processes, a scheduler, TCP between
them): the same store as this machine's own pool, inputs sent with their bytes, and one
line when no scheduler answers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path

import pytest

from conftest import article_text, export_rows
from storyline import Storyline
from storyline.ingest.units import Unit
from storyline.interfaces.cli import sample_corpus
from storyline.models import Reject
from storyline.pipeline import _with_bytes, process_stream

try:
    import distributed  # noqa: F401
except ImportError:
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        raise RuntimeError("the Dask tests need dask.distributed in CI (the dev extra)") from None
    pytest.skip("dask.distributed is not installed (pip install -e '.[dev]')",
                allow_module_level=True)

from storyline.engines.dask_engine import EngineError, dask_executor


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Executor, int]]:
    with dask_executor("local", workers=2) as engine:
        yield engine


def test_a_cluster_gives_the_same_store_as_this_machine(
        cluster: tuple[Executor, int], tmp_path: Path) -> None:
    executor, slots = cluster
    assert slots == 2
    with Storyline(tmp_path / "dask.db") as remote, Storyline(tmp_path / "pool.db") as here:
        a = remote.ingest([sample_corpus()], executor=executor, workers=slots)
        b = here.ingest([sample_corpus()], workers=2)
        assert len(a.ingested) == len(b.ingested) > 40
        assert [r.message() for r in a.rejected] == [r.message() for r in b.rejected]
        for table in ("articles", "stories", "mentions", "quotes", "events"):
            assert export_rows(remote, table) == export_rows(here, table), table


def test_units_travel_with_their_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(article_text(1), encoding="utf-8")
    unit = _with_bytes(Unit(origin=str(path), format="text", path=str(path)))
    assert isinstance(unit, Unit) and unit.path is None
    assert unit.data == path.read_bytes()
    gone = _with_bytes(Unit(origin="gone.txt", format="text", path=str(tmp_path / "gone.txt")))
    assert isinstance(gone, Reject) and gone.reason.startswith("cannot read file")


def test_results_come_back_in_input_order(cluster: tuple[Executor, int],
                                          tmp_path: Path) -> None:
    executor, slots = cluster
    units: list[Unit | Reject] = []
    for n in range(70):  # several tasks of TASK_SIZE, with a reject between them
        path = tmp_path / f"{n:02}.txt"
        path.write_text(article_text(n), encoding="utf-8")
        units.append(Unit(origin=path.name, format="text", path=str(path)))
        if n == 40:
            units.append(Reject("bad.bin", "not an article"))
    results = list(process_stream(units, workers=slots, executor=executor))
    origins = [r.origin if isinstance(r, Reject) else r.article.origin  # type: ignore[union-attr]
               for r in results]
    assert origins == [u.origin for u in units]


def test_no_scheduler_is_one_line() -> None:
    with pytest.raises(EngineError) as caught, dask_executor("tcp://127.0.0.1:1", timeout=2):
        pass
    message = str(caught.value)
    assert message.startswith("tcp://127.0.0.1:1: cannot reach a Dask scheduler")
    assert "\n" not in message


def test_the_cli_ingests_on_a_local_cluster(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(article_text(n), encoding="utf-8")
    db = tmp_path / "cli.db"
    done = subprocess.run(
        [sys.executable, "-m", "storyline.interfaces.cli", "ingest", str(folder),
         "--dask", "local", "--workers", "1", "--db", str(db)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3 ingested")
    with Storyline(db) as sl:
        assert len(sl.articles(limit=None)) == 3


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL one of two workers while tasks are in flight: the scheduler runs its tasks
    again elsewhere, and the batch comes back whole, in order, each article once."""
    import signal

    units: list[Unit | Reject] = []
    for n in range(200):
        path = tmp_path / f"{n:03}.txt"
        path.write_text(article_text(n), encoding="utf-8")
        units.append(Unit(origin=path.name, format="text", path=str(path)))
    with dask_executor("local", workers=2) as (executor, slots):
        client = executor._client  # type: ignore[attr-defined]
        pids = client.run(os.getpid)  # worker address -> pid
        victim = next(iter(pids.values()))
        results = []
        for result in process_stream(units, workers=slots, executor=executor):
            results.append(result)
            if len(results) == 32:  # the first task is back; others are in flight
                os.kill(victim, signal.SIGKILL)
        assert victim not in client.run(os.getpid).values()  # it did die (and was replaced)
    origins = [r.article.origin for r in results]  # type: ignore[union-attr]
    assert origins == [u.origin for u in units]
    assert len({r.article.id for r in results}) == 200  # type: ignore[union-attr]

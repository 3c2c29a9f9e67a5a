"""Dask: ``storyline ingest --dask tcp://scheduler:8786`` (or ``--dask local``).

The workers need Storyline installed (the same version); they do not need the inputs or
the store: file units travel with their bytes, and results come back to this process,
which writes the store. ``pip install 'storyline[dask]'``.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

LOCAL = "local"


class EngineError(RuntimeError):
    """The engine cannot be used (not installed, no scheduler at the address...)."""


@contextmanager
def dask_executor(address: str = LOCAL, *, workers: int | None = None,
                  timeout: float = 30.0) -> Iterator[tuple[Executor, int]]:
    """An executor on a Dask cluster and how many tasks it runs at once.

    ``address`` is a scheduler (``tcp://host:8786``), or ``local`` for a cluster of
    ``workers`` single-threaded processes on this machine (one per core by default).
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("the Dask engine needs dask.distributed: "
                          "pip install 'storyline[dask]'") from None
    cluster = None
    try:
        if address == LOCAL:
            from storyline.pipeline import default_workers

            cluster = LocalCluster(n_workers=workers or default_workers(),
                                   threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
            client = Client(cluster, timeout=timeout)
        else:
            client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise EngineError(f"{address}: cannot reach a Dask scheduler ({reason})") from None
    try:
        slots = sum(client.nthreads().values()) or 1
        yield client.get_executor(pure=False), slots
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

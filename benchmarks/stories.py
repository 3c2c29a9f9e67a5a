"""Incremental story assignment: cost per new article as the store grows, and memory.

Articles are generated as in ``benchmarks/ingest.py`` (stories of 5 articles over a year),
parsed and cleaned once in a pool (not timed), then committed in batches of 1,000 through
the ingest path's main-process stages — store, copy linking, story assignment — timing each
batch. At each checkpoint a baseline measured in the same run compares every article of the
next batch with every stored article (exhaustive all-pairs cosine on the same vectors), while
that is still feasible.

    python benchmarks/stories.py                      # checkpoints 1k, 10k, 100k
    python benchmarks/stories.py --sizes 1000 10000 --runs 3
    python benchmarks/stories.py --rate 0             # all 2023 at once (a dense backfill)

Two arrival patterns: ``--rate N`` (default 1,000) is a stream of N articles a day in date
order, so the store's time span grows with it, as a monitor's does; ``--rate 0`` spreads the
stories over one year whatever the size, so the number of live stories in any time window
grows with the store (a backfill of one year: the hard case for a windowed index).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from storyline.dedupe.link import CopyLinker
from storyline.ingest.units import Unit
from storyline.models import IngestReport
from storyline.pipeline import Processed, _commit_chunk, process_stream
from storyline.store import Store
from storyline.stories.assign import StoryAssigner
from storyline.stories.score import cosine

sys.path.insert(0, str(Path(__file__).parent))
from ingest import _article

BATCH = 1000
BASELINE_LIMIT = 20_000


def _units(start: int, stop: int, rate: int = 0) -> list[Unit]:
    units = []
    for i in range(start, stop):
        title, paragraphs, outlet, day = _article(i)
        if rate:
            day = (date(2023, 1, 1) + timedelta(days=i // rate)).isoformat()
        units.append(Unit(origin=f"gen#{i}", format="jsonl", data="\n\n".join(paragraphs),
                          title=title, source=outlet, published=day,
                          published_from="metadata", lang="en"))
    return units


def _child(size: int, workers: int, rate: int) -> None:
    """One run: grow a store to ``size`` articles, timing each batch of BATCH."""
    timings: list[tuple[int, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.db") as store:
        linker, assigner = CopyLinker(store), StoryAssigner(store)
        batch_id = store.begin_batch(["bench"])
        report = IngestReport()
        checkpoints = {1000, 10_000, 100_000, size}
        for start in range(0, size, BATCH):
            items = [r for r in process_stream(_units(start, start + BATCH, rate), workers=workers)
                     if isinstance(r, Processed)]
            stored = start
            baseline = None
            near_checkpoint = stored in checkpoints or (stored + BATCH) in checkpoints
            if near_checkpoint and 0 < stored <= BASELINE_LIMIT:
                baseline = _all_pairs(store, items[:100]) * len(items) / 100
            t = time.perf_counter()
            _commit_chunk(store, items, batch_id, report, None, linker, assigner)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - t
            timings.append((stored + len(items), elapsed, baseline))
        stories = len(store.stories.live_story_ids())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"timings": timings, "stories": stories, "rss_mb": rss}))


def _all_pairs(store: Store, items: list[Processed]) -> float:
    """Seconds to compare each item with every stored article vector (the naive method)."""
    ids = [a.id for a in store.iter_articles()]
    vectors = store.stories.vectors(ids)
    start = time.perf_counter()
    for item in items:
        raw = item.features
        best = 0.0
        for vec in vectors.values():
            best = max(best, cosine(raw, vec))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=int, default=1000,
                        help="articles a day, in date order (0: all stories within 2023)")
    args = parser.parse_args()
    size = max(args.sizes)
    runs = []
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs}: growing a store to {size:,} articles …",
              file=sys.stderr)
        out = subprocess.run([sys.executable, __file__, "--child", str(size), str(args.workers),
                              str(args.rate)],
                             check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("store size | ms/article (median over runs) | art/s | all-pairs ms/article | ratio")
    print("-----------+-------------------------------+-------+----------------------+------")
    for checkpoint in sorted(args.sizes):
        per_run = []
        base_runs = []
        for r in runs:
            for n, seconds, baseline in r["timings"]:
                if n == checkpoint:
                    per_run.append(seconds / BATCH * 1000)
                    if baseline is not None:
                        base_runs.append(baseline / BATCH * 1000)
        if not per_run:
            continue
        ms = statistics.median(per_run)
        base = statistics.median(base_runs) if base_runs else None
        base_text = f"{base:.2f}" if base is not None else "not run"
        ratio = f"{base / ms:.1f}x slower" if base else ""
        print(f"{checkpoint:>10,} | {ms:>29.2f} | {1000 / ms:>5.0f} | {base_text:>20} | {ratio}")
    print(f"\nstories found: {runs[0]['stories']:,} (gold: {size // 5:,}); "
          f"peak RSS {max(r['rss_mb'] for r in runs):.0f} MB (main process)")
    print("rerun: python benchmarks/stories.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()

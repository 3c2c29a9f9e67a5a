"""Batch map and load (the distributed ingest path) against ``storyline ingest``.

The corpus is ``benchmarks/ingest.py``'s generated text articles (N of them, seeded, written
once under ``benchmarks/out/corpus`` and reused), one article per text file; or, with
``--jsonl K``, the same articles packed into K JSON Lines files, as real archives (WARC,
JSON Lines) hold many articles per file. The map makes one task per big input file or run of
small ones (the engine's ``plan``; the table gives the number of tasks): the per-task overhead
(a scheduler round trip, a Parquet part written and renamed) is part of what is measured.

Variants, each run in its own process into a fresh store (and a fresh map folder) in a
temporary folder, interleaved within each repetition:

* ``ingest``: ``Storyline(db).ingest([corpus], workers=2)``, the single-machine path (the
  baseline; ratios are against its rate in the same run);
* ``dask W``: ``map_batch(..., executor=…)`` on a Dask LocalCluster of W single-threaded
  worker processes (``dask_executor("local", workers=W)``), then ``load_batch`` into a fresh
  SQLite store. The cluster's start-up (and shut-down) is timed apart and not counted in the
  map; the cluster is shut down before the load;
* ``pool W``: the same map on this machine's process pool (``map_batch(..., workers=W)``).

The map's time includes each worker's first-task cost (imports, spaCy and the gazetteers).
A cold-start probe (one process, the first 200 text articles) splits a worker's cost into
start-up, processing and the map's own (planning, Parquet parts); no-op tasks through
each executor, once before the repetitions, give the executor's own cost per task. A
projection for 250,000 articles a day closes the output: arithmetic on the rates measured
here, on this machine.

    python benchmarks/batch.py                      # 10,000 articles, 3 repetitions
    python benchmarks/batch.py -n 200 -r 1          # a smoke run
    python benchmarks/batch.py -n 10000 -r 1 --jsonl 20 --workers-list 1,2
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from ingest import _article, _print_table, _tree_rss_kb, generate

#: 250,000 articles a day, and how much busier the busiest hour is than the average one.
DAILY_ARTICLES = 250_000
PEAK_FACTOR = 3.0
#: Articles of the cold-start probe (the first ones of any text corpus: same bytes).
PROBE_ARTICLES = 200


# -- the corpus ---------------------------------------------------------------------------------
def corpus(root: Path, n: int, jsonl: int | None) -> Path:
    """The folder of inputs: N text files (ingest.py's), or K JSON Lines files holding the
    same articles (title and text), written once and reused."""
    if not jsonl:
        return generate(root, n, ["text"])["text"]
    target = root / f"jsonl-{n}-{jsonl}"
    if (target / ".complete").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.jsonl"):
        old.unlink()
    per_file = math.ceil(n / jsonl)
    for k in range(jsonl):
        with (target / f"part-{k:05}.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(k * per_file, min(n, (k + 1) * per_file)):
                title, paragraphs, _, _ = _article(i)
                junk = ["Share this article", "Read more: other news from the region",
                        "Subscribe to our newsletter"]
                record = {"title": title, "text": "\n\n".join([*paragraphs, *junk])}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    (target / ".complete").write_text("ok")
    return target


# -- one measured run, in a child process (its own peak memory, its own model loads) -----------
def _child(kind: str, source: str, tmp: str, workers: int) -> None:
    """Print one JSON line: seconds per phase, counts, peak memory of this process."""
    # A SIGTERM from the parent still closes the cluster (the with blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from storyline import Storyline
    from storyline.api import map_batch

    db, out = str(Path(tmp) / "b.db"), Path(tmp) / "map"
    result: dict[str, Any] = {}
    if kind == "ingest":
        start = time.perf_counter()
        with Storyline(db) as sl:
            sl.ingest([source], workers=workers)
            result["total_s"] = time.perf_counter() - start
            result |= sl.counts()
    else:
        if kind == "dask":
            from storyline.engines.dask_engine import dask_executor

            start = time.perf_counter()
            with dask_executor("local", workers=workers) as (executor, _slots):
                mapped, cpu = time.perf_counter(), time.process_time()
                result["up_s"] = mapped - start
                counts = map_batch([source], out, executor=executor)
                result["map_s"] = time.perf_counter() - mapped
                result["map_cpu_s"] = time.process_time() - cpu
                down = time.perf_counter()
            result["down_s"] = time.perf_counter() - down
        else:
            start, cpu = time.perf_counter(), time.process_time()
            counts = map_batch([source], out, workers=workers)
            result["map_s"] = time.perf_counter() - start
            result["map_cpu_s"] = time.process_time() - cpu
        result["mapped"] = counts["articles"]
        result["parts"] = counts["parts"]
        start = time.perf_counter()
        with Storyline(db) as sl:
            sl.load_batch(out)
            result["load_s"] = time.perf_counter() - start
            result |= sl.counts()
        result["total_s"] = result["map_s"] + result["load_s"]
    result["rss_main_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


class _Inline(Executor):
    """Runs each task at once, in this process (for the probe's map)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _probe_child(source: str, tmp: str) -> None:
    """One process: the first article's seconds (imports, spaCy and gazetteers loaded),
    then the warm milliseconds per article to read and process half of the articles alone,
    and to map the other half here (``map_inputs`` with its tasks run in this process:
    processing plus planning and writing the Parquet parts). Two halves, not the same
    articles twice: spaCy's caches would favour the second pass."""
    start = time.perf_counter()
    from storyline.engines.batch import map_inputs
    from storyline.ingest.read import iter_units
    from storyline.ingest.sources import expand
    from storyline.models import Notice, Reject
    from storyline.pipeline import process_unit

    def process(files: list[str]) -> None:
        for unit in iter_units(expand(files), None):
            if not isinstance(unit, Reject | Notice):
                process_unit(unit)

    files = sorted(str(p) for p in Path(source).glob("*.txt"))
    process(files[:1])
    first = time.perf_counter() - start
    alone, mapped = files[1:len(files) // 2], files[len(files) // 2:]
    t0 = time.perf_counter()
    process(alone)
    t1 = time.perf_counter()
    map_inputs(mapped, Path(tmp) / "map", _Inline())
    t2 = time.perf_counter()
    print(json.dumps({"first_task_s": first, "process_s": (t1 - t0) / len(alone),
                      "task_s": (t2 - t1) / len(mapped)}))


def _noop(i: int) -> int:
    return i


def _noop_child(kind: str, workers: int, tasks: int) -> None:
    """The executor's own cost per task: ``tasks`` no-op tasks, one ``submit`` each as the
    map does, after a warm-up; wall seconds and this process's CPU seconds (with a local
    Dask cluster, this process also runs the scheduler)."""
    from concurrent.futures import ProcessPoolExecutor

    from storyline.pipeline import pool_context

    def measure(executor: Executor) -> dict[str, float]:
        for future in [executor.submit(_noop, i) for i in range(4 * workers)]:
            future.result()
        cpu, start = time.process_time(), time.perf_counter()
        for future in [executor.submit(_noop, i) for i in range(tasks)]:
            future.result()
        return {"wall_s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu}

    if kind == "dask":
        from storyline.engines.dask_engine import dask_executor

        with dask_executor("local", workers=workers) as (executor, _slots):
            result = measure(executor)
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
            result = measure(pool)
    print(json.dumps(result))


def _spawn(argv: list[str]) -> dict[str, float]:
    """Run a child of this script; its JSON line, plus the peak memory of its process tree."""
    proc = subprocess.Popen([sys.executable, __file__, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0
    try:
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.2)
    except BaseException:
        proc.terminate()  # the child closes its cluster on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    stdout, stderr = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv[:2])} failed: {stderr[-3000:]}")
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["rss_tree_mb"] = peak / 1024
    return result


# -- the run ------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="articles")
    parser.add_argument("-r", "--runs", type=int, default=3, help="repetitions")
    parser.add_argument("--jsonl", type=int, metavar="K",
                        help="pack the articles into K JSON Lines files (the map's plan makes "
                             "its tasks of them; the table gives how many)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the storyline ingest baseline (no ratios)")
    parser.add_argument("--workers-list", default="1,2", metavar="W,W",
                        help="Dask LocalCluster sizes to measure (worker processes)")
    parser.add_argument("--pool-workers", type=int, default=2, metavar="W",
                        help="also map on a local process pool of W processes (0: skip)")
    parser.add_argument("--ingest-workers", type=int, default=2, metavar="W",
                        help="worker processes of the storyline ingest baseline")
    parser.add_argument("--no-probe", action="store_true", help="skip the cold-start probe")
    parser.add_argument("--noop-tasks", type=int, default=2000, metavar="T",
                        help="time T no-op tasks through each map executor first (0: skip)")
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "out" / "corpus")
    args = parser.parse_args()

    print(f"generating {args.n} articles in {args.corpus} …", file=sys.stderr)
    source = corpus(args.corpus, args.n, args.jsonl)
    probe_source = generate(args.corpus, PROBE_ARTICLES, ["text"])["text"]
    plan: list[tuple[str, str, int]] = []
    if not args.no_baseline:
        plan.append((f"ingest {args.ingest_workers} procs", "ingest", args.ingest_workers))
    for w in (int(x) for x in args.workers_list.split(",") if x.strip()):
        plan.append((f"dask {w} worker{'s' if w > 1 else ''}", "dask", w))
    if args.pool_workers:
        plan.append((f"pool {args.pool_workers} procs", "pool", args.pool_workers))

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = os.getloadavg()
    started = time.perf_counter()
    measured: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in plan}
    probes: list[dict[str, float]] = []
    noops: dict[str, dict[str, float]] = {}
    for label, kind, workers in plan:
        if args.noop_tasks and kind != "ingest":
            print(f"{label}: {args.noop_tasks} no-op tasks …", file=sys.stderr)
            noops[label] = _spawn(["--noop", kind, str(workers), str(args.noop_tasks)])
    for run in range(args.runs):
        if not args.no_probe:
            print(f"run {run + 1}/{args.runs}: cold-start probe …", file=sys.stderr)
            with tempfile.TemporaryDirectory(prefix="storyline-batch-") as tmp:
                probes.append(_spawn(["--probe", str(probe_source), tmp]))
        for label, kind, workers in plan:
            print(f"run {run + 1}/{args.runs}: {label} … (load avg {os.getloadavg()[0]:.2f})",
                  file=sys.stderr)
            with tempfile.TemporaryDirectory(prefix="storyline-batch-") as tmp:
                measured[label].append(_spawn(["--child", kind, str(source), tmp,
                                               str(workers)]))
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    rows, rates = _rows(args, plan, measured)
    shape = (f"{args.jsonl} JSON Lines files" if args.jsonl
             else f"{args.n} text files (one article each)")
    print(f"{args.n} generated articles in {shape}; median of {args.runs} run(s) per variant")
    _print_table(rows)
    if probes:
        _print_probe(probes, measured, plan, args.n)
    for label, noop in noops.items():
        print(f"  executor alone, {label}: {args.noop_tasks} no-op tasks, one submit each: "
              f"{args.noop_tasks / noop['wall_s']:.0f} tasks/s, "
              f"{noop['cpu_s'] / args.noop_tasks * 1000:.1f} ms of CPU per task in the "
              f"submitting process")
    print(f"\ncores: {os.cpu_count()}  python: {sys.version.split()[0]}  runs: {args.runs}  "
          f"wall: {elapsed / 60:.1f} min  load avg (1/5/15 min) before: "
          "{:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(*load_before, *load_after))
    print("rerun: python benchmarks/batch.py " + " ".join(sys.argv[1:]))
    _projection(plan, rates)


def _median(runs: list[dict[str, float]], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def _rows(args: argparse.Namespace, plan: list[tuple[str, str, int]],
          measured: dict[str, list[dict[str, float]]]
          ) -> tuple[list[dict[str, object]], dict[str, dict[str, float]]]:
    """The table's rows, and per variant its median rates (articles/s) for the projection."""
    base_label = next((label for label, kind, _ in plan if kind == "ingest"), None)
    base_runs = measured[base_label] if base_label else []
    base_rate = (statistics.median(r["articles"] / r["total_s"] for r in base_runs)
                 if base_runs else None)
    rows: list[dict[str, object]] = []
    rates: dict[str, dict[str, float]] = {}
    for label, _, workers in plan:
        runs = measured[label]
        count = int(runs[0]["articles"])
        total_rate = statistics.median(r["articles"] / r["total_s"] for r in runs)
        map_s, load_s = _median(runs, "map_s"), _median(runs, "load_s")
        up_s, down_s = _median(runs, "up_s"), _median(runs, "down_s")
        rates[label] = {"workers": workers, "total": total_rate}
        if map_s:
            rates[label]["map"] = statistics.median(r["mapped"] / r["map_s"] for r in runs)
        if load_s:
            rates[label]["load"] = statistics.median(r["articles"] / r["load_s"] for r in runs)
        row: dict[str, object] = {
            "variant": label,
            "articles": count,
            "stories": int(runs[0]["stories"]),
            "map tasks": int(runs[0]["parts"]) if "parts" in runs[0] else "",
            "cluster up/down s": f"{up_s:.1f}/{down_s:.1f}" if up_s is not None
            and down_s is not None else "",
            "map s": f"{map_s:.1f}" if map_s else "",
            "map art/s": f"{rates[label]['map']:.1f}" if map_s else "",
            "load s": f"{load_s:.1f}" if load_s else "",
            "load art/s": f"{rates[label]['load']:.1f}" if load_s else "",
            "total s": f"{statistics.median(r['total_s'] for r in runs):.1f}",
            "total art/s": f"{total_rate:.1f}",
            "min-max total art/s": "{:.1f}-{:.1f}".format(
                min(r["articles"] / r["total_s"] for r in runs),
                max(r["articles"] / r["total_s"] for r in runs)),
            "vs ingest": f"{total_rate / base_rate:.2f}x" if base_rate else "",
            "peak MB main": f"{max(r['rss_main_mb'] for r in runs):.0f}",
            "peak MB all procs": f"{max(r['rss_tree_mb'] for r in runs):.0f}",
        }
        rows.append(row)
        # Cheap correctness: every store holds what the baseline's holds.
        for r in runs:
            for what in ("articles", "stories"):
                want = base_runs[0][what] if base_runs else args.n if what == "articles" else None
                if want is not None and r[what] != want:
                    rows.append({"variant": f"WARNING {label}",
                                 "articles": f"{what}: {int(r[what])}, expected {int(want)}"})
    return rows, rates


def _print_probe(probes: list[dict[str, float]], measured: dict[str, list[dict[str, float]]],
                 plan: list[tuple[str, str, int]], n: int) -> None:
    first = statistics.median(p["first_task_s"] for p in probes)
    process = statistics.median(p["process_s"] for p in probes) * 1000
    task = statistics.median(p["task_s"] for p in probes) * 1000
    print(f"\ncold-start probe (one process, the first {PROBE_ARTICLES} text articles, median "
          f"of {len(probes)}): first article {first:.1f} s (imports, spaCy, gazetteers); warm: "
          f"{process:.1f} ms to read and process an article, {task:.1f} ms per article to map "
          f"them in this process ({task - process:+.1f} ms: planning, Parquet parts)")
    for label, kind, workers in plan:
        map_s = _median(measured[label], "map_s")
        if kind == "ingest" or not map_s:
            continue
        per = map_s * workers / n * 1000
        warm = (map_s - first) * workers / n * 1000
        main_cpu = (_median(measured[label], "map_cpu_s") or 0.0) / n * 1000
        print(f"  {label}: {per:.1f} worker-ms per article in the map (map s x workers / "
              f"articles); {warm:.1f} without one first task per worker = "
              f"{warm - task:+.1f} ms against the probe's warm map; the main process "
              f"(client{' and scheduler' if kind == 'dask' else ''}) spent {main_cpu:.1f} ms "
              "of CPU per article")


def _projection(plan: list[tuple[str, str, int]], rates: dict[str, dict[str, float]]) -> None:
    average = DAILY_ARTICLES / 86_400
    peak = average * PEAK_FACTOR
    print(f"\nprojection for {DAILY_ARTICLES:,} articles a day = {average:.2f} articles/s on "
          f"average; busiest hour assumed {PEAK_FACTOR:.0f}x the average = {peak:.2f} "
          "articles/s. Arithmetic on the rates measured above on this shared 2-core machine "
          "(synthetic text articles; real HTML pages cost more), not a cluster measurement:")
    kinds = {label: kind for label, kind, _ in plan}
    dask = {label: r for label, r in rates.items() if kinds[label] == "dask" and "map" in r}
    if dask:
        one = min(dask.values(), key=lambda r: r["workers"])
        per_core = one["map"] / one["workers"]
        print(f"  map: {per_core:.1f} articles/s per worker process ({one['workers']:.0f}-"
              f"worker cluster) -> {max(1, math.ceil(average / per_core))} worker core(s) for "
              f"the average, {max(1, math.ceil(peak / per_core))} for the busiest hour "
              f"({average / per_core:.2f} and {peak / per_core:.2f} cores of work)")
        for label, r in dask.items():
            efficiency = r["map"] / (per_core * r["workers"])
            print(f"    {label}: map {r['map']:.1f} articles/s, {efficiency:.0%} of "
                  f"{r['workers']:.0f} x the per-worker rate")
    loads = [r["load"] for r in rates.values() if "load" in r]
    if loads:
        load = statistics.median(loads)
        print(f"  load (one process, serial): {load:.1f} articles/s (median over variants) = "
              f"{load / average:.0f}x the average, {load / peak:.0f}x the busiest hour; a "
              f"day's {DAILY_ARTICLES:,} articles load in {DAILY_ARTICLES / load / 3600:.1f} h "
              f"-> {'keeps up' if load >= peak else 'does NOT keep up'} (measured on a store "
              "growing to the corpus size only)")
    base = next((r for label, r in rates.items() if kinds[label] == "ingest"), None)
    if base:
        print(f"  storyline ingest on this machine: {base['total']:.1f} articles/s = "
              f"{base['total'] / peak:.0f}x the busiest hour's rate")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--noop":
        _noop_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--probe":
        _probe_child(sys.argv[2], sys.argv[3])
    else:
        main()

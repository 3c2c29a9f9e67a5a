"""Ingest throughput and peak memory on a generated corpus, per input format.

For each format (plain text files, HTML pages, one WARC.gz archive) the script generates N
articles (seeded, so every run sees the same bytes), then ingests them R times into a fresh
store, each run in its own process, and prints the median articles/s and peak memory.

A baseline is measured in the same run on the same files, so numbers from a noisy shared
machine can be compared as ratios:
  * text: read each file and insert it into SQLite with FTS5, nothing else (the I/O floor);
  * html/warc: ``trafilatura.extract`` on each page in one process (the extraction library
    alone, without Storyline's cleaning, language detection, identity or storage).

With ``--backend postgresql`` or ``both`` the store is (also) a PostgreSQL database: a fresh
database per run on the server named by ``--pg-url`` / ``STORYLINE_BENCH_PG``, else on a
throwaway cluster the script starts itself (``tests/pg_cluster.py``, but with PostgreSQL's
default durability: fsync, synchronous_commit and full_page_writes on) and stops at the end.
``both`` measures the two backends on the same files, interleaved run by run (sqlite,
postgresql, sqlite, …), and gives the ratio postgresql/sqlite.

After each default run a second process times a few reads on the filled store (``--reads``
calls each after a warm-up call; median in ms): ``stories(limit=100)``, ``articles(limit=100)``,
two searches and ``story``/``report`` of the biggest story.

    python benchmarks/ingest.py                    # 10,000 articles, 3 runs
    python benchmarks/ingest.py -n 2000 -r 5 --formats text html
    python benchmarks/ingest.py -n 2000 -r 3 --formats text --backend both
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import itertools
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

WORDS = [
    "government", "minister", "officials", "said", "talks", "agreement", "border", "security",
    "economy", "trade", "ministry", "statement", "police", "rescue", "flood", "storm",
    "election", "parliament", "vote", "budget", "inflation", "bank", "rates", "prices", "energy",
    "pipeline", "gas", "oil", "port", "ship", "navy", "army", "drone", "attack", "ceasefire",
    "protest", "court", "ruling", "judge", "investigation", "report", "hospital", "health",
    "vaccine", "school", "workers", "strike", "union", "company", "shares", "market", "exports",
    "imports", "farmers", "harvest", "drought", "water", "river", "bridge", "road", "railway",
    "airport", "flight", "passengers", "tourists", "summit", "leaders", "allies", "sanctions",
    "aid", "refugees", "camp", "village", "city", "region", "province", "capital", "coast",
    "island", "mountain", "valley",
]
PLACES = ["Lisbon", "Valletta", "Tallinn", "Rabat", "Kherson", "Derna", "Sydney", "Helsinki",
          "Marrakech", "Vienna", "Berlin", "Madrid", "Beijing", "Washington", "Ottawa"]
PEOPLE = ["Ana Costa", "Jonas Berg", "Leila Haddad", "Tomas Reyes", "Mira Solenko",
          "Kaisa Lehtonen", "Omar Benali", "Lucia Ferrer", "Daniel Okafor", "Sara Lind"]
OUTLETS = ["Harbor Daily", "Midland Post", "Coastline Herald", "The Capital Ledger",
           "Pacific Tribune", "Atlantic Courier", "Baltic Observer", "Diario del Sur"]


#: Articles per generated story: the corpus has stories to find, as real news does.
STORY_SIZE = 5
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fi", "go", "ha",
              "ju", "ke", "ma", "no", "pe", "ri", "su", "ta", "ve", "wo", "ze", "an", "el"]


def _vocabulary(size: int = 20_000) -> list[str]:
    rng = random.Random(42)
    words: set[str] = set(WORDS)
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


VOCABULARY = _vocabulary()
#: Zipf-like weights: a few words are everywhere, most are rare, as in real text.
_CUMULATIVE = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(VOCABULARY))))


def _story_topic(story: int) -> tuple[list[str], list[str], str, str]:
    rng = random.Random(f"story-{story}")
    topic = rng.sample(VOCABULARY[2000:], 10)
    names = [f"{rng.choice(VOCABULARY).title()} {rng.choice(VOCABULARY).title()}"
             for _ in range(2)]
    day = f"2023-{rng.randint(1, 12):02}-{rng.randint(1, 26):02}"
    return topic, names, rng.choice(PLACES), day


def _sentence(rng: random.Random, topic: list[str], names: list[str], place: str) -> str:
    n = rng.randint(12, 28)
    words = rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=n)
    for _ in range(max(1, n // 4)):
        words[rng.randrange(n)] = rng.choice(topic)
    words.insert(rng.randrange(len(words)), place)
    words.insert(rng.randrange(len(words)), f"{rng.randint(2, 9000):,}")
    if rng.random() < 0.3:
        return f"“{' '.join(words[:10]).capitalize()},” {rng.choice(names)} said."
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(names))
    return " ".join(words).capitalize() + "."


def _article(i: int) -> tuple[str, list[str], str, str]:
    rng = random.Random(i)
    topic, names, place, day = _story_topic(i // STORY_SIZE)
    title = f"{place} {' '.join(rng.sample(topic, 3))} {names[0].split()[1]}"
    paragraphs = [
        " ".join(_sentence(rng, topic, names, place) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(6, 12))
    ]
    paragraphs[0] = f"{place.upper()} – " + paragraphs[0]
    published = (date.fromisoformat(day) + timedelta(days=rng.randint(0, 2))).isoformat()
    return title, paragraphs, rng.choice(OUTLETS), published


def _text(i: int) -> str:
    title, paragraphs, _, _ = _article(i)
    junk = ["Share this article", "Read more: other news from the region",
            "Subscribe to our newsletter"]
    return "\n\n".join([title, *paragraphs, *junk]) + "\n"


def _html(i: int) -> str:
    title, paragraphs, outlet, day = _article(i)
    slug = title.lower().replace(" ", "-")
    nav = "".join(f'<li><a href="/{w}">{w.title()}</a></li>' for w in WORDS[:14])
    teasers = [" ".join(random.Random(i * 7 + k).choices(WORDS, k=8)) for k in range(10)]
    related = "".join(f'<li><a href="/r/{i}/{k}">{t}</a></li>' for k, t in enumerate(teasers))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {outlet}</title><meta property="og:site_name" content="{outlet}">
<meta name="author" content="{PEOPLE[i % len(PEOPLE)]}">
<meta property="article:published_time" content="{day}T09:00:00Z">
<link rel="canonical" href="https://news{i % 50}.example/{day}/{slug}">
<style>body{{font-family:sans-serif}} .nav li{{display:inline}}</style>
<script>window.dataLayer=[];function track(){{return 1}}</script></head>
<body><div class="cookie">We use cookies to improve your experience. Accept all</div>
<header><a href="/">{outlet}</a><ul class="nav">{nav}</ul></header>
<main><article><h1>{title}</h1><div class="byline">By {PEOPLE[i % len(PEOPLE)]}</div>
<time datetime="{day}">{day}</time>{body}
<div class="share">Share this article: Facebook · X · Email</div></article>
<aside><h3>Related</h3><ul>{related}</ul></aside></main>
<footer><p>© 2023 {outlet}. All rights reserved.</p><ul>{nav}</ul></footer></body></html>"""


def generate(root: Path, n: int, formats: list[str]) -> dict[str, Path]:
    """Write the corpus once per (format, n); reuse it when it is already there."""
    paths: dict[str, Path] = {}
    for fmt in formats:
        target = root / f"{fmt}-{n}"
        paths[fmt] = target
        if (target / ".complete").exists():
            continue
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        if fmt == "text":
            for i in range(n):
                (target / f"{i:06}.txt").write_text(_text(i), "utf-8")
        elif fmt == "html":
            for i in range(n):
                (target / f"{i:06}.html").write_text(_html(i), "utf-8")
        elif fmt == "warc":
            _write_warc(target / "crawl.warc.gz", n)
        (target / ".complete").write_text("ok")
    return paths


def _write_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            page = _html(i).encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://crawl.example/{i}", "response", payload=io.BytesIO(page),
                http_headers=headers, warc_headers_dict={"WARC-Date": "2023-06-15T08:00:00Z"},
            )
            writer.write_record(record)


# -- PostgreSQL: where the postgresql runs go --------------------------------------------------
TESTS = Path(__file__).resolve().parent.parent / "tests"
PG_ENV = "STORYLINE_BENCH_PG"
#: ``pg_cluster.SERVER_OPTIONS`` without the tests' speed settings (fsync, synchronous_commit
#: and full_page_writes off): the benchmark's own server keeps PostgreSQL's default durability.
DURABLE_SERVER_OPTIONS = ("-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100")
DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")


def _pg_cluster() -> Any:
    """``tests/pg_cluster.py`` (initdb/pg_ctl, as the ``postgres`` user under root)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    return importlib.import_module("pg_cluster")


class PgServer:
    """The server named by ``url``, else a throwaway cluster with default durability;
    ``database()`` gives a fresh database per run and drops it afterwards."""

    def __init__(self, url: str | None) -> None:
        self._pg = _pg_cluster()
        self._stop: Callable[[], None] | None = None
        self._made = 0
        if url:
            self.url, self.own = url, False
        else:
            self._pg.SERVER_OPTIONS = DURABLE_SERVER_OPTIONS
            cluster = self._pg.start_cluster(Path(tempfile.gettempdir()))
            self.url, self.own, self._stop = str(cluster.url), True, cluster.stop
        self.settings = self._settings()

    def _settings(self) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            shown = {name: (con.execute(f"SHOW {name}").fetchone() or ("?",))[0]
                     for name in ("server_version", *DURABILITY_SETTINGS)}
        version = shown.pop("server_version")
        return f"PostgreSQL {version}, " + " ".join(f"{k}={v}" for k, v in shown.items())

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        self._made += 1
        name = f"storyline_bench_{os.getpid()}_{self._made}"
        url = str(self._pg.create_database(self.url, name))
        try:
            yield url
        finally:
            self._pg.drop_database(self.url, name)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None


@contextlib.contextmanager
def _fresh_store(backend: str, server: PgServer | None) -> Iterator[str]:
    """A location for one run's empty store: a SQLite file in a temporary folder, or a new
    database on the server."""
    if backend == "postgresql":
        assert server is not None
        with server.database() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield str(Path(tmp) / "b.db")


# -- one measured run, in a child process so peak memory is its own ----------------------------
def _child(kind: str, source: str, db: str, workers: int) -> None:
    start = time.perf_counter()
    if kind.startswith("storyline"):
        from storyline import Storyline

        model = kind.partition("+")[2] or None  # "storyline+static": with that model
        with Storyline(db) as sl:
            report = sl.ingest([source], workers=workers, embeddings=model)
        count = len(report.ingested)
    elif kind == "baseline-text":
        count = _baseline_text(Path(source), db)
    else:
        count = _baseline_trafilatura(Path(source))
    elapsed = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"count": count, "seconds": elapsed, "rss_main_mb": self_kb / 1024,
                      "rss_worker_mb": kids_kb / 1024}))


def _baseline_text(folder: Path, db: str) -> int:
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE t USING fts5(title, text)")
    count = 0
    with con:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text("utf-8")
            title, _, body = text.partition("\n")
            con.execute("INSERT INTO t VALUES (?, ?)", (title, body))
            count += 1
    con.close()
    return count


def _baseline_trafilatura(source: Path) -> int:
    import trafilatura

    count = 0
    if source.is_dir() and any(source.glob("*.html")):
        for path in sorted(source.glob("*.html")):
            if trafilatura.extract(path.read_text("utf-8")):
                count += 1
        return count
    from warcio.archiveiterator import ArchiveIterator

    with next(source.glob("*.warc.gz")).open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response" and trafilatura.extract(
                record.content_stream().read().decode("utf-8")
            ):
                count += 1
    return count


#: Searches on the generated corpus: its most frequent word (in nearly every article) and
#: one of its places (the articles of about one story in 15).
QUERIES = (VOCABULARY[0], "Lisbon")


def _reads_child(db: str, calls: int) -> None:
    """Time reads on a filled store: ``calls`` calls each after one warm-up call (which
    also loads the report's sentence model); print the median of each in ms."""
    from storyline import Storyline

    with Storyline(db) as sl:
        biggest = max(sl.stories(limit=None), key=lambda s: s["article_count"])
        sid = str(biggest["id"])
        ops: dict[str, Callable[[], object]] = {
            "stories(limit=100)": lambda: sl.stories(limit=100),
            "articles(limit=100)": lambda: sl.articles(limit=100),
            **{f"articles(query={q!r})": functools.partial(sl.articles, query=q)
               for q in QUERIES},
            "story(biggest)": lambda: sl.story(sid),
            "report(biggest)": lambda: sl.report(sid),
        }
        result: dict[str, float] = {"biggest story": float(biggest["article_count"])}
        for name, op in ops.items():
            op()
            times = []
            for _ in range(calls):
                start = time.perf_counter()
                op()
                times.append((time.perf_counter() - start) * 1000)
            result[name] = statistics.median(times)
    print(json.dumps(result))


def _run(kind: str, source: Path, workers: int, db: str) -> dict[str, float]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(source), db, str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{kind} run failed: {stderr[-2000:]}")
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["rss_tree_mb"] = peak / 1024
    return result


def _run_reads(db: str, calls: int) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, "--reads", db, str(calls)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"reads failed: {proc.stderr[-2000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in kB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0] or 0)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="articles per format")
    parser.add_argument("-r", "--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--formats", nargs="+", default=["text", "html", "warc"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).parent / "out" / "corpus")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--embeddings", metavar="MODEL",
                        help="also ingest with this sentence model (e.g. static), in the "
                             "same run, and give its rate and its ratio to the default")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite",
                        help="store backend; both: each run measures sqlite then postgresql "
                             "on the same files")
    parser.add_argument("--pg-url", default=os.environ.get(PG_ENV) or None, metavar="URL",
                        help=f"an existing PostgreSQL server to create the run databases on "
                             f"(default ${PG_ENV}; else a throwaway cluster with default "
                             f"durability is started and stopped)")
    parser.add_argument("--reads", type=int, default=5, metavar="CALLS",
                        help="time read operations on each default run's store, this many "
                             "calls each (0: skip)")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]

    print(f"generating {args.n} articles per format in {args.corpus} …", file=sys.stderr)
    sources = generate(args.corpus, args.n, args.formats)
    # A kill should still stop our server and drop its databases (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_before = os.getloadavg()
    server = PgServer(args.pg_url) if "postgresql" in backends else None
    try:
        rows, read_rows = _measure(args, backends, sources, server)
    finally:
        if server is not None:
            server.stop()
    load_after = os.getloadavg()
    _print_table(rows)
    if read_rows:
        print(f"\nreads on the filled store, ms (median of {args.reads} calls after a warm-up "
              f"call, median over runs):")
        _print_table(read_rows)
    print(f"\ncores: {os.cpu_count()}  python: {sys.version.split()[0]}  runs: {args.runs}  "
          "load avg (1/5/15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}"
          .format(*load_before, *load_after))
    if server is not None:
        where = "own throwaway cluster" if server.own else "existing server"
        print(f"postgresql: {where}, TCP loopback; {server.settings}")
    print("rerun: python benchmarks/ingest.py " + " ".join(sys.argv[1:]))


def _measure(args: argparse.Namespace, backends: list[str], sources: dict[str, Path],
             server: PgServer | None
             ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    rows: list[dict[str, object]] = []
    read_rows: list[dict[str, object]] = []
    for fmt in args.formats:
        source = sources[fmt]
        plan = [("storyline", args.workers)]
        if args.embeddings:
            plan.append((f"storyline+{args.embeddings}", args.workers))
        if not args.no_baseline:
            plan.append(("baseline-text" if fmt == "text" else "baseline-trafilatura", 1))
        measured: dict[tuple[str, str], list[dict[str, float]]] = {}
        reads: dict[str, list[dict[str, float]]] = {}
        for kind, workers in plan:
            # The baselines are SQLite (or no store at all) whatever the backend.
            kind_backends = backends if kind.startswith("storyline") else ["sqlite"]
            for run in range(args.runs):
                for backend in kind_backends:
                    label = f"{kind} [{backend}]" if len(kind_backends) > 1 else kind
                    print(f"{fmt}: {label} run {run + 1}/{args.runs} …", file=sys.stderr)
                    with _fresh_store(backend, server) as db:
                        measured.setdefault((kind, backend), []).append(
                            _run(kind, source, workers, db))
                        if kind == "storyline" and args.reads > 0:
                            reads.setdefault(backend, []).append(_run_reads(db, args.reads))
        base_kind = next((k for k, _ in measured if not k.startswith("storyline")), None)
        base = (statistics.median(r["count"] / r["seconds"]
                                  for r in measured[(base_kind, "sqlite")])
                if base_kind else None)
        rates: dict[str, float] = {}
        for backend in backends:
            ours = measured[("storyline", backend)]
            rate = rates[backend] = statistics.median(r["count"] / r["seconds"] for r in ours)
            row: dict[str, object] = {"format": fmt}
            if args.backend != "sqlite":
                row["backend"] = backend
            row |= {
                "articles": int(ours[0]["count"]),
                "workers": args.workers,
                "median art/s": f"{rate:.0f}",
                "min-max art/s": "{:.0f}-{:.0f}".format(
                    min(r["count"] / r["seconds"] for r in ours),
                    max(r["count"] / r["seconds"] for r in ours),
                ),
                "peak MB main": f"{max(r['rss_main_mb'] for r in ours):.0f}",
                "peak MB all procs": f"{max(r['rss_tree_mb'] for r in ours):.0f}",
            }
            if len(backends) > 1:
                row["postgresql/sqlite"] = (f"{rate / rates['sqlite']:.2f}x"
                                            if backend == "postgresql" else "")
            if args.embeddings:
                dense = measured[(f"storyline+{args.embeddings}", backend)]
                dense_rate = statistics.median(r["count"] / r["seconds"] for r in dense)
                row[f"with {args.embeddings} art/s"] = f"{dense_rate:.0f}"
                row[f"{args.embeddings}/default"] = f"{dense_rate / rate:.2f}x"
            if base_kind and base:
                row["baseline"] = f"{base_kind.split('-')[1]} 1 proc: {base:.0f} art/s"
                row["ratio"] = f"{rate / base:.2f}x" if rate >= base / 10 else f"{rate / base:.3f}x"
            rows.append(row)
        read_rows.extend(_read_rows(fmt, backends, reads))
    return rows, read_rows


def _read_rows(fmt: str, backends: list[str], reads: dict[str, list[dict[str, float]]]
               ) -> list[dict[str, object]]:
    """One row per backend: each read's median over runs (each run's own median of its
    calls), in ms; with two backends a last row of postgresql/sqlite ratios."""
    medians: dict[str, dict[str, float]] = {}
    for backend in backends:
        runs = reads.get(backend)
        if runs:
            medians[backend] = {op: statistics.median(r[op] for r in runs) for op in runs[0]}
    rows: list[dict[str, object]] = []
    for backend, ms in medians.items():
        row: dict[str, Any] = {"format": fmt, "backend": backend}
        for op, value in ms.items():
            row[op] = (f"{value:.0f}" if op == "biggest story"
                       else f"{value:.1f}" if value >= 10 else f"{value:.2f}")
        rows.append(row)
    if len(medians) == 2:
        lite, pg = medians["sqlite"], medians["postgresql"]
        row = {"format": fmt, "backend": "postgresql/sqlite", "biggest story": ""}
        for op in lite:
            if op != "biggest story":
                row[op] = f"{pg[op] / lite[op]:.2f}x" if lite[op] else "-"
        rows.append(row)
    return rows


def _print_table(rows: list[dict[str, object]]) -> None:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-+-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--reads":
        _reads_child(sys.argv[2], int(sys.argv[3]))
    else:
        main()

"""Ingest throughput and peak memory on a generated corpus, per input format.

For each format (plain text files, HTML pages, one WARC.gz archive) the script generates N
articles (seeded, so every run sees the same bytes), then ingests them R times into a fresh
store, each run in its own process, and prints the median articles/s and peak memory.

A baseline is measured in the same run on the same files, so numbers from a noisy shared
machine can be compared as ratios:
  * text: read each file and insert it into SQLite with FTS5, nothing else (the I/O floor);
  * html/warc: ``trafilatura.extract`` on each page in one process (the extraction library
    alone, without Storyline's cleaning, language detection, identity or storage).

    python benchmarks/ingest.py                    # 10,000 articles, 3 runs
    python benchmarks/ingest.py -n 2000 -r 5 --formats text html
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

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


def _run(kind: str, source: Path, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", kind, str(source), str(Path(tmp) / "b.db"),
             str(workers)],
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
    args = parser.parse_args()

    print(f"generating {args.n} articles per format in {args.corpus} …", file=sys.stderr)
    sources = generate(args.corpus, args.n, args.formats)
    rows = []
    for fmt in args.formats:
        source = sources[fmt]
        plan = [("storyline", args.workers)]
        if args.embeddings:
            plan.append((f"storyline+{args.embeddings}", args.workers))
        if not args.no_baseline:
            plan.append(("baseline-text" if fmt == "text" else "baseline-trafilatura", 1))
        measured: dict[str, list[dict[str, float]]] = {}
        for kind, workers in plan:
            for run in range(args.runs):
                print(f"{fmt}: {kind} run {run + 1}/{args.runs} …", file=sys.stderr)
                measured.setdefault(kind, []).append(_run(kind, source, workers))
        ours = measured["storyline"]
        rate = statistics.median(r["count"] / r["seconds"] for r in ours)
        row = {
            "format": fmt,
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
        if args.embeddings:
            dense = measured[f"storyline+{args.embeddings}"]
            dense_rate = statistics.median(r["count"] / r["seconds"] for r in dense)
            row[f"with {args.embeddings} art/s"] = f"{dense_rate:.0f}"
            row[f"{args.embeddings}/default"] = f"{dense_rate / rate:.2f}x"
        base_kind = next((k for k in measured if not k.startswith("storyline")), None)
        if base_kind:
            base = statistics.median(r["count"] / r["seconds"] for r in measured[base_kind])
            row["baseline"] = f"{base_kind.split('-')[1]} 1 proc: {base:.0f} art/s"
            row["ratio"] = f"{rate / base:.2f}x"
        rows.append(row)
    _print_table(rows)
    print(f"\ncores: {os.cpu_count()}  python: {sys.version.split()[0]}  runs: {args.runs}")
    print("rerun: python benchmarks/ingest.py " + " ".join(sys.argv[1:]))


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
    else:
        main()

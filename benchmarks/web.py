"""Page-load times of the web UI and the HTTP API on a store of about 1,000 stories.

The store is built once per size from ``benchmarks/ingest.py``'s generated HTML articles
(five articles to a story, seeded), and kept in the temp folder for reruns. A real server
(``storyline serve``, uvicorn, one process) answers; each page type is requested R times
in turn with httpx over a keep-alive connection, and the table gives the median and the
slowest time per page type, and the first request of each (right after the server came
up, in table order: the entity pages' first one includes resolving the store's entities if
the server's warm-up has not finished). Times are the client's: from sending the request
to having read the whole response. The baseline in the same run is ``/api/health``
(routing, one store open, a count): what any request costs before its page's own work.

Then, unless ``--ingest 0``, the same pages are requested again, in turn, while the server
ingests an upload (``POST /api/ingest``, a JSON Lines file of ``--ingest`` new generated
articles) in the background: the second table shows what a reader waits while an ingest
runs. The run works on a copy of the cached store, so the cache stays as built.

    python benchmarks/web.py                 # 5,000 articles (~1,000 stories), 20 rounds
    python benchmarks/web.py -n 1000 -r 10 --ingest 200
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from ingest import _article, generate

ROOT = Path(tempfile.gettempdir()) / "storyline-bench"


def build(n: int) -> Path:
    db = ROOT / f"web-{n}.db"
    if db.exists() and (ROOT / f"web-{n}.complete").exists():
        return db
    corpus = generate(ROOT, n, ["html"])["html"]
    db.unlink(missing_ok=True)
    print(f"building the store: ingesting {n:,} articles …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "storyline", "ingest", str(corpus), "--db", str(db)],
                   check=True, stdout=subprocess.DEVNULL)
    (ROOT / f"web-{n}.complete").write_text("ok")
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pages(client: httpx.Client) -> dict[str, str]:
    """One URL per page type, picked from the store through the API (a big story, one of
    its articles, its most mentioned person, and the most mentioned entity of the store:
    the entity page's worst case)."""
    stories = client.get("/api/stories", params={"limit": 50}).json()
    story = max(stories, key=lambda s: s["article_count"])
    article = story["article_ids"][0]
    people = client.get("/api/entities", params={"story": story["id"], "kind": "PERSON",
                                                 "limit": 1}).json()
    top = client.get("/api/entities", params={"limit": 1}).json()
    word = story["headline"].split()[0]
    source, lang = story["sources"][0], story["languages"][0]
    pages = {
        "health (baseline)": "/api/health",
        "story list `/`": "/",
        "story list, search": "/?" + urlencode({"q": word}),
        "story list, filter (source + language)": "/?" + urlencode({"source": source,
                                                                   "lang": lang}),
        "story list, filter (date range), page 2": "/?" + urlencode(
            {"since": "2000-01-01", "until": "2100-12-31", "offset": 50}),
        "story page": f"/stories/{story['id']}",
        "article page": f"/articles/{article}",
        "API stories": "/api/stories",
        "API stories, search + filter": "/api/stories?" + urlencode({"q": word,
                                                                     "lang": lang}),
        "API story `/api/stories/{id}`": f"/api/stories/{story['id']}",
        "API events (a story)": f"/api/events?story={story['id']}",
    }
    if people:
        pages["entity page (the story's main person)"] = f"/entities/{people[0]['id']}"
    if top:
        pages["entity page (most mentioned in the store)"] = f"/entities/{top[0]['id']}"
        pages["API entity"] = f"/api/entities/{top[0]['id']}"
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="articles (five to a story)")
    parser.add_argument("-r", "--rounds", type=int, default=20)
    parser.add_argument("--ingest", type=int, default=300,
                        help="articles uploaded for the during-ingest table (0: none)")
    args = parser.parse_args()
    cached = build(args.n)
    work = Path(tempfile.mkdtemp(prefix="storyline-web-bench-"))
    db = work / "store.db"
    shutil.copyfile(cached, db)
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port),
         "--allow-ingest", "--max-upload-mb", "200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(100):
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            counts = client.get("/api/health").json()
            pages = _pages(client)
            times: dict[str, list[float]] = {name: [] for name in pages}
            cold: dict[str, float] = {}
            for name, url in pages.items():  # warm: templates compiled, caches filled
                start = time.perf_counter()
                assert client.get(url).status_code == 200, url
                cold[name] = (time.perf_counter() - start) * 1000
            warm_s = time.perf_counter() - started
            for _ in range(args.rounds):
                for name, url in pages.items():
                    start = time.perf_counter()
                    response = client.get(url)
                    times[name].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, url
            busy, ingest_s, ingested = (_during_ingest(client, pages, args.n, args.ingest)
                                        if args.ingest else ({}, 0.0, 0))
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{date.today().isoformat()}: store of {counts['articles']:,} articles in "
          f"{counts['stories']:,} stories; {args.rounds} rounds; one uvicorn process; "
          f"{os.cpu_count()} CPUs; server start to all pages warm {warm_s:.1f} s\n")
    print("| page | median ms | slowest ms | first request ms | × baseline |")
    print("|---|---|---|---|---|")
    base_ms = statistics.median(times["health (baseline)"])
    for name, values in times.items():
        m = statistics.median(values)
        print(f"| {name} | {m:.1f} | {max(values):.1f} | {cold[name]:.1f} | "
              f"{m / base_ms:.1f}× |")
    if busy:
        print(f"\nWhile the server ingests an upload of {args.ingest:,} new articles "
              f"({ingested:,} stored in {ingest_s:.1f} s, {ingested / ingest_s:.1f} art/s), "
              "the same pages in turn until it is done:\n")
        print("| page | requests | median ms | slowest ms | median × idle median |")
        print("|---|---|---|---|---|")
        for name, values in busy.items():
            if values:
                m = statistics.median(values)
                print(f"| {name} | {len(values)} | {m:.1f} | {max(values):.1f} | "
                      f"{m / statistics.median(times[name]):.1f}× |")
    print("\nrerun: python benchmarks/web.py " + " ".join(sys.argv[1:]))


def _during_ingest(client: httpx.Client, pages: dict[str, str], n: int, count: int
                   ) -> tuple[dict[str, list[float]], float, int]:
    """Upload ``count`` new articles (numbered after the store's) as JSON Lines and time
    the pages until the ingest job is done; returns the times, the ingest's wall time and
    how many articles it stored."""
    lines = []
    for i in range(n, n + count):
        title, paragraphs, outlet, day = _article(i)
        lines.append(json.dumps({"title": title, "text": "\n\n".join(paragraphs),
                                 "source": outlet, "published": day,
                                 "url": f"https://bench.example/upload/{i}"}))
    body = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    job = client.post("/api/ingest", params={"filename": "upload.jsonl"}, content=body)
    assert job.status_code == 202, job.text
    job_id = job.json()["id"]
    busy: dict[str, list[float]] = {name: [] for name in pages}
    state: dict[str, object] = {"status": "queued"}
    while state.get("status") in ("queued", "running"):
        for name, url in pages.items():
            start = time.perf_counter()
            response = client.get(url)
            busy[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url
        state = client.get(f"/api/ingest/{job_id}").json()
    elapsed = time.perf_counter() - started
    assert state.get("status") == "done", state
    ingested = state.get("ingested")
    return busy, elapsed, len(ingested) if isinstance(ingested, list) else 0


if __name__ == "__main__":
    main()

"""Several processes ingesting into one store at once: nothing lost, and every count and
statistic exactly what the same inputs give ingested one after another."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from storyline.api import Storyline

TOPICS = [
    ("Harwick", "Mara Lindqvist", "bridge", "girders cables pylons asphalt tolls barriers "
     "welders bolts cranes inspectors deck span"),
    ("Port Alby", "Jonas Ferreira", "ferry", "hull lifeboats passengers captain radar "
     "mooring tides propeller cargo gangway coastguard sonar"),
    ("Velden", "Ada Okafor", "wildfire", "embers smoke pines hectares water-bombers "
     "firebreaks evacuees helicopters ash drought winds blaze"),
    ("Santa Brisa", "Luis Carmona", "landslide", "mud boulders slope excavators "
     "cliffs rainfall debris geologists villas retaining-walls terraces sirens"),
    ("Oberfeld", "Katrin Vogt", "strike", "trains commuters wages pickets timetables "
     "drivers signals depots negotiators arbitration fares stations"),
    ("Marrowgate", "Tom Ashdown", "flood", "sandbags levees cellars pumps "
     "riverbanks rowing-boats sewers dykes gauges kayaks silt meadows"),
    ("Kestrel Bay", "Nadia Haddad", "oil spill", "tanker slick booms seabirds dispersant "
     "shoreline skimmers crude plankton trawlers otters dunes"),
    ("Dunmore", "Ewan Reid", "power cut", "substations transformers generators "
     "blackout pylons turbines kilowatts outages fuses lanterns batteries hospitals"),
]

SENTENCES = [
    "Officials in {place} said the {event} had damaged {a} and {b} across {n} streets.",
    "{person} said crews checked the {a}, the {b} and the {c} through the night.",
    "Residents of {place} described the {a} and the {b} after the {event}.",
    "The regional government promised {n} million for {a}, {b} and {c} in {place}.",
    "Crews expect {m} more days of work on the {a} and {b} before the {c} reopen.",
    "In {place}, {a}, {b} and {c} were the main worry on Tuesday, {person} said.",
    "{person} said an inquiry would look at the {a} and the {b} within {m} weeks.",
    "Traders near the {c} said the {event} had hit them, with {a} and {b} everywhere.",
]


def _corpus(path: Path, topics: list[int], per_topic: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for t in topics:
            place, person, event, vocabulary = TOPICS[t]
            words = vocabulary.split()
            for k in range(per_topic):
                body = []
                for _ in range(7):
                    a, b, c = rng.sample(words, 3)
                    body.append(rng.choice(SENTENCES).format(
                        place=place, person=person, event=event, a=a, b=b, c=c,
                        n=rng.randint(10, 990), m=rng.randint(2, 30)))
                body[0] = body[0][0].upper() + body[0][1:]
                fh.write(json.dumps({
                    "title": f"{event.capitalize()} in {place}: update {k}",
                    "text": " ".join(body) + f" (Report {seed}-{t}-{k}.)",
                    "published": f"2024-03-{1 + k % 5:02d}", "source": f"Outlet {k % 4}",
                    "lang": "en"}) + "\n")


#: Ingests in chunks of 20 articles (the default is 500), so two processes take turns.
_RUN = """
import sys
import storyline.pipeline as p
p.COMMIT_EVERY = 20
from storyline.api import Storyline
with Storyline(sys.argv[1]) as sl:
    sl.ingest([sys.argv[2]], workers=1)
"""


def _state(db: Path) -> dict[str, object]:
    con = sqlite3.connect(db)
    try:
        members: dict[str, list[str]] = {}
        for aid, sid in con.execute("SELECT id, story_id FROM articles"):
            members.setdefault(sid, []).append(aid)
        counts = dict(con.execute(
            "SELECT id, article_count FROM stories WHERE merged_into IS NULL"))
        return {
            "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0],
            "documents": int(con.execute(
                "SELECT value FROM meta WHERE key='documents'").fetchone()[0]),
            "term_df": dict(con.execute("SELECT term, df FROM term_df")),
            "miscounted": sorted(s for s, n in counts.items()
                                 if n != len(members.get(s, []))),
            "in_live_stories": sum(len(members.get(sid, [])) for sid in counts),
            "counted": sum(counts.values()),
        }
    finally:
        con.close()


def test_parallel_ingests_equal_one_after_another(tmp_path: Path) -> None:
    halves = []
    for name, topics, seed in (("a", [0, 1, 2, 3], 1), ("b", [4, 5, 6, 7], 2)):
        path = tmp_path / f"{name}.jsonl"
        _corpus(path, topics, per_topic=30, seed=seed)
        halves.append(path)
    together, apart = tmp_path / "together.db", tmp_path / "apart.db"
    with Storyline(together):
        pass  # created and migrated before the writers race to do it
    procs = [subprocess.Popen([sys.executable, "-c", _RUN, str(together), str(p)],
                              stderr=subprocess.PIPE, text=True) for p in halves]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    for path in halves:
        subprocess.run([sys.executable, "-c", _RUN, str(apart), str(path)], check=True,
                       timeout=600)
    got, want = _state(together), _state(apart)
    assert got["articles"] == want["articles"] == 240
    assert got["documents"] == want["documents"] == 240
    assert got["term_df"] == want["term_df"]
    assert got["miscounted"] == [] and want["miscounted"] == []
    # every article sits in a live story, counted once
    assert got["in_live_stories"] == got["counted"] == 240
    # Which story an article joins depends on what the store held when it came (online
    # clustering, no re-clustering): interleaved batches may place a borderline article
    # differently from batches one after another, so story sizes are not compared.


#: The victim of the kill test: three chunks of 20 go in, then it waits (holding no lock)
#: for the test's ``go`` file; the next chunk opens its transaction, writes five articles,
#: says so in a ``holding`` file and hangs there until it is killed. Timing plays no part.
_VICTIM = """
import sys, time
from pathlib import Path
import storyline.pipeline as p
p.COMMIT_EVERY = 20
from storyline.api import Storyline
flags = Path(sys.argv[3])
real, calls = p._commit_chunk, [0]

def commit(store, chunk, *rest):
    calls[0] += 1
    if calls[0] == 4:
        (flags / "waiting").touch()
        while not (flags / "go").exists():
            time.sleep(0.02)
        add, added = store.add_article, [0]

        def add_then_hang(*args, **kwargs):
            outcome = add(*args, **kwargs)
            added[0] += 1
            if added[0] == 5:
                (flags / "holding").touch()
                time.sleep(3600)
            return outcome
        store.add_article = add_then_hang
    real(store, chunk, *rest)

p._commit_chunk = commit
with Storyline(sys.argv[1]) as sl:
    sl.ingest([sys.argv[2]], workers=1)
"""


def test_killing_one_writer_leaves_the_other_exact(tmp_path: Path) -> None:
    """``kill -9`` on one of two ingests inside an open transaction: SQLite rolls that chunk
    back, its committed chunks stay, and the other ingest's counts and statistics stay
    exact."""
    import os
    import signal
    import time

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _corpus(a, [0, 1, 2, 3], per_topic=30, seed=3)
    _corpus(b, [4, 5, 6, 7], per_topic=30, seed=4)
    db, flags = tmp_path / "shared.db", tmp_path / "flags"
    flags.mkdir()
    with Storyline(db):
        pass
    victim = subprocess.Popen([sys.executable, "-c", _VICTIM, str(db), str(a), str(flags)],
                              stderr=subprocess.PIPE, text=True)

    def wait_for(done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 300
        while not done():
            if victim.poll() is not None:
                _, err = victim.communicate()
                raise AssertionError(f"the victim ended before {what}: {err}")
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.05)

    wait_for(lambda: (flags / "waiting").exists(), "its first three chunks")
    survivor = subprocess.Popen([sys.executable, "-c", _RUN, str(db), str(b)],
                                stderr=subprocess.PIPE, text=True)
    wait_for(lambda: _count(db, "b.jsonl") >= 40 or survivor.poll() is not None,
             "the survivor's first chunks")
    (flags / "go").touch()  # both are writing now
    wait_for(lambda: (flags / "holding").exists(), "a transaction held open")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=60)
    _, err = survivor.communicate(timeout=600)
    assert survivor.returncode == 0, err
    assert victim.returncode == -signal.SIGKILL  # killed, not finished

    # what the victim committed, ingested again with all of b into a fresh store
    con = sqlite3.connect(db)
    kept = {int(o.rsplit("#L", 1)[1]) for (o,) in con.execute(
        "SELECT origin FROM articles WHERE origin LIKE ?", (f"%{a.name}#L%",))}
    con.close()
    assert kept == set(range(1, 61))  # three whole chunks; the open fourth rolled back
    lines = a.read_text("utf-8").splitlines()
    subset = tmp_path / "a_kept.jsonl"
    subset.write_text("".join(lines[n - 1] + "\n" for n in sorted(kept)), "utf-8")
    again = tmp_path / "again.db"
    for path in (subset, b):
        subprocess.run([sys.executable, "-c", _RUN, str(again), str(path)], check=True,
                       timeout=600)
    got, want = _state(db), _state(again)
    assert got["articles"] == want["articles"] == len(kept) + 120
    assert got["documents"] == want["documents"] == got["articles"]
    assert got["term_df"] == want["term_df"]
    assert got["miscounted"] == []
    assert got["in_live_stories"] == got["counted"] == got["articles"]


def _count(db: Path, origin: str = "") -> int:
    try:
        con = sqlite3.connect(db, timeout=30)
        try:
            return int(con.execute("SELECT count(*) FROM articles WHERE origin LIKE ?",
                                   (f"%{origin}%",)).fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:  # the schema is being written
        return 0


def test_a_snapshot_reads_one_moment_while_another_process_writes(tmp_path: Path) -> None:
    first, more = tmp_path / "first.jsonl", tmp_path / "more.jsonl"
    _corpus(first, [0], per_topic=5, seed=5)
    _corpus(more, [1], per_topic=5, seed=6)
    db = tmp_path / "s.db"
    subprocess.run([sys.executable, "-c", _RUN, str(db), str(first)], check=True, timeout=300)
    with Storyline(db) as sl:
        with sl.snapshot():
            before = [a.id for a in sl.articles(limit=None)]
            subprocess.run([sys.executable, "-c", _RUN, str(db), str(more)], check=True,
                           timeout=300)  # another process commits meanwhile
            assert [a.id for a in sl.articles(limit=None)] == before  # not seen inside
            from storyline.interfaces.export import export

            out = tmp_path / "articles.jsonl"
            assert export(sl, "articles", "jsonl", out) == len(before) == 5
        assert len(sl.articles(limit=None)) == 10  # seen after

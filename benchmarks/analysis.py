"""Time to build a story report (``storyline show STORY``) for stories of 2, 20, 200 and
1,000 articles.

The stories are generated here, seeded, and ingested into one temporary store per size as
JSON Lines (each article with its own outlet, publication time and headline): a fictional
flood in the fictional town of Marrowby on a Tuesday, reported by up to 40 fictional
outlets on the Thursday after. Each article is a lead and 11–24 more sentences drawn from a
pool of templates with varying figures ("at least {n} people were evacuated"), relative and
absolute dates ("on Wednesday", "last month", "on 4 March"), fictional officials,
attributed quotes ("“…,” said Mayor Odile Fenwick"), competing descriptions of what
happened to the levee (collapsed / was breached / was blown up) and a resident of its own;
about one article in seven is a near copy of an earlier one (another outlet, a word or a
figure changed, a line added), which the dedupe stage links — and, the templates being so
alike, it chains most other articles into the same copy group too ("near (via group)": 155
of 200, 907 of 1,000), so the copy handling has more work than on real coverage. So
alignment, conflicts, the timeline and the summary all have work.

Three things are timed per run, after one warm-up call per size (imports, lexicons):
``Storyline.story_inputs`` (reads the store: articles, sentences, extraction, copy links,
entities), ``build_report`` on those inputs (the pure analysis), and ``Storyline.report``
(both, end to end). The table gives medians over the runs.

    python benchmarks/analysis.py                 # sizes 2, 20, 200, 1000; 5 runs
    python benchmarks/analysis.py --runs 3 --sizes 20 200
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from storyline import Storyline
from storyline.analyse.align import align
from storyline.analyse.claims import claims_of
from storyline.analyse.inputs import StoryInputs
from storyline.analyse.report import build_report
from storyline.analyse.types import StoryReport

#: Targets (issue): seconds for a whole report, by story size, on 2 cores.
TARGETS = {20: 1.0, 200: 10.0}

TOWN, RIVER, COUNTY = "Marrowby", "Estle", "Harrowgate County"
BOARD = "the Estle Valley Water Board"
PREFIXES = ["Marrowby", "Estle Valley", "Harrowgate", "Northfold", "Brindle", "Castermere",
            "Lowen", "Quarry Hill"]
KINDS = ["Courier", "Gazette", "Wire", "Post", "Herald", "Ledger", "Tribune", "Bulletin",
         "Radio", "Daily"]
#: 40 outlets, in a fixed order: the first N articles come from the first outlets.
OUTLETS = [f"{p} {k}" for k, p in zip(KINDS * 4, PREFIXES * 5, strict=True)]

GIVEN = ["Agnes", "Tobiah", "Merel", "Casimir", "Linnea", "Osric", "Perpetua", "Hollis",
         "Ysolde", "Barnaby", "Clementine", "Jory", "Wilhelmina", "Ansel", "Rosalind", "Elric"]
SURNAMES = ["Quill", "Ashdown", "Verrall", "Thistlewood", "Crane", "Mallory", "Bexley",
            "Ravensworth", "Pickering", "Hale", "Dunmore", "Stroud", "Larkspur", "Wickham"]
JOBS = ["baker", "retired teacher", "bus driver", "nurse", "carpenter", "shop owner",
        "student", "farmer", "pharmacist", "postal worker"]
ROOMS = ["kitchen", "front door", "living room", "garage", "first-floor windows"]

MAYOR_QUOTES = [
    "We have never seen the water rise this fast",
    "Every family that needs a roof tonight will have one",
    "This town has been through floods before and it will get through this one",
    "The warnings were there and nobody acted on them",
]
CHIEF_QUOTES = [
    "Our crews have been working around the clock",
    "People waited on their roofs for hours before we could reach them",
    "We are asking everyone to stay out of the water",
]
BOARD_QUOTES = [
    "The levee was inspected in January and it passed",
    "There is no evidence of sabotage",
    "We will cooperate fully with any inquiry",
]
RESIDENT_QUOTES = [
    "We lost everything on the ground floor",
    "Nobody told us to leave until the water was already in the street",
    "The firefighters came by boat and took my mother first",
    "I have lived here forty years and never seen anything like it",
]

LEADS = [
    "At least {evac} people were evacuated from {town} {when} after the levee on the "
    "{river} River {verb} following days of heavy rain.",
    "Floodwater poured into {town} {when} when the levee on the {river} {verb}, forcing at "
    "least {evac} residents from their homes.",
    "{dead_cap} people died and {missing} were missing after the {river} River flooded "
    "{town} {when}, officials said.",
    "The {river} River burst its banks in {town} {when}, and about {evac} people had to "
    "leave their homes.",
]
TITLES = [
    "{evac} evacuated as the {river} floods {town}",
    "{town} flood: {dead} dead, {missing} missing",
    "Levee {verb} in {town}, thousands flee",
    "State of emergency in {county} after {town} flood",
    "Questions over the {town} levee as the waters recede",
]
#: The body: each entry is one sentence template, or a list of ways of saying one thing.
BODY: list[str | list[str]] = [
    ["{dead_cap} people were killed in the flooding, according to the {county} coroner.",
     "The death toll rose to {dead} on {weekday}, the coroner's office said."],
    ["Officials said {missing} people were still missing.",
     "Emergency manager Idris Calloway said {missing} people were unaccounted for."],
    "“{mayor_quote},” said Mayor Odile Fenwick.",
    "“{mayor_quote2},” Fenwick told reporters at the town hall.",
    ["Fire Chief Bram Tolliver said crews had rescued {rescued} people from rooftops and "
     "cars.",
     "Firefighters rescued {rescued} people by boat, Fire Chief Bram Tolliver said."],
    "“{chief_quote},” Tolliver said.",
    "The {river} rose {rise} metres in {hours} hours, {board} said.",
    "About {rain} millimetres of rain fell on the valley over {raindays} days, the weather "
    "service said.",
    ["Governor Renata Halvorsen declared a state of emergency for {county} on Tuesday.",
     "A state of emergency was declared for {county} on Tuesday by Governor Renata "
     "Halvorsen."],
    "Halvorsen will visit {town} on Friday to meet families in the shelters.",
    "“The state will stand with {town} for as long as it takes,” Halvorsen said.",
    "The water board warned last month that the levee needed urgent repairs.",
    "Lucan Pembry, chairman of {board}, said the levee {verb2} because the ground beneath it "
    "was saturated.",
    "“{board_quote},” Pembry said.",
    "Residents accused the water board of ignoring warnings about the levee.",
    "Some residents said the levee had been blown up to protect farmland downstream, a claim "
    "the water board denied.",
    "Police arrested {arrested} people for looting in the Old Quarter on Wednesday.",
    ["{homes} homes were damaged, Calloway said.",
     "At least {homes} houses were damaged or destroyed, county officials said."],
    "Shelters at Marrowby High School and the sports hall took in {sheltered} people "
    "overnight.",
    "The Canal Street bridge was closed on Wednesday after engineers found cracks.",
    "Power was cut to {power} households, the utility Estle Power said.",
    "Schools in {town} will stay closed until next Monday.",
    "Hydrologist Kestrel Amani of Northfold University said the river peaked at {peak} "
    "metres on Wednesday morning.",
    "The last comparable flood in {town} was in 1987, when {old_dead} people died.",
    "Volunteers filled {bags} sandbags at the fire station on Monday.",
    "Protesters gathered outside the water board's offices in Castermere on Thursday, "
    "demanding an inquiry.",
    "Halvorsen said the state would pay for an independent inquiry into the levee.",
    "The army sent {soldiers} soldiers and {boats} boats to help with the evacuation.",
    "Insurers estimated the damage at {damage} million dollars.",
    "Train services between {town} and Castermere were suspended on Tuesday.",
    "The water board met on 4 March to discuss the levee but postponed repairs until the "
    "summer.",
    "The rain is expected to ease by the weekend, forecasters said.",
    "Red Cross volunteers handed out {meals} hot meals at the shelters on Wednesday.",
    "The levee, built in 1962, was last reinforced in 2009.",
]
RESIDENT = [
    "{resident}, a {age}-year-old {job}, said the water reached the {room} within "
    "{minutes} minutes.",
    "“{resident_quote},” said {resident}, who lives near the river.",
]

#: The flood is on Tuesday 11 March 2025; the articles come out over the following
#: Thursday, so that their "on Wednesday", "on Friday", "last month" all point where meant.
FIRST_PUBLISHED = datetime(2025, 3, 13, 6, 0)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _values(rng: random.Random, published: datetime) -> dict[str, Any]:
    """One article's version of the facts: figures and wordings vary between outlets."""
    dead = rng.choice([2, 3, 3, 3, 4])
    words = ["Two", "Three", "Four"]
    return {
        "town": TOWN, "river": RIVER, "county": COUNTY, "board": BOARD,
        "when": rng.choice(["on Tuesday", "on Tuesday", "early on Tuesday",
                            "late on Monday"]),
        "verb": rng.choice(["collapsed", "collapsed", "was breached", "gave way",
                            "was blown up"]),
        "verb2": rng.choice(["collapsed", "failed", "gave way"]),
        "evac": f"{rng.choice([1200, 1500, 1500, 1800, 2000]):,}",
        "dead": dead, "dead_cap": words[dead - 2],
        "missing": rng.choice([5, 6, 6, 7]),
        "weekday": WEEKDAYS[published.weekday()],
        "rescued": rng.choice([86, 90, 112, 140]),
        "rise": rng.choice([2, 3, 3]), "hours": rng.choice([6, 8, 12]),
        "rain": rng.choice([140, 162, 180]), "raindays": rng.choice([3, 4]),
        "arrested": rng.choice([4, 5, 9]), "homes": rng.choice([300, 340, 410]),
        "sheltered": rng.choice([600, 650, 820]), "power": f"{rng.choice([4000, 5200]):,}",
        "peak": rng.choice(["5.8", "6.1", "6.4"]), "old_dead": rng.choice([7, 9]),
        "bags": f"{rng.choice([10000, 12000, 15000]):,}", "soldiers": rng.choice([150, 200]),
        "boats": rng.choice([20, 24, 30]), "damage": rng.choice([40, 55, 80]),
        "meals": f"{rng.choice([1100, 1400, 2300]):,}",
        "mayor_quote": rng.choice(MAYOR_QUOTES), "mayor_quote2": rng.choice(MAYOR_QUOTES),
        "chief_quote": rng.choice(CHIEF_QUOTES), "board_quote": rng.choice(BOARD_QUOTES),
        "resident": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}",
        "age": rng.randint(24, 88), "job": rng.choice(JOBS), "room": rng.choice(ROOMS),
        "minutes": rng.choice([10, 15, 20, 30]), "resident_quote": rng.choice(RESIDENT_QUOTES),
    }


def _paragraphs(rng: random.Random, sentences: list[str]) -> str:
    out, k = [], 0
    while k < len(sentences):
        step = rng.randint(1, 3)
        out.append(" ".join(sentences[k:k + step]))
        k += step
    return "\n\n".join(out)


def _copy(rng: random.Random, record: dict[str, str], outlet: str, published: datetime
          ) -> dict[str, str]:
    """A near copy: another outlet runs the text with a figure or a word changed and a
    line of its own added."""
    text = record["text"]
    for old, new in rng.sample([(" said.", " told reporters."), ("At least", "More than"),
                                ("about", "around"), (" people ", " residents "),
                                ("on Tuesday", "on Tuesday morning")], 2):
        text = text.replace(old, new, 1)
    text += f"\n\nThis report was updated by the {outlet} newsroom."
    return {"title": record["title"], "text": text, "source": outlet,
            "published": published.isoformat() + "Z"}


def story(size: int, seed: int = 7) -> list[dict[str, str]]:
    """``size`` articles about the Marrowby flood (JSON Lines records)."""
    rng = random.Random(f"analysis-{seed}-{size}")
    records: list[dict[str, str]] = []
    for i in range(size):
        outlet = OUTLETS[i % len(OUTLETS)]
        published = FIRST_PUBLISHED + timedelta(minutes=rng.randrange(24 * 60))
        if i >= 3 and rng.random() < 0.15:
            records.append(_copy(rng, records[rng.randrange(i)], outlet, published))
            continue
        values = _values(rng, published)
        n, k = rng.randint(12, 25), rng.randint(1, len(RESIDENT))  # sentences, resident's
        body = [rng.choice(t) if isinstance(t, list) else t for t in rng.sample(BODY, n - 1 - k)]
        body[rng.randrange(len(body) + 1):0] = RESIDENT[:k]
        sentences = [rng.choice(LEADS).format(**values)] + [s.format(**values) for s in body]
        title = rng.choice(TITLES).format(**values)
        records.append({"title": title[0].upper() + title[1:],
                        "text": _paragraphs(rng, sentences), "source": outlet,
                        "published": published.isoformat() + "Z"})
    return records


def build_store(folder: Path, size: int, workers: int) -> tuple[Storyline, str, int]:
    """A store holding the generated story; returns the handle, the biggest story's id and
    its size (the generated articles should form one story)."""
    path = folder / f"marrowby-{size}.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in story(size)),
                    "utf-8")
    sl = Storyline(folder / f"analysis-{size}.db")
    report = sl.ingest([path], format="jsonl", workers=workers)
    if report.rejected:
        raise SystemExit(f"{len(report.rejected)} generated articles rejected: "
                         f"{report.rejected[:3]}")
    stories = sl.stories(limit=None)
    biggest = max(stories, key=lambda s: s["article_count"])
    if biggest["article_count"] != size:
        print(f"note: {size} articles formed {len(stories)} stories; timing the biggest "
              f"({biggest['article_count']} articles)", file=sys.stderr)
    return sl, biggest["id"], int(biggest["article_count"])


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def measure(sl: Storyline, story_id: str, runs: int) -> dict[str, Any]:
    """Medians of the three timings, and what the report holds."""
    cold, _ = _timed(partial(sl.report, story_id))  # warm-up: imports, lexicons, caches
    times: dict[str, list[float]] = {"inputs": [], "build": [], "total": []}
    inputs: StoryInputs | None = None
    report: StoryReport | None = None
    for _ in range(runs):
        t, inputs = _timed(partial(sl.story_inputs, story_id))
        times["inputs"].append(t)
        t, report = _timed(partial(build_report, inputs))
        times["build"].append(t)
        t, _ = _timed(partial(sl.report, story_id))
        times["total"].append(t)
    assert inputs is not None and report is not None
    claims = claims_of(inputs)
    return {
        "claims": len(claims), "facts": len(align(claims).groups),
        "shared": len(report.shared_facts), "conflicts": len(report.conflicts),
        "timeline": len(report.timeline), "cold": cold,
        **{k: statistics.median(v) for k, v in times.items()},
        "slowest": max(times["total"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 20, 200, 1000],
                        help="articles per generated story")
    parser.add_argument("-w", "--workers", type=int, default=1,
                        help="ingest workers (building the stores only; not timed)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="storyline-analysis-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            start = time.perf_counter()
            sl, story_id, actual = build_store(folder, size, args.workers)
            print(f"{size} articles: store built in {time.perf_counter() - start:.1f} s; "
                  "timing …", file=sys.stderr)
            with sl:
                row = measure(sl, story_id, args.runs)
            print(f"  first call {row['cold']:.2f} s, then median {row['total']:.2f} s",
                  file=sys.stderr)
            rows.append((size, actual, row))
    print(f"generated flood stories, one store each; medians over {args.runs} runs after one "
          "warm-up call")
    print("size (articles) | claims | facts | shared facts | conflicts | timeline entries | "
          "inputs s | build_report s | total s | slowest total s")
    print("---|---|---|---|---|---|---|---|---|---")
    for size, actual, r in rows:
        label = f"{actual}" if actual == size else f"{actual} (of {size} generated)"
        print(f"{label} | {r['claims']:,} | {r['facts']:,} | {r['shared']:,} | "
              f"{r['conflicts']} | {r['timeline']} | {r['inputs']:.3f} | {r['build']:.3f} | "
              f"{r['total']:.3f} | {r['slowest']:.3f}")
    verdicts = []
    for _, actual, r in rows:
        limit = TARGETS.get(actual)
        if limit is not None:
            verdicts.append(f"{actual} articles {r['total']:.2f} s "
                            f"{'≤' if r['total'] <= limit else '>'} {limit:g} s "
                            f"({'met' if r['total'] <= limit else 'NOT met'})")
    print("target (whole report, 2 cores): " + ("; ".join(verdicts) if verdicts
                                                 else "no targeted size measured"))
    print("rerun: .venv/bin/python benchmarks/analysis.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()

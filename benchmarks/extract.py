"""Throughput of the extraction stage on a generated corpus: entities and quotes, then
the whole stage with time expressions and events.

Articles are generated from seeded templates written for this benchmark: a dateline,
people with titles and given names, organisations, places, direct quotes with speakers
("…," said X / X told reporters / according to X), dated event sentences (visits, talks,
accusations, sanctions, protests, planned and called-off trips) and filler sentences from a
Zipf vocabulary. Each run processes all of them in a process pool, as ingest does, and the
baseline in the same run is the spaCy part alone (blank tokenizer and sentencizer), so the
ratio says what the rules cost on top of tokenising. The "time + events" row is the
marginal rate: the full stage's time per article minus the entities-and-quotes time. The
"parser off" row runs the same stage with ``STORYLINE_PARSER=off``, so the difference is what
the dependency parse of the trigger sentences costs.

    python benchmarks/extract.py                 # 10,000 articles, 2 workers, 3 runs
    python benchmarks/extract.py -n 2000 -r 5 -w 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import _CUMULATIVE, VOCABULARY

GIVEN = ["Maria", "John", "Ahmed", "Olga", "Pierre", "Li", "Anna", "Carlos", "Fatima", "Peter",
         "Elena", "David", "Yusuf", "Sofia", "Michael", "Ines", "Tomas", "Laura", "Kenji", "Ruth"]
SURNAMES = ["Lindqvist", "Moreau", "Haddad", "Petrenko", "Okafor", "Brennan", "Castillo",
            "Nakamura", "Weber", "Rossi", "Kowalski", "Osei", "Fischer", "Duarte", "Sato",
            "Novak", "Hughes", "Alvarez", "Karimi", "Jensen"]
ROLES = ["Foreign Minister", "President", "Defence Secretary", "spokesman", "Prime Minister",
         "central bank governor", "mayor", "police chief"]
PLACES = ["Berlin", "Nairobi", "Lima", "Warsaw", "Jakarta", "Ankara", "Ottawa", "Hanoi",
          "Lisbon", "Cairo", "Seoul", "Kyiv", "Madrid", "Manila", "Tunis", "Oslo"]
COUNTRIES = ["China", "Russia", "the United States", "France", "Iran", "India", "Brazil",
             "Turkey", "Japan", "Germany"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
WHEN = ["on Sunday", "last week", "two days ago", "in early June", "on 3 March 2024",
        "earlier this month", "yesterday"]
BODIES = ["the United Nations", "NATO", "the European Commission", "the World Bank",
          "the Interior Ministry", "Reuters", "the State Department", "the Kremlin"]


def _filler(rng: random.Random, n: int) -> str:
    words = rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=n)
    return " ".join(words).capitalize() + "."


def article(i: int) -> str:
    rng = random.Random(f"extract-{i}")
    people = [(rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(ROLES)) for _ in range(3)]
    place, body = rng.choice(PLACES), rng.choice(BODIES)
    first, last, role = people[0]
    paragraphs = [
        f"{place.upper()} – {role.capitalize() if role[0].islower() else role} {first} {last} "
        f"met officials from {body} in {place} on Tuesday, {_filler(rng, 12)}",
        f"“{_filler(rng, 14)[:-1]},” {last} told reporters after the meeting. "
        f"{_filler(rng, 18)}",
    ]
    for given, surname, r in people[1:]:
        paragraphs.append(
            f"{given} {surname}, the {r.lower()}, said the talks in {rng.choice(PLACES)} were "
            f"\"{_filler(rng, 6)[:-1].lower()}\". According to {surname}, {_filler(rng, 15)}")
        paragraphs.append(f"\"{_filler(rng, 12)}\" {surname} added. {_filler(rng, 20)}")
    other = people[1]
    events = [
        f"{first} {last} visited {rng.choice(PLACES)} on {rng.choice(DAYS)} and met "
        f"{other[0]} {other[1]}.",
        f"{rng.choice(COUNTRIES)} accused {rng.choice(COUNTRIES)} of violating the ceasefire "
        f"{rng.choice(WHEN)}.",
        f"Hundreds of protesters marched in {rng.choice(PLACES)} {rng.choice(WHEN)}.",
        f"{rng.choice(COUNTRIES)} will impose new sanctions on {rng.choice(COUNTRIES)} in "
        f"{rng.choice(MONTHS)}, {other[1]} said.",
        f"The {rng.choice(['talks', 'visit', 'summit'])} planned for {rng.choice(MONTHS)} "
        f"{rng.randint(1, 28)}, {rng.randint(2019, 2025)} was called off.",
    ]
    for _ in range(rng.randint(3, 6)):
        paragraphs.append(" ".join(_filler(rng, rng.randint(12, 26)) for _ in range(3)))
        if events:
            paragraphs[-1] += " " + events.pop(rng.randrange(len(events)))
    return f"{last} holds talks in {place}\n\n" + "\n\n".join(paragraphs)


PUBLISHED = "2024-06-14"


def real(path: Path, n: int) -> list[str]:
    """Article texts from a JSONL file; rows with an even ``topic`` (ECB+'s held-out half)
    are skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if int(row.get("topic", 1)) % 2 == 1 and row.get("text"):
            out.append(row["text"])
        if len(out) >= n:
            break
    return out


def _extract_many(texts: list[str]) -> int:
    from storyline.extract.run import extract

    return sum(len(extract(t, "en", PUBLISHED).events) for t in texts)


def _extract_many_unparsed(texts: list[str]) -> int:
    """The whole stage with the dependency parser off: events from word order alone."""
    before = os.environ.get("STORYLINE_PARSER")
    os.environ["STORYLINE_PARSER"] = "off"
    try:
        return _extract_many(texts)
    finally:
        if before is None:
            del os.environ["STORYLINE_PARSER"]
        else:
            os.environ["STORYLINE_PARSER"] = before


def _entities_quotes_many(texts: list[str]) -> int:
    from storyline.extract.entities import find_mentions, with_roles
    from storyline.extract.nlp import pipeline
    from storyline.extract.quotes import find_quotes

    nlp = pipeline("en")
    found = 0
    for t in texts:
        doc = nlp(t)
        mentions = with_roles(find_mentions(doc))
        found += len(find_quotes(doc, mentions))
    return found


def _tokenise_many(texts: list[str]) -> int:
    from storyline.extract.nlp import pipeline

    nlp = pipeline("en")
    return sum(len(list(doc.sents)) for doc in nlp.pipe(texts))


def _warm(_: int) -> int:
    from storyline.extract.entities import find_mentions
    from storyline.extract.nlp import pipeline

    return len(find_mentions(pipeline("en")("Warm up in Paris.")))


def timed(pool: ProcessPoolExecutor, work: object, texts: list[str], chunk: int = 64) -> float:
    start = time.perf_counter()
    parts = [texts[k: k + chunk] for k in range(0, len(texts), chunk)]
    list(pool.map(work, parts))  # type: ignore[arg-type]
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("-r", "--runs", type=int, default=3)
    parser.add_argument("-w", "--workers", type=int, default=2)
    parser.add_argument("--texts", type=Path, help="a JSONL file of real articles (a "
                        "\"text\" field each; ECB+ docs.jsonl: odd topics only) instead of "
                        "generated ones; -n caps how many")
    args = parser.parse_args()
    texts = real(args.texts, args.n) if args.texts else [article(i) for i in range(args.n)]
    words = sum(len(t.split()) for t in texts) / len(texts)
    rates, base, eq, unparsed = [], [], [], []
    with ProcessPoolExecutor(args.workers, mp_context=get_context("forkserver")) as pool:
        list(pool.map(_warm, range(args.workers * 2)))  # gazetteers built once per worker
        for run in range(args.runs):
            base.append(timed(pool, _tokenise_many, texts))
            eq.append(timed(pool, _entities_quotes_many, texts))
            rates.append(timed(pool, _extract_many, texts))
            unparsed.append(timed(pool, _extract_many_unparsed, texts))
            print(f"run {run + 1}/{args.runs}: {rates[-1]:.0f} art/s all "
                  f"({unparsed[-1]:.0f} parser off), {eq[-1]:.0f} "
                  f"entities + quotes (spaCy alone {base[-1]:.0f})", file=sys.stderr)
    kind = f"real articles from {args.texts.name}" if args.texts else "generated articles"
    print(f"{len(texts):,} {kind}, {words:.0f} words each, {args.workers} workers")
    print("stage | median art/s | min–max | baseline (spaCy alone, same run) | ratio")
    print("------|--------------|---------|----------------------------------|------")
    b = statistics.median(base)
    marginal = [1 / (1 / r - 1 / e) if r < e else float("inf") for r, e in zip(rates, eq,
                                                                                  strict=True)]
    for name, values in (("entities + quotes", eq), ("time + events (marginal)", marginal),
                         ("whole stage", rates), ("whole stage, parser off", unparsed)):
        m = statistics.median(values)
        print(f"{name} | {m:.0f} | {min(values):.0f}–{max(values):.0f} | {b:.0f} art/s "
              f"| {m / b:.2f}×")
    parse_ms = [args.workers * 1000 * (1 / r - 1 / u) for r, u in zip(rates, unparsed,
                                                                       strict=True)]
    print(f"parser: {statistics.median(parse_ms):.2f} ms of worker time per article "
          f"(median of {args.runs} paired runs; min–max {min(parse_ms):.2f}–{max(parse_ms):.2f})")
    print("rerun: python benchmarks/extract.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()

"""Throughput of event extraction alone, on ready docs and mentions.

Articles of about 450 words are generated from seeded templates written for this benchmark
(datelines, officials with titles, countries and capitals, group nouns, event sentences of
every PLOVER type, passives, denials, plans, and filler from a Zipf vocabulary). The spaCy
pipeline and the entity recogniser run first and are not timed; each run times
``find_events`` over every article in one process, and the median of the runs is printed
with the command line that repeats it. The target is 400 articles/s or more per process.

    python benchmarks/events.py                  # 1,000 articles, 5 runs
    python benchmarks/events.py -n 300 -r 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest import _CUMULATIVE, VOCABULARY

COUNTRIES = ["France", "Kenya", "Peru", "Poland", "Indonesia", "Turkey", "Canada", "Vietnam",
             "Portugal", "Egypt", "South Korea", "Ukraine", "Spain", "Norway", "Ghana", "Chile"]
DEMONYMS = ["French", "Kenyan", "Peruvian", "Polish", "Indonesian", "Turkish", "Canadian",
            "Vietnamese", "Portuguese", "Egyptian", "Ukrainian", "Spanish", "Norwegian"]
CAPITALS = ["Paris", "Nairobi", "Lima", "Warsaw", "Jakarta", "Ankara", "Ottawa", "Hanoi",
            "Lisbon", "Cairo", "Seoul", "Kyiv", "Madrid", "Oslo", "Accra", "Santiago"]
NAMES = ["Maria Lindqvist", "Ahmed Haddad", "Olga Petrenko", "Pierre Moreau", "Kenji Sato",
         "Ruth Okafor", "Carlos Duarte", "Elena Rossi"]
ROLES = ["Foreign Minister", "President", "Defence Minister", "Prime Minister"]
GROUPS = ["troops", "police", "protesters", "rebels", "officials", "soldiers", "students"]
TEMPLATES = [
    "{D} {R} {N} met {C2} counterparts in {K} on {day}.",
    "{C} and {C2} agreed to expand trade ties, officials said.",
    "{D} {G} were attacked by militants near {K}.",
    "Police arrested dozens of protesters in {K} after the rally.",
    "{C} accused {C2} of violating the ceasefire.",
    "{K} denied sending {G} to the border.",
    "The {D} president will travel to {C2} next week.",
    "{C} imposed new sanctions on {C2} over the dispute.",
    "Thousands of {G} demonstrated outside parliament in {K}.",
    "{C2} rejected the proposal and called off the talks.",
    "The United Nations urged {C} to release the detained journalists.",
    "{D} warplanes bombed rebel positions, killing at least {num} fighters.",
    "{C} withdrew its ambassador from {C2} and expelled two diplomats.",
    "{N} praised {C2} for its support during the crisis.",
    "{C} sent humanitarian aid to {C2} after the floods.",
]


def _filler(rng: random.Random, n: int) -> str:
    words = rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=n)
    return " ".join(words).capitalize() + "."


def article(i: int) -> str:
    rng = random.Random(f"events-{i}")
    parts = [f"{rng.choice(CAPITALS).upper()} – "]
    words = 0
    while words < 450:
        if rng.random() < 0.45:
            c, c2 = rng.sample(COUNTRIES, 2)
            s = rng.choice(TEMPLATES).format(
                C=c, C2=c2, D=rng.choice(DEMONYMS), R=rng.choice(ROLES), N=rng.choice(NAMES),
                K=rng.choice(CAPITALS), G=rng.choice(GROUPS), num=rng.randint(2, 40),
                day=rng.choice(["Monday", "Tuesday", "Friday"]))
        else:
            s = _filler(rng, rng.randint(12, 26))
        parts.append(s + (" " if rng.random() < 0.7 else "\n\n"))
        words += len(s.split())
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--articles", type=int, default=1000)
    ap.add_argument("-r", "--runs", type=int, default=5)
    args = ap.parse_args()

    from storyline.extract.entities import find_mentions, with_roles
    from storyline.extract.events import find_events
    from storyline.extract.nlp import pipeline

    nlp = pipeline("en")
    texts = [article(i) for i in range(args.articles)]
    docs = list(nlp.pipe(texts))
    ready = [(d, with_roles(find_mentions(d))) for d in docs]
    find_events(*ready[0])  # load the lexicon and gazetteer outside the timing
    words = sum(len(t.split()) for t in texts)
    rates = []
    found = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        found = sum(len(find_events(d, m)) for d, m in ready)
        rates.append(len(ready) / (time.perf_counter() - t0))
    print(f"{len(ready)} articles, {words / len(ready):.0f} words each, {found} events")
    print(f"find_events: median {statistics.median(rates):,.0f} articles/s over "
          f"{args.runs} runs (min {min(rates):,.0f}, max {max(rates):,.0f}), one process")
    print(f"rerun: python benchmarks/events.py -n {args.articles} -r {args.runs}")


if __name__ == "__main__":
    main()

"""Throughput of find_timexes on generated ~450-word news articles (one process).

Articles are built from seeded templates written for this benchmark: sentences with dates,
weekdays, relative expressions, durations and sets among filler sentences and numbers that
are not dates (amounts, scores, ages). One sentence in ``--timed-every`` (default 5) carries
time expressions: about 14 per 450-word article, half as many again as TimeBank/AQUAINT's
9.5 per 450 words; ``--timed-every 3`` gives about 24, a stress case. spaCy parses every
article once, outside the timing; the figure is find_timexes alone, a median over several
runs, next to the spaCy parse rate measured in the same run as a baseline.

    python benchmarks/timex.py                 # 2,000 articles, 5 runs
    python benchmarks/timex.py -n 500 -r 3 --timed-every 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date

from storyline.extract.nlp import pipeline
from storyline.extract.timex import find_timexes

TIMED = [
    "The minister said on {wd} that talks would resume {rel}.",
    "Exports fell {pct} percent in the {ord} quarter of {year}, the agency said.",
    "The strike, which began {n} days ago, has cost the company {amount} dollars.",
    "Officials will meet again in {month} to review the {year} budget.",
    "The ceasefire held for more than {n} weeks before fighting resumed {rel}.",
    "Inspectors visit the plant every week, and results are published monthly.",
    "By {time} on {wd}, about {amount} people had gathered outside parliament.",
    "The {age}-year-old was arrested {rel}, police said.",
    "Prices have risen in recent months, and economists expect more increases early next year.",
    "The treaty was signed on {month} {day}, {year}, after {n} years of negotiation.",
]
FILLER = [
    "The government has promised to publish a full account of the decision.",
    "Opposition parties called the plan reckless and demanded a parliamentary vote.",
    "Residents described long queues at petrol stations and empty shelves in shops.",
    "The company did not respond to a request for comment from reporters.",
    "Analysts said the move could unsettle markets across the region.",
    "Local media reported that {amount} households were still without electricity.",
    "The home side won {score} after a late goal in the second half.",
    "Aid agencies warned that supplies of clean water were running low in several towns.",
    "The central bank held its main interest rate steady at {pct} percent.",
    "Critics argue the reforms favour large landowners over small farmers.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
RELATIVE = ["yesterday", "today", "tomorrow", "last week", "next month", "this year",
            "earlier this month", "two days later", "on Monday", "last year"]


def article(rng: random.Random, words: int = 450, timed_every: int = 5) -> str:
    """One article of about ``words`` words: a timed sentence every ``timed_every``."""
    sentences: list[str] = []
    count = 0
    while count < words:
        template = rng.choice(TIMED if len(sentences) % timed_every == 0 else FILLER)
        sentence = template.format(
            wd=rng.choice(WEEKDAYS), rel=rng.choice(RELATIVE), month=rng.choice(MONTHS),
            day=rng.randint(1, 28), year=rng.randint(1990, 2025), n=rng.randint(2, 12),
            pct=rng.randint(1, 30), amount=f"{rng.randint(1, 999)},{rng.randint(100, 999)}",
            ord=rng.choice(["first", "second", "third", "fourth"]),
            time=f"{rng.randint(1, 12)} p.m.", age=rng.randint(18, 90),
            score=f"{rng.randint(0, 4)}-{rng.randint(0, 4)}")
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="articles")
    parser.add_argument("-r", type=int, default=5, help="runs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timed-every", type=int, default=5,
                        help="one sentence in this many has time expressions")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    texts = [article(rng, timed_every=args.timed_every) for _ in range(args.n)]
    nlp = pipeline("en")
    began = time.perf_counter()
    docs = list(nlp.pipe(texts))
    parse_rate = len(docs) / (time.perf_counter() - began)
    published = date(2023, 6, 14)
    rates = []
    found = 0
    for _ in range(args.r):
        began = time.perf_counter()
        found = sum(len(find_timexes(doc, published)) for doc in docs)
        rates.append(len(docs) / (time.perf_counter() - began))
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(docs)} articles of {words:.0f} words on average, {found} time expressions")
    print(f"find_timexes: median {statistics.median(rates):,.0f} articles/s "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}) over {args.r} runs, one process")
    print(f"baseline, same run: spaCy parse {parse_rate:,.0f} articles/s")
    print(f"rerun: python benchmarks/timex.py -n {args.n} -r {args.r} --seed {args.seed} "
          f"--timed-every {args.timed_every}")


if __name__ == "__main__":
    main()

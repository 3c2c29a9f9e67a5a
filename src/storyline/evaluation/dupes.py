"""Near-duplicate detection on generated copies: precision and recall of copy pairs.

Copies are made from real articles (any JSON Lines with ``text``, e.g. the ECB+ documents,
whose same-topic articles are hard negatives: same kind of event, other wording) with a
seeded mix of what copy sites and syndication do: 5–40% of words substituted, dropped or
inserted, paragraphs reordered, junk lines wrapped around, the end cut off. Thresholds are
chosen on one seed; report figures on another.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from storyline.dedupe.near import NearDuplicateIndex, copy_score, signature

#: Source documents this close to an earlier one are copies already, not independent texts.
SOURCE_COPY = 0.5

JUNK = [
    "Share this article on Facebook and X",
    "Subscribe to our newsletter for daily updates",
    "Source Link",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Read more: Top stories of the day",
    "Advertisement",
    "All rights reserved. This material may not be republished.",
]


@dataclass
class DupeScore:
    originals: int
    copies: int
    true_pairs: int
    found: int
    correct: int
    by_edit: dict[str, tuple[int, int]] = field(default_factory=dict)
    false_pairs: list[tuple[str, str, float]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def make_copy(text: str, rng: random.Random, vocabulary: list[str]) -> tuple[str, float]:
    """A copy of ``text`` with a random edit rate in [0.05, 0.40]; returns (copy, rate)."""
    rate = rng.uniform(0.05, 0.40)
    units = [u for u in text.split("\n") if u.strip()]
    edited = []
    for unit in units:
        out = []
        for word in unit.split():
            if rng.random() >= rate:
                out.append(word)
                continue
            op = rng.random()
            if op < 0.6:
                out.append(rng.choice(vocabulary))
            elif op < 0.8:
                out += [word, rng.choice(vocabulary)]
            # else: dropped
        if out:
            edited.append(" ".join(out))
    if rng.random() < 0.3 and len(edited) > 2:
        head, tail = edited[:1], edited[1:]
        rng.shuffle(tail)
        edited = head + tail
    if rng.random() < 0.3:
        edited = edited[: max(1, int(len(edited) * rng.uniform(0.7, 1.0)))]
    if rng.random() < 0.5:
        edited = rng.sample(JUNK, 2) + edited + rng.sample(JUNK, 3)
    return "\n".join(edited), rate


def evaluate_dupes(docs_path: Path, *, seed: int = 1, n: int = 300) -> DupeScore:
    docs = []
    for number, line in enumerate(docs_path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{docs_path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise ValueError(f"{docs_path}:{number}: each line needs a 'text' string")
        docs.append(doc)
    docs = _distinct([d for d in docs if len(d["text"].split()) >= 60])
    rng = random.Random(seed)
    chosen = rng.sample(docs, min(n, len(docs)))
    vocabulary = sorted({w for d in docs[:200] for w in d["text"].split() if w.isalpha()})
    texts: dict[str, str] = {}
    truth: set[frozenset[str]] = set()
    rates: dict[str, float] = {}
    for i, doc in enumerate(docs):
        texts[f"o{i}"] = doc["text"]
    for j, doc in enumerate(chosen):
        original = f"o{docs.index(doc)}"
        copy, rate = make_copy(doc["text"], rng, vocabulary)
        texts[f"c{j}"] = copy
        rates[f"c{j}"] = rate
        truth.add(frozenset((original, f"c{j}")))
    found = find_pairs(texts)
    score = DupeScore(len(docs), len(chosen), len(truth), len(found), len(found & truth))
    for pair in sorted(found - truth, key=sorted):
        a, b = sorted(pair)
        score.false_pairs.append((a, b, copy_score(texts[a], texts[b])))
    for pair in sorted(truth - found, key=sorted):
        a, b = sorted(pair)
        score.missed_pairs.append((a, b, copy_score(texts[a], texts[b])))
    for low, high in ((0.05, 0.15), (0.15, 0.25), (0.25, 0.35), (0.35, 0.41)):
        keys = [k for k, r in rates.items() if low <= r < high]
        hit = sum(1 for k in keys if any(k in p for p in found & truth))
        score.by_edit[f"{low:.0%}–{min(high, 0.40):.0%}"] = (hit, len(keys))
    return score


def _distinct(docs: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop source documents that are already copies of an earlier one (wire stories run
    by several outlets): a copy of either would rightly match both, and the truth would
    count it as a false positive."""
    texts = {str(i): d["text"] for i, d in enumerate(docs)}
    index = NearDuplicateIndex()
    keep = []
    for i, doc in enumerate(docs):
        sig = signature(doc["text"])
        if sig is None:
            continue
        if any(copy_score(doc["text"], texts[o]) >= SOURCE_COPY for o in index.candidates(sig)):
            continue
        index.add(str(i), sig)
        keep.append(doc)
    return keep


def find_pairs(texts: dict[str, str]) -> set[frozenset[str]]:
    """Every verified copy pair among ``texts``, through the index used at ingest."""
    index = NearDuplicateIndex()
    pairs: set[frozenset[str]] = set()
    for key in sorted(texts):
        sig = signature(texts[key])
        if sig is None:
            continue
        for other in index.candidates(sig):
            if copy_score(texts[key], texts[other]) >= index.threshold:
                pairs.add(frozenset((key, other)))
        index.add(key, sig)
    return pairs

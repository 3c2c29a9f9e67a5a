"""ROUGE-1, ROUGE-2 and ROUGE-L (Lin, 2004) between one candidate and one reference.

Tokens: the text lowercased, then its runs of letters and digits (``[^\\W_]+``): "Kerry's"
is "kerry" and "s", "COVID-19" is "covid" and "19". No stemming, no stop-word removal, so
the figures are lower than, and not comparable with, published ROUGE computed with the
Porter stemmer (``rouge-score`` with ``use_stemmer=True``, the Perl script's ``-m``).

* ROUGE-N: n-grams matched with clipped counts (a candidate n-gram matches at most as many
  times as the reference holds it); precision over the candidate's n-grams, recall over the
  reference's.
* ROUGE-L: the longest common subsequence of the two token sequences, each text taken as
  one sequence (``rougeL``, not the sentence-split summary-level ``rougeLsum``).
* F1 is the harmonic mean of precision and recall (beta 1); 0 when either text has no
  n-gram.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Rouge:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def tokens(text: str) -> list[str]:
    """Lowercased runs of letters and digits."""
    return _TOKEN.findall(text.lower())


def _ngrams(words: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def rouge_n(candidate: str, reference: str, n: int) -> Rouge:
    """ROUGE-N of ``candidate`` against ``reference`` (clipped n-gram counts)."""
    cand, ref = _ngrams(tokens(candidate), n), _ngrams(tokens(reference), n)
    total_c, total_r = sum(cand.values()), sum(ref.values())
    if not total_c or not total_r:
        return Rouge(0.0, 0.0)
    hits = sum((cand & ref).values())
    return Rouge(hits / total_c, hits / total_r)


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (one row of the table at a time)."""
    if len(a) < len(b):
        a, b = b, a
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0  # table[i-1][j-1]
        for j, y in enumerate(b, start=1):
            above = row[j]
            row[j] = diagonal + 1 if x == y else max(above, row[j - 1])
            diagonal = above
    return row[-1]


def rouge_l(candidate: str, reference: str) -> Rouge:
    """ROUGE-L of ``candidate`` against ``reference``, each text one token sequence."""
    cand, ref = tokens(candidate), tokens(reference)
    if not cand or not ref:
        return Rouge(0.0, 0.0)
    lcs = lcs_length(cand, ref)
    return Rouge(lcs / len(cand), lcs / len(ref))


def rouge_f1(candidate: str, reference: str) -> tuple[float, float, float]:
    """(ROUGE-1, ROUGE-2, ROUGE-L) F1."""
    return (rouge_n(candidate, reference, 1).f1, rouge_n(candidate, reference, 2).f1,
            rouge_l(candidate, reference).f1)

"""Translated copies: a rewrite in another language shares no shingles with its original,
but it keeps the original's names and numbers, in the same order.

The evidence is the sequence of capitalised words and numbers of each text (accents folded,
separators dropped); a translated copy shares a long common subsequence of it, far longer
than another report of the same event in the other language does.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import LCSseq

from storyline.text.words import fold

#: Share of the shorter evidence sequence found, in order, in the other.
TRANSLATION_THRESHOLD = 0.45
#: At least this many names and numbers must line up.
MIN_SHARED = 10

_EVIDENCE = re.compile(r"[A-ZÀ-ÞĀ-Ž][\w'’-]+|\d[\d.,]*\d")


def evidence(text: str) -> list[str]:
    out = []
    for token in _EVIDENCE.findall(text):
        out.append(re.sub(r"[.,]", "", token) if token[0].isdigit() else fold(token))
    return out


def translation_score(a: list[str], b: list[str]) -> tuple[float, int]:
    """(share of the shorter sequence aligned in order, number of aligned items)."""
    if not a or not b:
        return 0.0, 0
    shared = int(LCSseq.similarity(a, b))
    return shared / min(len(a), len(b)), shared


def is_translation(a: list[str], b: list[str]) -> tuple[bool, float]:
    score, shared = translation_score(a, b)
    return score >= TRANSLATION_THRESHOLD and shared >= MIN_SHARED, score

"""What tells one event from another, as sparse features of an article.

Three kinds, all plain strings so they can be counted, weighted and explained:
  * words (lower-cased, accents folded, stopwords dropped), title words counted twice;
  * ``e:`` proper names — runs of capitalised words not opening a sentence, and each
    surname-like last word on its own — which are the same in every language;
  * ``n:`` numbers with their separators removed ("2,012" and "2.012" meet), also
    language-independent.
Names and numbers are what survive translation, so they carry cross-language matches.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from storyline.text.words import fold, stopwords

TITLE_WEIGHT = 2
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*\d|\d", re.UNICODE)
_CAPITALISED = re.compile(r"^[A-ZÀ-ÞĀ-Ž][\w'’.-]*$")
_SENTENCE_BREAK = re.compile(r"[.!?:;“”\"«»„()\[\]]$")
_POSSESSIVE = re.compile(r"['’]s$", re.I)


def _number(token: str) -> str | None:
    digits = re.sub(r"[.,]", "", token)
    if not digits.isdigit() or len(digits) < 2:
        return None
    return digits.lstrip("0") or "0"


def names(text: str) -> list[str]:
    """Runs of capitalised words that do not just open a sentence."""
    found: list[str] = []
    run: list[str] = []
    sentence_start = True
    for raw in text.split():
        word = _POSSESSIVE.sub("", raw.strip(",.;:!?()[]\"“”«»„'’"))
        is_cap = bool(word) and bool(_CAPITALISED.match(word)) and not word.isupper()
        if is_cap and not sentence_start:
            run.append(word)
        else:
            if len(run) >= 1:
                found.append(" ".join(run))
            run = []
        sentence_start = bool(_SENTENCE_BREAK.search(raw)) or raw in ("–", "—", "-")
    if run:
        found.append(" ".join(run))
    stop = stopwords()
    return [n for n in found if fold(n) not in stop]


@lru_cache(maxsize=200_000)
def _canonical(name: str) -> str:
    """One form per place or body across languages and spellings ("peking" → "beijing",
    "ezb" → "european central bank", "u.s." → "united states"): names are what carries a
    story across languages."""
    from storyline.extract.gazetteer import load  # built once per process, on first use

    entries = load().names.get(name.replace(".", ""))
    if not entries or (entries[0].level == "city" and entries[0].population < 100_000):
        return name
    return fold(entries[0].canonical)


@lru_cache(maxsize=200_000)
def _term(token: str) -> str | None:
    """The feature a token counts as (None: a stopword or noise); cached, tokens repeat."""
    if token[0].isdigit():
        number = _number(token)
        return None if number is None else f"n:{number}"
    word = fold(_POSSESSIVE.sub("", token).strip("'’-"))
    return word if len(word) > 2 and word not in stopwords() else None


def features(title: str, text: str, lang: str | None = None) -> Counter[str]:
    """Raw feature counts of an article (weighting happens against the store's statistics).

    ``lang`` is accepted for language-specific rules; in German every noun is capitalised,
    and keeping those nouns as "names" measured better on German pairs than dropping them.
    """
    stop = stopwords()
    counts: Counter[str] = Counter()
    for part, weight in ((title, TITLE_WEIGHT), (text, 1)):
        for token in _TOKEN.findall(part):
            term = _term(token)
            if term is not None:
                counts[term] += weight
        for name in names(part):
            key = fold(name) if lang in (None, "en") else _canonical(fold(name))
            counts[f"e:{key}"] += weight
            last = key.split()[-1]
            if " " in key and len(last) > 2 and last not in stop:
                counts[f"e:{last}"] += weight
    return counts


def sublinear(counts: Counter[str]) -> dict[str, float]:
    return {term: 1.0 + math.log(c) for term, c in counts.items()}

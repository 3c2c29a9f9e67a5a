"""Which title names a story: the most central one, unless a nearly as central one is cleaner.

Centrality alone picks a typo ("Hendriksen" where every other report writes "Hendricksen")
or a shouted title as readily as a clean one, and a reader takes the headline as the
story's name. So among titles whose centrality is close to the best (``CLOSE``), one that
disagrees with the story's majority spelling loses to one that does not, and among titles
closer still (``CASE_CLOSE``) one in ALL CAPS or With Every Word Capitalised loses to one
in sentence or headline case. Far less central titles never win on looks: the headline
still says what the story is about.

A *typo word* is a title word of five letters or more that is a near miss (edit distance
1-2 and rapidfuzz ratio >= 85) of a word more of the story's articles use, and not just
another form of it ("official"/"officials", "democrat"/"democratic"). Counting articles
rather than occurrences keeps one report that repeats its own typo from outvoting the
others.

Everything here is pure and deterministic: ties keep the input order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from storyline.text.words import fold

#: A title competes on cleanliness when its centrality is at least this share of the
#: centrality of the title that would win on centrality alone.
CLOSE = 0.9
#: The case of a title (ALL CAPS, Every Word Capitalised) decides only between titles closer
#: still: a shouted title is a matter of house style, not of accuracy.
CASE_CLOSE = 0.95
#: Shorter words are left alone: one letter apart, short words are other words
#: ("Biden"/"Baden" is a ratio of 80, below the bar anyway).
MIN_LETTERS = 5
MAX_DISTANCE = 2
MIN_RATIO = 85.0
#: Two words that share a stem of at least this many letters and differ only in their last
#: ``_MAX_ENDING`` letters or fewer are two forms of one word ("official"/"officials",
#: "democrat"/"democratic", "California"/"Californians"), not a misspelling. A typo at
#: the very end of a word goes unnoticed: a wrong headline swap costs more than a kept typo.
_MIN_STEM = 4
_MAX_ENDING = 3
#: Function words that headline case keeps lower-case; capitalised inside a title they show
#: Every Word Capitalised.
_SMALL = frozenset({"a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on",
                    "at", "for", "by", "as", "via", "per"})
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A title that could name the story."""

    article_id: str
    title: str
    #: Centrality: how close the article is to the story's centre (any scale, higher is
    #: more central; only compared with other candidates of the same call).
    fit: float
    #: The title was made from the lead sentence (the article had none).
    inferred: bool = False


def words(text: str) -> list[str]:
    """The text's words, folded (lower-case, no accents), in order."""
    return _WORD.findall(fold(text))


def vocabulary(texts: Iterable[str]) -> Counter[str]:
    """Word → number of texts using it (give one text per article: title and body)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(words(text)))
    return counts


def _inflected(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one stem with two endings (see ``_MIN_STEM``)."""
    stem = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        stem += 1
    return stem >= _MIN_STEM and max(len(a), len(b)) - stem <= _MAX_ENDING


def typo_words(title: str, vocabulary: Mapping[str, int]) -> list[str]:
    """The title's words (folded, in order, once each) that are a near miss of a word more
    of the story's articles use: the story spells them another way.

    ``vocabulary`` maps folded words to the number of the story's articles using them
    (``vocabulary()``). A word no other spelling outnumbers is never a typo, so a story
    whose reports disagree evenly keeps any of their spellings."""
    found: list[str] = []
    choices: list[str] | None = None
    for word in dict.fromkeys(words(title)):
        if len(word) < MIN_LETTERS:
            continue
        mine = vocabulary.get(word, 0)
        if choices is None:
            choices = [w for w, n in vocabulary.items() if n >= 2 and len(w) >= MIN_LETTERS]
        near = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=MIN_RATIO,
                               limit=None)
        if any(vocabulary[other] > mine and other != word
               and Levenshtein.distance(word, other, score_cutoff=MAX_DISTANCE)
               <= MAX_DISTANCE and not _inflected(word, other)
               for other, _, _ in near):
            found.append(word)
    return found


def shouting(title: str) -> bool:
    """ALL CAPS (three words or more), or Every Word Capitalised: a function word such as
    "To", "And", "Of" capitalised inside the title.

    Sentence case and headline case, which keeps those words lower ("Mayor Opens the New
    Bridge"), are not shouting; nor is a title whose every word is capitalised but that has
    no function word to tell ("U.S. Posts Record Trade Deficit")."""
    tokens = [t.strip(".,;:!?\"'“”‘’()[]«»") for t in title.split()]
    lettered = [t for t in tokens if any(ch.isalpha() for ch in t)]
    if len(lettered) >= 3 and title == title.upper() and title != title.lower():
        return True
    opening = True  # a title's or sentence's first word, and one after a colon or dash
    for raw, token in zip(title.split(), tokens, strict=True):
        if (not opening and token.lower() in _SMALL and token[:1].isupper()
                and not token.isupper()):
            return True
        opening = raw.endswith((":", "—", "–", "?", "!", ".")) or raw in ("-", "|")
    return False


def close_set(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates that may win on cleanliness: those at least ``CLOSE`` times as
    central as the one centrality alone would pick (``leader``)."""
    if not candidates:
        return []
    first = leader(candidates)
    bar = first.fit * CLOSE if first.fit > 0 else first.fit
    return [c for c in candidates if c is first or c.fit >= bar]


def leader(candidates: Sequence[Candidate]) -> Candidate:
    """The pick of centrality alone: a real title before one made from a lead sentence,
    then the most central; the first on a tie."""
    best = candidates[0]
    for c in candidates[1:]:
        if (not c.inferred, c.fit) > (not best.inferred, best.fit):
            best = c
    return best


def choose_headline(candidates: Sequence[Candidate],
                    vocabulary: Mapping[str, int]) -> Candidate | None:
    """The story's headline among ``candidates`` (None when there is none).

    Among the titles about as central as the ``leader`` (``close_set``), those without
    typo words, if any; of these the ``leader`` again, unless it is shouting and another
    as real and at least ``CASE_CLOSE`` times as central is not. A typo weighs more than a
    lead sentence: a title made from the lead that spells the names right beats a real one
    that misspells them; the case of a title never beats a real title with a lead."""
    close = close_set(candidates)
    if len(close) <= 1:
        return close[0] if close else None
    spelled = [c for c in close if not typo_words(c.title, vocabulary)] or close
    first = leader(spelled)
    if not shouting(first.title):
        return first
    bar = first.fit * CASE_CLOSE if first.fit > 0 else first.fit
    calm = [c for c in spelled if c.inferred == first.inferred and c.fit >= bar
            and not shouting(c.title)]
    return leader(calm) if calm else first

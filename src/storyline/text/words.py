"""Words as features compare them: folded (lower case, no accents) and without function
words, in every language the bundled stopword lists cover (``stopwords.txt``)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

_COMBINING = re.compile("[\u0300-\u036f]")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case and strip accents: "Erdoğan" and "Erdogan" are one feature."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", word.casefold()))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words and news filler, folded, of every bundled language."""
    text = resources.files("storyline.text").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(
        fold(w) for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )

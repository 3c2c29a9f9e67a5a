"""Which capitalised words are ordinary words: "Officials said" opens a sentence, it does
not name anyone.

The evidence is spaCy's English word probabilities (spacy-lookups-data, ``lexeme_prob``),
which are case-sensitive: "officials" is far likelier than "Officials", "Paris" than
"paris". The table has a million entries and takes seconds to load, so the words whose
lower-case form is the likelier one are extracted once and kept in the user's cache folder;
without spacy-lookups-data the set is empty and only the stopword lists apply.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path

import platformdirs

#: Words rarer than this (log probability) are left out: rare words are more often names.
MIN_LOGPROB = -17.0
#: The lower-case form must be this much likelier (in log probability) than "Capitalised".
MARGIN = 1.0
_VERSION = 1


def _source() -> Path | None:
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "en_lexeme_prob.json.gz"
    return path if path.is_file() else None


def build(source: Path) -> list[str]:
    """Lower-case words that are likelier written in lower case than capitalised."""
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        probs: dict[str, float] = json.load(fh)
    out = []
    for word, p in probs.items():
        if p < MIN_LOGPROB or not word.isalpha() or not word.islower():
            continue
        cap = probs.get(word.capitalize(), -30.0)
        if p - cap >= MARGIN:
            out.append(word)
    return sorted(out)


def _cache_file() -> Path:
    base = os.environ.get("STORYLINE_CACHE") or platformdirs.user_cache_dir("storyline")
    return Path(base) / f"common-words-en-v{_VERSION}.txt"


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Built on first use (a few seconds), then read from the cache (tens of ms)."""
    cache = _cache_file()
    if cache.is_file():
        return frozenset(cache.read_text("utf-8").split())
    source = _source()
    if source is None:
        return frozenset()
    words = build(source)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(words), "utf-8")
        tmp.replace(cache)  # atomic: parallel workers never read half a file
    except OSError:
        pass  # a read-only home: rebuild next time, still correct
    return frozenset(words)

"""Language identification with py3langid (offline, bundled model, ~100 languages)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Characters of text used to identify the language; more adds time, not accuracy.
SAMPLE_CHARS = 1200
#: Below this many letters the guess is a coin toss and is not made.
MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, probability), or (None, None) when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(sample) < 4 * MIN_LETTERS and sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, None
    lang, prob = _identifier().classify(sample)
    return str(lang), round(float(prob), 4)

"""How long a piece of text is, in words, for scripts that do and do not put spaces between words.

Every length rule of ingest and cleaning ("under 40 words is not an article", "a label has at
most 5 words") was written for spaced scripts. Chinese, Japanese, Thai, Lao, Khmer and Myanmar
write a sentence as one unbroken run, which ``str.split`` counts as one word, so whole
articles looked like labels. Here such a run counts as the number of words it would hold:

* Chinese and Japanese (Han, kana): one word per :data:`CJK_CHARS_PER_WORD` characters.
  Segmented Chinese corpora average about 1.5-1.7 characters per word, Japanese
  morphemes slightly more (kana particles and endings), and translators' rules of thumb put
  one English word at 1.5-2.5 CJK characters; 2 undercounts Chinese a little (a length
  threshold is then slightly harder to pass, not easier) and is about right for Japanese.
* Thai, Lao, Khmer, Myanmar: one word per :data:`SEA_CHARS_PER_WORD` code points. Their words
  average about 3-4 letters, and vowel and tone marks are code points of their own, so 4.
* Hangul and every other script are spaced: one whitespace-separated token is one word, as
  before, so the measure of English or German text is exactly ``len(text.split())``.

Punctuation inside a run (、。「」) separates nothing and counts for nothing.
"""

from __future__ import annotations

import math
import re

#: Han and kana characters per word (see the module docstring for why 2).
CJK_CHARS_PER_WORD = 2
#: Thai, Lao, Khmer and Myanmar code points per word, combining marks included.
SEA_CHARS_PER_WORD = 4

_CJK = (
    "\u3005\u3007\u3021-\u3029\u3031-\u3035"  # 々 〇 Suzhou numerals, kana repeat marks
    "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff"  # hiragana, katakana, katakana extension
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han: extension A, unified, compatibility
    "\uff66-\uff9f"  # half-width katakana
    "\U00020000-\U0003134f"  # Han extensions B-G
)
_SEA = "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\uaa60-\uaa7f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SEA_CHAR = re.compile(f"[{_SEA}]")
_UNSPACED = re.compile(f"[{_CJK}{_SEA}]+")
_ALNUM = re.compile(r"[^\W_]")


def _token_words(token: str) -> int:
    if not _UNSPACED.search(token):
        return 1
    cjk = len(_CJK_CHAR.findall(token))
    sea = len(_SEA_CHAR.findall(token))
    # "iPhoneを改造" or "2023年6月": the Latin words and numbers between runs count as words.
    spaced = sum(1 for piece in _UNSPACED.split(token) if _ALNUM.search(piece))
    return spaced + math.ceil(cjk / CJK_CHARS_PER_WORD) + math.ceil(sea / SEA_CHARS_PER_WORD)


def word_count(text: str) -> int:
    """Words in ``text``; ``len(text.split())`` for spaced scripts, an estimate for the others."""
    return sum(_token_words(token) for token in text.split())


def first_words(text: str, limit: int) -> tuple[str, bool]:
    """The start of ``text`` up to ``limit`` words, and whether anything was cut off.

    Unspaced runs are cut inside, at the character where the word budget runs out.
    """
    kept: list[str] = []
    used = 0
    for token in text.split():
        n = _token_words(token)
        if used + n <= limit:
            kept.append(token)
            used += n
            continue
        if _UNSPACED.search(token) and used < limit:
            kept.append(_cut_token(token, limit - used))
        return " ".join(kept), True
    return " ".join(kept), False


def _cut_token(token: str, budget: int) -> str:
    """The longest prefix of ``token`` that is at most ``budget`` words."""
    lo, hi = 0, len(token)
    while lo < hi:  # binary search: _token_words grows with the prefix length
        mid = (lo + hi + 1) // 2
        if _token_words(token[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return token[:lo]

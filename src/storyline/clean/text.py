"""Character-level repair: mojibake, invisible characters, whitespace.

Quotes are left curly and full-width characters alone: quote extraction needs „…“ and «…»,
and CJK text needs its width.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy
import ftfy.badness

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_C1 = re.compile("[\x80-\x9f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.I)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def repair(text: str) -> str:
    """Fix mojibake and normalise whitespace; paragraph breaks become one blank line.

    ftfy is the slowest step of cleaning, so it runs only on text its own quick check
    finds suspicious (or that holds HTML entities or C1 controls it would also fix).
    """
    if not text.isascii() and (ftfy.badness.is_bad(text) or _C1.search(text)):
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False)
    elif "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", _CONTROL.sub("", _INVISIBLE.sub("", text)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def lines_of(text: str) -> list[str]:
    """Non-empty lines; each is a paragraph, a heading or a piece of page furniture."""
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]

"""Character-level repair: mojibake, invisible characters, whitespace.

Quotes are left curly and full-width characters alone: quote extraction needs „…“ and «…»,
and CJK text needs its width.
"""

from __future__ import annotations

import re

import ftfy

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def repair(text: str) -> str:
    """Fix mojibake and normalise whitespace; paragraph breaks become one blank line."""
    text = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def lines_of(text: str) -> list[str]:
    """Non-empty lines; each is a paragraph, a heading or a piece of page furniture."""
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]

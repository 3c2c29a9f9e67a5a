"""Find the lines of an article that are not the article.

Three kinds of evidence, in order: the lexicon (``boilerplate.toml``: what a line says),
position and shape (short, unpunctuated lines stranded at the edges are labels and bylines),
and neighbourhood (a photo caption sits right above its credit; a short label sits next to
the junk it introduces). No rule knows any particular site.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.text.length import word_count

#: Short lines this close to either end of an article are checked for label/byline shape.
EDGE_LINES = 2
#: A label or stranded name has at most this many words.
LABEL_MAX_WORDS = 5
#: Captions are recognised only in the lead image block, within this many lines of the top.
CAPTION_TOP_LINES = 4
#: A caption above a credit line has at most this many words.
CAPTION_MAX_WORDS = 60

#: Glued prefixes are looked for this far down (captions and credits may come first).
GLUED_HEAD_LINES = 5

#: Full-width ends too: a Japanese or Chinese paragraph ends in 。！？ or a closing 」』）.
_SENTENCE_END = re.compile(r"[.!?…:;\"”»“)。．！？：；」』）]\s*$")
_CAPTION_END = re.compile(r"[.!?…)。．！？」』）]\s*$")
_NAME = re.compile(r"^([A-ZÀ-Þ][\w'’.-]+)(\s+[A-ZÀ-Þ][\w'’.-]+){1,3}$")
#: Markers glued to the first or last line (a scraper's "Source Link" before a headline).
_GLUED_PREFIX = re.compile(
    r"^(source link|original link|home\s*[»›>]\s*(\w+\s*[»›>]\s*)*)\s*(?=\S)", re.I
)
_GLUED_SUFFIX = re.compile(r"(?<=[.!?”\"])\s*(source link|original link)$", re.I)


@dataclass(frozen=True, slots=True)
class Rule:
    reason: str
    max_words: int
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why line ``index`` is boilerplate."""

    index: int
    reason: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    rules: tuple[Rule, ...]
    section_words: frozenset[str]

    def is_section_label(self, line: str) -> bool:
        return any(w.strip(".,:|").lower() in self.section_words for w in line.split())


def _compile(doc: dict[str, Any]) -> list[Rule]:
    rules = []
    for entry in doc.get("rule", []):
        flags = 0 if entry.get("case_sensitive") else re.I
        rules.append(
            Rule(
                reason=str(entry["reason"]),
                max_words=int(entry.get("max_words", 20)),
                patterns=tuple(re.compile(p, flags) for p in entry["patterns"]),
            )
        )
    return rules


@lru_cache(maxsize=4)
def load_lexicon(extra: str | None = None) -> Lexicon:
    """The bundled lexicon, plus the rules in ``extra`` (a TOML file of the same shape)."""
    text = resources.files("storyline.clean").joinpath("boilerplate.toml").read_text("utf-8")
    docs = [tomllib.loads(text)]
    if extra:
        docs.append(tomllib.loads(Path(extra).read_text("utf-8")))
    rules = [rule for doc in docs for rule in _compile(doc)]
    words = {w.lower() for doc in docs for w in doc.get("section_words", [])}
    return Lexicon(tuple(rules), frozenset(words))


def default_lexicon() -> Lexicon:
    return load_lexicon(os.environ.get("STORYLINE_BOILERPLATE") or None)


def lexicon_reason(line: str, lexicon: Lexicon) -> str | None:
    words = word_count(line)
    for rule in lexicon.rules:
        if words <= rule.max_words and any(p.match(line) for p in rule.patterns):
            return rule.reason
    return None


def is_label_shaped(line: str, max_words: int = LABEL_MAX_WORDS) -> bool:
    """Short and not a sentence: a section label, an outlet name, a stranded byline."""
    return word_count(line) <= max_words and not _SENTENCE_END.search(line)


def looks_like_name(line: str) -> bool:
    return bool(_NAME.match(line.strip()))


def strip_glued(lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Cut scraper markers glued onto the first or last line; return what was cut."""
    cut: list[tuple[int, str]] = []
    lines = list(lines)
    for i in range(min(len(lines), GLUED_HEAD_LINES)):
        m = _GLUED_PREFIX.match(lines[i])
        if m:
            cut.append((i, m.group(0).strip()))
            lines[i] = lines[i][m.end() :]
    if lines:
        m = _GLUED_SUFFIX.search(lines[-1])
        if m:
            cut.append((len(lines) - 1, m.group(1)))
            lines = [*lines[:-1], lines[-1][: m.start()].rstrip()]
    return lines, cut


def classify(lines: list[str], lexicon: Lexicon, *, has_title: bool) -> list[Verdict]:
    """Verdicts for the boilerplate lines among ``lines`` (which are non-empty and stripped).

    ``has_title`` says whether the title is known already; if not, the first surviving line
    may be the headline and must not be taken for a label.
    """
    reasons: dict[int, str] = {}
    for i, line in enumerate(lines):
        reason = lexicon_reason(line, lexicon)
        if reason:
            reasons[i] = reason
    # A caption sits directly above its photo credit, in the lead image block at the top.
    # (Lower down, the line above a credit is as likely the article's own last paragraph.)
    for i in sorted(reasons):
        if (
            reasons[i] == "photo credit"
            and 0 < i <= CAPTION_TOP_LINES
            and i - 1 not in reasons
            and _is_caption(lines[i - 1])
        ):
            reasons[i - 1] = "photo caption"
    _edges(lines, reasons, lexicon, has_title=has_title)
    # Labels stranded next to junk ("CNBC Politics" above "Read more about ...").
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if i in reasons or not is_label_shaped(line, 4):
                continue
            if (i - 1 in reasons or i + 1 in reasons) and not _is_first_kept(i, reasons, has_title):
                reasons[i] = "label next to boilerplate"
                changed = True
    return [Verdict(i, reasons[i]) for i in sorted(reasons)]


def _is_caption(line: str) -> bool:
    """Captions are sentences ("X boards his plane in Y on Z."); headlines are not."""
    return word_count(line) <= CAPTION_MAX_WORDS and bool(_CAPTION_END.search(line))


def _is_first_kept(i: int, reasons: dict[int, str], has_title: bool) -> bool:
    """The first line that survives is the headline candidate when no title is known."""
    if has_title:
        return False
    return all(j in reasons for j in range(i))


def _stranded(line: str, lexicon: Lexicon) -> str:
    if looks_like_name(line) and not lexicon.is_section_label(line):
        return "byline"
    return "section label"


def _edges(
    lines: list[str], reasons: dict[int, str], lexicon: Lexicon, *, has_title: bool
) -> None:
    kept = [i for i in range(len(lines)) if i not in reasons]
    if len(kept) < 3:
        return
    first = 0
    if not has_title:
        # A label above the headline: two unpunctuated lines in a row, the first very short.
        a, b = lines[kept[0]], lines[kept[1]]
        if is_label_shaped(a, 3) and is_label_shaped(b, 30) and _stranded(a, lexicon) != "byline":
            reasons[kept[0]] = "section label"
            first = 1
        first += 1  # skip the headline candidate
    for i in kept[first : first + EDGE_LINES]:
        if not is_label_shaped(lines[i], 3):
            break
        reasons[i] = _stranded(lines[i], lexicon)
    # End: stranded bylines, outlet names and labels after the last sentence.
    for i in reversed(kept[-EDGE_LINES - 1 :]):
        if i in reasons or not is_label_shaped(lines[i]):
            break
        reasons[i] = _stranded(lines[i], lexicon)

"""Clean stage: repair characters, remove boilerplate, find the headline, detect language.

``clean_document`` is a pure function of a RawDocument (and optional user overrides), so it
runs unchanged in worker processes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from storyline.clean.boilerplate import Lexicon, classify, default_lexicon, strip_glued
from storyline.clean.dates import infer_published, is_plausible
from storyline.clean.lang import detect
from storyline.clean.text import lines_of, repair
from storyline.models import CleanDocument, DateOrigin, Overrides, RawDocument, RemovedLine
from storyline.text.length import first_words, word_count

__all__ = ["clean_document"]

#: Below this many words of body text (title aside) a document is a headline, a teaser or a
#: fragment: too little to tell a story or to match it to one.
MIN_ARTICLE_WORDS = 20
#: A feed item that carries only its summary is kept on purpose (flagged partial), so only
#: a summary shorter than a sentence is refused.
MIN_TEASER_WORDS = 8

#: A headline is one line of at most this many words that does not end like a sentence.
HEADLINE_MAX_WORDS = 30
_SENTENCE_END = re.compile(r"[.:;,。．：；，、]\s*$")
#: A full-width sentence end needs no space after it: CJK text has none.
_FIRST_SENTENCE = re.compile(r"^(.{20,}?([.!?](?=\s|$)|[。．！？][」』）]?))")
#: "WASHINGTON –", "BENGHAZI, Libya, Sept. 11 (GWS) –": a dateline is not part of a headline.
_DATELINE = re.compile(r"^[A-ZÀ-Þ]{2}[A-ZÀ-Þ .'’-]*(,[^–—]{0,40}?)?(\s*\([^)]{1,30}\))?\s+[-–—]\s+")
_BY_PREFIX = re.compile(r"^(by|von|por|par|di|written by)\s+", re.I)


def _is_headline(line: str) -> bool:
    return word_count(line) <= HEADLINE_MAX_WORDS and not _SENTENCE_END.search(line)


def _inferred_title(lead: str) -> str:
    lead = _DATELINE.sub("", lead)
    m = _FIRST_SENTENCE.match(lead)
    sentence = m.group(1) if m else lead
    start, cut = first_words(sentence, 20)
    return start + ("…" if cut else "")


def clean_document(raw: RawDocument, overrides: Overrides | None = None) -> CleanDocument:
    """Clean one document. Raises ValueError if too little of an article is left."""
    overrides = overrides or Overrides()
    lexicon = default_lexicon()
    lines = lines_of(repair(raw.text))
    lines, glued = strip_glued(lines)
    removed = [RemovedLine(i, text, "source-link marker") for i, text in glued]
    title = repair(raw.title).strip() if raw.title else ""
    verdicts = classify(lines, lexicon, has_title=bool(title))
    dropped = {v.index for v in verdicts}
    removed += [RemovedLine(v.index, lines[v.index], v.reason) for v in verdicts]
    body = [(i, line) for i, line in enumerate(lines) if i not in dropped and line]
    title_inferred = False
    if not title and body and _is_headline(body[0][1]) and len(body) > 1:
        title = body.pop(0)[1]
    elif title and len(body) > 1 and body[0][1].lower() == title.lower():
        body.pop(0)
    if not body:
        raise ValueError("nothing left after removing boilerplate")
    text = "\n\n".join(line for _, line in body)
    # A teaser is read as its headline and summary together; an article by its body.
    words = word_count(text) + (word_count(title) if raw.partial else 0)
    least = MIN_TEASER_WORDS if raw.partial else MIN_ARTICLE_WORDS
    if words < least:
        raise ValueError(f"too short for an article ({words} words; at least {least})")
    if not title:
        title, title_inferred = _inferred_title(body[0][1]), True
    byline = raw.byline or _byline_from(removed)
    published, published_from = _publication_date(raw, overrides, removed, body[0][1])
    lang: str | None
    score: float | None
    if overrides.lang:
        lang, score = overrides.lang, None
    elif raw.lang:
        lang, score = raw.lang, None
    else:
        lang, score = detect(text)
    return CleanDocument(
        raw=raw,
        title=title,
        text=text,
        removed=tuple(sorted(removed, key=lambda r: r.line)),
        title_inferred=title_inferred,
        published=published,
        published_from=published_from,
        lang=lang,
        lang_score=score,
        byline=byline,
        source=overrides.source or _outlet(raw.source, lexicon) or _host(raw.url),
    )


_SOURCE_PARTS = re.compile(r"\s+[-–—|:·]\s+")


def _outlet(name: str | None, lexicon: Lexicon) -> str | None:
    """ "Global Wire Service - Top News" → "Global Wire Service": feeds and sites name a section."""
    if not name:
        return None
    parts = _SOURCE_PARTS.split(name.strip())
    while len(parts) > 1 and lexicon.is_section_label(parts[-1]) and word_count(parts[-1]) <= 3:
        parts.pop()
    return " - ".join(parts) or None


def _host(url: str | None) -> str | None:
    """Without a site name, the web host is the best name for the outlet."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _byline_from(removed: list[RemovedLine]) -> str | None:
    for r in removed:
        if r.reason == "byline":
            return _BY_PREFIX.sub("", r.text).strip() or None
    return None


def _publication_date(
    raw: RawDocument, overrides: Overrides, removed: list[RemovedLine], lead: str
) -> tuple[str | None, DateOrigin | None]:
    if overrides.published:
        return overrides.published, "flag"
    if raw.published and raw.published_from in ("metadata", None) and is_plausible(raw.published):
        return raw.published, "metadata"
    stamps = [r.text for r in removed if r.reason == "date stamp"]
    inferred = infer_published(stamps, lead)
    if inferred and is_plausible(inferred):
        return inferred, "inferred"
    if raw.published and is_plausible(raw.published):
        return raw.published, raw.published_from  # e.g. a WARC crawl date
    return None, None

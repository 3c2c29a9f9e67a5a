"""A story's articles as claims: sentences (and the clauses of very long ones), each with
what makes it comparable across sources — its content words, the entities it names, its
figures and dates, and who it is attributed to.

Claims are the unit the analysis aligns ("the same fact"), counts by source and cites, so
each keeps its article id and character span.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.numbers import Quantity, find_quantities, measure_words
from storyline.extract.quotes import default_lexicon
from storyline.extract.types import Timex

#: Sentences longer than this (words) are split at clause boundaries.
LONG_SENTENCE = 40
#: Claims shorter than this (content words) say too little to align or to list.
MIN_CONTENT_WORDS = 3

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+(?:[.,]\d+)*")
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?=(?:while|whereas|but|although|as)\s)")


@lru_cache(maxsize=16)
def stop_words(lang: str | None) -> frozenset[str]:
    """spaCy's stop words for the language (English when it has none)."""
    import importlib

    code = lang if lang in ("en", "de", "es", "fr", "it", "nl", "pt") else "en"
    module = importlib.import_module(f"spacy.lang.{code}.stop_words")
    words: frozenset[str] = frozenset(w.lower() for w in module.STOP_WORDS)
    return words | {"said", "says", "say", "told", "according", "also", "would", "could"}


def stem(word: str) -> str:
    """A light suffix stemmer: enough to let "evacuated"/"evacuating" and "dams"/"dam"
    meet, cheap enough for every word of a 200-article story."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 4 or not w.isalpha():
        return w
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es",
                   "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement of one article: a sentence or a clause of a long one."""

    article: str
    #: The article it counts as for independence (the copy group's original).
    original: str
    outlet: str
    lang: str | None
    sentence: int
    start: int
    end: int
    text: str
    #: Stemmed content words, in order.
    terms: tuple[str, ...]
    #: Entity ids named in it (story-wide ids, so they meet across languages).
    entities: frozenset[str]
    quantities: tuple[Quantity, ...]
    #: Values of the dates in it (TimeML).
    dates: frozenset[str]
    #: Who the statement is attributed to ("Ukrainian officials said …"), if anyone.
    attributed_to: str | None
    #: Inside a direct quote.
    quoted: bool
    #: The text without its names: what it says about them, for sentence embeddings
    #: (names are compared as anchors; a vector of "Reid checked into rehab" would be
    #: mostly "Reid").
    plain: str = ""
    #: Entities named only in its attribution frame ("…,” sagte Lagarde in Frankfurt).
    framing: frozenset[str] = frozenset()

    @property
    def stated_anchors(self) -> frozenset[str]:
        """The anchors of what it states: without the names of its attribution frame, which
        say who reported it and where, not what."""
        return self.anchors - self.framing if self.framing else self.anchors

    @property
    def gist(self) -> str:
        """What an encoder reads: the text without names, or the text if that is all."""
        return self.plain or self.text

    @property
    def anchors(self) -> frozenset[str]:
        """What the claim pins down, comparable across languages: names, figures, dates."""
        return self.entities | {f"#{q.measure}:{q.key}" for q in self.quantities} | {
            f"@{d}" for d in self.dates}


def claims_of(story: StoryInputs) -> list[Claim]:
    """Every article's claims, in the story's article order, then text order."""
    out: list[Claim] = []
    for article in story.articles:
        out.extend(article_claims(story, article))
    return out


def article_claims(story: StoryInputs, article: ArticleInput) -> list[Claim]:
    stops = stop_words(article.lang)
    date_spans = [(t.start, t.end) for t in article.timexes
                  if not _amount_of(article.text, t)]
    out = []
    for index, (s_start, s_end) in enumerate(article.sentences):
        for start, end in _clauses(article.text, s_start, s_end):
            text = " ".join(article.text[start:end].split())
            words = _WORD.findall(text)
            terms = tuple(stem(w) for w in words if w.lower() not in stops and w.isalpha()
                          and len(w) > 1)
            if len(terms) < MIN_CONTENT_WORDS:
                continue
            s_from, s_to = _stated(text)
            said = _terms(text[s_from:s_to], stops)
            framed = len(said) >= MIN_CONTENT_WORDS and (s_from, s_to) != (0, len(text))
            # only a frame after a quote is surely attribution and nothing else ("…,” sagte
            # Lagarde in Frankfurt); "Wiegman responded by …" is a statement about Wiegman
            if framed:
                terms = said
            entity_at = [(story.entity_of.get((article.id, m.canonical), f"name:{m.canonical}"),
                          m.start) for m in article.mentions if start <= m.start < end]
            entities = frozenset(e for e, _ in entity_at)
            # ``text`` is the span with its whitespace runs squeezed: locate names in it by
            # their own text's position in the raw span, mapped through the squeeze
            frame_only: frozenset[str] = frozenset()
            if framed and s_from == 0:
                inside = {e for e, at in entity_at
                          if s_from <= _squeezed_offset(article.text, start, at) < s_to}
                frame_only = entities - inside
            dates = frozenset(t.value for t in article.timexes
                              if start <= t.start < end and t.value and t.type == "DATE"
                              and t.value[:1].isdigit())
            quoted = any(q.start <= start and end <= q.end + 2 for q in article.quotes)
            names = sorted((m.start, m.end) for m in article.mentions
                           if start <= m.start < end)
            out.append(Claim(
                article=article.id, original=story.original(article.id),
                outlet=article.outlet, lang=article.lang, sentence=index, start=start,
                end=end, text=text, terms=terms, entities=entities,
                quantities=tuple(find_quantities(article.text, start, end, article.lang,
                                                 date_spans, stops)),
                dates=dates, attributed_to=attribution(article, start, end), quoted=quoted,
                plain=_without_names(article.text, start, end, names), framing=frame_only))
    return out


def _squeezed_offset(raw: str, start: int, at: int) -> int:
    """Where ``raw[at]`` lands in ``" ".join(raw[start:end].split())``."""
    return len(" ".join(raw[start:at].split())) + (1 if raw[start:at].strip() and
                                                    raw[at - 1:at].isspace() else 0)


def _without_names(text: str, start: int, end: int, names: Sequence[tuple[int, int]]) -> str:
    parts, at = [], start
    for a, b in names:
        parts.append(text[at:max(at, a)])
        at = max(at, min(b, end))
    parts.append(text[at:end])
    return " ".join("".join(parts).split())


_OF_WHAT = re.compile(r"\s+of\s+([^\W\d_]+)(?:\s+([^\W\d_]+))?")


def _amount_of(text: str, t: Timex) -> bool:
    """A duration that measures a supply ("70 hours of oxygen", "40 hours of breathable
    air"): a figure to compare, not a stretch of time to leave out."""
    if t.type != "DURATION":
        return False
    m = _OF_WHAT.match(text, t.end)
    words = measure_words()
    return m is not None and any((w or "").lower() in words for w in m.groups())


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence, or its clauses when it is long (each clause still long enough)."""
    if len(text[start:end].split()) <= LONG_SENTENCE:
        return [(start, end)]
    cuts = [start]
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if len(text[cuts[-1]:m.start()].split()) >= 8 and len(text[m.end():end].split()) >= 8:
            cuts.append(m.end())
    bounds = [*cuts, end]
    spans = []
    for a, b in itertools.pairwise(bounds):
        b2 = b
        while b2 > a and text[b2 - 1] in " ;,\n":
            b2 -= 1
        spans.append((a, b2))
    return spans


_SPEAKER_NOUNS = (r"(?i:officials?|ministry|government|authorities|spokes(?:man|woman|person)|"
                  r"police|military|army|sources?|residents|experts|analysts|witnesses|"
                  r"mayor|governor|minister|president|agency|department|office|company|"
                  r"operator|coast\s+guard)")
_SPEAKER_BEFORE = re.compile(
    r"((?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*|(?:[Tt]he\s+|[Aa]n?\s+)?(?:[\w'’-]+\s+){0,3}"
    + _SPEAKER_NOUNS + r")(?:\s+(?:has|have|had|also|later|repeatedly|previously|again))?"
    r"\s*,?\s*$")
#: "According to the official account", "nach chinesischen Angaben": the record is the
#: source, with whatever qualifies it.
_RECORD = re.compile(
    r"\s*((?:[Tt]he\s+|[Aa]n?\s+)?(?:[\w'’-]+\s+){0,3}?(?i:account|statement|readout|"
    r"report|figures|data|estimates?|tally|count|records?|angaben|schätzungen|zahlen|cifras|"
    r"datos|estimaciones|chiffres|estimations))\b")
_RECORD_AFTER = re.compile(r"\b(?:[Nn]ach|[Ll]aut|[Ss]egún|[Dd]'après|[Ss]elon)\s+"
                           + _RECORD.pattern[3:])
_LINKING = frozenset({"by", "what", "which", "while", "and", "or", "that", "who", "as",
                      "when", "where", "but", "because", "than", "if"})
#: Ways of characterising that attribute a description to its speaker ("what Beijing
#: describes as", "Beijing spoke of a civilian airship").
_FRAMING = re.compile(r"\b(?:spoke|speaks|speak|sprach|spricht|habló|described|describes|"
                      r"branded|brands|termed|terms|calls|called)\s+(?:of|as|von|de|it)\b"
                      r"|\b(?:accused|accuses|accusing|blamed|blames|alleged|alleges)\b")
#: Marks that close a direct quote.
_CLOSING = ("”", '"', "»", "“")
#: Verbs of the speech lexicon that say nothing when followed by these ("called off").
_NOT_SPEECH = re.compile(r"\s+(?:off|for|on|up|in)\b")


#: What an attribution frame adds after its speech verb ("… said in a statement that",
#: "… told reporters on Thursday").
_FRAME_TAIL = re.compile(
    r"(?:\s+(?:in|on)\s+(?:a|an|its|his|her|their)\s+(?:written\s+)?(?:statement|interview|"
    r"post|briefing|news conference|press conference))?(?:\s+(?:to\s+)?reporters)?"
    r"(?:\s+on\s+\w+day)?(?:\s+that\b)?", re.I)
#: A frame is short: at most this many words before its verb.
_FRAME_WORDS = 14


#: A trailing frame after a closing quote may go on this many words after its verb ("…,”
#: sagte Lagarde auf der Pressekonferenz in Frankfurt.").
_TAIL_WORDS = 8


def _without_frame(text: str, stops: frozenset[str]) -> tuple[str, ...]:
    """The claim's terms without its attribution frame (``_stated``)."""
    start, end = _stated(text)
    return _terms(text[start:end], stops)


def _stated(text: str) -> tuple[int, int]:
    """Where in ``text`` the statement is, without its attribution frame ("OceanGate,
    based in Everett, Washington, said in a statement that …", "… ,” Lagarde, the ECB
    president, told reporters."): who reports a statement, and where, is not what it
    states, and two different statements of one speaker must not look alike by their
    frames. Who said it stays in ``attributed_to`` and in the entities. The whole text when
    there is no frame."""
    lexicon = default_lexicon()
    for verb in lexicon.verbs.finditer(text):
        tail = _FRAME_TAIL.match(text, verb.end())
        end = tail.end() if tail else verb.end()
        if end == verb.end() and _NOT_SPEECH.match(text, verb.end()):
            continue  # "called off": not speech ("said in a statement" is)
        head = text[:verb.start()]
        if not any(q in head for q in _CLOSING) and len(head.split()) <= _FRAME_WORDS:
            return end, len(text)  # leading frame: "X, Y, said (that) …"
        quote = max(head.rfind(q) for q in _CLOSING)
        cut = quote if quote >= 0 else head.rfind(",")
        rest = text[end:].strip(" .;")
        if (cut >= 0 and len(head[cut + 1:].split()) <= _FRAME_WORDS
                and (not rest or (quote >= 0 and len(rest.split()) <= _TAIL_WORDS))):
            return 0, cut  # trailing frame: "“…,” X said (at the press conference)."
        break
    return 0, len(text)


def _terms(text: str, stops: frozenset[str]) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(text) if w.lower() not in stops
                 and w.isalpha() and len(w) > 1)


def attribution(article: ArticleInput, start: int, end: int) -> str | None:
    """Who a statement is attributed to: "X said …", "…, X said", "according to X", "what
    X describes as". The speaker is the entity named there, else the noun phrase."""
    text = article.text[start:end]
    lexicon = default_lexicon()
    framing = _FRAMING.search(text)
    if framing:
        before = text[max(0, framing.start() - 80):framing.start()]
        who = _name_at(article, start + framing.start() - len(before),
                       start + framing.start(), before, after=False)
        if who:
            return who
    record = _RECORD_AFTER.search(text)
    if record:  # "nach chinesischen Angaben", "según datos oficiales"
        return " ".join(record.group(1).split())
    found = lexicon.according.search(text)
    if found:
        return _name_at(article, start + found.end(), start + found.end() + 80,
                        text[found.end():found.end() + 80], after=True)
    for verb in lexicon.verbs.finditer(text):
        if _NOT_SPEECH.match(text, verb.end()):
            continue
        before = text[max(0, verb.start() - 80):verb.start()]
        who = _name_at(article, start + verb.start() - len(before), start + verb.start(),
                       before, after=False)
        if who:
            return who
        after = text[verb.end():verb.end() + 60]
        # "…, said X" and "“…,” said X": the speaker follows the verb
        if text[:verb.start()].rstrip()[-1:] in ("", ",", *_CLOSING) and re.match(
                r"\s*(?:[A-Z]|the |an? )", after):
            who = _name_at(article, start + verb.end(), start + verb.end() + 60, after,
                           after=True)
            if who:
                return who
    return None


def _name_at(article: ArticleInput, a: int, b: int, words: str, *, after: bool
             ) -> str | None:
    """The entity mentioned nearest the verb in ``[a, b)``, else a speaker noun phrase;
    after "according to", a record named there ("the official account", "chinesischen
    Angaben") rather than a name inside it."""
    if after and (record := _RECORD.match(words)):
        return " ".join(record.group(1).split())
    inside = [m for m in article.mentions if a <= m.start and m.end <= b]
    if inside:
        m = inside[0] if after else inside[-1]
        gap = article.text[m.end:b] if not after else article.text[a:m.start]
        gap = re.sub(r",[^,]{0,40},", " ", gap)  # "Beijing, on the other hand, spoke of"
        # a closing quote between them: the name is in the quoted words, not their speaker
        if len(gap.split()) <= 3 and not (not after and any(q in gap for q in _CLOSING)):
            return m.canonical
    if after:
        m2 = re.match(r"\s*((?:[Tt]he\s+|[Aa]n?\s+)?(?:[\w'’-]+\s+){0,3}?" + _SPEAKER_NOUNS
                      + r")\b", words)
        return " ".join(m2.group(1).split()) if m2 else None
    m3 = _SPEAKER_BEFORE.search(words)
    if not m3:
        return None
    words_ = m3.group(1).split()
    # "by what the operator", "while administration officials", "statements and company":
    # the speaker is what follows the last linking word.
    cut = max((i + 1 for i, w in enumerate(words_[:-1]) if w.lower() in _LINKING), default=0)
    phrase = " ".join(words_[cut:])
    first = phrase.split()[0].lower()
    if first in ("he", "she", "it", "they", "we", "i", "you", "this", "that"):
        return None
    return phrase[4:] if phrase.lower().startswith("the ") else phrase


def main_language(articles: Sequence[ArticleInput]) -> str | None:
    """The language most of the story's articles are in (articles of unknown language do
    not vote; ties: the first one's)."""
    counts = Counter(a.lang for a in articles if a.lang)
    return counts.most_common(1)[0][0] if counts else None

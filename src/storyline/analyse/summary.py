"""An extractive summary of a story and the one line that names it.

The summary is made of the articles' own sentences, each citing its article: nothing is
reworded, so every statement can be checked against its source. Sentences are scored by

* centrality: TF-IDF cosine to the story's centroid (each article weighs the same, so a
  long article does not pull the centre towards itself);
* lead position: news puts the essentials first;
* support: how many other independent articles have a sentence close to it (copies are
  left out of the pool, so a syndicated text is not its own confirmation);
* information: names and numbers it carries;

and chosen greedily with maximal marginal relevance: a sentence too close to one already
chosen (cosine above ``_REDUNDANT``) is skipped, no article gives more than its share
while others have something to add, and a sentence opening on a pronoun or connector
("He", "However") is taken only when nothing else is left.

The chosen sentences are given in the order of their articles' publication, then their
place in the article, not by score: the summary reads as the story developed, and a lead
comes before the detail that follows it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.analyse.claims import main_language
from storyline.analyse.inputs import ArticleInput, StoryInputs, cite
from storyline.analyse.types import SummarySentence
from storyline.stories.headline import Candidate, choose_headline, close_set, vocabulary

#: Sentences in a summary: fewer says too little, more stops being a summary.
MIN_SENTENCES, MAX_SENTENCES = 3, 6
_MIN_WORDS, _MAX_WORDS = 8, 60
#: Cosine above which a candidate repeats a chosen sentence. Two outlets' wordings of one
#: statement score 0.3–0.45 under sentence TF-IDF (the sample corpus' Derna, Kakhovka and
#: Titan leads), so the bar sits lower than the usual 0.5 …
_REDUNDANT = 0.3
#: … and is raised to this only to reach ``MIN_SENTENCES`` in a story that says little.
_DUPLICATE = 0.5
#: Cosine at which another article's sentence supports a candidate.
_SUPPORTS = 0.3
#: Weight of the score against the redundancy penalty in MMR.
_LAMBDA = 0.75
_W_LEAD, _W_SUPPORT, _W_INFO = 0.2, 0.3, 0.1
#: Candidates scored for support and offered to MMR (the rest cannot make the top few).
_SHORTLIST = 60

_QUOTES = "\"“”„«»"
_OPENING = "“„«‘‚"
_BOILERPLATE = re.compile(
    r"\b(?:click|subscribe|subscription|sign\s+up|newsletter|read\s+more|related:|"
    r"advertisement|cookies?|all\s+rights\s+reserved|follow\s+us|share\s+this|"
    r"download\s+(?:our|the)\s+app|copyright|contributed\s+reporting|reporting\s+by|"
    r"editing\s+by|writing\s+by|hier\s+klicken|abonnieren|suscríbete|leer\s+más)\b|©",
    re.IGNORECASE)
#: A sentence opening on a word that points back to one it no longer follows.
_DANGLING = re.compile(
    r"^(?:He|She|It|They|His|Her|Its|Their|Them|This|These|Those|That|But|However|And|"
    r"Also|Meanwhile|Still|Yet|Such|Er|Es|Aber|Doch|Jedoch|Dies|Zudem|Auch|Él|Ella|Ellos|"
    r"Ellas|Pero|Sin\s+embargo|Esto|Además|También|Il|Elle|Ils|Elles|Mais|Cependant)\b")
#: "WASHINGTON, June 14 (Global Wire Service) - ", "BEIJING — ": a place, not a statement.
_DATELINE = re.compile(  # used with .match(text, pos): no "^", which only matches at 0
    r"[A-ZÀ-Ý][A-ZÀ-Ý .'/-]{1,40}"  # the place, in capitals
    r"(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"  # its country or state
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # the day
    r"\s*(?:\([^)]{1,40}\))?\s*[-—–]\s+")  # the agency
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]?$")
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
#: A title's site suffix: "Headline | Outlet", "Headline - Outlet".
_SUFFIX = re.compile(r"\s+([|\-–—])\s+([^|\-–—]{1,60})$")
_DOMAIN = re.compile(r"^[\w.-]+\.[a-z]{2,6}$", re.IGNORECASE)


def summarise(story: StoryInputs, *, sentences: int | None = None,
              facts: Mapping[str, Sequence[tuple[int, int, int]]] | None = None
              ) -> tuple[SummarySentence, ...]:
    """The story in ``sentences`` of its articles' own sentences (clamped to 3–6; fewer
    when the story has fewer usable sentences), each citing its article.

    ``facts`` (article id → (start, end, fact) of its claims, from the report's fact
    alignment) tells it which sentences state one fact in other words: a sentence
    stating a fact already chosen is not chosen again, and the articles stating a
    sentence's facts support it, whatever their wording.

    By default the length grows with the independent articles: 3 for up to three, one
    more for every two after that, 6 from nine on. (On AllSides roundups of three
    articles, 3 sentences beat 5 against a length-matched lead baseline on the
    validation split: ``storyline eval summary --split val``.)"""
    pool = _pool(story)
    if sentences is None:
        sentences = (len(pool) + 3) // 2
    want = min(max(sentences, MIN_SENTENCES), MAX_SENTENCES)
    candidates = [c for _, found in pool for c in found]
    if not candidates:  # every sentence cut short (an excerpt): better than nothing
        candidates = [c for _, found in _pool(story, cut=True) for c in found]
    if not candidates:
        return ()
    matrix = _tfidf([c.text for c in candidates], _main_lang(story))
    if matrix is None:  # nothing but stop words: the leads
        chosen = sorted(range(len(candidates)), key=lambda i: candidates[i].rank)[:want]
    else:
        chosen = _choose(candidates, matrix, want, _facts_of(candidates, facts or {}))
    order = {a.id: i for i, a in enumerate(story.articles)}
    chosen.sort(key=lambda i: (order[candidates[i].article.id], candidates[i].start))
    out = []
    for i in chosen:
        citation = cite(candidates[i].article, candidates[i].start, candidates[i].end)
        out.append(SummarySentence(citation.text, citation))
    return tuple(out)


def headline(story: StoryInputs) -> str:
    """The title of the most central independent article in the story's main language
    (its title and lead closest to the centroid of all titles and leads), without the
    site's name; the story's stored headline when no article has a title.

    When the stored headline (the stories stage's pick, which the story list shows) is
    the title of one of these articles, it is kept: one story, one name, on every page."""
    titled = [a for a, _ in _pool(story) if a.title.strip()]
    if not titled:
        return story.headline
    outlets = {_fold(a.outlet) for a in story.articles if a.source}
    stored = _strip_site(story.headline, outlets) if story.headline.strip() else ""
    if stored and any(_strip_site(a.title, outlets) == stored for a in titled):
        return stored
    chosen = {a.id for a in titled}
    # The centre counts copies too: a wire story five sites run is what the story mostly
    # says; only an independent article's title can be chosen.
    langs = {a.lang for a in titled}
    around = [a for a in story.articles
              if a.title.strip() and a.lang in langs and a.id not in chosen]
    texts = [" ".join([a.title, *(c.text for c in _candidates(a)[:2])])
             for a in [*titled, *around]]
    matrix = _tfidf(texts, _main_lang(story))
    best = 0
    if matrix is not None and len(titled) > 1:
        centroid = np.asarray(matrix.mean(axis=0)).ravel()
        fits = np.asarray(matrix[: len(titled)] @ centroid).ravel()
        # The most central title, unless a nearly as central one is cleaner (no typo
        # against the story's spelling, not shouting): the stories stage's rule.
        pool = [Candidate(str(n), _strip_site(a.title, outlets), float(f))
                for n, (a, f) in enumerate(zip(titled, fits, strict=True))]
        words = (vocabulary(f"{a.title}\n{a.text}" for a in story.articles)
                 if len(close_set(pool)) > 1 else {})
        chosen_one = choose_headline(pool, words)
        best = int(chosen_one.article_id) if chosen_one is not None else 0
    return _strip_site(titled[best].title, outlets) or story.headline


def _strip_site(title: str, outlets: set[str] | frozenset[str] = frozenset()) -> str:
    """``title`` without trailing site names: " | Anything short" always goes; " - X"
    goes when X is one of ``outlets`` (folded with ``_fold``) or looks like a domain."""
    title = " ".join(title.split())
    while m := _SUFFIX.search(title):
        sep, tail = m[1], m[2].strip()
        site = (sep == "|" and len(tail.split()) <= 6) or _fold(tail) in outlets \
            or bool(_DOMAIN.match(tail))
        if not site or m.start() == 0:
            break
        title = title[:m.start()].rstrip()
    return title


# --- candidates ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    article: ArticleInput
    start: int
    end: int
    text: str
    #: Place among the article's usable sentences (0: its lead).
    rank: int
    dangling: bool
    #: Names and numbers it carries.
    info: int


def _main_lang(story: StoryInputs) -> str | None:
    return main_language(story.articles)


def _pool(story: StoryInputs, *, cut: bool = False
          ) -> list[tuple[ArticleInput, list[_Candidate]]]:
    """Independent articles in the main language with their candidate sentences; all
    independent articles when the main language has fewer than ``MIN_SENTENCES``
    candidates. A copy whose original is not in the story stands for it. ``cut`` also
    admits sentences with no full stop (an excerpt cut mid-sentence)."""
    ids = {a.id for a in story.articles}
    independent = [(a, _candidates(a, cut=cut)) for a in story.articles
                   if not (a.copy_of and a.copy_of in ids)]
    lang = _main_lang(story)
    main = [(a, found) for a, found in independent if lang is None or a.lang == lang]
    if sum(len(found) for _, found in main) >= MIN_SENTENCES:
        return main
    return independent


def _candidates(a: ArticleInput, *, cut: bool = False) -> list[_Candidate]:
    """The article's sentences that can stand alone in a summary, in order."""
    out: list[_Candidate] = []
    for index, (s, e) in enumerate(a.sentences):
        start, end = _span(a.text, s, e)
        text = " ".join(a.text[start:end].split())
        if not _usable(a, index, start, end, text, cut=cut):
            continue
        names = {m.canonical for m in a.mentions if start <= m.start < end}
        info = len(names) + len(_NUMBER.findall(text))
        out.append(_Candidate(a, start, end, text, len(out), bool(_DANGLING.match(text)),
                              info))
    return out


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence without surrounding spaces, a leading dateline, or the opening mark
    of the next sentence's quotation that a splitter leaves at its end."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in _OPENING):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if m := _DATELINE.match(text, start, end):
        start = m.end()
    return start, end


def _usable(a: ArticleInput, index: int, start: int, end: int, text: str, *,
            cut: bool = False) -> bool:
    words = len(text.split())
    ended = cut or bool(_SENTENCE_END.search(text))
    if not _MIN_WORDS <= words <= _MAX_WORDS or not ended:
        return False  # a headline, byline or caption carries no full stop
    if _BOILERPLATE.search(text):
        return False
    # Straight quotes pair up; an odd count or unmatched curly ones mean a fragment of a
    # quotation cut by the sentence splitter.
    if text.count('"') % 2 or text.count("“") != text.count("”") \
            or text.count("„") > text.count("“"):
        return False
    quoted = sum(min(q.end, end) - max(q.start, start) for q in a.quotes
                 if q.sentence == index and q.end > start and q.start < end)
    return quoted <= 0.5 * (end - start) and text[0] not in _QUOTES


# --- scoring ---------------------------------------------------------------------------


def _stop_words(lang: str | None) -> list[str] | None:
    """The language's stop words as the vectoriser tokenises them (spaCy's lists)."""
    try:
        from spacy.util import get_lang_class

        words = get_lang_class(lang or "en").Defaults.stop_words
    except (ImportError, KeyError, ValueError):
        return None
    return sorted(w for w in {w.lower() for w in words} if re.fullmatch(r"\w\w+", w))


def _tfidf(texts: Sequence[str], lang: str | None) -> Any:
    """L2-normalised TF-IDF rows (sublinear tf) as a sparse matrix, or None when no
    term is left."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words=_stop_words(lang))
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # empty vocabulary
        return None


def _facts_of(candidates: Sequence[_Candidate],
              facts: Mapping[str, Sequence[tuple[int, int, int]]]) -> list[frozenset[int]]:
    """Each candidate's facts: those of the claims inside its span."""
    return [frozenset(f for start, end, f in facts.get(c.article.id, ())
                      if start < c.end and end > c.start) for c in candidates]


def _choose(candidates: Sequence[_Candidate], x: Any, want: int,
            facts: Sequence[frozenset[int]] | None = None) -> list[int]:
    """Indices of the chosen candidates: score, then MMR against redundancy."""
    from scipy.sparse import csr_matrix

    ids = {aid: n for n, aid in enumerate(dict.fromkeys(c.article.id for c in candidates))}
    article = np.array([ids[c.article.id] for c in candidates])
    # The centroid: each article's sentences summed and normalised, then averaged, so
    # every article weighs the same.
    member = csr_matrix((np.ones(len(candidates)), (article, np.arange(len(candidates)))),
                        shape=(len(ids), len(candidates)))
    sums = np.asarray((member @ x).toarray())
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    centroid = sums.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    central = np.asarray(x @ centroid).ravel()
    lead = np.array([max(0.0, 1.0 - c.rank / 5) for c in candidates])
    info = np.array([min(1.0, c.info / 4) for c in candidates])
    base = central + _W_LEAD * lead + _W_INFO * info
    shortlist = sorted(range(len(candidates)), key=lambda i: (-base[i], i))[:_SHORTLIST]
    rows = np.asarray(x[shortlist].toarray())
    facts = facts or [frozenset()] * len(candidates)
    stating: dict[int, set[int]] = {}  # fact → the articles with a candidate stating it
    for i, found in enumerate(facts):
        for f in found:
            stating.setdefault(f, set()).add(int(article[i]))
    # Support: the share of the other articles with a sentence close to the candidate, or
    # stating one of its facts.
    sims = np.asarray(x @ rows.T)  # all candidates × shortlist
    support = np.zeros(len(shortlist))
    if len(ids) > 1:
        for k, i in enumerate(shortlist):
            close = set(article[sims[:, k] >= _SUPPORTS].tolist())
            for f in facts[i]:
                close |= stating[f]
            support[k] = len(close - {int(article[i])}) / (len(ids) - 1)
    score = base[shortlist] + _W_SUPPORT * support
    between = rows @ rows.T
    for a_, i in enumerate(shortlist):  # one fact stated twice is a repeat, in any words
        for b_, j in enumerate(shortlist):
            if a_ != b_ and facts[i] & facts[j]:
                between[a_, b_] = 1.0
    # No article gives more than its share while others have something to add.
    cap = max(2, -(-want // len(ids)))
    chosen: list[int] = []  # positions in the shortlist
    passes = ((False, cap, _REDUNDANT, want), (True, cap, _REDUNDANT, want),
              (True, want, _REDUNDANT, want), (True, want, _DUPLICATE, MIN_SENTENCES))
    for allow_dangling, limit, redundant, goal in passes:
        while len(chosen) < goal:
            taken = Counter(int(article[shortlist[k]]) for k in chosen)
            best, best_mmr = -1, -np.inf
            for k, i in enumerate(shortlist):
                if k in chosen or (candidates[i].dangling and not allow_dangling) \
                        or taken[int(article[i])] >= limit:
                    continue
                overlap = max((float(between[k, j]) for j in chosen), default=0.0)
                if overlap > redundant:
                    continue
                mmr = _LAMBDA * float(score[k]) - (1 - _LAMBDA) * overlap
                if mmr > best_mmr:
                    best, best_mmr = k, mmr
            if best < 0:
                break
            chosen.append(best)
    return [shortlist[k] for k in chosen]


def _fold(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())

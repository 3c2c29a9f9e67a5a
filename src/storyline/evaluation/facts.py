"""How well the story report's fact alignment groups statements, against labelled facts.

The labels (``data/sample/facts.json``) list, per story of the sample corpus, facts stated
by two or more articles (each statement an exact substring of its article's text) and
negative pairs: statements of one story that share names or topic but say different
things. The corpus is ingested into a throw-away store, each labelled story is made exactly
its labelled articles (by the analyst's corrections, so the measure is of alignment, not of
story clustering), and its claims are aligned as ``build_report`` aligns them. A statement
stands for the claims whose spans overlap it; a pair is in one fact when any claim of one
and any claim of the other are.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.analyse.align import align
from storyline.analyse.claims import Claim, claims_of, stem, stop_words
from storyline.analyse.inputs import ArticleInput, StoryInputs
from storyline.analyse.report import claim_vectors  # the report's own path
from storyline.api import Storyline
from storyline.semantic.vectors import Encoder, model_name

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True, slots=True)
class Statement:
    article: str
    text: str


@dataclass(frozen=True, slots=True)
class LabelledPair:
    story: str
    positive: bool
    a: Statement
    b: Statement
    note: str = ""


@dataclass
class PairOutcome:
    pair: LabelledPair
    #: In one fact (positive: found; negative: a violation).
    together: bool
    cross_language: bool
    #: The two statements share a content word that is not part of a name.
    shares_words: bool
    #: One article is a copy of the other (one copy group).
    copies: bool
    #: The claims each statement stands for, as "fact id: text".
    claims_a: tuple[str, ...] = ()
    claims_b: tuple[str, ...] = ()


@dataclass
class Split:
    name: str
    positives: int = 0
    found: int = 0
    negatives: int = 0
    violated: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    def row(self) -> dict[str, Any]:
        return {"pairs": self.name, "positive": self.positives, "in one fact": self.found,
                "pair recall": round(self.recall, 3), "negative": self.negatives,
                "violated": self.violated}


@dataclass
class FactsReport:
    outcomes: list[PairOutcome]
    #: (story, article, text, why) of statements that stand for no claim.
    unmapped: list[tuple[str, str, str, str]]
    stories: int
    claims: int
    facts: int
    model: str | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    def splits(self) -> list[Split]:
        """All pairs, then by language, by wording and by copy relation."""
        keys: list[tuple[str, Any]] = [
            ("all", lambda o: True),
            ("same language", lambda o: not o.cross_language),
            ("cross-language", lambda o: o.cross_language),
            ("share a content word (not a name)", lambda o: o.shares_words),
            ("other words only", lambda o: not o.shares_words),
            ("independent articles", lambda o: not o.copies),
            ("copies", lambda o: o.copies),
        ]
        out = []
        for name, test in keys:
            s = Split(name)
            for o in self.outcomes:
                if not test(o):
                    continue
                if o.pair.positive:
                    s.positives += 1
                    s.found += o.together
                else:
                    s.negatives += 1
                    s.violated += o.together
            if s.positives or s.negatives or name == "all":
                out.append(s)
        return out

    @property
    def total(self) -> Split:
        return self.splits()[0]

    def missed(self) -> list[PairOutcome]:
        return [o for o in self.outcomes if o.pair.positive and not o.together]

    def violations(self) -> list[PairOutcome]:
        return [o for o in self.outcomes if not o.pair.positive and o.together]

    def as_dict(self, *, mistakes: bool = False) -> dict[str, Any]:
        total = self.total
        out: dict[str, Any] = {
            "stories": self.stories, "claims": self.claims, "facts": self.facts,
            "model": self.model, "pair_recall": round(total.recall, 4),
            "positive_pairs": total.positives, "negative_pairs": total.negatives,
            "negative_violations": total.violated,
            "unmapped_statements": len(self.unmapped),
            "splits": [s.row() for s in self.splits()], "seconds": round(self.seconds, 2),
        }
        if mistakes:
            out["missed"] = [_outcome_dict(o) for o in self.missed()]
            out["violations"] = [_outcome_dict(o) for o in self.violations()]
            out["unmapped"] = [dict(zip(("story", "article", "text", "why"), u, strict=True))
                               for u in self.unmapped]
        return out


def _outcome_dict(o: PairOutcome) -> dict[str, Any]:
    return {"story": o.pair.story, "note": o.pair.note,
            "a": {"article": o.pair.a.article, "text": o.pair.a.text, "claims": o.claims_a},
            "b": {"article": o.pair.b.article, "text": o.pair.b.text, "claims": o.claims_b}}


def default_labels() -> Path:
    """The sample corpus's fact labels (``labels.json`` and ``articles/`` beside them)."""
    from importlib import resources

    return Path(str(resources.files("storyline").joinpath("data", "sample", "facts.json")))


def load_pairs(labels: dict[str, Any]) -> list[LabelledPair]:
    """Every pair of a fact's statements from different articles, then the negatives."""
    pairs = []
    for fact in labels["facts"]:
        statements = [Statement(s["article"], s["text"]) for s in fact["statements"]]
        for a, b in itertools.combinations(statements, 2):
            if a.article != b.article:
                pairs.append(LabelledPair(fact["story"], True, a, b, fact.get("note", "")))
    for neg in labels["negatives"]:
        a, b = (Statement(s["article"], s["text"]) for s in neg["statements"])
        pairs.append(LabelledPair(neg["story"], False, a, b, neg.get("note", "")))
    return pairs


@dataclass
class LabelledStory:
    """One labelled story made a store story: its inputs, claims, labelled pairs and the
    claims each labelled statement stands for."""

    story: str
    inputs: StoryInputs
    claims: list[Claim]
    pairs: list[LabelledPair]
    mapped: dict[Statement, list[int]]
    ids: dict[str, str]
    #: (article, text, why) of statements that stand for no claim.
    unmapped: list[tuple[str, str, str]]


def labelled_stories(labels_path: Path) -> Iterator[LabelledStory]:
    """Ingest the labelled corpus into a throw-away store and yield each labelled story
    (exactly its labelled articles) with its claims; for ``evaluate_facts`` and for fitting
    pair weights (``scripts/train_fact_pairs.py``)."""
    labels: dict[str, Any] = json.loads(labels_path.read_text("utf-8"))
    folder = labels_path.parent
    corpus = (folder / "articles").resolve()
    story_of = {a["key"]: a["story"]
                for a in json.loads((folder / "labels.json").read_text("utf-8"))["articles"]}
    pairs = load_pairs(labels)
    with tempfile.TemporaryDirectory() as tmp, Storyline(Path(tmp) / "facts.db") as sl:
        report = sl.ingest([corpus], workers=1)
        ids = {_key(origin, corpus): aid for origin, aid in report.origins.items()}
        for story in sorted({p.story for p in pairs}):
            members = {ids[k] for k, s in story_of.items() if s == story and k in ids}
            # none ingested: every statement is unmapped and every pair missed
            inputs = (sl.story_inputs(_make_story(sl, members)) if members
                      else StoryInputs(story, "", ()))
            claims = claims_of(inputs)
            mine = [p for p in pairs if p.story == story]
            mapped: dict[Statement, list[int]] = {}
            unmapped = []
            for st in dict.fromkeys(s for p in mine for s in (p.a, p.b)):
                found, why = _claims_of_statement(inputs, ids, claims, st)
                mapped[st] = found
                if not found:
                    unmapped.append((st.article, st.text, why))
            yield LabelledStory(story, inputs, claims, mine, mapped, ids, unmapped)


def evaluate_facts(labels_path: Path, encoder: Encoder | None = None) -> FactsReport:
    """Align each labelled story as the report does and score the labelled pairs."""
    started = time.perf_counter()
    outcomes: list[PairOutcome] = []
    unmapped: list[tuple[str, str, str, str]] = []
    n_claims = n_facts = n_stories = 0
    for ls in labelled_stories(labels_path):
        vectors, multilingual, weights = claim_vectors(ls.claims, encoder)
        groups = align(ls.claims, vectors=vectors, multilingual=multilingual,
                       weights=weights).groups
        n_stories += 1
        n_claims += len(ls.claims)
        n_facts += len(groups)
        fact_of = {i: f for f, g in enumerate(groups) for i in g}
        unmapped.extend((ls.story, *u) for u in ls.unmapped)
        for p in ls.pairs:
            outcomes.append(_outcome(p, ls.inputs, ls.ids, ls.claims, ls.mapped, fact_of))
    return FactsReport(outcomes, unmapped, n_stories, n_claims, n_facts,
                       model_name(encoder) if encoder is not None else None,
                       time.perf_counter() - started)


def _key(origin: str, corpus: Path) -> str:
    path, _, record = origin.partition("#")
    return Path(path).resolve().relative_to(corpus).as_posix() + (f"#{record}" if record else "")


def _make_story(sl: Storyline, members: set[str]) -> str:
    """A store story holding exactly ``members`` (moved together, the rest split off)."""
    first = sorted(members)[0]
    article = sl.article(first)
    assert article is not None and article.story_id is not None
    target = sl.store.stories.resolve(article.story_id)
    for aid in sorted(members - {first}):
        other = sl.article(aid)
        if other is None or other.story_id is None or \
                sl.store.stories.resolve(other.story_id) != target:
            target = sl.move(aid, target)
    extra = sorted(set(sl.store.stories.members(target)) - members)
    if extra:
        sl.split(target, extra)
    return target


def _article(inputs: StoryInputs, ids: dict[str, str], key: str) -> ArticleInput | None:
    aid = ids.get(key)
    return inputs.article(aid) if aid else None


def _claims_of_statement(inputs: StoryInputs, ids: dict[str, str], claims: Sequence[Claim],
                         st: Statement) -> tuple[list[int], str]:
    art = _article(inputs, ids, st.article)
    if art is None:
        return [], "article not ingested or not in the story"
    start = art.text.find(st.text)
    if start < 0:
        return [], "text not found in the article"
    end = start + len(st.text)
    found = [i for i, c in enumerate(claims)
             if c.article == art.id and c.start < end and start < c.end]
    return found, "" if found else "no claim there (too short, or not a sentence)"


def _outcome(p: LabelledPair, inputs: StoryInputs, ids: dict[str, str],
             claims: Sequence[Claim], mapped: dict[Statement, list[int]],
             fact_of: dict[int, int]) -> PairOutcome:
    a, b = _article(inputs, ids, p.a.article), _article(inputs, ids, p.b.article)
    fa = {fact_of[i] for i in mapped[p.a]}
    fb = {fact_of[i] for i in mapped[p.b]}
    cross = a is not None and b is not None and (a.lang or "?") != (b.lang or "?")
    copies = a is not None and b is not None and inputs.original(a.id) == inputs.original(b.id)
    shares = bool(_plain_words(a, p.a.text) & _plain_words(b, p.b.text)) \
        if a is not None and b is not None else False
    return PairOutcome(p, bool(fa & fb), cross, shares, copies,
                       _described(claims, mapped[p.a], fact_of),
                       _described(claims, mapped[p.b], fact_of))


def _described(claims: Sequence[Claim], found: Iterable[int], fact_of: dict[int, int]
               ) -> tuple[str, ...]:
    return tuple(f"f{fact_of[i] + 1}: {claims[i].text}" for i in found)


def _plain_words(article: ArticleInput, text: str) -> set[str]:
    """The statement's stemmed content words outside the names extraction found in it."""
    start = article.text.find(text)
    if start < 0:
        return set()
    end = start + len(text)
    names = [(m.start, m.end) for m in article.mentions if start <= m.start and m.end <= end]
    stops = stop_words(article.lang)
    out = set()
    for w in _WORD.finditer(text):
        at = start + w.start()
        if any(s <= at < e for s, e in names):
            continue
        word = w.group()
        if word.lower() not in stops and len(word) > 1:
            out.add(stem(word))
    return out

"""Claim similarity and the loops it feeds, vectorised: each checked against a plain
pair-by-pair implementation of the same rules, on claims written here (a pier closed after
a crane collapsed, in English and in German, with a copy) and on seeded random inputs."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from rapidfuzz import fuzz, process
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.analyse import align as align_module
from storyline.analyse.align import (
    CROSS_LANGUAGE_ANCHORS,
    CROSS_LANGUAGE_OVERLAP,
    LEXICAL_WEIGHT,
    SAME_FACT,
    align,
    similarity,
)
from storyline.analyse.claims import _WORD, Claim, stem, stop_words
from storyline.analyse.conflicts import ALIKE, _alike_clusters
from storyline.analyse.inputs import ArticleInput
from storyline.analyse.numbers import Quantity
from storyline.analyse.timeline import _copies, _original, _Said, _said, _with_copies

PIER, AUTHORITY, CRANE_FIRM = "ent:ostmark-pier", "ent:harbour-authority", "ent:kellner-lift"
MONDAY = "2024-05-06"


def _claim(article: str, text: str, *, lang: str = "en", original: str | None = None,
           entities: Sequence[str] = (), dates: Sequence[str] = (),
           figures: Sequence[tuple[float, str]] = ()) -> Claim:
    stops = stop_words(lang)
    terms = tuple(stem(w) for w in _WORD.findall(text)
                  if w.lower() not in stops and w.isalpha() and len(w) > 1)
    quantities = tuple(Quantity(0, 1, str(v), v, v, measure) for v, measure in figures)
    return Claim(article=article, original=original or article, outlet=f"outlet {article}",
                 lang=lang, sentence=0, start=0, end=len(text), text=text, terms=terms,
                 entities=frozenset(entities), quantities=quantities, dates=frozenset(dates),
                 attributed_to=None, quoted=False)


def _claims() -> list[Claim]:
    return [
        _claim("a1", "The harbour authority closed the Ostmark pier on Monday after a crane "
               "collapsed.", entities=[AUTHORITY, PIER], dates=[MONDAY]),
        # the same article again: never compared with its own first claim
        _claim("a1", "The crane collapsed on the Ostmark pier, the harbour authority said.",
               entities=[AUTHORITY, PIER]),
        _claim("a1", "Two dock workers were injured when the crane fell into the water.",
               figures=[(2, "injured")]),
        _claim("a2", "A crane collapsed at the Ostmark pier on Monday and the harbour "
               "authority closed it.", entities=[PIER, AUTHORITY], dates=[MONDAY]),
        _claim("a2", "Officials said three workers were injured and taken to hospital.",
               figures=[(3, "injured")]),
        _claim("a2", "The crane belonged to Kellner Lift, a company from the valley.",
               entities=[CRANE_FIRM]),
        # a copy of a1, a word changed: compared like any other article's claim
        _claim("c1", "The harbour authority shut the Ostmark pier on Monday after a crane "
               "collapsed.", original="a1", entities=[AUTHORITY, PIER], dates=[MONDAY]),
        # German: meets the English claims through names and dates only
        _claim("d1", "Die Hafenbehörde sperrte am Montag den Ostmark-Pier, nachdem ein Kran "
               "eingestürzt war.", lang="de", entities=[AUTHORITY, PIER], dates=[MONDAY]),
        _claim("d1", "Der Kran gehörte der Firma Kellner Lift aus dem Tal.", lang="de",
               entities=[CRANE_FIRM]),  # one shared anchor only: not enough
        _claim("d1", "Zwei Arbeiter wurden verletzt, als der Kran am Montag ins Wasser fiel.",
               lang="de", dates=[MONDAY], figures=[(2, "injured")]),
        # no words in common with anything, the same anchors as a1's first claim
        _claim("e1", "Hafenbehörde: Sperrung bestätigt, heute wieder offen.",
               entities=[AUTHORITY, PIER], dates=[MONDAY]),
    ]


def _reference(claims: Sequence[Claim]) -> np.ndarray:
    """The rules one pair at a time, as a dense matrix."""
    n = len(claims)
    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True, norm="l2")
    x = vectorizer.fit_transform([c.terms for c in claims])
    cos = (x @ x.T).toarray()
    anchors = [c.anchors for c in claims]
    claims_with = Counter(x for a in anchors for x in a)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if claims[i].article == claims[j].article:
                continue
            union = anchors[i] | anchors[j]
            if claims[i].lang == claims[j].lang:
                if cos[i, j] == 0:  # no word in common: not compared
                    continue
                overlap = len(anchors[i] & anchors[j]) / len(union) if union else 0.0
                score = LEXICAL_WEIGHT * cos[i, j] + (1 - LEXICAL_WEIGHT) * overlap
                if score >= 0.2:
                    out[i, j] = out[j, i] = score
            else:
                shared = [x for x in anchors[i] & anchors[j] if claims_with[x] <= 200]
                share = len(shared) / len(union)
                if len(shared) >= CROSS_LANGUAGE_ANCHORS and share >= CROSS_LANGUAGE_OVERLAP:
                    out[i, j] = out[j, i] = SAME_FACT + 0.1 * share
    return out


def test_similarity_matches_the_pairwise_rules() -> None:
    claims = _claims()
    sim = similarity(claims)
    expected = _reference(claims)
    assert sim.has_canonical_format
    assert np.array_equal(sim.toarray() != 0, expected != 0)
    assert np.allclose(sim.toarray(), expected, rtol=0, atol=1e-12)
    # what the example is for
    assert sim[0, 1] == 0 and sim[0, 2] == 0  # one article
    assert sim[0, 6] > SAME_FACT  # the copy: words and anchors alike
    assert sim[0, 3] > 0.2  # two outlets, same words mostly
    assert sim[0, 7] == pytest.approx(SAME_FACT + 0.1)  # across languages: all 3 anchors
    assert sim[5, 8] == 0  # across languages, one anchor in common
    assert sim[3, 9] == 0 and sim[2, 9] == 0  # across languages, one anchor each
    assert sim[0, 10] == 0  # all anchors shared but no word: not compared
    assert (sim != sim.T).nnz == 0


def test_similarity_does_not_depend_on_claims_being_grouped_by_article() -> None:
    claims = _claims()
    order = [5, 0, 7, 3, 10, 1, 9, 6, 2, 8, 4]  # articles interleaved
    shuffled = [claims[k] for k in order]
    assert np.allclose(similarity(shuffled).toarray(), _reference(shuffled), rtol=0,
                       atol=1e-12)
    back = similarity(claims).toarray()[np.ix_(order, order)]
    assert np.allclose(similarity(shuffled).toarray(), back, rtol=0, atol=1e-12)


def test_similarity_in_blocks_is_the_same_to_the_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    claims = _claims() * 3  # more pairs (the repeats are other articles' too)
    claims = [replace(c, article=f"{c.article}-{k // 11}") for k, c in enumerate(claims)]
    whole = similarity(claims)
    monkeypatch.setattr(align_module, "_BLOCK", 1)  # one row at a time
    rows = similarity(claims)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(whole, name), getattr(rows, name))


def test_similarity_of_nothing_and_of_claims_without_words() -> None:
    assert similarity([]).shape == (0, 0)
    bare = [_claim("a", "x y z"), _claim("b", "x y z")]  # no content words at all
    bare = [replace(c, terms=()) for c in bare]
    assert similarity(bare).nnz == 0


def _greedy(sim: np.ndarray, claims: Sequence[Claim], threshold: float) -> list[list[int]]:
    """The grouping of the module docstring, one claim and one fact at a time."""
    members: list[list[int]] = []
    fact_of: list[int] = []
    for i, claim in enumerate(claims):
        best, best_score = -1, threshold
        for f, group in enumerate(members):
            if any(claims[j].article == claim.article for j in group):
                continue
            linked = [j for j in group if sim[i, j] != 0]
            if not linked:
                continue
            score = sum(sim[i, j] for j in group) / len(group)
            if score >= best_score:
                best, best_score = f, score
        if best < 0:
            best = len(members)
            members.append([])
        members[best].append(i)
        fact_of.append(best)
    return members


def test_align_groups_as_the_greedy_loop_does(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    for _ in range(60):
        n = rng.randint(1, 30)
        claims = [_claim(f"a{rng.randint(0, n // 2)}", "words of a claim") for _ in range(n)]
        dense = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                if rng.random() < 0.4 and claims[i].article != claims[j].article:
                    # few distinct values: ties between facts happen
                    dense[i, j] = dense[j, i] = rng.choice([0.25, 0.4, 0.5, 0.8])
        monkeypatch.setattr(align_module, "similarity",
                            lambda _claims, *_a, m=dense, **_k: sparse.csr_matrix(m))
        got = align(claims)
        assert [list(g) for g in got.groups] == _greedy(dense, claims, SAME_FACT)


def test_align_on_the_example() -> None:
    groups = align(_claims()).groups
    lead = next(g for g in groups if 0 in g)
    assert {0, 3, 6, 7} <= set(lead)  # English, the copy, German: one fact
    assert all(len({_claims()[i].article for i in g}) == len(g) for g in groups)


# --- the loops the similarity feeds ------------------------------------------------------

def _alike_reference(found: list[tuple[int, Quantity]], fact_of: Sequence[int],
                     sim: sparse.csr_matrix, claims: Sequence[Claim]
                     ) -> list[list[tuple[int, Quantity]]]:
    parent = list(range(len(found)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a in range(len(found)):
        for b in range(a + 1, len(found)):
            i, j = found[a][0], found[b][0]
            if claims[i].original == claims[j].original and i != j:
                continue
            if fact_of[i] == fact_of[j] or sim[i, j] >= ALIKE:
                parent[find(a)] = find(b)
    groups: dict[int, list[tuple[int, Quantity]]] = {}
    for k, item in enumerate(found):
        groups.setdefault(find(k), []).append(item)
    return [g for _, g in sorted(groups.items())]


def test_alike_clusters_as_the_pairwise_loop_finds_them() -> None:
    rng = random.Random(5)
    for _ in range(300):
        n = rng.randint(1, 25)
        claims = [_claim(f"a{k}", "a claim", original=f"o{rng.randint(0, 5)}")
                  for k in range(n)]
        fact_of = [rng.randint(0, 6) for _ in range(n)]
        dense = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                if rng.random() < 0.3:
                    dense[i, j] = dense[j, i] = rng.choice([0.2, ALIKE, 0.3, 0.6])
        sim = sparse.csr_matrix(dense)
        found = [(rng.randrange(n), Quantity(0, 1, "1", 1, 1, "hours"))
                 for _ in range(rng.randint(0, 20))]  # a claim may come twice
        assert _alike_clusters(found, fact_of, sim, claims) == _alike_reference(
            found, fact_of, sim, claims)


POOL = ["The pier was closed on Monday after the crane collapsed.",
        "Two workers were injured, the harbour authority said.",
        "The crane belonged to Kellner Lift.",
        "Divers searched the water near the pier on Tuesday.",
        "An inquiry will report in June.",
        "Ferries used the north quay instead."]


def _article(aid: str, sentences: Sequence[str], copy_of: str | None) -> ArticleInput:
    text, spans = "", []
    for s in sentences:
        spans.append((len(text), len(text) + len(s)))
        text += s + " "
    return ArticleInput(aid, aid, text, f"source {aid}", "2024-05-07", "en", tuple(spans),
                        copy_of=copy_of)


def _with_copies_reference(said: list[_Said], articles: Sequence[ArticleInput]
                           ) -> list[_Said]:
    copies = _copies(articles)
    cited = {s.article.id for s in said}
    out = list(said)
    for s in said:
        for c in copies.of.get(_original(s.article), ()):
            if c.id in cited or not c.sentences:
                continue
            best = process.extractOne(s.words, copies.words[c.id], scorer=fuzz.ratio,
                                      score_cutoff=88)
            if best is not None:
                cited.add(c.id)
                out.append(_said(c, best[2]))
    return out


def test_with_copies_as_one_lookup_per_sentence_and_copy() -> None:
    rng = random.Random(11)

    def retouch(s: str) -> str:  # a copy site changes a word, or more
        return rng.choice([s, s, s.replace("the", "a", 1), s.replace(" on ", " late on "),
                           s[::-1]])

    for _ in range(40):
        originals = [_article(f"o{k}", rng.sample(POOL, rng.randint(2, 5)), None)
                     for k in range(3)]
        copies = [_article(f"c{k}", [retouch(s) for s in o.text.split(". ") if s.strip()]
                           if rng.random() > 0.1 else [], o.id)
                  for k, o in enumerate(rng.choice(originals) for _ in range(rng.randint(0, 8)))]
        articles = originals + copies
        copies_of = _copies(articles)
        for _ in range(5):  # entries of one story share the look-ups
            said = [_said(a, rng.randrange(len(a.sentences)))
                    for a in rng.sample(articles, rng.randint(1, len(articles)))
                    if a.sentences]
            said += said[: rng.randint(0, 2)]  # the same sentence cited twice
            got = _with_copies(said, copies_of)
            expected = _with_copies_reference(said, articles)
            assert [(s.article.id, s.sentence, s.start, s.end) for s in got] == [
                (s.article.id, s.sentence, s.start, s.end) for s in expected]


# --- the optional embedding signal --------------------------------------------------------


class _MeaningEncoder:
    """A stand-in for a sentence encoder: texts naming the same thing (a key word of
    ``topics``) get the same vector; every other text a seeded random one."""

    def __init__(self, topics: dict[str, int], name: str = "fake-en") -> None:
        self.topics = topics
        self.name = name

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        for t in texts:
            topic = next((k for w, k in self.topics.items() if w in t.lower()), None)
            rng = np.random.default_rng(1000 + topic if topic is not None
                                        else abs(hash(t)) % 10**6)
            rows.append(rng.normal(size=64))
        m = np.array(rows, dtype=np.float32)
        return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_embeddings_align_claims_that_share_no_words() -> None:
    opened = _claim("a1", "The new bridge opened to traffic on Wednesday.")
    crossing = _claim("a2", "Motorists began crossing the span midweek.")
    unrelated = _claim("a3", "The council approved next year's budget.")
    claims = [opened, crossing, unrelated]
    assert align(claims).groups == ((0,), (1,), (2,))  # no word in common
    encoder = _MeaningEncoder({"bridge": 1, "span": 1})
    vectors = encoder.encode([c.text for c in claims])
    sim = similarity(claims, vectors)
    assert sim[0, 1] == pytest.approx(SAME_FACT / align_module.DENSE_SAME)
    assert sim[0, 2] < SAME_FACT
    assert align(claims, vectors=vectors).groups == ((0, 1), (2,))
    # across languages only with a multilingual model
    german = _claim("a2", "Autofahrer fuhren zur Wochenmitte über die neue Brücke.", lang="de")
    pair = [opened, german]
    vectors = _MeaningEncoder({"bridge": 1, "brücke": 1}).encode([c.text for c in pair])
    assert align(pair, vectors=vectors).groups == ((0,), (1,))
    assert align(pair, vectors=vectors, multilingual=True).groups == ((0, 1),)
    with pytest.raises(ValueError, match="embeddings for 2 claims"):
        similarity(pair, vectors[:1])


def test_embeddings_leave_the_words_and_anchors_score_when_it_is_higher() -> None:
    claims = _claims()
    plain = similarity(claims)
    far = np.eye(len(claims), 64, dtype=np.float32)  # every claim its own direction
    assert (abs(similarity(claims, far) - plain)).max() == 0


def test_report_aligns_by_meaning_with_an_encoder() -> None:
    from storyline.analyse.inputs import StoryInputs
    from storyline.analyse.report import build_report
    from storyline.extract.run import extract

    def article(aid: str, text: str, source: str) -> ArticleInput:
        x = extract(text, "en", "2024-05-08")
        return ArticleInput(aid, text.split(".")[0], text, source, "2024-05-08", "en",
                            x.sentences, x.mentions, x.timexes, x.quotes, x.events)

    story = StoryInputs("s", "Bridge", (
        article("a", "The new bridge opened to traffic on Wednesday. Tolls start in May.",
                "Harbour Post"),
        article("b", "Motorists began crossing the span midweek. The mayor cut a ribbon.",
                "Coastal Times")))
    assert not build_report(story).shared_facts
    report = build_report(story, encoder=_MeaningEncoder({"bridge": 1, "span": 1}))
    assert [f.sources for f in report.shared_facts] == [("Harbour Post", "Coastal Times")]
    assert any("by meaning" in n and "fake-en" in n for n in report.notes)


def test_an_attribution_frame_is_not_what_a_claim_states() -> None:
    """Two different statements of one speaker must not look alike by their frames."""
    from storyline.analyse.claims import _without_frame, stop_words

    stops = stop_words("en")
    lead = _without_frame("Harbor Works, based in Lisbon, Portugal, said in a statement that "
                          "its divers had found no leak in the hull.", stops)
    trail = _without_frame("“The channel will reopen within two days,” Maria Duarte, the "
                           "harbour master, told reporters.", stops)
    plain = _without_frame("The ship ran aground near the harbour entrance.", stops)
    assert "lisbon" not in lead and "statement" not in lead and "diver" in " ".join(lead)
    assert "harbour" not in trail and "reporter" not in " ".join(trail)
    assert "channel" in trail and "reopen" in " ".join(trail)
    assert "ship" in plain and "harbour" in plain

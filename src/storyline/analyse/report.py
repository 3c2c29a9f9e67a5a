"""The story report: every analysis stage over one story's inputs, assembled into the
``StoryReport`` that ``storyline show`` prints and the web UI renders.

Pure: ``build_report(inputs)`` reads nothing but its argument, so the same story gives the
same report, and tests build inputs by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from storyline.analyse.align import PairWeights, align, pair_weights
from storyline.analyse.claims import Claim, claims_of, main_language
from storyline.analyse.conflicts import DescriptorLexicon, find_conflicts
from storyline.analyse.events import Report, aggregate
from storyline.analyse.inputs import StoryInputs, cite
from storyline.analyse.summary import headline, summarise
from storyline.analyse.timeline import build_timeline, one_per_sentence, story_events
from storyline.analyse.types import (
    ArticleRow,
    CopyItem,
    CopyRef,
    Fact,
    KeyEntity,
    QuoteItem,
    SourceColumn,
    SpeakerQuotes,
    StoryReport,
)
from storyline.semantic.vectors import Encoder, is_multilingual, model_name, normalise

#: Single-source facts listed (most informative first); the rest are counted in a note.
MAX_SINGLE_SOURCE = 200
#: Key entities listed.
MAX_ENTITIES = 25


def build_report(story: StoryInputs, *, descriptors: DescriptorLexicon | None = None,
                 encoder: Encoder | None = None, min_confidence: float | None = None
                 ) -> StoryReport:
    """``encoder`` (sentence embeddings, the optional extra) also aligns claims that say
    the same thing in other words (``align``); the events and timeline show the events
    whose corroborated confidence reaches ``min_confidence`` (None: every event)."""
    claims = claims_of(story)
    vectors, multilingual, weights = claim_vectors(claims, encoder)
    alignment = align(claims, vectors=vectors, multilingual=multilingual, weights=weights)
    fact_of = [0] * len(claims)
    for f, members in enumerate(alignment.groups):
        for i in members:
            fact_of[i] = f
    facts = _facts(story, claims, alignment.groups, alignment.similarity)
    shared = sorted((f for f in facts if f.independent >= 2),
                    key=lambda f: (-f.independent, _order(f)))
    single = sorted((f for f in facts if f.independent < 2),
                    key=lambda f: (-f.novelty, _order(f)))
    notes = _notes(story, claims, alignment.groups, alignment.translations)
    if encoder is not None:
        notes.append(f"statements were also aligned by meaning (sentence embeddings: "
                     f"{model_name(encoder)}"
                     + ("" if multilingual else ", within one language") + ")")
    if len(single) > MAX_SINGLE_SOURCE:
        notes.append(f"{len(single) - MAX_SINGLE_SOURCE} further statements made by one "
                     "source only are not listed")
        single = single[:MAX_SINGLE_SOURCE]
    listed = {f.id for f in shared} | {f.id for f in single}
    reports = [Report(a.id, a.source, a.published, e) for a in story.articles for e in a.events]
    original_of = {a.id: a.copy_of for a in story.articles if a.copy_of}
    events = aggregate(reports, original_of, min_confidence)
    timeline = one_per_sentence(build_timeline(story, events))
    dated = [a.published for a in story.articles if a.published]
    columns = _columns(story, facts, listed)
    return StoryReport(
        story_id=story.story_id,
        headline=headline(story),
        first_seen=min(dated) if dated else None,
        last_seen=max(dated) if dated else None,
        article_ids=tuple(a.id for a in story.articles),
        languages=tuple(sorted({a.lang for a in story.articles if a.lang})),
        independent_sources=len({a.outlet for a in story.articles if not a.copy_of}),
        summary=summarise(story, facts=_spans(claims, alignment.groups)),
        timeline=timeline,
        entities=_entities(story),
        events=story_events(story, events),
        quotes=_quotes(story),
        sources=columns,
        shared_facts=tuple(shared),
        single_source_facts=tuple(single),
        conflicts=find_conflicts(story, claims, fact_of, alignment.similarity, descriptors),
        copies=_copies(story),
        articles=_articles(story, facts, listed, columns),
        notes=tuple(notes),
    )


def claim_vectors(claims: Sequence[Claim], encoder: Encoder | None
                  ) -> tuple[np.ndarray | None, bool, PairWeights | None]:
    """The claims' sentence vectors (None without an encoder; of their text without names),
    whether the model compares across languages, and the pair weights fitted with it: what
    ``align`` takes, for the report and ``eval facts`` alike."""
    if encoder is None or not claims:
        return None, False, None
    name = model_name(encoder)
    vectors = normalise(encoder.encode([c.gist for c in claims]))
    if vectors.shape[0] != len(claims):
        raise ValueError(f"the encoder gave {vectors.shape[0]} embeddings for "
                         f"{len(claims)} statements")
    return vectors, is_multilingual(name), pair_weights(name)


def _order(f: Fact) -> tuple[str, str, int]:
    c = f.citations[0]
    return (c.published or "~", c.article_id, c.start)


def fact_spans(story: StoryInputs, encoder: Encoder | None = None
               ) -> dict[str, list[tuple[int, int, int]]]:
    """Article id → (start, end, fact) of its claims, aligned as the report aligns them:
    what the summary needs to tell one fact in other words (``summarise(facts=…)``)."""
    claims = claims_of(story)
    vectors, multilingual, weights = claim_vectors(claims, encoder)
    alignment = align(claims, vectors=vectors, multilingual=multilingual, weights=weights)
    return _spans(claims, alignment.groups)


def _spans(claims: Sequence[Claim], groups: Sequence[Sequence[int]]
           ) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = {}
    for f, members in enumerate(groups):
        for i in members:
            c = claims[i]
            out.setdefault(c.article, []).append((c.start, c.end, f))
    return out


def central(members: Sequence[int], similarity: sparse.csr_matrix,
            terms: Sequence[Sequence[str]], eligible: Sequence[int] = ()) -> int:
    """The member (of ``eligible`` ones, if any) that words what the reports share: the
    most of its content words (``terms[i]``) said by another member too, so a sentence
    that adds a story of its own ("the euro fell after …") does not speak for the fact;
    then the highest summed similarity to the others. The first of ``members`` wins a tie
    (give them earliest report first). ``similarity`` holds claim i's similarity to claim
    j < i at [i, j] (``Alignment.similarity``)."""
    allowed = set(eligible)
    pool = [m for m in members if m in allowed] or list(members)
    if len(members) < 3:
        return pool[0]
    at = sorted(members)
    block = similarity[at][:, at].toarray()
    block = np.maximum(block, block.T)  # stored below the diagonal only
    np.fill_diagonal(block, 0.0)
    total = dict(zip(at, block.sum(axis=1).tolist(), strict=True))
    said = Counter(t for m in members for t in set(terms[m]))

    def covered(m: int) -> float:
        own = set(terms[m])
        return sum(said[t] > 1 for t in own) / len(own) if own else 0.0

    return max(pool, key=lambda m: (round(covered(m), 6), total[m], -pool.index(m)))


def _facts(story: StoryInputs, claims: Sequence[Claim], groups: Sequence[Sequence[int]],
           similarity: sparse.csr_matrix | None = None) -> list[Fact]:
    """One fact per group; copies count once; novelty for what one source alone says. A
    fact is worded by its most central claim (``central``)."""
    anchors_by_original: dict[str, Counter[str]] = {}
    for c in claims:
        anchors_by_original.setdefault(c.original, Counter()).update(c.anchors)
    event_sentences = {(a.id, e.sentence) for a in story.articles for e in a.events}
    out = []
    for n, members in enumerate(groups, 1):
        ordered = sorted(members, key=lambda i: (claims[i].article != claims[i].original,
                                                 _published(story, claims[i])))
        group = [claims[i] for i in ordered]
        citations = []
        sources: list[str] = []
        originals: list[str] = []
        copies: list[str] = []
        for c in group:
            art = story.article(c.article)
            if art is None:
                continue
            citations.append(cite(art, c.start, c.end))
            if c.original in originals:
                copies.append(c.article)
                continue
            originals.append(c.original)
            if c.article != c.original:  # the original itself does not state it
                copies.append(c.article)
            if art.outlet not in sources:
                sources.append(art.outlet)
        first = group[0]
        if similarity is not None and len(members) >= 3:
            main = main_language(story.articles)
            first = claims[central(ordered, similarity, [c.terms for c in claims], [
                i for i in ordered if claims[i].article == claims[i].original
                and (main is None or claims[i].lang in (main, None))])]
        novelty = 0.0
        if len(originals) == 1:
            others: Counter[str] = Counter()
            for o, counts in anchors_by_original.items():
                if o != first.original:
                    others.update(counts)
            new = [x for x in first.anchors if x not in others]
            novelty = (len(new) + 0.5 * len(first.quantities)
                       + (1.0 if (first.article, first.sentence) in event_sentences else 0.0)
                       + min(len(first.terms), 20) / 40)
        out.append(Fact(
            id=f"f{n}", text=first.text, citations=tuple(citations), sources=tuple(sources),
            independent=len(originals), copies=tuple(copies),
            entities=tuple(sorted(e for e in first.entities)),
            numbers=tuple(q.text for q in first.quantities),
            dates=tuple(sorted(first.dates)), attributed_to=first.attributed_to,
            novelty=round(novelty, 3)))
    return out


def _published(story: StoryInputs, c: Claim) -> str:
    art = story.article(c.article)
    return (art.published if art and art.published else "~") + c.article


def _columns(story: StoryInputs, facts: Sequence[Fact], listed: set[str]
             ) -> tuple[SourceColumn, ...]:
    by_outlet: dict[str, list[str]] = {}
    for a in story.articles:
        by_outlet.setdefault(a.outlet, []).append(a.id)
    out = []
    for outlet, ids in by_outlet.items():
        mine = set(ids)
        fact_ids = [f.id for f in facts if f.id in listed
                    and any(c.article_id in mine for c in f.citations)]
        only = [f.id for f in facts if f.id in listed and f.independent == 1
                and f.sources == (outlet,)]
        arts = [story.article(i) for i in ids]
        out.append(SourceColumn(
            source=outlet, article_ids=tuple(ids),
            copies={a.id: a.copy_of for a in arts if a is not None and a.copy_of},
            languages=tuple(sorted({a.lang for a in arts if a is not None and a.lang})),
            fact_ids=tuple(fact_ids), only_here=tuple(only)))
    return tuple(order_sources(out, main_language(story.articles)))


def order_sources(columns: Sequence[SourceColumn], main: str | None) -> list[SourceColumn]:
    """The order outlets are listed and numbered in, everywhere (the page's columns,
    ``show``, ``compare 1 2``): independent outlets first, those in the story's main
    language first, each group by the facts it states (the best informed first); then the
    outlets whose articles all copy another's text, in their original's order. A reader
    compares the voices before the echoes."""
    def copies_only(c: SourceColumn) -> bool:
        return bool(c.article_ids) and all(a in c.copies for a in c.article_ids)

    originals = sorted((c for c in columns if not copies_only(c)),
                       key=lambda c: (bool(main) and main not in c.languages,
                                      -len(c.fact_ids), c.source))
    rank = {a: i for i, c in enumerate(originals) for a in c.article_ids}
    echoes = sorted((c for c in columns if copies_only(c)),
                    key=lambda c: (rank.get(c.copies[c.article_ids[0]], len(rank)),
                                   -len(c.fact_ids), c.source))
    return [*originals, *echoes]


def _entities(story: StoryInputs) -> tuple[KeyEntity, ...]:
    roles: dict[str, list[str]] = {}
    for a in story.articles:
        for m in a.mentions:
            eid = story.entity_of.get((a.id, m.canonical))
            if eid and m.role and m.role not in roles.setdefault(eid, []):
                roles[eid].append(m.role)
    # An outlet naming itself ("KYIV, June 6 (Global Wire Service) -") is a byline, not
    # one of the story's organisations; another outlet citing it is.
    source_of = {a.id: (a.source or "").casefold() for a in story.articles}
    kept = [e for e in story.entities
            if not (e.kind == "ORG" and e.articles
                    and all(source_of.get(x) == e.name.casefold() for x in e.articles))]
    return tuple(KeyEntity(name=e.name, kind=e.kind, entity_id=e.id, mentions=e.mentions,
                           articles=len(e.articles),
                           roles=tuple(roles.get(e.id, [r for r, _ in e.roles])[:4]),
                           aliases=tuple(x for x in e.aliases if x != e.name))
                 for e in kept[:MAX_ENTITIES])


def _quotes(story: StoryInputs) -> tuple[SpeakerQuotes, ...]:
    """Quotes grouped by speaker (the entity), a quote repeated by copies listed once."""
    names = {e.id: e.name for e in story.entities}
    by_speaker: dict[tuple[str, str | None], list[QuoteItem]] = {}
    seen: set[tuple[str | None, str]] = set()
    for a in story.articles:
        for q in a.quotes:
            eid = story.entity_of.get((a.id, q.speaker)) if q.speaker else None
            speaker = (names.get(eid) or q.speaker or "unattributed") if eid else (
                q.speaker or "unattributed")
            said = " ".join(q.text.split())
            if (eid or speaker, said.casefold()) in seen:
                continue
            seen.add((eid or speaker, said.casefold()))
            by_speaker.setdefault((speaker, eid), []).append(
                QuoteItem(text=said, citation=cite(a, q.start, q.end), partial=q.partial))
    ordered = sorted(by_speaker.items(),
                     key=lambda kv: (kv[0][0] == "unattributed", -len(kv[1]), kv[0][0]))
    return tuple(SpeakerQuotes(speaker=s, entity_id=e, quotes=tuple(qs))
                 for (s, e), qs in ordered)


def _articles(story: StoryInputs, facts: Sequence[Fact], listed: set[str],
              columns: Sequence[SourceColumn]) -> tuple[ArticleRow, ...]:
    stated: Counter[str] = Counter()
    only: Counter[str] = Counter()
    only_ids = {f for col in columns for f in col.only_here}
    for f in facts:
        if f.id not in listed:
            continue
        for art in {c.article_id for c in f.citations}:
            stated[art] += 1
            if f.id in only_ids:
                only[art] += 1
    ordered = sorted(story.articles, key=lambda a: (a.published or "~", a.id))
    return tuple(ArticleRow(article_id=a.id, title=a.title or None, source=a.source,
                            published=a.published, lang=a.lang, copy_of=a.copy_of,
                            copy_kind=a.copy_kind, facts=stated[a.id], only_here=only[a.id])
                 for a in ordered)


def _copies(story: StoryInputs) -> tuple[CopyItem, ...]:
    groups: dict[str, list[CopyRef]] = {}
    for a in story.articles:
        if a.copy_of:
            groups.setdefault(a.copy_of, []).append(
                CopyRef(article_id=a.id, source=a.source, kind=a.copy_kind or "copy"))
    out = []
    for original, copies in groups.items():
        art = story.article(original)
        out.append(CopyItem(original=original, original_source=art.source if art else None,
                            copies=tuple(copies)))
    return tuple(out)


def _notes(story: StoryInputs, claims: Sequence[Claim], groups: Sequence[Sequence[int]],
           translations: Sequence[tuple[int, int]] = ()) -> list[str]:
    """What the report could not do, said plainly."""
    notes = []
    originals = {a.copy_of or a.id for a in story.articles}
    if len(story.articles) == 1:
        notes.append("one article: nothing to compare it with")
    elif len(originals) == 1:
        notes.append(f"all {len(story.articles)} articles are copies of one text: one "
                     "independent report, nothing to compare")
    undated = [a for a in story.articles if not a.published]
    if undated:
        notes.append(f"{len(undated)} of {len(story.articles)} articles have no publication "
                     "date: their relative dates ('on Friday') could not be placed")
    main = main_language(story.articles)
    fact_of = {i: f for f, members in enumerate(groups) for i in members}
    for lang in sorted({c.lang or "?" for c in claims} - {main or "?"}):
        mine = [i for i, c in enumerate(claims) if (c.lang or "?") == lang]
        aligned = sum(1 for i in mine if any(claims[j].lang != claims[i].lang
                                             for j in groups[fact_of[i]]))
        arts = len({claims[i].article for i in mine})
        paired = len({k for pair in translations for k in pair} & set(mine))
        ways = [f"{paired} sentence by sentence with a translation"] if paired else []
        if aligned > paired:
            ways.append(f"{aligned - paired} through names, figures and dates")
        note = (f"{arts} article(s) in '{lang}': {aligned} of their {len(mine)} statements "
                f"aligned with other languages")
        if ways:
            note += f" ({', '.join(ways)})"
        if aligned < len(mine):
            note += "; the rest could not be compared word for word"
        notes.append(note)
    if not any(a.events for a in story.articles):
        notes.append("no events were extracted from these articles")
    return notes

"""Where a story's sources disagree: different figures for the same count, different days
for the same happening, different words for the same thing.

* Figures: quantities of one measure (deaths, injured, hours of air …; see ``numbers``)
  whose ranges differ. Casualty-type measures are compared across the whole story; other
  measures only between claims that are alike (same fact, or close enough to be about the
  same thing). Background figures (a claim dated well before publication) are left out.
* Dates: the same happening ("the dam" + a word of what happened to it) dated to
  different days.
* Descriptors: one thing named or characterised differently ("spy balloon" / "weather
  research balloon"; the dam "was blown up" / "collapsed"), from ``data/descriptors.tsv``.
* Actors: the same act on the same target, on the same day, done by different actors
  ("Russian forces shelled the plant" / "Ukrainian artillery shelled the plant"), from the
  extracted events. Only the doer is compared: a target differing under one doer ("met
  Wang Yi" / "met Xi Jinping") is as often two true events as one disputed one.
* Places: the same act by the same doer on the same target, on the same day, placed where
  it cannot be both: in two countries, or in two towns at least ``PLACES_APART_KM`` apart.
  A town and its own country, or a region (whose bounds the gazetteer does not know) and
  a town of its country, are not a disagreement.

A variant attributed to a party ("Beijing insisted the craft was a civilian airship") is
that party's claim: when only parties' claims differ, the conflict is between parties, and
the sources merely report it (``between_sources`` False).
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from scipy import sparse

from storyline.analyse.claims import Claim
from storyline.analyse.inputs import StoryInputs, cite
from storyline.analyse.numbers import Quantity
from storyline.analyse.types import Citation, Conflict, Variant
from storyline.extract.types import Actor, Event, Timex

#: Measures compared story-wide: a story has one death toll, however worded.
STORY_MEASURES = frozenset({"deaths", "injured", "missing", "displaced", "arrested",
                            "magnitude", "air supply"})
#: Other measures are compared between claims at least this similar (or in one fact).
ALIKE = 0.25
#: A claim dated this many days before its article's publication is background.
BACKGROUND_DAYS = 3
#: Tokens between a descriptor and the noun it describes.
HEAD_WINDOW = 8
#: Characters between a happening's words and the date that dates it.
DATE_REACH = 80
#: Two towns this far apart cannot be the place of one act.
PLACES_APART_KM = 100.0
#: Descriptor classes used only to date a happening, never shown as a disagreement.
DATING_ONLY = "dating"

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")
_SAID_BEFORE = re.compile(r"\b(?:said|says|announced|told|reported|added|stated|"
                          r"dijo|sagte|a déclaré)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DescriptorLexicon:
    #: group → head nouns, the name to show first (none: the words name the thing).
    heads: dict[str, tuple[str, ...]]
    #: (group, phrase) → (variant, class).
    phrases: dict[tuple[str, str], tuple[str, str]]
    #: Groups whose words are modifiers right before their noun ("spy balloon").
    modifiers: frozenset[str] = frozenset()

    def groups(self) -> list[str]:
        return sorted({g for g, _ in self.phrases})


def parse_descriptors(texts: Sequence[str]) -> DescriptorLexicon:
    heads: dict[str, list[str]] = {}
    phrases: dict[tuple[str, str], tuple[str, str]] = {}
    modifiers: set[str] = set()
    for text in texts:
        for raw in text.splitlines():
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in raw.split("\t")]
            if cells[0] == "head" and len(cells) >= 3:
                known = heads.setdefault(cells[1], [])
                known.extend(w.strip().lower() for w in cells[2].split(",")
                             if w.strip() and w.strip().lower() not in known)
                if len(cells) > 3 and cells[3] == "before":
                    modifiers.add(cells[1])
            elif len(cells) >= 4:
                group, variant, klass = cells[0], cells[1], cells[2]
                for w in cells[3].split(","):
                    if w.strip():
                        phrases[group, " ".join(w.lower().split())] = (variant, klass)
    return DescriptorLexicon({g: tuple(h) for g, h in heads.items()}, phrases,
                             frozenset(modifiers))


def descriptor_lexicon() -> DescriptorLexicon:
    """The bundled lexicon plus the files named in ``STORYLINE_DESCRIPTORS``."""
    extra = tuple(p for p in os.environ.get("STORYLINE_DESCRIPTORS", "").split(os.pathsep)
                  if p.strip() and Path(p.strip()).is_file())
    return _lexicon(extra)


@lru_cache(maxsize=8)
def _lexicon(extra: tuple[str, ...]) -> DescriptorLexicon:
    texts = [(resources.files("storyline.analyse") / "data" / "descriptors.tsv")
             .read_text("utf-8")]
    texts += [Path(p).read_text("utf-8") for p in extra]
    return parse_descriptors(texts)


@dataclass(frozen=True, slots=True)
class _Item:
    """One side's evidence: a claim and the words in it that carry the value."""

    claim: Claim
    wording: str
    value: str
    klass: str = ""


def find_conflicts(story: StoryInputs, claims: Sequence[Claim], fact_of: Sequence[int],
                   similarity: sparse.csr_matrix,
                   lexicon: DescriptorLexicon | None = None) -> tuple[Conflict, ...]:
    """Every disagreement of the story, figures first, then dates, then descriptors."""
    lex = lexicon or descriptor_lexicon()
    background = {i for i, c in enumerate(claims) if _background(story, c)}
    out = _number_conflicts(story, claims, fact_of, similarity, background)
    found = _descriptors(claims, lex)
    out += _date_conflicts(story, claims, found, background, lex)
    out += _descriptor_conflicts(story, claims, found, lex)
    out += _actor_conflicts(story, claims)
    out += _place_conflicts(story, claims)
    return tuple(out)


# --- figures -------------------------------------------------------------------------

def _number_conflicts(story: StoryInputs, claims: Sequence[Claim], fact_of: Sequence[int],
                      similarity: sparse.csr_matrix, background: set[int]) -> list[Conflict]:
    by_measure: dict[str, list[tuple[int, Quantity]]] = {}
    elsewhere = _elsewhere(story, claims)
    for i, c in enumerate(claims):
        if i in background:
            continue
        measures = [q.measure for q in c.quantities]
        for q in c.quantities:
            # "5.6% this year, 3.2% in 2024": figures told apart by their own context
            if q.measure not in STORY_MEASURES and measures.count(q.measure) > 1:
                continue
            by_measure.setdefault(q.measure, []).append((i, q))
    out = []
    for measure in sorted(by_measure):
        found = by_measure[measure]
        if len({claims[i].original for i, _ in found}) < 2:
            continue
        if measure in STORY_MEASURES:
            # a toll told of another place ("a dozen died in Greece") is not the story's
            here = [(i, q) for i, q in found if i not in elsewhere]
            clusters = [here, *_alike_clusters([(i, q) for i, q in found if i in elsewhere],
                                               fact_of, similarity, claims)]
        else:
            clusters = _alike_clusters(found, fact_of, similarity, claims)
        for cluster in clusters:
            conflict = _number_conflict(story, measure, [(claims[i], q) for i, q in cluster])
            if conflict is not None:
                out.append(conflict)
    return out


def _elsewhere(story: StoryInputs, claims: Sequence[Claim]) -> set[int]:
    """Claims that name places, none of them a place the story is about: the places
    named by at least half as many independent reports as its most named place."""
    kinds = {e.id: e.kind for e in story.entities}
    places_of = [{x for x in c.entities if kinds.get(x) in ("GPE", "LOC")} for c in claims]
    reach: dict[str, set[str]] = {}
    for c, places in zip(claims, places_of, strict=True):
        for p in places:
            reach.setdefault(p, set()).add(c.original)
    if not reach:
        return set()
    top = max(len(r) for r in reach.values())
    main = {p for p, r in reach.items() if 2 * len(r) >= top}
    return {i for i, places in enumerate(places_of) if places and not places & main}


def _alike_pairs(found: list[tuple[int, Quantity]], fact_of: Sequence[int],
                 similarity: sparse.csr_matrix, claims: Sequence[Claim]
                 ) -> list[tuple[int, int]]:
    """The pairs (a, b), a < b, of ``found`` whose claims are alike — one fact, or words at
    least ``ALIKE`` similar — unless one source (an original and its copies) says both; in
    the order a pair-by-pair loop meets them (a, then b)."""
    import numpy as np

    k = len(found)
    if k < 2:
        return []
    at = np.array([i for i, _ in found])
    fact = np.array([fact_of[i] for i, _ in found])
    seen: dict[str, int] = {}
    source = np.array([seen.setdefault(claims[i].original, len(seen)) for i, _ in found])
    a_parts, b_parts = [], []
    order = np.argsort(fact, kind="stable")
    for group in np.split(order, np.flatnonzero(np.diff(fact[order])) + 1):
        if len(group) > 1:  # one fact: every pair of its figures
            x, y = np.triu_indices(len(group), 1)
            a_parts.append(group[x])
            b_parts.append(group[y])
    if ALIKE > 0:  # similar words: the stored entries (a missing one is 0)
        near = similarity[at][:, at].tocoo()
        keep = (near.row < near.col) & (near.data >= ALIKE)
        a_parts.append(near.row[keep])
        b_parts.append(near.col[keep])
    else:
        x, y = np.triu_indices(k, 1)
        a_parts.append(x)
        b_parts.append(y)
    a, b = np.concatenate(a_parts).astype(np.int64), np.concatenate(b_parts).astype(np.int64)
    keep = (source[a] != source[b]) | (at[a] == at[b])
    return [divmod(key, k) for key in np.unique(a[keep] * k + b[keep]).tolist()]


def _alike_clusters(found: list[tuple[int, Quantity]], fact_of: Sequence[int],
                    similarity: sparse.csr_matrix, claims: Sequence[Claim]
                    ) -> list[list[tuple[int, Quantity]]]:
    """Figures of one measure whose claims are alike, as connected groups."""
    parent = list(range(len(found)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # The pairs in the order of a loop over all pairs: the groups' order depends on it.
    for a, b in _alike_pairs(found, fact_of, similarity, claims):
        parent[find(a)] = find(b)
    groups: dict[int, list[tuple[int, Quantity]]] = {}
    for k, item in enumerate(found):
        groups.setdefault(find(k), []).append(item)
    return [g for _, g in sorted(groups.items())]


def _number_conflict(story: StoryInputs, measure: str, items: list[tuple[Claim, Quantity]]
                     ) -> Conflict | None:
    by_value: dict[str, list[tuple[Claim, Quantity]]] = {}
    for c, q in items:
        by_value.setdefault(q.key, []).append((c, q))
    if not _disputed({k: {c.original for c, _ in g} for k, g in by_value.items()}):
        return None
    variants = tuple(_variant(story, [_Item(c, q.text, key) for c, q in group])
                     for key, group in sorted(by_value.items(),
                                              key=lambda kv: _first_seen(story, kv[1])))
    quantities = {key: group[0][1] for key, group in by_value.items()}
    keys = list(quantities)
    clash = any(not quantities[a].overlaps(quantities[b])
                for n, a in enumerate(keys) for b in keys[n + 1:])
    note = ("the figures cannot all be true at once" if clash else
            "compatible: the ranges overlap (one is a bound or an estimate of the other)")
    trend = _trend(story, by_value)
    if trend:
        note += f"; {trend}"
    return Conflict(kind="number", about=measure, variants=variants, note=note,
                    between_sources=len({c.original for c, _ in items}) >= 2)


def _first_seen(story: StoryInputs, group: list[tuple[Claim, Quantity]]
                ) -> tuple[str, str, int]:
    c = group[0][0]
    return (_published(story, c.article) or "~", c.article, c.start)


def _published(story: StoryInputs, article_id: str) -> str | None:
    art = story.article(article_id)
    return art.published if art is not None else None


def _trend(story: StoryInputs, by_value: dict[str, list[tuple[Claim, Quantity]]]) -> str:
    """"later reports give higher (or lower) figures" when they do: a toll that rises, or
    the air left in a lost submersible that falls, is an update."""
    points = []
    for group in by_value.values():
        days = [d[:10] for c, _ in group if (d := _published(story, c.article))]
        if days:
            points.append((min(days), group[0][1].low))
    if len({d for d, _ in points}) < 2:
        return ""
    points.sort()
    steps = [(a, b) for a, b in itertools.pairwise(points) if b[0] > a[0]]
    if all(b[1] >= a[1] for a, b in steps):
        way = "higher"
    elif all(b[1] <= a[1] for a, b in steps):
        way = "lower"
    else:
        return ""
    return f"later reports give {way} figures ({points[0][0]} → {points[-1][0]}): partly updates"


# --- descriptors and dates -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Found:
    claim: int
    group: str
    variant: str
    klass: str
    wording: str
    head: str | None
    #: Character offset of the descriptor in the article.
    at: int


def _descriptors(claims: Sequence[Claim], lex: DescriptorLexicon) -> list[_Found]:
    """Every descriptor occurrence with the head noun it describes (when its group has
    heads, a head must be within ``HEAD_WINDOW`` tokens)."""
    by_first: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for (group, phrase), _ in lex.phrases.items():
        pwords = tuple(phrase.split())
        by_first.setdefault(pwords[0], []).append((group, phrase, pwords))
    out: list[_Found] = []
    for ci, c in enumerate(claims):
        toks = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(c.text)]
        words = [t[0] for t in toks]
        taken: set[tuple[str, int]] = set()
        for k, w in enumerate(words):
            for group, phrase, pw in sorted(by_first.get(w, ()), key=lambda x: -len(x[2])):
                if tuple(words[k:k + len(pw)]) != pw or (group, k) in taken:
                    continue
                heads = lex.heads.get(group)
                head = None
                end_k = k + len(pw)
                if heads:
                    head_k = _nearest_head(words, k, end_k, heads)
                    if head_k is None or (group in lex.modifiers and not (
                            end_k <= head_k <= end_k + 1
                            and words[end_k:head_k] not in (["the"], ["a"], ["an"]))):
                        continue
                    head = words[head_k]
                    if end_k <= head_k <= end_k + 2:  # a modifier: show it with its noun
                        end_k = head_k + 1
                variant, klass = lex.phrases[group, phrase]
                for x in range(k, k + len(pw)):
                    taken.add((group, x))
                wording = c.text[toks[k][1]:toks[end_k - 1][2]]
                out.append(_Found(ci, group, variant, klass, wording, head,
                                  c.start + toks[k][1]))
    return _merge_modifiers(out, claims)


def _nearest_head(words: list[str], k: int, end_k: int, heads: tuple[str, ...]) -> int | None:
    best = None
    for j in range(max(0, k - HEAD_WINDOW), min(len(words), end_k + HEAD_WINDOW)):
        if k <= j < end_k or words[j] not in heads:
            continue
        if best is None or abs(j - k) < abs(best - k):
            best = j
    return best


def _merge_modifiers(found: list[_Found], claims: Sequence[Claim]) -> list[_Found]:
    """"weather research balloon" is one descriptor of the balloon, not two."""
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.claim == f.claim and prev.group == f.group
                and prev.head == f.head and prev.klass == f.klass
                and 0 <= f.at - prev.at <= len(prev.wording) + 1
                and prev.wording.lower().endswith(f.wording.lower())):
            out[-1] = _Found(prev.claim, prev.group, f"{prev.variant} {f.variant}",
                             prev.klass, prev.wording, prev.head, prev.at)
            continue
        out.append(f)
    return out


def _descriptor_conflicts(story: StoryInputs, claims: Sequence[Claim], found: list[_Found],
                          lex: DescriptorLexicon) -> list[Conflict]:
    out = []
    for group in lex.groups():
        items = [f for f in found if f.group == group and f.klass != DATING_ONLY]
        if len({f.variant for f in items}) < 2:
            continue
        claims_by_variant: dict[str, list[_Found]] = {}
        for f in items:
            claims_by_variant.setdefault(f.variant, []).append(f)
        parties = {v: all(claims[f.claim].attributed_to for f in fs)
                   for v, fs in claims_by_variant.items()}
        # Sources that word it differently, or a source's words against a party's claim.
        if not _disputed({v: {claims[f.claim].article for f in fs}
                          for v, fs in claims_by_variant.items()}) and not (
                any(parties.values()) and not all(parties.values())):
            continue
        variants = tuple(_variant(story, [_Item(claims[f.claim], f.wording, f.variant,
                                                f.klass) for f in fs])
                         for _, fs in sorted(claims_by_variant.items(),
                                             key=lambda kv: (kv[1][0].claim,)))
        about = _about(lex, group, [f.head for f in items if f.head])
        classes: dict[str, list[str]] = {}
        for f in items:
            if f.variant not in classes.setdefault(f.klass, []):
                classes[f.klass].append(f.variant)
        note = "; ".join(f"{k}: {', '.join(v)}" for k, v in classes.items())
        own = {v.value for v in variants if v.attributed_to is None}
        out.append(Conflict(kind="descriptor", about=about, variants=variants, note=note,
                            between_sources=len(own) >= 2))
    return out


def _date_conflicts(story: StoryInputs, claims: Sequence[Claim], found: list[_Found],
                    background: set[int], lex: DescriptorLexicon) -> list[Conflict]:
    """The same happening (a descriptor group's thing and what happened to it) dated to
    days that do not overlap."""
    out = []
    by_group: dict[str, list[tuple[_Found, Timex]]] = {}
    for f in found:
        c = claims[f.claim]
        art = story.article(c.article)
        if art is None or f.head is None or f.claim in background:
            continue
        timex = _date_of(art.text, art.timexes, c, f.at)
        if timex is not None:
            by_group.setdefault(f.group, []).append((f, timex))
    for group in sorted(by_group):
        dated = by_group[group]
        by_day: dict[str, list[tuple[_Found, Timex]]] = {}
        for f, t in dated:
            by_day.setdefault(f"{t.earliest}/{t.latest}", []).append((f, t))
        ranges = [(group_[0][1].earliest or "", group_[0][1].latest or "")
                  for group_ in by_day.values()]
        clash = any(a[1] < b[0] or b[1] < a[0] for n, a in enumerate(ranges)
                    for b in ranges[n + 1:])
        if not clash or len({claims[f.claim].original for f, _ in dated}) < 2:
            continue
        variants = tuple(
            _variant(story, [_Item(claims[f.claim], t.text, t.value or "", "") for f, t in g])
            for _, g in sorted(by_day.items()))
        heads = [f.head for f, _ in dated if f.head]
        about = _about(lex, group, heads)
        out.append(Conflict(kind="date", about=f"when the {about} {dated[0][0].variant}"
                            if heads else about, variants=variants,
                            note=_date_note(ranges)))
    return out


def _about(lex: DescriptorLexicon, group: str, heads: Sequence[str | None]) -> str:
    """The name of the thing: the first of the group's nouns that the sources use."""
    used = {h for h in heads if h}
    return next((h for h in lex.heads.get(group, ()) if h in used), group)


def _date_note(ranges: list[tuple[str, str]]) -> str:
    days = sorted({d for r in ranges for d in r if d})
    try:
        first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    except (ValueError, IndexError):
        return "different days"
    if (last - first).days == 1:
        return ("consecutive days: late one day and early the next may be the same night "
                "(time zones, or a night that spans midnight)")
    return f"{(last - first).days} days apart"


def _date_of(text: str, timexes: Sequence[Timex], claim: Claim, at: int) -> Timex | None:
    """The day-precise date nearest the descriptor in its claim, not a date of saying
    ("officials said on Monday")."""
    best: Timex | None = None
    for t in timexes:
        if not (claim.start <= t.start < claim.end) or t.type != "DATE" or not t.earliest:
            continue
        if t.granularity not in ("day", "part-of-day", "hour", "minute"):
            continue
        if _SAID_BEFORE.search(text[max(0, t.start - 30):t.start]):
            continue
        if abs(t.start - at) > DATE_REACH:
            continue
        if best is None or abs(t.start - at) < abs(best.start - at):
            best = t
    return best


# --- actors ---------------------------------------------------------------------------

#: Actor sectors too generic to name a doer ("people", "civilians").
_VAGUE_SECTORS = frozenset({"CVL"})
#: Acts that have one doer: a strike or a seizure is someone's, whereas several parties
#: support, meet or sanction together.
_ONE_DOER = frozenset({"ASSAULT", "COERCE"})


def _actor_key(a: Actor) -> str:
    """Who an actor is, for comparison: its code when coded ("RUS-MIL"), else its name."""
    return a.code or a.canonical.casefold()


def _same_actor(a: Actor, b: Actor) -> bool:
    """Sides, not units: "Russian forces" and "Moscow" are one doer; two countries are
    two."""
    if a.country and b.country:
        return a.country == b.country
    x, y = a.canonical.casefold(), b.canonical.casefold()
    return x == y or x in y or y in x


def _actor_conflicts(story: StoryInputs, claims: Sequence[Claim]) -> list[Conflict]:
    """One act on one target, one day, with doers that cannot be the same.

    Reports are grouped by (type, target, day); an undated report counts as dated on its
    article's publication day, the day it says the act happened by. A source naming both
    doers is not disputing anything (``_disputed``), and a doer's report that is a
    party's claim ("Kyiv said Russian forces blew up …") is shown as that party's claim."""
    groups: dict[tuple[str, str, str], list[tuple[_Ref, Event]]] = {}
    for art in story.articles:
        for e in art.events:
            if (e.type not in _ONE_DOER or e.status != "happened" or e.source is None
                    or e.target is None):
                continue
            if e.source.sector in _VAGUE_SECTORS or not (e.source.code or e.source.country
                                                         or _is_entity(story, art.id,
                                                                       e.source)):
                continue
            day = (e.date or "")[:10] if e.date and len(e.date) >= 10 else (
                (art.published or "")[:10])
            if not day:
                continue
            groups.setdefault((e.type, _actor_key(e.target), day), []).append(
                (_Ref(art.id, art.copy_of or art.id), e))
    out = []
    for (etype, _, day), reports in sorted(groups.items()):
        doers: list[tuple[Actor, list[tuple[_Ref, Event]]]] = []
        for ref, e in reports:
            assert e.source is not None
            for actor, items in doers:
                if _same_actor(actor, e.source):
                    items.append((ref, e))
                    break
            else:
                doers.append((e.source, [(ref, e)]))
        if len(doers) < 2 or not _disputed(
                {_actor_key(a): {r.original for r, _ in items} for a, items in doers}):
            continue
        variants = []
        for actor, items in doers:
            found = [_Item(c, actor.text, _actor_key(actor)) for ref, e in items
                     if (c := _claim_at(claims, ref.article, e.trigger_start)) is not None]
            if found:
                variants.append(_variant(story, found))
        if len(variants) < 2:
            continue
        target = reports[0][1].target
        assert target is not None
        own = {v.value for v in variants if v.attributed_to is None}
        out.append(Conflict(
            kind="actor", about=f"the doer of {etype} against {target.text} on {day}",
            variants=tuple(variants),
            note=f"{etype} on {target.text}: the sources name different doers",
            between_sources=len(own) >= 2))
    return out


# --- places ---------------------------------------------------------------------------

def _event_day(e: Event, published: str | None) -> str:
    """The day an event is dated to: its own day, else its article's publication day."""
    if e.date:
        return e.date[:10] if len(e.date) >= 10 else ""
    return (published or "")[:10]


def _place_conflicts(story: StoryInputs, claims: Sequence[Claim]) -> list[Conflict]:
    """One act (type, doer, target, day) placed in places that exclude each other."""
    groups: dict[tuple[str, str, str, str], list[tuple[_Ref, Event]]] = {}
    for art in story.articles:
        for e in art.events:
            if (e.status != "happened" or not e.location or e.source is None
                    or e.target is None or _same_actor(e.source, e.target)):
                continue
            # "Police arrested protesters" in two cities is two events: named sides only.
            if not all(a.country or _is_entity(story, art.id, a) for a in (e.source, e.target)):
                continue
            day = _event_day(e, art.published)
            if day:
                groups.setdefault((e.type, _actor_key(e.source), _actor_key(e.target), day),
                                  []).append((_Ref(art.id, art.copy_of or art.id), e))
    out = []
    for (etype, _, _, day), reports in sorted(groups.items()):
        places: dict[str, list[tuple[_Ref, Event]]] = {}
        for ref, e in reports:
            places.setdefault(e.location or "", []).append((ref, e))
        if len(places) < 2:
            continue
        where = {name: _place(name, items[0][1].location_geonameid)
                 for name, items in places.items()}
        apart = {name: {o for o in places if o != name and _apart(where[name], where[o])}
                 for name in places}
        if not any(apart.values()) or not _disputed(
                {name: {r.original for r, _ in items} for name, items in places.items()
                 if apart[name]}):
            continue
        variants = []
        for name, items in places.items():
            if not apart[name]:
                continue
            found = [_Item(c, name, name) for ref, e in items
                     if (c := _claim_at(claims, ref.article, e.trigger_start)) is not None]
            if found:
                variants.append(_variant(story, found))
        if len(variants) < 2:
            continue
        first = reports[0][1]
        assert first.source is not None and first.target is not None
        own = {v.value for v in variants if v.attributed_to is None}
        out.append(Conflict(
            kind="place",
            about=f"the place of {etype} ({first.source.text} → {first.target.text}) on {day}",
            variants=tuple(variants),
            note=f"{etype} by {first.source.text} on {first.target.text}: the sources "
                 "put it in places that cannot both be right",
            between_sources=len(own) >= 2))
    return out


@dataclass(frozen=True, slots=True)
class _Place:
    country: str | None  # ISO 3166-1 alpha-2
    lat: float | None  # a town's coordinates; None for a country or region
    lon: float | None


def _place(name: str, geonameid: int | None) -> _Place:
    """Where a canonical place name is, from the gazetteer (loaded only when needed)."""
    from storyline.extract import gazetteer

    entries = [e for e in gazetteer.load().lookup(name) if e.kind in ("GPE", "LOC")]
    chosen = next((e for e in entries if geonameid and e.geonameid == geonameid),
                  entries[0] if entries else None)
    if chosen is None:
        return _Place(None, None, None)
    return _Place(chosen.country, chosen.lat, chosen.lon)


def _apart(a: _Place, b: _Place) -> bool:
    """Whether one act cannot have happened in both places."""
    if a.country and b.country and a.country != b.country:
        return True
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False  # a country, region or unknown place: it may contain the other
    return _km(a.lat, a.lon, b.lat, b.lon) >= PLACES_APART_KM


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass(frozen=True, slots=True)
class _Ref:
    article: str
    original: str


def _is_entity(story: StoryInputs, article_id: str, actor: Actor) -> bool:
    return (article_id, actor.canonical) in story.entity_of


def _claim_at(claims: Sequence[Claim], article_id: str, offset: int) -> Claim | None:
    return next((c for c in claims if c.article == article_id and c.start <= offset < c.end),
                None)


# --- shared ---------------------------------------------------------------------------

def _disputed(stated_by: dict[str, set[str]]) -> bool:
    """Whether two values each have a report that does not also give the other: a source
    listing two figures is not disputing itself."""
    values = list(stated_by)
    return any(stated_by[a] - stated_by[b] and stated_by[b] - stated_by[a]
               for n, a in enumerate(values) for b in values[n + 1:])


def _variant(story: StoryInputs, items: list[_Item]) -> Variant:
    citations: list[Citation] = []
    sources: list[str] = []
    seen: set[str] = set()
    for it in items:
        art = story.article(it.claim.article)
        if art is None or it.claim.article in seen:
            continue
        seen.add(it.claim.article)
        citations.append(cite(art, it.claim.start, it.claim.end))
        if it.claim.original == it.claim.article and art.outlet not in sources:
            sources.append(art.outlet)
    if not sources:  # only copies state it: name the copies' outlets
        for c in citations:
            src = c.source or f"unknown source ({c.article_id[:8]})"
            if src not in sources:
                sources.append(src)
    parties: list[str] = []
    for it in items:
        if it.claim.attributed_to and it.claim.attributed_to not in parties:
            parties.append(it.claim.attributed_to)
    # A party's claim only when every report of it attributes it to someone.
    attributed = (" / ".join(parties)
                  if all(it.claim.attributed_to for it in items) else None)
    return Variant(wording=items[0].wording, value=items[0].value, citations=tuple(citations),
                   sources=tuple(sources), attributed_to=attributed)


#: An unplaced past reference ("last week", in an undated article) marks background too.
_PAST_WORDS = re.compile(r"\b(?:last|previous|earlier|ago|vergangene[nrs]?|letzte[nrs]?|"
                         r"pasad[oa]|dernier|dernière)\b", re.IGNORECASE)


def _background(story: StoryInputs, c: Claim) -> bool:
    art = story.article(c.article)
    if art is None:
        return False
    if not art.published:
        return any(c.start <= t.start < c.end and t.type == "DATE" and not t.value
                   and _PAST_WORDS.search(t.text) for t in art.timexes)
    try:
        limit = date.fromisoformat(art.published[:10]) - timedelta(days=BACKGROUND_DAYS)
    except ValueError:
        return False
    for t in art.timexes:
        if c.start <= t.start < c.end and t.type == "DATE" and t.earliest and t.latest:
            try:
                a, b = date.fromisoformat(t.earliest[:10]), date.fromisoformat(t.latest[:10])
            except ValueError:
                continue
            if a + (b - a) / 2 < limit:
                return True
    return False

"""One entity per real-world thing across articles: "Blinken", "Antony Blinkin" (a typo on a
copy site) and "Antony Blinken" are one person; "Peking" and "Beijing" one city.

Within an article the recogniser already maps short forms to the full name it saw there.
Across articles:
  * places and organisations meet through their gazetteer name (and accent/case folding);
  * people's full names merge when every word matches or is a near spelling of the other's
    (edit distance, transpositions counted once) *and* the context agrees: the two names
    share a story, or other entities named in their articles;
  * a surname left alone in an article joins the one person with that surname whose
    context agrees best (a family name written first, "Qin" of "Qin Gang", only within
    a story).
Pure functions over mentions: the store calls them with what it holds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz.distance import DamerauLevenshtein

from storyline.extract.gazetteer import Entry, key, load
from storyline.extract.types import Mention

#: A word of one name is a near spelling of the other's at this similarity (and length).
WORD_SIMILARITY = 0.7
MIN_FUZZY_LENGTH = 4
#: Entities two names' articles must share for "the context agrees".
MIN_SHARED_CONTEXT = 2


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A mention where it was found."""

    article: str
    story: str | None
    published: str | None
    mention: Mention


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    mentions: int
    articles: tuple[str, ...]
    stories: tuple[str, ...]
    #: (role, date first reported) for people.
    roles: tuple[tuple[str, str | None], ...]
    country: str | None
    geonameid: int | None
    #: A national capital stands for its country's government when it acts.
    capital_of: str | None = None


def _group(kind: str) -> str:
    return "PLACE" if kind in ("GPE", "LOC") else kind


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def near_spelling(a: str, b: str) -> bool:
    """Same number of words, each equal or a near spelling ("Blinkin"/"Blinken")."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or wa == wb:
        return wa == wb
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        if min(len(x), len(y)) < MIN_FUZZY_LENGTH:
            return False
        if DamerauLevenshtein.normalized_similarity(x, y) < WORD_SIMILARITY:
            return False
    return True


def resolve(occurrences: Sequence[Occurrence]) -> tuple[list[Entity], list[str]]:
    """Entities, and for each occurrence (in order) the id of its entity."""
    places = _places(occurrences)
    occurrences = _surnames_as_people(occurrences)
    keys = [f"{_group(o.mention.kind)}:{key(o.mention.canonical)}"
            + (f"#{places[i].geonameid}" if i in places else "")
            for i, o in enumerate(occurrences)]
    context: dict[str, set[str]] = defaultdict(set)  # name key → keys of its co-mentions
    stories: dict[str, set[str]] = defaultdict(set)
    by_article: dict[str, set[str]] = defaultdict(set)
    for k, o in zip(keys, occurrences, strict=True):
        by_article[o.article].add(k)
        if o.story:
            stories[k].add(o.story)
    for names in by_article.values():
        # Places are shared by too many unrelated reports to say two names are one person.
        telling = {k for k in names if not k.startswith("PLACE:")}
        for k in names:
            context[k] |= telling - {k}
    union = _Union()
    for k in keys:
        union.find(k)

    def agrees(a: str, b: str) -> bool:
        return bool(stories[a] & stories[b]) or len(context[a] & context[b]) >= \
            MIN_SHARED_CONTEXT

    people = sorted({k for k in keys if k.startswith("PERSON:")})
    full = [k for k in people if " " in k]
    by_last: dict[str, list[str]] = defaultdict(list)
    for k in full:
        by_last[k.split()[-1]].append(k)
    # Near spellings of full names (compared within the same first letter: cheap and safe).
    by_initial: dict[str, list[str]] = defaultdict(list)
    for k in full:
        by_initial[k[len("PERSON:"):][:1]].append(k)
    for group in by_initial.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if near_spelling(a[7:], b[7:]) and agrees(a, b):
                    union.join(a, b)
    # A lone surname joins the person whose context agrees best.
    counts = Counter(keys)
    for k in people:
        if " " in k:
            continue
        word = k[7:]
        exact = [c for c in full if c.split()[-1] == word]
        # A misspelt lone surname ("Blinkin") only joins a person of the same story.
        fuzzy = [c for c in full if c not in exact and len(word) >= MIN_FUZZY_LENGTH
                 and near_spelling(c.split()[-1], word) and stories[k] & stories[c]]
        # Family name first ("Qin Gang" … "Qin said"): a two-word name of the same story
        # whose first word it is, when no one has it as a last word.
        first = [] if exact else [
            c for c in full if len(c[7:].split()) == 2 and c[7:].split()[0] == word
            and stories[k] & stories[c]]
        candidates = exact + fuzzy + first
        candidates = [c for c in candidates if agrees(k, c)] or (
            candidates if len({union.find(c) for c in candidates}) == 1 else [])
        if candidates:
            best = max(candidates, key=lambda c: (len(stories[k] & stories[c]),
                                                  len(context[k] & context[c]), counts[c], c))
            union.join(k, best)
    return _entities(occurrences, keys, union, places)


#: Rules that only guessed a kind; a person of the same story can overrule them.
WEAK_RULES = frozenset({"capitalised", "speaker", "place preposition", "place noun",
                        "two names"})


def _surnames_as_people(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """A lone capitalised word the recogniser guessed was an organisation ("Biden's
    government" in an article that never names him in full) is the person of its story with
    that surname."""
    surnames: dict[tuple[str | None, str], str] = {}
    for o in occurrences:
        m = o.mention
        if m.kind == "PERSON" and " " in m.canonical:
            surnames.setdefault((o.story, key(m.canonical).split()[-1]), m.canonical)
    out = []
    for o in occurrences:
        m = o.mention
        person = surnames.get((o.story, key(m.text))) if " " not in m.text.strip() else None
        if person and m.kind != "PERSON" and m.rule in WEAK_RULES:
            o = replace(o, mention=replace(m, kind="PERSON", canonical=person,
                                           rule="same person in story"))
        out.append(o)
    return out


def _places(occurrences: Sequence[Occurrence]) -> dict[int, Entry]:
    """For each mention of an ambiguous place name ("Paris", "Georgia", "Washington"), the
    gazetteer entry its story's other places point to: the one in the country the story's
    unambiguous places are in most, else the biggest. Only ambiguous mentions are listed."""
    gaz = load()
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    ambiguous: dict[int, tuple[Entry, ...]] = {}
    for i, o in enumerate(occurrences):
        m = o.mention
        if m.kind not in ("GPE", "LOC"):
            continue
        scope = o.story or o.article
        entries = tuple(e for e in gaz.lookup(m.canonical) if e.kind in ("GPE", "LOC"))
        if len({(e.country, e.geonameid) for e in entries}) > 1:
            ambiguous[i] = entries
        elif m.country:
            votes[scope][m.country] += 1
    chosen: dict[int, Entry] = {}
    for i, entries in ambiguous.items():
        o = occurrences[i]
        vote = votes[o.story or o.article]
        chosen[i] = max(entries, key=lambda e: (vote[e.country or ""], e.level == "country",
                                                e.population))
    return chosen


def _entities(occurrences: Sequence[Occurrence], keys: list[str], union: _Union,
              places: dict[int, Entry]) -> tuple[list[Entity], list[str]]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        members[union.find(k)].append(i)
    entities: list[Entity] = []
    ids: list[str] = [""] * len(occurrences)
    for _root, idx in sorted(members.items()):
        occ = [occurrences[i] for i in idx]
        forms = Counter(o.mention.canonical for o in occ)
        # The most used full form names the entity ("Antony Blinken", not "Blinken").
        name = max(forms, key=lambda f: (" " in f, forms[f], -len(f), f))
        kind = Counter(o.mention.kind for o in occ).most_common(1)[0][0]
        entity_id = f"{kind.lower()}:{key(name).replace(' ', '-')}"
        aliases = sorted({o.mention.text for o in occ} | set(forms) - {name})
        roles: dict[str, str | None] = {}
        for o in sorted(occ, key=lambda o: o.published or "~"):
            if o.mention.role and o.mention.role not in roles:
                roles[o.mention.role] = o.published
        countries = Counter(o.mention.country for o in occ if o.mention.country).most_common(1)
        geos = Counter(o.mention.geonameid for o in occ if o.mention.geonameid).most_common(1)
        country = countries[0][0] if countries else None
        geo = geos[0][0] if geos else None
        place = next((places[i] for i in idx if i in places), None)
        if place is not None:  # an ambiguous name, resolved by its story's other places
            country, geo = place.country, place.geonameid
            entity_id += f"@{geo}"  # Paris (France) and Paris (Texas) are two entities
        capital_of = None
        if kind in ("GPE", "LOC"):
            entry = place or next(iter(load().lookup(name)), None)
            if entry is not None and entry.geonameid == geo:
                capital_of = entry.capital_of
        entities.append(Entity(
            entity_id, name, kind, tuple(aliases), len(occ),
            tuple(sorted({o.article for o in occ})),
            tuple(sorted({o.story for o in occ if o.story})),
            tuple(roles.items()), country, geo, capital_of,
        ))
        for i in idx:
            ids[i] = entity_id
    return entities, ids


def occurrences(article: str, story: str | None, published: str | None,
                mentions: Iterable[Mention]) -> list[Occurrence]:
    return [Occurrence(article, story, published, m) for m in mentions]

"""Who acts in a sentence: named mentions and unnamed groups, with country and sector.

Without a parser an actor is a stretch of words: a mention (a person with the country of the
demonym or country before their title, "Chinese Foreign Minister Qin Gang" → CHN GOV; a
capital standing for its government, "Beijing rejected" → CHN GOV; a country → its ISO3 GOV;
an organisation from the gazetteer with its sector), or a group noun from ``agents.tsv``
("protesters", "Russian troops" → RUS MIL). Places after "in", "near", "at" are locations, not
actors.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from storyline.extract.gazetteer import Gazetteer, key, load
from storyline.extract.types import Actor, Mention

#: Words after which a place is where something happens, not who acts.
PLACE_PREPOSITIONS = frozenset({"in", "near", "at", "outside", "across", "throughout",
                                "inside", "around"})
#: Words that may stand between a demonym or country and the group noun it qualifies
#: ("Russian *senior* officials", "Israel's *security* forces").
_FUNCTION = frozenset({"the", "a", "an", "of", "and", "or", "by", "to", "in", "on", "at", "for",
                       "with", "from", "that", "which", "who", "said", "says", "has", "have",
                       "had", "was", "were", "is", "are", "be", "been", "will", "would", "not",
                       "its", "their", "his", "her", "it", "they", "as", "after", "before"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_IGO_SKIP = frozenset({"of", "the", "and", "for", "on", "de"})


@dataclass(frozen=True, slots=True)
class Word:
    """A token of a sentence as the rules see it."""

    start: int
    end: int
    text: str
    lower: str
    lemma: str


@dataclass(frozen=True, slots=True)
class Placed:
    """An actor with its token range in the sentence and whether it reads as a place."""

    actor: Actor
    first: int
    last: int  # inclusive
    place: bool  # after "in"/"near"/"at": a location, not an actor
    kind: str  # PERSON, ORG, GPE, LOC, GROUP, DEMONYM


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """English lookup lemmas from spacy-lookups-data ("shot" → "shoot"); empty without it.

    The blank pipeline leaves ``token.lemma_`` empty, so the table is read directly (40,000
    entries, about 15 ms).
    """
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "data" / "en_lemma_lookup.json.gz"
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    return table


@lru_cache(maxsize=512)
def iso3(iso2: str | None) -> str | None:
    """ISO 3166 alpha-2 → alpha-3 ("CN" → "CHN"); Kosovo is XKX."""
    if not iso2:
        return None
    if iso2 == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=iso2)
    return str(country.alpha_3) if country is not None else None


def igo_code(canonical: str) -> str:
    """A short code for an international organisation: "United Nations" → "UN", "NATO"."""
    words = canonical.replace("-", " ").split()
    if len(words) == 1:
        return words[0].upper()
    letters = "".join(w[0] for w in words if w.casefold() not in _IGO_SKIP)
    return letters.upper()


def role_sector(role: str | None, agents: dict[str, str]) -> str | None:
    """The sector of a person's role: "foreign minister" → GOV, "army chief" → MIL."""
    if not role:
        return None
    words = role.split()
    for n in (3, 2, 1):
        for i in range(len(words) - n, -1, -1):
            sector = agents.get(" ".join(words[i:i + n]))
            if sector:
                return sector
    return None


def _entry_actor(m: Mention, gaz: Gazetteer, previous: str = ""
                 ) -> tuple[str | None, str | None]:
    """Country and sector of an organisation or place mention."""
    name = m.canonical[4:] if m.canonical.lower().startswith("the ") else m.canonical
    entries = gaz.lookup(name) or gaz.lookup(m.text)
    if previous and m.kind == "ORG":  # "European Union" read as "European" + "Union"
        longer = [e for e in gaz.lookup(f"{previous} {m.text}") if e.kind == "ORG"]
        entries = tuple(longer) or entries
    if m.kind == "ORG":
        for e in entries:
            if e.kind == "ORG":
                if e.sector == "IGO" and not e.country:
                    return igo_code(e.canonical), "IGO"
                return iso3(e.country or m.country), e.sector
        return iso3(m.country), None
    for e in entries:
        if e.kind != "ORG":
            if e.level == "country":
                return iso3(e.country), "GOV"
            if e.capital_of:
                return iso3(e.capital_of), "GOV"
            return iso3(e.country), None
    return iso3(m.country), None


def _country_before(words: Sequence[Word], first: int, gaz: Gazetteer,
                    mention_at: dict[int, Mention], lo: int, limit: int = 5,
                    lowercase_max: int = 2) -> tuple[str | None, int]:
    """A demonym or country name shortly before token ``first`` (through role words,
    "senior", "'s"): its ISO3 and the token where it starts, or (None, first)."""
    k = first - 1
    lowercase = 0
    while k >= lo and first - k <= limit:
        w = words[k]
        m = mention_at.get(k)
        if m is not None and m.kind in ("GPE", "ORG"):
            country = _entry_actor(m, gaz)[0]
            if country:  # "U.S.", "Israel's", "U.N." (an IGO code)
                return country, _first_token(words, m.start, lo)
        iso = demonym(w.text, gaz) if w.text[:1].isupper() else None
        if iso:
            return iso3(iso), k
        if w.lower in _POSSESSIVE or w.text[:1].isupper() or (
                w.lower == "of" and k + 1 < first and words[k + 1].text[:1].isupper()):
            k -= 1
            continue
        if w.text[:1].isalpha() and w.lower not in _FUNCTION and lowercase < lowercase_max and \
                not w.lower.endswith(("ed", "ing")):
            lowercase += 1
            k -= 1
            continue
        break
    return None, first


def _country_after(words: Sequence[Word], last: int, hi: int,
                   spans: Sequence[tuple[int, int, Mention]], gaz: Gazetteer) -> str | None:
    """The country of a place right after a group noun and "in", "of", "from"."""
    k = last + 1
    if k + 1 >= hi or words[k].lower not in ("in", "of", "from", "throughout"):
        return None
    k += 1
    if words[k].lower == "the" and k + 1 < hi:
        k += 1
    for a, _b, m in spans:
        if a == k and m.kind in ("GPE", "LOC"):
            return _entry_actor(m, gaz)[0]
    return None


@lru_cache(maxsize=4096)
def _demonym(word: str) -> str | None:
    gaz = load()
    iso = gaz.demonyms.get(key(word))
    if iso:
        return iso
    w = word.rstrip("s") if word.endswith("ns") else word
    stems = []
    for suffix, add in (("ese", ""), ("ian", "ia"), ("ian", ""), ("an", "a"), ("an", ""),
                        ("an", "o"), ("n", ""), ("i", ""), ("ean", "e"), ("ine", "a")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stems.append(w[: len(w) - len(suffix)] + add)
    for stem in stems:
        for e in gaz.lookup(stem):
            if e.level == "country":
                return e.country
    return None


def demonym(word: str, gaz: Gazetteer) -> str | None:
    """ISO2 of a demonym: the gazetteer's, else a country name plus a demonym ending
    ("Fijian" → Fiji, "Sudanese" → Sudan, "Rwandans" → Rwanda)."""
    if not (word[:1].isupper() and word.isalpha()):
        return None
    return gaz.demonyms.get(key(word)) or _demonym(word)


def _first_token(words: Sequence[Word], char: int, lo: int) -> int:
    starts = [w.start for w in words]
    return max(lo, bisect_right(starts, char) - 1)


def find_actors(source: str, words: Sequence[Word], lo: int, hi: int,
                mentions: Sequence[Mention], agents: dict[str, str], gaz: Gazetteer,
                firsts: frozenset[str] | None = None) -> list[Placed]:
    """Actors among ``words[lo:hi]`` (one sentence of the text ``source``), in text order.

    ``mentions`` are the sentence's mentions. A mention or group noun consumes the
    demonym or country name qualifying it ("US military" is one actor, USA MIL).
    """
    if firsts is None:
        firsts = first_words(agents)
    starts = [w.start for w in words[lo:hi]]
    ends = [w.end for w in words[lo:hi]]
    spans: list[tuple[int, int, Mention]] = []
    mention_at: dict[int, Mention] = {}  # last token of a mention → the mention
    for m in mentions:
        a = lo + bisect_right(starts, m.start) - 1
        b = lo + bisect_left(ends, m.end)
        if a < lo or b >= hi or a > b:
            continue
        spans.append((a, b, m))
        mention_at[b] = m
    taken: set[int] = set()
    out: list[Placed] = []
    person_starts = {a for a, _b, m in spans if m.kind == "PERSON"}
    for a, b, _m in spans:
        taken.update(range(a, b + 1))
    consumed: set[int] = set()  # token ends of mentions merged into a group noun
    # Group nouns: "police", "Russian troops", "Israel's security forces".
    i = lo
    while i < hi:
        if i in taken:
            i += 1
            continue
        w = words[i]
        n, sector = _agent_at(words, i, hi, agents, firsts)
        if sector is None or not w.text[:1].isalpha() or _titles_person(words, i, hi,
                                                                         person_starts):
            i += 1
            continue
        last = i + n - 1
        while last + 1 < hi and last + 1 not in taken:  # "government forces", "rebel leaders"
            n2, s2 = _agent_at(words, last + 1, hi, agents, firsts)
            if s2 is None:
                break
            if sector in ("GOV", "CVL") and s2 not in ("GOV", "CVL"):
                sector = s2
            last += n2
        if _attributive(words, last, hi, taken):  # "military aid", "police station"
            i = last + 1
            continue
        country, first = _country_before(words, i, gaz, mention_at, lo)
        if first < i and first in taken:  # merged with a mention ("US military")
            for a, b, _m in spans:
                if a <= first <= b:
                    consumed.add(b)
        if country is None:  # "rebels in Darfur", "the government of Sudan"
            country = _country_after(words, last, hi, spans, gaz)
        text = source[words[first].start:words[last].end]
        actor = Actor(words[first].start, words[last].end, text, text.lower(), country, sector)
        out.append(Placed(actor, first, last, False, "GROUP"))
        taken.update(range(first, last + 1))
        i = last + 1
    persons: dict[int, Placed] = {}
    for a, b, m in spans:
        if m.kind != "PERSON":
            continue
        country, first = _country_before(words, a, gaz, mention_at, lo, limit=7,
                                         lowercase_max=3)
        sector = role_sector(m.role, agents)
        for a2, b2, m2 in spans:  # "U.S. Secretary of State Antony Blinken": one actor
            if a2 <= first <= b2 and m2.kind != "PERSON":
                consumed.add(b2)
                if _entry_actor(m2, gaz)[1] == "IGO":
                    sector = "IGO"  # "U.N. Secretary-General Kofi Annan"
                first = a2
        if first < a and any(p.first <= first <= p.last for p in out):
            first = a  # the country is part of a group actor already
        taken.update(range(first, a))
        actor = Actor(words[first].start, m.end, source[words[first].start:m.end], m.canonical,
                      country, sector)
        persons[a] = Placed(actor, first, b, False, "PERSON")
    for a, b, m in spans:
        if a in persons:
            out.append(persons[a])
            continue
        if b in consumed or m.kind == "LOC":
            if m.kind == "LOC" and b not in consumed:
                out.append(Placed(Actor(m.start, m.end, m.text, m.canonical, iso3(m.country)),
                                  a, b, True, "LOC"))
            continue
        place = a > lo and words[a - 1].lower in PLACE_PREPOSITIONS and m.kind == "GPE"
        country, sector = _entry_actor(m, gaz, words[a - 1].text if a > lo else "")
        if m.kind == "ORG" and sector is None:
            sector = agents.get(words[b].lemma) or agents.get(words[b].lower)
        if m.kind == "ORG" and a - 2 >= lo and words[a - 1].lower in _POSSESSIVE:
            owner = mention_at.get(a - 2)  # "Ivory Coast's Supreme Court"
            if owner is not None and owner.kind == "GPE":
                country = _entry_actor(owner, gaz)[0] or country
        if m.kind == "ORG" and country is None:
            country, first = _country_before(words, a, gaz, mention_at, lo, limit=2)
        out.append(Placed(Actor(m.start, m.end, m.text, m.canonical, country, sector),
                          a, b, place, m.kind))
    # Bare demonyms: "Hungarian and Romanian officials", "Palestinian gunmen" are taken
    # above; a demonym left alone still names its country's side ("the Israeli").
    for i in range(lo, hi):
        if i in taken:
            continue
        iso = demonym(words[i].text, gaz)
        if iso:
            sector = None
            for j in range(i + 1, min(hi, i + 4)):
                s = agents.get(words[j].lemma) or agents.get(words[j].lower)
                if s:
                    sector = s
                    break
            w = words[i]
            out.append(Placed(Actor(w.start, w.end, w.text, w.text, iso3(iso), sector),
                              i, i, False, "DEMONYM"))
    out.sort(key=lambda p: p.first)
    return out


def _titles_person(words: Sequence[Word], i: int, hi: int, person_starts: set[int]) -> bool:
    """A title word before a person's name ("Secretary of State Antony Blinken"): the
    person is the actor, not the title."""
    for k in range(i + 1, min(hi, i + 5)):
        if k in person_starts:
            return True
        if not (words[k].text[:1].isupper() or words[k].lower in ("of", "-")):
            return False
    return False


#: Group nouns that often qualify another noun ("military aid", "police station").
_ATTRIBUTIVE = frozenset({"military", "police", "government", "security", "army", "opposition",
                          "union", "party", "media", "intelligence", "court", "army's",
                          "rebel", "student", "refugee", "peacekeeping", "civilian"})


def _attributive(words: Sequence[Word], last: int, hi: int, taken: set[int]) -> bool:
    """A group word used as a modifier: followed by a lower-case noun-like word (not a
    verb form ending in -ed/-s/-ing, not a function word)."""
    if words[last].lower not in _ATTRIBUTIVE or last + 1 >= hi or last + 1 in taken:
        return False
    nxt = words[last + 1]
    return (nxt.text[:1].islower() and nxt.text.isalpha() and nxt.lower not in _FUNCTION
            and not nxt.lower.endswith(("ed", "s", "ing")) and nxt.lower != nxt.lemma + "s"
            and len(nxt.lower) > 2)


def first_words(agents: dict[str, str]) -> frozenset[str]:
    """First words of the group nouns: most tokens are ruled out with one look-up."""
    return frozenset(k.split()[0] for k in agents)


def _agent_at(words: Sequence[Word], i: int, hi: int, agents: dict[str, str],
              firsts: frozenset[str]) -> tuple[int, str | None]:
    """The longest group noun starting at token ``i``: its length and sector."""
    if words[i].lemma not in firsts and words[i].lower not in firsts:
        return 0, None
    for n in (3, 2, 1):
        if i + n > hi:
            continue
        lemma = " ".join(w.lemma for w in words[i:i + n])
        lower = " ".join(w.lower for w in words[i:i + n])
        sector = agents.get(lemma) or agents.get(lower)
        if sector:
            return n, sector
    return 0, None




def country_of(name: str) -> str | None:
    """ISO3 of a country or demonym name ("Chinese" → "CHN"), for callers and tests."""
    gaz = load()
    iso = gaz.demonyms.get(key(name))
    if iso:
        return iso3(iso)
    for e in gaz.lookup(name):
        if e.level == "country":
            return iso3(e.country)
    return None

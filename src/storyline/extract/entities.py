"""Named entities by rules: people, organisations and places, offline.

No trained model ships with Storyline, so the recogniser works from what news prose gives
away: names are capitalised, people come with titles, given names and appositions,
organisations end in heads like "Ministry" or "Party", places are in gazetteers.

1. Find runs of capitalised tokens (with connectors such as "of", "de", "bin" inside).
2. Split each run, longest match first, into gazetteer names, role titles and unknown
   stretches ("U.S. | Secretary of State | Antony Blinken").
3. Classify each unknown stretch by its own words (organisation heads, given names,
   acronyms) and its context (a role before it, an apposition or a speech verb after it,
   a preposition of place before it).
4. Make the document consistent: a surname alone names the person named in full elsewhere
   (even when a town has that name), and one form keeps one kind.

In all-capital text (headlines, sports tables) capitals say nothing, so only gazetteer
names and names the same document writes in mixed case are taken there. When a statistical
spaCy pipeline is installed, its entities fill the stretches the rules leave unknown.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import overload

from spacy.tokens import Doc, Span, Token

from storyline.extract.gazetteer import Entry, Gazetteer, key, load
from storyline.extract.lexicon import common_words
from storyline.extract.types import EntityKind, Mention
from storyline.stories.features import stopwords

#: Lower-case words allowed inside a name ("Bank of England", "Osama bin Laden").
CONNECTORS = frozenset({"of", "de", "del", "della", "di", "da", "do", "dos", "das", "la", "le",
                        "von", "van", "der", "den", "bin", "ibn", "al", "el", "du", "des", "zu",
                        "y", "the", "and", "for", "&", "on"})
#: Connectors that join two names rather than extend one, unless an organisation head says
#: otherwise ("Britain and France" vs "Procter & Gamble").
JOINING = frozenset({"and", "&", "y", "for", "on", "the"})
_TIME_WORDS_TEXT = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday Januar Februar März Juni Juli Oktober Dezember Montag Dienstag Mittwoch "
    "Donnerstag Freitag Samstag Sonntag enero febrero marzo abril mayo junio julio agosto "
    "septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado "
    "domingo janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre lundi mardi mercredi jeudi vendredi samedi dimanche")
_TIME_WORDS = frozenset(key(w) for w in _TIME_WORDS_TEXT.split())
#: Capitalised words that are never names on their own.
_NOT_NAMES_TEXT = (
    "I I'm I've I'd I'll Mr Mrs Ms Dr Prof Sir God Christmas Easter Ramadan Internet Web "
    "Covid COVID-19 AM PM GMT UTC CEO CFO TV OK Ltd Inc No Yes Oh Please Thank Thanks "
    "Breaking Update Updated Live Photo Video Watch Read Share Click Subscribe Sign Log "
    "Advertisement Editor's Note Muslim Muslims Moslem Moslems Christian Christians Jewish Jews "
    "Catholic Catholics Protestant Hindu Buddhist Sunni Shi'ite Shiite Shia Arab Arabs Kurdish "
    "Western Eastern European Europeans African Asian Latin Islamist Islamic Marxist Communist "
    "Socialist Nazi Nazis Soviet Olympic Olympics Nobel Anglo US$ A$ C$ HK$ GBP USD EUR "
    "Nikkei FTSE DAX CAC Nasdaq DJIA Dow S&P Stoxx Sensex")
_NOT_NAMES = frozenset(key(w) for w in _NOT_NAMES_TEXT.split())
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "from", "to", "outside", "across", "into",
                                 "towards", "toward", "around", "via", "nach", "aus",
                                 "bei", "en", "desde", "à", "hacia"})
_SPEECH = frozenset({"said", "says", "told", "added", "wrote", "stated", "explained", "noted",
                     "warned", "argued", "insisted", "tweeted", "sagte", "dijo", "a"})
_PERSON_PRONOUN_AFTER = frozenset({"who", "whose"})
_ACRONYM_MAX = 6
#: Last words that make a name a place ("Bramall Lane", "Kakhovka Dam").
_PLACE_ENDS = frozenset({"lane", "road", "street", "avenue", "square", "park", "stadium",
                         "arena", "airport", "bridge", "valley", "island", "islands", "mountain",
                         "mountains", "river", "lake", "bay", "coast", "beach", "hill", "hills",
                         "harbour", "harbor", "port", "dam", "desert", "peninsula", "strait",
                         "canal", "sea", "ocean", "gulf", "plain", "forest", "province",
                         "region", "county", "district", "oblast", "state"})
#: Last words of names that are events, prizes or titles, not people, bodies or places.
_MISC_ENDS = frozenset({"festival", "cup", "games", "prize", "award", "awards", "open",
                        "championship", "championships", "war", "olympics", "trophy", "grand",
                        "tour", "series", "league's", "summit", "day", "week", "act",
                        "treaty", "accord", "agreement", "plan", "doctrine", "average", "index"})
_SCORE = re.compile(r"^\d{1,3}(-\d{1,3})?$")
_PLACE_NOUNS = frozenset({"village", "town", "city", "province", "region", "district",
                          "county", "state", "area", "camp", "valley", "municipality", "port",
                          "island", "neighbourhood", "neighborhood", "suburb", "capital"})
#: Rules that name a person surely enough for a lone surname to follow them.
_STRONG_PERSON = frozenset({"title", "given name", "apposition", "initial", "who"})
#: Tokens at least this long may be compounds ending in a role.
COMPOUND_ROLE = 12
#: A one-word town smaller than this is taken as a place only after "in", "at", …
SMALL_TOWN = 100_000


@dataclass(slots=True)
class _Segment:
    start: int  # token index
    end: int  # exclusive
    kind: str | None  # EntityKind, "ROLE", "DEMONYM" or None (unknown)
    entry: Entry | None = None
    rule: str = ""
    role: str | None = None


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


def _caps_sentence(tokens: Iterable[Token]) -> bool:
    """Most letters of the sentence are capitals: capitalisation carries no signal."""
    words = [t.text for t in tokens if t.is_alpha and len(t.text) > 1]
    return len(words) >= 2 and sum(w.isupper() for w in words) / len(words) > 0.6


class _Tokens:
    """A ``Doc`` whose tokens are made once: spaCy builds a new Token object on every
    ``doc[i]``, and the rules look at each token many times."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.toks = list(doc)
        #: Whether each token starts with a capital letter (the cheap first test).
        self.upper = [t.text[:1].isupper() for t in self.toks]

    @overload
    def __getitem__(self, i: int) -> Token: ...
    @overload
    def __getitem__(self, i: slice) -> Span: ...
    def __getitem__(self, i: int | slice) -> Token | Span:
        return self.toks[i] if isinstance(i, int) else self.doc[i]

    def __len__(self) -> int:
        return len(self.toks)

    def __iter__(self) -> Iterator[Token]:
        return iter(self.toks)


class EntityRecogniser:
    """Rule-based recogniser over a spaCy ``Doc``; stateless apart from its tables."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or load()
        self.stop = stopwords()
        self.common = common_words()
        self.max_role = max((len(r) for r in self.gaz.roles), default=1)
        #: One-word roles long enough to end a compound ("…sprecher", "…minister").
        self.role_suffixes = tuple(r[0] for r in self.gaz.roles if len(r) == 1 and len(r[0]) >= 6)

    # -- 1. runs of capitalised tokens ---------------------------------------------------
    def _runs(self, doc: _Tokens, sentences: list[Span], lower_forms: set[str],
              known: set[str]) -> list[tuple[int, int]]:
        runs: list[tuple[int, int]] = []
        for sent in sentences:
            caps = _caps_sentence(sent)
            i, end = sent.start, sent.end
            upper = doc.upper
            while i < end:
                if (not caps and not upper[i]) or \
                        not self._starts_name(doc, i, sent.start, caps, lower_forms, known):
                    i += 1
                    continue
                j = i + 1
                while j < end:
                    tok = doc[j]
                    if self._name_token(tok, caps, known):
                        j += 1
                    elif (tok.text.lower() in CONNECTORS and j + 1 < end
                          and self._name_token(doc[j + 1], caps, known) and not caps):
                        j += 2
                    elif (tok.lower_ in ("al", "el", "bin", "ibn", "abu") and j + 2 < end
                          and doc[j + 1].text == "-" and not tok.whitespace_
                          and _is_cap(doc[j + 2])):
                        j += 3  # "Tarek al-Kharraz"
                    elif (tok.text in ("-", "'") and j + 1 < end and not doc[j - 1].whitespace_
                          and not tok.whitespace_ and _is_cap(doc[j + 1])):
                        j += 2  # "Mao Tse-Tung", "Chester-le-Street" continue one name
                    else:
                        break
                if j < end and doc[j].text == "-" and not doc[j - 1].whitespace_ \
                        and j + 1 < end and doc[j + 1].is_lower:
                    i = j  # "Dublin-born", "U.S.-based": an adjective, not a mention
                    continue
                runs.extend(self._split_joined(doc, i, j))
                i = j
        return runs

    def _role_suffix(self, word: str) -> bool:
        return any(word.endswith(r) for r in self.role_suffixes)

    def _given(self, tok: Token) -> bool:
        """A given name or an initial."""
        t = tok.text
        return key(t) in self.gaz.first_names or (len(t) == 2 and t[1] == "." and t[0].isupper())

    def _split_joined(self, doc: _Tokens, start: int, end: int) -> list[tuple[int, int]]:
        """Split "Britain and France" in two unless the whole is one name ("Bosnia and
        Herzegovina", "Procter & Gamble", "Department of State")."""
        joins = [k for k in range(start + 1, end - 1) if doc[k].lower_ in JOINING or
                 (doc[k].lower_ in ("of", "de") and self._given(doc[start]) and k - start <= 3
                  and key(doc[k - 1].text) not in self.gaz.org_ends)]
        # ("John Casesa of Schroder Wertheim": a person of an organisation.)
        if not joins:
            return [(start, end)]
        words = [key(t.text) for t in doc[start:end]]
        if self.gaz.names.get(" ".join(words)):
            return [(start, end)]
        if words[-1] in self.gaz.org_ends:
            # Two organisations ("Johnson Controls Inc and Lear Corp") or one.
            joins = [k for k in joins if doc[k].lower_ in ("and", "&") and
                     key(doc[k - 1].text) in self.gaz.org_ends]
            if not joins:
                return [(start, end)]
        out, begin = [], start
        for k in joins:
            if k > begin:
                out.append((begin, k))
            begin = k + 1
        out.append((begin, end))
        return out

    def _name_token(self, tok: Token, caps: bool, known: set[str]) -> bool:
        if caps:
            k = key(tok.text)
            return k in known or (bool(self.gaz.names.get(k)) and k not in self.common)
        return _is_cap(tok) and key(tok.text) not in _TIME_WORDS

    def _starts_name(self, doc: _Tokens, i: int, sent_start: int, caps: bool,
                     lower_forms: set[str], known: set[str]) -> bool:
        tok = doc[i]
        k = key(tok.text)
        if not self._name_token(tok, caps, known) or k in _NOT_NAMES or k in _TIME_WORDS:
            return False
        if len(tok.text) == 2 and tok.text[1] == "." and tok.text[0].isupper():
            return not caps  # an initial: "A. Dale"
        if not caps and tok.text.isupper() and len(tok.text) >= 2 and tok.text.isalpha():
            return True  # an acronym ("GM", "NATO") is never an ordinary word opening a line
        first = i == sent_start or (not doc[i - 1].is_alpha and doc[i - 1].text in
                                    "\"“‘'«„(-—–:")
        # "The", "But", "Officials": a sentence opening, not a name.
        low = tok.lower_  # not folded: "U.S." is not "us"
        common = tok.is_stop or low in lower_forms or low in self.common
        if first and common and not tok.is_stop and i + 1 < len(doc) and doc[i + 1].is_title:
            if doc[i + 1].lower_ not in self.common:
                return True  # "Tamer Ramadan, who heads …": a name after all
            for j in range(i + 1, min(i + 5, len(doc))):
                if not doc[j].is_title:
                    break
                if key(doc[j].text) in self.gaz.org_ends:
                    return True  # "General Motors Corporation said …"
        return not (first and not caps and common and k not in known)

    # -- 2. split a run ------------------------------------------------------------------
    def _segments(self, doc: _Tokens, start: int, end: int) -> list[_Segment]:
        out: list[_Segment] = []
        i = start
        pending = start
        while i < end:
            found = None
            text = doc[i].text
            if "-" in text and (key(text.rsplit("-", 1)[1]),) in self.gaz.roles:
                # "US-Außenminister", "ex-President": a role with a prefix
                found = _Segment(i, i + 1, "ROLE", role=text.rsplit("-", 1)[1].lower())
            elif len(text) >= COMPOUND_ROLE and self._role_suffix(key(text)):
                # German compounds: "Ministeriumssprecher", "Bundesaußenminister"
                found = _Segment(i, i + 1, "ROLE", role=text.lower())
            for n in range(min(7, end - i), 0, -1) if found is None else ():
                words = tuple(key(t.text) for t in doc[i: i + n])
                if words in self.gaz.roles and n <= self.max_role:
                    found = _Segment(i, i + n, "ROLE", role=doc[i: i + n].text.lower())
                    break
                entries = self.gaz.names.get(" ".join(words))
                if entries and self._plausible(doc, i, i + n, end, entries[0]):
                    e = entries[0]
                    found = _Segment(i, i + n, e.kind, e, "gazetteer")
                    break
                if n == 1 and words[0] in self.gaz.demonyms:
                    found = _Segment(i, i + 1, "DEMONYM")
            if found is not None and found.end - found.start == 1 and found.kind in ("GPE", "LOC") \
                    and i > pending and self._given(doc[i - 1]):
                found = None  # "Neil Jordan", "Paul Austin": a surname that is also a place
            if found is None or doc[i].text.lower() in CONNECTORS:
                i += 1
                continue
            if pending < i:
                out.append(_Segment(pending, i, None))
            out.append(found)
            i = pending = found.end
        if pending < end:
            out.append(_Segment(pending, end, None))
        return self._absorb(doc, out)

    def _plausible(self, doc: _Tokens, start: int, end: int, run_end: int, entry: Entry) -> bool:
        """A one-word town is rarely meant when the word is a given name before another
        name ("Antony Blinken") or the town is small and nothing says "place"."""
        if end - start > 1 or entry.level != "city":
            return True
        word = key(doc[start].text)
        if word in self.gaz.first_names and end < run_end:
            return False
        if entry.population >= SMALL_TOWN:
            return True
        return start > 0 and doc[start - 1].lower_ in _PLACE_PREPOSITIONS

    def _absorb(self, doc: _Tokens, segs: list[_Segment]) -> list[_Segment]:
        """Glue a place or demonym onto an unknown stretch ending in an organisation head
        ("Sheffield United", "Russian Orthodox Church"), and unknown words onto a known
        organisation they extend ("Apple Daily")."""
        for n in range(len(segs) - 1):
            role, nxt = segs[n], segs[n + 1]
            if role.kind == "ROLE" and nxt.kind is None and role.end == nxt.start and \
                    key(doc[nxt.end - 1].text) in self.gaz.org_ends:
                # "General Motors", "General Electric": a company, not a general.
                segs = [*segs[:n], _Segment(role.start, nxt.end, "ORG", None,
                                            "organisation head"), *segs[n + 2:]]
                break
        last = segs[-1] if segs else None
        if last is not None and len(segs) > 1 and (
                last.kind == "ORG" or (last.kind is None and key(doc[last.end - 1].text)
                                       in self.gaz.org_ends and last.end - last.start > 0)) \
                and all(s.kind in ("GPE", "LOC", "DEMONYM", None) for s in segs[:-1]) \
                and all(a.end == b.start for a, b in itertools.pairwise(segs)):
            # "U.S. State Department", "North Korean Red Cross", "Central Jakarta District
            # Court": the whole run names the organisation.
            return [_Segment(segs[0].start, last.end, "ORG", last.entry if last.kind == "ORG"
                             and segs[0].start == last.start else None, "organisation head")]
        if len(segs) == 2 and segs[0].kind == "GPE" and segs[0].entry is not None and \
                segs[0].entry.level == "city" and segs[1].kind is None and \
                segs[0].end == segs[1].start and doc[segs[1].start].lower_ not in CONNECTORS:
            # "Philadelphia Eagles", "Chicago Bulls": a city's team or firm.
            return [_Segment(segs[0].start, segs[1].end, "ORG", None, "city and name")]
        merged: list[_Segment] = []
        for seg in segs:
            if merged and seg.kind is None and merged[-1].kind in ("GPE", "LOC", "DEMONYM") \
                    and key(doc[seg.end - 1].text) in self.gaz.org_ends:
                prev = merged.pop()
                merged.append(_Segment(prev.start, seg.end, "ORG", rule="organisation head"))
                continue
            if merged and seg.kind in ("ORG",) and seg.entry is not None and \
                    merged[-1].kind is None and seg.start == merged[-1].end and \
                    key(doc[seg.end - 1].text) in self.gaz.org_ends and \
                    key(doc[merged[-1].start].text) in self.gaz.org_starts:
                prev = merged.pop()
                merged.append(_Segment(prev.start, seg.end, "ORG", rule="organisation head"))
                continue
            if merged and seg.kind in ("GPE", "LOC") and merged[-1].kind is None and \
                    seg.start == merged[-1].end and \
                    key(doc[merged[-1].start].text) in self.gaz.org_starts:
                prev = merged.pop()  # "Bank of Canada", "Air France"
                merged.append(_Segment(prev.start, seg.end, "ORG", rule="organisation head"))
                continue
            merged.append(seg)
        return merged

    # -- 3. classify unknown stretches ---------------------------------------------------
    def _classify(self, doc: _Tokens, seg: _Segment, before: _Segment | None,
                  after: _Segment | None) -> tuple[str | None, str, str | None]:
        """(kind, rule, role) for an unknown stretch; kind None drops it."""
        toks = doc[seg.start: seg.end]
        words = [key(t.text) for t in toks]
        # Split-off connectors at the edges mean nothing on their own; "of Intelligence"
        # after "Director" is the rest of a title.
        if all(w in CONNECTORS for w in words) or words[0] in CONNECTORS or \
                words[-1] in CONNECTORS:
            return None, "", None
        if len(words) == 1 and any(c.isdigit() for c in words[0]):
            return None, "", None  # "A380", "G5": models and codes, not names
        if words[-1] in _MISC_ENDS or all(w in _NOT_NAMES for w in words):
            return None, "", None
        if len(words) > 1 and words[-1] in _PLACE_ENDS:
            return "LOC", "place word", None
        if len(toks) > 1 and len(toks[0].text) == 2 and toks[0].text.endswith("."):
            return "PERSON", "initial", None
        if (len(words) > 1 and words[-1] in self.gaz.org_ends) or (
                len(words) > 1 and words[0] in self.gaz.org_starts
                and any(w in ("of", "for", "de", "del") for w in words)):
            return "ORG", "organisation head", None
        text = toks.text
        if len(words) == 1 and text.isupper() and 2 <= len(text.replace(".", "")) \
                <= _ACRONYM_MAX and not _caps_sentence(doc[max(0, seg.start - 8): seg.end + 8]):
            return "ORG", "acronym", None
        role = before.role if before is not None and before.kind == "ROLE" else None
        if role is None:
            role = self._role_before(doc, seg.start)
        if role is not None:
            return "PERSON", "title", role
        if words[0] in self.gaz.first_names and (len(words) > 1 or self._surname_follows(doc, seg)):
            return "PERSON", "given name", None
        appos = self._apposition_role(doc, seg.end)
        if appos is not None:
            return "PERSON", "apposition", appos
        prev = doc[seg.start - 1].text.lower() if seg.start > 0 else ""
        nxt = doc[seg.end].text.lower() if seg.end < len(doc) else ""
        nxt2 = doc[seg.end + 1].lower_ if seg.end + 1 < len(doc) else ""
        if (nxt in _PERSON_PRONOUN_AFTER or (nxt == "," and nxt2 in _PERSON_PRONOUN_AFTER)) \
                and len(words) > 1:
            return "PERSON", "who", None
        if prev in _PLACE_PREPOSITIONS and len(words) == 1 and after is None:
            return "GPE", "place preposition", None
        if len(words) > 1 and all(t.is_title for t in toks if t.is_alpha) \
                and not any(w in CONNECTORS for w in words) and len(words) <= 4:
            return "PERSON", "two names", None
        if len(words) > 1 and prev in _SPEECH:
            return "PERSON", "speaker", None
        if len(words) > 1:
            return "ORG", "capitalised", None
        if words[0] in self.common or words[0] in self.stop:
            return None, "", None  # "Government", "Police": a word, capitalised
        if nxt in _SPEECH or prev in _SPEECH:
            return "PERSON", "speaker", None
        before2 = doc[seg.start - 2].lower_ if seg.start > 1 else ""
        if nxt in _PLACE_NOUNS or (prev == "of" and before2 in _PLACE_NOUNS):
            return "GPE", "place noun", None  # "Sikhin village", "the town of Tavildara"
        return "ORG", "capitalised", None

    def _surname_follows(self, doc: _Tokens, seg: _Segment) -> bool:
        return False

    def _role_before(self, doc: _Tokens, i: int) -> str | None:
        """A lower-case role title right before a name: "foreign minister Wang Yi"."""
        for n in range(min(self.max_role, i), 0, -1):
            words = tuple(key(t.text) for t in doc[i - n: i])
            if words in self.gaz.roles:
                return doc[i - n: i].text.lower()
        return None

    def _apposition_role(self, doc: _Tokens, i: int) -> str | None:
        """"X, the foreign minister," / "X, a spokesman for …"."""
        if i + 2 >= len(doc) or doc[i].text != ",":
            return None
        j = i + 1
        if doc[j].lower_ in ("the", "a", "an", "der", "die", "el", "la", "le"):
            j += 1
        # Words before the role: "Russia's", "Chinese", "the ministry spokesman".
        for k in range(j, min(j + 4, len(doc))):
            if doc[k].is_punct and doc[k].text not in ("'s", "’s"):
                break
            for n in range(min(self.max_role, len(doc) - k), 0, -1):
                words = tuple(key(t.text) for t in doc[k: k + n])
                if words in self.gaz.roles and words[0] not in ("mr", "mrs", "ms", "dr"):
                    return doc[k: k + n].text.lower()
        return None

    # -- 4. the document -----------------------------------------------------------------
    def __call__(self, spacy_doc: Doc) -> list[Mention]:
        doc = _Tokens(spacy_doc)
        lower_forms = {t.text for t in doc if t.is_alpha and t.text.islower()}
        sentences = list(spacy_doc.sents)  # computed once: each ``is_sent_start`` scans the doc
        starts = {s.start for s in sentences}
        known = {key(t.text) for t in doc if _is_cap(t) and not t.text.isupper()
                 and t.i not in starts and not t.is_stop} | {
            key(t.text) for t in doc if t.text.isupper() and len(t.text) > 1
            and self.gaz.names.get(key(t.text)) and key(t.text) not in self.common}
        sentence_of: dict[int, int] = {}
        for n, sent in enumerate(sentences):
            sentence_of[sent.start] = n
        found: list[tuple[int, int, str, str, Entry | None, str | None]] = []
        for start, end in self._runs(doc, sentences, lower_forms, known):
            segs = self._segments(doc, start, end)
            for n, seg in enumerate(segs):
                before = segs[n - 1] if n else None
                after = segs[n + 1] if n + 1 < len(segs) else None
                if seg.kind in ("ROLE", "DEMONYM"):
                    continue
                if seg.kind is None:
                    kind, rule, role = self._classify(doc, seg, before, after)
                    if kind is None:
                        continue
                    seg = _Segment(seg.start, seg.end, kind, None, rule, role)
                    if before is not None and before.kind == "ROLE" and kind == "PERSON":
                        seg.role = before.role
                    if kind == "PERSON" and seg.role is None:
                        seg.role = self._apposition_role(doc, seg.end)
                found.append((seg.start, seg.end, str(seg.kind), seg.rule, seg.entry,
                              seg.role))
        return self._consistent(doc, found, sentences)

    def _consistent(self, doc: _Tokens,
                    found: list[tuple[int, int, str, str, Entry | None, str | None]],
                    sentences: list[Span]) -> list[Mention]:
        sent_starts = [s.start for s in sentences]
        people: dict[str, str] = {}  # surname or given name → full name
        for start, end, kind, rule, _e, _r in found:
            if kind == "PERSON" and end - start > 1 and rule in _STRONG_PERSON:
                full = doc[start:end].text
                for tok in doc[start:end]:
                    if tok.text.lower() not in CONNECTORS and len(tok.text) > 1:
                        people.setdefault(key(tok.text), full)
        votes: dict[str, Counter[str]] = {}
        for start, end, kind, rule, _e, _r in found:
            if rule not in ("capitalised", "speaker", "place preposition"):
                votes.setdefault(key(doc[start:end].text), Counter())[kind] += 1
        out: list[Mention] = []
        for start, end, kind, rule, entry, role in found:
            span = doc[start:end]
            k = key(span.text)
            if kind in ("GPE", "LOC") and entry is not None and entry.level != "country" and \
                    end < len(doc) and _SCORE.match(doc[end].text) and "\n" not in span.text:
                kind, rule = "ORG", "team score"  # "Leeds 2 Arsenal 1", "Surrey 429-7"
            canonical = entry.canonical if entry is not None else span.text
            if end - start == 1 and k in people and kind != "PERSON" and \
                    (entry is None or entry.kind != "ORG" or rule != "gazetteer"):
                kind, rule, entry, canonical = "PERSON", "same person", None, people[k]
            elif kind == "PERSON" and k in people:
                canonical = people[k]
            elif rule in ("capitalised", "speaker", "place preposition") and k in votes:
                kind = votes[k].most_common(1)[0][0]
            n_sent = bisect.bisect_right(sent_starts, start) - 1
            out.append(Mention(
                span.start_char, span.end_char, span.text, _kind(kind), max(n_sent, 0),
                canonical, rule,
                entry.country if entry is not None else None,
                entry.geonameid if entry is not None and entry.level != "org" else None,
                role,
            ))
        return out


def _kind(kind: str) -> EntityKind:
    if kind in ("PERSON", "ORG", "GPE", "LOC"):
        return kind  # type: ignore[return-value]
    raise ValueError(f"not an entity kind: {kind}")


def find_mentions(doc: Doc, recogniser: EntityRecogniser | None = None) -> list[Mention]:
    """Mentions of people, organisations and places in ``doc``, in text order."""
    rec = recogniser or _default()
    return sorted(rec(doc), key=lambda m: (m.start, m.end))


@lru_cache(maxsize=1)
def _default() -> EntityRecogniser:
    """One per process: the gazetteer takes a second to build."""
    return EntityRecogniser()


def with_roles(mentions: Sequence[Mention]) -> list[Mention]:
    """Each person mention carries the latest role reported for that person."""
    latest: dict[str, str] = {}
    out = []
    for m in mentions:
        if m.kind == "PERSON" and m.role:
            latest[m.canonical] = m.role
        out.append(replace(m, role=latest.get(m.canonical)) if m.kind == "PERSON" else m)
    return out

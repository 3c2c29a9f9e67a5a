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
names and names the same document writes in mixed case are taken there.

When the pipeline is statistical (a trained ``ner``, see ``nlp.pipeline``), its entities are
one more piece of evidence: an entity on exactly the words of a stretch the rules left
unknown or only guessed at ("capitalised", "two names", "speaker", "place preposition",
"place noun") gives that stretch its kind (PERSON; ORG; GPE; LOC and FAC as LOC; NORP says
"no mention"), and an entity on words no rule took becomes a mention of its own (rule
"model"), except in all-capital sentences. Gazetteer names, roles and the strong rules
(titles, appositions, given names, organisation heads …) keep priority, and step 4 treats
the model's mentions like the rules'.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from spacy.lexeme import Lexeme
from spacy.tokens import Doc
from spacy.vocab import Vocab

from storyline.extract.gazetteer import Entry, Gazetteer, key, load
from storyline.extract.lexicon import common_words
from storyline.extract.types import EntityKind, Mention
from storyline.text.words import stopwords

#: Lower-case words allowed inside a name ("Bank of England", "Osama bin Laden").
CONNECTORS = frozenset({"of", "de", "del", "della", "di", "da", "do", "dos", "das", "la", "le",
                        "von", "van", "der", "den", "bin", "ibn", "al", "el", "du", "des", "zu",
                        "y", "the", "and", "for", "&", "on"})
#: Connectors that join two names rather than extend one, unless an organisation head says
#: otherwise ("Britain and France" vs "Procter & Gamble").
JOINING = frozenset({"and", "y", "for", "on", "the"})
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
    "Thanksgiving Halloween Hanukkah Passover Diwali Eid "
    "Covid COVID-19 AM PM GMT UTC CEO CFO TV OK Ltd Inc No Yes Oh Please Thank Thanks "
    "Breaking Update Updated Live Photo Video Watch Read Share Click Subscribe Sign Log "
    "Advertisement Editor's Note Muslim Muslims Moslem Moslems Christian Christians Jewish Jews "
    "Catholic Catholics Protestant Hindu Buddhist Sunni Shi'ite Shiite Shia Arab Arabs Kurdish "
    "Western Eastern European Europeans African Asian Latin Islamist Islamic Marxist Communist "
    "Socialist Nazi Nazis Soviet Olympic Olympics Nobel Anglo US$ A$ C$ HK$ GBP USD EUR "
    "Nikkei FTSE DAX CAC Nasdaq DJIA Dow S&P Stoxx Sensex Euro Euros")
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
                         "region", "county", "district", "oblast", "state", "hall", "palace",
                         "prison", "cathedral", "mosque", "temple", "castle", "tower"})
#: Last words of names that are events, prizes or titles, not people, bodies or places.
_MISC_ENDS = frozenset({"festival", "cup", "games", "prize", "award", "awards", "open",
                        "championship", "championships", "war", "olympics", "trophy", "grand",
                        "tour", "series", "league's", "summit", "day", "week", "act",
                        "treaty", "accord", "agreement", "plan", "doctrine", "average", "index",
                        "conference", "show", "expo", "exhibition", "year", "marathon"})
#: Words that end a company's name: a given name after one starts a person ("Chrysler LLC
#: Jim Press").
_COMPANY_SUFFIXES = frozenset({"inc", "inc.", "corp", "corp.", "co.", "ltd", "ltd.", "llc",
                               "plc", "ag", "gmbh", "nv", "sa", "s.a.", "spa", "bv"})
#: Common nouns that describe an organisation right before its name ("airline Aer Lingus",
#: "retailer Best Buy"): two capitalised words there are a body, not a person.
_ORG_DESCRIPTORS = frozenset({
    "company", "firm", "airline", "carrier", "retailer", "maker", "automaker", "carmaker",
    "manufacturer", "bank", "lender", "insurer", "conglomerate", "startup", "start-up",
    "publisher", "newspaper", "magazine", "broadcaster", "website", "agency", "party",
    "club", "studio", "chain", "operator", "supplier", "contractor", "consortium",
    "subsidiary", "developer", "distributor", "regulator", "watchdog", "airliner",
    "giant", "group", "brewer", "miner", "telecom", "automaker's", "outlet", "daily",
    "tabloid", "network", "charity", "organisation", "organization", "union", "think-tank"})
#: Lower-case nouns after a name that make it an organisation ("the Sun newspaper", "the
#: Tanjug news agency", "the Wagner group").
_ORG_NOUNS_AFTER = frozenset({
    "newspaper", "daily", "weekly", "agency", "magazine", "broadcaster", "tabloid", "company",
    "firm", "group", "bank", "party", "club", "airline", "carrier", "retailer", "insurer",
    "lender", "conglomerate", "consortium", "brewer", "automaker", "carmaker", "subsidiary"})
#: Lower-case words after a town's name that make it the town's team ("Norwich striker",
#: "the Nice side", "Newcastle team mate").
_TEAM_NOUNS = frozenset({
    "striker", "forward", "midfielder", "defender", "goalkeeper", "keeper", "winger",
    "skipper", "coach", "manager", "player", "players", "batsman", "bowler", "all-rounder",
    "quarterback", "pitcher", "team", "teammate", "team-mate", "side", "squad", "fans",
    "supporters", "owner"})
#: Name particles that a second one may follow inside a name ("van der", "de la").
_PARTICLES = frozenset({"van", "von", "de", "da", "di", "du", "del", "della", "dos", "das"})
_SECOND_PARTICLES = frozenset({"der", "den", "de", "la", "le", "las", "los", "het", "ten", "ter"})
#: Lower-case nouns after an unknown name that make it a place ("the Batajnica airport",
#: "the Pamir mountains").
_PLACE_NOUNS_AFTER = frozenset({"airport", "airbase", "stadium", "mountains", "mountain", "river",
                                "valley", "church", "cathedral", "mosque", "temple", "prison",
                                "sanatorium", "square", "bridge", "dam", "lake", "island",
                                "peninsula", "plateau", "desert", "border", "crossing"})
#: Compass words that make a demonym after them a bigger one ("South Korean").
_COMPASS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern",
                      "western", "central", "northeastern", "northwestern", "southeastern",
                      "southwestern"})
#: Endings of a people's name made from its place's ("Zairean", "Surinamese", "Bosnians").
_DEMONYM_ENDINGS = ("ians", "eans", "ans", "ese", "ian", "ean", "an", "is", "i", "")
#: What a place's name may end in where its people's name ends ("Yugoslav-ia", "Surinam-e").
_PLACE_TAILS = ("", "a", "e", "ia", "o")
#: Rules whose names a results table makes teams.
_TABLE_RULES = frozenset({"two names", "capitalised", "speaker", "given name", "team"})
#: A dateline's date ("1996-08-31").
_DATE_TOKEN = re.compile(r"^\d{4}-\d\d-\d\d$")
#: Names of stock indices whose next word is part of the index, not a name.
_INDEX_WORDS = frozenset({"dow", "s&p", "ftse", "nikkei", "dax", "cac", "nasdaq", "hang"})
#: A bare model number after a maker ("Boeing 787"); years are left alone, and so are
#: scores ("Glamorgan 259", "Saqlain Mushtaq 113").
_MODEL_NUMBER = re.compile(r"^(?!19\d\d$|20\d\d$)\d{3,4}$")
_SCORE = re.compile(r"^\d{1,3}(-\d{1,3})?$")
#: A model designation after a maker's name: "A380", "X5", "S23" (letters and digits: a
#: bare number after a name is more often a score, "Leeds 2").
_MODEL = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Z]{0,3}-?\d{2,4}[A-Za-z]{0,3}$")
#: "<word> of X": X is a place ("residents of Tikht", "the outskirts of Derna").
_OF_PLACE = frozenset({"residents", "inhabitants", "citizens", "villagers", "outskirts",
                       "suburbs", "streets", "mayor", "governor", "heart", "edge",
                       "centre", "center", "north", "south", "east", "west", "people"})
#: Lower-case nouns after a town's name that make it that town's ("the Kakhovka dam").
_FACILITY_NOUNS = frozenset({"dam", "reservoir", "bridge", "airport", "port", "harbour",
                             "harbor", "canal", "river", "railway", "station", "district",
                             "region", "province", "oblast", "area", "valley", "residents"})
_PLACE_NOUNS = frozenset({"village", "town", "city", "province", "region", "district",
                          "county", "state", "area", "camp", "valley", "municipality", "port",
                          "island", "neighbourhood", "neighborhood", "suburb", "capital"})
#: Rules that name a person surely enough for a lone surname to follow them.
_STRONG_PERSON = frozenset({"title", "given name", "apposition", "initial", "who", "model"})
#: Entity labels of a statistical spaCy pipeline → mention kinds (OntoNotes labels, and PER
#: of the WikiNER-trained pipelines). Other labels name no person, organisation or place.
MODEL_KINDS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC",
               "FAC": "LOC"}
#: A model label that says a stretch the rules only guessed at is not a mention at all.
MODEL_NOT_MENTIONS = frozenset({"NORP"})
#: Rules that only guess: a model entity on exactly the same words overrides them.
_WEAK_RULES = frozenset({"capitalised", "two names", "speaker", "place preposition",
                         "place noun"})
#: Words that may follow the role of an apposition ("the minister of defence", "a spokesman
#: for the ministry", "the ambassador to France").
_AFTER_ROLE = frozenset({"of", "for", "at", "in", "to", "and", "who", "with", "from", "on",
                         "de", "del", "der", "des", "du"})
#: Words that open a role before a comma and the name it is the role of ("the president,
#: Joe Biden"; "Biden's national security adviser, Jake Sullivan").
_ROLE_OPENERS = frozenset({"'s", "’s", "the", "a", "an", "its", "his", "her", "their", "our"})
#: Stop words that still qualify a role ("most senior diplomat", "former minister").
_ROLE_MODIFIERS = frozenset({"most", "former", "top", "new", "then", "first", "acting"})
#: Short English function words that a lost space may glue onto a country's name
#: ("Ukraineas", "Chinahas"); "Chinatown" is a word, not "China" + "town".
GLUED_WORDS = frozenset({"as", "has", "is", "was", "and", "the", "in", "on", "to", "for", "of",
                         "at", "by", "with", "from", "had", "have", "will", "would", "were",
                         "are", "or", "but", "that", "said", "says", "its", "which"})
_GLUED_LENGTHS = tuple(sorted({len(w) for w in GLUED_WORDS}, reverse=True))
#: Languages that capitalise every noun: capitals alone say nothing there.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
_UNSURE = "unsure"
#: Rules that only guess from capitals and position.
_GUESSES = frozenset({"capitalised", "two names", "place preposition", "place noun"})
#: Tokens at least this long may be compounds ending in a role.
COMPOUND_ROLE = 12
#: A one-word town smaller than this is taken as a place only after "in", "at", …
SMALL_TOWN = 100_000


class _Roles:
    """The role lexicon of one language, with the indexes that make its lookups cheap (never
    different): the longest role starting with a word, the words roles end in, the one-word
    roles long enough to end a compound ("…sprecher", "…minister")."""

    __slots__ = ("forms", "last", "length", "longest", "suffixes")

    def __init__(self, forms: dict[tuple[str, ...], str]) -> None:
        #: Role words → the form the role is reported in ("" for a cue such as "Mr").
        self.forms = forms
        self.longest = max((len(r) for r in forms), default=1)
        self.suffixes = tuple(sorted(r[0] for r in forms if len(r) == 1 and len(r[0]) >= 6))
        self.length: dict[str, int] = {}
        for r in forms:
            self.length[r[0]] = max(self.length.get(r[0], 0), len(r))
        self.last = frozenset(r[-1] for r in forms)

    def compound(self, word: str) -> str | None:
        """The form of a compound ending in a role ("ministeriumssprecher" → "spokesman")."""
        for r in self.suffixes:
            if word.endswith(r):
                return self.forms[(r,)]
        return None


@dataclass(slots=True)
class _Segment:
    start: int  # token index
    end: int  # exclusive
    kind: str | None  # EntityKind, "ROLE", "DEMONYM" or None (unknown)
    entry: Entry | None = None
    rule: str = ""
    role: str | None = None


#: What the rules read from a word type (a spaCy lexeme), in a tuple indexed by these.
_TEXT, _KEY, _LOWER, _ALPHA, _STOP, _TITLE, _IS_LOWER, _PUNCT, _SPACE, _UPPER, _CAP, _LONG, \
    _LONG_UPPER, _LOWER_FORM, _KNOWN, _KNOWN_CAPS, _MARKED, _KEY_DIGIT = range(18)
_Lexeme = tuple[Any, ...]
#: Word types remembered per vocabulary before the memory is cleared (a bound on memory).
LEXICON_SIZE = 50_000


class _Tokens:
    """A ``Doc`` read once into plain lists: spaCy builds a new Token object (and a Span for
    every slice) on each access, and the rules look at each token many times.

    Only what differs between tokens of one word type is read per token, in one
    ``doc.to_array`` call: the word, its trailing space, its offset, whether it starts a
    sentence. The rest is a property of the word type and comes from the recogniser's
    ``_lexemes``, read from spaCy's lexeme once per type: ``info[i][_LOWER]`` is
    ``doc[i].lower_``, ``info[i][_STOP]`` is ``doc[i].is_stop`` … so the rules see exactly
    what the tokens would say.
    """

    __slots__ = ("by_orth", "doc", "idx", "info", "key", "long_upper", "marked", "n", "roles",
                 "sentences", "starts", "text", "upper", "ws")

    def __init__(self, doc: Doc, lexemes: Callable[[Doc, list[int]], list[_Lexeme]],
                 roles: _Roles) -> None:
        self.doc = doc
        #: The role lexicon of the document's language.
        self.roles = roles
        self.n = n = len(doc)
        array = doc.to_array(_ATTRS) if n else np.zeros((0, len(_ATTRS)), dtype="uint64")
        cols: list[list[int]] = array[:, :3].T.tolist()
        self.ws, self.idx = cols[1], cols[2]
        #: (start, end) of each sentence, as ``doc.sents`` gives them (without its Spans).
        self.sentences = _sentences(doc, (np.flatnonzero(array[1:, 3] == 1) + 1).tolist())
        self.starts = frozenset(s for s, _ in self.sentences)
        self.info = info = lexemes(doc, cols[0])
        self.by_orth = dict(zip(cols[0], info, strict=True))
        self.text: list[str] = [x[_TEXT] for x in info]
        self.key: list[str] = [x[_KEY] for x in info]
        #: Tokens with a capital letter first or only capitals (a few in ordinary text).
        self.marked = [i for i, x in enumerate(info) if x[_MARKED]]
        #: Tokens that start with a capital letter (the cheap first test), in order.
        self.upper = [i for i in self.marked if info[i][_UPPER]]
        #: Words of more than one letter, all capitals, in order (for ``caps``).
        self.long_upper = [i for i in self.marked if info[i][_LONG_UPPER]]

    def has_lower_word(self, word: str) -> bool:
        """Whether the doc has ``word`` as a token in lower-case letters ("officials")."""
        x = self.by_orth.get(self.doc.vocab.strings[word])
        return x is not None and x[_LOWER_FORM] is not None

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``: the tokens with the spaces between them."""
        text, last = self.text, end - 1
        if start >= last:
            return text[start] if start == last else ""
        ws = self.ws
        return "".join([text[k] + " " if ws[k] else text[k] for k in range(start, last)]) \
            + text[last]

    def start_char(self, i: int) -> int:
        return self.idx[i]

    def end_char(self, end: int) -> int:
        """``doc[start:end].end_char`` (``end`` > start)."""
        return self.idx[end - 1] + len(self.text[end - 1])

    def caps(self, start: int, end: int) -> bool:
        """Most letters of ``doc[start:end]`` are capitals: capitalisation carries no signal."""
        at = bisect.bisect_left(self.long_upper, start)
        if at == len(self.long_upper) or self.long_upper[at] >= end:
            return False  # no word in capitals at all (most sentences)
        words = [x for x in self.info[start:end] if x[_LONG]]
        return len(words) >= 2 and sum(x[_LONG_UPPER] for x in words) / len(words) > 0.6


def _sentences(doc: Doc, later_starts: list[int]) -> list[tuple[int, int]]:
    """``doc.sents`` as (start, end): from token 0 and each later token whose sentence start
    is 1 (``later_starts``) to the next, or to the end."""
    if "sents" in doc.user_hooks or not doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]  # (or its error)
    if not len(doc):
        return []
    starts = [0, *later_starts]
    return list(zip(starts, [*later_starts, len(doc)], strict=True))


#: What ``_Tokens`` reads from spaCy per token.
_ATTRS: list[int | str] = ["ORTH", "SPACY", "IDX", "SENT_START"]
_Found = tuple[int, int, str, str, Entry | None, str | None]


class EntityRecogniser:
    """Rule-based recogniser over a spaCy ``Doc``; stateless apart from its tables."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gaz = gazetteer or load()
        self.stop = stopwords()
        self.common = common_words()
        #: Role lexicons per document language (a role counts in the languages it is one in).
        self._roles: dict[str, _Roles] = {}
        # An index that only makes the lookups cheaper, never different: the most words of a
        # gazetteer name starting with a word.
        #: One-word names of countries, their states and regions (for derived demonyms).
        self.place_words = frozenset(
            name for name, entries in self.gaz.names.items() if " " not in name and
            any(e.level in ("country", "state", "region") for e in entries))
        #: Words read by ``_glued`` (a bounded memo: the same unknown words recur).
        self._glued_memo: dict[str, Entry | None] = {}
        #: Words that head a name continued by "of the …" (organisations and places).
        self.heads = self.gaz.org_ends | self.gaz.org_starts | _PLACE_ENDS
        self.name_len: dict[str, int] = {}
        for name in self.gaz.names:
            first = name.split(" ", 1)[0]
            self.name_len[first] = max(self.name_len.get(first, 0), name.count(" ") + 1)
        #: Per vocabulary (kept alive here, so that its id is not reused): word id → lexeme.
        self._vocabularies: dict[int, tuple[Vocab, dict[int, _Lexeme]]] = {}

    def _lexemes(self, doc: Doc, orths: list[int]) -> list[_Lexeme]:
        """What the rules read from each token's word type, remembered per vocabulary (the
        flags are spaCy's, and differ between languages: "die" is a stop word in German)."""
        vocab = doc.vocab
        held = self._vocabularies.get(id(vocab))
        if held is None or held[0] is not vocab:
            if len(self._vocabularies) >= 8:
                self._vocabularies.clear()
            held = self._vocabularies[id(vocab)] = (vocab, {})
        table = held[1]
        if len(table) > LEXICON_SIZE:
            table.clear()
        info = list(map(table.get, orths))
        if None in info:
            for i, x in enumerate(info):
                if x is None:
                    x = table.get(orths[i])
                    if x is None:
                        x = table[orths[i]] = self._lexeme(vocab[orths[i]])
                    info[i] = x
        return info  # type: ignore[return-value]  # no None left

    def _lexeme(self, lex: Lexeme) -> _Lexeme:
        text = lex.orth_
        k = key(text)
        alpha = lex.is_alpha
        first_upper = text[:1].isupper()
        cap = first_upper and any(c.isalpha() for c in text)
        upper = text.isupper()
        long = alpha and len(text) > 1
        known_caps = k if upper and len(text) > 1 and self.gaz.names.get(k) and \
            k not in self.common else None
        return (
            text, k, lex.lower_, alpha, lex.is_stop, lex.is_title, lex.is_lower, lex.is_punct,
            lex.is_space, first_upper, cap, long, long and upper,
            text if alpha and text.islower() else None,
            # Known names: capitalised (not at a sentence start, checked per token), or in
            # capitals and in the gazetteer.
            k if cap and not upper and not lex.is_stop else None,
            known_caps,
            first_upper or (long and upper) or known_caps is not None,
            any(c.isdigit() for c in k),
        )

    # -- 1. runs of capitalised tokens ---------------------------------------------------
    def _runs(self, doc: _Tokens, sentences: list[tuple[int, int]], known: set[str]
              ) -> list[tuple[int, int]]:
        runs: list[tuple[int, int]] = []
        text, info, ws, keys = doc.text, doc.info, doc.ws, doc.key
        upper = doc.upper
        at, n_upper = 0, len(upper)
        for sent_start, end in sentences:
            caps = doc.caps(sent_start, end)
            i = sent_start
            while i < end:
                if not caps:
                    # Outside capitals only a capitalised token can start a name: skip on.
                    while at < n_upper and upper[at] < i:
                        at += 1
                    if at == n_upper or upper[at] >= end:
                        break
                    i = upper[at]
                if not self._starts_name(doc, i, sent_start, caps, known):
                    i += 1
                    continue
                j = i + 1
                while j < end:
                    if (info[j][_CAP] and keys[j] not in _TIME_WORDS) if not caps else \
                            self._name_token(doc, j, caps, known):
                        if keys[j - 1] in _COMPANY_SUFFIXES and self._given(doc, j):
                            break  # "Chrysler LLC | Jim Press"
                        j += 1
                    elif (text[j].lower() in CONNECTORS and j + 1 < end
                          and self._name_token(doc, j + 1, caps, known) and not caps):
                        j += 2
                    elif (info[j][_LOWER] in _PARTICLES and j + 2 < end and not caps
                          and info[j + 1][_LOWER] in _SECOND_PARTICLES and info[j + 2][_CAP]):
                        j += 3  # "Joost van der Westhuizen", "Oscar de la Hoya"
                    elif (text[j] == "-" and j + 3 < end and not ws[j - 1] and not ws[j]
                          and info[j + 1][_IS_LOWER] and len(text[j + 1]) <= 3
                          and text[j + 2] == "-" and not ws[j + 1] and not ws[j + 2]
                          and info[j + 3][_CAP]):
                        j += 4  # "Inzamam-ul-Haq", "Ata-ur-Rehman"
                    elif (info[j][_LOWER] == "of" and j + 2 < end and info[j + 1][_LOWER] == "the"
                          and not caps and info[j + 2][_CAP] and keys[j - 1] in self.heads):
                        j += 3  # "Great Hall of the People", "Ministry of the Interior"
                    elif (info[j][_LOWER] in ("al", "el", "bin", "ibn", "abu") and j + 2 < end
                          and text[j + 1] == "-" and not ws[j] and info[j + 2][_CAP]):
                        j += 3  # "Tarek al-Kharraz"
                    elif (text[j] in ("-", "'") and j + 1 < end and not ws[j - 1]
                          and not ws[j] and info[j + 1][_CAP]):
                        j += 2  # "Mao Tse-Tung", "Chester-le-Street" continue one name
                    else:
                        break
                if caps and self.name_len.get(keys[i], 0) > j - i:
                    # A gazetteer name whose later words are no names alone ("UNITED
                    # NATIONS", "ST LOUIS")
                    for m in range(min(self.name_len[keys[i]], end - i), j - i, -1):
                        if " ".join(keys[i:i + m]) in self.gaz.names:
                            j = i + m
                            break
                if j < end and text[j] == "-" and not ws[j - 1] \
                        and j + 1 < end and info[j + 1][_IS_LOWER]:
                    i = j  # "Dublin-born", "U.S.-based": an adjective, not a mention
                    continue
                runs.extend(self._split_joined(doc, i, j))
                i = j
        return runs

    def roles(self, lang: str) -> _Roles:
        """The role lexicon of documents in ``lang``."""
        held = self._roles.get(lang)
        if held is None:
            held = self._roles[lang] = _Roles(self.gaz.roles_in(lang))
        return held

    def _given(self, doc: _Tokens, i: int) -> bool:
        """A given name or an initial."""
        t = doc.text[i]
        return doc.key[i] in self.gaz.first_names or (len(t) == 2 and t[1] == "."
                                                      and t[0].isupper())

    def _split_joined(self, doc: _Tokens, start: int, end: int) -> list[tuple[int, int]]:
        """Split "Britain and France" in two unless the whole is one name ("Bosnia and
        Herzegovina", "Procter & Gamble", "Department of State")."""
        info, keys = doc.info, doc.key
        joins = [k for k in range(start + 1, end - 1) if (info[k][_LOWER] in JOINING and not (
                    info[k][_LOWER] == "the" and info[k - 1][_LOWER] == "of")) or
                 (info[k][_LOWER] == "of" and self._given(doc, start) and k - start <= 3
                  and keys[k - 1] not in self.gaz.org_ends)]
        # ("John Casesa of Schroder Wertheim": a person of an organisation.)
        if not joins:
            return [(start, end)]
        words = keys[start:end]
        if self.gaz.names.get(" ".join(words)):
            return [(start, end)]
        if words[-1] in self.gaz.org_ends:
            # Two organisations ("Johnson Controls Inc and Lear Corp") or one.
            # ("John Casesa of Schroder Wertheim & Co": a person of a firm.)
            joins = [k for k in joins if (info[k][_LOWER] in ("and", "&") and
                     keys[k - 1] in self.gaz.org_ends) or (info[k][_LOWER] == "of" and
                                                           self._given(doc, start))]
            if not joins:
                return [(start, end)]
        out, begin = [], start
        for k in joins:
            if k > begin:
                out.append((begin, k))
            begin = k + 1
        out.append((begin, end))
        return out

    def _name_token(self, doc: _Tokens, i: int, caps: bool, known: set[str]) -> bool:
        k = doc.key[i]
        if caps:
            return k in known or (bool(self.gaz.names.get(k)) and k not in self.common) or (
                self.name_len.get(k, 0) > 1 and any(  # "NEW YORK", "SOUTH AFRICA"
                    " ".join(doc.key[i:i + m]) in self.gaz.names
                    for m in range(2, min(self.name_len[k], doc.n - i) + 1)))
        return bool(doc.info[i][_CAP]) and k not in _TIME_WORDS

    def _starts_name(self, doc: _Tokens, i: int, sent_start: int, caps: bool,
                     known: set[str]) -> bool:
        t = doc.text[i]
        k = doc.key[i]
        if len(t) == 2 and t[1] == "." and t[0].isupper():
            return not caps  # an initial: "A. Dale", "I. Austin"
        if not self._name_token(doc, i, caps, known) or k in _NOT_NAMES or k in _TIME_WORDS:
            return False
        if not caps and t.isupper() and len(t) >= 2 and t.isalpha():
            return True  # an acronym ("GM", "NATO") is never an ordinary word opening a line
        info = doc.info
        first = i == sent_start or (not info[i - 1][_ALPHA] and doc.text[i - 1] in
                                    "\"“‘'«„(-—–:")
        # "The", "But", "Officials": a sentence opening, not a name.
        low = info[i][_LOWER]  # not folded: "U.S." is not "us"
        if first and low.endswith("ly") and len(low) > 5 and i + 1 < doc.n and \
                doc.text[i + 1] == ",":
            return False  # "Unfortunately, …": an adverb

        stop = info[i][_STOP]
        common = stop or doc.has_lower_word(low) or low in self.common
        n = doc.n
        if first and common and not stop and i + 1 < n and info[i + 1][_TITLE]:
            if info[i + 1][_LOWER] not in self.common:
                return True  # "Tamer Ramadan, who heads …": a name after all
            for j in range(i + 1, min(i + 5, n)):
                if not info[j][_TITLE]:
                    break
                if doc.key[j] in self.gaz.org_ends:
                    return True  # "General Motors Corporation said …"
            roles = doc.roles
            for m in range(min(roles.length.get(k, 0), n - i - 1), 1, -1):
                if tuple(doc.key[i:i + m]) in roles.forms and info[i + m][_CAP]:
                    return True  # "State Councilor Qin Gang …": a title, then its name
        return not (first and not caps and common and k not in known)

    # -- 2. split a run ------------------------------------------------------------------
    def _segments(self, doc: _Tokens, start: int, end: int) -> list[_Segment]:
        out: list[_Segment] = []
        i = start
        pending = start
        text, keys, info = doc.text, doc.key, doc.info
        roles, names, demonyms = doc.roles, self.gaz.names, self.gaz.demonyms
        peoples = self.gaz.peoples
        forms = roles.forms
        while i < end:
            found = None
            t = text[i]
            compound = roles.compound(keys[i]) if len(t) >= COMPOUND_ROLE and \
                doc.doc.lang_ in NOUNS_CAPITALISED else None
            if "-" in t and (key(t.rsplit("-", 1)[1]),) in forms:
                # "US-Außenminister", "ex-President": a role with a prefix
                found = _Segment(i, i + 1, "ROLE", role=forms[(key(t.rsplit("-", 1)[1]),)])
            elif compound is not None:
                # German compounds: "Ministeriumssprecher", "Bundesaußenminister"
                found = _Segment(i, i + 1, "ROLE", role=compound)
            if found is None:
                # Longest first; no role or name is longer than its first word allows.
                k = keys[i]
                longest = max(roles.length.get(k, 0),
                              self.name_len.get(k.split(" ", 1)[0] if " " in k else k, 0),
                              1 if k in demonyms or k in peoples else 0)
                for n in range(min(7, end - i, longest), 0, -1):
                    words = tuple(keys[i: i + n])
                    if words in forms and not (n == 1 and i > pending and self._given(doc, i - 1)):
                        # (A one-word role right after a given name is a surname: "John
                        # Major", "Carole King".)
                        found = _Segment(i, i + n, "ROLE", role=forms[words])
                        break
                    entries = names.get(" ".join(words))
                    # The most likely reading that fits: a small town called "Montana"
                    # does not hide the state.
                    e = next((x for x in entries or () if self._plausible(doc, i, i + n, end, x)),
                             None)
                    if e is not None:
                        found = _Segment(i, i + n, e.kind, e, "gazetteer")
                        break
                    if n == 1 and (words[0] in demonyms or words[0] in peoples):
                        found = _Segment(i, i + 1, "DEMONYM")
                if found is None and info[i][_TITLE] and info[i][_ALPHA]:
                    glued = self._glued(keys[i])
                    if glued is not None:  # "Ukraineas": "Ukraine" and "as", a space lost
                        found = _Segment(i, i + 1, "GPE", glued, "glued")
            if found is not None and found.end - found.start == 1 and found.kind in ("GPE", "LOC") \
                    and i > pending and (self._given(doc, i - 1) or self._surname_place(
                        doc, pending, i, end, found)):
                found = None  # "Neil Jordan", "Fritz Henderson": a surname that is also a place
            if found is None or t.lower() in CONNECTORS:
                i += 1
                continue
            if pending < i:
                out.append(_Segment(pending, i, None))
            out.append(found)
            i = pending = found.end
        if pending < end:
            out.append(_Segment(pending, end, None))
        return self._absorb(doc, out)

    def _derived_demonym(self, word: str) -> bool:
        """A people's name made from a place's ("zairean", "surinamese", "yugoslav")."""
        if len(word) < 5 or word in self.common:
            return False
        places = self.place_words
        for ending in _DEMONYM_ENDINGS:
            if ending and not word.endswith(ending):
                continue
            stem = word[:len(word) - len(ending)]
            if len(stem) >= 4 and any(stem + tail in places for tail in _PLACE_TAILS):
                return True
        return False

    @staticmethod
    def _town(kind: str, entry: Entry | None) -> bool:
        """A town of the gazetteer, which a team may be named after (a country's or a
        region's team, "Scotland", is the place in news usage)."""
        return kind in ("GPE", "LOC") and entry is not None and entry.level == "city"

    @staticmethod
    def _team_after(doc: _Tokens, end: int) -> bool:
        """What follows a town's name makes it a team: a score ("Leeds 2"), or a player or
        other noun of a team ("Norwich striker", "the Nice side")."""
        if end >= doc.n:
            return False
        if _SCORE.match(doc.text[end]):
            # (not a distance or an amount: "Sergiyev Posad 70 km")
            after = doc.info[end + 1] if end + 1 < doc.n else None
            return after is None or not after[_IS_LOWER] or after[_LOWER] in ("and", "v", "vs")
        return doc.info[end][_LOWER] in _TEAM_NOUNS

    @staticmethod
    def _dateline(doc: _Tokens, start: int, end: int) -> bool:
        """A place opening its line before a comma or a date: "NICE, France 1996-08-30"."""
        if end >= doc.n or not (start in doc.starts or start == 0 or "\n" in doc.text[start - 1]):
            return False
        return doc.text[end] == "," or bool(_DATE_TOKEN.match(doc.text[end]))

    @staticmethod
    def _table_row(doc: _Tokens, start: int, end: int) -> bool:
        """A name in a results or standings line: "Partick 1 St Mirren 1", "Greenock Morton
        3 2 0 1 5 2 6" (one score after a person's name is a batting line: not this)."""
        text, n = doc.text, doc.n
        numbers = 0
        while end + numbers < n and _SCORE.match(text[end + numbers]):
            numbers += 1
        if numbers >= 5:
            return True  # (four numbers are a golfer's rounds)
        if numbers != 1:
            return False
        after = end + 1
        line_end = after >= n or "\n" in text[after] or text[after] in ("(", ".")
        if line_end and start >= 2 and _SCORE.match(text[start - 1]) and doc.info[start - 2][_CAP]:
            return True  # the second team of "Partick 1 St Mirren 1"
        # The first team: another name, then a score ending the line.
        j = after
        while j < n and doc.info[j][_CAP] and j - after < 4:
            j += 1
        return j > after and j < n and _SCORE.match(text[j]) is not None and (
            j + 1 >= n or "\n" in text[j + 1] or text[j + 1] in ("(", "."))

    def _glued(self, word: str) -> Entry | None:
        memo = self._glued_memo
        if word not in memo:
            if len(memo) > LEXICON_SIZE:
                memo.clear()
            memo[word] = self._glued_word(word)
        return memo[word]

    def _glued_word(self, word: str) -> Entry | None:
        """The country of a word that is a country's name with a short function word glued
        on by a lost space ("chinahas", "ukraineas"); never an ordinary word, a demonym
        ("omanis" is Omanis, not "Oman is") or another name ("chinatown")."""
        if len(word) < 6 or word in self.common or word in self.gaz.names:
            return None
        demonyms = self.gaz.demonyms
        if word in demonyms or word[:-1] in demonyms:
            return None
        for n in _GLUED_LENGTHS:
            if len(word) - n < 4 or word[-n:] not in GLUED_WORDS:
                continue
            country = word[:-n]
            if n == 2 and word.endswith("is") and country[-1] not in "aeiouy":
                continue  # "Iraqis", "Israelis": a people, whatever the demonym table says
            entry = next((e for e in self.gaz.names.get(country, ()) if e.level == "country"),
                         None)
            if entry is not None:
                return entry
        return None

    def _glued_tail(self, word: str) -> int:
        """How many characters of ``word`` (which ``_glued`` read) are the glued-on word."""
        for n in _GLUED_LENGTHS:
            if len(word) > n and word[-n:].lower() in GLUED_WORDS and any(
                    e.level == "country" for e in self.gaz.names.get(key(word[:-n]), ())):
                return n
        return 0

    def _surname_place(self, doc: _Tokens, pending: int, i: int, end: int,
                       found: _Segment) -> bool:
        """A town name ending a run after one unknown capitalised word is a surname
        ("Fritz Henderson"), unless the word is an ordinary one ("Downtown Houston")."""
        return (i == pending + 1 and found.end == end and found.entry is not None
                and found.entry.level == "city" and bool(doc.info[pending][_TITLE])
                and doc.key[pending] not in self.common and doc.key[pending] not in self.stop
                and doc.key[pending] not in CONNECTORS and not doc.info[pending][_LONG_UPPER])

    def _plausible(self, doc: _Tokens, start: int, end: int, run_end: int, entry: Entry) -> bool:
        """A one-word town is rarely meant when the word is a given name before another
        name ("Antony Blinken"), an acronym ("GAO" is not Gao in Mali) or the town is small
        and nothing says "place"."""
        if end - start > 1 or entry.level != "city":
            return True
        t = doc.text[start]
        if t.isupper() and len(t) <= _ACRONYM_MAX and not entry.canonical.isupper() \
                and start > 0 and not doc.info[start - 1][_SPACE] and start not in doc.starts \
                and not doc.caps(max(0, start - 8), end + 8):
            return False  # (a dateline, "BONN 1996-08-22", opens its line)
        word = doc.key[start]
        if word in self.gaz.first_names and end < run_end:
            return False
        if self._role_before(doc, start) is not None:
            return False  # "President Bush", "Minister Paris": a title names a person
        if entry.population >= SMALL_TOWN:
            return True
        if start > 0 and doc.info[start - 1][_LOWER] in _PLACE_PREPOSITIONS:
            return True
        # "the Kakhovka dam", "KHERSON, Ukraine": what follows says "place".
        return end < doc.n and (doc.text[end] in _FACILITY_NOUNS
                                or self._country_follows(doc, end, entry))

    def _country_follows(self, doc: _Tokens, i: int, entry: Entry) -> bool:
        """", Ukraine" (or ", Ukr.") right after a town of that country: a dateline or an
        address, and the surest sign a small town is meant."""
        if i + 1 >= doc.n or doc.text[i] != "," or entry.country is None:
            return False
        for n in range(1, 4):
            if i + 1 + n > doc.n:
                break
            found = self.gaz.names.get(" ".join(doc.key[i + 1: i + 1 + n]), ())
            if any(e.level == "country" and e.country == entry.country for e in found):
                return True
        return False

    def _absorb(self, doc: _Tokens, segs: list[_Segment]) -> list[_Segment]:
        """Glue a place or demonym onto an unknown stretch ending in an organisation head
        ("Sheffield United", "Russian Orthodox Church"), and unknown words onto a known
        organisation they extend ("Apple Daily")."""
        keys, org_ends, org_starts = doc.key, self.gaz.org_ends, self.gaz.org_starts
        for n in range(len(segs) - 1):
            role, nxt = segs[n], segs[n + 1]
            if role.kind == "ROLE" and nxt.kind is None and role.end == nxt.start and \
                    keys[nxt.end - 1] in org_ends:
                # "General Motors", "General Electric": a company, not a general.
                segs = [*segs[:n], _Segment(role.start, nxt.end, "ORG", None,
                                            "organisation head"), *segs[n + 2:]]
                break
        last = segs[-1] if segs else None
        if last is not None and len(segs) > 1 and (
                last.kind == "ORG" or (last.kind is None and keys[last.end - 1]
                                       in org_ends and last.end - last.start > 0)) \
                and all(s.kind in ("GPE", "LOC", "DEMONYM", "ORG", None) for s in segs[:-1]) \
                and all(a.end == b.start for a, b in itertools.pairwise(segs)):
            # "U.S. State Department", "North Korean Red Cross", "Central Jakarta District
            # Court": the whole run names the organisation.
            return [_Segment(segs[0].start, last.end, "ORG", last.entry if last.kind == "ORG"
                             and segs[0].start == last.start else None, "organisation head")]
        if len(segs) == 2 and segs[0].kind == "GPE" and segs[0].entry is not None and \
                segs[0].entry.level == "city" and segs[1].kind is None and \
                segs[0].end == segs[1].start and doc.info[segs[1].start][_LOWER] not in CONNECTORS \
                and keys[segs[1].end - 1] not in _MISC_ENDS:
            # "Philadelphia Eagles", "Chicago Bulls": a city's team or firm.
            return [_Segment(segs[0].start, segs[1].end, "ORG", None, "city and name")]
        merged: list[_Segment] = []
        for seg in segs:
            if merged and seg.kind is None and seg.end - seg.start == 1 and \
                    merged[-1].kind in ("GPE", "LOC") and seg.start == merged[-1].end and \
                    keys[seg.start] in _PLACE_ENDS:
                prev = merged.pop()  # "Dnipro River", "Hudson Bay": one place, which
                # is the gazetteer's when it names a river or sea ("Dnipro" = the river)
                merged.append(_Segment(prev.start, seg.end, "LOC",
                                       prev.entry if prev.kind == "LOC" else None,
                                       "place word"))
                continue
            if merged and seg.kind is None and merged[-1].kind in ("GPE", "LOC", "DEMONYM") \
                    and keys[seg.end - 1] in org_ends:
                prev = merged.pop()
                merged.append(_Segment(prev.start, seg.end, "ORG", rule="organisation head"))
                continue
            if merged and seg.kind in ("ORG",) and seg.entry is not None and \
                    merged[-1].kind is None and seg.start == merged[-1].end and \
                    keys[seg.end - 1] in org_ends and keys[merged[-1].start] in org_starts:
                prev = merged.pop()
                merged.append(_Segment(prev.start, seg.end, "ORG", rule="organisation head"))
                continue
            if merged and seg.kind in ("GPE", "LOC") and merged[-1].kind is None and \
                    seg.start == merged[-1].end and merged[-1].end - merged[-1].start == 1 and \
                    keys[merged[-1].start] in _COMPASS:
                prev = merged.pop()  # "North Caucasus", "Western Europe": a part of a place
                merged.append(_Segment(prev.start, seg.end, "LOC", rule="place word"))
                continue
            if merged and seg.kind in ("GPE", "LOC") and merged[-1].kind is None and \
                    seg.start == merged[-1].end and keys[merged[-1].start] in org_starts:
                prev = merged.pop()  # "Bank of Canada", "Air France"
                merged.append(_Segment(prev.start, seg.end, "ORG", rule="organisation head"))
                continue
            merged.append(seg)
        return merged

    # -- 3. classify unknown stretches ---------------------------------------------------
    def _classify(self, doc: _Tokens, seg: _Segment, before: _Segment | None,
                  after: _Segment | None) -> tuple[str | None, str, str | None]:
        """(kind, rule, role) for an unknown stretch; kind None drops it."""
        kind, rule, role = self._guess(doc, seg, before, after)
        if rule in _GUESSES and doc.doc.lang_ in NOUNS_CAPITALISED:
            # German writes every noun with a capital: "Reise", "Angaben" are no names.
            # Only evidence (gazetteer, titles, given names, appositions) counts there; a
            # guess survives only as the surname of a person named with evidence.
            return kind, _UNSURE, role
        return kind, rule, role

    def _guess(self, doc: _Tokens, seg: _Segment, before: _Segment | None,
               after: _Segment | None) -> tuple[str | None, str, str | None]:
        s, e = seg.start, seg.end
        words = doc.key[s:e]
        # Split-off connectors at the edges mean nothing on their own; "of Intelligence"
        # after "Director" is the rest of a title.
        if words[0] in CONNECTORS or words[-1] in CONNECTORS:  # (so also all connectors)
            return None, "", None
        if len(words) == 1 and doc.info[s][_KEY_DIGIT]:
            return None, "", None  # "A380", "G5": models and codes, not names
        if words[-1] in _MISC_ENDS or (words[0] in _NOT_NAMES
                                       and all(w in _NOT_NAMES for w in words)):
            return None, "", None
        if after is not None and after.kind == "DEMONYM" and after.start == e and \
                words[-1] in _COMPASS:
            return None, "", None  # "South Korean", "North American": a bigger demonym
        if len(words) == 1 and self._derived_demonym(words[0]):
            return None, "", None  # "Zairean", "Surinamese": a people, not a name
        if any(tuple(doc.key[s:s + n]) in doc.roles.forms
               for n in range(e - s + 1, min(doc.roles.longest, doc.n - s) + 1)):
            return None, "", None  # "National security adviser Jake Sullivan": a role's
            # capitalised first word (the role itself goes to the name after it)
        if len(words) > 1 and words[-1] in _PLACE_ENDS:
            return "LOC", "place word", None
        if "of" in words[2:] and words[words.index("of") - 1] in _PLACE_ENDS and \
                words[0] not in self.gaz.org_starts:
            return "LOC", "place word", None  # "the Great Hall of the People"
        first = doc.text[s]
        if len(words) > 1 and len(first) == 2 and first.endswith("."):
            return "PERSON", "initial", None
        if (len(words) > 1 and words[-1] in self.gaz.org_ends) or "&" in words[1:-1] or (
                len(words) > 1 and words[0] in self.gaz.org_starts
                and any(w in ("of", "for", "de", "del") for w in words)):
            return "ORG", "organisation head", None
        text = doc.span_text(s, e)
        if len(words) == 1 and text.isupper() and 2 <= len(text.replace(".", "")) \
                <= _ACRONYM_MAX and not doc.caps(max(0, s - 8), e + 8):
            if s > 0 and doc.text[s - 1][:1].isdigit():
                return None, "", None  # "16 GB", "300 MW": a unit after a number
            return "ORG", "acronym", None
        role = before.role if before is not None and before.kind == "ROLE" else None
        if role is None:
            role = self._role_before(doc, s)
        if role is None:
            role = self._role_ahead(doc, s)
        if role is not None:
            return "PERSON", "title", role
        if words[0] in self.gaz.first_names and (len(words) > 1 or self._surname_follows(doc, seg)):
            return "PERSON", "given name", None
        appos = self._apposition_role(doc, e)
        if appos is not None:
            return "PERSON", "apposition", appos
        n = doc.n
        prev = doc.text[s - 1].lower() if s > 0 else ""
        nxt = doc.text[e].lower() if e < n else ""
        nxt2 = doc.info[e + 1][_LOWER] if e + 1 < n else ""
        before2 = doc.info[s - 2][_LOWER] if s > 1 else ""
        if nxt in _ORG_NOUNS_AFTER or (nxt == "news" and nxt2 in ("agency", "service")):
            return "ORG", "described", None  # "the Sun newspaper", "the Tanjug news agency"
        if nxt in _TEAM_NOUNS and prev not in _PLACE_PREPOSITIONS:
            return "ORG", "team", None  # "the Inter Milan player", "Eagles owner"
        if len(words) == 1 and words[0] in self.gaz.first_names and \
                words[0] not in self.common:
            return "PERSON", "given name", None  # "his wife Naina", "Lisa was a rebel"
        if prev == "of" and before2 in _OF_PLACE and len(words) <= 3 \
                and words[-1] not in self.gaz.org_ends:
            return "GPE", "place noun", None  # "residents of Tikht said", "mayor of Derna"
        if (nxt in _PERSON_PRONOUN_AFTER and len(words) > 1) or (
                nxt == "," and nxt2 in _PERSON_PRONOUN_AFTER):
            return "PERSON", "who", None  # "Tamer Ramadan, who heads …"
        if prev in _PLACE_PREPOSITIONS and len(words) == 1 and after is None:
            return "GPE", "place preposition", None
        if prev in _ORG_DESCRIPTORS and words[0] not in self.gaz.first_names:
            return "ORG", "described", None  # "airline Aer Lingus"
        if s > 0 and doc.key[s - 1] in _INDEX_WORDS:
            return None, "", None  # "Dow Jones": a stock index
        if len(words) > 1 and any(doc.ws[s:e - 1]) \
                and all(x[_TITLE] for x in doc.info[s:e] if x[_ALPHA]) \
                and not any(w in CONNECTORS for w in words) and len(words) <= 4 \
                and words[0] not in self.common:  # "Great Hall", "Supreme Leader"
            return "PERSON", "two names", None
        if len(words) > 1 and prev in _SPEECH:
            return "PERSON", "speaker", None
        if len(words) > 1:
            return "ORG", "capitalised", None
        if words[0] in self.stop:
            return None, "", None
        if words[0] in self.common:
            # "Government", "Police": a word, capitalised; or the surname of a person the
            # document names in full ("Steve Jobs … Jobs"), which step 4 decides.
            return "PERSON", _UNSURE, None
        if nxt in _SPEECH or prev in _SPEECH:
            return "PERSON", "speaker", None
        if words[0] in _COMPASS:
            # "the North accepted", but "Northern and Northeastern states": adjectives
            return ("LOC", "place noun", None) if not words[0].endswith("ern") else (None, "", None)
        if nxt in _PLACE_NOUNS or nxt in _PLACE_NOUNS_AFTER or (
                prev == "of" and before2 in _PLACE_NOUNS):
            return "GPE", "place noun", None  # "Sikhin village", "the town of Tavildara"
        return "ORG", "capitalised", None

    def _surname_follows(self, doc: _Tokens, seg: _Segment) -> bool:
        return False

    def _role_before(self, doc: _Tokens, i: int) -> str | None:
        """A lower-case role title right before a name: "foreign minister Wang Yi", "China's
        top diplomat Wang Yi" ("" for a cue: "herr Schmidt")."""
        roles = doc.roles
        if i == 0 or doc.key[i - 1] not in roles.last:
            return None  # every role ends in one of those words
        keys = doc.key
        for n in range(min(roles.longest, i), 0, -1):
            form = roles.forms.get(tuple(keys[i - n: i]))
            if form is not None:
                return self._with_modifiers(doc, i - n, form)
        return None

    def _role_ahead(self, doc: _Tokens, i: int) -> str | None:
        """The role of a name after a role and a comma, when a determiner or a possessive
        opens the role: "Biden's national security adviser, Jake Sullivan", "the
        company's chief executive, …", "the president, Joe Biden"."""
        if i < 3 or doc.text[i - 1] != ",":
            return None
        roles, keys = doc.roles, doc.key
        end = i - 1
        if keys[end - 1] not in roles.last:
            return None
        for n in range(min(roles.longest, end), 0, -1):
            form = roles.forms.get(tuple(keys[end - n: end]))
            if not form:
                continue
            first = self._modifiers(doc, end - n)
            opener = doc.info[first - 1][_LOWER] if first > 0 else ""
            if opener in _ROLE_OPENERS:
                return self._with_modifiers(doc, end - n, form)
            return None
        return None

    def _modifiers(self, doc: _Tokens, k: int) -> int:
        """Where the lower-case words qualifying a role at ``k`` start ("top" diplomat,
        "former" foreign minister, "ministry" spokesman): up to two, English only."""
        if doc.doc.lang_ != "en":
            return k
        info, first = doc.info, k
        while first > max(0, k - 2):
            x = info[first - 1]
            word = x[_LOWER]
            if not (x[_IS_LOWER] and x[_ALPHA]) or (word in self.stop and word not in
                                                     _ROLE_MODIFIERS) or word.endswith("ly"):
                break
            first -= 1
        return first

    def _with_modifiers(self, doc: _Tokens, k: int, form: str) -> str:
        """The role at ``k`` reported with the words that qualify it ("top diplomat")."""
        if not form:
            return form  # a cue: no role to qualify
        first = self._modifiers(doc, k)
        if first == k:
            return form
        return f"{doc.span_text(first, k).lower()} {form}"

    def _apposition_role(self, doc: _Tokens, i: int) -> str | None:
        """"X, the foreign minister," / "X, a spokesman for …" / "X, China's top diplomat,"."""
        n_tokens = doc.n
        if i + 2 >= n_tokens or doc.text[i] != ",":
            return None
        j = i + 1
        if doc.info[j][_LOWER] in ("the", "a", "an", "der", "die", "el", "la", "le"):
            j += 1
        # Words before the role: "Russia's", "Chinese", "the ministry spokesman".
        keys, roles = doc.key, doc.roles
        for k in range(j, min(j + 4, n_tokens)):
            if doc.info[k][_PUNCT] and doc.text[k] not in ("'s", "’s"):
                break
            if keys[k] not in roles.length:
                continue  # no role starts with this word
            for n in range(min(roles.longest, n_tokens - k), 0, -1):
                form = roles.forms.get(tuple(keys[k: k + n]))
                if form is None:
                    continue
                if not form:
                    break  # a cue ("Mr"): no role of the name before
                # An apposition ends after its role ("…, the foreign minister, said");
                # a role before a name is that name's title ("…, who met Foreign
                # Minister Qin Gang").
                after = k + n
                if after < n_tokens and not doc.info[after][_PUNCT] and \
                        doc.info[after][_LOWER] not in _AFTER_ROLE:
                    return None
                return self._with_modifiers(doc, k, form)
        return None

    # -- 4. the document -----------------------------------------------------------------
    def __call__(self, spacy_doc: Doc) -> list[Mention]:
        doc = _Tokens(spacy_doc, self._lexemes, self.roles(spacy_doc.lang_))
        info = doc.info
        sentences = doc.sentences
        starts = {s for s, _ in sentences}
        # Names the document writes in mixed case (not first in a sentence), and names of
        # the gazetteer it writes in capitals.
        marked = doc.marked
        known = {info[i][_KNOWN] for i in marked
                 if info[i][_KNOWN] is not None and i not in starts} | {
            info[i][_KNOWN_CAPS] for i in marked if info[i][_KNOWN_CAPS] is not None}
        model = self._model_entities(doc) if spacy_doc.ents else {}
        claimed: list[tuple[int, int]] = []  # roles and demonyms: no model mention there
        found: list[_Found] = []
        for start, end in self._runs(doc, sentences, known):
            segs = self._segments(doc, start, end)
            for n, seg in enumerate(segs):
                before = segs[n - 1] if n else None
                after = segs[n + 1] if n + 1 < len(segs) else None
                if seg.kind in ("ROLE", "DEMONYM"):
                    claimed.append((seg.start, seg.end))
                    continue
                if seg.rule == "gazetteer" and after is not None and after.kind is None and \
                        after.start == seg.end and doc.key[after.end - 1] in _MISC_ENDS:
                    claimed.append((seg.start, seg.end))
                    continue  # "U.S. Open", "Hong Kong Open", "Gulf War": an event
                if seg.kind is None:
                    kind, rule, role = self._classify(doc, seg, before, after)
                    label = model.get((seg.start, seg.end))
                    if label is not None and (kind is None or rule in _WEAK_RULES
                                              or rule == _UNSURE):
                        # The model's reading of words the rules only guessed at.
                        kind, rule, role = label or None, "model", None
                    if kind is None:
                        continue
                    seg = _Segment(seg.start, seg.end, kind, None, rule, role)
                    if before is not None and before.kind == "ROLE" and kind == "PERSON":
                        seg.role = before.role
                    if kind == "PERSON" and not seg.role:
                        seg.role = self._apposition_role(doc, seg.end) or \
                            self._role_ahead(doc, seg.start) or seg.role
                found.append((seg.start, seg.end, str(seg.kind), seg.rule, seg.entry,
                              seg.role))
        if model:
            self._model_only(doc, model, found, claimed, sentences)
        return self._consistent(doc, found, sentences)

    def _model_entities(self, doc: _Tokens) -> dict[tuple[int, int], str]:
        """The statistical pipeline's entities: token span → kind, or "" for a label that
        says "not a mention". Edge spaces and punctuation are trimmed; an entity across a
        line break is left out (headlines run into datelines)."""
        out: dict[tuple[int, int], str] = {}
        edge = [x[_SPACE] or x[_PUNCT] for x in doc.info]
        for ent in doc.doc.ents:
            kind = MODEL_KINDS.get(ent.label_)
            if kind is None and ent.label_ not in MODEL_NOT_MENTIONS:
                continue
            start, end = ent.start, ent.end
            while start < end and edge[start]:
                start += 1
            while end > start and edge[end - 1]:
                end -= 1
            if start < end and not any("\n" in doc.text[i] for i in range(start, end)):
                out[start, end] = kind or ""
        return out

    def _model_only(self, doc: _Tokens, model: dict[tuple[int, int], str],
                    found: list[_Found], claimed: list[tuple[int, int]],
                    sentences: list[tuple[int, int]]) -> None:
        """Add the model's entities that no rule found anything on (rule "model"), in text
        order. Not in all-capital sentences, where capitals say nothing to the model either."""
        taken = {i for a, b, *_ in found for i in range(a, b)}
        taken.update(i for a, b in claimed for i in range(a, b))
        starts = [s for s, _ in sentences]
        added = False
        for (start, end), kind in model.items():
            if not kind or not doc.info[start][_CAP] or any(i in taken for i in range(start, end)):
                continue
            if doc.caps(*sentences[bisect.bisect_right(starts, start) - 1]):
                continue
            role = self._apposition_role(doc, end) if kind == "PERSON" else None
            found.append((start, end, kind, "model", None, role))
            added = True
        if added:
            found.sort(key=lambda f: f[0])

    def _consistent(self, doc: _Tokens, found: list[_Found],
                    sentences: list[tuple[int, int]]) -> list[Mention]:
        sent_starts = [s for s, _ in sentences]
        text, keys = doc.text, doc.key
        people: dict[str, str] = {}  # surname or given name → full name
        for start, end, kind, rule, _e, _r in found:
            if kind == "PERSON" and end - start > 1 and rule in _STRONG_PERSON:
                full = doc.span_text(start, end)
                for i in range(start, end):
                    if text[i].lower() not in CONNECTORS and len(text[i]) > 1:
                        people.setdefault(keys[i], full)
        if people:
            # A surname opening a sentence looks like any capitalised first word ("Jobs
            # resigned …"): take it when the document names that person in full.
            taken = {a for a, *_ in found}
            info = doc.info
            extra = [(s, s + 1, "PERSON", _UNSURE, None, None) for s in sent_starts
                     if s not in taken and keys[s] in people and info[s][_TITLE]
                     and (s + 1 >= doc.n or not info[s + 1][_CAP])]
            if extra:
                found = sorted([*found, *extra], key=lambda f: f[0])
        votes: dict[str, Counter[str]] = {}
        others: dict[str, Counter[str]] = {}
        for start, end, kind, rule, _e, _r in found:
            k = key(doc.span_text(start, end))
            if rule not in ("capitalised", "speaker", "place preposition", "two names", _UNSURE):
                votes.setdefault(k, Counter())[kind] += 1
            elif rule in ("capitalised", "speaker"):
                others.setdefault(k, Counter())[kind] += 1
        # Towns the document writes as teams ("Leeds 2 Arsenal 1", "Norwich striker …"):
        # their other mentions are the teams too, unless a dateline or "in"/"at" says place.
        teams = {keys[start] if end - start == 1 else key(doc.span_text(start, end))
                 for start, end, kind, rule, entry, _r in found
                 if self._town(kind, entry) and self._team_after(doc, end)}
        out: list[Mention] = []
        for start, end, kind, rule, entry, role in found:
            span = doc.span_text(start, end)
            k = key(span)
            if self._town(kind, entry) and "\n" not in span and (
                    self._team_after(doc, end) or (
                        k in teams and not self._dateline(doc, start, end)
                        and (start == 0
                             or doc.info[start - 1][_LOWER] not in _PLACE_PREPOSITIONS))):
                kind, rule = "ORG", "team score"  # "Leeds 2 Arsenal 1", "Surrey 429-7"
            elif rule in _TABLE_RULES and self._table_row(doc, start, end):
                kind, rule = "ORG", "team score"  # "Greenock Morton 3 2 0 1 5 2 6"
            if not any(c.isalpha() for c in span):
                continue  # a dash or a number caught in a run is no name
            if rule == _UNSURE:
                if end - start != 1 or k not in people:
                    continue
                kind, rule, entry = "PERSON", "same person", None
            if kind == "ORG" and end < doc.n and _MODEL.match(text[end]) and \
                    doc.ws[end - 1]:
                continue  # "Airbus A380": a product named after its maker
            if end < doc.n and kind == "ORG" and rule == "gazetteer" and \
                    _MODEL_NUMBER.match(text[end]) and doc.ws[end - 1] and \
                    not (end + 1 < doc.n and text[end + 1] in ("-", "–", "/")) and \
                    not doc.caps(start, end):
                continue  # "Boeing 787": a model, not its maker
            canonical = entry.canonical if entry is not None else span
            if end - start == 1 and k in people and kind != "PERSON" and \
                    (entry is None or entry.kind != "ORG" or rule != "gazetteer"):
                kind, rule, entry, canonical = "PERSON", "same person", None, people[k]
            elif kind == "PERSON" and k in people:
                canonical = people[k]
            elif rule in ("capitalised", "speaker", "place preposition", "two names") \
                    and k in votes:
                kind = votes[k].most_common(1)[0][0]
            elif rule == "place preposition" and k in others:
                # "a stake in Chrysler" after "Chrysler, another car maker": the preposition
                # was the weaker hint.
                kind = others[k].most_common(1)[0][0]
            n_sent = bisect.bisect_right(sent_starts, start) - 1
            end_char = doc.end_char(end)
            if rule == "glued":  # only the country's name: "Ukraine" of "Ukraineas"
                span = span[:len(span) - self._glued_tail(span)]
                end_char = doc.start_char(start) + len(span)
            out.append(Mention(
                doc.start_char(start), end_char, span, _kind(kind), max(n_sent, 0),
                canonical, rule,
                entry.country if entry is not None else None,
                entry.geonameid if entry is not None and entry.level != "org" else None,
                role or None,  # ("": a cue such as "Mr", no role)
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
    """Each person mention carries the latest role reported for that person at or before
    it, and mentions before the first report carry that first role ("Sullivan said …" ahead
    of "Jake Sullivan, the national security adviser")."""
    first: dict[str, str] = {}
    for m in mentions:
        if m.kind == "PERSON" and m.role:
            first.setdefault(m.canonical, m.role)
    latest: dict[str, str] = {}
    out = []
    for m in mentions:
        if m.kind == "PERSON" and m.role:
            latest[m.canonical] = m.role
        role = latest.get(m.canonical, first.get(m.canonical)) if m.kind == "PERSON" \
            else m.role
        out.append(m if role == m.role else replace(m, role=role))
    return out

"""Who did what to whom, by rules: PLOVER events from a sentence's words and mentions.

There is no parser in the default pipeline, so an event is a trigger from the lexicon
(``extract/data/events/events.tsv``: a verb or noun pattern with its PLOVER type, mode and
argument frame) and its arguments are the actors nearest to it (see ``actors.py``):

- the source is the nearest actor before the trigger in its sentence (the subject), the
  target the first actor after it (the object), or after the frame's preposition
  ("met *with* X", "sanctions *on* X");
- passive voice swaps them: "X was attacked by Y", "Y's troops attacked … " (a past
  participle after a form of "be", or any trigger followed by "by" and an actor);
- reciprocal frames read "X and Y agreed" and "talks between X and Y" as X → Y;
- a mode comes from the trigger's line, or else from a cue in the sentence (``modes.tsv``).

Status: "will", "plans to", "is expected to", "agreed to" before a trigger make it
*planned*; "not", "never", "refused to", "cancelled", "called off", "denied" make it
*negated*. A denial is never coded as the act: "Beijing denied sending troops" gives the
denial itself (REJECT, happened) and the troops (MOBILIZE) with status negated, so a
consumer that keeps only happened events never sees the denied act.

``coded_type`` turns a reported act into the PLOVER code of the statement (a promised
cooperative act is AGREE, a promised or conditional hostile act THREATEN, a refused
cooperative act REJECT), and ``event_key`` says which events in different articles are the
same (type, source, target, day).

Location: the GPE/LOC mention after "in", "near", "at" … nearest to the trigger. Date: the
DATE/TIME timex with a value nearest to the trigger in its sentence (timexes come from the
caller, so this module does not depend on the time-expression stage).

Users extend the lexicon with files named in ``STORYLINE_EVENTS`` (``os.pathsep``-
separated): event lines in the ``events.tsv`` format in any file, and files named
``modes.tsv`` or ``agents.tsv`` add mode cues or group nouns.

A second built-in file, ``cameo.tsv``, is generated from the PETRARCH-2 CAMEO verb
dictionary (MIT, Open Event Data Alliance) by ``scripts/import_cameo_verbs.py``: verb +
object patterns and phrasal verbs of verbs the hand lexicon lacks, each line marked
``cameo=<code>`` (shown in an event's ``pattern``). ``events.tsv`` wins over it for a same
pattern and user files over both. By default only its "no event" lines are read (phrases
such as "claim * responsibility" that keep a trigger inside them from firing): on the
2026-12 figures (``storyline eval events … --min-confidence 0``) they raised CASE 2021 from
0.701 to 0.705 and changed nothing on the PLOVER tune half, the PETRARCH unit records or
the no-event sentences, while its event lines, read with ``STORYLINE_CAMEO_EVENTS=1``, cost
the tune half 0.870 → 0.851 and the no-event sentences 0.824 → 0.816 (CASE 0.702): without
a parse, CAMEO's verb patterns fire too widely.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc

from storyline.extract import syntax
from storyline.extract.actors import (
    PLACE_PREPOSITIONS,
    Placed,
    Word,
    find_actors,
    first_words,
    lemma_table,
)
from storyline.extract.gazetteer import load
from storyline.extract.nlp import text_of
from storyline.extract.roles import Roles, roles
from storyline.extract.types import (
    TODAY,
    Actor,
    Event,
    EventStatus,
    Mention,
    Quote,
    Timex,
)

#: The 16 PLOVER event types of the POLECAT version.
EVENT_TYPES = ("AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE",
               "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
               "COERCE", "ASSAULT")
#: Tokens past which a "sentence" is a flattened table or a run-on list, not a sentence:
#: its triggers would be column headers and list items.
MAX_TOKENS = 150
#: Words between the pattern words a "*" may skip.
GAP = 5
#: How far (tokens) a target may be from its trigger, and a status cue before it.
TARGET_WINDOW = 12
STATUS_WINDOW = 6
#: How far (tokens) from the trigger a mode cue or a place is looked for.
CONTEXT = 40
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "get", "got",
                 "gets", "getting"})
_NEGATIONS = frozenset({"not", "n't", "never", "no", "nt", "without"})
_FUTURE = frozenset({"will", "'ll", "shall", "would", "wo", "'d"})
_INTENT = frozenset({"plan", "intend", "expect", "schedule", "due", "set", "prepare", "aim",
                     "hope", "want", "seek", "propose", "offer", "promise", "pledge", "vow",
                     "threaten", "agree", "going", "ready", "willing",
                     "likely", "about", "consider", "wish", "announce", "commit", "able"})
_PLANNED_NOUN = frozenset({"planned", "upcoming", "proposed", "expected", "scheduled",
                           "possible", "future", "forthcoming", "potential"})
_REFUSE = frozenset({"refuse", "decline", "fail", "reject", "deny", "oppose"})
_CANCEL = frozenset({"cancel", "postpone", "scrap", "abandon", "shelve", "delay", "suspend",
                     "canceled", "cancelled"})
_BREAKS = frozenset({";", ":", "—", "(", ")", "\""})
_SKIP_BETWEEN = frozenset({"the", "a", "an", "its", "their", "his", "her", "two", "both"})
#: Demands put as obligations ("X said Y must withdraw").
_MODAL_DEMANDS = frozenset({"must", "should"})
#: Speech verbs, by lemma.
_SPEECH = frozenset({"say", "tell", "state", "announce", "declare", "insist", "add",
                     "argue", "conclude", "stress", "warn"})
#: Words before a hyphen that make the next word a modifier ("long-threatened invasion").
_PREFIXES = frozenset({"long", "much", "well", "so", "self", "anti", "pro", "non", "ex",
                       "post", "pre", "un", "oft", "often", "newly", "once"})
#: Words that make "strike" a labour strike.
_LABOUR = frozenset({"worker", "union", "employee", "staff", "teacher", "doctor", "nurse",
                     "driver", "miner", "labour", "labor", "wage", "pay", "pilot", "docker",
                     "workers'", "unions", "walkout"})
#: Acts that are cooperative (a promise of one is AGREE, a refusal REJECT) and hostile (a
#: promise of one is THREATEN), for ``coded_type``.
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"})
HOSTILE = frozenset({"SANCTION", "COERCE", "ASSAULT", "PROTEST", "MOBILIZE"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Pattern:
    """One lexicon line."""

    words: tuple[str, ...]
    type: str  # a PLOVER type, or "-" for phrases that are not events
    mode: str | None
    preps: tuple[str, ...]  # target prepositions, in frame order
    reciprocal: bool
    transitive: bool
    line: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Patterns by first word (longest first), mode cues per type, group nouns."""

    patterns: dict[str, tuple[Pattern, ...]]
    modes: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    agents: dict[str, str]
    agent_firsts: frozenset[str] = frozenset()

    @property
    def size(self) -> int:
        return len({p.line for ps in self.patterns.values() for p in ps})


#: The built-in trigger files, the later winning for a same pattern: ``cameo.tsv``
#: (generated from the PETRARCH-2 CAMEO verb dictionary by ``scripts/import_cameo_verbs.py``)
#: under the hand-written ``events.tsv``.
BUILTIN = ("cameo.tsv", "events.tsv")


def _data(name: str) -> str:
    return resources.files("storyline.extract").joinpath("data", "events", name
                                                         ).read_text("utf-8")


def _lines(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("\t")] for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def parse_pattern(cells: Sequence[str]) -> Pattern | None:
    """A pattern line's cells to a Pattern (None for a malformed line). Cells after the
    frame ("cameo=0871" in ``cameo.tsv``) are not read but kept in ``line``, so an event's
    ``pattern`` says where its trigger came from."""
    if len(cells) < 2 or not cells[0]:
        return None
    words = tuple(cells[0].lower().split())
    kind = cells[1].upper()
    if kind != "-" and kind not in EVENT_TYPES:
        return None
    mode = cells[2] if len(cells) > 2 and cells[2] not in ("", "-") else None
    frame = cells[3].split() if len(cells) > 3 else ["SRC", "_", "TGT"]
    preps: list[str] = []
    after = False
    for part in frame:
        if part == "_":
            after = True
        elif after and part not in ("SRC", "TGT", "SRC+TGT") and part.isalpha():
            preps.append(part.lower())
    return Pattern(words, kind, mode, tuple(preps), "SRC+TGT" in frame,
                   "TGT" in frame or "SRC+TGT" in frame, "\t".join(cells))


def user_files() -> tuple[str, ...]:
    """Existing files named in STORYLINE_EVENTS."""
    parts = os.environ.get("STORYLINE_EVENTS", "").split(os.pathsep)
    return tuple(p for p in parts if p and Path(p).is_file())


def cameo_events() -> bool:
    """Whether STORYLINE_CAMEO_EVENTS asks for the CAMEO lexicon's event lines too."""
    return os.environ.get("STORYLINE_CAMEO_EVENTS", "").strip().lower() in ("1", "true",
                                                                             "yes", "on")


def lexicon() -> Lexicon:
    """The built-in lexicon plus the user's files (cached per set of files)."""
    return _lexicon(user_files(), cameo_events())


@lru_cache(maxsize=8)
def _lexicon(extra: tuple[str, ...], cameo: bool = False) -> Lexicon:
    """``BUILTIN`` and then the user's files: for the same pattern a later line wins, so the
    hand lexicon (``events.tsv``) replaces the CAMEO one and a user line both. From
    ``cameo.tsv`` only the "no event" lines (blockers) are read unless ``cameo``: its event
    lines cost more than they bring (see the module docstring)."""
    texts = [(name, _data(name)) for name in BUILTIN]
    modes_texts = [_data("modes.tsv")]
    agents_texts = [_data("agents.tsv")]
    for path in extra:
        text = Path(path).read_text("utf-8")
        name = Path(path).name
        if name == "modes.tsv":
            modes_texts.append(text)
        elif name == "agents.tsv":
            agents_texts.append(text)
        else:
            texts.append((name, text))
    by_words: dict[tuple[str, ...], Pattern] = {}
    for i, (name, text) in enumerate(texts):
        blockers_only = i < len(BUILTIN) and name == "cameo.tsv" and not cameo
        for cells in _lines(text):
            p = parse_pattern(cells)
            if p is not None and not (blockers_only and p.type != "-"):
                by_words[p.words] = p  # a later (user) line replaces an earlier one
    index: dict[str, list[Pattern]] = {}
    for p in by_words.values():
        index.setdefault(p.words[0], []).append(p)
    patterns = {k: tuple(sorted(v, key=lambda p: -len(p.words))) for k, v in index.items()}
    modes: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for text in modes_texts:
        for cells in _lines(text):
            if len(cells) >= 3:
                for cue in cells[2].split("|"):
                    if cue.strip():
                        modes.setdefault(cells[0].upper(), []).append(
                            (tuple(cue.lower().split()), cells[1]))
    agents: dict[str, str] = {}
    for text in agents_texts:
        for cells in _lines(text):
            if len(cells) >= 2:
                agents[" ".join(cells[0].lower().split())] = cells[1].upper()
    return Lexicon(patterns, {k: tuple(v) for k, v in modes.items()}, agents,
                   first_words(agents))


def _words(doc: Doc, text: str) -> tuple[list[Word], list[tuple[int, int]]]:
    """The doc's non-space tokens and each sentence's [first, end) range over them.

    Read through token arrays: creating spaCy Token objects costs more than the rules."""
    lemmas = lemma_table()
    words: list[Word] = []
    sentences: list[tuple[int, int]] = []
    array = doc.to_array(["SENT_START", "IS_SPACE", "IDX", "LENGTH"]).tolist()
    lo = 0
    for i, (start, space, idx, length) in enumerate(array):
        if i and start == 1:
            sentences.append((lo, len(words)))
            lo = len(words)
        if space:
            continue
        word = text[idx:idx + length]
        lower = word.lower()
        words.append(Word(idx, idx + length, word, lower, lemmas.get(lower, lower)))
    sentences.append((lo, len(words)))
    return words, sentences


def _matches(words: Sequence[Word], i: int, hi: int, pattern: Pattern) -> int:
    """End (exclusive) of ``pattern`` matched at token ``i``, or 0."""
    j = i
    gap = False
    for part in pattern.words:
        if part == "*":
            gap = True
            continue
        limit = min(hi, j + (GAP + 1 if gap else 1))
        found = -1
        for k in range(j, limit):
            if words[k].lemma == part or words[k].lower == part:
                found = k
                break
        if found < 0:
            return 0
        j = found + 1
        gap = False
    return j


def _triggers(words: Sequence[Word], lo: int, hi: int, lex: Lexicon,
              blocked: set[int]) -> list[tuple[int, int, Pattern]]:
    """Longest lexicon matches in ``words[lo:hi]``, left to right, not overlapping."""
    out = []
    i = lo
    while i < hi:
        w = words[i]
        attached = i > lo + 1 and words[i - 1].text == "-" and \
            words[i - 1].end == w.start and (words[i - 2].lower in _PREFIXES
                                             or w.lower.endswith("ed"))
        if i in blocked or w.text == "March" or not w.text[:1].isalpha() or attached \
                or _attributive(words, lo, i, hi):
            i += 1
            continue
        cands = lex.patterns.get(w.lemma, ())
        if w.lower != w.lemma:
            cands = cands + lex.patterns.get(w.lower, ())
        best: tuple[int, Pattern] | None = None
        for p in cands:
            end = _matches(words, i, hi, p)
            if end and (best is None or end > best[0]
                        or (end == best[0] and len(p.words) > len(best[1].words))):
                best = (end, p)
        if best is None:
            i += 1
            continue
        end, p = best
        if p.type != "-":
            out.append((i, end, p))
        i = end if p.type == "-" else i + 1 if len(p.words) == 1 else end
    return out


#: Words before a participle that make it an adjective of the next noun ("several rounds
#: of *coordinated* sanctions", "the most *sanctioned* country", "a *disputed* border").
_ATTRIBUTIVE_BEFORE = frozenset({"the", "a", "an", "of", "most", "more", "less", "least",
                                 "several", "new", "its", "their", "his", "her", "our",
                                 "these", "those", "this", "that", "many", "some"})


def _attributive(words: Sequence[Word], lo: int, i: int, hi: int) -> bool:
    """A past participle set between a determiner and a lower-case word is an adjective,
    not an act: "coordinated sanctions" is no cooperation, "the most sanctioned country"
    no sanction. (A noun trigger after it is read on its own.)"""
    w = words[i]
    if not w.lower.endswith("ed") or w.lower == w.lemma or i <= lo or i + 1 >= hi:
        return False
    nxt = words[i + 1]
    return words[i - 1].lower in _ATTRIBUTIVE_BEFORE and nxt.text[:1].islower() \
        and nxt.text.isalpha() and nxt.lower not in _BE and nxt.lower not in (
            "by", "to", "in", "on", "at", "with", "for", "from", "and", "or", "that")


def _status(words: Sequence[Word], lo: int, first: int, end: int, hi: int) -> EventStatus:
    """planned / negated from the words just before a trigger (same clause), or a
    cancellation just after it ("talks were called off")."""
    status: EventStatus = "happened"
    for k in range(end, min(hi, end + 8)):
        w = words[k]
        cancel = w.lemma in _CANCEL or (w.lower == "off" and words[k - 1].lemma == "call")
        # "talks were called off", "a trip that he cancelled": the act did not happen
        if cancel and any(words[j].lower in _BE or words[j].lower in ("that", "which")
                          for j in range(end, k)):
            return "negated"
        if w.lower in _BREAKS or w.lower == ",":
            break
    k = first - 1
    while k >= lo and first - k <= STATUS_WINDOW:
        w = words[k]
        if w.lower in _BREAKS or w.lower == ",":
            break
        if w.lower in _NEGATIONS:
            return "negated"
        if w.lemma in _CANCEL or (w.lower == "off" and k > lo and words[k - 1].lemma == "call"):
            return "negated"
        if w.lemma == "deny":
            return "negated"
        nxt = words[k + 1].lower if k + 1 < first else ""
        if w.lemma in _REFUSE and nxt == "to":
            return "negated"
        if status == "happened" and (
                w.lower in _FUTURE or (w.lemma in _INTENT and nxt == "to"
                                       and _infinitive(words, k + 2, first))
                or (k == first - 1 and w.lower in _PLANNED_NOUN)):
            status = "planned"
        k -= 1
    return status


def _infinitive(words: Sequence[Word], after_to: int, first: int) -> bool:
    """Whether "to" before the trigger starts a verb ("plans to visit", "due to meet"),
    not a noun phrase ("due to allegations", "ready to the talks")."""
    w = words[first]
    return w.lower == w.lemma and not any(
        words[j].lower in _SKIP_BETWEEN for j in range(after_to, first))


def _passive(words: Sequence[Word], lo: int, first: int) -> bool:
    """A past participle after a form of "be" ("was shot", "were badly beaten")."""
    w = words[first]
    if w.lower == w.lemma or w.lower.endswith(("ing", "s")):
        return False
    for k in range(first - 1, max(lo, first - 3) - 1, -1):
        if words[k].lower in _BE:
            return True
        if not words[k].lower.endswith("ly"):
            return False
    return False


def _actor_after(placed: Sequence[Placed], pos: int, hi: int, preps: Sequence[str],
                 words: Sequence[Word], window: int = TARGET_WINDOW) -> Placed | None:
    """The first actor after token ``pos``, preferably right after one of ``preps``."""
    best: Placed | None = None
    for p in placed:
        if p.first < pos or p.first >= hi or p.first - pos > window:
            continue
        if any(words[k].lower in _BREAKS for k in range(pos, p.first)):
            break
        if preps:
            k = p.first - 1
            while k > pos and words[k].lower in _SKIP_BETWEEN:
                k -= 1
            if words[k].lower in preps:
                return p
        if best is None and not p.place:
            best = p
    return best


def _mode(pattern: Pattern, words: Sequence[Word], lo: int, hi: int, lex: Lexicon,
          first: int) -> str | None:
    """The trigger's own mode, else the cue of its type nearest to it in the sentence."""
    if pattern.mode:
        return pattern.mode
    cues = lex.modes.get(pattern.type)
    if not cues:
        return None
    best: tuple[int, str] | None = None
    for i in range(max(lo, first - CONTEXT), min(hi, first + CONTEXT)):
        w = words[i]
        for cue, mode in cues:
            if cue[0] != w.lemma and cue[0] != w.lower:
                continue
            if all(i + n < hi and cue[n] in (words[i + n].lemma, words[i + n].lower)
                   for n in range(1, len(cue))):
                dist = abs(i - first)
                if best is None or dist < best[0]:
                    best = (dist, mode)
    return best[1] if best else None


def _location(words: Sequence[Word], lo: int, hi: int, mentions: Sequence[Mention],
              first: int) -> Mention | None:
    """The place after "in"/"near"/"at" nearest to the trigger (within CONTEXT words)."""
    best: tuple[int, Mention] | None = None
    lo = max(lo, first - CONTEXT)
    hi = min(hi, first + CONTEXT)
    k = lo
    left, right = words[lo].start, words[hi - 1].end
    starts = [m.start for m in mentions]
    for m in mentions[bisect_left(starts, left):]:
        if m.start >= right:
            break
        if m.kind not in ("GPE", "LOC"):
            continue
        while k < hi and words[k].start < m.start:
            k += 1
        if k >= hi or words[k].start != m.start or k == lo:
            continue
        if words[k - 1].lower in PLACE_PREPOSITIONS or (words[k - 1].lower == "of" and \
                k - 2 >= lo and words[k - 2].lower in ("outskirts", "city", "town", "village")):
            dist = abs(k - first)
            if best is None or dist < best[0]:
                best = (dist, m)
    return best[1] if best else None


def _date(timexes: Sequence[Timex], start: int, end: int, at: int) -> Timex | None:
    best: tuple[int, Timex] | None = None
    for t in timexes:
        if t.type in ("DATE", "TIME") and t.value and start <= t.start and t.end <= end:
            dist = abs(t.start - at)
            if best is None or dist < best[0]:
                best = (dist, t)
    return best[1] if best else None


def find_events(doc: Doc, mentions: Sequence[Mention], timexes: Sequence[Timex] = (),
                quotes: Sequence[Quote] = (), published: date | None = None) -> list[Event]:
    """PLOVER events of ``doc``, in text order: one per trigger, with its sentence as
    evidence, source and target actors, status, mode, location and date.

    Words inside a direct quote (``quotes``) are the speaker's words, not acts: "“We will
    crush them,” he said" is no ASSAULT. A purpose clause is the act it serves: in "X will
    travel to Y to meet Z" the meeting is the trip (one event), and in "X flew to Y to sign
    a deal" the deal is X's and as planned as the trip. An event with no time expression
    in its sentence takes the date the narrative has set (``Narrative``). With the
    publication day ``published``, an act told as happening on a later day is planned
    ("is traveling to China at the end of the week")."""
    if not len(doc):
        return []
    lex = lexicon()
    gaz = load()
    text = text_of(doc)  # (doc.text is rebuilt from the tokens on every access)
    words, sentences = _words(doc, text)
    ordered = sorted(mentions, key=lambda m: m.start)
    quoted = sorted((q.start, q.end) for q in quotes if not q.partial or q.end - q.start > 0)
    events: list[Event] = []
    narrative = Narrative(text, [t for t in timexes if t.type in ("DATE", "TIME")])
    after = published.isoformat() if published else None
    # First the triggers and actors of every sentence, then one parse of the sentences
    # that have a trigger (the parser runs faster on a batch), then the events.
    candidates: dict[int, tuple[list[Mention], list[tuple[int, int, Pattern]], list[Placed]]] = {}
    mi = 0
    for s_index, (lo, hi) in enumerate(sentences):
        if lo == hi or hi - lo > MAX_TOKENS:
            continue  # (over MAX_TOKENS: a flattened table or a list run together)
        s_start, s_end = words[lo].start, words[hi - 1].end
        while mi < len(ordered) and ordered[mi].start < s_start:
            mi += 1
        mj = mi
        while mj < len(ordered) and ordered[mj].start < s_end:
            mj += 1
        sent_mentions = ordered[mi:mj]
        blocked = _mention_tokens(words, lo, hi, sent_mentions)
        found = _triggers(words, lo, hi, lex, blocked)
        if not found:
            continue
        placed = find_actors(text, words, lo, hi, sent_mentions, lex.agents, gaz,
                             lex.agent_firsts)
        placed = [p for p in placed if not _reporter(words, lo, p)]
        found = _drop_agent_nouns(found, placed)
        found = [t for t in found if not _inside(quoted, words[t[0]].start)]
        if found:
            candidates[s_index] = (sent_mentions, found, placed)
    # a sentence naming no one who can act gets no sides from a parse either; the parser
    # knows English only (other languages keep the word-order rules)
    order = sorted(i for i, (_m, _f, placed) in candidates.items()
                   if any(not p.place for p in placed)) if doc.lang_ == "en" else []
    starts = {i: _after_dateline(words, *sentences[i]) for i in order}
    parses = dict(zip(order, syntax.parse(
        [[w.text for w in words[starts[i]:sentences[i][1]]] for i in order]), strict=False))
    for s_index, (lo, hi) in enumerate(sentences):
        if lo == hi:
            continue
        narrative.enter(words[lo].start, words[hi - 1].end)
        if s_index not in candidates:
            continue
        sent_mentions, found, placed = candidates[s_index]
        parse = parses.get(s_index)
        parsed_from = starts.get(s_index, lo)
        built: list[tuple[int, Event]] = []
        for first, end, pattern in found:
            # (the trigger's own preposition counts: "arrive in X")
            parsed = roles(parse, words, parsed_from, first, end, placed,
                           pattern.preps + pattern.words, pattern.transitive,
                           pattern.reciprocal) \
                if parse is not None and first >= parsed_from else None
            event = _event(text, words, lo, hi, s_index, first, end, pattern,
                           placed, sent_mentions, timexes, lex, parsed)
            governing = _purpose_of(words, lo, first, built)
            if governing is not None:
                if governing.type == event.type:
                    continue  # "travel to Y to meet Z": the meeting is the trip
                # the parse tells "urged Y to leave" (Y leaves) from a purpose clause
                own = parsed is not None and parsed.source_known
                event = replace(event, source=event.source if own
                                else governing.source or event.source,
                                status=governing.status if governing.status != "happened"
                                else event.status)
            built.append((first, event))
        dated = narrative.date()
        if dated is not None and built and not any(e.date for _, e in built):
            inherit = [f for f, e in built if e.status == "happened" and _past(words, f)]
            if inherit:
                narrative.used()
                built = [(f, replace(e, date=dated.value, date_text=dated.text)
                          if f in inherit else e) for f, e in built]
        lead = sum(1 for a, b in sentences[:s_index] if a < b) < LEAD_SENTENCES
        built = [(f, replace(e, date=TODAY) if e.date is None and e.status == "happened"
                  and _of_the_day(words, lo, f, lead) else e) for f, e in built]
        if after is not None:
            built = [(f, replace(e, status="planned") if e.status == "happened"
                      and _later(e, timexes, after) else e) for f, e in built]
        events.extend(e for _, e in built)
    return events


_DASHES = frozenset({"-", "--", "—", "–"})


def _after_dateline(words: Sequence[Word], lo: int, hi: int) -> int:
    """Where a sentence starts after its dateline ("WASHINGTON, June 14 (Wire) - …"): the
    parser would take the city for the subject."""
    first = words[lo].text
    if not (len(first) >= 3 and first.isalpha() and first.isupper()):
        return lo
    for k in range(lo + 1, min(hi - 1, lo + 15)):
        if words[k].text in _DASHES:
            return k + 1
    return lo


def _calendar(t: Timex) -> bool:
    return t.type in ("DATE", "TIME") and bool(t.value) and (t.value or "")[:4].isdigit()


def _later(e: Event, timexes: Sequence[Timex], published: str) -> bool:
    """Whether the event's own time expression lies wholly after the publication day."""
    if not e.date or not e.date[:4].isdigit():
        return False
    t = next((t for t in timexes if t.value == e.date and e.start <= t.start < e.end), None)
    earliest = t.earliest if t is not None else None
    return earliest is not None and earliest > published[:10]


class Narrative:
    """The date a story's narrative has set ("At the beginning of February, … The
    military shot down a balloon …"): the last calendar date of a sentence, kept for the
    sentences after it until two paragraph breaks pass with no sentence using it, or until
    a date that is no calendar date ("a few days ago") takes its place."""

    def __init__(self, text: str, dates: Sequence[Timex]) -> None:
        self._text = text
        self._dates = sorted(dates, key=lambda t: t.start)
        self._starts = [t.start for t in self._dates]
        self._current: Timex | None = None
        self._breaks = 0
        self._end = 0

    def enter(self, start: int, end: int) -> None:
        """Move to the sentence ``text[start:end]``."""
        if self._current is not None and "\n" in self._text[self._end:start]:
            self._breaks += 1
            if self._breaks > 2:
                self._current = None
        self._end = end
        i = bisect_left(self._starts, end) - 1
        if i >= 0 and self._dates[i].start >= start:
            # a calendar date sets the narrative's; "a few days ago" ends it
            self._current = self._dates[i] if _calendar(self._dates[i]) else None
            self._breaks = 0

    def date(self) -> Timex | None:
        return self._current

    def used(self) -> None:
        self._breaks = 0


#: Sentences of the lead, where an undated past act is the day's news.
LEAD_SENTENCES = 2
_PRESENT_AUX = frozenset({"is", "are", "am", "'s", "'re", "has", "have", "'ve"})


def _of_the_day(words: Sequence[Word], lo: int, first: int, lead: bool) -> bool:
    """News of the day: a present or present perfect ("is meeting", "have accused"), or a
    past act in the lead."""
    w = words[first]
    if lead and w.lower != w.lemma and not w.lower.endswith("s"):
        return True
    for k in range(first - 1, max(lo, first - 3) - 1, -1):
        lower = words[k].lower
        if lower in _PRESENT_AUX:
            return w.lower.endswith("ing") or (w.lower != w.lemma
                                               and not w.lower.endswith("s"))
        if not (lower.endswith("ly") or lower in ("not", "also", "now", "already", "just")):
            return False
    return False


def _inside(spans: Sequence[tuple[int, int]], at: int) -> bool:
    i = bisect_left(spans, (at + 1,)) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def _purpose_of(words: Sequence[Word], lo: int, first: int,
                built: Sequence[tuple[int, Event]]) -> Event | None:
    """The event whose purpose the trigger at ``first`` states ("to meet" after "will
    travel to Beijing"): the last earlier trigger of the sentence, when "to" and a bare
    verb follow it with no clause break between."""
    if first - 1 <= lo or words[first - 1].lower != "to" or not built:
        return None
    w = words[first]
    if w.lower != w.lemma:  # "to talks", "to sanctions": a noun after a preposition
        return None
    prev_first, prev = built[-1]
    if first - prev_first > TARGET_WINDOW or any(
            words[k].lower in _BREAKS or words[k].lower in ("and", "but", "while", "said")
            for k in range(prev_first + 1, first)):
        return None
    return prev


def _past(words: Sequence[Word], first: int) -> bool:
    """Whether the trigger reads as a past act: a past form ("shot down", "accused"), not a
    present or a noun ("meets", "talks", "sanctions")."""
    w = words[first]
    if w.lower == w.lemma or w.lower.endswith(("ing", "s")):
        return False
    # "have imposed": the present perfect is today's news, not the narrative's past
    return not any(words[k].lower in _PRESENT_AUX for k in range(max(0, first - 2), first))


def _drop_agent_nouns(found: list[tuple[int, int, Pattern]], placed: Sequence[Placed]
                      ) -> list[tuple[int, int, Pattern]]:
    """A trigger that is an actor's own noun ("protesters", "peacekeepers") is an event
    when it comes before the sentence's other triggers (the subject: "protesters defied
    the ban"), not after one (the object: "police arrested protesters" is COERCE only)."""
    group = [(p.first, p.last) for p in placed if p.kind == "GROUP"]
    out = []
    seen_other = False
    for t in found:
        own = any(a <= t[0] <= b for a, b in group)
        if not own:
            seen_other = True
        elif seen_other:
            continue
        out.append(t)
    return out


def _mention_tokens(words: Sequence[Word], lo: int, hi: int,
                    mentions: Sequence[Mention]) -> set[int]:
    """Tokens inside names: "Security Council" holds no trigger."""
    out: set[int] = set()
    k = lo
    for m in mentions:
        while k < hi and words[k].end <= m.start:
            k += 1
        j = k
        while j < hi and words[j].start < m.end:
            out.add(j)
            j += 1
    return out


def _event(text: str, words: Sequence[Word], lo: int, hi: int, s_index: int, first: int,
           end: int, pattern: Pattern, placed: Sequence[Placed],
           mentions: Sequence[Mention], timexes: Sequence[Timex], lex: Lexicon,
           parsed: Roles | None = None) -> Event:
    own = next((p for p in placed if p.first <= first <= p.last), None)
    source = own if own is not None else _before(words, placed, first, lo)
    if own is None and _in_phrase(words, lo, first):
        source = None  # "people were wounded in the attack": not the attackers
    target: Placed | None = None
    if words[first].lower in _MODAL_DEMANDS and source is not None:
        # "X said Y must …": Y is told (the target), the one who said it demands.
        speaker = _speaker_before(words, placed, source.first, lo)
        if speaker is not None:
            return _build(text, words, lo, hi, s_index, first, end, pattern, speaker,
                          source, mentions, timexes, lex)
    # "by X" right after the trigger: X acts ("was attacked by X", "a visit by X").
    # A noun's "from X" names its doer as well ("threats from Beijing against Taiwan",
    # "offers of talks from Washington"); a verb's "from" is a place or a source.
    noun = _noun_form(words[first]) and _noun_form(words[end - 1])
    by = None
    for k in range(end, min(hi, end + 3)):
        if words[k].lower == "by" or (noun and words[k].lower == "from"):
            by = next((p for p in placed if k < p.first <= k + 3 and not p.place
                       and _can_act(p)), None)
            break
        if words[k].lower in _BREAKS or words[k].lower == ",":
            break
    passive = _passive(words, lo, first)
    pair: tuple[Placed, Placed] | None = None
    if passive or (by is not None and own is None):
        if passive or by is not None:
            target = source if passive else None
            source = by
            if target is None and pattern.transitive:
                target = _actor_after(placed, (by.last + 1) if by else end, hi,
                                      pattern.preps, words)
    else:
        if pattern.transitive:
            target = _actor_after(placed, end, hi, pattern.preps, words)
        between = next((k for k in range(first + 1, min(hi, end + 3))
                        if words[k].lower in ("between", "among")), None)
        pair = _pair(placed, between, hi, words) if between is not None else None
        if pair is not None:
            if pattern.reciprocal or source is None:
                source, target = pair
            else:
                target = pair[0]
        elif pattern.reciprocal and source is not None and (
                target is None or "with" not in _between_words(words, end, target.first)):
            partner = _partner(placed, source, words, lo)
            if partner is not None:
                source, target = partner, source
    if parsed is not None and pair is None:
        # the sentence's structure, where the parse has it, over word order
        if parsed.source_known:
            source = parsed.source if parsed.source is None or _can_act(parsed.source) else None
        if parsed.target_known:
            target = parsed.target
    target = _named(placed, target, words, hi)
    if source is not None and target is not None and source.actor == target.actor:
        target = None
    return _build(text, words, lo, hi, s_index, first, end, pattern, source, target,
                  mentions, timexes, lex)


_PHRASE_PREPOSITIONS = frozenset({"in", "during", "after", "before", "since", "following",
                                  "despite", "amid", "over", "about", "of"})


def _in_phrase(words: Sequence[Word], lo: int, first: int) -> bool:
    """A noun trigger inside a prepositional phrase ("in the attack", "after the talks"):
    the clause's subject is not its doer."""
    return first - 2 >= lo and _noun_form(words[first]) \
        and words[first - 1].lower in ("the", "a", "an", "this", "that") \
        and words[first - 2].lower in _PHRASE_PREPOSITIONS


def _reporter(words: Sequence[Word], lo: int, p: Placed) -> bool:
    """An actor after "according to" only tells of the act ("… wounded, according to the
    local police"): it is neither its doer nor its target."""
    k = p.first
    while k - 1 >= lo and p.first - k < 3 and words[k - 1].text.isalpha() \
            and words[k - 1].text.islower() and words[k - 1].lower != "to":
        k -= 1  # "according to the local police"
    return k - 2 >= lo and words[k - 2].lower == "according" and words[k - 1].lower == "to"


def _noun_form(w: Word) -> bool:
    """A trigger word that reads as a noun: its lemma, or its plural ("threat",
    "threats"), and no verb ending."""
    if w.lower.endswith(("ed", "ing")):
        return False
    return w.lower == w.lemma or w.lower in (w.lemma + "s", w.lemma + "es")


def _speaker_before(words: Sequence[Word], placed: Sequence[Placed], before: int, lo: int
                    ) -> Placed | None:
    """The actor before a speech verb that comes before token ``before``."""
    for k in range(before - 1, lo - 1, -1):
        if words[k].lemma in _SPEECH:
            return _before(words, placed, k, lo)
        if words[k].lower in _BREAKS:
            return None
    return None


def _build(text: str, words: Sequence[Word], lo: int, hi: int, s_index: int, first: int,
           end: int, pattern: Pattern, source: Placed | None, target: Placed | None,
           mentions: Sequence[Mention], timexes: Sequence[Timex], lex: Lexicon) -> Event:
    kind, mode = pattern.type, _mode(pattern, words, lo, hi, lex, first)
    if kind == "ASSAULT" and words[first].lemma == "strike" and end - first == 1 and any(
            w.lemma in _LABOUR for w in words[lo:hi]):
        kind, mode = "PROTEST", "strike"  # workers on strike, not a military strike
    trigger_start, trigger_end = words[first].start, words[end - 1].end
    place = _location(words, lo, hi, mentions, first)
    timex = _date(timexes, words[lo].start, words[hi - 1].end, trigger_start)
    return Event(
        type=kind, mode=mode, sentence=s_index,
        start=words[lo].start, end=words[hi - 1].end,
        trigger=text[trigger_start:trigger_end], trigger_start=trigger_start,
        trigger_end=trigger_end,
        source=source.actor if source else None, target=target.actor if target else None,
        status=_status(words, lo, first, end, hi),
        location=place.canonical if place else None,
        location_geonameid=place.geonameid if place else None,
        date=timex.value if timex else None, date_text=timex.text if timex else None,
        pattern=pattern.line)


def _can_act(p: Placed) -> bool:
    """A place acts only as its government: a country or a capital ("Beijing rejected"),
    never a town, a region or a sea ("Rockfalls", "Montana", "the Diaoyutai")."""
    return p.kind not in ("GPE", "LOC") or p.actor.sector is not None


def _before(words: Sequence[Word], placed: Sequence[Placed], first: int, lo: int
            ) -> Placed | None:
    for p in reversed(placed):
        if p.last >= first or p.place or not _can_act(p):
            continue
        if any(words[k].lower in _BREAKS for k in range(p.last + 1, first)):
            return None
        return p
    return None


def _between_words(words: Sequence[Word], a: int, b: int) -> set[str]:
    return {w.lower for w in words[a:b]}


def _pair(placed: Sequence[Placed], between: int, hi: int, words: Sequence[Word]
          ) -> tuple[Placed, Placed] | None:
    """"between X and Y": the two actors after ``between`` (a possessor is not one: in
    "between A and China's foreign minister, B" the second is B)."""
    after = [p for p in placed if p.first > between and not p.place
             and not (p.last + 1 < len(words) and words[p.last + 1].lower in ("'s", "’s"))][:2]
    if len(after) == 2 and after[0].first - between <= 4:
        return after[0], after[1]
    return None


def _partner(placed: Sequence[Placed], source: Placed, words: Sequence[Word], lo: int
             ) -> Placed | None:
    """"X and Y agreed": X, when ``source`` is Y. A role before a name is the name, not a
    partner: in "X's adviser, A, and China's top diplomat, B, met" B's partner is A."""
    k = source.first - 1
    while k > lo and words[k].lower in ("and", "&", ","):
        prev = next((p for p in reversed(placed) if p.last < k and not p.place), None)
        if prev is None or k - prev.last > 2:
            return None
        if words[k].lower == "," and k - prev.last == 1 and _apposition(prev, source):
            k = prev.first - 1
            continue
        return prev
    return None


def _apposition(role: Placed, name: Placed) -> bool:
    """"China's top diplomat, Wang Yi": a group or role phrase set before a person's name."""
    return role.kind in ("GROUP", "DEMONYM") and name.kind == "PERSON"


def _named(placed: Sequence[Placed], p: Placed | None, words: Sequence[Word], hi: int
           ) -> Placed | None:
    """The person a role phrase stands for when a name follows it after a comma ("met the
    top foreign policy leader, Wang Yi, …" → Wang Yi)."""
    if p is None or p.kind not in ("GROUP", "DEMONYM") or p.last + 2 >= hi \
            or words[p.last + 1].lower != ",":
        return p
    nxt = next((q for q in placed if q.first == p.last + 2), None)
    return nxt if nxt is not None and nxt.kind == "PERSON" else p


def event_key(e: Event) -> tuple[str, str | None, str | None, str | None]:
    """What makes two reports "the same event" across articles: the type, who (actor
    code, else canonical name), to whom, and the day (the date value cut to YYYY-MM-DD
    when it is at least day-precise; None otherwise, so undated reports of the same
    actors and type group together)."""
    def who(a: Actor | None) -> str | None:
        if a is None:
            return None
        return a.code or a.canonical.casefold()
    day = e.date[:10] if e.date and _DAY.match(e.date) else None
    return (e.type, who(e.source), who(e.target), day)


def coded_type(e: Event, sentence_text: str = "") -> str | None:
    """The PLOVER type a coder gives the sentence's statement about ``e``.

    ``find_events`` reports the act with its status; PLOVER codes what was *done* by
    saying it: a promised or announced cooperative act is AGREE ("Finland will give
    Tanzania a grant"), a promised hostile act is THREATEN ("they would boycott the
    talks"), as is any act made conditional ("unless …"); a refused cooperative act is
    REJECT ("will not accept refugees"). A negated hostile act is no event (None): a
    denial is not the act.
    """
    words = set(sentence_text.lower().split())
    if e.status == "planned":
        if e.type in HOSTILE or ("unless" in words and e.type in COOPERATIVE | {"AGREE"}):
            return "THREATEN"
        if e.type in COOPERATIVE:
            return "AGREE"
    if e.status == "negated":
        if e.type in COOPERATIVE or e.type == "AGREE":
            return "REJECT"
        return None if e.type in HOSTILE else e.type
    return e.type

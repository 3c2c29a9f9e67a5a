"""Who did it to whom, read from a sentence's dependency parse.

The doer of a verb is its subject (for a passive verb, its "by" agent), the one it is done to
is its object or the object of the pattern's preposition; the doer of a noun ("China's
attack", "US sanctions", "talks held by X") is its possessor, its name modifier, its "by"
phrase, or the subject of the verb that carries it ("X launched an attack on Y"). Where the
parse says who the subject is, that answer stands even when the subject names no actor
("the talks"): the nearest name before the verb is then someone else. Where the parse has no
slot for the doer (a pronoun, a noun with no possessor), ``Roles`` says so and the
word-order rules of ``events`` decide. The target is the parse's alone: a name after the
trigger that no structure links to it is left out (``storyline eval actors`` measures both
choices on the project's gold sides).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from storyline.extract.actors import Placed, Word
from storyline.extract.syntax import Parse

_SUBJECTS = ("nsubj", "nsubj:pass", "nsubj:outer", "csubj")
#: Relations that start another clause or a list: an actor behind them is not this phrase's.
_CLAUSES = frozenset({"acl", "acl:relcl", "advcl", "advcl:relcl", "ccomp", "xcomp",
                      "parataxis", "conj", "cc", "punct", "list", "dislocated"})
#: Which actor inside a phrase names it: its appositive name first, then its own name
#: words, then its possessor or a phrase after a preposition.
_RANK = {"appos": 0, "flat": 1, "compound": 1, "amod": 2, "nmod:poss": 3, "nmod": 4}
_RELATIVE = frozenset({"who", "which", "that", "whom"})
#: Subjects that stand for someone named elsewhere: the word-order rules, which take the
#: nearest actor before the verb, find the antecedent more often than not.
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them",
                       "us", "this", "these", "those", "one", "both", "each"})
#: Words that head a time phrase, never a doer: "Last month, X and Y met" misparsed.
_TIME = frozenset({"day", "week", "month", "year", "weekend", "night", "morning", "evening",
                   "afternoon", "today", "yesterday", "tomorrow", "time", "monday", "tuesday",
                   "wednesday", "thursday", "friday", "saturday", "sunday"})
#: Pronouns that stand for a person named earlier in the sentence, or for no one named.
_PERSONAL = frozenset({"he", "she"})
#: A noun event in a phrase of these happened around the clause, not by its subject:
#: "wounded *in* the attack", "*after* the talks".
_AROUND = frozenset({"in", "during", "after", "before", "since", "following", "despite",
                     "amid", "over", "about", "at"})
#: Verbs that carry a noun event as their object: "held talks", "launched an attack".
_LIGHT = frozenset({"hold", "launch", "carry", "conduct", "stage", "make", "impose", "sign",
                    "reach", "issue", "file", "level", "mount", "begin", "start", "open",
                    "announce", "order", "lead", "host", "organize", "organise", "call",
                    "give", "provide", "offer", "send", "deliver", "extend", "pledge",
                    "have", "seek", "press", "renew", "continue", "resume", "escalate",
                    "step", "unleash", "wage", "commit", "perpetrate", "lodge", "bring",
                    "slap", "approve", "adopt", "introduce", "pass", "put"})
#: A noun's doer after these: "a visit by X", "threats from Beijing".
_NOUN_AGENT = frozenset({"by", "from"})
#: A target after these when the pattern names no preposition of its own.
_TARGET_CASES = frozenset({"against", "on", "with", "to", "upon", "toward", "towards"})


@dataclass(frozen=True, slots=True)
class Roles:
    """The parse's answer for one trigger. ``source_known``: the parse found the doer's slot
    (``source`` is then its actor, or None when the slot names none); ``target_known``
    likewise, and always true from ``roles``."""

    source: Placed | None = None
    target: Placed | None = None
    source_known: bool = False
    target_known: bool = False
    passive: bool = False


def head_of(parse: Parse, first: int, end: int) -> int:
    """The word of ``[first, end)`` whose head lies outside it ("peace *talks*")."""
    for i in range(first, end):
        h = parse.heads[i]
        if h == i or not first <= h < end:
            return i
    return first


def _case(parse: Parse, words: Sequence[Word], i: int) -> str | None:
    """The preposition of a phrase (a "mark" too: "to Beijing" misread as a clause)."""
    k = parse.child(i, "case", "mark")
    return words[k].lower if k is not None else None


def actor_at(parse: Parse, i: int, placed: Sequence[Placed], places: bool = False
             ) -> Placed | None:
    """The actor a phrase headed by word ``i`` names: the one covering ``i``, else the
    nearest one inside the phrase, not crossing into a clause or a list. A role set before
    a person's name is that person ("China's top diplomat, Wang Yi")."""
    if not places:
        placed = [p for p in placed if not p.place]
    covering = next((p for p in placed if p.first <= i <= p.last), None)
    if covering is not None:
        if covering.kind in ("GROUP", "DEMONYM"):
            for k in parse.children(i):
                if parse.deps[k] == "appos":
                    person = next((p for p in placed if p.first <= k <= p.last
                                   and p.kind == "PERSON"), None)
                    if person is not None:
                        return _with_role(person, covering)
        if covering.kind == "PERSON":
            # "Marta Quintero, the Brazilian president,": the name, of the role's country
            for k in (c for h in range(covering.first, covering.last + 1)
                      for c in parse.children(h)):
                if parse.deps[k] == "appos":
                    role = next((p for p in placed if p.kind in ("GROUP", "DEMONYM")
                                 and any(parse.heads[j] == k or j == k
                                         for j in range(p.first, p.last + 1))), None)
                    if role is not None:
                        return _with_role(covering, role)
        return covering
    frontier = [i]
    for _depth in range(3):
        nxt: list[int] = []
        hits: list[tuple[int, Placed]] = []
        for j in frontier:
            for k in parse.children(j):
                if parse.deps[k] in _CLAUSES:
                    continue
                hit = next((p for p in placed if p.first <= k <= p.last), None)
                if hit is not None:
                    hits.append((_RANK.get(parse.deps[k], len(_RANK)), hit))
                nxt.append(k)
        if hits:
            # "the minister's chief of staff, Peter Kovacs": the name, not the minister
            return min(hits, key=lambda h: h[0])[1]
        frontier = nxt
    return None


def _with_role(person: Placed, role: Placed) -> Placed:
    """A person named with a role phrase acts for the role's country and sector."""
    if person.actor.country or not role.actor.country:
        return person
    actor = replace(person.actor, country=role.actor.country,
                    sector=person.actor.sector or role.actor.sector)
    return replace(person, actor=actor)


def _subject(parse: Parse, words: Sequence[Word], t: int,
             actor: Callable[[int], Placed | None] | None = None
             ) -> tuple[int | None, bool, bool]:
    """(the subject phrase's head of the clause of verb ``t``, whether it is a passive
    subject, whether a slot was found at all)."""
    k = t
    for _ in range(4):
        s = parse.child(k, *_SUBJECTS)
        if s is not None:
            if words[s].lower in _RELATIVE and parse.deps[k] == "acl:relcl":
                return parse.heads[k], parse.deps[s] == "nsubj:pass", True
            return s, parse.deps[s] == "nsubj:pass", True
        dep, head = parse.deps[k], parse.heads[k]
        if head == k:
            return None, False, False
        if dep == "xcomp":
            # "asked Y to leave": Y leaves; "X agreed to meet": X meets
            obj = parse.child(head, "obj", "iobj")
            if obj is not None:
                return obj, False, True
            k = head
            continue
        if dep == "conj" and parse.verb(head):
            k = head  # "X arrived and met Y": the shared subject
            continue
        if dep == "acl" and (parse.noun(head) or parse.tags[head] == "PRP"):
            # "troops firing on crowds" (the noun acts); "protesters arrested" (it is acted
            # on); "issued a statement condemning X": the statement's author condemns
            # (a participle with an object is active: "Israeli jets struck targets" read
            # as a headline's noun phrase)
            acted_on = parse.tags[k] == "VBN" and parse.child(k, "obj") is None
            if actor is None or actor(head) is not None or acted_on \
                    or parse.deps[head] not in ("obj", "nsubj") \
                    or parse.heads[head] == head:
                return head, acted_on, True
            k = parse.heads[head]
            continue
        if dep == "advcl" and parse.tags[k] == "VBG" and parse.child(k, "mark") is None:
            k = head  # "…, killing five people": the main clause's subject
            continue
        return None, False, False
    return None, False, False


def _passive(parse: Parse, t: int) -> bool:
    return parse.child(t, "aux:pass", "nsubj:pass") is not None or (
        parse.deps[t] == "acl" and parse.tags[t] == "VBN" and parse.child(t, "obj") is None)


def _object(parse: Parse, words: Sequence[Word], t: int, preps: Sequence[str],
            placed: Sequence[Placed], depth: int = 0, span: Sequence[int] = ()
            ) -> tuple[Placed | None, bool]:
    """The actor the verb's object names, else the one after one of ``preps`` or of
    ``_TARGET_CASES``; (None, True) when the verb has an object that names no actor
    ("killed the engine"), (None, False) when it has none at all or only a pronoun."""
    has_object = False
    cases = set(preps) | _TARGET_CASES
    objects = [k for k in parse.children(t) if parse.deps[k] in ("obj", "iobj")]
    for k in objects:
        if words[k].lower in _PRONOUNS:
            return None, False
        hit = actor_at(parse, k, placed)
        if hit is not None:
            return hit, True
        has_object = True
    # "provide aid to refugees", "withdraw its force from Chad": the phrase may hang on
    # the verb, on its object or on another word of the trigger ("spoke by phone with X");
    # "rejected the complaint from Tokyo", "accepted demands by the rebels": the object's
    # author is the one answered
    hosts = [t, *objects, *(i for i in span if i != t)]
    for k in [c for h in hosts for c in parse.children(h)]:
        case = _case(parse, words, k)
        own = case in _NOUN_AGENT and (parse.heads[k] in objects or has_object)
        if (parse.deps[k].startswith(("obl", "nmod")) and parse.deps[k] != "obl:agent"
                and (case in cases or own)):
            # a place is a target only after the pattern's own word: "arrive in Beijing"
            hit = actor_at(parse, k, placed, places=case in preps)
            if hit is not None:
                return hit, True
    if not objects:
        for k in parse.children(t):
            if parse.deps[k] == "ccomp" and parse.child(k, "mark") is not None:
                # "demanded that X cancel …": X is the one asked
                subj = parse.child(k, "nsubj", "nsubj:pass")
                if subj is not None and words[subj].lower not in _PRONOUNS:
                    return actor_at(parse, subj, placed), True
            if parse.deps[k] == "xcomp" and depth < 2:
                # "threatened to break relations with X", "offered to hand them to X"
                hit, known = _object(parse, words, k, preps, placed, depth + 1)
                if hit is not None:
                    return hit, known
    return None, has_object


def verb_roles(parse: Parse, words: Sequence[Word], t: int, placed: Sequence[Placed],
               preps: Sequence[str], transitive: bool, reciprocal: bool = False,
               span: Sequence[int] = ()) -> Roles:
    subj, subj_passive, found = _subject(parse, words, t,
                                         lambda i: actor_at(parse, i, placed))
    passive = subj_passive or _passive(parse, t)
    source = target = None
    source_known = target_known = False
    if passive:
        agent = parse.child(t, "obl:agent")
        if agent is None:
            agent = next((k for k in parse.children(t) if parse.deps[k] == "obl"
                          and _case(parse, words, k) == "by"), None)
        source_known = True  # the doer of a passive is its agent or no one named
        source = actor_at(parse, agent, placed) if agent is not None else None
        if found and subj is not None and words[subj].lower not in _PRONOUNS:
            target, target_known = actor_at(parse, subj, placed), True
    else:
        if found and subj is not None and words[subj].lower in _PERSONAL:
            # "X visited Y, where she held talks": the last person named before her
            named = next((p for p in reversed(placed) if p.last < subj
                          and p.kind == "PERSON"), None)
            source, source_known = actor_at(parse, named.last, placed) if named else None, True
        elif found and subj is not None and words[subj].lower not in _PRONOUNS:
            source, source_known = actor_at(parse, subj, placed), True
        if transitive:
            target, target_known = _object(parse, words, t, preps, placed, span=span)
        if reciprocal and target is None and subj is not None:
            # "X and Y met": the subject's other conjunct is the partner
            other = parse.child(subj, "conj")
            if other is not None:
                target = actor_at(parse, other, placed)
                target_known = target_known or target is not None
    return Roles(source, target, source_known, target_known, passive)


def noun_roles(parse: Parse, words: Sequence[Word], t: int, placed: Sequence[Placed],
               preps: Sequence[str], transitive: bool) -> Roles:
    source = target = None
    source_known = target_known = False
    for k in parse.children(t):
        dep = parse.deps[k]
        if dep in ("nmod:poss", "compound", "amod") and not source_known:
            hit = actor_at(parse, k, placed)
            if hit is not None:
                source, source_known = hit, True
        elif dep.startswith("nmod") and _case(parse, words, k) in _NOUN_AGENT and not source_known:
            source, source_known = actor_at(parse, k, placed), True
    head, dep = parse.heads[t], parse.deps[t]
    if not source_known and dep == "obj" and head != t and words[head].lemma in _LIGHT:
        carried = verb_roles(parse, words, head, placed, (), False)
        source, source_known = carried.source, carried.source_known
    elif not source_known and dep.startswith(("obl", "nmod")) and head != t \
            and _case(parse, words, t) in _AROUND \
            and parse.child(t, "det") is not None:
        source_known = True  # "wounded in the attack": the clause's subject is not its doer
    if transitive or preps:
        cases = set(preps) | _TARGET_CASES
        # (one level down too: "threats from Beijing against Taiwan" hangs Taiwan on Beijing)
        below = [j for k in parse.children(t) if parse.deps[k].startswith("nmod")
                 for j in parse.children(k)]
        # (and on the verb it is the object of, after it: "called off a visit to Rome"
        # hangs "to Rome" on "called" as often as on "visit")
        after = [j for j in parse.children(head) if j > t and parse.deps[j] == "obl"] \
            if dep == "obj" and head != t else []
        for k in parse.children(t) + below + after:
            if parse.deps[k].startswith(("nmod", "obl")) and _case(parse, words, k) in cases:
                target, target_known = actor_at(parse, k, placed), True
                break
            if parse.deps[k] in ("acl", "ccomp") and parse.child(k, "mark") is not None:
                subj = parse.child(k, "nsubj", "nsubj:pass")  # "its demand that Israel …"
                if subj is not None and words[subj].lower not in _PRONOUNS:
                    target, target_known = actor_at(parse, subj, placed), True
                    break
    return Roles(source, target, source_known, target_known, False)


def _misparsed(parse: Parse, words: Sequence[Word], t: int) -> bool:
    """Signs that the clause's tree is wrong, so none of it is used: a time phrase read as
    the subject ("Last month, X and Y met"), a verb trigger read as an adjective ("X
    accused Chile" as "accused Chile"), a passive subject with no passive auxiliary ("Chad
    attacked Niger" as "Chad [was] attacked"), a whole sentence read as a noun phrase.
    The word-order rules read those better."""
    if parse.verb(t) and parse.deps[t] in ("amod", "compound"):
        return True
    head = parse.heads[t]
    if parse.deps[t] == "acl" and parse.heads[head] == head:
        return True  # a sentence read as a noun phrase: "Russian troops [that] withdrew"
    if parse.child(t, "nsubj:pass") is not None and parse.child(t, "aux:pass") is None:
        return True
    k = t
    for _ in range(3):
        s = parse.child(k, *_SUBJECTS)
        if s is not None:
            return words[s].lower in _TIME
        if parse.heads[k] == k:
            return False
        k = parse.heads[k]
    return False


def roles(parse: Parse, words: Sequence[Word], lo: int, first: int, end: int,
          placed: Sequence[Placed], preps: Sequence[str], transitive: bool,
          reciprocal: bool = False) -> Roles:
    """The parse's roles for the trigger ``words[first:end]``, the parse covering the words
    from ``lo`` (the sentence's first word, or the first after its dateline) on; indexes
    are the doc's, the parse's count from ``lo``. Actors before ``lo`` are not read."""
    sentence = words[lo:lo + len(parse.heads)]
    kept = [p for p in placed if p.first >= lo]
    local = [Placed(p.actor, p.first - lo, p.last - lo, p.place, p.kind) for p in kept]
    spans = {(p.first - lo, p.last - lo): p for p in kept}

    def back(p: Placed | None) -> Placed | None:
        # the doc's indexes again, with the actor as the parse read it (a role's country)
        return None if p is None else replace(spans[(p.first, p.last)], actor=p.actor)

    t = head_of(parse, first - lo, end - lo)
    if _misparsed(parse, sentence, t):
        return Roles()  # the word-order rules decide both sides
    if parse.verb(t):
        found = verb_roles(parse, sentence, t, local, preps, transitive, reciprocal,
                           range(first - lo, end - lo))
    elif parse.noun(t):
        found = noun_roles(parse, sentence, t, local, preps, transitive)
    else:
        return Roles()
    # A target only where the structure gives one: the nearest name after the trigger is
    # as often the place, the topic or someone else's object. Measured on the gold sides,
    # keeping a word-order target inside the trigger's own phrase added fewer right targets
    # than wrong ones.
    return Roles(back(found.source), back(found.target), found.source_known, True,
                 found.passive)

"""Generate the CAMEO event lexicon (src/storyline/extract/data/events/cameo.tsv).

    python scripts/import_cameo_verbs.py \\
        ../shared/eval/reference-cameo-phoenix-dictionaries/CAMEO.2.0.txt \\
        ../shared/eval/events-plover-gsr/CAMEO2PLOVER-2021.txt

Reads two files that are not copied into the project:

- ``CAMEO.2.0.txt``, the PETRARCH-2 verb dictionary (``openeventdata/petrarch2``, commit
  676801cd9cb2924bbbad09f86d15c9323e7097bf, ``petrarch2/data/dictionaries/``; MIT licence,
  Copyright (c) 2015 Open Event Data Alliance): synonym sets (``&NAME`` with ``+`` members)
  and ``--- VERB [code] ---`` blocks of verbs (``+ASK_FOR`` marks a phrasal verb, ``{…}``
  irregular forms, an optional ``[code]`` of its own) and patterns
  (``- * TRIP [160]  # CALLED_OFF``: ``*`` is the verb, ``{…}`` a noun phrase,
  ``(…)`` a prepositional phrase, ``$``/``+`` the source/target, ``[a:b]`` the active and
  passive codes, ``[---]`` no event);
- ``CAMEO2PLOVER-2021.txt`` (PLOVER manual draft 0.8, Open Event Data Alliance): CAMEO
  code → "PLOVER event, mode, context", looked up by the longest prefix of a code.

and writes the lexicon in the ``events.tsv`` format with a fifth column ``cameo=<code>``.
What ``extract/events.py`` can match is kept: a verb alone (its code, or its block's),
a phrasal verb ("call off"), and a verb followed by the words of its object and
prepositional phrases ("cancel * trip", "rush * to * border"). Patterns with words before
the verb (a subject), with source/target markers other than a trailing target, or with
synonym sets larger than ``--max-synset`` are left out. CAMEO 01 (statements) and ``[---]``
give ``-`` (no event: a blocker), CAMEO 02 (appeals) REQUEST, as the PLOVER types of the
POLECAT set (FIGHT→ASSAULT, DEMAND→REQUEST, DISAPPROVE→ACCUSE, INVESTIGATE→ACCUSE).

A verb alone is left out when it is one of ``COMMON_VERBS`` (too common to be an event on
its own); ``--scope`` keeps everything (``all``), only the multi-word patterns
(``patterns``), or only lines whose first word starts no line of the hand lexicon
(``new-verbs``, needs ``--hand``). Rerun after changing either input or this script, then
``pytest tests/test_events.py``; the figures that chose the defaults are in the docstring of
``extract/events.py``'s loader (``_lexicon``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.extract.actors import lemma_table

SOURCE = "openeventdata/petrarch2"
COMMIT = "676801cd9cb2924bbbad09f86d15c9323e7097bf"
OUT = Path(__file__).resolve().parent.parent / "src/storyline/extract/data/events/cameo.tsv"
REMAP = {"FIGHT": "ASSAULT", "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE",
         "INVESTIGATE": "ACCUSE"}
#: CAMEO roots the 2021 table leaves out: 01 statements are no event, 02 appeals REQUEST
#: (as "urge", "appeal", "call on" are in the hand lexicon).
MISSING_ROOTS = {"01": "-", "02": "REQUEST"}
#: Where the 2021 table disagrees with the hand lexicon's types: "impose sanctions" is
#: SANCTION there (and in the PLOVER gold records), COERCE in the table.
OVERRIDES = {"163": "SANCTION"}
#: A pattern of a verb and one of these alone ("rush to", "head to") says too little.
PREPOSITIONS = frozenset(("to", "for", "from", "into", "with", "against", "on", "off", "up",
                          "down", "out", "at", "about", "over", "in", "by"))
#: Codes whose meetings are reciprocal ("X and Y met", "talks between X and Y").
RECIPROCAL = ("040", "044", "046")
#: Verbs too common to be an event on their own (their patterns are kept).
COMMON_VERBS = frozenset((
    "be", "have", "do", "say", "make", "take", "go", "get", "give", "come", "see", "know",
    "put", "set", "hold", "keep", "bring", "leave", "let", "show", "tell", "turn", "call",
    "find", "run", "move", "use", "work", "play", "stand", "open", "end", "close", "start",
    "continue", "seek", "look", "meet", "pass", "carry", "hear", "form", "return"))
MIT = """\
The MIT License (MIT)

Copyright (c) 2015 Open Event Data Alliance

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE."""
_CODE = re.compile(r"\[([^\]]*)\]")
_WORD = re.compile(r"^[A-Za-z][A-Za-z-]*$")


@dataclass
class Block:
    name: str
    code: str
    verbs: list[tuple[tuple[str, ...], str]]  # (lemmas, code)
    patterns: list[tuple[str, str, str]]  # (pattern text, code, comment)


@dataclass(frozen=True)
class Line:
    words: tuple[str, ...]
    type: str
    mode: str
    frame: str
    code: str
    single: bool  # a verb alone (no pattern)


def read_table(path: Path) -> dict[str, tuple[str, str]]:
    """CAMEO code → (PLOVER type, mode) from CAMEO2PLOVER-2021.txt."""
    table: dict[str, tuple[str, str]] = {}
    for raw in path.read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        code, _, rest = line.partition(":")
        cells = [c.strip() for c in rest.split(",")]
        if not code.strip().isdigit() or not cells[0]:
            continue
        kind = OVERRIDES.get(code.strip(), REMAP.get(cells[0].upper(), cells[0].upper()))
        mode = cells[1] if len(cells) > 1 else ""
        # modes are hyphenated words; "pro_autocracy", "political" are contexts
        table.setdefault(code.strip(), (kind, mode if re.fullmatch(r"[a-z-]+", mode)
                                        and mode != "political" else ""))
    return table


def plover(code: str, table: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """The PLOVER (type, mode) of a CAMEO code (its longest prefix in the table); "-" for
    no event; None for a code that cannot be read."""
    if code == "---":
        return "-", ""
    if not code.isdigit() or len(code) < 2:
        return None
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    if code[:2] in MISSING_ROOTS:
        return MISSING_ROOTS[code[:2]], ""
    return None


def read_dictionary(path: Path) -> tuple[dict[str, list[list[str]]], list[Block]]:
    """The synonym sets (name → members, each a list of words) and the verb blocks."""
    synsets: dict[str, list[list[str]]] = {}
    blocks: list[Block] = []
    section = ""
    current: str | None = None
    for raw in path.read_text("utf-8", errors="replace").splitlines():
        if raw.startswith("####"):
            section = raw.strip("# ").split()[0]  # SYNONYM, VERB or TRANSFORMATIONS
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if section == "SYNONYM":
            if line.startswith("&"):
                current = line.strip().rstrip("_")
                synsets[current] = []
            elif line.startswith("+") and current is not None:
                synsets[current].append(line[1:].strip().strip("_").split("_"))
        elif section == "VERB":
            if line.startswith("---"):
                parts = line.strip("- ").split()
                code = _CODE.search(line)
                blocks.append(Block(parts[0], code.group(1) if code else "---", [], []))
            elif line.startswith("-") and blocks:
                code = _CODE.search(line)
                if code:
                    comment = raw.split("#", 1)[1].strip() if "#" in raw else ""
                    blocks[-1].patterns.append((line[1:line.index("[")].strip(),
                                                code.group(1), comment))
            elif blocks:
                verb = re.sub(r"\{[^}]*\}", " ", line).split()
                if not verb:
                    continue
                code = _CODE.search(line)
                words = tuple(w for w in verb[0].replace("+", "").split("_") if w)
                blocks[-1].verbs.append((words, code.group(1) if code else blocks[-1].code))
    return synsets, blocks


def lemmas(words: Sequence[str], table: dict[str, str] | None = None) -> tuple[str, ...]:
    """Lower-case words, split at hyphens ("sit-in" is three tokens to spaCy); with a lemma
    table, the last word (a noun phrase's head: "talks" → "talk") as its lemma. Only the
    head: the table knows no part of speech ("ground" → "grind", "armed" → "arm")."""
    out: list[str] = []
    for w in words:
        out += [part for part in re.split(r"(-)", w.lower()) if part]
    if table is not None and out:
        out[-1] = table.get(out[-1], out[-1])
    return tuple(out)


def expand(tokens: Sequence[str], synsets: dict[str, list[list[str]]], limit: int
           ) -> list[list[str]] | None:
    """Every token list with the synonym sets replaced by their members (a member's words
    stay together as a braced phrase); None when a set is unknown or too large."""
    out: list[list[str]] = [[]]
    for tok in tokens:
        name = tok.strip("{}()")
        if not name.startswith("&"):
            out = [[*o, tok] for o in out]
            continue
        members = synsets.get(name.rstrip("_"))
        if members is None or len(members) > limit:
            return None
        opening, closing = tok[:tok.index("&")], tok[tok.index("&") + len(name):]
        braced = "{" not in tok and "}" not in closing and "(" not in opening
        variants = []
        for m in members:
            words = list(m)
            if len(words) > 1 and braced:
                words[0], words[-1] = "{" + words[0], words[-1] + "}"
            words[0] = opening + words[0]
            words[-1] = words[-1] + closing
            variants.append(words)
        out = [o + v for o in out for v in variants]
        if len(out) > limit:
            return None
    return out


def post_words(tokens: Sequence[str]) -> tuple[list[list[str]], str] | None:
    """The elements after the verb ("{ARMS SHIPMENT}" → [["ARMS", "SHIPMENT"]],
    "(TO BORDER)" → [["TO"], ["BORDER"]]) and a target preposition from a last
    preposition without a noun ("(AGAINST)", "(WITH +)"); None when not expressible."""
    elements: list[list[str]] = []
    prep = ""
    i = 0
    toks = list(tokens)
    if toks and toks[-1] == "+":  # the target follows: our default
        toks.pop()
    while i < len(toks):
        tok = toks[i]
        if tok.startswith("("):
            j = i
            while not toks[j].endswith(")"):
                j += 1
                if j == len(toks):
                    return None
            inner = " ".join(toks[i:j + 1])[1:-1].split()
            if inner and inner[-1] == "+":
                inner.pop()
                if len(inner) == 1:
                    prep = inner[0]
                    i = j + 1
                    continue
            if not inner or any(not _WORD.match(w.strip("{}")) for w in inner):
                return None
            if len(inner) == 1 and j == len(toks) - 1 and elements:
                prep = inner[0]  # "stage * air raid (AGAINST)": the target's preposition
            else:
                elements.append([inner[0]])
                rest = " ".join(inner[1:]).replace("{", "").replace("}", "").split()
                if rest:
                    elements.append(rest)
            i = j + 1
        elif tok.startswith("{"):
            j = i
            while not toks[j].endswith("}"):
                j += 1
                if j == len(toks):
                    return None
            words = " ".join(toks[i:j + 1])[1:-1].split()
            if not words or any(not _WORD.match(w) for w in words):
                return None
            elements.append(words)
            i = j + 1
        elif _WORD.match(tok):
            elements.append([tok])
            i += 1
        else:
            return None  # $ ^ % and the like need the parse
    return elements, prep


def frame_of(code: str, kind: str, prep: str) -> str:
    if kind == "-":
        return "-"
    if code[:3] in RECIPROCAL:
        return f"SRC+TGT _ {prep.lower() or 'with'} TGT"
    return f"SRC _ {prep.lower()} TGT" if prep else "SRC _ TGT"


def block_lines(block: Block, synsets: dict[str, list[list[str]]],
                codes: dict[str, tuple[str, str]], lemma: dict[str, str],
                pattern_verbs: str, max_synset: int, known: set[tuple[str, ...]]
                ) -> Iterator[Line]:
    """The lines of one verb block; a pattern is for the verb its comment names when that
    is a verb of the dictionary (``known``), else for every verb of the block."""
    verbs = [(lemmas(v), c) for v, c in block.verbs]
    verbs = [(v, c) for v, c in verbs if v and all(_WORD.match(w) or w == "-" for w in v)]
    for words, code in verbs:
        active = code.split(":")[0]
        got = plover(active, codes)
        if got is not None:
            yield Line(words, got[0], got[1], frame_of(active, got[0], ""), active,
                       len(words) == 1)
    for text, code, comment in block.patterns:
        active = code.split(":")[0]
        got = plover(active, codes)
        if got is None or "*" not in text.split():
            continue
        tokens = text.split()
        if tokens.index("*") != 0:
            continue  # words before the verb: a subject needs the parse
        named = comment.split()[0] if comment.split() else ""
        own = lemmas([w for w in named.replace("+", "").split("_") if w])
        if own and own not in known:  # "CALLED_OFF" → "call off"
            own = (lemma.get(own[0], own[0]), *own[1:])
        heads = [own] if own in known and pattern_verbs == "comment" else [
            v for v, _ in verbs]
        for expanded in expand(tokens[1:], synsets, max_synset) or []:
            post = post_words(expanded)
            if post is None or not post[0]:
                continue
            elements, prep = post
            tail: list[str] = []
            for k, element in enumerate(elements):
                tokens_ = list(lemmas(element, lemma))
                # a preposition right after the verb belongs to it ("rush to")
                tail += tokens_ if k == 0 and len(element) == 1 and element[0].lower() in (
                    "to", "for", "from", "into", "with", "against", "on", "off", "up",
                    "down", "out") else ["*", *tokens_]
            for head in heads:
                yield Line(head + tuple(tail), got[0], got[1],
                           frame_of(active, got[0], prep), active, False)


def keep(line: Line, scope: str, hand_firsts: set[str]) -> bool:
    """Whether a line is in ``scope``. A blocker (no event) is kept unless its verb starts a
    line of the hand lexicon (in the ``new-`` scopes): the hand lexicon decides about its
    own verbs ("deny * accusation" stays a denial, REJECT)."""
    if scope in ("new-verbs", "new-patterns") and line.words[0] in hand_firsts:
        return False
    if line.type == "-":
        return True
    if scope in ("patterns", "new-patterns") and line.single:
        return False
    return not (scope == "new-patterns" and len(line.words) == 2
                and line.words[1] in PREPOSITIONS)


def generate(dictionary: Path, table: Path, scope: str = "new-patterns",
             hand: Path | None = None, pattern_verbs: str = "comment",
             max_synset: int = 20, common: frozenset[str] = COMMON_VERBS) -> list[str]:
    """The lines of cameo.tsv (header included)."""
    synsets, blocks = read_dictionary(dictionary)
    codes = read_table(table)
    lemma = lemma_table()
    hand_firsts: set[str] = set()
    if hand is not None:
        for raw in hand.read_text("utf-8").splitlines():
            if raw.strip() and not raw.startswith("#"):
                hand_firsts.add(raw.split("\t")[0].lower().split()[0])
    known = {lemmas(v) for b in blocks for v, _ in b.verbs}
    chosen: dict[tuple[str, ...], Line] = {}
    order: list[tuple[str, tuple[str, ...]]] = []
    for block in blocks:
        for line in block_lines(block, synsets, codes, lemma, pattern_verbs, max_synset,
                                known):
            if line.single and line.words[0] in common:
                continue
            if not keep(line, scope, hand_firsts):
                continue
            if line.words in chosen and line.single:
                continue  # PETRARCH keeps a verb's first code, a pattern's last
            if line.words not in chosen:
                order.append((block.name, line.words))
            chosen[line.words] = line
    out = header(scope, pattern_verbs, max_synset)
    last = ""
    for name, words in order:
        line = chosen[words]
        if name != last:
            out.append(f"# {name}")
            last = name
        out.append("\t".join((" ".join(line.words), line.type, line.mode or "-",
                              line.frame, f"cameo={line.code}")))
    return out


def header(scope: str, pattern_verbs: str, max_synset: int) -> list[str]:
    lines = [
        "# Storyline event lexicon from the PETRARCH-2 CAMEO verb dictionary. GENERATED by",
        "# scripts/import_cameo_verbs.py: do not edit, rerun it (see its docstring).",
        f"# Source: CAMEO.2.0.txt of {SOURCE}, commit {COMMIT}",
        "# (petrarch2/data/dictionaries/), with CAMEO codes mapped to PLOVER types by",
        "# CAMEO2PLOVER-2021.txt (PLOVER manual draft 0.8, Open Event Data Alliance).",
        f"# Options: --scope {scope} --pattern-verbs {pattern_verbs} "
        f"--max-synset {max_synset}",
        "# Format as events.tsv, plus a fifth column cameo=<CAMEO code> (--- for no event).",
        "# The hand lexicon (events.tsv) wins for a same pattern, user files over both.",
        "#",
        "# The CAMEO verb dictionary is distributed under this licence:",
        "#",
    ]
    return lines + [f"# {t}".rstrip() for t in MIT.splitlines()] + ["#"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("dictionary", type=Path, help="CAMEO.2.0.txt")
    parser.add_argument("table", type=Path, help="CAMEO2PLOVER-2021.txt")
    parser.add_argument("-o", "--output", type=Path, default=OUT,
                        help=f"where to write (default: {OUT})")
    parser.add_argument("--scope", choices=("all", "patterns", "new-verbs", "new-patterns"),
                        default="new-patterns",
                        help="which event lines (blockers are always kept): every one, "
                             "multi-word ones, ones of verbs the hand lexicon lacks, or "
                             "multi-word ones of those verbs (default)")
    parser.add_argument("--hand", type=Path, default=OUT.with_name("events.tsv"),
                        help="the hand lexicon, for --scope new-verbs")
    parser.add_argument("--pattern-verbs", choices=("comment", "block"), default="comment",
                        help="a pattern is for the verb named in its comment, or for every "
                             "verb of its block (as PETRARCH reads it)")
    parser.add_argument("--max-synset", type=int, default=20,
                        help="leave out patterns with a larger synonym set")
    parser.add_argument("--keep-common", action="store_true",
                        help="keep very common verbs alone (say, make, take …)")
    args = parser.parse_args(argv)
    lines = generate(args.dictionary, args.table, args.scope, args.hand, args.pattern_verbs,
                     args.max_synset, frozenset() if args.keep_common else COMMON_VERBS)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n = sum(1 for line in lines if not line.startswith("#"))
    print(f"{n} lines written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

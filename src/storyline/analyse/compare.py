"""Two or more outlets of one story, compared: what they all state, what each alone states
among them, and where they take different sides.

The story report compares every outlet with every other; an analyst usually asks about a
few ("what does the Courier say that the Tribune leaves out?"). This reads the answer off
a built report, so it costs nothing more than the report itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from storyline.analyse.types import Citation, Fact, SourceColumn, StoryReport


@dataclass(frozen=True, slots=True)
class OutletFacts:
    """One compared outlet and the facts it states that none of the others compared do."""

    source: str
    #: Fact ids, the report's order (shared facts first, then the most informative).
    only_here: tuple[str, ...]
    #: How many of the story's facts this outlet states in all.
    stated: int


@dataclass(frozen=True, slots=True)
class Comparison:
    story_id: str
    #: The compared outlets, as the report names them (in the order asked for).
    sources: tuple[str, ...]
    #: Facts every compared outlet states.
    common: tuple[str, ...]
    #: With three or more outlets: facts some, but not all, of them state.
    some: tuple[str, ...]
    only: tuple[OutletFacts, ...]
    #: Indexes (from 1, as the report lists them) of the conflicts in which two compared
    #: outlets take different sides.
    conflicts: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: An article id prefix shorter than this is not taken for an article (too many collide).
MIN_ID_PREFIX = 6


def match_sources(report: StoryReport, names: Sequence[str]) -> tuple[list[str], list[str]]:
    """The report's outlets that ``names`` ask for (case and spacing ignored; blank names
    ask for nothing), and the names that match none of them."""
    by_key = {_key(c.source): c.source for c in report.sources}
    found: list[str] = []
    unknown: list[str] = []
    for name in names:
        if not name.strip():
            continue  # an empty form field or query parameter asks for nothing
        source = by_key.get(_key(name))
        if source is None:
            unknown.append(name)
        elif source not in found:
            found.append(source)
    return found, unknown


def resolve_outlets(report: StoryReport, tokens: Sequence[str]) -> list[str]:
    """The outlets ``tokens`` choose, each once, in the order asked for.

    A token is, in this order: an outlet's name (case and spacing ignored); an article id
    of the story, or a prefix of one (``MIN_ID_PREFIX`` characters or more), for that
    article's outlet; a number, the outlet's place (from 1) in the story's source list
    (``report.sources``, as ``storyline show`` lists them). Blank tokens choose nothing.
    Text files without metadata have outlets such as "unknown source (5584372a)": their
    article id or number is easier to type. Raises ValueError, one line listing the
    choices, for a token that matches nothing, an ambiguous prefix or a number out of range.
    """
    found: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        if not token.strip():
            continue  # an empty form field or query parameter asks for nothing
        source = _resolve(report, token.strip())
        if source is None:
            unknown.append(token)
        elif source not in found:
            found.append(source)
    if unknown:
        raise ValueError(f"story {report.story_id} has no outlet "
                         f"{', '.join(repr(u) for u in unknown)}, nor such an article id or "
                         f"source number (its outlets: {_numbered(report)})")
    return found


def _resolve(report: StoryReport, token: str) -> str | None:
    names = {_key(c.source): c.source for c in report.sources}
    if _key(token) in names:
        return names[_key(token)]
    owners = {aid: c.source for c in report.sources for aid in c.article_ids}
    if token in owners:
        return owners[token]
    if len(token) >= MIN_ID_PREFIX:
        hits = sorted(aid for aid in owners if aid.startswith(token.lower()))
        if len({owners[aid] for aid in hits}) > 1:
            listed = ", ".join(f"{aid} ({owners[aid]})" for aid in hits[:6])
            raise ValueError(f"article id prefix {token!r} is ambiguous in story "
                             f"{report.story_id}: {listed}" + (" …" if len(hits) > 6 else ""))
        if hits:
            return owners[hits[0]]
    if token.isdigit():
        n = int(token)
        if not 1 <= n <= len(report.sources):
            raise ValueError(f"source number {n} is out of range: story {report.story_id} "
                             f"has {len(report.sources)} outlets ({_numbered(report)})")
        return report.sources[n - 1].source
    return None


def _numbered(report: StoryReport) -> str:
    return "; ".join(f"{n} {c.source}" for n, c in enumerate(report.sources, 1)) or "none"


def compare_sources(report: StoryReport, names: Sequence[str]) -> Comparison:
    """Compare the outlets ``names`` of ``report``: names, article ids or numbers, as
    ``resolve_outlets`` reads them.

    Raises ValueError naming what is wrong: an outlet the story does not have, or fewer
    than two distinct outlets.
    """
    found = resolve_outlets(report, names)
    if len(found) < 2:
        raise ValueError("compare needs two or more different outlets of the story")
    columns: dict[str, SourceColumn] = {c.source: c for c in report.sources}
    stated = {s: set(columns[s].fact_ids) for s in found}
    order = [f.id for f in _facts(report)]
    common = [f for f in order if all(f in stated[s] for s in found)]
    some = [f for f in order if f not in common
            and sum(f in stated[s] for s in found) >= 2]
    only = tuple(OutletFacts(
        s, tuple(f for f in order if f in stated[s]
                 and not any(f in stated[o] for o in found if o != s)),
        len(stated[s])) for s in found)
    sides = []
    for n, conflict in enumerate(report.conflicts, 1):
        taken = [{s for s in v.sources if s in stated} for v in conflict.variants]
        if any(a - b and b - a for i, a in enumerate(taken) for b in taken[i + 1:]):
            sides.append(n)
    return Comparison(report.story_id, tuple(found), tuple(common), tuple(some), only,
                      tuple(sides))


def own_citations(report: StoryReport, fact: Fact, source: str) -> list[Citation]:
    """The outlet's own sentences for ``fact`` (its originals before its copies): a shared
    fact's shown wording may be another outlet's, or another language."""
    mine = next((set(c.article_ids) for c in report.sources if c.source == source), set())
    return sorted((c for c in fact.citations if c.article_id in mine),
                  key=lambda c: c.copy_of is not None)


def facts_by_id(report: StoryReport) -> dict[str, Fact]:
    return {f.id: f for f in _facts(report)}


def _facts(report: StoryReport) -> list[Fact]:
    return [*report.shared_facts, *report.single_source_facts]


def _key(name: str) -> str:
    return " ".join(name.casefold().split())

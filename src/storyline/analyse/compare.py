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


def compare_sources(report: StoryReport, names: Sequence[str]) -> Comparison:
    """Compare the outlets ``names`` of ``report``.

    Raises ValueError naming what is wrong: an outlet the story does not have, or fewer
    than two distinct outlets.
    """
    found, unknown = match_sources(report, names)
    if unknown:
        known = ", ".join(c.source for c in report.sources) or "none"
        raise ValueError(f"story {report.story_id} has no outlet "
                         f"{', '.join(repr(u) for u in unknown)} (its outlets: {known})")
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

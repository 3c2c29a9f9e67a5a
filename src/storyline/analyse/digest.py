"""A story's digest: the few counts a story list shows, read from the story's report.

The list must say what the story page says ("9 sources, 4 independent", disputed or not),
so the counts come from the same report, by this one rule; the store keeps them
(``story_digests``) so that a list need not build a report per story each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storyline.analyse.types import StoryReport

#: Bumped when a digest's rule changes: stored digests of an older rule are recomputed.
DIGEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class StoryDigest:
    """What a story list shows of one story, as its report counts it."""

    story_id: str
    #: Distinct outlets (an unnamed outlet counts once per article, as on the story page).
    sources: int
    #: Outlets with at least one article that is not a copy.
    independent_sources: int
    #: Conflicts the report lists.
    conflicts: int
    #: Facts two or more independent sources state.
    shared_facts: int

    @property
    def disputed(self) -> bool:
        """Sources say different things about the same thing."""
        return self.conflicts > 0

    @property
    def single_source(self) -> bool:
        """One independent voice (or none): nothing to cross-check it against."""
        return self.independent_sources <= 1

    def to_dict(self) -> dict[str, Any]:
        return {"source_count": self.sources, "independent_sources": self.independent_sources,
                "conflicts": self.conflicts, "shared_facts": self.shared_facts,
                "disputed": self.disputed, "single_source": self.single_source}


def digest(report: StoryReport) -> StoryDigest:
    """The digest of a story report (the counts its page shows)."""
    return StoryDigest(story_id=report.story_id, sources=len(report.sources),
                       independent_sources=report.independent_sources,
                       conflicts=len(report.conflicts), shared_facts=len(report.shared_facts))

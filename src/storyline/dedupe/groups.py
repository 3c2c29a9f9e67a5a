"""Copy groups: connected components of copy links, each with its likely original.

The original is the earliest published member; when dates are missing, the most complete
text (a copy site trims, a wire story is whole). Groups are computed when asked for, so a
late-arriving earlier article becomes the original without any rewrite of stored links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.dedupe.near import copy_score
from storyline.models import Article


@dataclass(frozen=True, slots=True)
class Copy:
    article_id: str
    similarity: float
    method: str


@dataclass(frozen=True, slots=True)
class CopyGroup:
    original: str
    copies: tuple[Copy, ...]
    reason: str

    @property
    def ids(self) -> list[str]:
        return [self.original, *(c.article_id for c in self.copies)]


def components(links: Iterable[tuple[str, str, float, str]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _, _ in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for x in parent:
        groups.setdefault(find(x), set()).add(x)
    return sorted(groups.values(), key=lambda g: min(g))


def pick_original(members: list[Article]) -> tuple[Article, str]:
    dated = [a for a in members if a.published]
    if dated:
        day = min((a.published or "")[:10] for a in dated)
        same_day = [a for a in dated if (a.published or "").startswith(day)]
        timed = sorted((a for a in same_day if len(a.published or "") > 10),
                       key=lambda a: (a.published or "", a.id))
        # The earliest known time competes with the same day's undated-time articles (any
        # of them may be earlier); among those, the most complete text wins.
        pool = [a for a in same_day if len(a.published or "") <= 10] + timed[:1]
        first = max(pool, key=lambda a: (len(a.text), a.id))
        return first, "earliest publication date"
    longest = max(members, key=lambda a: (len(a.text), a.id))
    return longest, "no dates: most complete text"


def build_groups(
    links: list[tuple[str, str, float, str]], articles: dict[str, Article]
) -> list[CopyGroup]:
    direct = {frozenset((a, b)): (sim, method) for a, b, sim, method in links}
    groups = []
    for component in components(links):
        members = [articles[i] for i in sorted(component) if i in articles]
        if len(members) < 2:
            continue
        original, reason = pick_original(members)
        copies = []
        for member in members:
            if member.id == original.id:
                continue
            link = direct.get(frozenset((member.id, original.id)))
            if link is None:
                link = (round(copy_score(member.text, original.text), 4), "near (via group)")
            copies.append(Copy(member.id, link[0], link[1]))
        copies.sort(key=lambda c: (-c.similarity, c.article_id))
        groups.append(CopyGroup(original.id, tuple(copies), reason))
    return groups

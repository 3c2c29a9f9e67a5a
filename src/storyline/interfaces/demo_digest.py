"""The one screen ``storyline demo`` ends with: the stories, the biggest one in a few lines,
what the ingest did, and what to type next.

A newcomer reads the last screen a command prints, so everything fits in about 40 lines.
``build_digest`` gathers the data (pure); ``render`` lays it out as lines of a given width
(pure); the CLI only prints them. The counts are the story page's (``StoryDigest``).
"""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from storyline.analyse.digest import StoryDigest
from storyline.analyse.types import Conflict, StoryReport, Variant
from storyline.interfaces.output import printable
from storyline.models import IngestReport

#: Stories listed one line each; the rest are counted.
STORY_LINES = 12
#: Summary sentences of the biggest story, each in at most two lines.
SUMMARY_SENTENCES = 3
#: Conflicts of the biggest story, one line each.
CONFLICT_LINES = 3
#: Rejects named in the ingest line (all are counted).
REJECTS_NAMED = 3
DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class StoryItem:
    """One line of the story list."""

    id: str
    headline: str
    articles: int
    sources: int
    independent: int
    disputed: bool


@dataclass(frozen=True, slots=True)
class Focus:
    """The biggest story, in a few lines: what it says and where its sources disagree."""

    id: str
    headline: str
    span: str
    articles: int
    sources: int
    independent: int
    languages: tuple[str, ...]
    summary: tuple[str, ...]
    #: One line each: what is disputed and the sides.
    conflicts: tuple[str, ...]
    more_conflicts: int
    #: Two of its outlets by number (``compare`` takes numbers), or () for one outlet.
    compare: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    stories: tuple[StoryItem, ...]
    more_stories: int
    focus: Focus | None
    #: "49 ingested, 0 already stored, 3 rejected" and the first rejects' reasons.
    ingest: str
    rejects: tuple[str, ...]
    store: str
    #: Where the web UI is being served, or None when it is not.
    web: str | None


def listed(stories: Sequence[dict[str, Any]], limit: int = STORY_LINES
           ) -> tuple[list[dict[str, Any]], int]:
    """The stories the digest lists (multi-article stories first, else in the listing's
    order) and how many it leaves out."""
    ordered = sorted(stories, key=lambda s: s["article_count"] < 2)
    return ordered[:limit], max(len(ordered) - limit, 0)


def biggest(stories: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The story with the most articles (the first listed among equals)."""
    return max(stories, key=lambda s: s["article_count"]) if stories else None


def build_digest(
    stories: Sequence[dict[str, Any]],
    digests: Mapping[str, StoryDigest],
    focus: StoryReport | None,
    ingest: IngestReport,
    *,
    store: str,
    web: str | None = None,
    limit: int = STORY_LINES,
) -> Digest:
    """The digest of a demo run. ``stories`` as ``Storyline.stories`` lists them;
    ``digests`` holds at least the listed ones' (``Storyline.digests``); ``focus`` is the
    biggest story's report."""
    shown, more = listed(stories, limit)
    items = tuple(_item(s, digests.get(s["id"])) for s in shown)
    total = sum(s["article_count"] for s in stories)
    title = (f"Sample corpus: {total} article{'s' * (total != 1)} in {len(stories)} "
             f"stor{'ies' if len(stories) != 1 else 'y'}")
    rejects = tuple(f"{PurePath(r.origin).name}: {_one_line(r.reason)}"
                    for r in ingest.rejected[:REJECTS_NAMED])
    return Digest(title, items, more, _focus(focus) if focus is not None else None,
                  ingest.summary(), rejects, store, web)


def _item(story: dict[str, Any], digest: StoryDigest | None) -> StoryItem:
    named = len(story.get("sources") or ())
    return StoryItem(
        id=story["id"], headline=_one_line(story.get("headline") or "") or "Untitled story",
        articles=story["article_count"],
        sources=digest.sources if digest else named,
        independent=digest.independent_sources if digest else named,
        disputed=digest.disputed if digest else False)


def _focus(report: StoryReport) -> Focus:
    conflicts = sorted(report.conflicts, key=lambda c: not c.between_sources)
    return Focus(
        id=report.story_id, headline=_one_line(report.headline) or "Untitled story",
        span=_span(report.first_seen, report.last_seen), articles=len(report.article_ids),
        sources=len(report.sources), independent=report.independent_sources,
        languages=report.languages,
        summary=tuple(_one_line(s.text) for s in report.summary[:SUMMARY_SENTENCES]),
        conflicts=tuple(_conflict_line(c) for c in conflicts[:CONFLICT_LINES]),
        more_conflicts=max(len(conflicts) - CONFLICT_LINES, 0),
        compare=(1, 2) if len(report.sources) >= 2 else ())


def _conflict_line(conflict: Conflict) -> str:
    """"balloon: "spy balloon" / "surveillance balloon" (WorldBrief24, Global Wire +2) vs
    Beijing says "civilian weather airship" (Harbor Daily)": when parties' claims are
    reported, the sources' own words against the claims; else one side per value. The
    shortest wordings first: the line is clipped to the terminal."""
    own = [v for v in conflict.variants if v.attributed_to is None]
    claims = [v for v in conflict.variants if v.attributed_to is not None]
    if own and claims:
        sides = [own, claims]
    else:
        groups: dict[str, list[Variant]] = {}
        for v in conflict.variants:
            groups.setdefault(_one_line(v.value).casefold() or _one_line(v.wording), []).append(v)
        sides = list(groups.values())
    scope = "" if conflict.between_sources else " (the parties' dispute)"
    return f"{_one_line(conflict.about)}{scope}: {' vs '.join(_side(vs) for vs in sides)}"


def _side(variants: list[Variant]) -> str:
    words = sorted(dict.fromkeys(_one_line(v.wording) for v in variants), key=len)
    parties = list(dict.fromkeys(_one_line(v.attributed_to) for v in variants
                                 if v.attributed_to))
    sources = list(dict.fromkeys(_one_line(s) for v in variants for s in v.sources))
    named = ", ".join(sources[:2]) + (f" +{len(sources) - 2}" if len(sources) > 2 else "")
    said = " / ".join(f'"{w}"' for w in words[:2])
    return f"{' and '.join(parties)} says {said} ({named})" if parties else f"{said} ({named})"


def _span(first: str | None, last: str | None) -> str:
    a, b = (first or "")[:10], (last or "")[:10]
    if a and b and a != b:
        return f"{a} → {b}"
    return a or b or "undated"


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def _sources(sources: int, independent: int, short: bool = False) -> str:
    if sources == 1:
        return "1 source"
    if short:
        return f"{sources} src, {independent} indep."
    return f"{sources} sources, {independent} independent"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


def _wrapped(text: str, width: int, first: str, rest: str, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width``, the last clipped with "…"."""
    body = textwrap.wrap(text, max(width - len(first), 20))
    if len(body) > lines:
        body = [*body[: lines - 1], clip(" ".join(body[lines - 1:]), width - len(rest))]
    return [(first if i == 0 else rest) + line for i, line in enumerate(body)]


#: A rendered line: a Rich style ("" for none) and its plain text.
Line = tuple[str, str]


def render(digest: Digest, width: int = 100) -> list[Line]:
    """The digest as lines no wider than ``width`` (a story's headline is clipped to fit)."""
    width = max(width, 60)
    out: list[Line] = [("bold", digest.title)]
    mark_width = len(DISPUTED) + 2 if any(s.disputed for s in digest.stories) else 0
    for short in (False, True):  # the short counts when headlines would get too little
        counts = [_sources(s.sources, s.independent, short) for s in digest.stories]
        count_width = max((len(c) for c in counts), default=0)
        head_width = width - 2 - 12 - 2 - 2 - count_width - mark_width
        if head_width >= 40:
            break
    for story, count in zip(digest.stories, counts, strict=True):
        line = (f"  {story.id:<12}  {clip(story.headline, head_width):<{head_width}}  "
                f"{count:<{count_width}}" + (f"  {DISPUTED}" if story.disputed else ""))
        out.append(("", line.rstrip()))
    if digest.more_stories:
        out.append(("dim", f"  and {digest.more_stories} more "
                           f"({_command('stories', digest.store)})"))
    focus = digest.focus
    if focus is not None:
        out += [("", ""), ("bold", clip(f"The biggest story, {focus.id}: {focus.headline}",
                                         width))]
        meta = [focus.span, f"{focus.articles} article{'s' * (focus.articles != 1)}",
                _sources(focus.sources, focus.independent), ", ".join(focus.languages)]
        out.append(("dim", clip(" · ".join(m for m in meta if m), width)))
        for sentence in focus.summary:
            out += [("", line) for line in _wrapped(sentence, width, "  • ", "    ", 2)]
        if focus.conflicts:
            n = len(focus.conflicts) + focus.more_conflicts
            out.append(("bold", f"Disputed ({n} conflict{'s' * (n != 1)}):"))
            for c in focus.conflicts:
                out += [("", line) for line in _wrapped(c, width, "  ! ", "    ", 2)]
            if focus.more_conflicts:
                out.append(("dim", f"  and {focus.more_conflicts} more in the report"))
        else:
            out.append(("dim", "No conflicts between its sources."))
    out.append(("", ""))
    ingest = digest.ingest + (" — " + "; ".join(digest.rejects) if digest.rejects else "")
    out += [("dim", line) for line in _wrapped(ingest, width, "", "  ", 3)]
    out.append(("bold", "Next:"))
    commands: list[tuple[str, str]] = []
    if focus is not None:
        commands.append((_command(f"show {focus.id}", digest.store),
                         "the full report (--format html: one page)"))
        if focus.compare:
            numbers = " ".join(str(n) for n in focus.compare)
            commands.append((_command(f"compare {focus.id} {numbers}", digest.store),
                             "two of its sources side by side"))
        commands.append((_command(f"events --story {focus.id}", digest.store),
                         "who did what to whom"))
    commands.append((_command("stories", digest.store), "every story"))
    if digest.web is None:
        commands.append((_command("serve", digest.store), "the web UI"))
    pad = max(len(c) for c, _ in commands)
    for command, what in commands:
        line = f"  {command:<{pad}}  {what}"
        out.append(("", line if len(line) <= width else f"  {command}"))
    if digest.web is not None:
        out.append(("bold", f"web UI: {digest.web}  (Ctrl-C stops)"))
    return out


def _command(args: str, store: str) -> str:
    return f"storyline {args} --db {shlex.quote(store)}"

"""A story report shown three ways: JSON for programs, Markdown for a terminal, one HTML file
to keep or send.

Everything in a report comes from article text and is untrusted. The HTML is rendered by
Jinja2 with autoescape on and a Content-Security-Policy that allows no script and no
network, so a headline like ``<script>…`` stays text. The Markdown drops control characters
so an article cannot drive the terminal; it is meant for reading, not for a Markdown-to-HTML
converter (use the HTML for that).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from jinja2 import Environment, StrictUndefined

from storyline.analyse.compare import Comparison, own_citations
from storyline.analyse.types import (
    Citation,
    Conflict,
    Fact,
    SourceColumn,
    StoryReport,
    TimelineEntry,
    Variant,
)
from storyline.interfaces.wording import claim_label as _claim
from storyline.interfaces.wording import clean as _clean
from storyline.interfaces.wording import date_parts as _date_parts
from storyline.interfaces.wording import day_label as _day
from storyline.interfaces.wording import differs as _differs
from storyline.interfaces.wording import kind_label as _kind

#: Markdown wraps prose here: readable in an 80-100 column terminal.
WIDTH = 88
#: Citation markers shown per item in the HTML.
MAX_MARKS = 5


def to_json(report: StoryReport) -> str:
    """The machine interface (``docs/report.md``): the dataclasses as they are."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------------------
# shared helpers




def _outlet(source: str | None) -> str:
    return _clean(source) or "unknown source"




def _date_label(entry: TimelineEntry) -> str:
    date, note = _date_parts(entry)
    return f"{date} ({note})" if note else date


_STATUS_LABEL = {"planned": "planned", "negated": "called off or denied"}




def _sources(names: Iterable[str | None]) -> str:
    return ", ".join(_outlet(n) for n in names) or "no named source"






def _fact_index(report: StoryReport) -> dict[str, Fact]:
    return {f.id: f for f in (*report.shared_facts, *report.single_source_facts)}


def _copy_labels(fact: Fact) -> list[str]:
    """A fact's copies with their outlets: the ids alone tell a reader nothing."""
    source_of = {c.article_id: c.source for c in fact.citations}
    return [f"{_clean(a)} ({_outlet(source_of[a])})" if a in source_of else _clean(a)
            for a in fact.copies]


def _article_labels(column: SourceColumn) -> list[str]:
    return [f"{_clean(a)} (copy of {_clean(column.copies[a])})" if a in column.copies
            else _clean(a) for a in column.article_ids]


def _conflict_title(conflict: Conflict) -> str:
    return f"{_clean(conflict.kind).capitalize()}: {_clean(conflict.about) or 'unnamed'}"


def _conflict_scope(conflict: Conflict) -> str:
    if conflict.between_sources:
        return "The sources disagree."
    return ("A dispute between parties, which the sources report: not a disagreement "
            "between the sources.")


class _Citations:
    """Numbers citations in order of first use; the same sentence (or, ``by_article``, the
    same article) keeps its number."""

    def __init__(self, *, by_article: bool = False) -> None:
        self._by_article = by_article
        self._numbers: dict[tuple[str, int, int], int] = {}
        self.cited: list[tuple[int, Citation]] = []

    def mark(self, citation: Citation) -> int:
        key = (citation.article_id, 0, 0) if self._by_article else (
            citation.article_id, citation.start, citation.end)
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
            self.cited.append((self._numbers[key], citation))
        return self._numbers[key]

    def marks(self, citations: Iterable[Citation]) -> list[int]:
        """The first few only: thirty markers on a fact syndicated thirty times bury it (the
        text names its sources anyway)."""
        return sorted({self.mark(c) for c in islice(citations, MAX_MARKS)})


# ---------------------------------------------------------------------------------------
# Markdown


class _Markdown:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def heading(self, level: int, text: str) -> None:
        self.blank()
        self.lines += ["#" * level + " " + text, ""]

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def wrap(self, text: str, first: str = "", rest: str | None = None) -> None:
        rest = " " * len(first) if rest is None else rest
        self.lines += textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                                    break_long_words=False, break_on_hyphens=False) or [first]

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def _meta(report: StoryReport) -> list[str]:
    n_articles, n_sources = len(report.article_ids), len(report.sources)
    parts = [f"story {_clean(report.story_id)}",
             f"{n_articles} article{'s' * (n_articles != 1)}",
             f"{n_sources} source{'s' * (n_sources != 1)}"]
    if report.independent_sources != n_sources:
        parts[-1] += f" ({report.independent_sources} independent)"
    if report.languages:
        parts.append(", ".join(_clean(x) for x in report.languages))
    if report.first_seen or report.last_seen:
        first, last = _day(report.first_seen), _day(report.last_seen)
        parts.append(first if first == last else f"{first} → {last}")
    return parts


def _entry_line(md: _Markdown, entry: TimelineEntry) -> None:
    status = entry.shown_status
    parts = [_date_label(entry)]
    if status in _STATUS_LABEL:
        parts[0] += f" [{_STATUS_LABEL[status]}]"
    if entry.kind == "event" and entry.event_type:
        parts.append(_clean(entry.event_type))
    parts.append(f"{_clean(entry.text)} (sources: {_sources(entry.sources)})")
    md.wrap(" — ".join(parts), "- ")


def to_markdown(report: StoryReport) -> str:
    """The report for reading in a terminal; summary sentences cite a numbered source list."""
    md = _Markdown()
    # The list names articles, not sentences: one number per article.
    cites = _Citations(by_article=True)
    md.lines += [f"# {_clean(report.headline) or 'Untitled story'}", ""]
    md.wrap(f"*{' · '.join(_meta(report))}*")

    if report.summary:
        md.heading(2, "Summary")
        for i, s in enumerate(report.summary, 1):
            md.wrap(f"{_clean(s.text)} [{cites.mark(s.citation)}]", f"{i}. ")

    md.heading(2, "Timeline")
    for entry in report.timeline:
        _entry_line(md, entry)
    if not report.timeline:
        md.lines.append("No dated events or statements found.")

    if report.entities:
        md.heading(2, "Key people, organisations and places")
        for e in report.entities:
            line = f"**{_clean(e.name)}** ({_kind(e.kind)})"
            if e.roles:
                line += " — " + "; ".join(_clean(r) for r in e.roles)
            if e.aliases:
                line += "; also: " + ", ".join(_clean(a) for a in e.aliases)
            line += (f"; {e.mentions} mention{'s' * (e.mentions != 1)} in {e.articles} "
                     f"article{'s' * (e.articles != 1)}")
            md.wrap(line, "- ")

    if report.events:
        md.heading(2, "Events")
        for entry in report.events:
            _entry_line(md, entry)

    if report.quotes:
        md.heading(2, "Quotes by speaker")
        for sq in report.quotes:
            md.blank()
            md.lines += [f"**{_clean(sq.speaker) or 'Unnamed speaker'}**", ""]
            for q in sq.quotes:
                partial = " (part of a sentence)" if q.partial else ""
                md.wrap(f"“{_clean(q.text)}”{partial} — {_outlet(q.citation.source)}, "
                        f"{_day(q.citation.published)}", "- ")

    facts = _fact_index(report)
    if report.sources:
        md.heading(2, "Sources side by side")
        # Numbered as `storyline compare STORY 1 2` takes them.
        for i, col in enumerate(report.sources, 1):
            langs = f" ({', '.join(_clean(x) for x in col.languages)})" if col.languages else ""
            md.heading(3, f"{i}. {_outlet(col.source)}{langs}")
            md.wrap("articles: " + ", ".join(_article_labels(col)), "- ")
            n, only = len(col.fact_ids), len(col.only_here)
            md.wrap(f"{n} fact{'s' * (n != 1)}, {only or 'none'} only here"
                    + (":" if only else ""), "- ")
            for fid in col.only_here:
                fact = facts.get(fid)
                md.wrap(_clean(fact.text) if fact else f"(fact {_clean(fid)})", "  - ")

    if report.shared_facts or len(report.sources) > 1:
        md.heading(2, "Shared facts")
        for f in report.shared_facts:
            md.wrap(_clean(f.text), "- ")
            md.wrap(f"Stated by {f.independent} independent sources: {_sources(f.sources)}.",
                    "  ")
            if f.attributed_to:
                md.wrap(f"Attributed to {_clean(f.attributed_to)}.", "  ")
            if f.copies:
                md.wrap("Copies: " + ", ".join(_copy_labels(f)) + ".", "  ")
        if not report.shared_facts:
            md.lines.append("No fact is stated by two or more independent sources.")

    if report.single_source_facts:
        md.heading(2, "Reported by one source only")
        for f in report.single_source_facts:
            who = f"; attributed to {_clean(f.attributed_to)}" if f.attributed_to else ""
            md.wrap(f"{_clean(f.text)} ({_sources(f.sources)}{who})", "- ")

    md.heading(2, "Conflicts")
    for i, conflict in enumerate(report.conflicts, 1):
        md.heading(3, f"{i}. {_conflict_title(conflict)}")
        md.wrap(_conflict_scope(conflict))
        if conflict.note:
            md.blank()
            md.wrap(f"Note: {_clean(conflict.note)}")
        md.blank()
        for v in conflict.variants:
            _variant_lines(md, v)
    if not report.conflicts:
        md.lines.append("No conflicts found." if len(report.sources) > 1
                        else "No conflicts found (one source only).")

    if report.copies:
        md.heading(2, "Copies")
        for item in report.copies:
            copies = ", ".join(f"{_clean(c.article_id)} ({_outlet(c.source)}, {_clean(c.kind)})"
                               for c in item.copies)
            md.wrap(f"{_clean(item.original)} ({_outlet(item.original_source)}) → {copies}",
                    "- ")

    if report.notes:
        md.heading(2, "Notes")
        for note in report.notes:
            md.wrap(_clean(note), "- ")

    if cites.cited:
        md.heading(2, "Sources cited")
        for n, c in cites.cited:
            copy = f", copy of {_clean(c.copy_of)}" if c.copy_of else ""
            md.wrap(f"[{n}] {_outlet(c.source)}, {_day(c.published)}, article "
                    f"{_clean(c.article_id)}{copy}", "- ")
    return md.text()


def comparison_markdown(report: StoryReport, comparison: Comparison) -> str:
    """Chosen outlets of a story side by side: what all state, what each alone states
    among them (with its own sentence), and the conflicts in which they take sides."""
    md = _Markdown()
    names = [_outlet(s) for s in comparison.sources]
    md.lines += [f"# {' vs '.join(names)}", ""]
    md.wrap(f"*{_clean(report.headline) or 'Untitled story'} · "
            f"{' · '.join(_meta(report))}*")
    facts = _fact_index(report)
    def said(fid: str, outlet: str) -> str:
        """The outlet's own sentence for the fact, with its article id."""
        fact = facts.get(fid)
        if fact is None:
            return f"(fact {_clean(fid)})"
        own = next(iter(own_citations(report, fact, outlet)), None)
        text = _clean(own.text if own is not None else fact.text)
        return text + (f" [{_clean(own.article_id)}]" if own is not None else "")

    n = len(comparison.common)
    md.heading(2, f"Stated by {'both' if len(names) == 2 else f'all {len(names)}'} ({n})")
    for fid in comparison.common:
        fact = facts.get(fid)
        if fact is None:
            md.wrap(f"(fact {_clean(fid)})", "- ")
            continue
        md.wrap(_clean(fact.text), "- ")
        # how each of them words it, where that is not the wording shown
        for source in comparison.sources:
            own = said(fid, source)
            if not own.startswith(_clean(fact.text) + " ["):
                md.wrap(f"{_outlet(source)}: {own}", "  - ")
    if not n:
        md.lines.append("No fact is stated by " + ("both." if len(names) == 2
                                                   else "all of them."))
    if comparison.some:
        md.heading(2, f"Stated by some of them ({len(comparison.some)})")
        for fid in comparison.some:
            fact = facts.get(fid)
            who = [_outlet(x) for x in comparison.sources
                   if fact is not None and own_citations(report, fact, x)]
            md.wrap(f"{_clean(fact.text) if fact else _clean(fid)} ({', '.join(who)})", "- ")
    for only in comparison.only:
        outlet = _outlet(only.source)
        md.heading(2, f"Only {outlet}, of these ({len(only.only_here)} of its "
                      f"{only.stated} facts)")
        for fid in only.only_here:
            md.wrap(said(fid, only.source), "- ")
        if not only.only_here:
            md.lines.append("Nothing the others do not state too.")
    md.heading(2, "Conflicts between them")
    for k in comparison.conflicts:
        conflict = report.conflicts[k - 1]
        md.heading(3, f"{k}. {_conflict_title(conflict)}")
        md.wrap(_conflict_scope(conflict))
        md.blank()
        for v in conflict.variants:
            if set(v.sources) & set(comparison.sources):
                _variant_lines(md, v)
    if not comparison.conflicts:
        md.lines.append("They take no different sides in any conflict the report found.")
    return md.text()


def _variant_lines(md: _Markdown, v: Variant) -> None:
    wording = f"“{_clean(v.wording)}”"
    if _differs(v.value, v.wording):
        wording += f" (= {_clean(v.value)})"
    if v.attributed_to:
        md.wrap(f"{_claim(v.attributed_to)}: {wording} — reported by {_sources(v.sources)}",
                "- ")
    else:
        md.wrap(f"{wording} — {_sources(v.sources)}", "- ")
    if v.citations:
        md.wrap(_clean(v.citations[0].text), "  > ")


# ---------------------------------------------------------------------------------------
# HTML: the template renders views built here, in document order, so citation numbers
# run from top to bottom.


@dataclass(frozen=True, slots=True)
class _EntryView:
    date: str
    note: str
    status: str
    badge: str
    event_type: str
    text: str
    sources: str
    marks: list[int]


@dataclass(frozen=True, slots=True)
class _ColumnFact:
    text: str
    shared: bool
    only_here: bool
    independent: int
    marks: list[int]

    @property
    def css(self) -> str:
        return " ".join(c for c, on in (("shared", self.shared), ("only", self.only_here)) if on)


@dataclass(frozen=True, slots=True)
class _ColumnView:
    source: str
    languages: str
    articles: list[tuple[str, str]]
    n_facts: int
    n_only: int
    facts: list[_ColumnFact]


@dataclass(frozen=True, slots=True)
class _FactView:
    text: str
    sources: str
    independent: int
    attributed_to: str
    copies: list[str]
    marks: list[int]


@dataclass(frozen=True, slots=True)
class _VariantView:
    label: str
    wording: str
    value: str
    sources: str
    sentence: str
    marks: list[int]


@dataclass(frozen=True, slots=True)
class _ConflictView:
    kind: str
    title: str
    between_sources: bool
    scope: str
    note: str
    variants: list[_VariantView]


@dataclass(frozen=True, slots=True)
class _CiteView:
    n: int
    source: str
    published: str
    article_id: str
    copy_of: str
    text: str


def _entries(entries: Sequence[TimelineEntry], cites: _Citations) -> list[_EntryView]:
    out = []
    for e in entries:
        date, note = _date_parts(e)
        status = e.shown_status
        out.append(_EntryView(date, note, status, _STATUS_LABEL.get(status, ""),
                              _clean(e.event_type) if e.kind == "event" else "",
                              _clean(e.text), _sources(e.sources), cites.marks(e.citations)))
    return out


def _columns(report: StoryReport, cites: _Citations) -> list[_ColumnView]:
    facts = _fact_index(report)
    out = []
    for col in report.sources:
        mine = set(col.article_ids)
        only = set(col.only_here)
        shown = []
        for fid in col.fact_ids:
            if (f := facts.get(fid)) is None:
                continue
            shown.append(_ColumnFact(
                _clean(f.text), f.independent >= 2, fid in only, f.independent,
                cites.marks(c for c in f.citations if c.article_id in mine)))
        articles = [(_clean(a), _clean(col.copies.get(a))) for a in col.article_ids]
        out.append(_ColumnView(_outlet(col.source), ", ".join(_clean(x) for x in col.languages),
                               articles, len(col.fact_ids), len(col.only_here), shown))
    return out


def _facts(facts: Sequence[Fact], cites: _Citations) -> list[_FactView]:
    return [_FactView(_clean(f.text), _sources(f.sources), f.independent,
                      _clean(f.attributed_to), _copy_labels(f), cites.marks(f.citations))
            for f in facts]


def _conflicts(conflicts: Sequence[Conflict], cites: _Citations) -> list[_ConflictView]:
    out = []
    for c in conflicts:
        variants = []
        for i, v in enumerate(c.variants, 1):
            label = _claim(v.attributed_to) if v.attributed_to else f"Variant {i}"
            variants.append(_VariantView(
                label, _clean(v.wording), _clean(v.value) if _differs(v.value, v.wording) else "",
                _sources(v.sources), _clean(v.citations[0].text) if v.citations else "",
                cites.marks(v.citations[:1])))
        out.append(_ConflictView(_clean(c.kind), _clean(c.about) or "unnamed",
                                 c.between_sources, _conflict_scope(c), _clean(c.note),
                                 variants))
    return out


def to_html(report: StoryReport) -> str:
    """One self-contained page (no script, no external assets) that can be saved or mailed."""
    cites = _Citations()
    summary = [(_clean(s.text), cites.mark(s.citation)) for s in report.summary]
    timeline = _entries(report.timeline, cites)
    events = _entries(report.events, cites)
    quotes = [(_clean(sq.speaker) or "Unnamed speaker",
               [(_clean(q.text), q.partial, _outlet(q.citation.source), _day(q.citation.published),
                 cites.mark(q.citation)) for q in sq.quotes])
              for sq in report.quotes]
    columns = _columns(report, cites)
    shared = _facts(report.shared_facts, cites)
    single = _facts(report.single_source_facts, cites)
    conflicts = _conflicts(report.conflicts, cites)
    copies = [(_clean(item.original), _outlet(item.original_source),
               [(_clean(c.article_id), _outlet(c.source), _clean(c.kind)) for c in item.copies])
              for item in report.copies]
    cited = [_CiteView(n, _outlet(c.source), _day(c.published), _clean(c.article_id),
                       _clean(c.copy_of), _clean(c.text)) for n, c in cites.cited]
    entities = [(_clean(e.name), _kind(e.kind), [_clean(r) for r in e.roles],
                 [_clean(a) for a in e.aliases], e.mentions, e.articles)
                for e in report.entities]
    return _TEMPLATE.render(
        headline=_clean(report.headline) or "Untitled story", meta=_meta(report),
        summary=summary, timeline=timeline, entities=entities, events=events, quotes=quotes,
        columns=columns, shared=shared, single=single, conflicts=conflicts, copies=copies,
        notes=[_clean(n) for n in report.notes], cited=cited,
        n_sources=len(report.sources), schema_version=report.schema_version)


_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="storyline (report schema {{ schema_version }})">
<title>{{ headline }} · Storyline</title>
<style>
:root { --bg: #fbfaf7; --fg: #1d1d1f; --dim: #666; --line: #e2dfd8; --card: #fff;
  --accent: #0b5cad; --focus: #f0a500; --shared: #5f8fd0; --only: #fff1c2;
  --planned: #2a5ea8; --negated: #a33; font-size: 17px; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 72em; margin: 0 auto; padding: 1em 1.2em 2em; }
a { color: var(--accent); text-underline-offset: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
h1 { font-size: 1.7em; line-height: 1.25; margin: .3em 0; overflow-wrap: anywhere; }
h2 { font-size: 1.2em; margin: 1.6em 0 .5em; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02em; margin: 1em 0 .3em; overflow-wrap: anywhere; }
p, li, td { overflow-wrap: anywhere; }
code { font-size: .85em; background: #f0eee9; padding: 0 .25em; border-radius: 3px; }
.meta { color: var(--dim); font-size: .9em; margin: .2em 0; display: flex; flex-wrap: wrap;
  gap: .2em 1.1em; padding: 0; list-style: none; }
.dim, .srcs { color: var(--dim); font-size: .88em; }
.empty { color: var(--dim); font-style: italic; }
sup.cite { font-size: .7em; line-height: 0; margin-left: .1em; }
sup.cite a { text-decoration: none; }
.badge { border-radius: 3px; padding: 0 .35em; font-size: .78em; font-weight: 600; }
.badge-planned { background: #e8f1ff; color: var(--planned); }
.badge-negated { background: #fde8e8; color: var(--negated); }
.badge-shared { background: #e3edfa; color: #244f86; }
.badge-only { background: var(--only); color: #6b5200; }
.kind { font-size: .75em; border: 1px solid #bbb; border-radius: 4px; padding: 0 .35em;
  color: #555; font-weight: normal; }
ol.summary li { margin: .25em 0; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li { position: relative; margin: 0 0 .5em; padding: .2em .2em .2em 1em; }
ol.timeline li::before { content: ""; position: absolute; left: -.5em; top: .65em;
  width: .7em; height: .7em; border-radius: 50%; background: #3f7fd0; }
ol.timeline li.status-planned { font-style: italic; background: #f4f8ff;
  border: 1px dashed #9dbbe6; border-radius: 4px; }
ol.timeline li.status-planned::before { background: #fff; border: 2px dashed var(--planned); }
ol.timeline li.status-negated .text { text-decoration: line-through;
  text-decoration-color: #b44; }
ol.timeline li.status-negated::before { background: #f3d6d6; border: 2px solid #b44; }
.date { font-variant-numeric: tabular-nums; font-weight: 600; margin-right: .4em; }
.date .gran { font-weight: normal; color: var(--dim); font-size: .85em; }
.etype { font-weight: 600; font-size: .85em; margin-right: .3em; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain > li { padding: .3em 0; border-bottom: 1px solid #f0ede6; }
.role { display: block; font-size: .85em; color: var(--dim); }
blockquote { margin: .5em 0; padding: .4em .9em; border-left: 4px solid #b58ad6;
  background: var(--card); border-radius: 0 6px 6px 0; }
blockquote p { margin: 0; }
blockquote footer { font-size: .82em; color: var(--dim); }
blockquote.partial { border-left-style: dashed; }
.grid { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(16em, 1fr);
  gap: .8em; overflow-x: auto; align-items: start; padding-bottom: .4em; }
.col { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .2em .9em .7em; }
.col h3 { margin-top: .5em; }
.col ul.facts { list-style: none; padding: 0; margin: .4em 0 0; }
.col ul.facts li { padding: .3em .5em; margin: .3em 0; border-left: 3px solid transparent;
  border-radius: 3px; font-size: .92em; }
.col ul.facts li.shared { border-left-color: var(--shared); }
.col ul.facts li.only { background: var(--only); }
.copy { font-size: .8em; background: #fff1d6; border-radius: 3px; padding: 0 .4em; }
.legend { font-size: .85em; color: var(--dim); }
.conflict { margin: 1em 0 1.4em; }
.scroll { overflow-x: auto; }
table.variants { border-collapse: collapse; width: 100%; background: var(--card);
  font-size: .92em; table-layout: fixed; }
table.variants th, table.variants td { text-align: left; vertical-align: top;
  border: 1px solid var(--line); padding: .35em .6em; }
table.variants thead th { background: #f4f2ed; }
table.variants tbody th { width: 7em; color: var(--dim); font-weight: 600; }
table.variants .wording { font-size: 1.1em; font-weight: 600; }
.scope { font-size: .9em; }
.scope.parties { color: #7a4b00; }
ol.citations { font-size: .88em; }
ol.citations li { margin: .3em 0; }
ol.citations li:target { background: #fff6d8; }
ol.citations .sentence { display: block; color: #333; font-style: italic; }
footer.foot { text-align: center; color: var(--dim); font-size: .85em; padding: 1.5em;
  border-top: 1px solid var(--line); }
@media (max-width: 760px) { :root { font-size: 16px; } h1 { font-size: 1.4em; }
  .grid { grid-auto-flow: row; grid-template-columns: minmax(0, 1fr); } }
@media print { .grid { grid-auto-flow: row; grid-template-columns: 1fr 1fr; } }
</style>
</head>
<body>
{%- macro marks(ns) -%}
{%- for n in ns %}<sup class="cite"><a href="#cite-{{ n }}">[{{ n }}]</a></sup>{% endfor -%}
{%- endmacro %}
{%- macro entry_list(entries) %}
<ol class="timeline">
{%- for e in entries %}
<li class="status-{{ e.status }}">
<span class="date">{{ e.date }}
{%- if e.note %} <span class="gran">({{ e.note }})</span>{% endif %}</span>
{%- if e.badge %} <span class="badge badge-{{ e.status }}">{{ e.badge }}</span>{% endif %}
{%- if e.event_type %} <span class="etype">{{ e.event_type }}</span>{% endif %}
<span class="text">{{ e.text }}</span>{{ marks(e.marks) }}
<span class="srcs">(sources: {{ e.sources }})</span>
</li>
{%- endfor %}
</ol>
{%- endmacro %}
<main>
<header>
<h1>{{ headline }}</h1>
<ul class="meta">{% for m in meta %}<li>{{ m }}</li>{% endfor %}</ul>
</header>

{%- if summary %}
<section id="summary">
<h2>Summary</h2>
<ol class="summary">
{%- for text, n in summary %}
<li>{{ text }}{{ marks([n]) }}</li>
{%- endfor %}
</ol>
</section>
{%- endif %}

<section id="timeline">
<h2>Timeline</h2>
{%- if timeline %}{{ entry_list(timeline) }}
{%- else %}
<p class="empty">No dated events or statements found.</p>
{%- endif %}
</section>

{%- if entities %}
<section id="entities">
<h2>Key people, organisations and places</h2>
<ul class="plain">
{%- for name, kind, roles, aliases, mentions, articles in entities %}
<li><strong>{{ name }}</strong> <span class="kind">{{ kind }}</span>
{%- if roles %}<span class="role">{{ roles | join("; ") }}</span>{% endif %}
{%- if aliases %}<span class="role">also: {{ aliases | join(", ") }}</span>{% endif %}
<span class="dim">{{ mentions }} mention{{ "s" if mentions != 1 }}
in {{ articles }} article{{ "s" if articles != 1 }}</span>
</li>
{%- endfor %}
</ul>
</section>
{%- endif %}

{%- if events %}
<section id="events">
<h2>Events</h2>
{{ entry_list(events) }}
</section>
{%- endif %}

{%- if quotes %}
<section id="quotes">
<h2>Quotes by speaker</h2>
{%- for speaker, items in quotes %}
<h3>{{ speaker }}</h3>
{%- for text, partial, source, day, n in items %}
<blockquote{% if partial %} class="partial"{% endif %}>
<p>“{{ text }}”{{ marks([n]) }}</p>
<footer>{{ source }}, {{ day }}{% if partial %} · part of a sentence{% endif %}</footer>
</blockquote>
{%- endfor %}
{%- endfor %}
</section>
{%- endif %}

{%- if columns %}
<section id="sources">
<h2>Sources side by side</h2>
<p class="legend"><span class="badge badge-shared">shared</span> stated by two or more
independent sources · <span class="badge badge-only">only here</span> stated by this source
alone</p>
<div class="grid">
{%- for col in columns %}
<div class="col">
<h3>{{ col.source }}
{%- if col.languages %} <span class="dim">({{ col.languages }})</span>{% endif %}</h3>
<p class="dim">Articles:
{%- for aid, original in col.articles %} <code>{{ aid }}</code>
{%- if original %} <span class="copy">copy of <code>{{ original }}</code></span>{% endif %}
{{- "," if not loop.last }}
{%- endfor %}<br>
{{ col.n_facts }} fact{{ "s" if col.n_facts != 1 }}, {{ col.n_only or "none" }} only here</p>
<ul class="facts">
{%- for f in col.facts %}
<li{% if f.css %} class="{{ f.css }}"{% endif %}>
{%- if f.shared %}<span class="badge badge-shared">{{ f.independent }} sources</span> {% endif %}
{%- if f.only_here %}<span class="badge badge-only">only here</span> {% endif %}
{{- f.text }}{{ marks(f.marks) }}</li>
{%- endfor %}
</ul>
</div>
{%- endfor %}
</div>
</section>
{%- endif %}

{%- if shared or n_sources > 1 %}
<section id="shared">
<h2>Shared facts</h2>
{%- if shared %}
<ul class="plain">
{%- for f in shared %}
<li>{{ f.text }}{{ marks(f.marks) }}
<span class="role">Stated by {{ f.independent }} independent sources: {{ f.sources }}
{%- if f.attributed_to %} · attributed to {{ f.attributed_to }}{% endif %}
{%- if f.copies %} · copies: {{ f.copies | join(", ") }}{% endif %}</span></li>
{%- endfor %}
</ul>
{%- else %}
<p class="empty">No fact is stated by two or more independent sources.</p>
{%- endif %}
</section>
{%- endif %}

{%- if single %}
<section id="single">
<h2>Reported by one source only</h2>
<ul class="plain">
{%- for f in single %}
<li>{{ f.text }}{{ marks(f.marks) }}
<span class="role">{{ f.sources }}
{%- if f.attributed_to %} · attributed to {{ f.attributed_to }}{% endif %}</span></li>
{%- endfor %}
</ul>
</section>
{%- endif %}

<section id="conflicts">
<h2>Conflicts</h2>
{%- for c in conflicts %}
<div class="conflict">
<h3><span class="kind">{{ c.kind }}</span> {{ c.title }}</h3>
<p class="scope{{ '' if c.between_sources else ' parties' }}">{{ c.scope }}</p>
{%- if c.note %}
<p class="dim">{{ c.note }}</p>
{%- endif %}
<div class="scroll">
<table class="variants">
<thead><tr><td></td>
{%- for v in c.variants %}<th scope="col">{{ v.label }}</th>{% endfor %}</tr></thead>
<tbody>
<tr><th scope="row">Says</th>
{%- for v in c.variants %}<td><span class="wording">“{{ v.wording }}”</span>
{%- if v.value %} <span class="dim">(= {{ v.value }})</span>{% endif %}</td>{% endfor %}</tr>
<tr><th scope="row">{{ "Sources" if c.between_sources else "Reported by" }}</th>
{%- for v in c.variants %}<td>{{ v.sources }}</td>{% endfor %}</tr>
<tr><th scope="row">Sentence</th>
{%- for v in c.variants %}<td>{{ v.sentence }}{{ marks(v.marks) }}</td>{% endfor %}</tr>
</tbody>
</table>
</div>
</div>
{%- else %}
<p class="empty">No conflicts found{{ "." if n_sources > 1 else " (one source only)." }}</p>
{%- endfor %}
</section>

{%- if copies %}
<section id="copies">
<h2>Copies</h2>
<ul class="plain">
{%- for original, source, items in copies %}
<li><code>{{ original }}</code> ({{ source }}) →
{%- for aid, csource, kind in items %} <code>{{ aid }}</code> ({{ csource }}, {{ kind }})
{{- "," if not loop.last }}{% endfor %}</li>
{%- endfor %}
</ul>
</section>
{%- endif %}

{%- if notes %}
<section id="notes">
<h2>Notes</h2>
<ul>
{%- for note in notes %}
<li>{{ note }}</li>
{%- endfor %}
</ul>
</section>
{%- endif %}

{%- if cited %}
<section id="cited">
<h2>Sources cited</h2>
<ol class="citations">
{%- for c in cited %}
<li id="cite-{{ c.n }}" value="{{ c.n }}"><strong>{{ c.source }}</strong>, {{ c.published }},
article <code>{{ c.article_id }}</code>
{%- if c.copy_of %} (copy of <code>{{ c.copy_of }}</code>){% endif %}
<span class="sentence">{{ c.text }}</span></li>
{%- endfor %}
</ol>
</section>
{%- endif %}
</main>
<footer class="foot">Storyline · generated offline · every statement cites its article</footer>
</body>
</html>
"""

_TEMPLATE = Environment(autoescape=True, undefined=StrictUndefined,
                        keep_trailing_newline=True).from_string(_HTML)

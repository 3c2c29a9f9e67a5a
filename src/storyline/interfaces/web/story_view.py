"""What the story page shows, built from a :class:`StoryReport` in one pass.

The template (``templates/story.html``) only lays these views out. Every string here comes
from article text and stays plain text: Jinja2 escapes it. Links are built here, with every
id percent-encoded, so the template never assembles a URL from stored text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import quote

from storyline.analyse.compare import (
    Comparison,
    compare_sources,
    facts_by_id,
    match_sources,
    own_citations,
)
from storyline.analyse.types import (
    Citation,
    Conflict,
    Fact,
    SourceColumn,
    StoryReport,
    TimelineEntry,
)
from storyline.interfaces.web.timeline import Timeline, layout_entries
from storyline.interfaces.wording import claim_label as _claim
from storyline.interfaces.wording import date_label, date_parts
from storyline.interfaces.wording import day_label as _day
from storyline.interfaces.wording import differs as _differs
from storyline.interfaces.wording import kind_label as _kind

#: Citation links shown per item before "+N more".
MAX_CITES = 4
#: Single-source facts shown per outlet before the rest fold away.
SINGLE_SHOWN = 5
#: Events listed in the table (the API gives all of them).
MAX_EVENTS = 60
#: Entities listed per kind.
MAX_ENTITIES = 12
KIND_GROUPS = {"PERSON": "People", "ORG": "Organisations", "GPE": "Places", "LOC": "Places"}
STATUS_LABEL = {"planned": "planned", "negated": "called off or denied"}
COPY_WORDS = {"exact": "exact copy", "near": "near copy", "translation": "translation"}
def article_href(article_id: str, start: int | None = None, end: int | None = None) -> str:
    """The article page; with ``start`` (and ``end``), at the cited span, which the page
    marks and scrolls to (``static/app.js``)."""
    href = f"/articles/{quote(article_id, safe='')}"
    if start is None:
        return href
    return f"{href}#c-{start}" + (f"-{end}" if end is not None else "")


def entity_href(entity_id: str) -> str:
    return f"/entities/{quote(entity_id, safe='')}"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _outlet(source: str | None) -> str:
    return _one_line(source) or "unknown source"


# -- views ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cite:
    """A link to the sentence a statement rests on, labelled with its outlet."""

    href: str
    #: The outlet ("unknown source (26a43e78)" when the article names none).
    source: str
    day: str
    #: Tooltip: outlet, date, copy status and the sentence itself.
    title: str
    copy: bool
    #: What the link reads: the outlet, or the day where the outlet goes without saying.
    label: str = ""


@dataclass(frozen=True, slots=True)
class Cites:
    shown: list[Cite]
    more: int


@dataclass(frozen=True, slots=True)
class EntryView:
    date: str
    #: The TimeML value ("2023-W24-WE") and the first day it stands for.
    value: str
    datetime: str
    note: str
    status: str
    badge: str
    kind: str
    event_type: str
    who: str
    whom: str
    text: str
    sources: list[str]
    independent: int
    cites: Cites
    #: An event under the shown threshold: listed only when the reader asks for it.
    low: bool = False
    #: Its confidence, in words ("0.31"), for events that have one.
    confidence: str = ""


@dataclass(frozen=True, slots=True)
class ColumnView:
    source: str
    anchor: str
    languages: str
    articles: int
    #: "copy of Global Wire Service", "translation of …" when all its articles copy others.
    copy_note: str
    independent: bool
    n_facts: int
    n_only: int

    @property
    def label(self) -> str:
        """The column head: an article with no outlet is "unnamed" and its id, short
        enough to read sideways ("unknown source (5584372a)" is the full name)."""
        m = _UNNAMED.fullmatch(self.source)
        return f"unnamed {m[1]}" if m else self.source


_UNNAMED = re.compile(r"unknown source \(([0-9a-f]+)\)")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    cite: Cite


@dataclass(frozen=True, slots=True)
class CellView:
    sentences: list[Sentence]
    #: The outlet's text is a copy whose sentence reads exactly like its original's.
    same_as: str
    copy: bool
    #: Conflicts (their numbers) that one of its sentences takes a side in.
    conflicts: list[int]
    #: Tooltip on the conflict mark: which wording this outlet uses.
    conflict_note: str
    #: The mark the table shows: "own" (its own words), "copy" or "translation" (another
    #: outlet's text), "conflict" (takes a side in a conflict).
    mark: str = "own"
    #: The mark's tooltip (the outlet and its sentence) and link (that sentence).
    title: str = ""
    href: str = ""


@dataclass(frozen=True, slots=True)
class RowView:
    n: int
    fact_id: str
    about: str
    text: str
    independent: int
    articles: int
    attributed_to: str
    cells: list[CellView | None]
    conflicts: list[int]


@dataclass(frozen=True, slots=True)
class FactView:
    text: str
    attributed_to: str
    cites: Cites
    conflicts: list[int]


@dataclass(frozen=True, slots=True)
class SingleGroup:
    column: ColumnView
    facts: list[FactView]


@dataclass(frozen=True, slots=True)
class VariantView:
    label: str
    claim: bool
    wording: str
    value: str
    sources: list[str]
    sentence: str
    cites: Cites


@dataclass(frozen=True, slots=True)
class ConflictView:
    n: int
    anchor: str
    kind: str
    about: str
    note: str
    between_sources: bool
    variants: list[VariantView]
    #: Rows of the side-by-side table that show it.
    rows: list[int]


@dataclass(frozen=True, slots=True)
class QuoteView:
    text: str
    partial: bool
    cites: Cites


@dataclass(frozen=True, slots=True)
class SpeakerView:
    speaker: str
    href: str
    quotes: list[QuoteView]


@dataclass(frozen=True, slots=True)
class EntityView:
    name: str
    href: str
    kind: str
    roles: list[str]
    aliases: list[str]
    mentions: int
    articles: int


@dataclass(frozen=True, slots=True)
class ArticleView:
    href: str
    title: str
    source: str
    day: str
    lang: str
    copy_href: str
    copy_title: str
    copy_source: str
    #: "exact copy", "near copy", "translation".
    copy_kind: str
    facts: int
    only_here: int


@dataclass(frozen=True, slots=True)
class CopyView:
    original: ArticleView
    copies: list[ArticleView]


@dataclass(frozen=True, slots=True)
class OutletChoice:
    """One checkbox of the compare form."""

    #: The outlet exactly as the report names it: the value sent as ``compare=``.
    name: str
    label: str
    #: The checkbox's element id ("cmp-3").
    id: str
    checked: bool


@dataclass(frozen=True, slots=True)
class OnlyHere:
    """The facts one compared outlet states and none of the others compared do."""

    source: str
    #: How many of the story's facts it states in all.
    stated: int
    facts: list[FactView]


@dataclass(frozen=True, slots=True)
class ConflictLink:
    n: int
    anchor: str
    about: str


@dataclass(frozen=True, slots=True)
class CompareView:
    """Two or more chosen outlets, compared (``storyline.analyse.compare``)."""

    sources: list[str]
    #: Facts every compared outlet states; with three or more, facts some (not all) state.
    common: int
    some: int
    only: list[OnlyHere]
    #: Conflicts in which the compared outlets take different sides.
    conflicts: list[ConflictLink]


@dataclass(frozen=True, slots=True)
class StoryView:
    story_id: str
    headline: str
    span: str
    span_datetime: tuple[str, str]
    article_count: int
    source_count: int
    independent_sources: int
    languages: list[str]
    aliases: list[str]
    summary: list[Sentence]
    timeline: list[EntryView]
    chart: Timeline | None
    columns: list[ColumnView]
    rows: list[RowView]
    singles: list[SingleGroup]
    conflicts: list[ConflictView]
    speakers: list[SpeakerView]
    entity_groups: list[tuple[str, list[EntityView]]]
    more_entities: int
    events: list[EntryView]
    more_events: int
    articles: list[ArticleView]
    copies: list[CopyView]
    notes: list[str]
    toc: list[tuple[str, str, int | None]] = field(default_factory=list)
    #: The compare form's checkboxes, one per column (the table's order).
    outlets: list[OutletChoice] = field(default_factory=list)
    #: The comparison asked for (``?compare=A&compare=B``), if it is a valid one …
    compare: CompareView | None = None
    #: … or what is wrong with it.
    compare_error: str = ""
    #: Where the form sends its answer, and the link back to every outlet.
    compare_href: str = ""


# -- building -------------------------------------------------------------------------------
def cite(c: Citation, titles: dict[str, str] | None = None, *, outlet: str = "",
         shown: str = "") -> Cite:
    """A link to the citation's sentence; labelled with its day when its outlet is
    ``outlet`` (a column of that outlet need not repeat its name). Its tooltip quotes the
    sentence unless that is the text ``shown`` next to it."""
    source = _outlet(c.source) if c.source else f"unknown source ({c.article_id[:8]})"
    day = _day(c.published)
    title = f"{source}, {day}"
    if c.copy_of:
        original = (titles or {}).get(c.copy_of) or c.copy_of
        title += f" · copy of “{_one_line(original)}”"
    sentence = _one_line(c.text)
    if sentence and sentence != shown:
        title += f": “{sentence if len(sentence) <= 200 else sentence[:199] + '…'}”"
    label = (day if day != "undated" else "article") if outlet and source == outlet else source
    return Cite(article_href(c.article_id, c.start, c.end), source, day, title,
                c.copy_of is not None, label)


def cites(citations: Iterable[Citation], titles: dict[str, str], limit: int = MAX_CITES,
          *, outlet: str = "", shown: str = "") -> Cites:
    """Links to the first few citations, one per article (copies after originals)."""
    seen: set[str] = set()
    ordered: list[Citation] = []
    for c in sorted(citations, key=lambda c: c.copy_of is not None):
        if c.article_id not in seen:
            seen.add(c.article_id)
            ordered.append(c)
    return Cites([cite(c, titles, outlet=outlet, shown=shown) for c in ordered[:limit]],
                 max(0, len(ordered) - limit))


def entry_view(e: TimelineEntry, titles: dict[str, str], threshold: float = 0.0
               ) -> EntryView:
    """One timeline or event row; ``low`` when its confidence is under ``threshold``."""
    date, note = date_parts(e)
    status = e.shown_status
    return EntryView(
        date=date, value=_one_line(e.date), datetime=e.earliest if e.earliest else "",
        note=note, status=status,
        badge=STATUS_LABEL.get(status, ""), kind=e.kind,
        event_type=_one_line(e.event_type) if e.kind == "event" else "",
        who=_one_line(e.who), whom=_one_line(e.whom), text=_one_line(e.text),
        sources=[_outlet(s) for s in e.sources], independent=e.independent,
        cites=cites(e.citations, titles, shown=_one_line(e.text)),
        low=e.confidence is not None and e.confidence < threshold,
        confidence=f"{e.confidence:.2f}" if e.confidence is not None else "")


def _overlaps(a: Citation, b: Citation) -> bool:
    return a.article_id == b.article_id and a.start < b.end and b.start < a.end


def _conflicts_of(citations: Sequence[Citation], conflicts: Sequence[Conflict]
                  ) -> list[tuple[int, str]]:
    """(conflict number, wording) for each conflict a variant of which cites one of these
    sentences."""
    found: list[tuple[int, str]] = []
    for n, conflict in enumerate(conflicts, 1):
        for v in conflict.variants:
            if any(_overlaps(c, vc) for c in citations for vc in v.citations):
                found.append((n, _one_line(v.wording)))
                break
    return found


def _entity_label(entity_id: str, names: dict[str, str]) -> str:
    if entity_id in names:
        return names[entity_id]
    bare = entity_id.split(":", 1)[-1].split("@", 1)[0]
    return bare.replace("-", " ").title() if bare else entity_id


def _about(fact: Fact, names: dict[str, str]) -> str:
    """What a fact is about, in a few words: its names, figures and dates."""
    parts = [_entity_label(e, names) for e in fact.entities[:4]]
    parts += [_one_line(n) for n in fact.numbers[:3]]
    if not parts:
        parts = [date_label(d) for d in fact.dates[:2]]
    return ", ".join(p for p in parts if p)


def _ordered_columns(report: StoryReport) -> list[SourceColumn]:
    """The report's outlets, in its order (``analyse.report.order_sources``): the page
    numbers and places them as ``show`` and ``compare`` do."""
    return list(report.sources)


#: A compare error shown on the page is cut to this many characters (it quotes the names
#: asked for, which come from the query string).
MAX_ERROR = 400


def _compare(report: StoryReport, names: Sequence[str]
             ) -> tuple[Comparison | None, str, list[str]]:
    """The comparison ``names`` ask for (None when they ask for none or for a wrong one),
    what is wrong with it, and the report's outlets they name."""
    names = [n for n in names if n.strip()]
    if not names:
        return None, "", []
    found, _ = match_sources(report, names)
    try:
        return compare_sources(report, names), "", found
    except ValueError as exc:
        error = _one_line(str(exc))
        if len(error) > MAX_ERROR:
            error = error[:MAX_ERROR - 1] + "…"
        return None, error, found


def _compare_view(report: StoryReport, comparison: Comparison, ordered: Sequence[SourceColumn],
                  titles: dict[str, str]) -> CompareView:
    """The panel under the table: what each compared outlet alone states (among them), how
    many facts they all state, and the conflicts they take different sides in."""
    facts = facts_by_id(report)
    position = {col.source: i for i, col in enumerate(ordered)}
    only: list[OnlyHere] = []
    # In the table's order, whatever the order they were asked for in.
    for outlet in sorted(comparison.only, key=lambda o: position.get(o.source, len(position))):
        label = _outlet(outlet.source)
        views = []
        for fid in outlet.only_here:
            f = facts.get(fid)
            if f is None:
                continue
            # This outlet's own sentences (originals first): a shared fact cites other
            # outlets too, and its text may be another outlet's words, or language.
            said = own_citations(report, f, outlet.source) or list(f.citations)
            text = _one_line(said[0].text) or _one_line(f.text)
            views.append(FactView(
                text, _one_line(f.attributed_to),
                cites(said, titles, 3, outlet=label, shown=text),
                [k for k, _ in _conflicts_of(said, report.conflicts)]))
        only.append(OnlyHere(label, outlet.stated, views))
    links = [ConflictLink(k, f"conflict-{k}",
                          _one_line(report.conflicts[k - 1].about) or "unnamed")
             for k in comparison.conflicts if 1 <= k <= len(report.conflicts)]
    return CompareView([_outlet(s) for s in sorted(
        comparison.sources, key=lambda s: position.get(s, len(position)))],
        len(comparison.common), len(comparison.some), only, links)


def build(report: StoryReport, *, aliases: Sequence[str] = (),
          compare: Sequence[str] = (), min_confidence: float = 0.0) -> StoryView:
    """Everything the story page shows. ``compare`` names two or more of the story's
    outlets (any case) to compare: the table keeps their columns, and the rows they state,
    and a panel says what each alone states. A wrong ``compare`` leaves the page whole and
    says what is wrong (``compare_error``). Events under ``min_confidence`` (in a report
    built with a lower one) are kept out of the chart and listed behind a toggle."""
    titles = {a.article_id: _one_line(a.title) or a.article_id for a in report.articles}
    sources_of = {a.article_id: _outlet(a.source) for a in report.articles}
    names = {e.entity_id: _one_line(e.name) for e in report.entities}
    facts = {f.id: f for f in (*report.shared_facts, *report.single_source_facts)}
    copy_kind = {a.article_id: a.copy_kind for a in report.articles}

    # -- sources side by side: one column per outlet, one row per shared fact
    ordered = _ordered_columns(report)
    column_of: dict[str, int] = {}
    columns: list[ColumnView] = []
    for i, col in enumerate(ordered):
        for aid in col.article_ids:
            column_of.setdefault(aid, i)
        copied = [col.copies[a] for a in col.article_ids if a in col.copies]
        copy_note = ""
        if copied and len(copied) == len(col.article_ids):
            kinds = {copy_kind.get(cid) for cid in col.article_ids}
            word = "translation" if kinds == {"translation"} else "copy"
            copy_note = f"{word} of {sources_of.get(copied[0], 'another article')}"
        columns.append(ColumnView(
            _outlet(col.source), f"src-{i + 1}", ", ".join(col.languages),
            len(col.article_ids), copy_note, not copy_note, len(col.fact_ids),
            len(col.only_here)))

    conflict_rows: dict[int, list[int]] = {}
    rows: list[RowView] = []
    # Comparing chosen outlets, a fact one report states through its copies or
    # translations is shared among them too: it gets a row (after the shared facts).
    comparison, compare_error, chosen = _compare(report, compare)
    among: list[Fact] = []
    if comparison is not None:
        stated_by_some = {*comparison.common, *comparison.some}
        among = [f for f in report.single_source_facts if f.id in stated_by_some]
    for n, fact in enumerate([*report.shared_facts, *among], 1):
        per_column: dict[int, list[Citation]] = {}
        for c in fact.citations:
            if c.article_id in column_of:
                per_column.setdefault(column_of[c.article_id], []).append(c)
        # The sentence of each original article, to tell a verbatim copy at a glance.
        original_text = {c.article_id: _one_line(c.text) for c in fact.citations}
        cells: list[CellView | None] = []
        row_conflicts: set[int] = set()
        for i in range(len(columns)):
            found = per_column.get(i)
            if not found:
                cells.append(None)
                continue
            sentences: list[Sentence] = []
            seen: set[str] = set()
            for c in found:
                text = _one_line(c.text)
                if text not in seen:
                    seen.add(text)
                    sentences.append(Sentence(text, cite(c, titles, outlet=columns[i].source,
                                                         shown=text)))
            copy = all(c.copy_of for c in found)
            same_as = ""
            if copy and len(sentences) == 1:
                original = found[0].copy_of or ""
                if original_text.get(original) == sentences[0].text:
                    same_as = sources_of.get(original, "its original")
            in_conflict = _conflicts_of(found, report.conflicts)
            row_conflicts.update(k for k, _ in in_conflict)
            note = "; ".join(f"conflict {k}: says “{w}”" for k, w in in_conflict)
            translated = all(copy_kind.get(c.article_id) == "translation" for c in found)
            mark = ("conflict" if in_conflict else
                    ("translation" if translated else "copy") if copy else "own")
            said = (f"same words as {same_as}" if same_as else
                    " / ".join(f"“{x.text}”" for x in sentences))
            title = f"{columns[i].source}: {said}" + (f" ({note})" if note else "")
            cells.append(CellView(sentences, same_as, copy, [k for k, _ in in_conflict], note,
                                  mark, title, sentences[0].cite.href))
        for k in row_conflicts:
            conflict_rows.setdefault(k, []).append(n)
        rows.append(RowView(n, fact.id, _about(fact, names), _one_line(fact.text),
                            fact.independent, len({c.article_id for c in fact.citations}),
                            _one_line(fact.attributed_to), cells, sorted(row_conflicts)))

    # -- facts only one outlet states, by outlet, most informative first
    rank = {f.id: i for i, f in enumerate(report.single_source_facts)}
    singles: list[SingleGroup] = []
    for i, col in enumerate(ordered):
        ids = sorted((fid for fid in col.only_here if fid in rank), key=rank.__getitem__)
        if not ids:
            continue
        views = []
        for fid in ids:
            f = facts[fid]
            views.append(FactView(
                _one_line(f.text), _one_line(f.attributed_to),
                cites(f.citations, titles, 3, outlet=columns[i].source,
                      shown=_one_line(f.text)),
                [k for k, _ in _conflicts_of(f.citations, report.conflicts)]))
        singles.append(SingleGroup(columns[i], views))

    # -- conflicts
    conflicts: list[ConflictView] = []
    for n, conflict in enumerate(report.conflicts, 1):
        variants = []
        for j, v in enumerate(conflict.variants, 1):
            label = _claim(v.attributed_to) if v.attributed_to else f"Version {j}"
            variants.append(VariantView(
                label, bool(v.attributed_to), _one_line(v.wording),
                _one_line(v.value) if _differs(v.value, v.wording) else "",
                [_outlet(s) for s in v.sources],
                _one_line(v.citations[0].text) if v.citations else "",
                cites(v.citations, titles,
                      shown=_one_line(v.citations[0].text) if v.citations else "")))
        conflicts.append(ConflictView(
            n, f"conflict-{n}", _one_line(conflict.kind), _one_line(conflict.about) or "unnamed",
            _one_line(conflict.note), conflict.between_sources, variants,
            conflict_rows.get(n, [])))

    # -- a comparison of chosen outlets: their columns, the rows they state, and a panel
    outlets = [OutletChoice(col.source, columns[i].source, f"cmp-{i + 1}", col.source in chosen)
               for i, col in enumerate(ordered)]
    compared: CompareView | None = None
    if comparison is not None:
        keep = [i for i, col in enumerate(ordered) if col.source in comparison.sources]
        compared = _compare_view(report, comparison, ordered, titles)
        columns = [columns[i] for i in keep]
        rows = [replace(row, cells=[row.cells[i] for i in keep]) for row in rows
                if any(row.cells[i] is not None for i in keep)]
        shown = {row.n for row in rows}
        conflicts = [replace(c, rows=[n for n in c.rows if n in shown]) for c in conflicts]

    # -- quotes: the same words carried by several articles are listed once
    speakers = []
    for sq in report.quotes:
        grouped: dict[str, list[tuple[str, bool, list[Citation]]]] = {}
        order: list[str] = []
        for q in sq.quotes:
            key = _one_line(q.text).casefold()
            if key not in grouped:
                grouped[key] = [(_one_line(q.text), q.partial, [])]
                order.append(key)
            grouped[key][0][2].append(q.citation)
        quotes = [QuoteView(text, partial, cites(cs, titles))
                  for text, partial, cs in (grouped[k][0] for k in order)]
        speakers.append(SpeakerView(_one_line(sq.speaker) or "Unnamed speaker",
                                    entity_href(sq.entity_id) if sq.entity_id else "",
                                    quotes))

    # -- key entities by kind
    by_kind: dict[str, list[EntityView]] = {}
    for e in report.entities:
        by_kind.setdefault(KIND_GROUPS.get(e.kind, "Other"), []).append(EntityView(
            _one_line(e.name), entity_href(e.entity_id), _kind(e.kind),
            [_one_line(r) for r in e.roles], [_one_line(a) for a in e.aliases],
            e.mentions, e.articles))
    groups: list[tuple[str, list[EntityView]]] = [
        (label, by_kind[label][:MAX_ENTITIES])
        for label in ("People", "Organisations", "Places", "Other") if label in by_kind]
    more_entities = sum(max(0, len(v) - MAX_ENTITIES) for v in by_kind.values())

    # -- articles and copies
    rows_by_id = {a.article_id: a for a in report.articles}

    def article(aid: str) -> ArticleView:
        row = rows_by_id.get(aid)
        if row is None:
            return ArticleView(article_href(aid), aid, "unknown source", "undated", "", "",
                               "", "", "", 0, 0)
        return ArticleView(
            article_href(row.article_id), titles[row.article_id], _outlet(row.source),
            _day(row.published), _one_line(row.lang),
            article_href(row.copy_of) if row.copy_of else "",
            titles.get(row.copy_of, row.copy_of) if row.copy_of else "",
            sources_of.get(row.copy_of, "another outlet") if row.copy_of else "",
            COPY_WORDS.get(row.copy_kind or "", _one_line(row.copy_kind) or "copy")
            if row.copy_of else "", row.facts, row.only_here)

    articles = [article(a.article_id) for a in report.articles]
    copies = [CopyView(article(item.original), [article(c.article_id) for c in item.copies])
              for item in report.copies]

    first, last = _day(report.first_seen), _day(report.last_seen)
    if report.first_seen or report.last_seen:
        span = first if first == last else f"{first} → {last}"
    else:
        span = "undated"
    events = [entry_view(e, titles, min_confidence) for e in report.events]
    timeline = [entry_view(e, titles, min_confidence) for e in report.timeline]
    charted = [e for e, v in zip(report.timeline, timeline, strict=True) if not v.low]
    view = StoryView(
        story_id=report.story_id, headline=_one_line(report.headline),
        span=span, span_datetime=(first if report.first_seen else "",
                                  last if report.last_seen else ""),
        article_count=len(report.article_ids), source_count=len(report.sources),
        independent_sources=report.independent_sources,
        languages=list(report.languages), aliases=[_one_line(a) for a in aliases],
        summary=[Sentence(_one_line(s.text), cite(s.citation, titles, shown=_one_line(s.text)))
                 for s in report.summary],
        timeline=timeline,
        chart=layout_entries(charted, when=lambda e: " ".join(
            x for x in date_parts(e) if x), key_days=_key_days(report)),
        columns=columns, rows=rows, singles=singles, conflicts=conflicts, speakers=speakers,
        entity_groups=groups, more_entities=more_entities,
        events=_listed(events), more_events=max(0, len(events) - MAX_EVENTS),
        articles=articles, copies=copies, notes=[_one_line(n) for n in report.notes],
        outlets=outlets, compare=compared, compare_error=compare_error,
        compare_href=f"/stories/{quote(report.story_id, safe='')}")
    view.toc.extend(toc(view))
    return view


def _listed(events: list[EntryView]) -> list[EntryView]:
    """The events the table lists, in date order: every one shown by default first, then
    less certain ones while there is room (the cap must not hide a shown event)."""
    room = max(0, MAX_EVENTS - sum(not e.low for e in events))
    keep = {i for i, e in enumerate(events) if not e.low}
    keep |= set([i for i, e in enumerate(events) if e.low][:room])
    return [e for i, e in enumerate(events) if i in keep][:MAX_EVENTS]


def _key_days(report: StoryReport) -> tuple[date, date] | None:
    """The days the story was reported on: what its timeline opens on."""
    try:
        first = date.fromisoformat((report.first_seen or "")[:10])
        last = date.fromisoformat((report.last_seen or "")[:10])
    except ValueError:
        return None
    return first, last


def toc(view: StoryView) -> list[tuple[str, str, int | None]]:
    """(anchor, label, count) of the page's sections, in page order."""
    items: list[tuple[str, str, int | None]] = [
        ("summary", "Summary", None),
        ("articles", "Articles", len(view.articles)),
        ("entities", "People and places", sum(len(g) for _, g in view.entity_groups)),
        ("timeline", "Timeline", sum(not e.low for e in view.timeline)),
        ("sources", "Sources side by side", len(view.rows)),
    ]
    if view.compare:
        items.append(("compare", "Compared outlets", len(view.compare.sources)))
    items += [
        ("conflicts", "Conflicts", len(view.conflicts)),
        ("single", "Only one source reports", sum(len(g.facts) for g in view.singles)),
        ("quotes", "Quotes", sum(len(s.quotes) for s in view.speakers)),
        ("events", "Events", sum(not e.low for e in view.events) + view.more_events),
    ]
    if view.copies:
        items.append(("copies", "Copies", sum(len(c.copies) for c in view.copies)))
    if view.notes:
        items.append(("notes", "Notes", len(view.notes)))
    return items


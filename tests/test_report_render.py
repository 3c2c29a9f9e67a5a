"""Rendering a story report: Markdown for the terminal, JSON for programs, one HTML file.

The report is built by hand (a fictional dam in a fictional town) so these tests need no
store and no models. Everything in a report is article text, so the HTML must stay inert
whatever the articles say.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest

from storyline.analyse import compare as compare_types
from storyline.analyse import types as report_types
from storyline.analyse.types import (
    SCHEMA_VERSION,
    ArticleRow,
    Citation,
    Conflict,
    CopyItem,
    CopyRef,
    Fact,
    KeyEntity,
    QuoteItem,
    SourceColumn,
    SpeakerQuotes,
    StoryReport,
    SummarySentence,
    TimelineEntry,
    Variant,
)
from storyline.interfaces.report import to_html, to_json, to_markdown

GAZETTE = "Brackenford Gazette"
WIRE = "Valley Wire"
POST = "Hillside Post"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS = "javascript:alert(1)"
QUOTE_ATTR = '" onmouseover="x'


def cite(article: str, source: str, published: str, start: int, text: str,
         copy_of: str | None = None) -> Citation:
    return Citation(article, source, published, start, start + len(text), text, copy_of)


def make_report(*, headline: str = "Orrin dam spillway opened as Brackenford evacuates",
                gazette: str = GAZETTE, shared_text: str | None = None,
                quote_text: str = "We will not gamble with people's homes") -> StoryReport:
    spill = shared_text or "The spillway of the Orrin dam was opened on Tuesday."
    g_spill = cite("g1", gazette, "2023-02-07T08:00:00Z", 0, spill)
    w_spill = cite("w1", WIRE, "2023-02-07T10:30:00Z", 0, spill)
    h_spill = cite("h1", POST, "2023-02-08T06:00:00Z", 0, spill, copy_of="w1")
    g_crack = cite("g1", gazette, "2023-02-07T08:00:00Z", 60,
                   "Engineers found a crack in the north wall.")
    g_evac = cite("g1", gazette, "2023-02-07T08:00:00Z", 110,
                  "About 300 residents left their homes overnight.")
    w_evac = cite("w1", WIRE, "2023-02-07T10:30:00Z", 80,
                  "The mayor's office said 1,200 people had been evacuated.")
    g_inspect = cite("g1", gazette, "2023-02-07T08:00:00Z", 170,
                     "Inspections of the dam began in February.")
    w_vote = cite("w1", WIRE, "2023-02-07T10:30:00Z", 150,
                  "The council will vote on repairs on March 15.")
    g_quote = cite("g1", gazette, "2023-02-07T08:00:00Z", 220,
                   f"“{quote_text},” Holt said.")
    w_visit = cite("w1", WIRE, "2023-02-07T10:30:00Z", 210,
                   "Holt called off a visit to the dam.")

    shared = Fact("f1", spill, (g_spill, w_spill, h_spill), (gazette, WIRE), 2, ("h1",),
                  ("Orrin dam",), (), ("2023-02-07",), None)
    single = Fact("f2", "Engineers found a crack in the north wall.", (g_crack,), (gazette,),
                  1, (), ("north wall",), (), (), None, novelty=0.8)
    conflict = Conflict(
        "number", "people evacuated",
        (Variant("about 300", "300", (g_evac,), (gazette,)),
         Variant("1,200", "1200", (w_evac,), (WIRE,), attributed_to="the mayor's office")),
        note="about 300 vs 1,200", between_sources=False)
    month = TimelineEntry("2023-02", "month", "2023-02-01", "2023-02-28",
                          "Inspections of the dam began in February.", "fact", "happened",
                          None, None, None, (g_inspect,), (gazette,), 1,
                          date_text="in February")
    planned = TimelineEntry("2023-03-15", "day", "2023-03-15", "2023-03-15",
                            "The council will vote on repairs.", "fact", "planned", None,
                            None, None, (w_vote,), (WIRE,), 1, after_publication=True)
    visit = TimelineEntry("2023-02-07", "day", "2023-02-07", "2023-02-07",
                          "Holt called off a visit to the dam.", "event", "negated",
                          "CONSULT", "Mira Holt", None, (w_visit,), (WIRE,), 1)
    return StoryReport(
        story_id="s-orrin",
        headline=headline,
        first_seen="2023-02-07T08:00:00Z",
        last_seen="2023-02-08T06:00:00Z",
        article_ids=("g1", "w1", "h1"),
        languages=("en",),
        independent_sources=2,
        summary=(SummarySentence(spill, g_spill),
                 SummarySentence("Engineers found a crack in the north wall.", g_crack),
                 SummarySentence("The mayor's office put the evacuees at 1,200.", w_evac)),
        timeline=(month, planned),
        entities=(KeyEntity("Mira Holt", "PERSON", "e1", 4, 2, ("mayor of Brackenford",),
                            ("Holt",)),
                  KeyEntity("Brackenford", "GPE", "e2", 5, 3, (), ())),
        events=(visit,),
        quotes=(SpeakerQuotes("Mira Holt", "e1",
                              (QuoteItem(quote_text, g_quote, partial=False),)),),
        sources=(SourceColumn(gazette, ("g1",), {}, ("en",), ("f1", "f2"), ("f2",)),
                 SourceColumn(WIRE, ("w1",), {}, ("en",), ("f1",), ()),
                 SourceColumn(POST, ("h1",), {"h1": "w1"}, ("en",), ("f1",), ())),
        shared_facts=(shared,),
        single_source_facts=(single,),
        conflicts=(conflict,),
        copies=(CopyItem("w1", WIRE, (CopyRef("h1", POST, "exact"),)),),
        articles=(ArticleRow("g1", "Spillway opened", gazette, "2023-02-07T08:00:00Z", "en",
                             None, None, 2, 1),
                  ArticleRow("w1", "Dam spillway opens", WIRE, "2023-02-07T09:00:00Z", "en",
                             None, None, 1, 0),
                  ArticleRow("h1", "Dam spillway opens", POST, "2023-02-08T06:00:00Z", "en",
                             "w1", "exact", 1, 0)),
        notes=("1 article had no byline.",),
    )


SECTIONS = ["## Summary", "## Timeline", "## Key people, organisations and places",
            "## Events", "## Quotes by speaker", "## Sources side by side", "## Shared facts",
            "## Reported by one source only", "## Conflicts", "## Copies", "## Notes",
            "## Sources cited"]


# ---------------------------------------------------------------------------------------
# Markdown


def test_markdown_sections_in_order() -> None:
    md = to_markdown(make_report())
    lines = md.splitlines()
    assert lines[0] == "# Orrin dam spillway opened as Brackenford evacuates"
    positions = [lines.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    meta = lines[2]
    assert meta.startswith("*") and meta.endswith("*")
    for part in ("s-orrin", "3 articles", "3 sources", "en", "2023-02-07 → 2023-02-08"):
        assert part in meta


def section(md: str, heading: str) -> str:
    start = md.index(heading + "\n")
    rest = md[start + len(heading) + 1:]
    nxt = rest.find("\n## ")
    return rest if nxt < 0 else rest[:nxt]


def flat(text: str) -> str:
    """Wrapped Markdown as one line per list item, to compare against whole entries."""
    return "\n- ".join(" ".join(item.split()) for item in ("\n" + text).split("\n- "))


def test_markdown_conflict_wordings_sources_and_claims() -> None:
    conflicts = flat(section(to_markdown(make_report()), "## Conflicts"))
    assert "### 1. Number: people evacuated" in conflicts
    assert "A dispute between parties" in conflicts
    assert "Note: about 300 vs 1,200" in conflicts
    assert "“about 300” — Brackenford Gazette" in conflicts
    assert "the mayor's office's claim: “1,200” — reported by Valley Wire" in conflicts
    # The sentence of each variant's first citation.
    assert "> About 300 residents left their homes overnight." in conflicts
    assert "> The mayor's office said 1,200 people had been evacuated." in conflicts
    # The compared values say nothing the wordings don't.
    assert "(= " not in conflicts


def test_markdown_conflict_between_sources_label() -> None:
    report = make_report()
    c = dataclasses.replace(report.conflicts[0], between_sources=True)
    conflicts = section(to_markdown(dataclasses.replace(report, conflicts=(c,))),
                        "## Conflicts")
    assert "The sources disagree." in conflicts
    assert "dispute between parties" not in conflicts


def test_markdown_variant_value_shown_when_it_adds() -> None:
    report = make_report()
    date = Conflict("date", "the vote", (
        Variant("next Wednesday", "2023-03-15", report.timeline[1].citations, (WIRE,)),
        Variant("March 22", "2023-03-22", report.timeline[0].citations, (GAZETTE,))))
    md = to_markdown(dataclasses.replace(report, conflicts=(date,)))
    conflicts = flat(section(md, "## Conflicts"))
    assert "“next Wednesday” (= 2023-03-15) — Valley Wire" in conflicts
    assert "“March 22” (= 2023-03-22) — Brackenford Gazette" in conflicts
    assert "The sources disagree." in conflicts


def test_markdown_timeline_granularity_and_status() -> None:
    md = to_markdown(make_report())
    timeline = flat(section(md, "## Timeline"))
    assert ("- Feb 2023 (“in February”) — Inspections of the dam began in February. "
            "(sources: Brackenford Gazette)") in timeline
    assert "- 2023-03-15 [planned] — The council will vote on repairs." in timeline
    events = flat(section(md, "## Events"))
    assert "2023-02-07 [called off or denied] — CONSULT — Holt called off a visit" in events


def test_markdown_summary_citations_resolve() -> None:
    md = to_markdown(make_report())
    summary = section(md, "## Summary")
    # One marker per article: the list names articles, not sentences.
    assert "1. The spillway of the Orrin dam was opened on Tuesday. [1]" in summary
    assert "2. Engineers found a crack in the north wall. [1]" in summary
    assert "3. The mayor's office put the evacuees at 1,200. [2]" in summary
    cited = section(md, "## Sources cited").strip().splitlines()
    assert cited == ["- [1] Brackenford Gazette, 2023-02-07, article g1",
                     "- [2] Valley Wire, 2023-02-07, article w1"]


def test_markdown_facts_sources_and_copies() -> None:
    md = to_markdown(make_report())
    shared = flat(section(md, "## Shared facts"))
    assert "Stated by 2 independent sources: Brackenford Gazette, Valley Wire." in shared
    assert "Copies: h1 (Hillside Post)." in shared
    assert "Engineers found a crack in the north wall. (Brackenford Gazette)" in section(
        md, "## Reported by one source only")
    side = section(md, "## Sources side by side")
    assert "### 3. Hillside Post (en)" in side  # numbered as `compare` takes them
    assert "articles: h1 (copy of w1)" in side
    assert "2 facts, 1 only here:" in side
    assert "  - Engineers found a crack in the north wall." in side
    assert "- w1 (Valley Wire) → h1 (Hillside Post, exact)" in section(md, "## Copies")
    assert "- 1 article had no byline." in section(md, "## Notes")


def test_markdown_empty_sections() -> None:
    report = dataclasses.replace(make_report(), summary=(), events=(), quotes=(), entities=(),
                                 single_source_facts=(), conflicts=(), copies=(), notes=())
    md = to_markdown(report)
    assert "No conflicts found." in section(md, "## Conflicts")
    for gone in ("## Summary", "## Events", "## Quotes by speaker", "## Copies", "## Notes",
                 "## Reported by one source only", "## Sources cited"):
        assert gone not in md


def test_markdown_is_plain_lines() -> None:
    evil = "Dam \x1b[2J\x1b]0;pwned\x07opened\non Tuesday"
    md = to_markdown(make_report(headline=evil))
    assert "\x1b" not in md and "\x07" not in md
    assert md.splitlines()[0] == "# Dam [2J]0;pwnedopened on Tuesday"
    assert "[/" not in md  # no Rich markup
    assert max(len(line) for line in md.splitlines()) <= 100


# ---------------------------------------------------------------------------------------
# JSON


def test_json_round_trips() -> None:
    report = make_report(headline="Über den Damm")
    text = to_json(report)
    assert "Über" in text  # not \u00dc
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert set(data) == {f.name for f in dataclasses.fields(StoryReport)}
    assert data == json.loads(json.dumps(report.to_dict()))
    conflict = data["conflicts"][0]
    assert set(conflict) == {"kind", "about", "variants", "note", "between_sources"}
    assert conflict["variants"][1]["attributed_to"] == "the mayor's office"
    assert set(conflict["variants"][0]["citations"][0]) == {
        f.name for f in dataclasses.fields(Citation)}
    assert data["timeline"][0]["granularity"] == "month"
    assert data["sources"][2]["copies"] == {"h1": "w1"}
    assert data["copies"][0]["copies"] == [{"article_id": "h1", "source": POST,
                                            "kind": "exact"}]
    assert data["independent_sources"] == 2
    assert [a["article_id"] for a in data["articles"]] == ["g1", "w1", "h1"]
    assert data["timeline"][0]["date_text"] == "in February"


# ---------------------------------------------------------------------------------------
# HTML


class _Audit(HTMLParser):
    """Every tag and attribute, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)


def audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser


def evil_report() -> StoryReport:
    return make_report(headline=f"Dam {SCRIPT} {QUOTE_ATTR}",
                       gazette=f"Gazette {IMG}",
                       shared_text=f"The spillway {JS} opened {IMG}.",
                       quote_text=f"{SCRIPT} and {JS}")


@pytest.mark.parametrize("report", [make_report(), evil_report()], ids=["plain", "evil"])
def test_html_is_inert(report: StoryReport) -> None:
    html = to_html(report)
    parsed = audit(html)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags
    assert "img" not in tags and "iframe" not in tags and "object" not in tags
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "style", "action", "formaction"), (tag, name)
            v = (value or "").strip().lower()
            assert not v.startswith("javascript:"), (tag, name, value)
            if name == "href":
                assert v.startswith("#"), (tag, value)
    assert "http://" not in html and "https://" not in html
    # lxml (libxml2) tokenises differently from html.parser: check with it too.
    doc = lxml.html.document_fromstring(html)
    assert not doc.xpath("//script | //img | //link | //iframe | //@src")
    assert not [a for a in doc.xpath("//@*") if a.attrname.lower().startswith("on")]
    assert doc.xpath("//meta[@http-equiv='Content-Security-Policy']")


def test_html_shows_injected_text_as_text() -> None:
    html = to_html(evil_report())
    visible = " ".join(audit(html).text)
    assert f"Dam {SCRIPT} {QUOTE_ATTR}" in visible  # the headline
    assert f"Gazette {IMG}" in visible  # a source
    assert f"The spillway {JS} opened {IMG}." in visible  # a fact
    assert f"“{SCRIPT} and {JS}”" in visible  # a quote
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    doc = lxml.html.document_fromstring(html)
    assert doc.findtext(".//title").startswith(f"Dam {SCRIPT}")
    assert doc.findtext(".//h1") == f"Dam {SCRIPT} {QUOTE_ATTR}"


def test_html_sections_and_citations() -> None:
    html = to_html(make_report())
    doc = lxml.html.document_fromstring(html)
    headings = [h.text_content() for h in doc.xpath("//h2")]
    assert headings == [s.removeprefix("## ") for s in SECTIONS]
    ids = set(doc.xpath("//@id"))
    links = doc.xpath("//sup[@class='cite']/a/@href")
    assert links and all(h.removeprefix("#") in ids for h in links)
    cited = doc.xpath("//ol[@class='citations']/li")
    assert [li.get("id") for li in cited] == [f"cite-{n}" for n in range(1, len(cited) + 1)]
    first = cited[0].text_content()
    assert "Brackenford Gazette" in first and "2023-02-07" in first and "g1" in first
    assert "The spillway of the Orrin dam was opened on Tuesday." in first
    copy = next(li.text_content() for li in cited if "h1" in li.text_content())
    assert "copy of w1" in copy


def test_html_timeline() -> None:
    doc = lxml.html.document_fromstring(to_html(make_report()))
    items = doc.xpath("//section[@id='timeline']/ol/li")
    assert [li.get("class") for li in items] == ["status-happened", "status-planned"]
    assert "Feb 2023 (“in February”)" in " ".join(items[0].text_content().split())
    assert "planned" in items[1].xpath(".//span[contains(@class, 'badge')]")[0].text
    event = doc.xpath("//section[@id='events']/ol/li")[0]
    assert event.get("class") == "status-negated"


def test_html_source_columns() -> None:
    doc = lxml.html.document_fromstring(to_html(make_report()))
    cols = doc.xpath("//div[@class='grid']/div[@class='col']")
    assert [c.findtext("h3").strip() for c in cols] == [GAZETTE, WIRE, POST]
    gazette = cols[0].xpath(".//ul[@class='facts']/li")
    assert [li.get("class") for li in gazette] == ["shared", "only"]
    assert "Engineers found a crack" in gazette[1].text_content()
    assert "copy of" in cols[2].text_content()


def test_html_conflict_table() -> None:
    doc = lxml.html.document_fromstring(to_html(make_report()))
    table = doc.xpath("//section[@id='conflicts']//table")[0]
    assert [th.text_content() for th in table.xpath("thead//th")] == [
        "Variant 1", "the mayor's office's claim"]
    rows = {tr.xpath("th")[0].text_content(): [td.text_content() for td in tr.xpath("td")]
            for tr in table.xpath("tbody/tr")}
    assert rows["Says"] == ["“about 300”", "“1,200”"]
    assert rows["Reported by"] == [GAZETTE, WIRE]
    assert rows["Sentence"][1].startswith("The mayor's office said 1,200 people")
    scope = doc.xpath("//section[@id='conflicts']//p[contains(@class, 'scope')]")[0]
    assert "dispute between parties" in scope.text_content()


def test_html_no_conflicts() -> None:
    html = to_html(dataclasses.replace(make_report(), conflicts=()))
    doc = lxml.html.document_fromstring(html)
    assert doc.xpath("//section[@id='conflicts']/p")[0].text_content() == "No conflicts found."


# ---------------------------------------------------------------------------------------
# docs/report.md documents every field, and its example is a report as to_json writes it

DOC = Path(__file__).resolve().parent.parent / "docs" / "report.md"
REPORT_CLASSES = [c for module in (report_types, compare_types) for c in vars(module).values()
                  if isinstance(c, type) and dataclasses.is_dataclass(c)
                  and c.__module__ == module.__name__]


def test_docs_document_every_field() -> None:
    doc = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", doc, re.M | re.S))
    for cls in REPORT_CLASSES:
        title = next((t for t in sections if re.search(rf"\b{cls.__name__}\b", t)), None)
        assert title is not None, f"docs/report.md has no section for {cls.__name__}"
        documented = set(re.findall(r"^\| `(\w+)` \|", sections[title], re.M))
        missing = {f.name for f in dataclasses.fields(cls)} - documented
        assert not missing, f"{cls.__name__}: {sorted(missing)} not in docs/report.md"
    assert "adding fields does **not** bump it" in doc.lower()


def _check_shape(value: object, hint: object, where: str) -> None:
    """The JSON ``value`` has the keys of the dataclass ``hint`` describes, all the way down."""
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        assert isinstance(value, dict), where
        hints = typing.get_type_hints(hint)
        assert set(value) == set(hints), (where, set(value) ^ set(hints))
        for key, item in value.items():
            _check_shape(item, hints[key], f"{where}.{key}")
    elif origin in (typing.Union, types.UnionType):
        if value is not None:
            inner = [a for a in typing.get_args(hint) if a is not type(None)]
            _check_shape(value, inner[0], where)
    elif origin is tuple:
        assert isinstance(value, list), where
        args = typing.get_args(hint)
        for i, item in enumerate(value):
            _check_shape(item, args[0] if args[-1] is Ellipsis else args[i], f"{where}[{i}]")


def test_docs_example_is_a_report() -> None:
    doc = DOC.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S)[1])
    assert example["schema_version"] == SCHEMA_VERSION
    _check_shape(example, StoryReport, "report")
    # And the rendered report of the test story has the same shape.
    _check_shape(json.loads(to_json(make_report())), StoryReport, "report")

"""The HTTP API and the server-rendered pages, through FastAPI's TestClient."""

from __future__ import annotations

import dataclasses
import json
import re
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's note about httpx versions is not ours to fix
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from markupsafe import escape

from conftest import BACKENDS, PARAGRAPHS, store_location
from storyline import Storyline
from storyline.analyse.report import order_sources
from storyline.analyse.types import (
    ArticleRow,
    Citation,
    Conflict,
    Fact,
    SourceColumn,
    StoryReport,
    TimelineEntry,
    Variant,
)
from storyline.extract.event_confidence import default_min_confidence
from storyline.extract.types import Mention, Quote, Timex
from storyline.interfaces.cli import sample_corpus
from storyline.interfaces.report import to_json as report_json
from storyline.interfaces.web import app as web_app
from storyline.interfaces.web import story_view
from storyline.interfaces.web.app import create_app, mark_text, sparkline

EVIL_TITLE = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
EVIL_BODY = (
    "BERLIN – Chancellor Olaf Scholz said on Monday that the plan would go ahead. "
    'Read more at <a href="javascript:alert(3)">this link</a> or '
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>.\n\n'
    "“<script>alert(4)</script> We will not wait,” Scholz told reporters in Berlin, "
    "adding <b onmouseover=alert(5)>nothing</b> more."
)


@dataclass
class Site:
    db: str | Path
    evil_id: str
    client: TestClient


def build_store(tmp: Path, db: str | Path | None = None) -> tuple[str | Path, str]:
    """The sample corpus plus one hostile article; returns the store and that article's id."""
    evil = tmp / "evil" / "evil.txt"
    evil.parent.mkdir(parents=True)
    body = "\n\n".join([EVIL_BODY, *PARAGRAPHS])
    evil.write_text(f"{EVIL_TITLE}\n\n{body}\n", encoding="utf-8")
    db = db or tmp / "web.db"
    with Storyline(db) as sl:
        sl.ingest([str(sample_corpus())])
        report = sl.ingest([str(evil)], format="text", source="Evil <Gazette>",
                           published="2023-11-01")
    assert len(report.ingested) == 1, report.summary()
    return db, report.ingested[0]


@pytest.fixture(scope="module", params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Site]:
    """The site on each store backend in turn (PostgreSQL: a database of its own)."""
    tmp = tmp_path_factory.mktemp("web")
    db, evil_id = build_store(tmp, store_location(request, request.param, tmp, "web"))
    with TestClient(base_url="http://127.0.0.1", app=create_app(db)) as client:
        yield Site(db, evil_id, client)


def test_health(site: Site) -> None:
    r = site.client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["articles"] >= 50 and body["stories"] > 5


def test_stories_list_shape_order_and_paging(site: Site) -> None:
    r = site.client.get("/api/stories", params={"limit": 1000})
    assert r.status_code == 200
    stories = r.json()
    assert {"id", "headline", "article_ids", "sources", "languages", "first_seen",
            "last_seen", "article_count"} <= set(stories[0])
    last = [s["last_seen"] or "" for s in stories]
    assert last == sorted(last, reverse=True)  # newest first
    page = site.client.get("/api/stories", params={"limit": 2, "offset": 1}).json()
    assert [s["id"] for s in page] == [s["id"] for s in stories[1:3]]


def test_stories_filters(site: Site) -> None:
    by_query = site.client.get("/api/stories", params={"q": "balloon"}).json()
    assert by_query and all("balloon" in s["headline"].lower() or s["article_count"] >= 1
                            for s in by_query)
    by_entity = site.client.get("/api/stories", params={"entity": "Blinken"}).json()
    assert by_entity
    german = site.client.get("/api/stories", params={"lang": "de"}).json()
    assert german and all("de" in s["languages"] for s in german)
    dated = site.client.get("/api/stories", params={"since": "2023-09-01"}).json()
    assert dated and all((s["last_seen"] or "") >= "2023-09-01" for s in dated)
    assert site.client.get("/api/stories", params={"q": "zzzqqqnothing"}).json() == []


@pytest.mark.parametrize("params", [{"since": "not a date"}, {"limit": 0}, {"offset": -1},
                                    {"lang": "english!"}, {"limit": "many"}])
def test_stories_bad_params_are_422_with_a_message(site: Site, params: dict[str, object]) -> None:
    r = site.client.get("/api/stories", params=params)
    assert r.status_code == 422
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]


def test_story_detail_is_the_story_report(site: Site) -> None:
    sid = site.client.get("/api/stories", params={"entity": "Blinken"}).json()[0]["id"]
    r = site.client.get(f"/api/stories/{sid}")
    assert r.status_code == 200
    story = r.json()
    # exactly what `storyline show STORY --format json` prints (docs/report.md)
    with Storyline(site.db) as sl:
        assert story == json.loads(report_json(sl.report(sid)))
    assert story["schema_version"] == 2 and story["story_id"] == sid
    assert set(story) == {f.name for f in dataclasses.fields(StoryReport)}
    assert sorted(story["article_ids"]) == sorted(a["article_id"] for a in story["articles"])
    assert any(e["name"] == "Antony Blinken" and e["entity_id"] == "person:antony-blinken"
               for e in story["entities"])
    assert story["summary"] and all(s["citation"]["article_id"] in story["article_ids"]
                                    for s in story["summary"])
    assert story["timeline"] and story["events"] and story["quotes"]
    assert len(story["sources"]) >= 2 and story["shared_facts"]
    assert {"kind", "about", "variants", "between_sources"} <= set(
        (story["conflicts"] or [{"kind": 0, "about": 0, "variants": 0, "between_sources": 0}])[0])
    assert story["copies"] and {"article_id", "source", "kind"} == set(
        story["copies"][0]["copies"][0])
    # a unique prefix works too
    assert site.client.get(f"/api/stories/{sid[:8]}").json()["story_id"] == sid
    # the OpenAPI schema describes the report, object by object
    schema = site.client.get("/openapi.json").json()
    ok = schema["paths"]["/api/stories/{story_id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/StoryReport")
    assert {"StoryReport", "Citation", "Fact", "Conflict", "Variant", "TimelineEntry",
            "SourceColumn", "CopyRef"} <= set(schema["components"]["schemas"])


def test_story_page_shows_the_report(site: Site) -> None:
    sid = site.client.get("/api/stories", params={"entity": "Blinken"}).json()[0]["id"]
    r = site.client.get(f"/stories/{sid}")
    assert r.status_code == 200
    html = r.text
    for anchor in ("summary", "articles", "entities", "timeline", "sources", "single",
                   "conflicts", "quotes", "events", "copies", "notes"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html, anchor  # and the TOC
    assert html.count('<table class="side matrix">') == 1 and 'tabindex="0" role="region"' in html
    assert re.search(r'<a class="cite[^"]*" href="/articles/[0-9a-f]+#c-\d+-\d+" title="', html)
    assert 'href="/entities/person%3Aantony-blinken"' in html
    assert 'class="mark status-' in html  # the timeline chart
    assert "Only one source reports" in html and "same words as" in html


def test_less_certain_events_wait_behind_a_toggle() -> None:
    """A report built with every event: those under the threshold stay off the chart and
    out of the counts, listed (marked) only when the reader asks."""
    def entry(day: str, confidence: float | None, kind: str = "event") -> TimelineEntry:
        cite = Citation("a1", "Wire", "2023-06-14", 0, 12, "Talks began.")
        return TimelineEntry(day, "day", day, day, "Talks began.", kind,  # type: ignore[arg-type]
                             "happened", "CONSULT" if kind == "event" else None, "Ana", None,
                             (cite,), ("Wire",), 1, confidence=confidence)

    sure, unsure, said = entry("2023-06-13", 0.8), entry("2023-06-12", 0.2), entry(
        "2023-06-11", None, "fact")
    report = StoryReport("s1", "Talks", "2023-06-14", "2023-06-14", ("a1",), ("en",), 1, (),
                         (said, unsure, sure), (), (unsure, sure), (), (), (), (), (), (), ())
    view = story_view.build(report, min_confidence=0.5)
    assert [(e.low, e.confidence) for e in view.timeline] == [
        (False, ""), (True, "0.20"), (False, "0.80")]
    assert view.chart is not None and len(view.chart.marks) == 2  # the sure one and the fact
    assert dict((a, n) for a, _, n in view.toc)["timeline"] == 2
    assert dict((a, n) for a, _, n in view.toc)["events"] == 1
    assert [e.low for e in view.events] == [True, False]
    everything = story_view.build(report)  # no threshold: nothing is less certain
    assert not any(e.low for e in everything.timeline) and len(everything.chart.marks) == 3


def test_story_view_aligns_facts_by_outlet() -> None:
    """Rows are shared facts, columns outlets: each cell holds that outlet's own sentence,
    empty where it does not state the fact; sentences a conflict cites are marked."""
    def cite(aid: str, source: str | None, start: int, text: str,
             copy_of: str | None = None) -> Citation:
        return Citation(aid, source, "2023-06-14", start, start + len(text), text, copy_of)

    a1 = cite("a1", "Wire", 0, "Talks <b>began</b> on Monday.")
    b1 = cite("b1", "Post", 10, "Talks started Monday.")
    c1 = cite("c1", None, 0, "Talks <b>began</b> on Monday.", copy_of="a1")
    only = cite("b1", "Post", 40, "Nine people were hurt.")
    shared = Fact("f1", a1.text, (a1, b1, c1), ("Wire", "Post"), 2, ("c1",),
                  ("person:ann-lee",), (), ("2023-06-12",), None)
    single = Fact("f2", only.text, (only,), ("Post",), 1, (), (), ("9",), (), None, 2.0)
    columns = tuple(order_sources((
        SourceColumn("Wire", ("a1",), {}, ("en",), ("f1",), ()),
        SourceColumn("unknown source (c1)", ("c1",), {"c1": "a1"}, ("en",), ("f1",), ()),
        SourceColumn("Post", ("b1",), {}, ("en",), ("f1", "f2"), ("f2",)),
        SourceColumn("Quiet", ("d1",), {}, ("en",), (), ()),
        SourceColumn("Zeitung", ("z1",), {}, ("de",), ("f1", "f2"), ())), "en"))
    conflict = Conflict("descriptor", "talks", (
        Variant("began", "began", (a1,), ("Wire",)),
        Variant("started", "started", (b1,), ("Post",), attributed_to="Ann Lee")))
    rows = [ArticleRow(a, None, s, "2023-06-14", "en", "a1" if a == "c1" else None,
                       "near" if a == "c1" else None, 1, 0)
            for a, s in (("a1", "Wire"), ("b1", "Post"), ("c1", None), ("d1", "Quiet"))]
    report = StoryReport("s1", "Talks", "2023-06-14", "2023-06-14", ("a1", "b1", "c1", "d1"),
                         ("en",), 3, (), (), (), (), (), columns, (shared,), (single,),
                         (conflict,), (), tuple(rows))
    view = story_view.build(report)
    # independent outlets first, in the main language first, the best informed first;
    # copies after them all (the report's order, which the page keeps)
    assert [c.source for c in view.columns] == ["Post", "Wire", "Quiet", "Zeitung",
                                                "unknown source (c1)"]
    (row,) = view.rows
    post, wire, quiet, _, copy = row.cells
    assert view.columns[-1].label == "unnamed c1" and view.columns[0].label == "Post"
    assert wire is not None and wire.sentences[0].text == a1.text and not wire.copy
    assert wire.sentences[0].cite.href == f"/articles/a1#c-0-{len(a1.text)}"
    assert wire.mark == "conflict" and wire.href == wire.sentences[0].cite.href
    assert copy is not None and copy.copy and copy.same_as == "Wire" and copy.mark == "copy"
    assert copy.title == "unknown source (c1): same words as Wire"
    assert post is not None and post.sentences[0].text == b1.text and post.conflicts == [1]
    assert post.title.startswith("Post: “Talks started Monday.”")
    assert quiet is None  # this outlet does not state it
    assert row.conflicts == [1] and "Ann Lee" in row.about
    assert view.conflicts[0].rows == [1] and view.conflicts[0].variants[1].label == "Ann Lee's claim"
    (group,) = view.singles
    assert group.column.source == "Post" and group.facts[0].text == only.text


@pytest.mark.parametrize(("value", "mod", "label"), [
    ("2023-06-18", None, "2023-06-18"), ("2023-06-18TAF", None, "2023-06-18 afternoon"),
    ("2023-06-18T15:00", None, "2023-06-18 15:00"), ("2023-02", "START", "early Feb 2023"),
    ("2023-W24", None, "week of 12 Jun 2023"), ("2023-W24-WE", None, "weekend of 17 Jun 2023"),
    ("2023-Q1", None, "Q1 2023"), ("2023-SU", None, "summer 2023"), ("202", None, "2020s"),
    ("", None, "undated"), ("2023-W77", None, "2023-W77")])
def test_story_page_words_dates(value: str, mod: str | None, label: str) -> None:
    assert story_view.date_label(value, mod) == label


# -- a story whose two outlets, titles and texts are all hostile --------------------------
HOSTILE_SOURCES = ('Evil <Gazette> "x" onmouseover=alert(10)', "<img src=x onerror=alert(11)> Times")
HOSTILE_ARTICLES = (
    "<script>alert(1)</script> Scholz backs Hamburg wind farm <img src=x onerror=alert(2)>\n\n"
    "BERLIN – Chancellor Olaf Scholz said on Monday that the Hamburg wind farm would go ahead, "
    "with 120 turbines to be built off the coast of Cuxhaven by 2027. Read more at "
    '<a href="javascript:alert(3)">this link</a> or <div style="position:fixed;top:0;left:0;'
    'width:100%;height:100%;background:red">overlay</div>.\n\n'
    "“<script>alert(4)</script> We will not wait,” Scholz told reporters in Berlin, adding "
    "<b onmouseover=alert(5)>nothing</b> more.\n\n"
    "The project will cost 2 billion euros, according to the economy ministry in Berlin.\n\n"
    "Environment groups in Hamburg welcomed the decision but warned about the birds of the "
    "Wadden Sea.\n",
    "<svg onload=alert(6)>Germany approves Cuxhaven turbines</svg>\n\n"
    "HAMBURG – Olaf Scholz confirmed on Monday that the wind farm off Cuxhaven will be built, "
    'with 120 turbines due by 2027. <iframe src="javascript:alert(7)"></iframe> '
    "<style>body{display:none}</style>\n\n"
    "The economy ministry put the cost at 3 billion euros, <a href=# onclick=alert(8)>click</a> "
    "officials in Berlin said.\n\n"
    "“We will not wait,” the chancellor told reporters in Berlin on Monday. "
    "<img src=x onerror=alert(9)>\n\n"
    "Fishermen in Cuxhaven said they had not been consulted.\n",
)


def build_hostile_story(tmp: Path) -> tuple[Path, str]:
    """A store of one story: two articles from two outlets whose names, titles and texts
    carry markup, handlers, ``javascript:`` links and CSS; returns the store and story id."""
    db = tmp / "hostile.db"
    ids = []
    with Storyline(db) as sl:
        for n, (source, text) in enumerate(zip(HOSTILE_SOURCES, HOSTILE_ARTICLES, strict=True)):
            path = tmp / f"hostile-{n}.txt"
            path.write_text(text, encoding="utf-8")
            done = sl.ingest([str(path)], format="text", source=source,
                             published=f"2023-11-0{n + 1}")
            assert len(done.ingested) == 1, done.summary()
            ids.append(done.ingested[0])
        story = sl.article(ids[0]).story_id  # type: ignore[union-attr]
        assert story and sl.article(ids[1]).story_id == story  # type: ignore[union-attr]
    return db, story


def test_hostile_story_page_renders_inert(tmp_path: Path) -> None:
    db, sid = build_hostile_story(tmp_path)
    with TestClient(base_url="http://127.0.0.1", app=create_app(db)) as client:
        report = client.get(f"/api/stories/{sid}").json()
        html = client.get(f"/stories/{sid}").text
    assert {c["source"] for c in report["sources"]} == set(HOSTILE_SOURCES)  # stored as is
    assert report["shared_facts"], "the two outlets share facts: the table has rows"
    body = html.split("<main", 1)[1]
    for bad in ("<script>alert", "<img src=x", "<svg onload", "<iframe", "<style>body",
                'href="javascript:', "<b onmouseover", '<div style="position:fixed',
                '"x" onmouseover', "onclick=alert(8)>", "<a href=#"):
        assert bad not in body, bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "&lt;img src=x onerror=alert(11)&gt; Times" in html
    assert re.findall(r'href="([^"]*)"', body) and all(
        h.startswith(("/", "#")) for h in re.findall(r'href="([^"]*)"', body))


def test_article_and_entities(site: Site) -> None:
    r = site.client.get(f"/api/articles/{site.evil_id}")
    assert r.status_code == 200
    art = r.json()
    assert art["title"] == EVIL_TITLE  # stored as is; only the HTML is escaped
    assert isinstance(art["removed"], list) and "text" in art
    # The server's folders stay private: the file name is enough to find the input.
    assert art["origin"] == "evil.txt"
    page = site.client.get(f"/articles/{site.evil_id}").text
    assert ">evil.txt<" in page and "/evil/evil.txt" not in page
    people = site.client.get("/api/entities", params={"kind": "PERSON", "limit": 5}).json()
    assert len(people) == 5 and all(e["kind"] == "PERSON" for e in people)
    named = site.client.get("/api/entities", params={"name": "Blinken"}).json()
    assert named[0]["name"] == "Antony Blinken"
    assert site.client.get("/api/entities", params={"kind": "THING"}).status_code == 422


def test_public_origin_keeps_the_name_and_record_but_not_the_folders() -> None:
    assert web_app.public_origin("/home/ana/news/feeds/wire.xml#https://x.example/a?b=1") == (
        "wire.xml#https://x.example/a?b=1")
    assert web_app.public_origin("/srv/in/batch.jsonl#L12") == "batch.jsonl#L12"
    assert web_app.public_origin(r"C:\Users\ana\story.html") == "story.html"
    assert web_app.public_origin("https://x.example/a.html") == "https://x.example/a.html"
    assert web_app.public_origin("-") == "-"


def test_entity_page_names_its_counterparts(site: Site) -> None:
    with Storyline(site.db) as sl:
        blinken = sl.entities(name="Antony Blinken", kind="PERSON")[0]
        others = sl.counterparts(blinken.id)
        with pytest.raises(ValueError, match="no entity"):
            sl.counterparts("person:nobody-at-all")
    names = [e.name for e, _ in others]
    assert "Qin Gang" in names and "Antony Blinken" not in names
    counts = [n for _, n in others]
    assert counts == sorted(counts, reverse=True) and counts[0] <= len(blinken.articles)
    page = site.client.get(f"/entities/{blinken.id}").text
    assert "Named with" in page and "Qin Gang" in page


@pytest.mark.parametrize("url", ["/api/stories/nosuchstory", "/api/articles/ffffffffffffffff",
                                 "/api/entities?story=nosuchstory", "/api/nothing-here"])
def test_unknown_ids_are_404_json(site: Site, url: str) -> None:
    r = site.client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert isinstance(r.json()["detail"], str)


def test_unknown_pages_are_404_html(site: Site) -> None:
    for url in ("/stories/nosuchstory", "/articles/ffffffffffffffff", "/entities/person:nobody"):
        r = site.client.get(url)
        assert r.status_code == 404 and "Not found" in r.text


def test_docs_are_served_offline(site: Site) -> None:
    r = site.client.get("/docs")
    assert r.status_code == 200 and "/api/stories/{story_id}" in r.text
    assert "cdn" not in r.text.lower()
    assert site.client.get("/openapi.json").json()["paths"]["/api/health"]


def test_pages_render(site: Site) -> None:
    home = site.client.get("/")
    assert home.status_code == 200 and "Stories" in home.text
    assert "/static/style.css" in home.text and "http" not in home.text.split("<body>")[0]
    assert site.client.get("/static/style.css").status_code == 200
    sid = site.client.get("/api/stories", params={"entity": "Blinken"}).json()[0]["id"]
    story = site.client.get(f"/stories/{sid}")
    assert story.status_code == 200 and "Sources" in story.text and "Quotes" in story.text
    assert "/entities/person%3Aantony-blinken" in story.text
    entity = site.client.get("/entities/person%3Aantony-blinken")
    assert entity.status_code == 200 and "Blinkin" in entity.text  # an alias
    assert f"/stories/{sid}" in entity.text
    search = site.client.get("/", params={"q": "balloon"})
    assert search.status_code == 200 and "matching" in search.text
    bad = site.client.get("/", params={"since": "someday"})
    assert bad.status_code == 422 and "someday" in bad.text


def test_hostile_article_renders_inert(site: Site) -> None:
    for url in (f"/articles/{site.evil_id}", "/", "/?q=Scholz", "/?source=Evil+%3CGazette%3E",
                "/entities/person:olaf-scholz",
                f"/stories/{site.client.get(f'/api/articles/{site.evil_id}').json()['story_id']}"):
        html = site.client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", ""), url
        assert 'href="javascript:' not in html, url
        assert "<b onmouseover" not in html and '<div style="position:fixed' not in html, url
    page = site.client.get(f"/articles/{site.evil_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Evil &lt;Gazette&gt;" in page
    listed = site.client.get("/", params={"source": "Evil <Gazette>"}).text
    assert "1 story matching" in listed and "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
    quoted = site.client.get("/entities/person:olaf-scholz").text
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in quoted


def test_mark_text_marks_dates_with_their_value() -> None:
    text = "Talks <b>resume</b> on Friday in Oslo."
    friday = Timex(text.index("Friday"), text.index("Friday") + 6, "Friday", 0, "DATE",
                   "2024-03-15", "day", anchored=True, earliest="2024-03-15",
                   latest="2024-03-15")
    html = str(mark_text(text, [], [], [friday]))
    assert '<time class="timex" datetime="2024-03-15" title="DATE 2024-03-15">Friday</time>' \
        in html
    assert "&lt;b&gt;resume&lt;/b&gt;" in html


def test_mark_text_escapes_between_spans() -> None:
    text = 'Ann <b> said “<i>hi</i>” to Bob & co'
    ann = Mention(0, 3, "Ann", "PERSON", 0, "Ann Lee")
    bob = Mention(text.index("Bob"), text.index("Bob") + 3, "Bob", "PERSON", 0, "Bob")
    inner = Mention(text.index("<i>"), text.index("<i>") + 3, "<i>", "ORG", 0, '"><x y=')
    q = Quote(text.index("<i>"), text.index("”"), "<i>hi</i>", 0, "Ann Lee", 0, 3, "said",
              False)
    html = str(mark_text(text, [(ann, "person:ann-lee"), (bob, None), (inner, "org:x")], [q]))
    assert '<a class="ent ent-person" href="/entities/person%3Aann-lee"' in html
    assert "&lt;b&gt;" in html and "hi&lt;/i&gt;" in html and "&amp; co" in html
    assert '<mark class="quote" title="quote: Ann Lee">' in html
    assert "<i>" not in html and "<b>" not in html and '"><x' not in html
    # overlapping or out-of-range spans are dropped, never mis-nested
    wild = Mention(1, 999, "x", "PERSON", 0, "X")
    assert str(mark_text("abc", [(wild, None)], [])) .count("<span") <= 1


# -- the story list: every filter, alone and together; paging ---------------------------------
def _all_stories(site: Site) -> list[dict[str, Any]]:
    stories: list[dict[str, Any]] = site.client.get("/api/stories", params={"limit": 1000}
                                                    ).json()
    return stories


def test_stories_filter_by_source_any_case(site: Site) -> None:
    stories = _all_stories(site)
    outlet = "Atlantic Courier"
    expected = {s["id"] for s in stories if outlet in s["sources"]}
    assert len(expected) >= 2
    for name in (outlet, outlet.upper()):
        found = site.client.get("/api/stories", params={"source": name, "limit": 1000}).json()
        assert {s["id"] for s in found} == expected
    assert site.client.get("/api/stories", params={"source": "Atlantic"}).json() == []
    evil = site.client.get("/api/stories", params={"source": "Evil <Gazette>"}).json()
    assert len(evil) == 1 and evil[0]["sources"] == ["Evil <Gazette>"]


def test_stories_filter_by_language(site: Site) -> None:
    stories = _all_stories(site)
    for lang in ("de", "es", "EN"):
        found = site.client.get("/api/stories", params={"lang": lang, "limit": 1000}).json()
        assert {s["id"] for s in found} == {
            s["id"] for s in stories if lang.lower() in s["languages"]}
    assert site.client.get("/api/stories", params={"lang": "fi"}).json() == []


def test_stories_filter_by_date_range(site: Site) -> None:
    since, until = "2023-06-01", "2023-06-30"
    found = site.client.get("/api/stories", params={"since": since, "until": until}).json()
    assert len(found) >= 2
    for s in found:  # the story overlaps the range: last report after since, first before until
        assert s["last_seen"][:10] >= since and s["first_seen"][:10] <= until
    ids = {s["id"] for s in found}
    outside = [s for s in _all_stories(site) if s["id"] not in ids and s["first_seen"]]
    assert outside and all(str(s["last_seen"])[:10] < since or str(s["first_seen"])[:10] > until
                           for s in outside)
    # written dates work as on the command line
    assert {s["id"] for s in site.client.get("/api/stories", params={
        "since": "1 June 2023", "until": "June 30, 2023"}).json()} == ids
    r = site.client.get("/api/stories", params={"since": until, "until": since})
    assert r.status_code == 422 and "is after" in r.json()["detail"]


def test_stories_filter_by_entity_name_or_id(site: Site) -> None:
    with Storyline(site.db) as sl:
        blinken = sl.entities(name="Antony Blinken", kind="PERSON")[0]
    by_id = site.client.get("/api/stories", params={"entity": blinken.id}).json()
    assert {s["id"] for s in by_id} == set(blinken.stories)
    by_name = site.client.get("/api/stories", params={"entity": "Blinken"}).json()
    assert {s["id"] for s in by_name} >= {s["id"] for s in by_id}
    assert site.client.get("/api/stories", params={"entity": "person:nobody-at-all"}
                           ).json() == []
    # names with FTS syntax are phrases, not queries
    assert site.client.get("/api/stories", params={"entity": 'Blinken" OR "x'}
                           ).status_code == 200


def test_stories_filters_combine(site: Site) -> None:
    blinken = site.client.get("/api/stories", params={"entity": "Blinken"}).json()
    german = site.client.get("/api/stories", params={"entity": "Blinken", "lang": "de"}).json()
    assert german and {s["id"] for s in german} < {s["id"] for s in blinken}
    found = site.client.get("/api/stories", params={"q": "balloon", "since": "2023-06-01"}
                            ).json()
    assert all(s["last_seen"][:10] >= "2023-06-01" for s in found)
    assert site.client.get("/api/stories", params={"q": "balloon", "lang": "es"}).json() == []


def test_stories_paging_with_total(site: Site) -> None:
    everything = _all_stories(site)
    r = site.client.get("/api/stories", params={"limit": 3})
    assert r.headers["X-Total-Count"] == str(len(everything))
    pages = []
    for offset in range(0, len(everything) + 3, 3):
        page = site.client.get("/api/stories", params={"limit": 3, "offset": offset}).json()
        assert len(page) <= 3
        pages += page
    assert [s["id"] for s in pages] == [s["id"] for s in everything]
    filtered = site.client.get("/api/stories", params={"lang": "de", "limit": 1})
    assert int(filtered.headers["X-Total-Count"]) >= 1 and len(filtered.json()) == 1
    assert site.client.get("/api/stories", params={"offset": 9999}).json() == []


def test_story_list_page_filters(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    def links(html: str) -> set[str]:
        return set(re.findall(r'<h2><a href="/stories/([^"]+)"', html))

    for params in ({"source": "atlantic courier"}, {"lang": "de"},
                   {"since": "2023-06-01", "until": "2023-06-30"}, {"q": "balloon"},
                   {"entity": "Blinken", "lang": "en"}):
        api = site.client.get("/api/stories", params={**params, "limit": 1000}).json()
        page = site.client.get("/", params=params)
        assert page.status_code == 200 and "matching" in page.text, params
        assert links(page.text) == {s["id"] for s in api}, params
        for value in params.values():  # the form keeps what was asked
            assert f'value="{value}"' in page.text, params
    named = site.client.get("/", params={"entity": "person:antony-blinken"}).text
    assert 'naming <a href="/entities/person%3Aantony-blinken">Antony Blinken</a>' in named
    # the form offers the store's outlets and languages
    home = site.client.get("/").text
    assert '<option value="Atlantic Courier">' in home and '<option value="de">' in home
    assert "Evil &lt;Gazette&gt;" in home and "<Gazette>" not in home
    # paging keeps the filters
    monkeypatch.setattr(web_app, "PAGE_SIZE", 2)
    first = site.client.get("/", params={"lang": "en"}).text
    assert len(links(first)) == 2 and 'href="/?lang=en&amp;offset=2" rel="next"' in first
    second = site.client.get("/", params={"lang": "en", "offset": 2}).text
    assert not links(first) & links(second) and 'rel="prev"' in second


# -- the sparkline --------------------------------------------------------------------------
def test_sparkline_geometry() -> None:
    assert sparkline({}) is None
    one = sparkline({"2023-06-14": 3}, total=4)
    assert one is not None and len(one.bars) == 1
    x, y, w, h, tip = one.bars[0]
    assert y == 1
    assert x == 0 and w < one.width / 5 and h == one.height - 2 and tip == "2023-06-14: 3 articles"
    assert "3 articles on 2023-06-14; 1 undated" in one.label and "+1 undated" in one.caption
    spread = sparkline({"2023-06-14": 4, "2023-06-15": 1, "2023-06-18": 2})
    assert spread is not None and [b[4][:10] for b in spread.bars] == [
        "2023-06-14", "2023-06-15", "2023-06-18"]
    heights = [b[3] for b in spread.bars]
    assert heights[0] == max(heights) and heights[1] < heights[2] < heights[0]
    assert all(b[1] >= 0 and b[1] + b[3] <= spread.height for b in spread.bars)
    assert spread.bars[-1][0] > spread.bars[0][0] and "over 5 days" in spread.label
    # a long story: one bar per few days, never more than the maximum, inside the box
    year = {f"2023-{m:02d}-{d:02d}": 1 for m in range(1, 13) for d in (1, 15)}
    long = sparkline(year)
    assert long is not None and len(long.bars) <= 40
    assert all(b[0] + b[2] <= long.width + 0.01 for b in long.bars)
    assert " – " in long.bars[0][4] and "per " in long.caption
    assert sparkline({"someday": 2, "2023-13-45": 1}) is None


def test_story_list_draws_coverage_sparklines(site: Site) -> None:
    html = site.client.get("/", params={"entity": "Blinken"}).text
    svgs = re.findall(r'<svg class="spark"[^>]*aria-label="([^"]+)"', html)
    assert svgs and all(label.startswith("Coverage: ") for label in svgs)
    assert any("articles over" in label for label in svgs)
    assert re.search(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"><title>'
                     r"2023-06-1\d: \d+ articles?</title></rect>", html)
    with Storyline(site.db) as sl:
        days = sl.coverage([s["id"] for s in sl.stories(entity="Blinken")])
    assert days and all(list(d) == sorted(d) for d in days.values())


# -- entity page and API: co-occurrence, events ---------------------------------------------
def test_co_occurrences_count_articles_and_sentences(site: Site) -> None:
    with Storyline(site.db) as sl:
        blinken = sl.entities(name="Antony Blinken", kind="PERSON")[0]
        together = sl.co_occurrences(blinken.id, limit=None)
        assert [(c.entity, c.articles) for c in together[:12]] == sl.counterparts(blinken.id)
    qin = next(c for c in together if c.entity.name == "Qin Gang")
    assert 1 <= qin.articles <= len(blinken.articles) and qin.sentences >= 1
    assert any(c.sentences == 0 for c in together)  # named in the article, never together
    r = site.client.get(f"/api/entities/{blinken.id}", params={"limit": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Antony Blinken" and len(body["co_occurring"]) == 5
    assert {"entity", "articles", "sentences"} <= set(body["co_occurring"][0])
    assert body["co_occurring"][0]["entity"]["id"] != blinken.id
    missing = site.client.get("/api/entities/person:nobody-at-all")
    assert missing.status_code == 404 and "no entity" in missing.json()["detail"]


def test_events_of_an_entity(site: Site) -> None:
    with Storyline(site.db) as sl:
        blinken = sl.entities(name="Antony Blinken", kind="PERSON")[0]
    every = {"limit": 1000, "min_confidence": 0}  # the filter, not the confidence, is tested
    rows = site.client.get("/api/events", params={"entity": blinken.id, **every}).json()
    assert len(rows) >= 3
    for row in rows:
        actors = [row["event"][k]["canonical"] for k in ("source", "target") if row["event"][k]]
        assert any("Blink" in a for a in actors), actors
        assert row["article_id"] in blinken.articles
    assert site.client.get("/api/events", params={"entity": "person:nobody"}
                           ).status_code == 404
    one_story = site.client.get("/api/events", params={
        "entity": blinken.id, "story": blinken.stories[0], **every}).json()
    assert 0 < len(one_story) <= len(rows)
    assert {r["story_id"] for r in one_story} == {blinken.stories[0]}


def test_events_distinct_like_the_cli(site: Site) -> None:
    sid = site.client.get("/api/stories", params={"entity": "Blinken"}).json()[0]["id"]
    every = {"min_confidence": 0}
    distinct = site.client.get("/api/events", params={"story": sid, "distinct": True, **every})
    assert distinct.status_code == 200
    events = distinct.json()
    assert events and {"type", "reports", "articles", "independent", "sources",
                       "confidence"} <= set(events[0])
    reports = site.client.get("/api/events", params={"story": sid, "limit": 10000,
                                                     **every}).json()
    assert sum(len(e["reports"]) for e in events) == len(reports)
    # by default, the events sure enough, corroborated by all their reports
    shown = site.client.get("/api/events", params={"story": sid, "distinct": True}).json()
    assert len(shown) <= len(events)
    assert all(e["confidence"] >= default_min_confidence() for e in shown)
    for params in ({"distinct": True}, {"distinct": True, "story": sid, "type": "CONSULT"}):
        r = site.client.get("/api/events", params=params)
        assert r.status_code == 422 and "distinct" in r.json()["detail"]


def test_entity_page_lists_events_and_co_occurrence(site: Site,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    html = site.client.get("/entities/person:antony-blinken").text
    n = html.count('<li class="story-card">')
    assert n >= 2 and f"All {n} stories naming" not in html
    monkeypatch.setattr(web_app, "MAX_ENTITY_STORIES", 1)
    capped = site.client.get("/entities/person:antony-blinken").text
    assert capped.count('<li class="story-card">') == 1
    assert f'<a href="/?entity=person%3Aantony-blinken">All {n} stories naming Antony Blinken' \
        in capped
    assert 'id="h-events"' in html and 'class="story-row"' in html
    assert re.search(r'<span class="etype">(CONSULT|REQUEST)</span>', html)
    assert 'href="/entities/person%3Aqin-gang">Qin Gang</a>' in html
    assert re.search(r"\d+ articles?, \d+ sentences?", html)
    assert '<svg class="co-bar"' in html and "style=" not in html.split("<main")[1]
    with Storyline(site.db) as sl:  # an entity no event names says so
        quiet = next(e for e in sl.entities(limit=None)[::-1]
                     if not sl.events(entity=e.id, limit=1))
    assert "No events with" in site.client.get(f"/entities/{quiet.id}").text


def test_article_page_marks_and_removals(site: Site) -> None:
    with Storyline(site.db) as sl:
        blinken = sl.entities(name="Antony Blinken", kind="PERSON")[0]
        cleaned = max(sl.articles(limit=None), key=lambda a: len(a.removed))
    html = site.client.get(f"/articles/{blinken.articles[0]}").text
    assert '<a class="ent ent-person" href="/entities/person%3Aantony-blinken"' in html
    assert '<time class="timex" datetime="' in html
    assert '<mark class="quote" title="quote: ' in html
    assert re.search(r"\d+ names?, \d+ quotes?, \d+ dates? marked", html)
    page = site.client.get(f"/articles/{cleaned.id}").text
    assert f"Removed by cleaning <span class=\"n\">{len(cleaned.removed)}</span>" in page
    for reason in {r.reason for r in cleaned.removed}:
        assert f'<span class="reason">{reason} <span class="n">' in page
    assert str(escape(cleaned.removed[0].text)) in page


def test_facets(site: Site) -> None:
    with Storyline(site.db) as sl:
        facets = sl.facets()
        total = sl.counts()["articles"]
    assert dict(facets["languages"])["en"] > dict(facets["languages"])["de"] >= 1
    assert sum(n for _, n in facets["languages"]) <= total
    counts = [n for _, n in facets["sources"]]
    assert counts == sorted(counts, reverse=True) and ("Evil <Gazette>", 1) in facets["sources"]


def test_entity_cache_serves_the_last_value_while_a_changed_store_is_resolved() -> None:
    """During an ingest the store changes every few seconds: pages get the entities as of
    the last resolution while one background refresh resolves them again."""
    import threading

    from storyline.api import EntityCache

    def value(tag: str) -> tuple[list[Any], list[Any], list[str]]:
        return [], [], [tag]

    cache = EntityCache()
    cache.REFRESH_EVERY = 0.0
    assert cache.get((1,), lambda: value("v1"))[2] == ["v1"]
    assert cache.get((1,), lambda: value("never"))[2] == ["v1"]  # unchanged: cached
    release, calls = threading.Event(), []

    def refresh() -> tuple[tuple[int, ...], tuple[list[Any], list[Any], list[str]]]:
        calls.append(1)
        release.wait(5)
        return (2,), value("v2")

    def fail() -> tuple[list[Any], list[Any], list[str]]:
        raise AssertionError("no blocking compute while a value is cached")

    assert cache.get((2,), fail, refresh)[2] == ["v1"]  # stale, at once
    assert cache.get((2,), fail, refresh)[2] == ["v1"]  # one refresh at a time
    release.set()
    deadline = time.monotonic() + 5
    while cache.get((2,), fail, refresh)[2] != ["v2"]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert len(calls) == 1


# -- comparing chosen outlets of a story: the API and the story page ----------------------------
def _compared_story(site: Site) -> tuple[str, dict[str, Any]]:
    """The sample story of Blinken's visit (many outlets, a conflict): its id and report."""
    story = next(s for s in _all_stories(site) if "Blinken" in (s["headline"] or ""))
    report: dict[str, Any] = site.client.get(f"/api/stories/{story['id']}").json()
    assert len(report["sources"]) >= 3
    return story["id"], report


def _two_that_differ(report: dict[str, Any], *, opposed: bool = False,
                     drop_a_row: bool = False) -> tuple[str, str]:
    """The first two outlets (report order) each stating something the other does not (a
    translation and its original state the same); with ``opposed``, taking different
    sides in a conflict; with ``drop_a_row``, leaving a shared fact unstated (so that
    comparing them drops a row of the table)."""
    stated = {c["source"]: set(c["fact_ids"]) for c in report["sources"]}
    names = list(stated)
    shared = {f["id"] for f in report["shared_facts"]}

    def sides(a: str, b: str) -> bool:
        return any(a in v["sources"] and b not in v["sources"] for c in report["conflicts"]
                   for v in c["variants"]) and any(
            b in w["sources"] and a not in w["sources"] for c in report["conflicts"]
            for w in c["variants"])

    return next((a, b) for i, a in enumerate(names) for b in names[i + 1:]
                if stated[a] - stated[b] and stated[b] - stated[a]
                and (not opposed or sides(a, b))
                and (not drop_a_row or shared - stated[a] - stated[b]))


def _cites(citation: dict[str, Any], outlet: str) -> bool:
    """Whether a citation is from this outlet: by name, or for an article without one by
    the label the report gives it ("unknown source (<article id prefix>)")."""
    if citation["source"] is not None:
        return bool(citation["source"] == outlet)
    return outlet == f"unknown source ({citation['article_id'][:8]})"


def _side_table(html: str) -> str:
    return html.split('<table class="side matrix">', 1)[1].split("</table>", 1)[0]


def _outlet_heads(html: str) -> list[str]:
    return [unescape(x) for x in re.findall(r'<span class="outlet" data-name="([^"]*)">',
                                            _side_table(html))]


def test_compare_api(site: Site) -> None:
    sid, report = _compared_story(site)
    stated = {c["source"]: set(c["fact_ids"]) for c in report["sources"]}
    a, b = _two_that_differ(report, opposed=True)
    r = site.client.get(f"/api/stories/{sid}/compare", params={"source": [a.upper(), f" {b} "]})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"story_id", "sources", "common", "some", "only", "conflicts"}
    assert body["story_id"] == sid and body["sources"] == [a, b]  # as the report names them
    assert set(body["common"]) == stated[a] & stated[b] and body["some"] == []
    only = {o["source"]: o for o in body["only"]}
    assert set(only) == {a, b}
    assert set(only[a]["only_here"]) == stated[a] - stated[b] and only[a]["only_here"]
    assert set(only[b]["only_here"]) == stated[b] - stated[a] and only[b]["only_here"]
    assert only[a]["stated"] == len(stated[a]) and only[b]["stated"] == len(stated[b])
    assert body["conflicts"] and all(1 <= k <= len(report["conflicts"])
                                     for k in body["conflicts"])
    # three outlets: what all three state is within what two of them do
    three = site.client.get(f"/api/stories/{sid}/compare", params={
        "source": [c["source"] for c in report["sources"][:3]]}).json()
    assert len(three["only"]) == 3 and set(three["common"]) <= set(body["common"])
    assert set(three["common"]).isdisjoint(three["some"])
    # a unique prefix of the story id works, as for the report
    assert site.client.get(f"/api/stories/{sid[:8]}/compare", params={"source": [a, b]}
                           ).json() == body
    # the OpenAPI schema describes the answer
    schema = site.client.get("/openapi.json").json()
    op = schema["paths"]["/api/stories/{story_id}/compare"]["get"]
    assert op["tags"] == ["api"] and "conflicts" in op["description"]
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/Comparison")
    assert {"Comparison", "OutletFacts"} <= set(schema["components"]["schemas"])
    assert "/api/stories/{story_id}/compare" in site.client.get("/docs").text


def test_compare_api_errors(site: Site) -> None:
    sid, report = _compared_story(site)
    a = report["sources"][0]["source"]
    url = f"/api/stories/{sid}/compare"
    unknown = site.client.get(url, params={"source": [a, "Nowhere Gazette"]})
    assert unknown.status_code == 422
    assert "no outlet 'Nowhere Gazette'" in unknown.json()["detail"]
    for params in ({"source": [a]}, {"source": [a, a.lower()]}, {}):
        r = site.client.get(url, params=params)
        assert r.status_code == 422, params
        assert r.headers["content-type"].startswith("application/json")
        assert "two or more" in r.json()["detail"], params
    missing = site.client.get("/api/stories/nosuchstory/compare", params={"source": [a, a]})
    assert missing.status_code == 404 and "no story" in missing.json()["detail"]


def test_story_page_compares_chosen_outlets(site: Site) -> None:
    sid, report = _compared_story(site)
    outlets = [c["source"] for c in report["sources"]]
    a, b = _two_that_differ(report, drop_a_row=True)
    full = site.client.get(f"/stories/{sid}").text
    order = _outlet_heads(full)
    assert sorted(order) == sorted(outlets)
    assert _side_table(full).count('<th scope="col"') == 1 + len(outlets)
    # the form: a checkbox per column, in the table's order, none ticked
    assert re.findall(r'name="compare" value="([^"]*)"', full) == order
    assert " checked" not in full.split('class="compare-form"')[1].split("</form>")[0]
    assert 'id="compare"' not in full and "Show all outlets" not in full

    # asked in any order and case: the table keeps its column order
    r = site.client.get(f"/stories/{sid}", params={"compare": [b.lower(), a.upper()]})
    assert r.status_code == 200
    html = r.text
    assert _outlet_heads(html) == [o for o in order if o in (a, b)]
    table = _side_table(html)
    assert table.count('<th scope="col"') == 3  # the fact column and the two outlets
    stated = {c["source"]: set(c["fact_ids"]) for c in report["sources"]}
    rows = re.findall(r'<tr id="fact-(\d+)"', table)
    shared = [f["id"] for f in report["shared_facts"]]
    # after the shared facts, the facts one report states through copies or translations
    # that both compared outlets carry
    both = [f["id"] for f in report["single_source_facts"]
            if f["id"] in stated[a] and f["id"] in stated[b]]
    listed = shared + both
    assert [listed[int(n) - 1] for n in rows] == [f for f in shared
                                                  if f in stated[a] | stated[b]] + both
    assert len(rows) < len(listed)  # rows neither states are gone
    for row in table.split("<tr id=")[1:]:
        assert row.count("<td ") == 2 and '<td class="cell m-' in row
        assert row.count('<td class="cell m-none"') < 2  # one of them states it
    # the boxes of the compared outlets stay ticked
    assert sorted(re.findall(r'name="compare" value="([^"]*)" checked', html)) == sorted([a, b])
    assert f'href="/stories/{sid}#sources">Show all outlets</a>' in html
    assert f'action="/stories/{sid}#sources" method="get"' in html
    # the panel: what each alone states, how many both state, where they take sides
    api = site.client.get(f"/api/stories/{sid}/compare", params={"source": [a, b]}).json()
    only = {o["source"]: o["only_here"] for o in api["only"]}
    facts = {f["id"]: f for f in report["shared_facts"] + report["single_source_facts"]}
    panel = html.split('<section id="compare"', 1)[1].split("</section>", 1)[0]
    cols = panel.split('<div class="single-col only-col">')[1:]
    assert len(cols) == 2
    for outlet, col in zip((o for o in order if o in (a, b)), cols, strict=True):
        assert (f"<h4>Only in {escape(outlet)} <span class=\"dim\">(of the compared outlets)"
                f"</span> <span class=\"n\">{len(only[outlet])}</span></h4>") in col
        # each fact in this outlet's own words (a shared fact's text may be another's)
        for fid in only[outlet]:
            own = sorted((c for c in facts[fid]["citations"] if _cites(c, outlet)),
                         key=lambda c: c["copy_of"] is not None)
            assert own, fid
            assert str(escape(" ".join(own[0]["text"].split()))) in col, fid
        # the links cite this outlet's own articles
        titles = re.findall(r'<a class="cite[^"]*" href="/articles/[^"]+" title="([^"]*)"', col)
        assert titles and all(t.startswith(f"{outlet}, ") for t in titles)
    n = len(api["common"])
    assert f"<strong>{n}</strong> fact{'s' if n != 1 else ''} stated by all compared outlets" \
        in panel
    for k in api["conflicts"]:
        assert f'href="#conflict-{k}"' in panel and f'id="conflict-{k}"' in html
    # the table of contents: the table's rows, and the comparison
    assert f'href="#sources">Sources side by side <span class="n">{len(rows)}</span>' in html
    assert 'href="#compare">Compared outlets <span class="n">2</span>' in html
    for anchor in re.findall(r'<nav class="toc".*?</nav>', html, re.S)[0].split('href="#')[1:]:
        assert f'id="{anchor.split(chr(34))[0]}"' in html
    # a conflict links only to rows the table still shows
    for target in re.findall(r'<a href="#fact-(\d+)">', html):
        assert target in rows


def test_story_page_wrong_compare_is_a_message(site: Site) -> None:
    sid, report = _compared_story(site)
    outlets = [c["source"] for c in report["sources"]]
    a = outlets[0]
    for params, said in (({"compare": [a, "Nowhere Gazette"]}, "no outlet 'Nowhere Gazette'"),
                         ({"compare": [a]}, "two or more"),
                         ({"compare": [a, a.upper()]}, "two or more")):
        r = site.client.get(f"/stories/{sid}", params=params)
        assert r.status_code == 200, params
        alert = re.findall(r'<p class="error[^"]*" role="alert">(.*?)</p>', r.text)
        assert len(alert) == 1 and said in unescape(alert[0]), (params, alert)
        # the page is whole: every column, every section, and the form to try again
        assert len(_outlet_heads(r.text)) == len(outlets)
        assert 'class="compare-form"' in r.text and 'id="conflicts"' in r.text
        assert 'id="compare"' not in r.text and 'href="#compare"' not in r.text
        # the outlet that was recognised stays ticked
        assert re.findall(r'name="compare" value="([^"]*)" checked', r.text) == [a]
    # an empty choice is no choice
    blank = site.client.get(f"/stories/{sid}", params={"compare": ["", " "]}).text
    assert 'role="alert"' not in blank and len(_outlet_heads(blank)) == len(outlets)


def test_story_page_compare_escapes_what_it_is_given(site: Site, tmp_path: Path) -> None:
    sid, _ = _compared_story(site)
    evil = ['<script>alert(1)</script>', '"><img src=x onerror=alert(12)>']
    html = site.client.get(f"/stories/{sid}", params={"compare": evil}).text
    main = html.split("<main", 1)[1]
    assert "<script>alert(1)" not in main and "<img src=x onerror=alert(12)>" not in main
    alert = re.findall(r'role="alert">(.*?)</p>', main)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alert
    assert "&#34;&gt;&lt;img src=x onerror=alert(12)&gt;" in alert
    # a story whose outlets' names are markup: compared, shown as text
    db, hostile = build_hostile_story(tmp_path)
    with TestClient(base_url="http://127.0.0.1", app=create_app(db)) as client:
        page = client.get(f"/stories/{hostile}", params={"compare": list(HOSTILE_SOURCES)})
        api = client.get(f"/api/stories/{hostile}/compare",
                         params={"source": list(HOSTILE_SOURCES)})
    assert page.status_code == 200 and api.status_code == 200
    assert sorted(api.json()["sources"]) == sorted(HOSTILE_SOURCES)
    body = page.text.split("<main", 1)[1]
    assert 'id="compare"' in body
    for name in HOSTILE_SOURCES:
        assert f'value="{escape(name)}" checked' in body  # sent back exactly, escaped
        assert f"Only in {escape(name)} " in body
    for bad in ("<img src=x", '"x" onmouseover', "<script>alert", 'href="javascript:'):
        assert bad not in body, bad
    assert all(h.startswith(("/", "#")) for h in re.findall(r'href="([^"]*)"', body))

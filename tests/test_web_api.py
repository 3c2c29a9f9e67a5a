"""The HTTP API and the server-rendered pages, through FastAPI's TestClient."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's note about httpx versions is not ours to fix
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import PARAGRAPHS
from storyline import Storyline
from storyline.extract.types import Mention, Quote, Timex
from storyline.interfaces.cli import sample_corpus
from storyline.interfaces.web.app import create_app, mark_text

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
    db: Path
    evil_id: str
    client: TestClient


def build_store(tmp: Path) -> tuple[Path, str]:
    """The sample corpus plus one hostile article; returns the store and that article's id."""
    evil = tmp / "evil" / "evil.txt"
    evil.parent.mkdir(parents=True)
    body = "\n\n".join([EVIL_BODY, *PARAGRAPHS])
    evil.write_text(f"{EVIL_TITLE}\n\n{body}\n", encoding="utf-8")
    db = tmp / "web.db"
    with Storyline(db) as sl:
        sl.ingest([str(sample_corpus())])
        report = sl.ingest([str(evil)], format="text", source="Evil <Gazette>",
                           published="2023-11-01")
    assert len(report.ingested) == 1, report.summary()
    return db, report.ingested[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db, evil_id = build_store(tmp_path_factory.mktemp("web"))
    with TestClient(create_app(db)) as client:
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


def test_story_detail(site: Site) -> None:
    sid = site.client.get("/api/stories", params={"entity": "Blinken"}).json()[0]["id"]
    r = site.client.get(f"/api/stories/{sid}")
    assert r.status_code == 200
    story = r.json()
    assert story["id"] == sid
    assert len(story["articles"]) == story["article_count"]
    assert "text" not in story["articles"][0]
    assert any(e["name"] == "Antony Blinken" for e in story["entities"])
    assert story["quotes"] and {"speaker", "text", "article_id", "start", "end"} <= set(
        story["quotes"][0])
    assert isinstance(story["copy_groups"], list)
    # a unique prefix works too
    assert site.client.get(f"/api/stories/{sid[:8]}").json()["id"] == sid


def test_article_and_entities(site: Site) -> None:
    r = site.client.get(f"/api/articles/{site.evil_id}")
    assert r.status_code == 200
    art = r.json()
    assert art["title"] == EVIL_TITLE  # stored as is; only the HTML is escaped
    assert isinstance(art["removed"], list) and "text" in art
    people = site.client.get("/api/entities", params={"kind": "PERSON", "limit": 5}).json()
    assert len(people) == 5 and all(e["kind"] == "PERSON" for e in people)
    named = site.client.get("/api/entities", params={"name": "Blinken"}).json()
    assert named[0]["name"] == "Antony Blinken"
    assert site.client.get("/api/entities", params={"kind": "THING"}).status_code == 422


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
    for url in (f"/articles/{site.evil_id}", "/", "/?q=Scholz",
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

"""The story list: one listing rule (filters, order, paging, count) for the CLI, the API
and the web, and the digests (badges and source counts) that agree with the story page."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BACKENDS, html_page, store_location
from storyline import Storyline
from storyline.analyse import report as report_module
from storyline.analyse.digest import StoryDigest, digest
from storyline.interfaces.cli import sample_corpus
from storyline.store.migrations import SCHEMA_VERSION

DIGEST_KEYS = {"source_count", "independent_sources", "conflicts", "shared_facts",
               "disputed", "single_source"}


@pytest.fixture(scope="module", params=BACKENDS)
def listed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Storyline]:
    """The sample corpus (dated and undated stories, several languages), on each backend."""
    tmp = tmp_path_factory.mktemp("list")
    with Storyline(store_location(request, request.param, tmp, "list")) as sl:
        sl.ingest([sample_corpus()], workers=1)
        yield sl


def _newest_first(rows: list[dict[str, Any]]) -> list[str]:
    """The documented order, computed here: newest last report, then newest first report,
    undated last, then id."""
    ordered = sorted(rows, key=lambda s: s["id"])
    ordered.sort(key=lambda s: s["first_seen"] or "", reverse=True)
    ordered.sort(key=lambda s: s["last_seen"] or "", reverse=True)
    return [s["id"] for s in ordered]


def test_one_order_paging_and_count(listed: Storyline) -> None:
    everything = listed.stories(limit=None)
    assert len(everything) == listed.count_stories() >= 10
    assert [s["id"] for s in everything] == _newest_first(everything)
    undated = [k for k, s in enumerate(everything) if not s["last_seen"]]
    assert undated and undated == list(range(len(everything) - len(undated), len(everything)))
    pages = [listed.stories(limit=4, offset=k) for k in range(0, len(everything) + 4, 4)]
    assert [s["id"] for page in pages for s in page] == [s["id"] for s in everything]
    assert all(len(p) == 4 for p in pages[:len(everything) // 4])
    assert listed.stories(limit=None, offset=3) == everything[3:]
    assert listed.stories(limit=0) == []


def test_every_filter_in_one_place(listed: Storyline) -> None:
    everything = listed.stories(limit=None)

    def check(expected: list[dict[str, Any]], **filters: Any) -> None:
        got = listed.stories(limit=None, **filters)
        assert [s["id"] for s in got] == [s["id"] for s in expected], filters
        assert listed.count_stories(**filters) == len(expected), filters

    since, until = "2023-06-10", "2023-09-11"
    window = [s for s in everything
              if (s["last_seen"] or "") >= since and (s["first_seen"] or "")[:10] <= until]
    assert 0 < len(window) < len(everything)
    check(window, since=since, until=until)
    check([s for s in everything if (s["last_seen"] or "") >= since], since="10 June 2023")
    outlet = max((o for s in everything for o in s["sources"]),
                 key=lambda o: sum(o in s["sources"] for s in everything))
    check([s for s in everything if outlet in s["sources"]], source=outlet.upper())
    check([s for s in everything if "de" in s["languages"]], lang="DE")
    assert any("de" in s["languages"] for s in everything)
    by_phrase = listed.stories(entity="Blinken", limit=None)
    blinken = next(e for e in listed.entities(name="Blinken", limit=None)
                   if e.id.startswith("person:"))
    check([s for s in everything if s["id"] in set(blinken.stories)], entity=blinken.id)
    assert by_phrase and {s["id"] for s in by_phrase} >= set(blinken.stories)
    check([], entity="person:nobody-of-that-name")
    balloon = listed.stories(query="balloon", limit=None)
    assert balloon and [s["id"] for s in balloon] == [
        s["id"] for s in everything if s["id"] in {b["id"] for b in balloon}]
    # filters together, paged
    both = [s for s in everything if outlet in s["sources"] and (s["last_seen"] or "") >= since]
    check(both, source=outlet, since=since)
    assert listed.stories(source=outlet, since=since, limit=1, offset=1) == both[1:2]


@pytest.mark.parametrize(("filters", "message"), [
    ({"since": "2023-07-01", "until": "2023-06-01"},
     "since (2023-07-01) is after until (2023-06-01)"),
    ({"since": "not a date"}, "not a date"),
    ({"lang": "english!"}, "language must be a code"),
])
def test_bad_filters_are_one_clear_error(listed: Storyline, filters: dict[str, str],
                                          message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        listed.stories(**filters)
    with pytest.raises(ValueError):
        listed.count_stories(**filters)


def test_digests_agree_with_the_reports(listed: Storyline) -> None:
    rows = listed.stories(limit=None, digests=True)
    digests = listed.digests([s["id"] for s in rows] + ["s-no-such-story"])
    assert set(digests) == {s["id"] for s in rows}
    kinds = set()
    for row in rows:
        report = listed.report(row["id"])
        d = digests[row["id"]]
        assert d == digest(report)
        assert (d.sources, d.independent_sources, d.conflicts, d.shared_facts) == (
            len(report.sources), report.independent_sources, len(report.conflicts),
            len(report.shared_facts))
        assert {k: row[k] for k in DIGEST_KEYS} == d.to_dict()
        assert row["disputed"] == (len(report.conflicts) > 0)
        assert row["single_source"] == (report.independent_sources <= 1)
        assert row["source_count"] >= max(1, len(row["sources"]))
        kinds.add((d.disputed, d.single_source))
    assert {(True, False), (False, True)} <= kinds, "the sample has both kinds"
    undated = [s for s in rows if not s["last_seen"]]
    assert undated and all(s["source_count"] >= 1 for s in undated)
    assert all(not DIGEST_KEYS & set(s) for s in listed.stories(limit=3))


def test_digest_rule_is_pure() -> None:
    d = StoryDigest("s1", sources=3, independent_sources=1, conflicts=0, shared_facts=2)
    assert d.single_source and not d.disputed
    assert StoryDigest("s2", 2, 2, 1, 0).disputed
    assert not StoryDigest("s2", 2, 2, 1, 0).single_source


# -- the digest cache ------------------------------------------------------------------------
BRIDGE = [
    "VELMORA – The old river bridge in Velmora was closed on Monday after engineers found "
    "cracks in two of its supporting piers, the city council said.",
    "Mayor Ilse Brandvik said the crossing would stay shut for at least three weeks while "
    "inspectors from the regional transport agency examine the structure.",
    "Commuters faced long detours through the northern ring road, and ferry operators "
    "added extra crossings to carry foot passengers across the Velmora river.",
]
BRIDGE_TOO = [
    "VELMORA – Engineers closed Velmora's river bridge on Monday, saying cracks had opened "
    "in two piers that carry the span, according to the city council.",
    "The regional transport agency will inspect the bridge for three weeks, Mayor Ilse "
    "Brandvik told a news conference, and the crossing stays shut meanwhile.",
    "Ferries across the Velmora river ran extra trips as drivers queued on the northern "
    "ring road.",
]


def _page(folder: Path, name: str, paragraphs: list[str], site: str, day: str) -> Path:
    path = folder / f"{name}.html"
    path.write_text(html_page(paragraphs[0][10:70], paragraphs=paragraphs, site=site,
                              published=f"{day}T08:00:00Z",
                              url=f"https://{name}.example/bridge"), encoding="utf-8")
    return path


class Reports:
    """Counts the story reports built (each digest that is not reused costs one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built = 0
        real = report_module.build_report

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.built += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(report_module, "build_report", counting)


def _bridge_story(sl: Storyline, tmp_path: Path) -> str:
    folder = tmp_path / "in"
    folder.mkdir()
    _page(folder, "north-post", BRIDGE, "North Post", "2023-03-06")
    _page(folder, "river-times", BRIDGE_TOO, "River Times", "2023-03-07")
    sl.ingest([folder], workers=1)
    [story] = sl.stories(limit=None)
    assert story["article_count"] == 2
    return str(story["id"])


def test_a_digest_is_reused_then_refreshed_when_the_story_grows(
        sl: Storyline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = _bridge_story(sl, tmp_path)
    reports = Reports(monkeypatch)
    first = sl.digests([sid])[sid]
    assert reports.built == 1 and first.sources == 2 == first.independent_sources
    assert sl.stories(digests=True)[0]["source_count"] == 2
    assert sl.digests([sid]) == {sid: first} and reports.built == 1  # stored, reused
    # A retouched copy from a third outlet joins the story: the digest is stale.
    copy = [BRIDGE[0].replace("Monday", "Monday morning"), *BRIDGE[1:]]
    _page(tmp_path, "coast-wire", copy, "Coast Wire", "2023-03-08")
    sl.ingest([tmp_path / "coast-wire.html"], workers=1)
    assert sl.story(sid)["article_count"] == 3  # type: ignore[index]
    grown = sl.digests([sid])[sid]
    assert reports.built == 2
    assert grown == digest(sl.report(sid)) and grown.sources == 3
    assert grown.independent_sources == 2  # the copy counts once
    assert reports.built == 3
    sl.digests([sid])
    assert reports.built == 3  # the report wrote the digest


def test_a_list_that_must_not_wait_builds_no_report(
        sl: Storyline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web list asks for stored digests only: a story of hundreds of articles takes
    many seconds to report, so a missing digest is null, not a wait."""
    sid = _bridge_story(sl, tmp_path)
    reports = Reports(monkeypatch)
    (row,) = sl.stories(digests=True, compute_digests=False)
    assert reports.built == 0 and row["source_count"] is None and row["disputed"] is None
    assert sl.digests([sid], compute=False) == {}
    sl.digests([sid])  # built once (the server does it in the background) …
    (row,) = sl.stories(digests=True, compute_digests=False)
    assert reports.built == 1 and row["source_count"] == 2  # … then listed from the store


def test_a_report_writes_the_digest_only_for_the_default_analysis(
        sl: Storyline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = _bridge_story(sl, tmp_path)
    reports = Reports(monkeypatch)
    sl.report(sid, embeddings=None, min_confidence=0.0)
    sl.digests([sid])
    assert reports.built == 2  # another analysis's counts are not the list's
    sl.digests([sid])
    sl.report(sid)
    sl.digests([sid])
    assert reports.built == 3


def test_a_store_that_cannot_be_written_still_lists(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "ro.db"
    with Storyline(db) as sl:
        sid = _bridge_story(sl, tmp_path)
    # Another writer holds the store: the digest is computed, not stored, and not waited on.
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Storyline(db) as sl:
            [row] = sl.stories(digests=True)
            assert row["source_count"] == 2 and not row["single_source"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # A read-only connection (as a read-only file gives; root ignores file modes, so the
    # connection is made read-only instead).
    with Storyline(db) as sl:
        sl.store._db.execute("PRAGMA query_only = ON")  # type: ignore[attr-defined]
        assert sl.stories(digests=True)[0]["independent_sources"] == 2
        assert sl.report(sid).independent_sources == 2
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM story_digests").fetchone()[0] == 0
    # Inside a snapshot, the same: nothing is written, the counts are there.
    with Storyline(db) as sl, sl.snapshot():
        assert sl.stories(digests=True)[0]["source_count"] == 2
    with Storyline(db) as sl:
        reports = Reports(monkeypatch)
        sl.digests([sid])
        sl.digests([sid])
        assert reports.built == 1
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM story_digests").fetchone()[0] == 1


def _downgrade(where: str | Path) -> None:
    """Make a store look as schema version 10 left it (before digests)."""
    undo = ["DROP INDEX stories_newest", "DROP TABLE story_digests"]
    if isinstance(where, Path):
        with sqlite3.connect(where, isolation_level=None) as con:
            for statement in undo:
                con.execute(statement)
            con.execute("PRAGMA user_version = 10")
        return
    import psycopg

    with psycopg.connect(where, autocommit=True) as con:
        for statement in undo:
            con.execute(statement)
        con.execute("UPDATE storyline_state SET schema_version = 10")


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_from_the_previous_schema(request: pytest.FixtureRequest, tmp_path: Path,
                                            backend: str) -> None:
    assert SCHEMA_VERSION == 11
    where = store_location(request, backend, tmp_path)
    with Storyline(where) as sl:
        sid = _bridge_story(sl, tmp_path)
        before = sl.stories(limit=None)
    _downgrade(where)
    with Storyline(where) as sl:
        assert sl.store.schema_version == SCHEMA_VERSION
        assert sl.stories(limit=None) == before
        assert sl.digests([sid])[sid].sources == 2
        assert sl.store.stories.digests([sid])[sid][2].sources == 2  # stored


def test_a_merged_story_leaves_no_digest(tmp_path: Path) -> None:
    with Storyline(tmp_path / "m.db") as sl:
        folder = tmp_path / "in"
        folder.mkdir()
        _page(folder, "north-post", BRIDGE, "North Post", "2023-03-06")
        (folder / "other.txt").write_text(
            "Central bank holds rates\n\nThe central bank of Ostrava held its main rate at "
            "four percent on Thursday, citing slowing inflation and weak factory orders.\n")
        sl.ingest([folder], workers=1)
        a, b = (s["id"] for s in sl.stories(limit=None))
        sl.digests([a, b])
        kept = sl.merge(a, b)
        gone = b if kept == a else a
        assert gone not in sl.store.stories.digests([a, b])
        merged = sl.digests([kept])[kept]
        assert merged.sources == 2 and sl.count_stories() == 1


# -- the web list ----------------------------------------------------------------------------
def _client(sl: Storyline) -> Any:
    import warnings

    pytest.importorskip("httpx")
    with warnings.catch_warnings():  # starlette's note about httpx versions
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from storyline.interfaces.web.app import create_app

    return TestClient(base_url="http://127.0.0.1", app=create_app(sl.db_path))


def _text(html: str) -> str:
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_web_list_says_what_the_story_page_says(listed: Storyline) -> None:
    import re

    pytest.importorskip("fastapi")
    with _client(listed) as client:
        api = client.get("/api/stories", params={"limit": 5, "offset": 2})
        assert api.status_code == 200
        assert int(api.headers["X-Total-Count"]) == listed.count_stories()
        rows = listed.stories(limit=5, offset=2, digests=True)
        assert [{k: s[k] for k in DIGEST_KEYS - {"shared_facts"}} for s in api.json()] == [
            {k: s[k] for k in DIGEST_KEYS - {"shared_facts"}} for s in rows]
        bad = client.get("/api/stories", params={"since": "2023-09-01", "until": "2023-06-01"})
        assert bad.status_code == 422 and "is after until" in bad.json()["detail"]

        index = client.get("/").text
        cards = re.findall(r'<li class="story-card.*?</li>', index, re.S)
        assert len(cards) == listed.count_stories()
        seen = set()
        for card, row in zip(cards, listed.stories(limit=None, digests=True), strict=True):
            assert f'href="/stories/{row["id"]}"' in card
            page = _text(client.get(f"/stories/{row['id']}").text)
            said = re.search(r"(\d+) sources?, (\d+) independent", page)
            assert said is not None
            assert f"{said[1]} source{'s' if said[1] != '1' else ''}, {said[2]} independent" \
                in _text(card)
            assert (f'href="/stories/{row["id"]}#conflicts"' in card) == row["disputed"]
            assert ('class="badge single-source"' in card) == row["single_source"]
            if row["disputed"]:
                assert re.search(rf"Conflicts {row['conflicts']}\b", page)
            seen.add((row["disputed"], row["single_source"], row["last_seen"] is None))
        assert any(d for d, _, _ in seen) and any(s for _, s, _ in seen)
        assert any(u for _, _, u in seen), "an undated story is listed, with its sources"
        assert "0 sources" not in _text(index)
        # the filter hints can never be taken for filters in use
        for example in ('placeholder="en"', 'placeholder="2023', "2023-06-01", "2023-12-31"):
            assert example not in index
        paged = client.get("/", params={"offset": 3}).text
        assert re.findall(r'<li class="story-card.*?</li>', paged, re.S) == cards[3:]


def test_the_list_on_a_phone_has_no_sideways_scroll(listed: Storyline) -> None:
    import os
    import socket
    import threading
    import time

    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail("the browser check needs /usr/bin/chromium in CI")
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    from storyline.interfaces.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(listed.db_path), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--headless", "--disable-gpu"])
            try:
                for width in (390, 1366):
                    page = browser.new_page(viewport={"width": width, "height": 844})
                    page.goto(f"http://127.0.0.1:{port}/")
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    assert wide <= width, f"{wide} px wide at {width} px"
                    badge = page.locator("a.badge.disputed").first
                    box = badge.bounding_box()
                    assert box is not None and box["x"] + box["width"] <= width
                    assert page.locator(".badge.single-source").count() >= 1
                    badge.click()
                    page.wait_for_url("**/stories/*#conflicts")
                    assert page.locator("#conflicts").is_visible()
                    page.close()
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(10)

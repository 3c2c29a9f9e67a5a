"""The web UI in a real browser: Playwright driving Debian's Chromium.

Skipped when Playwright or /usr/bin/chromium is missing (``apt-get install chromium``), except
in CI (``CI=true``), where a missing browser is an error.
Screenshots of the main pages go to a temporary folder, or to ``docs/screenshots/`` when
``STORYLINE_SCREENSHOTS=1`` (to refresh the ones kept in the repository).
"""

from __future__ import annotations

import json
import os
import re
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    # a real browser is part of CI (.ci/run installs it): there a missing one is a failure
    if os.environ.get("CI", "").strip().lower() in ("true", "1"):
        raise RuntimeError("the browser tests need /usr/bin/chromium in CI")
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from storyline.interfaces.web.app import create_app  # noqa: E402
from test_web_api import EVIL_TITLE, build_hostile_story, build_store  # noqa: E402

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = (Path(__file__).resolve().parent.parent / "docs" / "screenshots"
         if os.environ.get("STORYLINE_SCREENSHOTS") == "1"
         else Path(tempfile.gettempdir()) / "storyline-screenshots")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db, evil_id = build_store(tmp_path_factory.mktemp("browser"))
    port = free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", evil_id
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_browse_search_story_entity(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Stories"
    assert page.locator("li.story-card").count() > 5
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "story-list.png"), full_page=False)

    # search with the keyboard: "/" focuses the search box
    page.keyboard.press("/")
    page.keyboard.type("Blinken")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=Blinken**")
    cards = page.locator("li.story-card")
    assert cards.count() >= 1
    cards.first.locator("a").first.click()
    page.wait_for_url("**/stories/**")
    assert page.locator("h2#h-sources").is_visible()
    assert page.locator("table.side thead th").count() >= 3  # the fact column and 2+ outlets
    assert page.locator(".speaker blockquote").count() >= 1
    events = page.locator("table.events tbody tr")
    assert events.count() >= 3  # the visit, the talks, the called-off trip …
    assert page.locator("table.events .badge-planned, table.events .badge-negated").count() >= 1
    marks = page.locator("figure.timeline a.mark")
    assert marks.count() >= 3  # the timeline draws the story's dated events
    marks.first.focus()  # keyboard-reachable, with its details
    assert "source" in page.locator("figure.timeline a.mark title").first.text_content()

    page.get_by_role("link", name="Antony Blinken", exact=True).first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith("Antony Blinken")
    assert "Blinkin" in page.locator("aside").inner_text()
    assert page.locator("li.story-card").count() >= 1
    # every request stayed on this server (no CDN)
    assert requests and all(u.startswith(base) for u in requests)
    page.close()


def _no_sideways_scroll(page: object) -> bool:
    return bool(page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _blinken(page: object, base: str) -> dict[str, object]:
    found = page.request.get(  # type: ignore[attr-defined]
        base + "/api/entities", params={"name": "Antony Blinken", "kind": "PERSON"}).json()
    return found[0]  # type: ignore[no-any-return]


def test_article_page_marks(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base + "/entities/" + str(_blinken(page, base)["id"]))
    page.locator("blockquote footer a").last.click()  # an article that quotes him
    page.wait_for_url("**/articles/**")
    text = page.locator("article.text")
    assert text.locator("a.ent").count() > 3
    assert text.locator("a.ent-person").count() >= 1
    assert text.locator("time.timex[datetime]").count() >= 1  # dates, with their value
    assert text.locator("mark.quote").count() >= 1  # quotes
    assert "quote" in (text.locator("mark.quote").first.get_attribute("title") or "")
    assert page.locator("h2", has_text="Removed by cleaning").is_visible()
    assert "marked" in page.locator("p.legend").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "article-page.png"), full_page=False)
    # an entity mark is a link to that entity's page
    name = text.locator("a.ent-person").first.get_attribute("title") or ""
    text.locator("a.ent-person").first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith(name.split(" (")[0])
    page.close()


def test_story_list_search_and_filters(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base + "/")
    everything = page.locator("li.story-card").count()
    sparks = page.locator("li.story-card svg.spark")
    assert sparks.count() >= 5 and sparks.first.is_visible()
    assert (sparks.first.get_attribute("aria-label") or "").startswith("Coverage: ")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "story-list.png"), full_page=False)

    # words and a language, through the form
    page.fill("#f-q", "Blinken")
    page.fill("#f-lang", "de")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**lang=de**")
    cards = page.locator("li.story-card")
    assert 1 <= cards.count() < everything
    for i in range(cards.count()):
        assert "de" in cards.nth(i).locator(".meta").inner_text()
    assert page.locator("#f-q").input_value() == "Blinken"  # the form keeps the filters

    # an outlet, from the list the form offers
    page.goto(base + "/")
    assert page.locator("datalist#all-sources option[value='Atlantic Courier']").count() == 1
    page.fill("#f-source", "Atlantic Courier")
    page.press("#f-source", "Enter")
    page.wait_for_url("**source=Atlantic**")
    cards = page.locator("li.story-card")
    assert cards.count() >= 2
    for i in range(cards.count()):
        assert "Atlantic Courier" in cards.nth(i).locator(".sources").inner_text()

    # a date range
    page.fill("#f-source", "")
    page.fill("#f-since", "2023-06-01")
    page.fill("#f-until", "2023-06-30")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**until=2023-06-30**")
    spans = page.locator("li.story-card .span").all_inner_texts()
    assert spans
    for span in spans:
        first, _, last = span.partition(" → ")
        assert (last or first) >= "2023-06-01" and first <= "2023-06-30", span
    # a bad date is a message, not a crash
    page.fill("#f-since", "someday")
    page.get_by_role("button", name="Find").click()
    assert "someday" in page.locator("p.error[role=alert]").inner_text()
    page.get_by_role("link", name="Clear").click()
    page.wait_for_url(base + "/")
    assert page.locator("li.story-card").count() == everything
    page.close()


def test_entity_page_co_occurrence(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base + "/?entity=" + str(_blinken(page, base)["id"]))
    page.locator("p.count a").click()  # "naming Antony Blinken"
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith("Antony Blinken")
    together = page.locator("ul.counterparts li")
    assert together.count() >= 5
    assert "Qin Gang" in page.locator("ul.counterparts").inner_text()
    first = together.first.inner_text()
    assert "article" in first and "sentence" in first
    assert page.locator("ul.counterparts svg.co-bar").count() == together.count()
    # the events shown by default (above the confidence threshold) name him
    assert page.locator("table.entity-events tbody tr:not(.story-row)").count() >= 1
    assert page.locator("li.story-card").count() >= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "entity-page.png"), full_page=False)
    page.locator("ul.counterparts a", has_text="Qin Gang").click()
    page.wait_for_url("**/entities/person%3Aqin-gang")
    assert page.locator("h1").inner_text().startswith("Qin Gang")
    assert "Antony Blinken" in page.locator("ul.counterparts").inner_text()
    page.close()


def test_keyboard_navigation(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(base + "/")

    def focused() -> dict[str, str]:
        return page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, id: e.id, cls: e.className || '', href: e.getAttribute('href') || '',
                    outline: s.outlineStyle, width: s.outlineWidth,
                    inCard: String(!!e.closest('li.story-card')),
                    left: String(e.getBoundingClientRect().left)}; }""")

    # the first Tab shows the skip link; Enter jumps to the content
    page.keyboard.press("Tab")
    skip = focused()
    assert skip["cls"] == "skip" and float(skip["left"]) >= 0
    assert skip["outline"] != "none" and skip["width"] != "0px"
    page.keyboard.press("Enter")
    # the jump is asynchronous: on a busy machine it lands after press() returns
    page.wait_for_function("location.hash === '#main' && document.activeElement.id === 'main'",
                           timeout=10_000)
    assert page.url.endswith("#main") and focused()["id"] == "main"
    # from the content, Tab reaches the search box, then on to the first story
    page.keyboard.press("Tab")
    box = focused()
    assert box["id"] == "f-q" and box["outline"] != "none"
    for _ in range(12):
        page.keyboard.press("Tab")
        if focused()["inCard"] == "true":
            break
    story = focused()
    assert story["tag"] == "A" and story["href"].startswith("/stories/")
    assert story["outline"] != "none" and story["width"] != "0px"  # focus visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/**")

    # the header's search box is reachable too: skip link, brand, search
    page.goto(base + "/")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused()["id"] == "top-q"
    page.keyboard.type("balloon")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=balloon")
    assert page.locator("li.story-card").count() >= 1
    page.close()


def test_phone_width_has_no_sideways_scrolling(server: tuple[str, str], browser: object
                                               ) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    blinken = _blinken(page, base)
    articles = blinken["articles"]
    assert isinstance(articles, list)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for url, shot in (("/", "story-list-phone.png"),
                      ("/?q=Blinken&lang=de&since=2023-06-01", None),
                      (f"/entities/{blinken['id']}", "entity-page-phone.png"),
                      (f"/articles/{articles[0]}", "article-page-phone.png")):
        page.goto(base + url)
        assert _no_sideways_scroll(page), url
        if shot:
            page.screenshot(path=str(SHOTS / shot), full_page=False)
    page.goto(base + f"/entities/{blinken['id']}#h-with")  # one column: "Named with" last
    assert page.locator("ul.counterparts").is_visible()
    page.screenshot(path=str(SHOTS / "entity-named-with-phone.png"), full_page=False)
    page.close()


def test_hostile_article_is_inert(server: tuple[str, str], browser: object) -> None:
    base, evil_id = server
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in (f"/articles/{evil_id}", "/?q=Scholz", "/?source=Evil%20%3CGazette%3E",
                "/entities/person:olaf-scholz"):
        page.goto(base + url)
        page.wait_for_load_state("load")
    page.goto(base + f"/articles/{evil_id}")
    assert page.locator("h1").inner_text().startswith(EVIL_TITLE)
    assert page.locator("article.text script, article.text img, h1 img, a[href^=javascript]"
                        ).count() == 0
    text = page.locator("article.text").inner_text()
    assert '<a href="javascript:alert(3)">' in text and "<script>alert(4)</script>" in text
    # hover and click everything that might carry a handler
    page.locator("article.text").hover()
    page.wait_for_timeout(200)
    page.screenshot(path=str(SHOTS / "hostile-article.png"), full_page=False)
    assert dialogs == []
    page.close()


# -- the story page ------------------------------------------------------------------------
def _serve(db: Path) -> Iterator[str]:
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def hostile_story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db, story_id = build_hostile_story(tmp_path_factory.mktemp("hostile-story"))
    for base in _serve(db):
        yield base, story_id


def _open_blinken_story(page: object, base: str) -> None:
    """From the story list, search and open the story of Blinken's visit."""
    page.goto(base + "/")  # type: ignore[attr-defined]
    page.fill("#top-q", "Blinken Beijing")  # type: ignore[attr-defined]
    page.press("#top-q", "Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/?q=Blinken**")  # type: ignore[attr-defined]
    page.locator("li.story-card a[href^='/stories/']").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/stories/**")  # type: ignore[attr-defined]


def test_story_page_reads_the_report(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _open_blinken_story(page, base)
    assert "Blinken" in page.locator("h1").inner_text()
    meta = page.locator(".story-meta").inner_text()
    assert "articles" in meta and "independent" in meta and "de" in meta

    # the in-page table of contents leads to each section
    toc = page.locator("nav.toc a")
    assert toc.count() >= 9
    page.locator("nav.toc a[href='#conflicts']").click()
    assert page.url.endswith("#conflicts") and page.locator("#h-conflicts").is_visible()

    # the summary: each sentence cites its article, the outlet named on the link
    cites = page.locator("#summary ol.summary li a.cite")
    assert cites.count() == page.locator("#summary ol.summary li").count() >= 2
    first = cites.first
    assert (first.get_attribute("href") or "").startswith("/articles/")
    assert first.inner_text() in (first.get_attribute("title") or "")  # outlet, date …

    # the timeline: a chart of marks (dots, bars, diamonds) and the dated list
    marks = page.locator("figure.timeline a.mark")
    assert marks.count() >= 5
    assert page.locator("figure.timeline a.mark.kind-fact").count() >= 1
    assert page.locator("figure.timeline a.mark rect").count() >= 1  # a month is a bar
    marks.first.focus()
    assert "source" in (page.locator("figure.timeline a.mark title").first.text_content() or "")
    entries = page.locator("ol.tl li")
    assert entries.count() >= 5
    assert page.locator("ol.tl .gran", has_text="“").count() >= 1  # the date's own words

    # sources side by side: a row per shared fact in its own words, a column of marks per
    # outlet, independent outlets first; each outlet's wording on demand
    table = page.locator("table.side")
    outlets = table.locator("thead th[scope=col]:not(.fact-h)")
    rows = table.locator("tbody tr")
    assert outlets.count() >= 4 and rows.count() >= 2
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.count() == outlets.count()  # one cell per outlet, every row
        assert rows.nth(i).locator("td.cell:not(.m-none)").count() >= 2  # 2+ outlets …
        assert rows.nth(i).locator("th .fact-text").inner_text().strip()
    assert table.locator("td.m-none").count() >= 1  # … and not by some
    copies = [i for i in range(outlets.count()) if "copycol" in (
        outlets.nth(i).get_attribute("class") or "")]
    assert copies and min(copies) > max(set(range(outlets.count())) - set(copies))
    mark = table.locator("td.cell a.m").first
    assert (mark.get_attribute("href") or "").startswith("/articles/")
    assert "“" in (mark.get_attribute("title") or "")  # the outlet's sentence on hover
    wordings = rows.first.locator("details.wordings")
    assert not wordings.locator("dd").first.is_visible()
    wordings.locator("summary").click()
    assert wordings.locator("dd a.cite").count() >= 2 and wordings.locator("dd").first.is_visible()

    # conflicts: the cells that take a side are marked and lead to the conflict
    conflicts = page.locator("#conflicts article.conflict")
    assert conflicts.count() >= 1
    assert conflicts.first.locator(".variant").count() >= 2
    assert conflicts.first.locator(".variant .wording").first.inner_text().startswith("“")
    if page.locator("table.side td.m-conflict").count():
        assert page.locator("table.side tr.in-conflict").count() >= 1
        page.locator("table.side tr.in-conflict th a.conflict-flag").first.click()
        assert "#conflict-" in page.url
    assert page.locator("#single .single-col").count() >= 2  # facts only one outlet states
    assert page.locator("#quotes .speaker blockquote").count() >= 2
    assert page.locator("#copies ul.copies li").count() >= 2

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(page.url.split("#")[0])
    bottom = page.evaluate("""() => { const r = document.getElementById('conflicts')
        .getBoundingClientRect(); return r.bottom + window.scrollY + 16; }""")
    page.screenshot(path=str(SHOTS / "story-page.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": bottom})

    # an entity links to its page
    page.locator("#entities a", has_text="Antony Blinken").first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith("Antony Blinken")
    assert requests and all(u.startswith(base) for u in requests)  # nothing from elsewhere
    page.close()


def test_a_citation_marks_its_words_in_the_article(server: tuple[str, str], browser: object
                                                    ) -> None:
    """Following a summary citation opens the article with the cited sentence marked,
    scrolled to and focused: the claim can be checked where it was made."""
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 700})  # type: ignore[attr-defined]
    _open_blinken_story(page, base)
    cite = page.locator("#summary ol.summary li a.cite").last
    href = cite.get_attribute("href") or ""
    said = page.locator("#summary ol.summary li").last.inner_text()
    cite.click()
    page.wait_for_url("**/articles/**")
    marked = page.locator("article.text mark.cited")
    assert marked.count() >= 1
    # the marks may break where the article's markup does ("<b>Update, Monday</b>: …"):
    # compared without spaces
    words = "".join(marked.all_text_contents())
    assert "".join(words.split())[:35] in "".join(said.split())
    m = re.search(r"#c-(\d+)-(\d+)$", href)
    assert m is not None
    with urllib.request.urlopen(base + href.split("#")[0].replace("/articles/",
                                                                  "/api/articles/")) as r:
        text = json.load(r)["text"]
    assert " ".join(words.split()) == " ".join(text[int(m[1]):int(m[2])].split())
    assert page.evaluate("document.activeElement.id") == "cited"
    page.close()


def test_pages_carry_a_content_security_policy(server: tuple[str, str]) -> None:
    base, _ = server
    for path in ("/", "/api/health", "/static/app.js"):
        with urllib.request.urlopen(base + path) as r:
            csp = r.headers["Content-Security-Policy"] or ""
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
            assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_story_page_on_a_phone(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    _open_blinken_story(page, base)
    assert _no_sideways_scroll(page)  # the page itself does not scroll sideways …
    # … the facts table is one card per fact, naming the outlets that state it
    card = page.locator("table.side tbody tr").first
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    named = card.locator("td.cell:not(.m-none)")
    assert named.count() >= 2 and named.first.is_visible()
    assert page.evaluate("e => getComputedStyle(e, '::after').content", named.first
                         .element_handle()).strip('"') == named.first.get_attribute(
                             "data-outlet")
    assert page.locator("h1").is_visible() and page.locator("nav.toc").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "story-page-phone.png"), full_page=False)
    page.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_story_page_fits_laptop_and_phone(server: tuple[str, str], browser: object,
                                          width: int) -> None:
    """Issue 18's checks: no sideways page scroll; every outlet of the story reachable
    on screen; the timeline's last mark visible without scrolling the page sideways."""
    base, _ = server
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    _open_blinken_story(page, base)
    assert _no_sideways_scroll(page)
    # every outlet: a column head inside the screen (laptop), or a named mark (phone)
    outlets = [page.locator("form.compare-form input[name=compare]").nth(i).get_attribute(
        "value") for i in range(page.locator("form.compare-form input[name=compare]").count())]
    assert len(outlets) >= 6
    if width > 640:
        heads = page.locator("table.side thead th[scope=col]:not(.fact-h)")
        assert heads.count() == len(outlets)
        for i in range(heads.count()):
            box = heads.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    named = {c.get_attribute("data-outlet") for c in page.locator(
        "table.side td.cell:not(.m-none)").all()}
    stated = {o for o in outlets if o in named}
    assert len(stated) >= 4
    for outlet in outlets:  # each outlet a reader can reach: its checkbox on screen
        box = page.locator(f"form.compare-form input[value='{outlet}']").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    # the timeline opens on the story's key days: its last mark is in view in its box
    chart = page.locator("figure.timeline .chart-scroll")
    chart.scroll_into_view_if_needed()
    marks = page.locator("figure.timeline a.mark")
    last = max((marks.nth(i).bounding_box() for i in range(marks.count())),
               key=lambda b: b["x"] + b["width"] if b else -1)
    frame = chart.bounding_box()
    assert last is not None and frame is not None
    assert frame["x"] - 1 <= last["x"] and last["x"] + last["width"] <= frame["x"] + frame[
        "width"] + 1 <= width + 1
    if width < 600:
        assert page.locator("figure.timeline .scroll-cue").is_visible()
    # the legend names every colour the chart uses
    for tone in ("force", "hostile"):
        if page.locator(f"figure.timeline a.mark.tone-{tone}").count():
            assert page.locator(f"figcaption .k-{tone}").count() == 1
    page.close()


def test_hostile_story_page_is_inert(hostile_story: tuple[str, str], browser: object) -> None:
    base, story_id = hostile_story
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + f"/stories/{story_id}")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith("<script>alert(1)</script>")
    assert page.locator("h1").is_visible()  # no injected style hides the page
    injected = ("main script, main img, main iframe, main style, main object, main embed, "
                "[onerror], [onload], [onclick], [onmouseover], a[href^='javascript']")
    assert page.locator(injected).count() == 0
    assert page.evaluate("""() => [...document.querySelectorAll('main *')].every(
        e => getComputedStyle(e).position !== 'fixed')""")
    hrefs = page.evaluate("() => [...document.querySelectorAll('main [href]')]"
                          ".map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith(("/", "#")) for h in hrefs)
    # the hostile strings are shown, as text, where they belong
    heads = page.locator("table.side thead").inner_text()
    assert "<img src=x onerror=alert(11)> Times" in heads and 'onmouseover=alert(10)' in heads
    said = page.locator("main").text_content() or ""
    assert '<a href="javascript:alert(3)">' in said and "<script>alert(4)</script>" in said
    assert "<style>body{display:none}</style>" in said
    assert page.locator("#conflicts article.conflict").count() >= 1
    # hover what might carry a handler
    for sel in ("h1", "table.side", "#conflicts", "#single", "#quotes", "figure.timeline"):
        if page.locator(sel).count():
            page.locator(sel).first.hover()
    page.wait_for_timeout(200)
    assert dialogs == []
    page.close()


# -- comparing chosen outlets --------------------------------------------------------------
def test_story_page_compares_two_outlets(server: tuple[str, str], browser: object) -> None:
    """Tick two outlets (from the keyboard), compare: the table keeps their two columns and
    a panel says what each alone of them states; "Show all outlets" brings the rest back."""
    base, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    _open_blinken_story(page, base)
    boxes = page.locator("form.compare-form input[type=checkbox][name=compare]")
    heads = page.locator("table.side thead th[scope=col]:not(.fact-h)")
    everyone = heads.count()
    assert everyone >= 3 and boxes.count() == everyone  # a box per column
    assert [boxes.nth(i).get_attribute("value") for i in range(everyone)] == [
        heads.nth(i).locator(".outlet").get_attribute("data-name") for i in range(everyone)]
    # two outlets that each state something the other does not (not a translation and
    # its original, which state the same)
    values = [boxes.nth(i).get_attribute("value") or "" for i in range(everyone)]
    picked = sorted(values.index(v) for v in ("Global Wire Service", "Rheinische Rundschau"))
    chosen = [values[i] for i in picked]
    for i in picked:  # from the keyboard
        boxes.nth(i).focus()
        page.keyboard.press("Space")
    assert page.locator("form.compare-form input:checked").count() == 2
    page.get_by_role("button", name="Compare").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**compare=**")
    assert page.url.endswith("#sources")

    assert heads.count() == 2
    assert [heads.nth(i).locator(".outlet").get_attribute("data-name") for i in (0, 1)] == chosen
    rows = page.locator("table.side tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").count() == 2
        assert rows.nth(i).locator("td.cell:not(.m-none)").count() >= 1  # one states it
    assert [page.locator("form.compare-form input:checked").nth(i).get_attribute("value")
            for i in (0, 1)] == chosen
    panel = page.locator("section#compare")
    assert panel.is_visible()
    only = panel.locator(".only-col h4")
    assert only.count() == 2
    for i, outlet in enumerate(chosen):
        text = only.nth(i).inner_text()
        assert text.startswith(f"Only in {outlet}") and "(of the compared outlets)" in text
    assert panel.locator(".only-col ul.facts li a.cite").count() >= 2
    assert "stated by all compared outlets" in panel.locator("ul.compare-sum").inner_text()
    assert page.locator("nav.toc a[href='#compare']").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    top = page.evaluate("""() => document.querySelector('form.compare-form')
        .getBoundingClientRect().top + window.scrollY - 50""")
    bottom = page.evaluate("""() => document.getElementById('compare')
        .getBoundingClientRect().bottom + window.scrollY + 16""")
    page.screenshot(path=str(SHOTS / "story-compare.png"), full_page=True,
                    clip={"x": 0, "y": top, "width": 1280, "height": bottom - top})

    # a conflict they take different sides in is a link to it
    sides = panel.locator("a.conflict-flag[href^='#conflict-']")
    if sides.count():
        target = sides.first.get_attribute("href") or ""
        sides.first.click()
        assert page.url.endswith(target) and page.locator(target).is_visible()
    page.get_by_role("link", name="Show all outlets").click()
    page.wait_for_url("**#sources")
    assert "compare=" not in page.url and heads.count() == everyone
    assert page.locator("section#compare").count() == 0
    assert page.locator("form.compare-form input:checked").count() == 0

    # one outlet is not a comparison: a message, and the whole page
    boxes.nth(2).check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**compare=**")
    assert "two or more" in page.locator("#sources p.error[role=alert]").inner_text()
    assert heads.count() == everyone and page.locator("form.compare-form").is_visible()
    page.close()


def test_story_compare_on_a_phone(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    _open_blinken_story(page, base)
    boxes = page.locator("form.compare-form input[name=compare]")
    assert boxes.count() >= 3
    form = page.locator("form.compare-form")
    assert page.evaluate("e => e.scrollWidth <= e.clientWidth + 1", form.element_handle())
    for i in range(boxes.count()):  # every box on screen, none cut off at the side
        box = boxes.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    boxes.nth(0).check()
    boxes.nth(2).check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**compare=**")
    assert page.locator("table.side thead th[scope=col]:not(.fact-h)").count() == 2
    assert page.locator("section#compare .only-col").count() == 2
    assert _no_sideways_scroll(page)
    # a long wrong name is a message that wraps, not a wide page
    page.goto(page.url.split("?")[0] + "?compare=" + "Nowhere" * 40 + "&compare=x")
    assert page.locator("p.error[role=alert]").is_visible()
    assert _no_sideways_scroll(page)
    page.close()

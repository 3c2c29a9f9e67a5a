"""The web UI in a real browser: Playwright driving Debian's Chromium.

Skipped when Playwright or /usr/bin/chromium is missing (``apt-get install chromium``).
Screenshots of the main pages go to a temporary folder, or to ``docs/screenshots/`` when
``STORYLINE_SCREENSHOTS=1`` (to refresh the ones kept in the repository).
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from storyline.interfaces.web.app import create_app  # noqa: E402
from test_web_api import EVIL_TITLE, build_store  # noqa: E402

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
    assert page.locator(".source h3").count() >= 2
    assert page.locator(".speaker blockquote").count() >= 1
    events = page.locator("table.events tbody tr")
    assert events.count() >= 3  # the visit, the talks, the called-off trip …
    assert page.locator("table.events .badge-planned, table.events .badge-negated").count() >= 1
    marks = page.locator("figure.timeline a.mark")
    assert marks.count() >= 3  # the timeline draws the story's dated events
    marks.first.focus()  # keyboard-reachable, with its details
    assert "source" in page.locator("figure.timeline a.mark title").first.text_content()
    page.screenshot(path=str(SHOTS / "story-page.png"), full_page=True)

    page.get_by_role("link", name="Antony Blinken", exact=True).first.click()
    page.wait_for_url("**/entities/**")
    assert page.locator("h1").inner_text().startswith("Antony Blinken")
    assert "Blinkin" in page.locator("aside").inner_text()
    assert page.locator("li.story-card").count() >= 1
    # every request stayed on this server (no CDN)
    assert requests and all(u.startswith(base) for u in requests)
    page.close()


def test_article_page_marks_and_phone_width(server: tuple[str, str], browser: object) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto(base + "/?entity=Blinken")
    page.locator("li.story-card a").first.click()
    page.locator("ul.articles a").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("article.text .ent").count() > 3
    assert page.locator("article.text time.timex").count() >= 1  # dates marked
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / "article-page-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "article-page.png"), full_page=False)
    page.close()


def test_hostile_article_is_inert(server: tuple[str, str], browser: object) -> None:
    base, evil_id = server
    page = browser.new_page()  # type: ignore[attr-defined]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in (f"/articles/{evil_id}", "/?q=Scholz", "/?source=Evil"):
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

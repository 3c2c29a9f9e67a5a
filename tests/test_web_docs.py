"""The HTTP API's own docs (``/docs``, from the OpenAPI schema) and the site icon.

Every endpoint and parameter says what it is for; docstrings' inline code shows as code
(never raw backticks, never unescaped); the parameter tables break no word, at a laptop's
width and a phone's. The browser test is skipped when Playwright or /usr/bin/chromium is
missing, except in CI (``CI=true``), where a missing browser is an error (as in
``test_web_browser.py``).
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from storyline.interfaces.web.app import create_app
from storyline.interfaces.web.markup import inline_code, paragraphs, type_label

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = (Path(__file__).resolve().parent.parent / "docs" / "screenshots"
         if os.environ.get("STORYLINE_SCREENSHOTS") == "1"
         else Path(tempfile.gettempdir()) / "storyline-screenshots")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The docs need no store: an app on a store not made yet serves them."""
    db = tmp_path_factory.mktemp("docs") / "none.db"
    with TestClient(base_url="http://127.0.0.1", app=create_app(db)) as c:
        yield c


def test_every_operation_and_parameter_is_described(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operations = [(path, method, op) for path, ops in schema["paths"].items()
                  for method, op in ops.items()]
    assert len(operations) >= 11
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        # not FastAPI's summary made from the function's name ("Api Stories")
        assert not op["summary"].startswith("Api "), where
        assert len(op.get("description", "")) > 20, where
        for p in op.get("parameters", []):
            assert p.get("description"), f"{where}: {p['name']}"
    params = {p["name"]: p for p in schema["paths"]["/api/stories"]["get"]["parameters"]}
    assert "paging" in params["offset"]["description"]
    assert params["limit"]["description"]


def test_docs_page_renders_code_and_lists_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    html = client.get("/docs").text
    assert "``" not in html and "Api Stories" not in html
    # the docstring's ``X-Total-Count`` is code on the page
    assert "<code>X-Total-Count</code>" in html and "<code>limit</code> and" in html
    for path, ops in schema["paths"].items():
        for op in ops.values():
            assert f'id="{op["operationId"]}"' in html, path
            assert f'href="#{op["operationId"]}"' in html, path
            assert str(escape(op["summary"])) in html
    # the parameter table has each parameter's meaning, limit and offset included
    assert "Skip this many stories first (for paging)" in html
    assert "At most this many stories" in html


def test_docs_page_links_each_answer_to_its_fields(client: TestClient) -> None:
    html = client.get("/docs").text
    listing = html.split('id="api_stories_api_stories_get"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'Returns .*list of <a href="#model-StorySummary">StorySummary</a>',
                     listing)
    model = html.split('id="model-StorySummary"', 1)[1].split("</section>", 1)[0]
    for field in ("id", "headline", "article_ids", "sources", "first_seen", "article_count"):
        assert f"<code>{field}</code>" in model, field
    assert "The title of its most representative article." in model
    # nested models are listed too, and a field's type links to them
    assert 'id="model-StoryReport"' in html and 'id="model-RemovedOut"' in html
    assert 'list of <a href="#model-RemovedOut">RemovedOut</a>' in html


def test_inline_code_escapes_before_it_marks_up() -> None:
    assert str(inline_code("use ``a<b`` or `c&d`, not <script>")) == (
        "use <code>a&lt;b</code> or <code>c&amp;d</code>, not &lt;script&gt;")
    assert str(inline_code("no code here")) == "no code here"
    assert str(inline_code(None)) == ""
    assert str(paragraphs("one\nline\n\n``two``")) == "<p>one line</p><p><code>two</code></p>"
    assert str(type_label({"anyOf": [{"type": "string"}, {"type": "null"}]})) == "string | null"
    assert str(type_label({"type": "array", "items": {"$ref": "#/components/schemas/X"}})
               ) == 'list of <a href="#model-X">X</a>'
    assert str(type_label({"enum": ["a<b"]})) == '<span class="value">&#39;a&lt;b&#39;</span>'


def test_favicon(client: TestClient) -> None:
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.content.startswith(b"<svg") and len(r.content) < 2000
    assert client.get("/static/favicon.svg").content == r.content
    page = client.get("/docs").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="stylesheet" href="/static/site.css">' in page
    assert client.get("/static/site.css").status_code == 200


# -- in a real browser ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        # a real browser is part of CI (.ci/run installs it): there a missing one is a failure
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            raise RuntimeError("the browser tests need /usr/bin/chromium in CI")
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(tmp_path_factory.mktemp("docs-browser") / "none.db")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


#: Each word of the tables' cells whose letters lie on more than one line (a word broken
#: mid-word), as "cell text: word". In prose a line may end after a hyphen, as in print;
#: code (names, ids, values) is never broken.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table.params th, table.params td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = node.parentElement.closest('code') ? /\\S+/g : /[^\\s-]+-*/g;
      for (const m of node.data.matchAll(words)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(cell.textContent.trim() + ': ' + m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_docs_tables_break_no_word(server: str, browser: object, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page.goto(server + "/docs")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("table.params").count() >= 8
    broken = page.evaluate(BROKEN_WORDS)
    assert broken == [], broken
    # each parameter's name is whole on one line, as wide as its text
    names = page.evaluate("""() => [...document.querySelectorAll('table.params th.name code')]
        .map(e => [e.textContent, e.getClientRects().length,
                   e.getBoundingClientRect().width + 0.5 >= e.scrollWidth])""")
    assert names and all(lines == 1 and wide for _, lines, wide in names), names
    assert "``" not in page.inner_text("main")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#api_events_api_events_get").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"docs-{width}.png"), full_page=False)
    page.close()

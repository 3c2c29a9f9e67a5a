"""Issue 15, web: requests from other origins and hosts are refused, hostile query values are
422 or 404 (never 500), and every answer carries the security headers."""

from __future__ import annotations

import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import article_text
from storyline import Storyline
from storyline.interfaces.web.app import create_app
from storyline.interfaces.web.guard import Guard, default_hosts, host_name

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hard")
    db = tmp / "s.db"
    files = []
    for i in range(3):
        f = tmp / f"a{i}.txt"
        f.write_text(article_text(i))
        files.append(str(f))
    with Storyline(db) as sl:
        sl.ingest(files, published="2023-06-13", source="Harbor Daily")
    return db


@pytest.fixture()
def uploads_on(store: Path) -> Iterator[TestClient]:
    with TestClient(base_url=LOCAL, app=create_app(store, allow_ingest=True)) as client:
        yield client


def _secure(r: object) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_cross_origin_upload_is_refused_and_nothing_is_written(uploads_on: TestClient,
                                                                   store: Path) -> None:
    before = sorted(p.name for p in store.parent.glob("*-uploads/*"))
    r = uploads_on.post("/api/ingest", params={"filename": "f.txt"},
                        headers={"Origin": "http://attacker.example",
                                 "Content-Type": "text/plain"},
                        content=article_text(40).encode())
    assert r.status_code == 403 and "cross-origin" in r.json()["detail"]
    _secure(r)
    null = uploads_on.post("/api/ingest", params={"filename": "f.txt"},
                           headers={"Origin": "null"}, content=article_text(41).encode())
    assert null.status_code == 403
    other_port = uploads_on.post("/api/ingest", params={"filename": "f.txt"},
                                 headers={"Origin": "http://127.0.0.1:3000"},
                                 content=article_text(42).encode())
    assert other_port.status_code == 403  # another local web app is another origin
    fetch_meta = uploads_on.post("/api/ingest", params={"filename": "f.txt"},
                                 headers={"Sec-Fetch-Site": "cross-site"},
                                 content=article_text(43).encode())
    assert fetch_meta.status_code == 403
    assert sorted(p.name for p in store.parent.glob("*-uploads/*")) == before


def test_same_origin_and_non_browser_uploads_are_accepted(uploads_on: TestClient) -> None:
    same = uploads_on.post("/api/ingest", params={"filename": "f.txt"},
                           headers={"Origin": LOCAL}, content=article_text(50).encode())
    assert same.status_code == 202, same.text
    curl = uploads_on.post("/api/ingest", params={"filename": "g.txt"},
                           content=article_text(51).encode())
    assert curl.status_code == 202, curl.text


def test_a_foreign_host_header_is_refused(store: Path) -> None:
    """DNS rebinding: a page of attacker.example whose name now points at 127.0.0.1."""
    with TestClient(base_url="http://attacker.example", app=create_app(store)) as client:
        for path in ("/", "/api/stories", "/api/health", "/docs"):
            r = client.get(path)
            assert r.status_code == 403, path
            assert "--allowed-host" in r.text
            _secure(r)
    with TestClient(base_url="http://news.example", app=create_app(
            store, allowed_hosts=[*default_hosts("127.0.0.1"), "news.example"])) as client:
        assert client.get("/api/health").status_code == 200


def test_guard_names() -> None:
    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost:80") == "localhost"
    assert host_name("::1") == "::1"
    assert "localhost" in default_hosts("127.0.0.1")
    assert socket.gethostname().lower() in default_hosts("0.0.0.0")
    assert socket.gethostname().lower() not in default_hosts("127.0.0.1")
    guard = Guard.of(["127.0.0.1", "news.example"])
    assert guard.refusal("GET", {"host": "127.0.0.1:8000"}) is None
    assert guard.refusal("GET", {}) is not None  # HTTP/1.0 without Host
    assert guard.refusal("POST", {"host": "127.0.0.1:8000",
                                  "origin": "https://news.example"}) is None
    assert guard.refusal("POST", {"host": "127.0.0.1:8000",
                                  "origin": "javascript:alert(1)"}) is not None
    assert Guard.of(["*"]).refusal("GET", {"host": "anything"}) is None


@pytest.mark.parametrize("path", [
    "/api/stories?q=a%00b", "/api/stories?entity=x%00", "/?entity=x%00", "/?q=%00",
    "/api/entities?name=a%00", "/api/events?actor=%00",
])
def test_a_nul_in_a_query_is_422_with_a_reason(store: Path, path: str) -> None:
    with TestClient(base_url=LOCAL, app=create_app(store)) as client:
        r = client.get(path)
    assert r.status_code == 422, (path, r.text)
    assert "NUL" in r.text
    _secure(r)


@pytest.mark.parametrize("prefix", ["/api/stories/", "/stories/", "/api/articles/",
                                    "/articles/", "/api/entities/person:", "/entities/person:",
                                    "/api/articles/ID/dates"])
def test_a_huge_id_is_404(store: Path, prefix: str) -> None:
    huge = "a" * 60_000
    path = prefix.replace("ID", huge) if "ID" in prefix else prefix + huge
    with TestClient(base_url=LOCAL, app=create_app(store)) as client:
        r = client.get(path)
    assert r.status_code == 404, (prefix, r.status_code, r.text[:200])
    _secure(r)


def test_control_characters_in_searches_are_plain_text(store: Path) -> None:
    with Storyline(store) as sl:
        assert sl.stories(query="Portugal\x00desalination", limit=None)
        assert sl.stories(entity="Duarte\x01Cordeiro", limit=None)
        assert sl.stories(query="\x00", limit=None) == sl.stories(limit=None)
        assert sl.article("a" * 60_000) is None and sl.story("b" * 60_000) is None
        assert sl.article("%%%%") is None and sl.story("____") is None


def test_a_server_error_is_a_page_with_the_security_headers(tmp_path: Path) -> None:
    broken = tmp_path / "not-a-store.db"
    broken.write_bytes(b"this is not a database" * 100)
    with TestClient(base_url=LOCAL, app=create_app(broken),
                    raise_server_exceptions=False) as client:
        api = client.get("/api/health")
        page = client.get("/")
    assert api.status_code == 500 and api.json()["detail"].startswith("internal error")
    assert page.status_code == 500 and "Traceback" not in page.text
    _secure(api)
    _secure(page)

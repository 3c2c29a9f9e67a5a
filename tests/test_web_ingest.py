"""Ingest over HTTP: off by default, size limits, safe names, background jobs, rejects."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import article_text, html_page
from storyline import Storyline
from storyline.interfaces.web.app import create_app
from storyline.interfaces.web.uploads import safe_name


def _wait(client: TestClient, job: str) -> dict[str, object]:
    # generous: a fresh CI machine loads spaCy and the gazetteer for the first job
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/api/ingest/{job}").json()
        if state["status"] in ("done", "failed"):
            return state  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"job {job} did not finish")


def test_ingest_is_off_unless_enabled(tmp_path: Path) -> None:
    with TestClient(base_url="http://127.0.0.1", app=create_app(tmp_path / "s.db")) as client:
        r = client.post("/api/ingest", params={"filename": "a.txt"}, content=article_text(1))
        assert r.status_code == 403 and "--allow-ingest" in r.json()["detail"]
        assert client.get("/api/ingest/anything").status_code == 404
    assert not (tmp_path / "s-uploads").exists()


def test_upload_is_ingested_in_the_background(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with TestClient(base_url="http://127.0.0.1", app=create_app(db, allow_ingest=True)) as client:
        r = client.post("/api/ingest", params={"filename": "report.html", "source": "Upload Daily"},
                        content=html_page().encode())
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["status"] in ("queued", "running", "done") and job["filename"] == "report.html"
        assert client.get("/api/health").status_code == 200  # the server answers meanwhile
        state = _wait(client, str(job["id"]))
        assert state["status"] == "done" and len(state["ingested"]) == 1  # type: ignore[arg-type]
        article = client.get(f"/api/articles/{state['ingested'][0]}").json()  # type: ignore[index]
        assert article["source"] == "Upload Daily"
        # The same file again: already stored, nothing duplicated.
        again = client.post("/api/ingest", params={"filename": "report.html"},
                            content=html_page().encode()).json()
        assert _wait(client, str(again["id"]))["already_stored"]
    with Storyline(db) as sl:
        assert sl.counts()["articles"] == 1


def test_bad_uploads_are_refused_or_rejected_and_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with Storyline(db) as sl:
        sl.ingest([_write(tmp_path / "first.txt", article_text(3))])
    with TestClient(base_url="http://127.0.0.1", app=create_app(db, allow_ingest=True, max_upload=4000)) as client:
        big = client.post("/api/ingest", params={"filename": "big.txt"}, content=b"x" * 5000)
        assert big.status_code == 413 and "limit" in big.json()["detail"]
        empty = client.post("/api/ingest", params={"filename": "e.txt"}, content=b"")
        assert empty.status_code == 422
        fmt = client.post("/api/ingest", params={"filename": "a.txt", "format": "pdf"},
                          content=b"hello")
        assert fmt.status_code == 422 and "format must be" in fmt.json()["detail"]
        junk = client.post("/api/ingest", params={"filename": "junk.html"},
                           content=b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
        state = _wait(client, str(junk.json()["id"]))
        assert state["status"] == "done" and not state["ingested"]
        assert state["rejected"] and state["rejected"][0]["reason"]  # type: ignore[index]
    with Storyline(db) as sl:
        assert sl.counts()["articles"] == 1  # what was stored is still there


def test_upload_names_cannot_leave_the_upload_area(tmp_path: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\win.ini") == "win.ini"
    assert safe_name("") == "upload.txt" and safe_name("...") == "upload.txt"
    assert safe_name("a b/c d.txt") == "c_d.txt"
    db = tmp_path / "store" / "s.db"
    db.parent.mkdir()
    with TestClient(base_url="http://127.0.0.1", app=create_app(db, allow_ingest=True)) as client:
        r = client.post("/api/ingest", params={"filename": "../../outside.txt"},
                        content=article_text(5))
        state = _wait(client, str(r.json()["id"]))
    assert r.json()["filename"] == "outside.txt" and state["status"] == "done"
    assert not (tmp_path / "outside.txt").exists()
    assert not list(tmp_path.rglob("outside.txt"))  # deleted from the upload area once read
    with Storyline(db) as sl:
        origin = Path(sl.articles()[0].origin)
    assert origin.name == "outside.txt"
    assert origin.is_relative_to(tmp_path / "store" / "s-uploads")


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path

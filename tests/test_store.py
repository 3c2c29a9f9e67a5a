from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import BACKENDS, article_text, store_location
from storyline import Storyline, pipeline
from storyline.store import Store, StoreError
from storyline.store.migrations import SCHEMA_VERSION


@pytest.mark.parametrize("backend", BACKENDS)
def test_schema_versioned(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> None:
    where = store_location(request, backend, tmp_path)
    with Store(where) as store:
        assert store.schema_version == SCHEMA_VERSION
    with Store(where) as store:  # reopening applies nothing twice
        assert store.schema_version == SCHEMA_VERSION


def test_newer_schema_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "new.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "new.db")


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        Store(tmp_path / "junk.db")


def test_full_text_search_and_filters(sl: Storyline, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_text(1))
    (tmp_path / "b.txt").write_text(
        "Balloon shot down over the Atlantic\n\nThe US military shot down a balloon "
        "off the coast of South Carolina on Saturday, officials said.\n\nChina said it "
        "was a civilian research airship that had strayed off course."
    )
    sl.ingest([tmp_path / "a.txt"], source="Algarve Post", published="2023-06-13")
    sl.ingest([tmp_path / "b.txt"], source="Wire", published="2023-02-04", lang="en")
    assert [a.source for a in sl.articles(query="balloon")] == ["Wire"]
    assert [a.source for a in sl.articles(query="airship")] == ["Wire"]
    assert sl.articles(query='"unbalanced quote AND ( NEAR') == []  # never an FTS syntax error
    assert [a.source for a in sl.articles(source="algarve post")] == ["Algarve Post"]
    assert [a.source for a in sl.articles(since="2023-03-01")] == ["Algarve Post"]
    assert [a.source for a in sl.articles(until="2023-02-04")] == ["Wire"]
    assert [a.published for a in sl.articles()] == ["2023-06-13", "2023-02-04"]
    assert sl.article(sl.articles(source="Wire")[0].id[:6]) is not None


def test_interrupted_batch_keeps_finished_chunks(
    sl: Storyline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(12):
        (folder / f"{i:02}.txt").write_text(article_text(i))
    monkeypatch.setattr(pipeline, "COMMIT_EVERY", 5)
    seen = []

    def ctrl_c_on_8th(origin: str) -> None:
        seen.append(origin)
        if len(seen) == 8:
            raise KeyboardInterrupt

    report = sl.ingest([folder], progress=ctrl_c_on_8th, workers=1)
    assert report.interrupted
    assert len(report.ingested) == 5, "first chunk committed, second rolled back"
    assert len(sl.articles()) == 5
    again = sl.ingest([folder], workers=1)
    assert len(again.ingested) == 7 and len(again.already_stored) == 5
    assert len(sl.articles(limit=None)) == 12


def test_rejects_are_counted_not_duplicated(sl: Storyline, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    sl.ingest([tmp_path / "empty.txt"])
    sl.ingest([tmp_path / "empty.txt"])
    rows = sl.rejects()
    assert len(rows) == 1 and rows[0].times == 2 and rows[0].reason == "empty file"


@pytest.mark.parametrize("backend", BACKENDS)
def test_connections_opening_a_new_store_at_once_migrate_it_once(
        request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> None:
    """A server's request and its ingest thread may both open a fresh store."""
    from concurrent.futures import ThreadPoolExecutor

    path = store_location(request, backend, tmp_path, "race")

    def open_one(_: int) -> int:
        store = Store(path)
        try:
            return store.schema_version
        finally:
            store.close()

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(open_one, range(8))) == {SCHEMA_VERSION}

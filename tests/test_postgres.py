"""The PostgreSQL backend: what only a server store does (connection errors, its schema
record, stemmed search, concurrent writers across processes), and the same stories,
mentions and facts as SQLite from the same input.

The rest of the store, pipeline, API and web tests run on both backends through the
``sl`` and ``site`` fixtures and ``store_location`` (conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import article_text, export_rows
from storyline import Storyline
from storyline.interfaces.export import TABLES
from storyline.store import Store, StoreError, resolve_db
from storyline.store.migrations import SCHEMA_VERSION
from test_concurrent_writers import _RUN, _corpus

psycopg = pytest.importorskip("psycopg")


def test_a_server_that_cannot_be_reached_is_one_line_without_the_password() -> None:
    url = "postgresql://analyst:s3cret@127.0.0.1:1/newsroom"
    with pytest.raises(StoreError) as caught:
        Storyline(url)
    message = str(caught.value)
    assert message.startswith("postgresql://analyst:***@127.0.0.1:1/newsroom: cannot connect")
    assert "s3cret" not in message and "\n" not in message


def test_the_cli_names_the_store_and_the_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "storyline.interfaces.cli", "stories", "--db",
         "postgresql://analyst:s3cret@127.0.0.1:1/newsroom"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot connect" in lines[0] and "s3cret" not in done.stderr
    assert not (tmp_path / "postgresql:").exists() and not Path("postgresql:").exists()


def test_a_url_is_never_taken_for_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_db("postgresql://u@h/db") == "postgresql://u@h/db"
    monkeypatch.setenv("STORYLINE_DB", "postgres://u@h/db")
    assert resolve_db(None) == "postgres://u@h/db"
    assert resolve_db("store.db") == Path("store.db")


def test_schema_is_recorded_and_a_newer_one_refused(pg_url: str) -> None:
    with Store(pg_url) as store:
        assert store.schema_version == SCHEMA_VERSION
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("UPDATE storyline_state SET schema_version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer than this Storyline"):
        Store(pg_url)


def test_search_stems_in_the_article_language_only(pg_url: str, tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text(
        "Rivers flooded three valleys\n\nThe river flooded three valleys overnight and "
        "crews pumped water from cellars, officials said on Monday. Schools stayed shut "
        "and the regional council opened two shelters for families.\n")
    (tmp_path / "de.txt").write_text(
        "Ballonfahrer landen sicher\n\nDie Ballone der Fahrer landeten sicher auf einer "
        "Wiese bei Kassel, wie die Polizei am Montag mitteilte. Verletzt wurde niemand, "
        "und die Feuerwehr half beim Einpacken der Hüllen.\n")
    with Storyline(pg_url) as sl:
        for name in ("en", "de"):
            report = sl.ingest([tmp_path / f"{name}.txt"], lang=name, published="2024-05-06")
            assert len(report.ingested) == 1, report.summary()
        # English stemming of an English article: "floods" finds "flooded"
        assert [a.lang for a in sl.articles(query="floods")] == ["en"]
        # a Dutch stem of "balloon" ("ballon") must not find a German word
        assert sl.articles(query="balloon") == []
        assert sl.articles(query="\x00 \x01") == sl.articles()  # nothing left to search
        assert sl.articles(query='"unbalanced AND ( NEAR') == []
        assert sl.stories(query="valleys") and sl.stories(entity="Kassel")


def test_same_input_same_store_on_both_backends(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(6):
        (folder / f"{n}.txt").write_text(article_text(n % 3))  # copies included
    (folder / "other.txt").write_text(
        "Balloon shot down over the Atlantic\n\nThe US military shot down a balloon off "
        "the coast of South Carolina on Saturday, officials said.\n")
    (folder / "empty.txt").write_text("")
    with Storyline(tmp_path / "s.db") as lite, Storyline(pg_url) as server:
        for sl in (lite, server):
            sl.ingest([folder], source="Harbor Daily", published="2023-06-13", workers=1)
        for table in TABLES:
            assert export_rows(lite, table) == export_rows(server, table), table
        assert [r.reason for r in lite.rejects()] == [r.reason for r in server.rejects()]


def _pg_state(url: str) -> dict[str, object]:
    with psycopg.connect(url) as con:
        members: dict[str, int] = {}
        for (sid,) in con.execute("SELECT story_id FROM articles"):
            members[sid] = members.get(sid, 0) + 1
        counts = dict(con.execute(
            "SELECT id, article_count FROM stories WHERE merged_into IS NULL").fetchall())
        return {
            "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0],
            "documents": int(con.execute(
                "SELECT value FROM meta WHERE key='documents'").fetchone()[0]),
            "term_df": dict(con.execute("SELECT term, df FROM term_df").fetchall()),
            "miscounted": sorted(s for s, n in counts.items() if n != members.get(s, 0)),
            "in_live_stories": sum(members.get(sid, 0) for sid in counts),
            "counted": sum(counts.values()),
        }


def test_parallel_ingests_into_one_database_stay_exact(
        request: pytest.FixtureRequest, pg_url: str, tmp_path: Path) -> None:
    from conftest import store_location

    halves = []
    for name, topics, seed in (("a", [0, 1, 2, 3], 1), ("b", [4, 5, 6, 7], 2)):
        path = tmp_path / f"{name}.jsonl"
        _corpus(path, topics, per_topic=30, seed=seed)
        halves.append(path)
    procs = [subprocess.Popen([sys.executable, "-c", _RUN, pg_url, str(p)],
                              stderr=subprocess.PIPE, text=True) for p in halves]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    apart = str(store_location(request, "postgresql", tmp_path, "apart"))
    for path in halves:
        subprocess.run([sys.executable, "-c", _RUN, apart, str(path)], check=True, timeout=600)
    got, want = _pg_state(pg_url), _pg_state(apart)
    assert got["articles"] == want["articles"] == 240
    assert got["documents"] == want["documents"] == 240
    assert got["term_df"] == want["term_df"]
    assert got["miscounted"] == [] and want["miscounted"] == []
    assert got["in_live_stories"] == got["counted"] == 240


def test_a_snapshot_reads_one_moment(pg_url: str, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(article_text(1))
    (tmp_path / "two.txt").write_text(article_text(2) + "\nA second, different closing line.\n")
    with Storyline(pg_url) as reader, Storyline(pg_url) as writer:
        writer.ingest([tmp_path / "one.txt"], workers=1)
        with reader.snapshot():
            before = [a.id for a in reader.articles(limit=None)]
            writer.ingest([tmp_path / "two.txt"], workers=1)
            assert [a.id for a in reader.articles(limit=None)] == before
        assert len(reader.articles(limit=None)) == len(before) + 1


def test_a_failed_chunk_leaves_the_database_as_it_was(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline import pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):
        (folder / f"{i:02}.txt").write_text(article_text(i))
    monkeypatch.setattr(pipeline, "COMMIT_EVERY", 5)
    seen: list[str] = []

    def stop_at_seventh(origin: str) -> None:
        seen.append(origin)
        if len(seen) == 7:
            raise KeyboardInterrupt

    with Storyline(pg_url) as sl:
        report = sl.ingest([folder], progress=stop_at_seventh, workers=1)
        assert report.interrupted and len(report.ingested) == 5
        assert len(sl.articles(limit=None)) == 5
        again = sl.ingest([folder], workers=1)
        assert len(again.ingested) == 3 and len(again.already_stored) == 5
        stories = sl.stories(limit=None)
        assert sum(s["article_count"] for s in stories) == 8


def test_a_web_upload_lands_in_the_database(pg_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    import warnings

    from conftest import html_page
    from storyline.interfaces.web.app import create_app
    from storyline.interfaces.web.uploads import uploads_folder

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    area = uploads_folder(pg_url)
    assert area.is_relative_to(tmp_path / "data") and "postgresql" not in str(area)
    with TestClient(base_url="http://127.0.0.1",
                    app=create_app(pg_url, allow_ingest=True)) as client:
        r = client.post("/api/ingest", params={"filename": "report.html"},
                        content=html_page().encode())
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 120
        while (state := client.get(f"/api/ingest/{r.json()['id']}").json())["status"] not in (
                "done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert state["status"] == "done" and len(state["ingested"]) == 1
        assert client.get(f"/api/articles/{state['ingested'][0]}").status_code == 200
    assert area.is_dir()
    with Storyline(pg_url) as sl:
        assert [a.id for a in sl.articles()] == state["ingested"]


def test_a_connection_lost_mid_work_is_one_line(pg_url: str) -> None:
    with Storyline(pg_url) as sl:
        assert sl.stories() == []
        pid = sl.store._db._conn.info.backend_pid  # type: ignore[attr-defined]
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StoreError) as caught:
            sl.stories()
    message = str(caught.value)
    assert "lost the connection" in message and "\n" not in message


def test_a_refused_login_is_one_line_and_writes_nothing(pg_url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(pg_url)
    stranger = urlunsplit(parts._replace(netloc=f"nobody:pw@{parts.hostname}:{parts.port}"))
    with pytest.raises(StoreError) as caught:
        Storyline(stranger)
    message = str(caught.value)
    assert "cannot connect" in message and '"nobody"' in message
    assert "pw@" not in message and "\n" not in message
    with psycopg.connect(pg_url) as con:  # the database was not touched
        assert con.execute("SELECT to_regclass('storyline_state')").fetchone() == (None,)

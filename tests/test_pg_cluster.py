"""The PostgreSQL test fixtures (``pg_server``, ``pg_url``) and tests/pg_cluster.py itself.

Skipped without a server (``apt-get install postgresql`` or ``STORYLINE_TEST_PG``); under
``CI=true`` the fixture fails instead.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import pg_cluster

psycopg = pytest.importorskip("psycopg")
conninfo = pytest.importorskip("psycopg.conninfo")

LOCAL = not os.environ.get(pg_cluster.ENV_URL, "").strip()  # server started by the fixture
local_only = pytest.mark.skipif(not LOCAL, reason=f"server given by ${pg_cluster.ENV_URL}")


def test_pg_url_is_a_fresh_empty_database(pg_url: str) -> None:
    assert pg_url.startswith("postgresql://")
    name = urlsplit(pg_url).path.lstrip("/")
    assert name.startswith("t_") and len(name) == 14
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT 1").fetchone() == (1,)
        assert con.execute("SELECT current_database()").fetchone() == (name,)
        version = con.execute("SELECT current_setting('server_version_num')::int").fetchone()
        assert version is not None and version[0] >= 130000
        tables = con.execute("SELECT count(*) FROM pg_catalog.pg_class c "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                             "AND n.nspname NOT LIKE 'pg_toast%'").fetchone()
        assert tables == (0,)
        assert con.execute("SELECT pg_encoding_to_char(encoding), datcollate, datctype "
                           "FROM pg_database WHERE datname = current_database()"
                           ).fetchone() == ("UTF8", "C", "C")


def test_databases_are_separate(pg_server: str, pg_url: str) -> None:
    """What one database holds is invisible from another made the same way."""
    other_name = f"t_{uuid.uuid4().hex[:12]}"
    other_url = pg_cluster.create_database(pg_server, other_name)
    try:
        assert urlsplit(other_url).path != urlsplit(pg_url).path
        with psycopg.connect(pg_url) as con:
            con.execute("CREATE TABLE marker (x int)")
            con.execute("INSERT INTO marker VALUES (42)")
        with psycopg.connect(pg_url) as con:  # committed, visible again in its own database
            assert con.execute("SELECT x FROM marker").fetchall() == [(42,)]
        with psycopg.connect(other_url) as con:
            assert con.execute("SELECT current_database()").fetchone() == (other_name,)
            assert con.execute("SELECT to_regclass('marker')").fetchone() == (None,)
    finally:
        pg_cluster.drop_database(pg_server, other_name)


def test_drop_database_closes_open_connections(pg_server: str) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(pg_server, name)
    lingering = psycopg.connect(url)  # as a test that forgot to close would leave it
    try:
        pg_cluster.drop_database(pg_server, name)
        with psycopg.connect(pg_server) as con:
            assert con.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                               (name,)).fetchone() == (0,)
        with pytest.raises(psycopg.OperationalError):
            lingering.execute("SELECT 1")
    finally:
        lingering.close()


def test_database_url_keeps_everything_but_the_database() -> None:
    url = pg_cluster.database_url("postgres://u:p%40ss@db.example:6543/postgres?sslmode=disable",
                                  "t_abc")
    assert url == "postgresql://u:p%40ss@db.example:6543/t_abc?sslmode=disable"
    # A key=value conninfo (also allowed in $STORYLINE_TEST_PG) becomes a URL too.
    url = pg_cluster.database_url("host=/run/postgresql port=5433 user=me dbname=postgres",
                                  "t_abc")
    assert url.startswith("postgresql://")
    assert conninfo.conninfo_to_dict(url) == {"host": "/run/postgresql", "port": "5433",
                                              "user": "me", "dbname": "t_abc"}


def test_ensure_server_uses_the_given_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pg_cluster.ENV_URL, " postgresql://x@192.0.2.1:1/db ")
    monkeypatch.setattr(pg_cluster, "start_cluster", lambda base: pytest.fail("started"))
    assert pg_cluster.ensure_server() == ("postgresql://x@192.0.2.1:1/db", None)


def test_find_bin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert pg_cluster.find_bin("no-such-postgres-tool") is None
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH: the newest versioned folder
    newest = max(pg_cluster.PG_LIB.glob("*/bin/initdb"), default=None,
                 key=lambda p: tuple(int(v) for v in p.parent.parent.name.split(".")))
    assert pg_cluster.find_bin("initdb") == newest
    fake = tmp_path / "initdb"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert pg_cluster.find_bin("initdb") == fake  # PATH comes first


@local_only
def test_local_server_binaries_and_settings(pg_server: str) -> None:
    initdb = pg_cluster.find_bin("initdb")
    assert initdb is not None and initdb.is_file() and os.access(initdb, os.X_OK)
    out = subprocess.run([str(initdb), "--version"], capture_output=True, text=True, check=True)
    assert "PostgreSQL" in out.stdout
    parts = urlsplit(pg_server)
    assert (parts.scheme, parts.hostname, parts.username) == ("postgresql", "127.0.0.1",
                                                              pg_cluster.DB_USER)
    with psycopg.connect(pg_server) as con:
        settings = dict(con.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'listen_addresses',"
            " 'max_connections', 'synchronous_commit', 'full_page_writes', 'port')").fetchall())
    assert settings == {"fsync": "off", "listen_addresses": "127.0.0.1",
                        "max_connections": "100", "synchronous_commit": "off",
                        "full_page_writes": "off", "port": str(parts.port)}


@local_only
def test_start_and_stop_a_cluster(pg_server: str, tmp_path: Path) -> None:
    """A second cluster next to the session's: own port, and stop() leaves nothing behind."""
    cluster = pg_cluster.start_cluster(tmp_path)
    try:
        assert urlsplit(cluster.url).port != urlsplit(pg_server).port
        with psycopg.connect(cluster.url) as con:
            assert con.execute("SELECT current_user").fetchone() == (pg_cluster.DB_USER,)
        assert cluster.root.is_dir() and (cluster.data / "postmaster.pid").is_file()
    finally:
        cluster.stop()
    assert not cluster.root.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url, connect_timeout=5)
    cluster.stop()  # a second stop is harmless

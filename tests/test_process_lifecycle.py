"""A killed ingest (SIGTERM or SIGKILL) leaves no process behind and no batch running forever,
and a failing one says so."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO

import pytest

from conftest import article_text, stored_articles
from storyline import Storyline
from storyline.ingest.units import Unit
from storyline.pipeline import COMMIT_EVERY, ingest_units
from storyline.store import Store, owner
from storyline.store.migrations import MIGRATIONS, SCHEMA_VERSION

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="finds a run's processes in /proc")
#: Enough that the ingest is still running well after its first chunk.
TOTAL = 4000
#: How long the processes of a stopped run may take to go (a deadline, not a measure).
DEADLINE = 20.0


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(TOTAL):
        (corpus / f"{i:05}.txt").write_text(article_text(i))
    return corpus


def _start(corpus: Path, db: Path, log: IO[str]) -> subprocess.Popen[str]:
    """The CLI in a session of its own: every process of the run (forkserver, resource
    tracker, workers) carries its id, even once the main process is gone."""
    return subprocess.Popen(
        [sys.executable, "-m", "storyline.interfaces.cli", "ingest", str(corpus), "--db",
         str(db), "--workers", "2"],
        stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )


def _wait_first_chunk(db: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while stored_articles(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip(f"the ingest ended (exit {proc.returncode}) before it could be stopped")
    assert stored_articles(db) > 0, "no chunk committed within 60 s"


def _session(sid: int) -> dict[int, str]:
    """pid → command line of the live (not zombie) processes of session ``sid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            found[int(entry.name)] = cmdline[:150]
    return found


def _wait_gone(sid: int) -> dict[int, str]:
    deadline = time.monotonic() + DEADLINE
    while (left := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _batches(db: Path) -> list[tuple[int, str, int, int | None]]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert con.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == stored
        return [tuple(r) for r in con.execute(
            "SELECT id, status, ingested, pid FROM batches ORDER BY id")]
    finally:
        con.close()


@linux_only
def test_sigterm_stops_like_ctrl_c_and_leaves_no_process(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    db = tmp_path / "term.db"
    with (tmp_path / "out.log").open("w+") as log:
        proc = _start(corpus, db, log)
        try:
            _wait_first_chunk(db, proc)
            assert len(_session(proc.pid)) >= 4, _session(proc.pid)  # the pool is up
            # Another process writing the store meanwhile must not take the batch for stale.
            (tmp_path / "again").mkdir()
            (tmp_path / "again" / "a.txt").write_text(article_text(0))
            with Storyline(db) as sl:
                assert len(sl.ingest([tmp_path / "again"]).already_stored) == 1
            assert _batches(db)[0][1] == "running"
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        finally:
            proc.kill()
        log.seek(0)
        out = log.read()
    assert proc.returncode == 130, out
    assert "interrupted" in out
    assert not (left := _wait_gone(proc.pid)), left
    stored = stored_articles(db)
    assert 0 < stored < TOTAL and stored % COMMIT_EVERY == 0, stored
    assert _batches(db) == [(1, "interrupted", stored, proc.pid), (2, "done", 0, os.getpid())]


@linux_only
def test_sigkill_leaves_no_process_and_the_next_run_closes_the_batch(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    db = tmp_path / "kill.db"
    with (tmp_path / "out.log").open("w") as log:
        proc = _start(corpus, db, log)
        try:
            _wait_first_chunk(db, proc)
            assert len(_session(proc.pid)) >= 4, _session(proc.pid)
        finally:
            proc.kill()
        proc.wait(timeout=60)
    # Workers, forkserver and resource tracker all go by themselves.
    assert not (left := _wait_gone(proc.pid)), left
    stored = stored_articles(db)
    assert 0 < stored < TOTAL and stored % COMMIT_EVERY == 0, stored
    assert _batches(db) == [(1, "running", 0, proc.pid)]
    (tmp_path / "next").mkdir()
    (tmp_path / "next" / "n.txt").write_text(article_text(TOTAL))
    with Storyline(db) as sl:
        assert len(sl.ingest([tmp_path / "next"]).ingested) == 1
    assert _batches(db) == [(1, "interrupted", stored, proc.pid), (2, "done", 1, os.getpid())]


def _units(n: int, then: BaseException | None = None, *, sigterm_at: int | None = None
           ) -> Iterator[Unit]:
    for i in range(n):
        if i == sigterm_at:
            os.kill(os.getpid(), signal.SIGTERM)
        yield Unit(origin=f"t#{i}", format="jsonl", data=article_text(i).split("\n", 2)[2],
                   title=f"Desalination plan {i}", source="Test", published="2023-06-13",
                   published_from="metadata", lang="en")
    if then is not None:
        raise then


def _status(store: Store) -> list[str]:
    return [r[0] for r in store._db.execute("SELECT status FROM batches ORDER BY id")]


def test_an_error_marks_the_batch_failed(tmp_path: Path) -> None:
    with Store(tmp_path / "f.db") as store:
        with pytest.raises(OSError, match="disk on fire"):
            ingest_units(store, _units(3, OSError("disk on fire")), workers=1)
        assert _status(store) == ["failed"]


def test_sigterm_in_process_interrupts_then_reaches_the_callers_handler(
        tmp_path: Path) -> None:
    """On the main thread the ingest takes SIGTERM over while it runs, then gives it back
    (and passes the signal on to the handler it displaced)."""
    seen: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with Store(tmp_path / "t.db") as store:
            report = ingest_units(store, _units(COMMIT_EVERY + 10, sigterm_at=COMMIT_EVERY + 5),
                                  workers=1)
            assert report.interrupted
            assert len(report.ingested) == COMMIT_EVERY
            assert _status(store) == ["interrupted"]
        assert seen == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_an_ingest_off_the_main_thread_leaves_signals_alone(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Store(tmp_path / "w.db") as store:
                assert len(ingest_units(store, _units(2), workers=1).ingested) == 2
                assert _status(store) == ["done"]
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive() and not errors, errors
    assert signal.getsignal(signal.SIGTERM) is before


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_batches_of_gone_processes_are_marked(tmp_path: Path) -> None:
    me = owner.current()
    dead = _dead_pid()
    rows = {
        "mine": (me.pid, me.host, me.scope, me.start),
        "dead": (dead, me.host, me.scope, None),
        "other host": (dead, me.host + "-elsewhere", me.scope, None),
        "before owners were recorded": (None, None, None, None),
    }
    if me.scope is not None:  # Linux: start times and scopes are known
        boot, _, namespace = me.scope.partition(" ")
        rows["pid reused"] = (me.pid, me.host, me.scope, "1")
        rows["before a restart"] = (me.pid, me.host, f"not-{boot} {namespace}", me.start)
        rows["another pid namespace"] = (dead, me.host, f"{boot} pid:[1]", None)
    stale = {"dead", "pid reused", "before a restart"}
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            for name, row in rows.items():
                store._db.execute("INSERT INTO batches(started_at, inputs, pid, host, pid_scope, "
                                  "pid_start) VALUES ('2024-01-01', ?, ?, ?, ?, ?)",
                                  (f'["{name}"]', *row))
        new = store.begin_batch(["new"])
        status = dict(store._db.execute("SELECT inputs, status FROM batches WHERE id != ?",
                                        (new,)).fetchall())
    assert status == {f'["{name}"]': "interrupted" if name in stale else "running"
                      for name in rows}


def test_the_owner_columns_are_added_to_an_existing_store(tmp_path: Path) -> None:
    """Migration 9 keeps the batches before it, and their unknown owner keeps them as they are."""
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    for script in MIGRATIONS[:8]:
        con.executescript(script)
    con.execute("PRAGMA user_version = 8")
    con.execute("INSERT INTO batches(started_at, inputs, ingested) VALUES ('2024-01-01', "
                "'[\"old\"]', 7)")
    con.commit()
    con.close()
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.begin_batch(["new"])
        rows = [tuple(r) for r in store._db.execute(
            "SELECT inputs, status, ingested, pid FROM batches ORDER BY id")]
    assert rows == [('["old"]', "running", 7, None), ('["new"]', "running", 0, os.getpid())]

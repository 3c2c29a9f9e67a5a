"""Issue 15, ingest: symbolic link loops, unreadable folders, feed items and standard input
over the size limit, and metadata that is not what it claims are rejects or notices with a
reason; the batch goes on and nothing stored is lost."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from conftest import article_text, html_page
from storyline import Storyline
from storyline.ingest.sources import spool_stdin
from storyline.ingest.units import MAX_DOCUMENT_BYTES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from storyline.interfaces.web.app import create_app


def _good(folder: Path, n: int = 0) -> Path:
    path = folder / f"good{n}.txt"
    path.write_text(article_text(n))
    return path


# -- symbolic links and folders ---------------------------------------------------------------
def test_a_symlink_loop_is_a_reject_and_the_batch_goes_on(sl: Storyline, tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "b").symlink_to("a")
    (d / "a").symlink_to("b")
    (d / "gone").symlink_to(tmp_path / "nowhere.txt")
    _good(d, 1)
    report = sl.ingest([d, d / "a"])
    assert len(report.ingested) == 1
    reasons = {(Path(r.origin).name, r.reason) for r in report.rejected}
    assert ("a", "symbolic link loop") in reasons and ("b", "symbolic link loop") in reasons
    assert any(n == "gone" and r.startswith("broken symbolic link") for n, r in reasons)
    assert not any("no such file" in r for _, r in reasons)
    status = sl.store._db.execute("SELECT status FROM batches ORDER BY id DESC").fetchone()[0]
    assert status == "done"


def test_an_unreadable_subfolder_is_a_reject(sl: Storyline, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "top"
    locked = top / "locked"
    locked.mkdir(parents=True)
    _good(top, 2)
    _good(locked, 3)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:  # what a folder without read permission does
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    report = sl.ingest([top])
    assert len(report.ingested) == 1
    assert [(r.origin, r.reason) for r in report.rejected] == [
        (str(locked), "cannot read folder (Permission denied)")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder: covered by the "
                    "monkeypatched test above")
def test_an_unreadable_subfolder_for_real(sl: Storyline, tmp_path: Path) -> None:
    locked = tmp_path / "top" / "locked"
    locked.mkdir(parents=True)
    _good(locked, 4)
    _good(tmp_path / "top", 5)
    locked.chmod(0)
    try:
        report = sl.ingest([tmp_path / "top"])
    finally:
        locked.chmod(0o755)
    assert len(report.ingested) == 1
    assert report.rejected and "cannot read folder" in report.rejected[0].reason


# -- size limits ------------------------------------------------------------------------------
def test_a_feed_item_over_the_article_limit_is_rejected(sl: Storyline, tmp_path: Path) -> None:
    huge = "<p>" + "word " * (MAX_DOCUMENT_BYTES // 5 + 10) + "</p>"
    normal = "".join(f"<p>{p}</p>" for p in article_text(6).split("\n\n")[1:])
    feed = tmp_path / "big.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Big Wire</title>'
        f"<item><title>Huge</title><link>https://big.example/1</link>"
        f"<description><![CDATA[{huge}]]></description></item>"
        f"<item><title>Normal</title><link>https://big.example/2</link>"
        f"<description><![CDATA[{normal}]]></description></item></channel></rss>")
    report = sl.ingest([feed])
    assert len(report.ingested) == 1
    assert [r.origin.rsplit("#", 1)[1] for r in report.rejected] == ["https://big.example/1"]
    assert "too large for one article" in report.rejected[0].reason


class Endless(io.RawIOBase):
    """A pipe that never ends (``cat /dev/zero``, ``yes``), counting what was read."""

    def __init__(self, byte: bytes) -> None:
        self.byte, self.served = byte, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = len(buffer)
        buffer[:n] = self.byte * n
        self.served += n
        return n


@pytest.mark.parametrize(("byte", "reason"), [(b"a", "too large for one article"),
                                               (b"\x00", "binary")])
def test_endless_standard_input_is_read_only_up_to_the_limit(
        sl: Storyline, byte: bytes, reason: str) -> None:
    raw = Endless(byte)
    report = sl.ingest(["-"], stdin=io.BufferedReader(raw))
    assert not report.ingested
    assert reason in report.rejected[0].reason and report.rejected[0].origin == "<stdin>"
    assert raw.served <= MAX_DOCUMENT_BYTES + 2 * 1024 * 1024


def test_standard_input_containers_are_spooled_not_held(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"text": article_text(i)}).encode() + b"\n" for i in range(3))
    items = list(spool_stdin(io.BytesIO(lines)))
    assert len(items) == 1 and items[0].path is not None  # type: ignore[union-attr]
    assert not items[0].path.exists()  # type: ignore[union-attr]  # deleted once read


def test_cli_reads_a_pipe_without_holding_it(tmp_path: Path) -> None:
    """``head -c 200M /dev/zero | storyline ingest -``: one reject, at once."""
    db = tmp_path / "s.db"
    start = time.monotonic()
    with subprocess.Popen(["head", "-c", str(200 * 1024 * 1024), "/dev/zero"],
                          stdout=subprocess.PIPE) as head:
        done = subprocess.run(
            [sys.executable, "-m", "storyline.interfaces.cli", "ingest", "-", "--db", str(db)],
            stdin=head.stdout, capture_output=True, text=True, timeout=120)
        assert head.stdout is not None
        head.stdout.close()
    assert done.returncode == 0, done.stderr
    assert "rejected <stdin>: unsupported input: binary" in done.stderr
    assert time.monotonic() - start < 120


# -- metadata ---------------------------------------------------------------------------------
def test_bad_jsonl_metadata_is_dropped_with_a_warning(sl: Storyline, tmp_path: Path) -> None:
    f = tmp_path / "wire.jsonl"
    rows = [
        {"text": article_text(7), "published": "2024-03-05<script>alert(1)</script>",
         "lang": 'en"><script>alert(1)</script>', "source": "Wire"},
        {"text": article_text(8), "published": "2024-03-05T10:00:00Z", "lang": "en-GB"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = sl.ingest([f])
    assert len(report.ingested) == 2 and not report.rejected
    notes = [(w.origin, w.message) for w in report.warnings]
    assert [o for o, _ in notes] == [f"{f}#L1", f"{f}#L1"]
    assert "is not a date" in notes[0][1] and "dropped" in notes[0][1]
    assert "ISO 639-1" in notes[1][1]
    first = sl.article(report.origins[f"{f}#L1"])
    second = sl.article(report.origins[f"{f}#L2"])
    assert first is not None and second is not None
    assert first.published is None and first.lang == "en"  # detected from the text instead
    assert (second.published, second.lang) == ("2024-03-05T10:00:00Z", "en")
    assert "2 warnings" in report.summary()


def test_a_page_lang_attribute_that_is_no_language_is_ignored(sl: Storyline,
                                                               tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(html_page(lang='en"><script>x</script>'))
    report = sl.ingest([page])
    article = sl.article(report.ingested[0])
    assert article is not None and article.lang == "en"


def test_bad_flags_are_one_line_errors(tmp_path: Path) -> None:
    good = _good(tmp_path, 9)
    for flag, value in (("--published", "2024-03-05<script>"), ("--lang", "english")):
        done = subprocess.run(
            [sys.executable, "-m", "storyline.interfaces.cli", "ingest", str(good), flag,
             value, "--db", str(tmp_path / "s.db")], capture_output=True, text=True,
            timeout=120)
        assert done.returncode != 0
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr


def test_an_upload_with_bad_metadata_is_422_and_files_are_deleted(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with TestClient(base_url="http://127.0.0.1",
                    app=create_app(db, allow_ingest=True)) as client:
        for params in ({"published": "2024-03-05<script>"}, {"lang": 'en"><x'}):
            r = client.post("/api/ingest", params={"filename": "a.txt", **params},
                            content=article_text(10).encode())
            assert r.status_code == 422, r.text
        assert not list((tmp_path / "s-uploads").glob("*/*"))
        ok = client.post("/api/ingest", params={"filename": "a.txt", "lang": "en-US"},
                         content=article_text(11).encode())
        assert ok.status_code == 202
        deadline = time.monotonic() + 120
        while client.get(f"/api/ingest/{ok.json()['id']}").json()["status"] not in (
                "done", "failed") and time.monotonic() < deadline:
            time.sleep(0.05)
        state = client.get(f"/api/ingest/{ok.json()['id']}").json()
        assert state["status"] == "done" and len(state["ingested"]) == 1
    assert not list((tmp_path / "s-uploads").glob("*/*"))  # the upload is gone once ingested


# -- deep markup ------------------------------------------------------------------------------
@pytest.mark.parametrize(("depth", "read"), [(300, True), (1500, True), (5000, False)])
def test_deeply_nested_html_is_read_or_rejected_with_that_reason(
        sl: Storyline, tmp_path: Path, depth: int, read: bool) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in article_text(depth).split("\n\n")[1:])
    page = tmp_path / f"deep{depth}.html"
    page.write_text(f"<html><head><title>Deep page {depth}</title></head><body>"
                    + "<div>" * depth + paragraphs + "</div>" * depth + "</body></html>")
    report = sl.ingest([page])
    if read:
        assert len(report.ingested) == 1, report.rejected
        article = sl.article(report.ingested[0])
        assert article is not None and "desalination" in article.text
    else:
        assert [r.reason for r in report.rejected] == [
            "HTML nested too deeply to read (over 2048 levels)"]

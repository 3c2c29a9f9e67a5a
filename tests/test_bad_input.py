"""Every kind of bad input gets one clear line, lands in rejects, and the batch goes on."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from conftest import article_text, html_page, write_warc
from storyline import Storyline


def _ingest_with_good(sl: Storyline, tmp_path: Path, bad: Path) -> tuple[str, str]:
    good = tmp_path / "good.txt"
    good.write_text(article_text(0))
    report = sl.ingest([bad, good])
    assert len(report.ingested) == 1, "the good file after the bad one must still be ingested"
    assert len(report.rejected) == 1, report.rejected
    reject = report.rejected[0]
    stored = sl.rejects()
    assert [(r.origin, r.reason) for r in stored] == [(reject.origin, reject.reason)]
    assert "\n" not in reject.message()
    return reject.origin, reject.reason


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "empty file"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(3000), "binary"),
        ("blob.txt", b"\x00\x01\x02" + os.urandom(4000), "binary"),
        ("spaces.txt", b"   \n\n  \t \n", "no text"),
        ("broken.html", b"<html><body><div><p>Too short <b>to be", "not an article"),
        ("index.html", None, "index page"),
        ("login.html", None, "paywall"),
        ("feed.rss", b"this is not xml at all, just words", "named like a feed"),
        ("feed.xml", b"<?xml version='1.0'?><rss><channel><item><title>x</ti", "feed"),
        ("notwarc.warc.gz", gzip.compress(b"hello, this is no archive"), "WARC"),
    ],
)
def test_bad_file(
    sl: Storyline, tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    bad = tmp_path / name
    if name == "index.html":
        links = "".join(
            f'<li><a href="/s/{i}">Headline number {i} about the latest events</a></li>'
            for i in range(25)
        )
        content = f"<html><body><h1>World</h1><ul>{links}</ul></body></html>".encode()
    if name == "login.html":
        content = (
            b"<html><body><h1>Ministers meet in Vienna</h1><p>Subscribe to continue reading."
            b"</p><form><input name=user><input type=password></form><p>Already a subscriber? "
            b"Log in</p></body></html>"
        )
    assert content is not None
    bad.write_bytes(content)
    origin, reason = _ingest_with_good(sl, tmp_path, bad)
    assert origin == str(bad)
    assert expected.lower() in reason.lower(), reason


def test_invalid_utf8_is_decoded_not_rejected(sl: Storyline, tmp_path: Path) -> None:
    data = article_text(3).encode("utf-8")
    data = data[:200] + b"\xff\xfe" + data[200:]
    (tmp_path / "bad-bytes.txt").write_bytes(data)
    report = sl.ingest([tmp_path / "bad-bytes.txt"])
    assert len(report.ingested) == 1


def test_huge_text_file(sl: Storyline, tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        line = b"All work and no play makes a very long log file indeed. " * 20 + b"\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size >= 50 * 1024 * 1024
    _, reason = _ingest_with_good(sl, tmp_path, big)
    assert "too large" in reason


def test_malformed_jsonl_line(sl: Storyline, tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": article_text(1)}),
        '{"text": "unterminated',
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text"}),
        json.dumps({"text": article_text(2), "published": 2023}),
        json.dumps({"text": article_text(3)}),
    ]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines))
    report = sl.ingest([tmp_path / "mixed.jsonl"])
    assert len(report.ingested) == 2
    reasons = {r.origin.rsplit("#", 1)[1]: r.reason for r in report.rejected}
    assert set(reasons) == {"L2", "L3", "L4", "L5"}
    assert "invalid JSON" in reasons["L2"]
    assert "expected a JSON object" in reasons["L3"]
    assert "no 'text'" in reasons["L4"]
    assert "must be strings" in reasons["L5"]


def test_truncated_warc_keeps_earlier_records(sl: Storyline, tmp_path: Path) -> None:
    pages = [
        (f"https://t.example/{i}", html_page(f"Page {i} headline", url=f"https://t.example/{i}",
                                            paragraphs=[article_text(i)]))
        for i in range(3)
    ]
    full = tmp_path / "full.warc.gz"
    write_warc(full, pages)
    size = full.stat().st_size
    cut = tmp_path / "cut.warc.gz"
    write_warc(cut, pages, truncate_at=int(size * 0.8))
    report = sl.ingest([cut])
    assert len(report.ingested) == 2
    assert len(report.rejected) == 1
    assert report.rejected[0].origin == str(cut)
    assert "truncated" in report.rejected[0].reason


def test_missing_path_and_empty_folder_and_glob(sl: Storyline, tmp_path: Path) -> None:
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    (empty / ".DS_Store").write_bytes(b"\x00\x00")
    good = tmp_path / "good.txt"
    good.write_text(article_text(0))
    report = sl.ingest([tmp_path / "nope.txt", empty, str(tmp_path / "*.nothing"), good])
    assert len(report.ingested) == 1
    reasons = [r.reason for r in report.rejected]
    assert reasons == [
        "no such file or directory",
        "folder holds no readable files",
        "no file matches this pattern",
    ]


def test_script_in_input_is_never_executed(sl: Storyline, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    page = html_page(
        "Harmless <script>document.title='x'</script> headline",
        extra_head=f"<script>require('fs').writeFileSync('{marker}', 'x')</script>",
    )
    (tmp_path / "x.html").write_text(page)
    report = sl.ingest([tmp_path / "x.html"])
    assert len(report.ingested) == 1
    assert not marker.exists()
    a = sl.article(report.ingested[0])
    assert a is not None and "writeFileSync" not in a.text


def test_bad_batch_loses_nothing_stored(sl: Storyline, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(article_text(1))
    sl.ingest([tmp_path / "a.txt"])
    (tmp_path / "b.bin").write_bytes(b"\x00" * 100)
    sl.ingest([tmp_path / "b.bin", tmp_path / "missing"])
    assert len(sl.articles()) == 1


def test_control_characters_in_metadata_never_reach_the_store(sl: Storyline,
                                                              tmp_path: Path) -> None:
    """A NUL in a title, an outlet name or a URL (PostgreSQL text cannot even hold one) is
    taken out, or the URL dropped; the article and the batch go on, on both backends."""
    feed = tmp_path / "nul.jsonl"
    records = [
        {"title": "Storm\x00 closes the ports", "text": article_text(1),
         "source": "Coast\x00 Post", "url": "https://coast.example/a\x00b",
         "published": "2024-03-01"},
        {"title": "Plain record", "text": article_text(2), "source": "Wire",
         "url": "https://wire.example/story one", "published": "2024-03-02"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = sl.ingest([feed])
    assert len(report.ingested) == 2 and not report.rejected, report.summary()
    stored = {a.title: a for a in sl.articles(limit=None)}
    first = stored["Storm closes the ports"]
    assert first.source == "Coast Post" and first.url is None
    assert stored["Plain record"].url is None  # a space: not a URL a browser would send


def test_plain_metadata_keeps_clean_values_as_they_are() -> None:
    from storyline.ingest.metadata import plain_metadata
    from storyline.models import RawDocument

    clean = RawDocument("a.txt", "text", "Body.", title="Title", source="Wire",
                        url="https://wire.example/a", byline="Ana Costa")
    assert plain_metadata(clean) is clean
    dirty = RawDocument("a.txt", "text", "Body.", title="\x00", byline="Ana\x07\x08 Costa",
                        url="https://wire.example/\x1fa")
    fixed = plain_metadata(dirty)
    assert (fixed.title, fixed.byline, fixed.url, fixed.text) == (None, "Ana Costa", None,
                                                                 "Body.")

from __future__ import annotations

import json
from pathlib import Path

from conftest import PARAGRAPHS, article_text, html_page, write_warc
from storyline import Storyline


def test_plain_text_folder_and_idempotence(sl: Storyline, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(article_text(1))
    (folder / "sub" / "b.txt").write_text(article_text(2))
    (folder / ".hidden.txt").write_text(article_text(3))
    first = sl.ingest([folder])
    assert len(first.ingested) == 2 and not first.rejected
    again = sl.ingest([folder])
    assert again.ingested == [] and sorted(again.already_stored) == sorted(first.ingested)
    stored = sl.articles()
    assert {a.title for a in stored} == {
        "Portugal approves desalination plan number 1",
        "Portugal approves desalination plan number 2",
    }
    assert all(a.published is None for a in stored), "no date must stay unknown, never today"


def test_same_text_under_other_name_is_already_stored(sl: Storyline, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(article_text(1))
    (tmp_path / "two.txt").write_text(article_text(1).replace("  ", " ").upper())
    report = sl.ingest([tmp_path / "one.txt", tmp_path / "two.txt"])
    assert len(report.ingested) == 1 and len(report.already_stored) == 1


def test_html_metadata(sl: Storyline, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"  # wrong extension on purpose: content decides
    page.write_text(html_page())
    report = sl.ingest([page])
    assert len(report.ingested) == 1, report.rejected
    a = sl.article(report.ingested[0])
    assert a is not None
    assert a.format == "html"
    assert a.title == "Portugal bets on desalination in the Algarve"
    assert a.source == "Harbor Daily"
    assert a.byline == "Ana Costa"
    assert a.published == "2023-06-13" and a.published_from == "metadata"
    assert a.url == "https://www.harbordaily.example/world/portugal-desalination"
    assert a.lang == "en"
    assert "Most read" not in a.text and "All rights reserved" not in a.text
    assert a.text.startswith("LISBON")


def test_html_without_date_stays_unknown(sl: Storyline, tmp_path: Path) -> None:
    paragraphs = ["The photo above was taken on 3 March 2019 in Porto.", *PARAGRAPHS]
    (tmp_path / "p.html").write_text(html_page(published=None, paragraphs=paragraphs))
    report = sl.ingest([tmp_path / "p.html"])
    a = sl.article(report.ingested[0])
    assert a is not None and a.published is None


def test_flags_beat_document_metadata(sl: Storyline, tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(html_page())
    report = sl.ingest([tmp_path / "p.html"], source="My Outlet", published="2023-07-01",
                       lang="pt")
    a = sl.article(report.ingested[0])
    assert a is not None
    assert (a.source, a.published, a.published_from, a.lang) == (
        "My Outlet", "2023-07-01", "flag", "pt")


def test_rss_feed_full_and_partial(sl: Storyline, tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbor Daily World</title><link>https://harbordaily.example</link>
<item><title>Portugal bets on desalination</title><link>https://harbordaily.example/a</link>
<pubDate>Tue, 13 Jun 2023 09:30:00 +0000</pubDate>
<content:encoded><![CDATA[{body}]]></content:encoded></item>
<item><title>Storm closes ports</title><link>https://harbordaily.example/b</link>
<pubDate>Wed, 14 Jun 2023 10:00:00 +0000</pubDate>
<description>A storm closed three ports along the northern coast on Wednesday, the
harbour authority said, stranding ferries and cargo ships.</description></item>
</channel></rss>"""
    (tmp_path / "world.xml").write_text(feed)
    report = sl.ingest([tmp_path / "world.xml"])
    assert len(report.ingested) == 2, report.rejected
    by_title = {a.title: a for a in sl.articles()}
    full = by_title["Portugal bets on desalination"]
    teaser = by_title["Storm closes ports"]
    assert not full.partial and teaser.partial
    assert full.source == "Harbor Daily World" and full.published == "2023-06-13T09:30:00Z"
    assert full.origin.endswith("world.xml#https://harbordaily.example/a")
    assert "\n\n" in full.text


def test_atom_feed(sl: Storyline, tmp_path: Path) -> None:
    feed = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>World Desk</title><id>urn:x</id>
<updated>2023-09-09T10:00:00Z</updated>
<entry><title>Quake toll rises</title><id>urn:1</id><link href="https://desk.example/1"/>
<published>2023-09-09T10:00:00Z</published><author><name>R. Alami</name></author>
<summary>The death toll from the earthquake rose to more than two thousand on Saturday,
the interior ministry said.</summary></entry></feed>"""
    (tmp_path / "desk.atom").write_text(feed)
    report = sl.ingest([tmp_path / "desk.atom"])
    assert len(report.ingested) == 1
    a = sl.articles()[0]
    assert a.partial and a.byline == "R. Alami" and a.source == "World Desk"


def test_warc(sl: Storyline, tmp_path: Path) -> None:
    pages = [
        ("https://a.example/one", html_page("First page title here", url="https://a.example/one")),
        ("https://b.example/two", html_page(
            "Second page title here", url="https://b.example/two", published=None,
            paragraphs=[p.replace("Algarve", "Alentejo") for p in PARAGRAPHS])),
    ]
    write_warc(tmp_path / "crawl.warc.gz", pages)
    report = sl.ingest([tmp_path / "crawl.warc.gz"])
    assert len(report.ingested) == 2, report.rejected
    by_url = {a.url: a for a in sl.articles()}
    assert by_url["https://a.example/one"].published == "2023-06-13"
    crawled = by_url["https://b.example/two"]
    assert (crawled.published, crawled.published_from) == ("2023-06-15", "crawl")
    assert crawled.origin.endswith("crawl.warc.gz#https://b.example/two")
    assert crawled.format == "warc"


def test_jsonl(sl: Storyline, tmp_path: Path) -> None:
    rows = [
        {"title": "T1", "text": article_text(1), "url": "https://x.example/1",
         "source": "X", "published": "2023-06-13", "lang": "en"},
        {"text": article_text(2)},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = sl.ingest([tmp_path / "a.jsonl"])
    assert len(report.ingested) == 2
    first = sl.article(report.ingested[0])
    assert first is not None
    assert (first.title, first.source, first.published, first.origin[-3:]) == (
        "T1", "X", "2023-06-13", "#L1")


def test_stdin_and_glob(sl: Storyline, tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"n{i}.txt").write_text(article_text(i))
    report = sl.ingest([str(tmp_path / "n[01].txt"), "-"], stdin=article_text(7).encode())
    assert len(report.ingested) == 3
    assert any(a.origin == "<stdin>" for a in sl.articles())


def test_legacy_encoding(sl: Storyline, tmp_path: Path) -> None:
    text = article_text(1).replace("Lisbon", "Zürich café") + "\n“Quoted” – end.\n"
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    report = sl.ingest([tmp_path / "legacy.txt"])
    a = sl.article(report.ingested[0])
    assert a is not None and "Zürich café" in a.text and "“Quoted”" in a.text


def test_parallel_matches_serial(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(80):
        (folder / f"{i:03}.txt").write_text(article_text(i))
    with Storyline(tmp_path / "serial.db") as one, Storyline(tmp_path / "pool.db") as two:
        a = one.ingest([folder], workers=1)
        b = two.ingest([folder], workers=2)
        assert a.ingested == b.ingested and len(a.ingested) == 80


def test_feed_by_url_on_loopback(sl: Storyline, tmp_path: Path) -> None:
    import threading
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Loop</title>'
        f"<item><title>Local item</title><link>https://loop.example/1</link>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>"
    )

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **k: object) -> None:
            super().__init__(*a, directory=str(tmp_path), **k)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        report = sl.ingest([f"http://127.0.0.1:{port}/feed.xml",
                            f"http://127.0.0.1:{port}/missing.xml"])
    finally:
        server.shutdown()
    assert len(report.ingested) == 1
    assert [r.reason for r in report.rejected] == ["cannot fetch: HTTP 404 File not found"]
    assert sl.articles()[0].title == "Local item"

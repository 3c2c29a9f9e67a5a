"""Build the sample corpus's WARC archive from the pages in scripts/sample_warc_pages/.

Each page NAME.html has a sidecar NAME.json with {"uri": ..., "date": ...}. The archive
also gets a request record and a robots.txt response, which ingestion must skip, so the
sample shows a realistic crawl. Output is deterministic (record ids derive from the URI).

    python scripts/build_sample_warc.py
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "scripts" / "sample_warc_pages"
OUT = ROOT / "src" / "storyline" / "data" / "sample" / "articles" / "archive" / "sample.warc.gz"


def _record_id(key: str) -> str:
    return f"<urn:uuid:{uuid.UUID(hashlib.md5(key.encode()).hexdigest())}>"


def _write(writer: WARCWriter, uri: str, date: str, kind: str, body: bytes, ctype: str) -> None:
    http = (
        StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        if kind == "response"
        else StatusAndHeaders(
            f"GET {uri} HTTP/1.1", [("User-Agent", "sample")], is_http_request=True
        )
    )
    record = writer.create_warc_record(
        uri,
        kind,
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": _record_id(kind + uri)},
    )
    writer.write_record(record)


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    first = True
    for page in sorted(PAGES.glob("*.html")):
        meta = json.loads(page.with_suffix(".json").read_text("utf-8"))
        uri, date = meta["uri"], meta["date"]
        if first:
            host = uri.split("/")[2]
            robots = f"https://{host}/robots.txt"
            _write(writer, robots, date, "response", b"User-agent: *\nAllow: /\n", "text/plain")
            first = False
        _write(writer, uri, date, "request", b"", "")
        _write(writer, uri, date, "response", page.read_bytes(), "text/html; charset=utf-8")
    OUT.write_bytes(buf.getvalue())
    print(f"wrote {OUT.relative_to(ROOT)} ({len(buf.getvalue())} bytes)")


if __name__ == "__main__":
    main()
